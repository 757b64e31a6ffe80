"""Stage 6, verify: check a built site against Apple's and Podcasting 2.0's rules, and measure
how intelligible the speech is."""
