//! One connection to one MCP server of the session-based era, over Streamable HTTP or, as a
//! fallback, the deprecated HTTP+SSE transport.
//!
//! It owns the request table, the session id, the listening stream and stream resumption; it
//! hands notifications and server requests to a [`Host`] (the JS binding) and knows nothing of
//! what they mean to the app.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use js_sys::{Function, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{AbortSignal, Response};

use super::fetch::{self, AbortOnDrop, BodyReader, Fetcher, HttpRequest};
use super::listener::EventListener;
use super::auth_link::AuthLink;
use super::slot::Slot;
use super::timer::{now_ms, sleep, yield_now, Deadline};
use crate::core::auth;
use crate::core::error::{Error, InvalidMessage};
use super::json::{key, parse_js_message, parse_message};
use crate::js::value::{get, set};
use crate::core::jsonrpc::{self, Correlator, Kind, RequestId, RpcError};
use crate::core::modern::{self, Era};
use crate::core::negotiate::{self, Requested};
use crate::core::sse;

pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// What the connection hands upwards.
pub trait Host {
    /// A notification the connection does not consume itself (everything but progress).
    fn notification(&self, method: &str, params: JsValue);
    /// A server→client request; its answer (JSON text) is sent back to the server.
    fn request(&self, method: String, params: JsValue) -> LocalFuture<Result<String, RpcError>>;
    /// A failure that belongs to no request, e.g. a response with an id nobody waits for.
    fn error(&self, error: Error);
    fn closed(&self);
}

pub struct Config {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub fetcher: Fetcher,
    pub max_message_bytes: usize,
    /// `initialize` params without `protocolVersion` (which comes from `requested`), as JSON.
    pub capabilities: String,
    pub client_info: String,
    pub requested: Requested,
    pub connect_timeout_ms: u32,
    /// Non-zero while the user is busy with an elicitation: request timeouts wait for them.
    pub busy: Rc<Cell<u32>>,
    /// Honour `ttlMs` / `cacheScope` on `server/discover` (the `cache` option).
    pub cache: bool,
    /// OAuth (the `auth` option): the token on every request, a 401/403 answered by a new one.
    pub auth: Option<Rc<AuthLink>>,
}

#[derive(Default, Clone)]
pub struct RequestOptions {
    pub timeout_ms: u32,
    pub signal: Option<AbortSignal>,
    pub on_progress: Option<Function>,
    /// Extra headers for this request (the modern era's `Mcp-Param-*`).
    pub headers: Vec<(String, String)>,
}

type Outcome = Result<JsValue, Error>;

struct Waiter {
    slot: Slot<Outcome>,
    /// The callback and the token it listens to: the first id of the request, which stays
    /// in the params when a broken stream makes us re-issue it under a new id.
    on_progress: Option<(Function, RequestId)>,
    /// A 2025-11-25 task-augmented request (`params.task`): a task in its answer keeps `on_progress`.
    task: bool,
}

/// The progress callback of a request answered with a task: the token "remains valid throughout
/// the task lifetime" (2025-11-25), so it listens until the task ends or its `ttl` runs out.
struct TaskProgress {
    task_id: String,
    token: RequestId,
    callback: Function,
    until: f64,
}

enum Transport {
    Streamable,
    /// The 2024-11-05 transport: messages go to `endpoint`, answers come on the GET stream.
    HttpSse { endpoint: String, _stream: AbortOnDrop },
}

struct State {
    transport: Transport,
    session_id: Option<String>,
    protocol_version: Option<String>,
    correlator: Correlator<Waiter>,
    task_progress: Vec<TaskProgress>,
    closed: bool,
    listen: Option<AbortOnDrop>,
    /// Requests that hit a session 404 while a re-initialization was already running.
    reinit_waiters: Option<Vec<Slot<Result<(), Error>>>>,
    cross_origin: bool,
    /// The stateless era: no session, `_meta` and mirrored headers on every request.
    modern: bool,
}

pub struct Connection {
    config: Config,
    meta: RefCell<Option<Object>>,
    state: RefCell<State>,
    host: Rc<dyn Host>,
}

/// How many times one request follows a dropped stream with `Last-Event-ID` before giving up.
const MAX_RESUMES: u32 = 8;
/// How many consecutive failures end the listening stream's reconnection attempts.
const MAX_LISTEN_FAILURES: u32 = 5;
const DEFAULT_RETRY_MS: u32 = 1000;
/// A listen stream open at least this long before it dropped counts as having worked.
const LISTEN_HEALTHY_MS: f64 = 30_000.0;
const ERROR_BODY_LIMIT: usize = 64 * 1024;
/// How long a POST's stream may run on after its response before it is aborted: a few turns
/// of the microtask queue, then steps of a timer that also stop at `close()`.
const DRAIN_YIELDS: u32 = 4;
const DRAIN_STEPS: u32 = 10;
pub(crate) const DRAIN_STEP_MS: u32 = 100;

impl Connection {
    /// Connects and runs the `initialize` handshake; returns the connection and the
    /// `initialize` result.
    pub async fn connect(config: Config, host: Rc<dyn Host>) -> Result<(Rc<Connection>, JsValue), Error> {
        let conn = Rc::new(Connection {
            config,
            meta: RefCell::default(),
            state: RefCell::new(State {
                transport: Transport::Streamable,
                session_id: None,
                protocol_version: None,
                correlator: Correlator::default(),
                task_progress: Vec::new(),
                closed: false,
                listen: None,
                reinit_waiters: None,
                cross_origin: false,
                modern: false,
            }),
            host,
        });
        let (url, cache) = (conn.config.url.clone(), conn.config.cache);
        let known = match &conn.config.requested {
            Requested::Pinned(v) => Some(if v == modern::VERSION { Era::Modern } else { Era::Legacy }),
            Requested::Auto => remembered_era(&url, cache),
        };
        if let Some(era) = known {
            match conn.open_as(era).await {
                // A server may have changed era since it was remembered: a refusal of that
                // era's first request forgets it and probes afresh.
                Err(Error::HttpStatus { status: 400 | 404 | 405, .. } | Error::Rpc(_) | Error::UnsupportedProtocolVersion { .. })
                    if conn.config.requested == Requested::Auto =>
                {
                    forget_era(&url)
                }
                other => return other.map(|result| (conn, result)),
            }
        }
        // The probe is a real discover: when it succeeds, its answer is the one we use.
        let result = match conn.probe().await? {
            Some(result) => {
                remember_era(&url, Era::Modern, cache);
                result
            }
            None => {
                remember_era(&url, Era::Legacy, cache);
                conn.open_as(Era::Legacy).await?
            }
        };
        Ok((conn, result))
    }

