//! The stateless era (`2026-07-28`): what every request carries, the headers mirrored from the
//! body, the `x-mcp-header` rules, multi round-trip bookkeeping, and how a probe is judged.
//!
//! No handshake and no session: each request is self-describing through `_meta`, and the HTTP
//! headers repeat what intermediaries need to route it.

use super::error::{Error, InvalidMessage};
use super::jsonrpc::quote;
use super::value::Val;

pub const VERSION: &str = "2026-07-28";
pub const META_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
pub const META_CLIENT_INFO: &str = "io.modelcontextprotocol/clientInfo";
pub const META_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
pub const META_SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";
pub const TASKS_EXTENSION: &str = "io.modelcontextprotocol/tasks";

/// How many `input_required` rounds one request may take before the client gives up.
pub const MAX_ROUNDS: u32 = 10;

/// Error codes of this era.
pub mod codes {
    pub const HEADER_MISMATCH: i64 = -32020;
    pub const MISSING_CAPABILITY: i64 = -32021;
    pub const UNSUPPORTED_VERSION: i64 = -32022;
}

/// The `_meta` members every request carries, as a JSON object.
pub fn request_meta(client_info_json: &str, capabilities_json: &str) -> String {
    format!(
        "{{{}:{},{}:{},{}:{}}}",
        quote(META_VERSION),
        quote(VERSION),
        quote(META_CLIENT_INFO),
        client_info_json,
        quote(META_CAPABILITIES),
        capabilities_json
    )
}

/// The name a request mirrors into `Mcp-Name`, by method: the params field to read.
pub fn name_field(method: &str) -> Option<&'static str> {
    match method {
        "tools/call" | "prompts/get" => Some("name"),
        "resources/read" => Some("uri"),
        _ => None,
    }
}

const SENTINEL_START: &str = "=?base64?";
const SENTINEL_END: &str = "?=";

/// Encodes a header value: plain when it is visible ASCII without surrounding whitespace and
/// does not look like the sentinel; otherwise `=?base64?…?=` of its UTF-8 bytes.
pub fn encode_header_value(value: &str) -> String {
    let plain = !value.is_empty()
        && value.bytes().all(|b| (0x20..=0x7e).contains(&b))
        && !value.starts_with(' ')
        && !value.ends_with(' ')
        && !(value.starts_with(SENTINEL_START) && value.ends_with(SENTINEL_END));
    if plain || value.is_empty() {
        value.to_owned()
    } else {
        format!("{SENTINEL_START}{}{SENTINEL_END}", base64(value.as_bytes()))
    }
}

/// Standard base64 with padding (RFC 4648 §4).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The inverse of [`encode_header_value`], as a server reads the header. The client never
/// decodes one: this is the reference the property tests and the fuzz target hold it to.
pub fn decode_header_value(header: &str) -> Option<String> {
    let Some(b64) = header.strip_prefix(SENTINEL_START).and_then(|h| h.strip_suffix(SENTINEL_END)) else {
        return Some(header.to_owned());
    };
    let sextet = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    if b64.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(b64.len() / 4 * 3);
    for chunk in b64.as_bytes().chunks(4) {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count().min(2);
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | u32::from(sextet(c)?);
        }
        n <<= 6 * pad as u32;
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad]);
    }
    String::from_utf8(out).ok()
}

/// One tool parameter the server asked to see mirrored as `Mcp-Param-{name}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderParam {
    pub name: String,
    /// The chain of `properties` keys from the schema root to the parameter.
    pub path: Vec<String>,
}

const ANNOTATION: &str = "x-mcp-header";

/// The header parameters of a tool's `inputSchema`, or why the tool definition is invalid.
pub fn header_params(input_schema: &Val) -> Result<Vec<HeaderParam>, String> {
    let mut out = Vec::new();
    collect(input_schema, &mut Vec::new(), true, &mut out)?;
    for (i, a) in out.iter().enumerate() {
        if out[..i].iter().any(|b| b.name.eq_ignore_ascii_case(&a.name)) {
            return Err(format!("{ANNOTATION} \"{}\" is declared twice", a.name));
        }
    }
    Ok(out)
}

