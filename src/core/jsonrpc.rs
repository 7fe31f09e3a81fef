//! JSON-RPC 2.0 framing: encoding what the client sends, classifying what the server sends,
//! and correlating responses with the requests that are waiting for them.
//!
//! Parameters and results stay raw JSON text ([`RawValue`]) so a large tool result is parsed
//! once, by the consumer, instead of being rebuilt as a tree here.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use super::error::{Error, InvalidMessage};

/// A request id. The client only ever issues numbers; servers may use strings for theirs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestId {
    Number(i64),
    String(String),
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestId::Number(n) => write!(f, "{n}"),
            RequestId::String(s) => write!(f, "{s:?}"),
        }
    }
}

/// The error object of a JSON-RPC error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

/// One message from the server, classified by its shape.
#[derive(Debug)]
pub enum Message {
    /// A server→client request: it must be answered.
    Request { id: RequestId, method: String, params: Option<Box<RawValue>> },
    Notification { method: String, params: Option<Box<RawValue>> },
    Response { id: RequestId, outcome: Result<Box<RawValue>, RpcError> },
    /// An error response whose id is null: the server could not tell which request failed.
    OrphanError(RpcError),
}

#[derive(Deserialize)]
struct Envelope {
    jsonrpc: Option<String>,
    #[serde(default, deserialize_with = "deserialize_id")]
    id: Option<Option<RequestId>>,
    method: Option<String>,
    params: Option<Box<RawValue>>,
    result: Option<Box<RawValue>>,
    error: Option<RpcError>,
}

/// Distinguishes an absent `id` (None) from `"id": null` (Some(None)).
fn deserialize_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<RequestId>>, D::Error> {
    Option::<RequestId>::deserialize(d).map(Some)
}

impl Message {
    /// Parses one JSON-RPC message. Batches (JSON arrays) were removed from MCP in 2025-06-18
    /// and are rejected like any other malformed input.
    pub fn parse(text: &str) -> Result<Message, Error> {
        let trimmed = text.trim_start();
        if trimmed.starts_with('[') {
            return Err(Error::InvalidMessage(InvalidMessage::Batch));
        }
        let env: Envelope = serde_json::from_str(text).map_err(|e| {
            if e.is_syntax() || e.is_eof() {
                Error::Parse(e.to_string())
            } else {
                Error::InvalidMessage(InvalidMessage::Shape(e.to_string()))
            }
        })?;
        if env.jsonrpc.as_deref() != Some("2.0") {
            return Err(Error::InvalidMessage(InvalidMessage::Version));
        }
        let shape = |what: &str| Error::InvalidMessage(InvalidMessage::Shape(what.to_owned()));
        match (env.method, env.id, env.result, env.error) {
            (Some(method), Some(Some(id)), None, None) => {
                Ok(Message::Request { id, method, params: env.params })
            }
            (Some(method), None, None, None) => Ok(Message::Notification { method, params: env.params }),
            (None, Some(Some(id)), Some(result), None) => Ok(Message::Response { id, outcome: Ok(result) }),
            (None, Some(Some(id)), None, Some(error)) => Ok(Message::Response { id, outcome: Err(error) }),
            (None, Some(None), None, Some(error)) => Ok(Message::OrphanError(error)),
            (None, _, Some(_), Some(_)) => Err(shape("response has both result and error")),
            (Some(_), Some(None), _, _) => Err(shape("request id is null")),
            (Some(_), _, _, _) => Err(shape("request or notification carries result or error")),
            (None, _, _, _) => Err(shape("neither a request, a notification nor a response")),
        }
    }
}

