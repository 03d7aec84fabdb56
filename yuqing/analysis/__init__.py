"""Analysis: understanding Chinese posts — normalisation, tone, near-duplicates, events."""
