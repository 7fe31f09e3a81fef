//! The errors the client reports. Each maps to one numeric `code` in JS: a JSON-RPC code when
//! the server sent one, otherwise a library code from [`codes`].

use std::fmt;

use super::auth::BearerHint;
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
    pub const AUTHORIZATION_REQUIRED: i64 = -33020;
    pub const AUTHORIZATION_DISCOVERY: i64 = -33021;
    pub const AUTHORIZATION_REGISTRATION: i64 = -33022;
    pub const AUTHORIZATION_DENIED: i64 = -33023;
    pub const AUTHORIZATION_CALLBACK: i64 = -33024;
    pub const AUTHORIZATION_TOKEN: i64 = -33025;
    pub const URL_ELICITATION_REQUIRED: i64 = -32042;
    pub const INVALID_ELICITATION_URL: i64 = -33010;
    pub const POPUP_BLOCKED: i64 = -33011;
    pub const ELICITATION_TIMEOUT: i64 = -33012;
    pub const INVALID_ELICITATION_CONTENT: i64 = -33013;
    pub const ELICITATION_LOOP: i64 = -33014;
    pub const ELICITATION_RATE_LIMITED: i64 = -33015;
    pub const ELICITATION_DECLINED: i64 = -33016;
    pub const NO_WINDOW: i64 = -33017;
}

/// One way a form answer breaks the requested schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The property name; empty for the content as a whole.
    pub field: String,
    pub message: String,
}

/// Why authorizing with a server's OAuth authorization server failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthFailure {
    /// No usable protected resource or authorization server metadata (missing, invalid, for
    /// another resource, another issuer, no PKCE S256).
    Discovery(String),
    /// Dynamic Client Registration was refused, or answered something unusable.
    Registration { error: Option<String>, description: Option<String> },
    /// The user (or the authorization server, `access_denied`) said no.
    Denied { description: Option<String> },
    /// The authorization server's answer to the authorization request was another error.
    Authorize { error: String, description: Option<String> },
    /// A callback that does not answer this request: wrong `state`, wrong or missing `iss`.
    Callback(String),
    /// The token endpoint refused, or answered something unusable.
    Token { error: String, description: Option<String> },
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
    /// HTTP 401, or 403 with `insufficient_scope`: the server wants a (better) token. `hint` is
    /// its Bearer challenge, `None` when it sent none or CORS hides `WWW-Authenticate`.
    AuthorizationRequired { status: u16, hint: Option<BearerHint> },
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
    /// An elicitation URL the client refuses to open (scheme, host); never shown to the user.
    InvalidElicitationUrl(String),
    /// `window.open` returned nothing: the browser blocked the popup. Call `open()` again from
    /// a click handler, or show the link.
    PopupBlocked,
    /// No `window` to open one in (a Worker, Node): the app shows the URL to the user itself.
    NoWindow,
    ElicitationTimeout { ms: u32 },
    /// The app's answer to a form elicitation does not satisfy the requested schema.
    InvalidElicitationContent(Vec<Violation>),
    /// The server asked for the same URL again and again.
    ElicitationLoop { url: String },
    /// The server asked for more elicitations than the rate limit allows.
    ElicitationRateLimited { max: u32, window_ms: u32 },
    /// The user declined or cancelled an elicitation the request depended on.
    ElicitationDeclined { action: String },
    /// OAuth authorization with the server's authorization server failed.
    Authorization(AuthFailure),
    /// An error the separately loaded OAuth module raised, carried across as it was.
    Relayed(RpcError),
}

