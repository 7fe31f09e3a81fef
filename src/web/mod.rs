//! The browser edge: fetch and streaming bodies, timers, aborts, and the connection that
//! drives the core over Streamable HTTP (or the deprecated HTTP+SSE transport).
//!
//! Every browser resource here has one owner whose `Drop` releases it (a timer is cleared, a
//! listener removed, a stream aborted), so a settled request leaves nothing behind.

// The client module holds the connection and its link to OAuth; the OAuth module holds OAuth.
// The bundled build (`pkg/full/`) holds both, and its link calls OAuth directly.
#[cfg(not(any(feature = "oauth-module", feature = "oauth-bundled")))]
pub mod auth_link;
#[cfg(feature = "oauth-bundled")]
#[path = "auth_bundled.rs"]
pub mod auth_link;
#[cfg(not(feature = "oauth-module"))]
pub mod connection;
#[cfg(any(feature = "oauth-module", feature = "oauth-bundled"))]
pub mod dpop;
pub mod fetch;
pub mod json;
pub mod listener;
#[cfg(any(feature = "oauth-module", feature = "oauth-bundled"))]
pub mod oauth;
pub mod popup;
pub mod promise;
pub mod slot;
pub mod timer;
