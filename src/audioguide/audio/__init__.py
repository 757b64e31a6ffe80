"""Stage 3, audio: the generated music, the mix, loudness mastering and encoding, and ID3 tags."""
