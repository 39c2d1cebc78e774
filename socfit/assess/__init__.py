"""Per-occupation facts and NIW checks, computed from the pack."""
