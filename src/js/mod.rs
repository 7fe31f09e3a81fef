//! The JS surface: the exported class, its TypeScript types, and `McpError`. Built with the
//! `oauth-module` feature, it is instead the OAuth module's surface (`oauth_module`).

#[cfg(not(feature = "oauth-module"))]
mod client;
#[cfg(not(feature = "oauth-module"))]
mod dialog;
#[cfg(not(feature = "oauth-module"))]
mod elicitation;
pub(crate) mod error;
#[cfg(feature = "oauth-module")]
mod oauth_module;
#[cfg(not(feature = "oauth-module"))]
mod types;
pub(crate) mod value;

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
