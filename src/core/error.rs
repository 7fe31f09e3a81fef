//! The errors the client reports. Each maps to one numeric `code` in JS: a JSON-RPC code when
//! the server sent one, otherwise a library code from [`codes`].

use std::fmt;

use super::jsonrpc::RpcError;

/// Library error codes, for failures that are not JSON-RPC errors from the server.
/// JSON-RPC reserves -32768..=-32000; ours live below that, except where the TypeScript SDK
/// already fixed a meaning (connection closed, request timeout) or LSP did (request cancelled).
pub mod codes {
    pub const CONNECTION_CLOSED: i64 = -32000;
    pub const REQUEST_TIMEOUT: i64 = -32001;
    pub const PARSE_ERROR: i64 = -32700;
    pub const INVALID_MESSAGE: i64 = -32600;
    pub const CANCELLED: i64 = -32800;
    pub const HTTP_STATUS: i64 = -33001;
    pub const NETWORK: i64 = -33002;
    pub const CORS_HEADER_HIDDEN: i64 = -33003;
    pub const UNSUPPORTED_PROTOCOL_VERSION: i64 = -33004;
    pub const MESSAGE_TOO_LARGE: i64 = -33005;
    pub const INVALID_ARGUMENT: i64 = -33006;
    pub const PAGINATION_LIMIT: i64 = -33007;
}

/// Why a message from the server was not a valid JSON-RPC/MCP message.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum InvalidMessage {
    /// `jsonrpc` is missing or not `"2.0"`.
    Version,
    /// A JSON array: batches are not part of MCP since 2025-06-18.
    Batch,
    /// Valid JSON that is not a request, notification or response.
    Shape(String),
    /// An SSE stream whose framing is broken.
    SseFraming(String),
    /// The stream ended before the response to this request arrived.
    StreamEnded,
    /// A result that does not have the shape its method requires.
    Result { method: String, reason: String },
    /// An HTTP response with a content type that is neither JSON nor SSE.
    ContentType(String),
}

#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a JSON-RPC error.
    Rpc(RpcError),
    /// The server sent text that is not JSON.
    Parse(String),
    InvalidMessage(InvalidMessage),
    /// An HTTP status that carries no JSON-RPC answer.
    HttpStatus { status: u16, body: String },
    /// `fetch` itself failed: network down, DNS, or a CORS refusal (the browser does not say which).
    Network(String),
    /// A response header the client needs is not readable: the server's CORS configuration
    /// must list it in `Access-Control-Expose-Headers`.
    CorsHeaderHidden { header: &'static str },
    UnsupportedProtocolVersion { offered: Vec<String>, received: String },
    MessageTooLarge { limit: usize },
    Timeout { ms: u32 },
    Cancelled { reason: String },
    ConnectionClosed,
    /// The caller passed something unusable (documented as never caused by the server).
    InvalidArgument(String),
    PaginationLimit { pages: u32 },
}

impl Error {
    pub fn code(&self) -> i64 {
        use codes::*;
        match self {
            Error::Rpc(e) => e.code,
            Error::Parse(_) => PARSE_ERROR,
            Error::InvalidMessage(_) => INVALID_MESSAGE,
            Error::HttpStatus { .. } => HTTP_STATUS,
            Error::Network(_) => NETWORK,
            Error::CorsHeaderHidden { .. } => CORS_HEADER_HIDDEN,
            Error::UnsupportedProtocolVersion { .. } => UNSUPPORTED_PROTOCOL_VERSION,
            Error::MessageTooLarge { .. } => MESSAGE_TOO_LARGE,
            Error::Timeout { .. } => REQUEST_TIMEOUT,
            Error::Cancelled { .. } => CANCELLED,
            Error::ConnectionClosed => CONNECTION_CLOSED,
            Error::InvalidArgument(_) => INVALID_ARGUMENT,
            Error::PaginationLimit { .. } => PAGINATION_LIMIT,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rpc(e) => f.write_str(&e.message),
            Error::Parse(e) => write!(f, "the server sent a message that is not valid JSON: {e}"),
            Error::InvalidMessage(m) => match m {
                InvalidMessage::Version => f.write_str("the server sent a message without \"jsonrpc\": \"2.0\""),
                InvalidMessage::Batch => f.write_str("the server sent a JSON-RPC batch, which MCP does not allow"),
                InvalidMessage::Shape(s) => write!(f, "the server sent an invalid JSON-RPC message: {s}"),
                InvalidMessage::SseFraming(s) => write!(f, "the server's event stream is malformed: {s}"),
                InvalidMessage::StreamEnded => f.write_str("the server closed the stream before sending the response"),
                InvalidMessage::Result { method, reason } => write!(f, "invalid result for {method}: {reason}"),
                InvalidMessage::ContentType(t) => write!(f, "the server answered with content type {t:?}; expected application/json or text/event-stream"),
            },
            Error::HttpStatus { status, body } => {
                write!(f, "the server answered HTTP {status}")?;
                if !body.is_empty() {
                    write!(f, ": {body}")?;
                }
                Ok(())
            }
            Error::Network(e) => write!(f, "network error (the server is unreachable, or it refused this origin by CORS): {e}"),
            Error::CorsHeaderHidden { header } => write!(
                f,
                "the response header {header} is not readable from this page: the server must list it in Access-Control-Expose-Headers"
            ),
            Error::UnsupportedProtocolVersion { offered, received } => write!(
                f,
                "the server chose protocol version {received:?}, which this client does not speak (it supports {})",
                offered.join(", ")
            ),
            Error::MessageTooLarge { limit } => write!(f, "a message from the server exceeds the limit of {limit} bytes"),
            Error::Timeout { ms } => write!(f, "the request timed out after {ms} ms"),
            Error::Cancelled { reason } => write!(f, "the request was cancelled: {reason}"),
            Error::ConnectionClosed => f.write_str("the connection is closed"),
            Error::InvalidArgument(s) => write!(f, "invalid argument: {s}"),
            Error::PaginationLimit { pages } => write!(f, "the server kept returning cursors after {pages} pages; stopped"),
        }
    }
}

impl std::error::Error for Error {}

impl From<RpcError> for Error {
    fn from(e: RpcError) -> Self {
        Error::Rpc(e)
    }
}
