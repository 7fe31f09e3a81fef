//! `WWW-Authenticate` parsing: never a panic or a hang on any header; written back in the
//! grammar's canonical form, what was parsed parses to the same challenges.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_web_client::core::auth::{bearer_hint, parse_www_authenticate, Challenge};

fuzz_target!(|input: &[u8]| {
    let Ok(header) = std::str::from_utf8(input) else { return };
    let challenges = parse_www_authenticate(header);
    let _ = bearer_hint(header);
    let again = parse_www_authenticate(&serialize(&challenges));
    assert_eq!(again, challenges, "{header:?}");
});

fn serialize(challenges: &[Challenge]) -> String {
    let quote = |v: &str| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
    challenges
        .iter()
        .map(|c| {
            let mut s = c.scheme.clone();
            if let Some(t) = &c.token68 {
                s.push(' ');
                s.push_str(t);
            }
            let params: Vec<String> = c.params.iter().map(|(k, v)| format!("{k}={}", quote(v))).collect();
            if !params.is_empty() {
                s.push(' ');
                s.push_str(&params.join(", "));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}
