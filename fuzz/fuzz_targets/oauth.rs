//! The OAuth decisions on hostile input: a callback query, metadata and token documents from the
//! network. Never a panic; form encoding round-trips; a callback is accepted only with the
//! state sent, and a resource "covers" a server URL only as its prefix at a path boundary.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_web_client::core::oauth::*;

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else { return };
    let (a, b) = text.split_once('\n').unwrap_or((text, ""));

    // Callback: whatever the query, a code comes back only when state=st is in it once.
    if let Ok(code) = check_callback(text, "st", "https://as.example", input.first().is_some_and(|c| c & 1 == 1)) {
        assert!(!code.is_empty());
        assert_eq!(form_decode(text).iter().filter(|(k, v)| k == "state" && v == "st").count(), 1, "{text:?}");
    }
    // Encoding round-trips any text, keys and values.
    assert_eq!(form_decode(&form_encode(&[(a, b)])), [(a.to_owned(), b.to_owned())], "{text:?}");

    if resource_covers(a, b) {
        let (r, s) = (a.trim_end_matches('/'), b.split(['?', '#']).next().unwrap().trim_end_matches('/'));
        assert!(s == r || s.starts_with(&format!("{r}/")), "{a:?} covers {b:?}");
    }
    let _ = secure_url(a);
    let doc = match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(o)) => Some(o),
        _ => None,
    };
    let _ = parse_protected_resource(doc.as_ref(), "https://m.example/mcp");
    let _ = parse_auth_server(doc.as_ref(), "https://as.example", input.len() % 2 == 0);
    let _ = parse_token_response(200, doc.as_ref(), false);
    let _ = parse_token_response(400, doc.as_ref(), true);
    let _ = parse_registration(201, doc.as_ref());
    let _ = select_scope(Some(a), &[b.to_owned()], Some(b));
});
