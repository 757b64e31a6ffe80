"""Stage 2, speech: plan what is said sentence by sentence (normalisation, lexicon, pauses),
and synthesize what the sentence cache lacks with a registered engine."""