    /// The first exchange of an era: `server/discover`, or `initialize` (and HTTP+SSE when the
    /// POST gets 400/404/405, per the spec's backwards-compatibility rule).
    async fn open_as(self: &Rc<Self>, era: Era) -> Result<JsValue, Error> {
        if era == Era::Modern {
            return self.discover().await;
        }
        match self.handshake().await {
            Err(first @ Error::HttpStatus { status: 400 | 404 | 405, .. }) => {
                if self.open_http_sse().await.is_err() {
                    return Err(first);
                }
                self.handshake().await
            }
            other => other,
        }
    }

    /// Asks `server/discover` in the modern way and judges the answer (protocol.md's probe
    /// order): a discover result listing our version is modern; `-32022` is modern if the
    /// server also lists a version we speak; anything else means legacy.
    /// Returns the discover result when the server is modern, `None` when it is legacy.
    async fn probe(self: &Rc<Self>) -> Result<Option<JsValue>, Error> {
        match self.discover().await {
            Ok(result) => Ok(Some(result)),
            Err(Error::Network(e)) => Err(Error::Network(e)),
            // The server wants a token whatever its era: asking again by `initialize` would
            // only ask the user twice. (`Relayed`: what the OAuth module raised.)
            Err(e @ (Error::Authorization(_) | Error::AuthorizationRequired { .. } | Error::Relayed(_))) => Err(e),
            Err(_) => {
                let mut st = self.state.borrow_mut();
                st.modern = false;
                st.protocol_version = None;
                Ok(None)
            }
        }
    }

    /// `server/discover`: fills what `initialize` fills in the legacy era. Returns an object of
    /// the `initialize` result's shape so the binding does not care which era it talks to.
    async fn discover(self: &Rc<Self>) -> Result<JsValue, Error> {
        {
            let mut st = self.state.borrow_mut();
            st.modern = true;
            st.protocol_version = Some(modern::VERSION.into());
        }
        let context = self.auth_context();
        if self.config.cache {
            if let Some(hit) = cached_discover(&self.config.url, &context) {
                return Ok(hit);
            }
        }
        // A `-32022` whose `data.supported` lists our version is a server that refused this
        // attempt, not the era: ask once more (the conformance suite's `request-metadata`
        // rejects the first request on purpose). Any other list means legacy, or no overlap.
        let mut retried = false;
        let result = loop {
            let opts = RequestOptions { timeout_ms: self.config.connect_timeout_ms, ..Default::default() };
            match self.request("server/discover", Object::new().into(), opts).await {
                Ok(r) => break r,
                Err(Error::Rpc(e)) if e.code == modern::codes::UNSUPPORTED_VERSION => {
                    let supported: Vec<String> = e
                        .data
                        .as_deref()
                        .and_then(|d| JSON::parse(d).ok())
                        .map(|d| get(&d, "supported"))
                        .filter(js_sys::Array::is_array)
                        .map(|a| js_sys::Array::from(&a).iter().filter_map(|v| v.as_string()).collect())
                        .unwrap_or_default();
                    if !retried && modern::pick_version(&supported) == Some(modern::VERSION) {
                        retried = true;
                        continue;
                    }
                    return Err(Error::UnsupportedProtocolVersion { offered: vec![modern::VERSION.into()], received: supported.join(", ") });
                }
                Err(e) => return Err(e),
            }
        };
        let versions: Option<Vec<String>> = Some(get(&result, "supportedVersions"))
            .filter(js_sys::Array::is_array)
            .map(|a| js_sys::Array::from(&a).iter().filter_map(|v| v.as_string()).collect());
        if modern::judge_discover(versions.as_deref()) != Era::Modern {
            return Err(Error::InvalidMessage(InvalidMessage::Result {
                method: "server/discover".into(),
                reason: "supportedVersions does not list 2026-07-28".into(),
            }));
        }
        let meta = get(&result, "_meta");
        let info = Object::new();
        set(&info, "protocolVersion", &modern::VERSION.into());
        set(&info, "capabilities", &get(&result, "capabilities"));
        set(&info, "serverInfo", &get(&meta, modern::META_SERVER_INFO));
        set(&info, "instructions", &get(&result, "instructions"));
        // ttlMs / cacheScope: a public answer serves every client of this URL, a private one
        // only clients with the same credentials (headers).
        if let Some(ttl) = get(&result, "ttlMs").as_f64().filter(|t| *t > 0.0) {
            let private = get(&result, "cacheScope").as_string().as_deref() != Some("public");
            if self.config.cache {
                cache_discover(&self.config.url, private.then_some(context), crate::web::timer::now_ms() + ttl, info.clone().into());
            }
        }
        Ok(info.into())
    }

    /// What distinguishes one caller's credentials from another's: the extra headers.
    fn auth_context(&self) -> String {
        let bearer = self.config.auth.as_ref().and_then(|a| a.bearer().1).unwrap_or_default();
        self.config.headers.iter().map(|(k, v)| format!("{}:{v}\n", k.to_ascii_lowercase())).collect::<String>() + &bearer
    }