impl Error {
    pub fn code(&self) -> i64 {
        use codes::*;
        match self {
            Error::Rpc(e) | Error::Relayed(e) => e.code,
            Error::Parse(_) => PARSE_ERROR,
            Error::InvalidMessage(_) => INVALID_MESSAGE,
            Error::HttpStatus { .. } => HTTP_STATUS,
            Error::AuthorizationRequired { .. } => AUTHORIZATION_REQUIRED,
            Error::Network(_) => NETWORK,
            Error::CorsHeaderHidden { .. } => CORS_HEADER_HIDDEN,
            Error::UnsupportedProtocolVersion { .. } => UNSUPPORTED_PROTOCOL_VERSION,
            Error::MessageTooLarge { .. } => MESSAGE_TOO_LARGE,
            Error::Timeout { .. } => REQUEST_TIMEOUT,
            Error::Cancelled { .. } => CANCELLED,
            Error::ConnectionClosed => CONNECTION_CLOSED,
            Error::InvalidArgument(_) => INVALID_ARGUMENT,
            Error::PaginationLimit { .. } => PAGINATION_LIMIT,
            Error::InvalidElicitationUrl(_) => INVALID_ELICITATION_URL,
            Error::PopupBlocked => POPUP_BLOCKED,
            Error::NoWindow => NO_WINDOW,
            Error::ElicitationTimeout { .. } => ELICITATION_TIMEOUT,
            Error::InvalidElicitationContent(_) => INVALID_ELICITATION_CONTENT,
            Error::ElicitationLoop { .. } => ELICITATION_LOOP,
            Error::ElicitationRateLimited { .. } => ELICITATION_RATE_LIMITED,
            Error::ElicitationDeclined { .. } => ELICITATION_DECLINED,
            Error::Authorization(a) => match a {
                AuthFailure::Discovery(_) => AUTHORIZATION_DISCOVERY,
                AuthFailure::Registration { .. } => AUTHORIZATION_REGISTRATION,
                AuthFailure::Denied { .. } => AUTHORIZATION_DENIED,
                AuthFailure::Authorize { .. } | AuthFailure::Callback(_) => AUTHORIZATION_CALLBACK,
                AuthFailure::Token { .. } => AUTHORIZATION_TOKEN,
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rpc(e) | Error::Relayed(e) => f.write_str(&e.message),
            Error::Parse(e) => write!(f, "the server sent a message that is not valid JSON: {e}"),
            Error::InvalidMessage(m) => match m {
                InvalidMessage::Version => f.write_str("the server sent a message without \"jsonrpc\": \"2.0\""),
                InvalidMessage::Batch => f.write_str("the server sent a JSON-RPC batch, which MCP does not allow"),
                InvalidMessage::Shape(s) => write!(f, "the server sent an invalid JSON-RPC message: {s}"),
                InvalidMessage::SseFraming(s) => write!(f, "the server's event stream is malformed: {s}"),
                InvalidMessage::StreamEnded => f.write_str("the server closed the stream before sending the response"),
                InvalidMessage::Result { method, reason } => write!(f, "invalid result for {method}: {reason}"),
                InvalidMessage::ContentType(t) => write!(f, "the server answered with content type \"{t}\"; expected application/json or text/event-stream"),
            },
            Error::HttpStatus { status, body } => {
                write!(f, "the server answered HTTP {status}")?;
                if !body.is_empty() {
                    write!(f, ": {body}")?;
                }
                Ok(())
            }
            Error::AuthorizationRequired { status, hint } => {
                write!(f, "the server requires authorization (HTTP {status})")?;
                if let Some(BearerHint { error: Some(e), .. }) = hint {
                    write!(f, ": {e}")?;
                }
                if let Some(BearerHint { error_description: Some(d), .. }) = hint {
                    write!(f, " ({d})")?;
                }
                f.write_str("; without the auth option, pass an access token in the headers option (Authorization: Bearer …)")
            }
            Error::Network(e) => write!(f, "network error (the server is unreachable, or it refused this origin by CORS): {e}"),
            Error::CorsHeaderHidden { header } => write!(
                f,
                "the response header {header} is not readable from this page: the server must list it in Access-Control-Expose-Headers"
            ),
            Error::UnsupportedProtocolVersion { offered, received } => write!(
                f,
                "the server chose protocol version \"{received}\", which this client does not speak (it supports {})",
                offered.join(", ")
            ),
            Error::MessageTooLarge { limit } => write!(f, "a message from the server exceeds the limit of {limit} bytes"),
            Error::Timeout { ms } => write!(f, "the request timed out after {ms} ms"),
            Error::Cancelled { reason } => write!(f, "the request was cancelled: {reason}"),
            Error::ConnectionClosed => f.write_str("the connection is closed"),
            Error::InvalidArgument(s) => write!(f, "invalid argument: {s}"),
            Error::PaginationLimit { pages } => write!(f, "the server kept returning cursors after {pages} pages; stopped"),
            Error::InvalidElicitationUrl(why) => write!(f, "refused to open the elicitation URL: {why}"),
            Error::NoWindow => f.write_str("this runtime has no window to open the URL in: show req.url to the user"),
            Error::PopupBlocked => f.write_str(
                "the browser blocked the popup: call open() from a click handler, or let the user click a link that calls it",
            ),
            Error::ElicitationTimeout { ms } => write!(f, "the elicitation was not completed within {ms} ms"),
            Error::InvalidElicitationContent(v) => {
                f.write_str("the answer does not match the requested schema:")?;
                for (i, v) in v.iter().enumerate() {
                    let sep = if i == 0 { " " } else { "; " };
                    if v.field.is_empty() {
                        write!(f, "{sep}{}", v.message)?;
                    } else {
                        write!(f, "{sep}{}: {}", v.field, v.message)?;
                    }
                }
                Ok(())
            }
            Error::ElicitationLoop { url } => write!(f, "the server keeps asking for the same URL ({url}); stopped"),
            Error::ElicitationRateLimited { max, window_ms } => {
                write!(f, "the server asked for more than {max} elicitations within {window_ms} ms; refused")
            }
            Error::ElicitationDeclined { action } => write!(f, "the user chose to {action} the elicitation this request needs"),
            Error::Authorization(a) => {
                let (what, error, description) = match a {
                    AuthFailure::Discovery(why) => return write!(f, "authorization discovery failed: {why}"),
                    AuthFailure::Callback(why) => return write!(f, "refused the authorization callback: {why}"),
                    AuthFailure::Registration { error, description } => ("client registration was refused", error.as_deref(), description),
                    AuthFailure::Denied { description } => ("the authorization was denied", None, description),
                    AuthFailure::Authorize { error, description } => ("the authorization failed", Some(error.as_str()), description),
                    AuthFailure::Token { error, description } => ("the token request failed", Some(error.as_str()), description),
                };
                f.write_str(what)?;
                if let Some(e) = error {
                    write!(f, ": {e}")?;
                }
                if let Some(d) = description {
                    write!(f, " ({d})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<RpcError> for Error {
    fn from(e: RpcError) -> Self {
        Error::Rpc(e)
    }
}
