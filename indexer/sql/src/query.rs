//! The analyst views.
