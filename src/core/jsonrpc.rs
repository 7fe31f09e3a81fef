//! JSON-RPC 2.0 framing: encoding what the client sends, classifying what the server sends,
//! and correlating responses with the requests that are waiting for them.
//!
//! The core never owns a payload: the edge parses a message (in the browser with the engine's
//! `JSON.parse`), the core classifies it through [`JsonObject`], and `params`/`result` reach the
//! app without being rebuilt in Rust. Outgoing params arrive as JSON text.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{Error, InvalidMessage};

/// A request id. The client only ever issues numbers; servers may use strings for theirs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum RequestId {
    Number(i64),
    String(String),
}

// By hand rather than `#[serde(untagged)]`, which buffers the value and pulls a generic
// content deserializer into the wasm module.
impl<'de> Deserialize<'de> for RequestId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RequestId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RequestId, E> {
                Ok(RequestId::Number(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RequestId, E> {
                i64::try_from(v).map(RequestId::Number).map_err(|_| E::custom("request id out of range"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RequestId, E> {
                Ok(RequestId::String(v.to_owned()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestId::Number(n) => write!(f, "{n}"),
            RequestId::String(s) => write!(f, "\"{s}\""),
        }
    }
}

/// The error object of a JSON-RPC error response. `data` is kept as JSON text: the client
/// passes it through to the app and never needs to look inside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<String>,
}

/// A field of a parsed JSON object, as far as classifying a message needs to see it.
#[derive(Debug)]
pub enum Field<O> {
    Absent,
    Null,
    Number(f64),
    String(String),
    Object(O),
    /// A boolean or an array: never valid where the envelope looks.
    Other,
}

/// Read access to a parsed JSON object. The core decides what a message is; the edge keeps
/// the parsed value (in the browser, the engine's own `JSON.parse` result) and only answers
/// these questions, so payloads are parsed once and never copied through Rust.
///
/// Keys are `'static`: they are the core's own names, so an edge can keep each one's engine
/// string instead of making it anew on every read.
pub trait JsonObject: Sized {
    fn field(&self, key: &'static str) -> Field<Self>;
    /// The JSON text of a field, for passing error `data` through.
    fn field_json(&self, key: &'static str) -> Option<String>;
    /// An array of strings: empty when absent or null, `None` when it is anything else.
    fn strings(&self, key: &'static str) -> Option<Vec<String>>;
    /// Whether the field is JSON `true`.
    fn is_true(&self, key: &'static str) -> bool;
}

/// A parsed message's top level.
pub enum Parsed<O> {
    Object(O),
    Array,
    Other,
}

/// What a message from the server is. The payload (`params`, `result`) stays in the parsed
/// value the edge holds.
#[derive(Debug, PartialEq)]
pub enum Kind {
    /// A server→client request: it must be answered.
    Request { id: RequestId, method: String },
    Notification { method: String },
    Response { id: RequestId },
    ErrorResponse { id: RequestId, error: RpcError },
    /// An error response whose id is null: the server could not tell which request failed.
    OrphanError(RpcError),
}

/// Classifies one parsed JSON-RPC message, rejecting every malformed shape. Batches (JSON
/// arrays) were removed from MCP in 2025-06-18 and are rejected like any other bad input.
pub fn classify<O: JsonObject>(parsed: Parsed<O>) -> Result<Kind, Error> {
    let shape = |what: &str| Error::InvalidMessage(InvalidMessage::Shape(what.to_owned()));
    let o = match parsed {
        Parsed::Object(o) => o,
        Parsed::Array => return Err(Error::InvalidMessage(InvalidMessage::Batch)),
        Parsed::Other => return Err(shape("not a JSON object")),
    };
    match o.field("jsonrpc") {
        Field::String(v) if v == "2.0" => {}
        _ => return Err(Error::InvalidMessage(InvalidMessage::Version)),
    }
    let id = match o.field("id") {
        Field::Absent => None,
        Field::Null => Some(None),
        Field::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Some(Some(RequestId::Number(n as i64))),
        Field::String(s) => Some(Some(RequestId::String(s))),
        _ => return Err(shape("id must be an integer or a string")),
    };
    let method = match o.field("method") {
        Field::Absent => None,
        Field::String(m) => Some(m),
        _ => return Err(shape("method must be a string")),
    };
    let has_result = !matches!(o.field("result"), Field::Absent);
    let error = match o.field("error") {
        Field::Absent => None,
        Field::Object(e) => Some(rpc_error(&e).ok_or_else(|| shape("error needs an integer code and a string message"))?),
        _ => return Err(shape("error must be an object")),
    };
    match (method, id, has_result, error) {
        (Some(method), Some(Some(id)), false, None) => Ok(Kind::Request { id, method }),
        (Some(method), None, false, None) => Ok(Kind::Notification { method }),
        (None, Some(Some(id)), true, None) => Ok(Kind::Response { id }),
        (None, Some(Some(id)), false, Some(error)) => Ok(Kind::ErrorResponse { id, error }),
        (None, Some(None), false, Some(error)) => Ok(Kind::OrphanError(error)),
        (None, _, true, Some(_)) => Err(shape("response has both result and error")),
        (Some(_), Some(None), _, _) => Err(shape("request id is null")),
        (Some(_), _, _, _) => Err(shape("request or notification carries result or error")),
        (None, _, _, _) => Err(shape("neither a request, a notification nor a response")),
    }
}

fn rpc_error<O: JsonObject>(e: &O) -> Option<RpcError> {
    let code = match e.field("code") {
        Field::Number(n) if n.fract() == 0.0 => n as i64,
        _ => return None,
    };
    let message = match e.field("message") {
        Field::String(m) => m,
        _ => return None,
    };
    Some(RpcError { code, message, data: e.field_json("data") })
}

/// Encodes a request. `params` is JSON text (an object) or absent.
pub fn encode_request(id: &RequestId, method: &str, params: Option<&str>) -> String {
    let mut out = format!(r#"{{"jsonrpc":"2.0","id":{},"method":{}"#, id_json(id), quote(method));
    push_params(&mut out, params);
    out
}

pub fn encode_notification(method: &str, params: Option<&str>) -> String {
    let mut out = format!(r#"{{"jsonrpc":"2.0","method":{}"#, quote(method));
    push_params(&mut out, params);
    out
}

/// Encodes the answer to a server request; `result` is JSON text.
pub fn encode_result(id: &RequestId, result: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","id":{},"result":{}}}"#, id_json(id), result)
}

pub fn encode_error(id: &RequestId, error: &RpcError) -> String {
    let data = match &error.data {
        Some(d) => format!(r#","data":{d}"#),
        None => String::new(),
    };
    format!(
        r#"{{"jsonrpc":"2.0","id":{},"error":{{"code":{},"message":{}{}}}}}"#,
        id_json(id),
        error.code,
        quote(&error.message),
        data
    )
}

fn push_params(out: &mut String, params: Option<&str>) {
    if let Some(p) = params {
        out.push_str(r#","params":"#);
        out.push_str(p);
    }
    out.push('}');
}

pub fn id_json(id: &RequestId) -> String {
    match id {
        RequestId::Number(n) => n.to_string(),
        RequestId::String(s) => quote(s),
    }
}

/// A JSON string literal (RFC 8259 escaping).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Standard JSON-RPC error codes the client sends when it answers server requests.
pub mod codes {
    pub const PARSE_ERROR: i64 = -32700;
    pub const INVALID_REQUEST: i64 = -32600;
    pub const METHOD_NOT_FOUND: i64 = -32601;
    pub const INVALID_PARAMS: i64 = -32602;
    pub const INTERNAL_ERROR: i64 = -32603;
}

/// The table of requests waiting for their response.
///
/// Generic over what waits (`W`): the browser edge stores its wakers here, tests store
/// plain values. Ids are numbers that are never reused within one client, issued in
/// increasing order, so the table is a sorted `Vec` searched by bisection: a handful of
/// requests is the common case, and a hash map would cost the wasm module ~5 KB.
#[derive(Debug)]
pub struct Correlator<W> {
    next_id: i64,
    pending: Vec<(i64, Pending<W>)>,
}

#[derive(Debug)]
pub struct Pending<W> {
    pub method: String,
    pub waiter: W,
}

impl<W> Default for Correlator<W> {
    fn default() -> Self {
        Correlator { next_id: 1, pending: Vec::new() }
    }
}

impl<W> Correlator<W> {
    /// Reserves a fresh id for a request of `method`.
    pub fn register(&mut self, method: &str, waiter: W) -> RequestId {
        self.insert(Pending { method: method.to_owned(), waiter })
    }

    fn insert(&mut self, pending: Pending<W>) -> RequestId {
        let id = self.next_id;
        self.next_id += 1;
        self.pending.push((id, pending));
        RequestId::Number(id)
    }

    fn index(&self, id: &RequestId) -> Option<usize> {
        let n = match id {
            RequestId::Number(n) => *n,
            // We only issue numeric ids; some servers echo them back as strings.
            RequestId::String(s) => s.parse::<i64>().ok()?,
        };
        self.pending.binary_search_by_key(&n, |(k, _)| *k).ok()
    }

    /// Takes the request a response answers; `None` for an id we never sent or already settled.
    pub fn take(&mut self, id: &RequestId) -> Option<Pending<W>> {
        let i = self.index(id)?;
        Some(self.pending.remove(i).1)
    }

    /// Moves a pending request to a fresh id (the modern era re-issues a request whose stream
    /// broke under a new id).
    pub fn rekey(&mut self, id: &RequestId) -> Option<RequestId> {
        let pending = self.take(id)?;
        Some(self.insert(pending))
    }

    pub fn get(&self, id: &RequestId) -> Option<&Pending<W>> {
        self.index(id).map(|i| &self.pending[i].1)
    }

    pub fn get_mut(&mut self, id: &RequestId) -> Option<&mut Pending<W>> {
        self.index(id).map(|i| &mut self.pending[i].1)
    }

    /// The first pending request whose waiter matches.
    pub fn find(&self, mut matches: impl FnMut(&W) -> bool) -> Option<&Pending<W>> {
        self.pending.iter().map(|(_, p)| p).find(|p| matches(&p.waiter))
    }

    /// Removes the pending requests whose waiter matches.
    pub fn remove_where(&mut self, mut matches: impl FnMut(&W) -> bool) {
        self.pending.retain(|(_, p)| !matches(&p.waiter));
    }

    pub fn is_pending(&self, id: &RequestId) -> bool {
        self.index(id).is_some()
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Removes every pending request, e.g. when the connection closes.
    pub fn drain(&mut self) -> Vec<Pending<W>> {
        self.pending.drain(..).map(|(_, p)| p).collect()
    }
}

/// Native access for `serde_json` values: the core's own tests, and Rust users of the core.
impl JsonObject for serde_json::Map<String, serde_json::Value> {
    fn field(&self, key: &str) -> Field<Self> {
        use serde_json::Value;
        match self.get(key) {
            None => Field::Absent,
            Some(Value::Null) => Field::Null,
            Some(Value::Number(n)) => n.as_f64().map(Field::Number).unwrap_or(Field::Other),
            Some(Value::String(s)) => Field::String(s.clone()),
            Some(Value::Object(o)) => Field::Object(o.clone()),
            Some(_) => Field::Other,
        }
    }
    fn field_json(&self, key: &str) -> Option<String> {
        self.get(key).map(|v| v.to_string())
    }
    fn strings(&self, key: &str) -> Option<Vec<String>> {
        use serde_json::Value;
        match self.get(key) {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(Value::Array(a)) => a.iter().map(|v| v.as_str().map(str::to_owned)).collect(),
            Some(_) => None,
        }
    }
    fn is_true(&self, key: &str) -> bool {
        self.get(key) == Some(&serde_json::Value::Bool(true))
    }
}

/// Parses and classifies JSON text with `serde_json` (native callers; the browser edge uses
/// the engine's `JSON.parse` instead).
pub fn parse_text(text: &str) -> Result<(Kind, serde_json::Value), Error> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Parse(e.to_string()))?;
    let parsed = match &value {
        serde_json::Value::Object(o) => Parsed::Object(o.clone()),
        serde_json::Value::Array(_) => Parsed::Array,
        _ => Parsed::Other,
    };
    Ok((classify(parsed)?, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Result<Kind, Error> {
        parse_text(text).map(|(k, _)| k)
    }

    #[test]
    fn classifies_requests_notifications_and_responses() {
        assert_eq!(
            kind(r#"{"jsonrpc":"2.0","id":"s1","method":"elicitation/create","params":{"a":1}}"#).unwrap(),
            Kind::Request { id: RequestId::String("s1".into()), method: "elicitation/create".into() }
        );
        assert_eq!(
            kind(r#"{"jsonrpc":"2.0","method":"notifications/progress","params":{}}"#).unwrap(),
            Kind::Notification { method: "notifications/progress".into() }
        );
        let (k, value) = parse_text(r#"{"jsonrpc":"2.0","id":7,"result":{"tools":[]}}"#).unwrap();
        assert_eq!(k, Kind::Response { id: RequestId::Number(7) });
        assert_eq!(value["result"], serde_json::json!({ "tools": [] }));
        // A null result is still a result.
        assert_eq!(kind(r#"{"jsonrpc":"2.0","id":8,"result":null}"#).unwrap(), Kind::Response { id: RequestId::Number(8) });
        assert_eq!(
            kind(r#"{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"nope","data":{"x":1}}}"#).unwrap(),
            Kind::ErrorResponse {
                id: RequestId::Number(7),
                error: RpcError { code: -32601, message: "nope".into(), data: Some(r#"{"x":1}"#.into()) }
            }
        );
        assert!(matches!(
            kind(r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse"}}"#).unwrap(),
            Kind::OrphanError(RpcError { code: -32700, .. })
        ));
    }

    #[test]
    fn rejects_malformed_messages() {
        let bad = [
            (r#"not json"#, "parse"),
            (r#"{"jsonrpc":"2.0","id":1"#, "parse"),
            (r#"[{"jsonrpc":"2.0","id":1,"result":{}}]"#, "batch"),
            (r#"{"jsonrpc":"1.0","id":1,"result":{}}"#, "version"),
            (r#"{"id":1,"result":{}}"#, "version"),
            (r#"{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"x"}}"#, "shape"),
            (r#"{"jsonrpc":"2.0","id":1}"#, "shape"),
            (r#"{"jsonrpc":"2.0","id":{"a":1},"result":{}}"#, "shape"),
            (r#"{"jsonrpc":"2.0","id":1.5,"result":{}}"#, "shape"),
            (r#"{"jsonrpc":"2.0","method":"x","result":{}}"#, "shape"),
            (r#"{"jsonrpc":"2.0","method":7}"#, "shape"),
            (r#"{"jsonrpc":"2.0","id":1,"error":{"message":"no code"}}"#, "shape"),
            (r#"{"jsonrpc":"2.0","id":1,"error":"text"}"#, "shape"),
            (r#"42"#, "shape"),
        ];
        for (text, expected) in bad {
            let err = kind(text).unwrap_err();
            let ok = match expected {
                "parse" => matches!(err, Error::Parse(_)),
                "batch" => matches!(err, Error::InvalidMessage(InvalidMessage::Batch)),
                "version" => matches!(err, Error::InvalidMessage(InvalidMessage::Version)),
                _ => matches!(err, Error::InvalidMessage(InvalidMessage::Shape(_))),
            };
            assert!(ok, "{text}: {err:?}");
        }
    }

    #[test]
    fn encodes_messages_that_parse_back() {
        let id = RequestId::Number(3);
        let text = encode_request(&id, "tools/call", Some(r#"{"name":"echo"}"#));
        assert_eq!(text, r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo"}}"#);
        assert!(matches!(kind(&text).unwrap(), Kind::Request { .. }));
        assert_eq!(encode_notification("notifications/initialized", None), r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        let text = encode_result(&RequestId::String("a\"b".into()), "{}");
        assert_eq!(text, r#"{"jsonrpc":"2.0","id":"a\"b","result":{}}"#);
        let error = RpcError { code: -32602, message: "bad \u{1}\n".into(), data: Some("[1]".into()) };
        let text = encode_error(&RequestId::Number(1), &error);
        assert_eq!(text, r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"bad \u0001\n","data":[1]}}"#);
        assert_eq!(kind(&text).unwrap(), Kind::ErrorResponse { id: RequestId::Number(1), error });
    }

    #[test]
    fn quote_matches_serde_json() {
        for s in ["", "plain", "quote\" back\\slash", "ctl \u{0}\u{1f}\t\r\n", "ünï✓𝄞", "\u{7f}"] {
            assert_eq!(quote(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn correlator_matches_each_response_once() {
        let mut c = Correlator::default();
        let a = c.register("ping", 'a');
        let b = c.register("tools/list", 'b');
        assert_ne!(a, b);
        assert_eq!(c.take(&b).map(|p| p.waiter), Some('b'));
        assert!(c.take(&b).is_none(), "a second response for the same id is unknown");
        assert!(c.take(&RequestId::Number(99)).is_none());
        // A server echoing our numeric id as a string still matches.
        assert_eq!(c.take(&RequestId::String("1".into())).map(|p| p.method), Some("ping".to_owned()));
        assert!(c.is_empty());
    }

    #[test]
    fn rekeyed_requests_answer_to_their_new_id_only() {
        let mut c = Correlator::default();
        let a = c.register("tools/call", 'a');
        let b = c.register("ping", 'b');
        let a2 = c.rekey(&a).unwrap();
        assert!(c.get(&a).is_none() && c.is_pending(&a2) && c.is_pending(&b));
        assert_eq!(c.take(&a2).map(|p| p.waiter), Some('a'));
        assert_eq!(c.len(), 1);
        assert!(c.rekey(&a).is_none());
        assert_eq!(c.find(|w| *w == 'b').map(|p| p.method.as_str()), Some("ping"));
        c.remove_where(|w| *w == 'b');
        assert!(c.is_empty());
    }
}
