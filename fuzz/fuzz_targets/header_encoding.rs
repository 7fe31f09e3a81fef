//! `Mcp-Param-*` header values: whatever the argument, the header is visible ASCII (no CR, LF,
//! NUL or other control: no header injection) and decodes back to the argument exactly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_web_client::core::modern::{decode_header_value, encode_header_value};

fuzz_target!(|input: &[u8]| {
    let Ok(value) = std::str::from_utf8(input) else { return };
    let header = encode_header_value(value);
    assert!(header.bytes().all(|b| (0x20..=0x7e).contains(&b)), "{header:?}");
    assert!(!header.starts_with(' ') && !header.ends_with(' '), "{header:?}");
    assert_eq!(decode_header_value(&header).as_deref(), Some(value), "{header:?}");
});
