//! The pure protocol core: everything here is plain Rust that never touches the network,
//! the DOM or a clock, so it builds and tests natively with `cargo test`.
//!
//! The browser edge (`crate::web`, `crate::js`) moves bytes and events; it asks this core
//! what a message means and what to send next.

pub mod auth;
pub mod dpop;
pub mod elicitation;
pub mod error;
pub mod form;
pub mod jsonrpc;
pub mod modern;
pub mod model;
pub mod negotiate;
pub mod oauth;
pub mod schema;
pub mod sse;
pub mod value;