    /// Modern era: keeps a `subscriptions/listen` stream open for the given notification
    /// filter (JSON), replacing any earlier one; reopens it after an abrupt close.
    /// `None` closes it.
    pub fn listen(self: &Rc<Self>, filter: Option<String>) {
        let Some(filter) = filter else {
            self.state.borrow_mut().listen = None;
            return;
        };
        let Ok(guard) = AbortOnDrop::new() else { return };
        let signal = guard.signal();
        self.state.borrow_mut().listen = Some(guard);
        let weak = Rc::downgrade(self);
        spawn_local(async move {
            let mut failures = 0;
            loop {
                let Some(this) = weak.upgrade() else { return };
                if this.is_closed() || signal.aborted() {
                    return;
                }
                let Ok(params) = JSON::parse(&format!(r#"{{"notifications":{filter}}}"#)) else { return };
                let opts = RequestOptions { signal: Some(signal.clone()), ..Default::default() };
                let started = crate::web::timer::now_ms();
                let outcome = this.request("subscriptions/listen", params, opts).await;
                match outcome {
                    Err(Error::Cancelled { .. }) | Err(Error::ConnectionClosed) => return,
                    Err(Error::Rpc(e)) => {
                        this.host.error(Error::Rpc(e));
                        return;
                    }
                    Ok(_) => failures = 0,
                    // A stream that served for a while before dropping is not a failure streak.
                    Err(_) if crate::web::timer::now_ms() - started > LISTEN_HEALTHY_MS => failures = 1,
                    Err(_) => failures += 1,
                }
                drop(this);
                if failures >= MAX_LISTEN_FAILURES {
                    return;
                }
                sleep(DEFAULT_RETRY_MS * (failures + 1)).await;
            }
        });
    }

    /// The modern `_meta` members, built once per connection.
    fn modern_meta(&self) -> Result<Object, Error> {
        if let Some(meta) = self.meta.borrow().as_ref() {
            return Ok(meta.clone());
        }
        let text = modern::request_meta(&self.config.client_info, &self.config.capabilities);
        let meta: Object = JSON::parse(&text).map_err(|_| Error::InvalidArgument("clientInfo is not JSON".into()))?.unchecked_into();
        // Every request may get a task back (the tasks extension): the binding follows it.
        let caps = get(&meta, modern::META_CAPABILITIES);
        let extensions = Object::new();
        set(&extensions, modern::TASKS_EXTENSION, &Object::new());
        set(&caps, "extensions", &extensions);
        *self.meta.borrow_mut() = Some(meta.clone());
        Ok(meta)
    }

    pub fn is_modern(&self) -> bool {
        self.state.borrow().modern
    }

    pub fn protocol_version(&self) -> Option<String> {
        self.state.borrow().protocol_version.clone()
    }

    pub fn session_id(&self) -> Option<String> {
        self.state.borrow().session_id.clone()
    }

    pub fn transport_name(&self) -> &'static str {
        match self.state.borrow().transport {
            Transport::Streamable => "streamable-http",
            Transport::HttpSse { .. } => "http+sse",
        }
    }

    pub fn authorizer(&self) -> Option<&Rc<AuthLink>> {
        self.config.auth.as_ref()
    }

    pub fn is_closed(&self) -> bool {
        self.state.borrow().closed
    }

    async fn handshake(self: &Rc<Self>) -> Result<JsValue, Error> {
        let params = format!(
            r#"{{"protocolVersion":{},"capabilities":{},"clientInfo":{}}}"#,
            jsonrpc::quote(self.config.requested.offer()),
            self.config.capabilities,
            self.config.client_info
        );
        let params = JSON::parse(&params).map_err(|_| Error::InvalidArgument("clientInfo is not JSON".into()))?;
        let opts = RequestOptions { timeout_ms: self.config.connect_timeout_ms, ..Default::default() };
        let result = self.request("initialize", params, opts).await?;
        let server_version = get(&result, "protocolVersion")
            .as_string()
            .ok_or_else(|| {
                Error::InvalidMessage(InvalidMessage::Result { method: "initialize".into(), reason: "no protocolVersion string".into() })
            })?;
        let http_sse = matches!(self.state.borrow().transport, Transport::HttpSse { .. });
        let version = negotiate::accept(&self.config.requested, &server_version, http_sse)?;
        self.state.borrow_mut().protocol_version = Some(version);
        if let Err(e) = self.notify("notifications/initialized", None).await {
            let (hidden, cors) = {
                let st = self.state.borrow();
                (st.session_id.is_none(), st.cross_origin)
            };
            // A server that issued a session id we could not read rejects the next request.
            return Err(match e {
                // Whether or not the rejection carries a JSON-RPC body.
                Error::HttpStatus { status: 400 | 404, .. } | Error::Rpc(_) if hidden && cors => {
                    Error::CorsHeaderHidden { header: "Mcp-Session-Id" }
                }
                e => e,
            });
        }
        if !http_sse {
            self.start_listening();
        }
        Ok(result)
    }

    /// Sends a request and waits for its response, a timeout, or the caller's abort.
    /// `params` is a JS object, or `undefined` for none. With `auth`, a 401 or an
    /// `insufficient_scope` 403 gets a (better) token and the request is sent again, a bounded
    /// number of times.
    pub async fn request(self: &Rc<Self>, method: &str, params: JsValue, opts: RequestOptions) -> Outcome {
        let Some(auth) = self.config.auth.clone() else { return self.request_once(method, params, opts).await };
        let mut spent = 0;
        loop {
            auth.prepare().await;
            let (generation, _) = auth.bearer();
            match self.request_once(method, params.clone(), opts.clone()).await {
                Err(Error::AuthorizationRequired { status, hint }) => {
                    if !auth.recover(generation, status, &hint, &mut spent).await? {
                        return Err(Error::AuthorizationRequired { status, hint });
                    }
                }
                outcome => return outcome,
            }
        }
    }

    async fn request_once(self: &Rc<Self>, method: &str, params: JsValue, opts: RequestOptions) -> Outcome {
        if self.is_closed() {
            return Err(Error::ConnectionClosed);
        }
        let slot: Slot<Outcome> = Slot::default();
        let modern = self.is_modern();
        // Only a task-augmented call with a progress callback keeps its progress route past the response.
        let task = !modern && opts.on_progress.is_some() && get(&params, "task").is_object();
        let id = {
            let mut st = self.state.borrow_mut();
            let id = st.correlator.register(method, Waiter { slot: slot.clone(), on_progress: None, task });
            if let (Some(f), Some(pending)) = (&opts.on_progress, st.correlator.get_mut(&id)) {
                pending.waiter.on_progress = Some((f.clone(), id.clone()));
            }
            id
        };
        let params = match &opts.on_progress {
            Some(_) => with_progress_token(&params, &id),
            None => params,
        };
        let mut headers = opts.headers.clone();
        let params = if modern {
            headers.push(("Mcp-Method".into(), method.into()));
            if let Some(name) = modern::name_field(method).and_then(|f| Reflect::get(&params, &f.into()).ok()).and_then(|v| v.as_string()) {
                headers.push(("Mcp-Name".into(), modern::encode_header_value(&name)));
            }
            with_meta(&params, &self.modern_meta()?)
        } else {
            params
        };
        let body = request_body(&id, method, &params)?;
        // The spec forbids cancelling initialize; the modern era cancels by closing the stream.
        let cancellable = method != "initialize" && !modern;

        let _timer = (opts.timeout_ms > 0).then(|| {
            let (slot, weak, id, ms) = (slot.clone(), Rc::downgrade(self), id.clone(), opts.timeout_ms);
            let busy = self.config.busy.clone();
            Deadline::new(ms, move || {
                if busy.get() == 0 {
                    time_out(&slot, &weak, &id, ms, cancellable);
                    return;
                }
                // The server may be waiting for the user (an elicitation): the clock restarts
                // once they are done.
                spawn_local(async move {
                    while busy.get() > 0 && !slot.is_complete() {
                        sleep(250).await;
                    }
                    sleep(ms).await;
                    time_out(&slot, &weak, &id, ms, cancellable);
                });
            })
        });
        let _abort = match &opts.signal {
            Some(signal) if signal.aborted() => {
                self.state.borrow_mut().correlator.take(&id);
                return Err(Error::Cancelled { reason: abort_reason(signal) });
            }
            Some(signal) => {
                let (slot, weak, id, sig) = (slot.clone(), Rc::downgrade(self), id.clone(), signal.clone());
                Some(EventListener::new(signal, "abort", move |_| {
                    let reason = abort_reason(&sig);
                    if slot.complete(Err(Error::Cancelled { reason: reason.clone() })) && cancellable {
                        send_cancelled(&weak, &id, &reason);
                    }
                }))
            }
            None => None,
        };

        let guard = AbortOnDrop::new()?;
        let reissue = modern.then(|| (method.to_owned(), params));
        let finished = guard.finished();
        let (post, id2, signal, slot2) = (self.clone(), id.clone(), guard.signal(), slot.clone());
        spawn_local(async move {
            let _mark = fetch::SetOnDrop(finished);
            post.post_task(id2, body, headers, reissue, signal, slot2).await;
        });
        let outcome = slot.wait().await;
        // By its current id: a re-issued request has a new one.
        self.state.borrow_mut().correlator.remove_where(|w| w.slot.same(&slot));
        // The guard aborts the POST if it is still running. A server ends the stream right
        // after the response, but that end can arrive a moment later, and a body aborted
        // before its end costs the keep-alive connection: so an answered request's stream gets
        // a second to end on its own (a test counts the connections). A cancelled or timed-out
        // one is aborted at once: in the modern era that is how a request is cancelled.
        let answered = !matches!(outcome, Err(Error::Cancelled { .. } | Error::Timeout { .. }));
        let finished = guard.finished();
        if answered && !finished.get() && !self.is_closed() {
            let weak = Rc::downgrade(self);
            spawn_local(async move {
                // The end is usually queued already: a few turns of the microtask queue see it
                // without a timer (a timer per call was a twelfth of an SSE call).
                for step in 0..DRAIN_YIELDS + DRAIN_STEPS {
                    if step < DRAIN_YIELDS { yield_now().await } else { sleep(DRAIN_STEP_MS).await }
                    if finished.get() || weak.upgrade().is_none_or(|c| c.is_closed()) {
                        break;
                    }
                }
                drop(guard);
            });
        }
        outcome
    }

    /// Sends a notification (or the answer to a server request) and checks it was accepted.
    /// `params` is JSON text.
    pub async fn notify(self: &Rc<Self>, method: &str, params: Option<String>) -> Result<(), Error> {
        let headers = if self.is_modern() { vec![("Mcp-Method".to_owned(), method.to_owned())] } else { Vec::new() };
        self.send_message(jsonrpc::encode_notification(method, params.as_deref()), &headers).await
    }

    async fn send_message(self: &Rc<Self>, body: String, headers: &[(String, String)]) -> Result<(), Error> {
        let guard = AbortOnDrop::new()?;
        let response = self.post(&body.into(), headers, &guard.signal()).await?;
        let result = self.consume_response(response, None, &guard.signal()).await;
        // The body is read (or its reader cancelled): aborting now would only cost the page an
        // abort event (a tenth of a connect, in the profile) and the connection its keep-alive.
        guard.finished().set(true);
        result
    }

    /// Sends one request's POST and handles its response. `reissue` (modern era) holds the
    /// method and params to send again under a new id if the stream breaks before the answer.
    async fn post_task(
        self: Rc<Self>,
        mut id: RequestId,
        mut body: JsValue,
        headers: Vec<(String, String)>,
        mut reissue: Option<(String, JsValue)>,
        signal: AbortSignal,
        slot: Slot<Outcome>,
    ) {
        let mut replayed = false;
        loop {
            let sent_session = self.session_id();
            let response = match self.post(&body, &headers, &signal).await {
                Ok(r) => r,
                Err(e) => {
                    slot.complete(Err(e));
                    return;
                }
            };
            // A 404 to a request that carried a session id means the session is gone:
            // re-initialize and replay this request once.
            if response.status() == 404 && sent_session.is_some() && !replayed {
                replayed = true;
                if let Err(e) = self.reinitialize(sent_session).await {
                    slot.complete(Err(e));
                    return;
                }
                continue;
            }
            match self.consume_response(response, Some((&id, &slot)), &signal).await {
                // No resumption in the modern era: a broken stream means asking again.
                Err(Error::InvalidMessage(InvalidMessage::StreamEnded)) if reissue.is_some() && !slot.is_complete() => {
                    let (method, params) = reissue.take().unwrap_or_default();
                    let Some(new_id) = self.state.borrow_mut().correlator.rekey(&id) else { return };
                    id = new_id;
                    body = request_body(&id, &method, &params).unwrap_or_default();
                }
                Err(e) => {
                    slot.complete(Err(e));
                    return;
                }
                Ok(()) => return,
            }
        }
    }

    /// The headers of every request to the server; with `auth`, its credentials for a `method`
    /// request to `url` (a DPoP proof is per request).
    async fn base_headers(&self, method: &str, url: &str) -> Result<Vec<(&str, String)>, Error> {
        let credentials = match &self.config.auth {
            Some(auth) => auth.credentials(method, url).await?,
            None => Vec::new(),
        };
        // An OAuth token replaces an `Authorization` the app set itself.
        let mut h: Vec<(&str, String)> = self
            .config
            .headers
            .iter()
            .filter(|(k, _)| credentials.is_empty() || !k.eq_ignore_ascii_case("authorization"))
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        h.extend(credentials);
        let st = self.state.borrow();
        if let Some(s) = &st.session_id {
            h.push(("Mcp-Session-Id", s.clone()));
        }
        if let Some(v) = &st.protocol_version {
            h.push(("MCP-Protocol-Version", v.clone()));
        }
        Ok(h)
    }

    /// Sends one request to the server, and keeps the DPoP nonce its answer may carry.
    async fn send(&self, request: HttpRequest<'_>) -> Result<Response, Error> {
        let url = request.url;
        let response = self.config.fetcher.send(request).await?;
        if let Some(auth) = &self.config.auth {
            auth.observe(url, &response);
        }
        Ok(response)
    }

    async fn post(&self, body: &JsValue, extra: &[(String, String)], signal: &AbortSignal) -> Result<Response, Error> {
        let endpoint = match &self.state.borrow().transport {
            Transport::Streamable => None,
            Transport::HttpSse { endpoint, .. } => Some(endpoint.clone()),
        };
        let url = endpoint.as_deref().unwrap_or(&self.config.url);
        let mut headers = self.base_headers("POST", url).await?;
        headers.extend(extra.iter().map(|(k, v)| (k.as_str(), v.clone())));
        headers.push(("Content-Type", "application/json".into()));
        if endpoint.is_none() {
            headers.push(("Accept", "application/json, text/event-stream".into()));
        }
        if self.is_closed() {
            return Err(Error::ConnectionClosed);
        }
        let response = self.send(HttpRequest { method: "POST", url, headers, body: Some(body.clone()), signal: Some(signal) }).await?;
        if endpoint.is_none() {
            let mut st = self.state.borrow_mut();
            st.cross_origin = fetch::is_cross_origin(&response);
            if let Some(sid) = fetch::header(&response, "mcp-session-id") {
                if st.session_id.is_none() {
                    st.session_id = Some(sid);
                }
            }
        }
        Ok(response)
    }

    /// Handles the HTTP response to a POST. `waiting` is the request this POST carried, if any.
    async fn consume_response(
        self: &Rc<Self>,
        response: Response,
        waiting: Option<(&RequestId, &Slot<Outcome>)>,
        signal: &AbortSignal,
    ) -> Result<(), Error> {
        let status = response.status();
        let content_type = fetch::header(&response, "content-type").unwrap_or_default().to_ascii_lowercase();
        if !(200..300).contains(&status) {
            if let Some(e) = authorization_required(&response) {
                return Err(e);
            }
            let mut reader = BodyReader::new(&response);
            let body = reader.read_to_end(ERROR_BODY_LIMIT).await.unwrap_or_default();
            let text = String::from_utf8_lossy(&body).into_owned();
            // A JSON-RPC error in the body says more than the status does.
            if let Ok((Kind::ErrorResponse { error, .. } | Kind::OrphanError(error), _)) = parse_message(&text) {
                return Err(Error::Rpc(error));
            }
            let mut body = text.trim().to_owned();
            body.truncate(200);
            return Err(Error::HttpStatus { status, body });
        }
        let http_sse = matches!(self.state.borrow().transport, Transport::HttpSse { .. });
        if status == 202 || http_sse {
            return Ok(()); // accepted: any answer arrives on a stream
        }
        if content_type.starts_with("text/event-stream") {
            let mut reader = BodyReader::new(&response);
            let mut parser = sse::Parser::new(self.config.max_message_bytes);
            let ended = self.read_sse(&mut reader, &mut parser, waiting.map(|w| w.1)).await;
            let Some((id, slot)) = waiting else { return ended };
            if slot.is_complete() {
                return Ok(());
            }
            ended?;
            // The stream closed before our response: resume it if the server gave us an id.
            // (The modern era has no resumption.)
            let last = if self.is_modern() { None } else { parser.last_event_id() };
            return match last {
                Some(last) => self.resume(id, slot, last.to_owned(), parser.retry_ms(), signal).await,
                None => Err(Error::InvalidMessage(InvalidMessage::StreamEnded)),
            };
        }
        if content_type.starts_with("application/json") {
            // A 2xx to a POST that carried no request means "accepted" (the spec says 202);
            // some servers add a body anyway, which answers nothing we asked.
            if waiting.is_none() {
                BodyReader::new(&response).cancel();
                return Ok(());
            }
            let limit = self.config.max_message_bytes;
            // A declared length over the limit fails before reading. Within it the body is still
            // read by our bounded reader: in Chromium that is faster than `Response.text()` (an
            // in-memory call with Content-Length, measured on one page: 70.6 µs against 82.8 µs).
            if fetch::header(&response, "content-length").and_then(|n| n.trim().parse::<usize>().ok()).is_some_and(|n| n > limit) {
                return Err(Error::MessageTooLarge { limit });
            }
            let text = fetch::bounded_text(&response, limit).await?;
            if text.unchecked_ref::<js_sys::JsString>().length() == 0 {
                return Err(Error::InvalidMessage(InvalidMessage::StreamEnded));
            }
            let (kind, value) = parse_js_message(&text)?;
            if let (Some((id, _)), Kind::Response { id: got } | Kind::ErrorResponse { id: got, .. }) = (waiting, &kind) {
                if !ids_match(id, got) {
                    return Err(Error::InvalidMessage(InvalidMessage::Shape(format!(
                        "the server answered request {id} with a response for id {got}"
                    ))));
                }
            }
            self.dispatch(kind, value);
            return Ok(());
        }
        match waiting {
            Some(_) => Err(Error::InvalidMessage(InvalidMessage::ContentType(content_type))),
            None => Ok(()),
        }
    }

    /// Reads an SSE body, dispatching each message. Errors go to `slot` when the stream
    /// belongs to one request, otherwise to the host.
    async fn read_sse(self: &Rc<Self>, reader: &mut BodyReader, parser: &mut sse::Parser, slot: Option<&Slot<Outcome>>) -> Result<(), Error> {
        loop {
            let chunk = match reader.next().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                // Our own abort (the request settled, or close()) ends the stream quietly.
                Err(Error::Cancelled { .. }) => return Ok(()),
                // A dropped connection is not a cancellation: the caller may resume.
                Err(Error::Network(_)) => return Ok(()),
                Err(e) => return Err(e),
            };
            let events = parser.feed(&chunk)?;
            for event in events {
                if event.data.is_empty() || event.event != "message" {
                    continue; // priming events carry only an id; other event types are not MCP's
                }
                match parse_message(&event.data) {
                    Ok((kind, value)) => self.dispatch(kind, value),
                    Err(e) => match slot {
                        Some(slot) => {
                            slot.complete(Err(e));
                        }
                        None => self.host.error(e),
                    },
                }
            }
        }
        parser.finish()
    }

