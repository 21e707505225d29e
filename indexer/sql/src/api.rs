//! The read-only HTTP API.
