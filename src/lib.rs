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

pub mod core;

#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(target_arch = "wasm32")]
mod web;

// wasm32-unknown-unknown without atomics runs on one thread, which is what makes the
// single-threaded allocator sound here.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