    /// Follows a stream that closed before the response, with GET + `Last-Event-ID` after the
    /// server's `retry` delay, until the response arrives or the attempts run out.
    async fn resume(
        self: &Rc<Self>,
        id: &RequestId,
        slot: &Slot<Outcome>,
        mut last_id: String,
        retry: Option<u32>,
        signal: &AbortSignal,
    ) -> Result<(), Error> {
        let mut retry = retry.unwrap_or(DEFAULT_RETRY_MS);
        for _ in 0..MAX_RESUMES {
            sleep(retry).await;
            if slot.is_complete() || self.is_closed() {
                return Ok(());
            }
            let mut headers = self.base_headers("GET", &self.config.url).await?;
            headers.push(("Accept", "text/event-stream".into()));
            headers.push(("Last-Event-ID", last_id.clone()));
            let request = HttpRequest { method: "GET", url: &self.config.url, headers, body: None, signal: Some(signal) };
            let response = self.send(request).await?;
            if response.status() != 200 {
                if let Some(e) = authorization_required(&response) {
                    return Err(e);
                }
                return Err(Error::HttpStatus { status: response.status(), body: "resuming the stream with Last-Event-ID failed".into() });
            }
            let mut parser = sse::Parser::new(self.config.max_message_bytes);
            let mut reader = BodyReader::new(&response);
            self.read_sse(&mut reader, &mut parser, Some(slot)).await?;
            if slot.is_complete() {
                return Ok(());
            }
            if let Some(newer) = parser.last_event_id() {
                last_id = newer.to_owned();
            }
            retry = parser.retry_ms().unwrap_or(retry);
        }
        let _ = id;
        Err(Error::InvalidMessage(InvalidMessage::StreamEnded))
    }

