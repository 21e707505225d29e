//! Subcommands of the `floe` binary, one module each.

pub mod blob;
pub mod demo;
pub mod ledger;
pub mod node;
pub mod quilt;
pub mod sim;
pub mod sim_chart;
