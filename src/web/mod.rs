//! The browser edge: fetch and streaming bodies, timers, aborts, and the connection that
//! drives the core over Streamable HTTP (or the deprecated HTTP+SSE transport).
//!
//! Every browser resource here has one owner whose `Drop` releases it (a timer is cleared, a
//! listener removed, a stream aborted), so a settled request leaves nothing behind.

pub mod connection;
pub mod dpop;
pub mod fetch;
pub mod json;
pub mod listener;
pub mod oauth;
pub mod popup;
pub mod slot;
pub mod timer;