    fn dispatch(self: &Rc<Self>, kind: Kind, message: JsValue) {
        let field = |name: &'static str| get(&message, name);
        let (id, outcome) = match kind {
            Kind::Response { id } => (id, Ok(field("result"))),
            Kind::ErrorResponse { id, error } => (id, Err(Error::Rpc(error))),
            Kind::Notification { method } => {
                if method == "notifications/progress" {
                    self.route_progress(&field("params"));
                } else {
                    if method == "notifications/tasks/status" {
                        self.task_seen(&field("params"));
                    }
                    self.host.notification(&method, field("params"));
                }
                return;
            }
            Kind::Request { id, method } => {
                let this = self.clone();
                let params = field("params");
                spawn_local(async move {
                    let body = match this.host.request(method, params).await {
                        Ok(result) => jsonrpc::encode_result(&id, &result),
                        Err(error) => jsonrpc::encode_error(&id, &error),
                    };
                    if let Err(e) = this.send_message(body, &[]).await {
                        this.host.error(e);
                    }
                });
                return;
            }
            Kind::OrphanError(e) => return self.host.error(Error::Rpc(e)),
        };
        let pending = self.state.borrow_mut().correlator.take(&id);
        match pending {
            Some(p) => {
                if let (Ok(result), Some((callback, token)), true) = (&outcome, p.waiter.on_progress, p.waiter.task) {
                    self.keep_task_progress(result, callback, token);
                }
                if let Ok(result) = &outcome {
                    self.task_seen(result); // tasks/get, tasks/cancel
                }
                p.waiter.slot.complete(outcome);
            }
            None => self.host.error(Error::InvalidMessage(InvalidMessage::Shape(format!(
                "a response for request id {id}, which is not pending"
            )))),
        }
    }

