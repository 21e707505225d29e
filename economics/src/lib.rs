//! Floe's economy: pure, deterministic, integer FROST arithmetic.
