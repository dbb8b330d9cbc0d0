"""Rules tooling: `rules check`, the exhaustive walk, `rules diff` and the editor schemas."""
