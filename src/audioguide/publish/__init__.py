"""Stage 5, publish: make ``output/`` a podcast site (cover, transcripts, chapters, feed,
pages) from the records that rendering left there, and serve it."""