    fn route_progress(&self, params: &JsValue) {
        let token = get(params, "progressToken");
        let token = match (token.as_f64(), token.as_string()) {
            (Some(n), _) => RequestId::Number(n as i64),
            (None, Some(s)) => RequestId::String(s),
            _ => return,
        };
        let callback = {
            let st = self.state.borrow();
            st.correlator
                .find(|w| matches!(&w.on_progress, Some((_, t)) if *t == token))
                .and_then(|p| p.waiter.on_progress.as_ref().map(|(f, _)| f.clone()))
                .or_else(|| st.task_progress.iter().find(|r| r.token == token).map(|r| r.callback.clone()))
        };
        if let Some(f) = callback {
            let _ = f.call1(&JsValue::UNDEFINED, params);
        }
    }

    /// A task-augmented request answered with a task (`{ task }`): its callback goes on listening.
    fn keep_task_progress(&self, result: &JsValue, callback: Function, token: RequestId) {
        let task = get(result, "task");
        let Some(task_id) = get(&task, "taskId").as_string() else { return };
        let until = get(&task, "ttl").as_f64().map_or(f64::INFINITY, |ttl| now_ms() + ttl);
        self.end_task_progress(&task_id);
        self.state.borrow_mut().task_progress.push(TaskProgress { task_id, token, callback, until });
    }

    /// A task seen in a terminal status: its progress callback stops listening.
    fn task_seen(&self, task: &JsValue) {
        // Every response passes here: with no task followed, read nothing.
        if self.state.borrow().task_progress.is_empty() {
            return;
        }
        let text = |name: &str| Reflect::get(task, &name.into()).ok().and_then(|v| v.as_string());
        if let (true, Some(id)) = (text("status").is_some_and(|s| terminal(&s)), text("taskId")) {
            self.end_task_progress(&id);
        }
    }

    /// Stops routing the progress of a task (it ended, or the app cancelled it), and of the
    /// tasks nobody followed to their end whose ttl has run out.
    pub fn end_task_progress(&self, task_id: &str) {
        let now = now_ms();
        self.state.borrow_mut().task_progress.retain(|r| r.task_id != task_id && r.until > now);
    }

    /// Re-runs the handshake after the server forgot our session. Concurrent requests that hit
    /// the same 404 wait for one re-initialization instead of starting their own.
    async fn reinitialize(self: &Rc<Self>, stale: Option<String>) -> Result<(), Error> {
        let wait = {
            let mut st = self.state.borrow_mut();
            if let Some(waiters) = &mut st.reinit_waiters {
                // A re-initialization is running (and has cleared the session id): wait for it
                // instead of replaying at once without a session.
                let slot = Slot::default();
                waiters.push(slot.clone());
                Some(slot)
            } else if st.session_id != stale {
                return Ok(()); // someone already replaced the session
            } else {
                st.reinit_waiters = Some(Vec::new());
                st.session_id = None;
                st.protocol_version = None;
                st.listen = None;
                None
            }
        };
        if let Some(slot) = wait {
            return slot.wait().await;
        }
        let result = self.handshake().await.map(|_| ());
        let waiters = self.state.borrow_mut().reinit_waiters.take().unwrap_or_default();
        for w in waiters {
            w.complete(result.clone());
        }
        result
    }

