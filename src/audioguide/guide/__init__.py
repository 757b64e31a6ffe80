"""Stage 5b, guides: an audio guide's playlist, archive, per-stop transcripts, serial feed and
its offline page, from the guide record that rendering left in ``output/guides/<slug>/``."""
