//! JSON-RPC classification: any text either classifies or is refused with an error (never a
//! panic), what it classifies as agrees with the parsed value, and every message the client
//! encodes classifies back as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_web_client::core::jsonrpc::{encode_notification, encode_request, parse_text, quote, Kind, RequestId};
use serde_json::Value;

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else { return };
    if let Ok((kind, value)) = parse_text(text) {
        let field = |k: &str| value.get(k);
        match &kind {
            Kind::Request { id, method } => {
                assert_eq!(field("method").and_then(Value::as_str), Some(method.as_str()));
                assert_eq!(id_of(field("id").unwrap()), Some(id.clone()));
            }
            Kind::Notification { method } => {
                assert_eq!(field("method").and_then(Value::as_str), Some(method.as_str()));
                assert!(field("id").is_none());
            }
            Kind::Response { id } => {
                assert!(field("result").is_some());
                assert_eq!(id_of(field("id").unwrap()), Some(id.clone()));
            }
            Kind::ErrorResponse { id, error } => {
                assert_eq!(id_of(field("id").unwrap()), Some(id.clone()));
                assert_eq!(value["error"]["code"].as_f64().map(|c| c as i64), Some(error.code));
            }
            Kind::OrphanError(_) => assert!(field("id").is_none_or(Value::is_null)),
        }
    }

    // Whatever the method name and params, what we send is one well-formed message.
    let method = text.get(..text.len().min(40)).unwrap_or("");
    let params = serde_json::from_str::<Value>(text).ok().filter(Value::is_object).map(|v| v.to_string());
    let id = RequestId::Number(input.len() as i64);
    let (kind, _) = parse_text(&encode_request(&id, method, params.as_deref())).expect("our request parses");
    assert_eq!(kind, Kind::Request { id, method: method.to_owned() });
    let (kind, _) = parse_text(&encode_notification(method, params.as_deref())).expect("our notification parses");
    assert_eq!(kind, Kind::Notification { method: method.to_owned() });
    assert_eq!(serde_json::from_str::<String>(&quote(text)).unwrap(), text);
});

fn id_of(v: &Value) -> Option<RequestId> {
    match v {
        Value::String(s) => Some(RequestId::String(s.clone())),
        // The client reads numbers as the engine does: 7.0 is the id 7.
        Value::Number(n) => n.as_f64().filter(|f| f.fract() == 0.0).map(|f| RequestId::Number(f as i64)),
        _ => None,
    }
}
