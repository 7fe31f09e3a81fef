//! The JS surface: the exported class, its TypeScript types, and `McpError`.

mod client;
mod dialog;
mod elicitation;
pub(crate) mod error;
mod types;
mod value;

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