/// Walks the schema. `reachable` stays true only along a chain of `properties` keys; an
/// annotation found anywhere else makes the definition invalid.
fn collect(schema: &Val, path: &mut Vec<String>, reachable: bool, out: &mut Vec<HeaderParam>) -> Result<(), String> {
    match schema {
        Val::Obj(fields) => {
            for (key, value) in fields {
                if key == ANNOTATION {
                    let where_ = path.join(".");
                    if !reachable || path.is_empty() {
                        return Err(format!("{ANNOTATION} at \"{where_}\" is not reachable through properties alone"));
                    }
                    let Val::Str(name) = value else {
                        return Err(format!("{ANNOTATION} at \"{where_}\" is not a string"));
                    };
                    if name.is_empty() || !name.bytes().all(is_tchar) {
                        return Err(format!("{ANNOTATION} \"{name}\" is not a valid header name token"));
                    }
                    match schema.get("type").and_then(Val::as_str) {
                        Some("string" | "integer" | "boolean") => {}
                        other => {
                            let other = other.unwrap_or("(none)");
                            return Err(format!("{ANNOTATION} \"{name}\" is on a parameter of type {other}; only string, integer and boolean are allowed"));
                        }
                    }
                    out.push(HeaderParam { name: name.clone(), path: path.clone() });
                } else if key == "properties" {
                    if let Val::Obj(props) = value {
                        for (name, sub) in props {
                            path.push(name.clone());
                            let r = collect(sub, path, reachable, out);
                            path.pop();
                            r?;
                        }
                    } else {
                        collect(value, path, false, out)?;
                    }
                } else {
                    collect(value, path, false, out)?;
                }
            }
            Ok(())
        }
        Val::Arr(items) => items.iter().try_for_each(|v| collect(v, path, false, out)),
        _ => Ok(()),
    }
}

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The `Mcp-Param-*` headers for a call's arguments. A parameter with no value is omitted; a
/// value of a type the header cannot carry (or an unsafe integer) is an argument error.
pub fn header_values(params: &[HeaderParam], arguments: &Val) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    for p in params {
        let mut value = Some(arguments);
        for key in &p.path {
            value = value.and_then(|v| v.get(key));
        }
        let text = match value {
            None | Some(Val::Null) => continue,
            Some(Val::Str(s)) => s.clone(),
            Some(Val::Bool(b)) => b.to_string(),
            Some(Val::Num(n)) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 => (*n as i64).to_string(),
            Some(_) => {
                return Err(Error::InvalidArgument(format!(
                    "argument {} must be a string, a safe integer or a boolean (it is sent as header Mcp-Param-{})",
                    p.path.join("."),
                    p.name
                )))
            }
        };
        out.push((format!("Mcp-Param-{}", p.name), encode_header_value(&text)));
    }
    Ok(out)
}

/// What a result says about itself (`resultType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultType {
    Complete,
    InputRequired,
    /// `io.modelcontextprotocol/tasks`: the server runs the call as a task.
    Task,
}

/// Reads `resultType`: absent means complete (older servers); an unknown value is invalid.
pub fn result_type(method: &str, value: Option<&str>) -> Result<ResultType, Error> {
    match value {
        None | Some("complete") => Ok(ResultType::Complete),
        Some("input_required") => Ok(ResultType::InputRequired),
        // The tasks extension's CreateTaskResult, which only tools/call may answer with.
        Some("task") if method == "tools/call" => Ok(ResultType::Task),
        Some(other) => Err(Error::InvalidMessage(InvalidMessage::Result {
            method: method.into(),
            reason: format!("unknown resultType \"{other}\""),
        })),
    }
}

/// Counts `input_required` rounds of one request.
#[derive(Debug, Default)]
pub struct Rounds(u32);

impl Rounds {
    /// Records one more round; an error once the bound is passed.
    pub fn next(&mut self, method: &str) -> Result<(), Error> {
        self.0 += 1;
        if self.0 > MAX_ROUNDS {
            return Err(Error::InvalidMessage(InvalidMessage::Result {
                method: method.into(),
                reason: format!("the server asked for input more than {MAX_ROUNDS} times; stopped"),
            }));
        }
        Ok(())
    }
}

/// What a `server/discover` probe revealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Era {
    Modern,
    /// Use `initialize` (and HTTP+SSE after it, if that fails too).
    Legacy,
}

/// Judges a discover answer: modern only when `supportedVersions` lists this era's version.
/// Some legacy servers answer unknown methods with `{}`: that is legacy, not modern.
pub fn judge_discover(supported_versions: Option<&[String]>) -> Era {
    match supported_versions {
        Some(v) if v.iter().any(|s| s == VERSION) => Era::Modern,
        _ => Era::Legacy,
    }
}

/// After `-32022`, the best version both sides speak, newest first.
pub fn pick_version(server_supported: &[String]) -> Option<&'static str> {
    std::iter::once(VERSION)
        .chain(super::negotiate::SUPPORTED)
        .find(|ours| server_supported.iter().any(|s| s == ours))
}

