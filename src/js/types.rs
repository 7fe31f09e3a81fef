//! The TypeScript declarations of the shapes that cross into JS. The method signatures in
//! `client.rs` refer to these names; `tests/types` type-checks a consumer against them.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = include_str!("types.d.ts");