    /// Opens the GET stream on which the server sends requests and notifications outside any
    /// request; reconnects with `Last-Event-ID` when it drops. A 405 means the server has none.
    fn start_listening(self: &Rc<Self>) {
        let Ok(guard) = AbortOnDrop::new() else { return };
        let signal = guard.signal();
        self.state.borrow_mut().listen = Some(guard);
        let weak = Rc::downgrade(self);
        spawn_local(async move {
            let mut last_id: Option<String> = None;
            let mut retry = DEFAULT_RETRY_MS;
            let mut failures = 0;
            loop {
                let Some(this) = weak.upgrade() else { return };
                if this.is_closed() || signal.aborted() {
                    return;
                }
                let mut headers = match this.base_headers("GET", &this.config.url).await {
                    Ok(h) => h,
                    Err(e) => return this.host.error(e),
                };
                headers.push(("Accept", "text/event-stream".into()));
                if let Some(id) = &last_id {
                    headers.push(("Last-Event-ID", id.clone()));
                }
                let request = HttpRequest { method: "GET", url: &this.config.url, headers, body: None, signal: Some(&signal) };
                match this.send(request).await {
                    Err(Error::Cancelled { .. }) => return,
                    Err(_) => failures += 1,
                    Ok(response) if response.status() == 405 => return,
                    Ok(response) if response.status() == 200 => {
                        failures = 0;
                        let mut parser = sse::Parser::new(this.config.max_message_bytes);
                        if let Some(id) = &last_id {
                            // Keep resuming from the same point if the new stream sends no ids.
                            let _ = parser.feed(format!("id: {id}\n\n").as_bytes());
                        }
                        let mut reader = BodyReader::new(&response);
                        if let Err(e) = this.read_sse(&mut reader, &mut parser, None).await {
                            this.host.error(e);
                        }
                        last_id = parser.last_event_id().map(str::to_owned);
                        retry = parser.retry_ms().unwrap_or(retry);
                    }
                    Ok(_) => failures += 1,
                }
                if failures >= MAX_LISTEN_FAILURES {
                    return;
                }
                drop(this);
                sleep(retry * (failures + 1)).await;
            }
        });
    }

    /// Opens the deprecated HTTP+SSE transport: GET the URL, wait for the `endpoint` event,
    /// then keep reading the stream for every message the server sends.
    async fn open_http_sse(self: &Rc<Self>) -> Result<(), Error> {
        let guard = AbortOnDrop::new()?;
        let signal = guard.signal();
        let mut headers: Vec<(&str, String)> = self.config.headers.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        headers.push(("Accept", "text/event-stream".into()));
        let request = HttpRequest { method: "GET", url: &self.config.url, headers, body: None, signal: Some(&signal) };
        let response = self.config.fetcher.send(request).await?;
        let content_type = fetch::header(&response, "content-type").unwrap_or_default();
        if response.status() != 200 || !content_type.starts_with("text/event-stream") {
            if let Some(e) = authorization_required(&response) {
                return Err(e);
            }
            return Err(Error::HttpStatus { status: response.status(), body: String::new() });
        }
        let mut reader = BodyReader::new(&response);
        let mut parser = sse::Parser::new(self.config.max_message_bytes);
        let endpoint = 'found: loop {
            let Some(chunk) = reader.next().await? else {
                return Err(Error::InvalidMessage(InvalidMessage::StreamEnded));
            };
            for event in parser.feed(&chunk)? {
                if event.event == "endpoint" {
                    break 'found event.data;
                }
            }
        };
        let endpoint = web_sys::Url::new_with_base(endpoint.trim(), &self.config.url)
            .map_err(|_| Error::InvalidMessage(InvalidMessage::Shape(format!("invalid endpoint \"{endpoint}\""))))?;
        let base = web_sys::Url::new(&self.config.url).map_err(|_| Error::InvalidArgument("invalid server URL".into()))?;
        // Messages may only go back to the server we connected to.
        if endpoint.origin() != base.origin() {
            return Err(Error::InvalidMessage(InvalidMessage::Shape("the endpoint event names another origin".into())));
        }
        self.state.borrow_mut().transport = Transport::HttpSse { endpoint: endpoint.href(), _stream: guard };
        let weak = Rc::downgrade(self);
        spawn_local(async move {
            let Some(this) = weak.upgrade() else { return };
            if let Err(e) = this.read_sse(&mut reader, &mut parser, None).await {
                this.host.error(e);
            }
            drop(reader);
            // This transport cannot resume: the stream ending ends the connection.
            this.shutdown();
        });
        Ok(())
    }

    /// Marks the connection closed and fails every pending request; returns the session id.
    fn shutdown(self: &Rc<Self>) -> Option<String> {
        let (session, pending) = {
            let mut st = self.state.borrow_mut();
            if st.closed {
                return None;
            }
            st.closed = true;
            st.listen = None;
            st.transport = Transport::Streamable;
            (st.session_id.take(), st.correlator.drain())
        };
        for p in pending {
            p.waiter.slot.complete(Err(Error::ConnectionClosed));
        }
        self.host.closed();
        session
    }

    /// Ends the connection: pending requests fail, streams stop, and the session is deleted.
    pub async fn close(self: &Rc<Self>) {
        if self.is_modern() {
            self.shutdown();
            return;
        }
        let version = self.protocol_version();
        let Some(session) = self.shutdown() else { return };
        let mut headers: Vec<(&str, String)> = self.config.headers.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        headers.push(("Mcp-Session-Id", session));
        if let Some(v) = version {
            headers.push(("MCP-Protocol-Version", v));
        }
        // 405 means the server does not let clients end sessions; either way we are done.
        let _ = self
            .config
            .fetcher
            .send(HttpRequest { method: "DELETE", url: &self.config.url, headers, body: None, signal: None })
            .await;
    }
}

/// A 401, or a 403 whose Bearer challenge says `insufficient_scope`, as the typed error that
/// tells the app what the server wants (RFC 9728 metadata URL, scopes).
fn authorization_required(response: &Response) -> Option<Error> {
    let status = response.status();
    let hint = fetch::header(response, "www-authenticate").and_then(|h| auth::bearer_hint(&h));
    let scope_step_up = hint.as_ref().is_some_and(|h| h.error.as_deref() == Some("insufficient_scope"));
    (status == 401 || (status == 403 && scope_step_up)).then_some(Error::AuthorizationRequired { status, hint })
}

fn ids_match(ours: &RequestId, got: &RequestId) -> bool {
    ours == got || matches!((ours, got), (RequestId::Number(n), RequestId::String(s)) if s == &n.to_string())
}