// Native only: the tests build schemas with serde_json and read the official examples from disk.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn val(v: serde_json::Value) -> Val {
        Val::from(&v)
    }

    #[test]
    fn header_values_follow_the_spec_encoding_table() {
        assert_eq!(encode_header_value("us-west1"), "us-west1");
        assert_eq!(encode_header_value("Hello, 世界"), "=?base64?SGVsbG8sIOS4lueVjA==?=");
        assert_eq!(encode_header_value(" padded "), "=?base64?IHBhZGRlZCA=?=");
        assert_eq!(encode_header_value("line1\nline2"), "=?base64?bGluZTEKbGluZTI=?=");
        assert_eq!(encode_header_value("=?base64?literal?="), "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=");
        assert_eq!(encode_header_value("tab\there"), "=?base64?dGFiCWhlcmU=?=");
        assert_eq!(encode_header_value("a b"), "a b");
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, out) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64(input.as_bytes()), out);
        }
    }

    #[test]
    fn meta_carries_version_client_info_and_capabilities() {
        let meta: serde_json::Value = serde_json::from_str(&request_meta(r#"{"name":"c","version":"1"}"#, "{}")).unwrap();
        assert_eq!(meta[META_VERSION], "2026-07-28");
        assert_eq!(meta[META_CLIENT_INFO]["name"], "c");
        assert_eq!(meta[META_CAPABILITIES], serde_json::json!({}));
    }

    #[test]
    fn header_params_found_through_properties_chains() {
        let schema = val(serde_json::json!({
            "type": "object",
            "properties": {
                "region": { "type": "string", "x-mcp-header": "Region" },
                "query": { "type": "string" },
                "opts": { "type": "object", "properties": { "tenant": { "type": "integer", "x-mcp-header": "Tenant" } } }
            }
        }));
        let mut params = header_params(&schema).unwrap();
        params.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(params, vec![
            HeaderParam { name: "Region".into(), path: vec!["region".into()] },
            HeaderParam { name: "Tenant".into(), path: vec!["opts".into(), "tenant".into()] },
        ]);
        let args = val(serde_json::json!({ "region": "Zürich", "opts": { "tenant": 42 } }));
        let mut values = header_values(&params, &args).unwrap();
        values.sort();
        assert_eq!(values, vec![
            ("Mcp-Param-Region".into(), "=?base64?WsO8cmljaA==?=".into()),
            ("Mcp-Param-Tenant".into(), "42".into()),
        ]);
        // Absent values omit the header.
        assert!(header_values(&params, &val(serde_json::json!({}))).unwrap().is_empty());
        assert!(header_values(&params, &val(serde_json::json!({ "region": 1.5 }))).is_err());
    }

    #[test]
    fn invalid_header_declarations_are_rejected() {
        let bad = [
            serde_json::json!({ "properties": { "n": { "type": "number", "x-mcp-header": "N" } } }),
            serde_json::json!({ "properties": { "o": { "type": "object", "x-mcp-header": "O" } } }),
            serde_json::json!({ "properties": { "a": { "type": "string", "x-mcp-header": "" } } }),
            serde_json::json!({ "properties": { "a": { "type": "string", "x-mcp-header": "Bad Name" } } }),
            serde_json::json!({ "properties": { "a": { "type": "string", "x-mcp-header": "X\r\nY" } } }),
            serde_json::json!({ "properties": { "a": { "type": "string", "x-mcp-header": 7 } } }),
            serde_json::json!({ "properties": {
                "a": { "type": "string", "x-mcp-header": "Dup" }, "b": { "type": "string", "x-mcp-header": "dup" } } }),
            serde_json::json!({ "properties": { "l": { "type": "array", "items": { "type": "string", "x-mcp-header": "I" } } } }),
            serde_json::json!({ "properties": { "u": { "oneOf": [{ "type": "string", "x-mcp-header": "U" }] } } }),
            serde_json::json!({ "type": "string", "x-mcp-header": "Root" }),
        ];
        for schema in bad {
            assert!(header_params(&val(schema.clone())).is_err(), "{schema}");
        }
    }

    #[test]
    fn result_types_and_round_bound() {
        assert_eq!(result_type("tools/call", None).unwrap(), ResultType::Complete);
        assert_eq!(result_type("tools/call", Some("complete")).unwrap(), ResultType::Complete);
        assert_eq!(result_type("tools/call", Some("input_required")).unwrap(), ResultType::InputRequired);
        // The tasks extension's CreateTaskResult answers tools/call only.
        assert_eq!(result_type("tools/call", Some("task")).unwrap(), ResultType::Task);
        assert!(result_type("prompts/get", Some("task")).is_err());
        assert!(result_type("tools/call", Some("later")).is_err());
        let mut rounds = Rounds::default();
        for _ in 0..MAX_ROUNDS {
            rounds.next("tools/call").unwrap();
        }
        let err = rounds.next("tools/call").unwrap_err().to_string();
        assert!(err.contains("10"), "{err}");
    }

    #[test]
    fn probes_are_judged_by_supported_versions() {
        assert_eq!(judge_discover(Some(&["2026-07-28".to_owned()])), Era::Modern);
        assert_eq!(judge_discover(Some(&[])), Era::Legacy);
        assert_eq!(judge_discover(None), Era::Legacy);
        assert_eq!(pick_version(&["2025-06-18".into(), "2024-11-05".into()]), Some("2025-06-18"));
        assert_eq!(pick_version(&["2026-07-28".into(), "2025-11-25".into()]), Some("2026-07-28"));
        assert_eq!(pick_version(&["1999-01-01".into()]), None);
    }

    #[test]
    fn official_examples_carry_the_meta_we_send() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mcp-schema/2026-07-28/examples/CallToolRequest/");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let meta = &v["params"]["_meta"];
            assert_eq!(meta[META_VERSION], VERSION);
            assert!(meta[META_CAPABILITIES].is_object());
            let ours: serde_json::Value = serde_json::from_str(&request_meta(&meta[META_CLIENT_INFO].to_string(), &meta[META_CAPABILITIES].to_string())).unwrap();
            assert_eq!(&ours, meta);
            seen += 1;
        }
        assert!(seen > 0);
    }
}
