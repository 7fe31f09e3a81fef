//! # mcp-web-client
//!
//! The MCP (Model Context Protocol) client for web apps, compiled to WebAssembly.
//!
//! ```text
//!   JS app ──calls──▶ js (McpClient, McpError, TypeScript types)
//!                        │
//!                        ▼
//!                     web (fetch + streams, timers, aborts)  ◀──bytes──▶  MCP server
//!                        │
//!                        ▼
//!                     core (JSON-RPC, MCP types, SSE, version negotiation)   pure, no I/O
//! ```
//!
//! `core` never touches the network, the DOM or a clock: it builds and tests natively.
//! `web` and `js` exist only on `wasm32` and only move bytes and events.

// The OAuth module (the `oauth-module` build) uses only a part of the shared browser edge.
#![cfg_attr(feature = "oauth-module", allow(dead_code))]

pub mod core;

#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(target_arch = "wasm32")]
mod web;


// Talc instead of the default dlmalloc: smaller in the module and faster (see the README).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
