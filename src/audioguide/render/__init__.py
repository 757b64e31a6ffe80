"""Stage 4, render: turn scripts into audio files in ``output/``, locally or on a Dask cluster;
skip what is up to date; one render at a time per output folder."""