fn abort_reason(signal: &AbortSignal) -> String {
    let reason = signal.reason();
    if reason.is_undefined() {
        "aborted".into()
    } else {
        fetch::describe(&reason)
    }
}

fn time_out(slot: &Slot<Outcome>, conn: &Weak<Connection>, id: &RequestId, ms: u32, cancellable: bool) {
    if slot.complete(Err(Error::Timeout { ms })) && cancellable {
        send_cancelled(conn, id, "timeout");
    }
}

/// Params with the modern `_meta` merged in (the caller's `_meta` members, such as a progress
/// token, are kept). Copies; the caller's object is not modified.
fn with_meta(params: &JsValue, base: &Object) -> JsValue {
    let copy = Object::new();
    if params.is_object() {
        let _ = Object::assign(&copy, params.unchecked_ref());
    }
    let meta = Object::assign(&Object::new(), base);
    let old = get(params, "_meta");
    if old.is_object() {
        let _ = Object::assign(&meta, old.unchecked_ref());
    }
    set(&copy, "_meta", &meta);
    copy.into()
}

thread_local! {
    /// Discover results with their expiry; private ones carry the auth context they belong to.
    static DISCOVERED: RefCell<Vec<(String, Option<String>, f64, JsValue)>> = const { RefCell::new(Vec::new()) };
}

fn cached_discover(url: &str, context: &str) -> Option<JsValue> {
    let now = crate::web::timer::now_ms();
    DISCOVERED.with(|d| {
        let mut d = d.borrow_mut();
        d.retain(|(_, _, expires, _)| *expires > now);
        d.iter()
            .find(|(u, ctx, _, _)| u == url && ctx.as_deref().is_none_or(|c| c == context))
            .map(|(_, _, _, v)| v.clone())
    })
}

fn cache_discover(url: &str, context: Option<String>, expires: f64, value: JsValue) {
    DISCOVERED.with(|d| {
        let mut d = d.borrow_mut();
        d.retain(|(u, ctx, _, _)| !(u == url && *ctx == context));
        d.push((url.to_owned(), context, expires, value));
    });
}

/// Tells the server to stop working on a request we no longer wait for.
fn send_cancelled(conn: &Weak<Connection>, id: &RequestId, reason: &str) {
    let Some(conn) = conn.upgrade() else { return };
    let params = format!(r#"{{"requestId":{},"reason":{}}}"#, jsonrpc::id_json(id), jsonrpc::quote(reason));
    spawn_local(async move {
        let _ = conn.notify("notifications/cancelled", Some(params)).await;
    });
}

/// Whether a task status is final: `completed`, `failed` or `cancelled`.
pub fn terminal(status: &str) -> bool {
    matches!(status, "completed" | "failed" | "cancelled")
}

/// Params with `_meta.progressToken` set to the request id. Copies the two objects it
/// changes, so the caller's arguments are never modified.
fn with_progress_token(params: &JsValue, id: &RequestId) -> JsValue {
    let copy = Object::new();
    if params.is_object() {
        let _ = Object::assign(&copy, params.unchecked_ref());
    }
    let meta = Object::new();
    let old = get(params, "_meta");
    if old.is_object() {
        let _ = Object::assign(&meta, old.unchecked_ref());
    }
    let token = match id {
        RequestId::Number(n) => JsValue::from_f64(*n as f64),
        RequestId::String(s) => JsValue::from_str(s),
    };
    set(&meta, "progressToken", &token);
    set(&copy, "_meta", &meta);
    copy.into()
}

thread_local! {
    /// The era each server URL turned out to speak, for the page's lifetime.
    static ERAS: RefCell<Vec<(String, Era)>> = const { RefCell::new(Vec::new()) };
}

/// Where a tab keeps the eras across reloads, so a legacy server is not sent a `server/discover`
/// it refuses on every page load; absent in workers and some sandboxed frames.
fn session_storage() -> Option<JsValue> {
    Reflect::get(&js_sys::global(), &key("sessionStorage")).ok().filter(|s| s.is_object())
}

fn storage_call(name: &str, args: &[&str]) -> Option<JsValue> {
    let storage = session_storage()?;
    let f: Function = Reflect::get(&storage, &name.into()).ok()?.dyn_into().ok()?;
    let args: js_sys::Array = args.iter().map(|a| JsValue::from_str(a)).collect();
    // A full or forbidden storage throws: then the era lives for this page only.
    f.apply(&storage, &args).ok()
}

fn era_key(url: &str) -> String {
    ["mcp-web-client:era:", url].concat()
}

fn remembered_era(url: &str, persisted: bool) -> Option<Era> {
    if let Some(era) = ERAS.with(|e| e.borrow().iter().find(|(u, _)| u == url).map(|(_, era)| era.clone())) {
        return Some(era);
    }
    let era = match storage_call("getItem", &[&era_key(url)]).filter(|_| persisted)?.as_string()?.as_str() {
        "modern" => Era::Modern,
        "legacy" => Era::Legacy,
        _ => return None,
    };
    remember_era(url, era.clone(), false);
    Some(era)
}

/// Remembers for the page, and with `persisted` for the tab's session too.
fn remember_era(url: &str, era: Era, persisted: bool) {
    if persisted {
        storage_call("setItem", &[&era_key(url), if era == Era::Modern { "modern" } else { "legacy" }]);
    }
    ERAS.with(|e| {
        let mut e = e.borrow_mut();
        e.retain(|(u, _)| u != url);
        e.push((url.to_owned(), era));
    });
}

fn forget_era(url: &str) {
    storage_call("removeItem", &[&era_key(url)]);
    ERAS.with(|e| e.borrow_mut().retain(|(u, _)| u != url));
}

/// A request's JSON text, built by the engine from the params object: the params (a 1 MiB
/// upload, say) never pass through wasm memory.
fn request_body(id: &RequestId, method: &str, params: &JsValue) -> Result<JsValue, Error> {
    let message = Object::new();
    let id = match id {
        RequestId::Number(n) => JsValue::from_f64(*n as f64),
        RequestId::String(s) => JsValue::from_str(s),
    };
    for (name, value) in [("jsonrpc", key("2.0")), ("id", id), ("method", JsValue::from_str(method)), ("params", params.clone())] {
        if !value.is_undefined() {
            let _ = Reflect::set(&message, &key(name), &value);
        }
    }
    JSON::stringify(&message).map(JsValue::from).map_err(|_| Error::InvalidArgument("params must be JSON-serializable".into()))
}
