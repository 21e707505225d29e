//! Floe storage node.