/// Encodes a request. `params` is raw JSON text (an object) or absent.
pub fn encode_request(id: &RequestId, method: &str, params: Option<&RawValue>) -> String {
    let mut out = format!(r#"{{"jsonrpc":"2.0","id":{},"method":{}"#, id_json(id), quote(method));
    push_params(&mut out, params);
    out
}

pub fn encode_notification(method: &str, params: Option<&RawValue>) -> String {
    let mut out = format!(r#"{{"jsonrpc":"2.0","method":{}"#, quote(method));
    push_params(&mut out, params);
    out
}

/// Encodes the answer to a server request.
pub fn encode_result(id: &RequestId, result: &RawValue) -> String {
    format!(r#"{{"jsonrpc":"2.0","id":{},"result":{}}}"#, id_json(id), result.get())
}

pub fn encode_error(id: &RequestId, error: &RpcError) -> String {
    let error = serde_json::to_string(error).unwrap_or_else(|_| r#"{"code":-32603,"message":"internal error"}"#.into());
    format!(r#"{{"jsonrpc":"2.0","id":{},"error":{}}}"#, id_json(id), error)
}

fn push_params(out: &mut String, params: Option<&RawValue>) {
    if let Some(p) = params {
        out.push_str(r#","params":"#);
        out.push_str(p.get());
    }
    out.push('}');
}

fn id_json(id: &RequestId) -> String {
    match id {
        RequestId::Number(n) => n.to_string(),
        RequestId::String(s) => quote(s),
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
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
/// plain values. Ids are numbers that are never reused within one client.
#[derive(Debug)]
pub struct Correlator<W> {
    next_id: i64,
    pending: HashMap<i64, Pending<W>>,
}

#[derive(Debug)]
pub struct Pending<W> {
    pub method: String,
    pub waiter: W,
}

impl<W> Default for Correlator<W> {
    fn default() -> Self {
        Correlator { next_id: 1, pending: HashMap::new() }
    }
}

impl<W> Correlator<W> {
    /// Reserves a fresh id for a request of `method`.
    pub fn register(&mut self, method: &str, waiter: W) -> RequestId {
        let id = self.next_id;
        self.next_id += 1;
        self.pending.insert(id, Pending { method: method.to_owned(), waiter });
        RequestId::Number(id)
    }

    /// Takes the request a response answers; `None` for an id we never sent or already settled.
    pub fn take(&mut self, id: &RequestId) -> Option<Pending<W>> {
        match id {
            RequestId::Number(n) => self.pending.remove(n),
            // We only issue numeric ids; some servers echo them back as strings.
            RequestId::String(s) => s.parse::<i64>().ok().and_then(|n| self.pending.remove(&n)),
        }
    }

    pub fn get(&self, id: &RequestId) -> Option<&Pending<W>> {
        match id {
            RequestId::Number(n) => self.pending.get(n),
            RequestId::String(s) => s.parse::<i64>().ok().and_then(|n| self.pending.get(&n)),
        }
    }

    pub fn is_pending(&self, id: &RequestId) -> bool {
        self.get(id).is_some()
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Removes every pending request, e.g. when the connection closes.
    pub fn drain(&mut self) -> Vec<Pending<W>> {
        self.pending.drain().map(|(_, p)| p).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).unwrap()
    }

    #[test]
    fn classifies_requests_notifications_and_responses() {
        let m = Message::parse(r#"{"jsonrpc":"2.0","id":"s1","method":"elicitation/create","params":{"a":1}}"#).unwrap();
        assert!(matches!(m, Message::Request { id: RequestId::String(ref s), ref method, params: Some(_) } if s == "s1" && method == "elicitation/create"));
        let m = Message::parse(r#"{"jsonrpc":"2.0","method":"notifications/progress","params":{}}"#).unwrap();
        assert!(matches!(m, Message::Notification { ref method, .. } if method == "notifications/progress"));
        let m = Message::parse(r#"{"jsonrpc":"2.0","id":7,"result":{"tools":[]}}"#).unwrap();
        match m {
            Message::Response { id, outcome: Ok(r) } => {
                assert_eq!(id, RequestId::Number(7));
                assert_eq!(r.get(), r#"{"tools":[]}"#);
            }
            other => panic!("{other:?}"),
        }
        let m = Message::parse(r#"{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"nope","data":{"x":1}}}"#).unwrap();
        assert!(matches!(m, Message::Response { outcome: Err(RpcError { code: -32601, .. }), .. }));
        let m = Message::parse(r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse"}}"#).unwrap();
        assert!(matches!(m, Message::OrphanError(RpcError { code: -32700, .. })));
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
            (r#"{"jsonrpc":"2.0","method":"x","result":{}}"#, "shape"),
            (r#"{"jsonrpc":"2.0","id":1,"error":{"message":"no code"}}"#, "shape"),
            (r#"42"#, "shape"),
        ];
        for (text, kind) in bad {
            let err = Message::parse(text).unwrap_err();
            let ok = match kind {
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
        let text = encode_request(&id, "tools/call", Some(&raw(r#"{"name":"echo"}"#)));
        assert_eq!(text, r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo"}}"#);
        assert!(matches!(Message::parse(&text).unwrap(), Message::Request { .. }));
        assert_eq!(encode_notification("notifications/initialized", None), r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        let text = encode_result(&RequestId::String("a\"b".into()), &raw("{}"));
        assert_eq!(text, r#"{"jsonrpc":"2.0","id":"a\"b","result":{}}"#);
        let text = encode_error(&RequestId::Number(1), &RpcError { code: -32602, message: "bad".into(), data: None });
        assert_eq!(text, r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"bad"}}"#);
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
}
