//! Browser tests of the edge, through the JS API: `McpClient` driven over an in-memory `fetch`
//! (`tests/fake_server.js`) that answers with constructed `Response`s, JSON or SSE over a
//! `ReadableStream`, and records every request. No server, no network: what is tested is the
//! real `fetch` contract, body streaming, `AbortSignal`, timers and the `McpError`s an app sees.
//!
//! Run with `wasm-pack test --headless --chrome` (or `scripts/wasm-pack-test.sh`).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{AbortController, CustomEvent};

use super::client::McpClient;
use crate::web::connection::DRAIN_STEP_MS;

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = "https://mcp.example/mcp";
/// The only timer delay the code under test uses in the timer test.
const SENTINEL_MS: u32 = 43_210;

#[wasm_bindgen(module = "/src/js/tests/fake_server.js")]
extern "C" {
    type FakeServer;
    #[wasm_bindgen(constructor)]
    fn new() -> FakeServer;
    #[wasm_bindgen(method, getter)]
    fn fetch(this: &FakeServer) -> Function;
    #[wasm_bindgen(method, getter, js_name = initializeCount)]
    fn initialize_count(this: &FakeServer) -> u32;
    #[wasm_bindgen(method, js_name = expireSession)]
    fn expire_session(this: &FakeServer);
    #[wasm_bindgen(method, js_name = answerJson)]
    fn answer_json(this: &FakeServer, method: &str, result_json: &str);
    #[wasm_bindgen(method, js_name = answerStatus)]
    fn answer_status(this: &FakeServer, method: &str, status: u16, www_authenticate: &str);
    #[wasm_bindgen(method, js_name = answerWithId)]
    fn answer_with_id(this: &FakeServer, method: &str, id: u32);
    #[wasm_bindgen(method, js_name = answerSseWithProgress)]
    fn answer_sse_with_progress(this: &FakeServer, method: &str, how: &str);
    #[wasm_bindgen(method, js_name = answerSseWithStrayResponse)]
    fn answer_sse_with_stray_response(this: &FakeServer, method: &str, stray_id: u32);
    #[wasm_bindgen(method, js_name = neverAnswer)]
    fn never_answer(this: &FakeServer, method: &str);
    #[wasm_bindgen(method, js_name = logJson)]
    fn log_json(this: &FakeServer) -> String;

    #[wasm_bindgen(js_name = sleep)]
    fn sleep_promise(ms: u32) -> Promise;

    type TimerTracker;
    #[wasm_bindgen(constructor)]
    fn new(ms: u32) -> TimerTracker;
    #[wasm_bindgen(method)]
    fn live(this: &TimerTracker) -> u32;
    #[wasm_bindgen(method, getter)]
    fn created(this: &TimerTracker) -> u32;
    #[wasm_bindgen(method)]
    fn restore(this: &TimerTracker);
}

impl FakeServer {
    /// Every request so far: `{ method, url, headers, body, aborted, released }`.
    fn log(&self) -> Vec<Value> {
        serde_json::from_str(&self.log_json()).expect("the fake server logs JSON")
    }

    /// The POSTs that carried the JSON-RPC `method`.
    fn posts(&self, method: &str) -> Vec<Value> {
        self.log().into_iter().filter(|r| r["method"] == "POST" && r["body"]["method"] == method).collect()
    }

    fn http(&self, http_method: &str) -> Vec<Value> {
        self.log().into_iter().filter(|r| r["method"] == http_method).collect()
    }
}

async fn sleep(ms: u32) {
    let _ = JsFuture::from(sleep_promise(ms)).await;
}

/// Waits until `done()` holds, failing the test after two seconds.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..400 {
        if done() {
            return;
        }
        sleep(5).await;
    }
    panic!("timed out waiting until {what}");
}

/// `connect` options: the fake `fetch`, a client name, and `extra` (plain JSON fields).
fn options(server: &FakeServer, extra: Value) -> JsValue {
    let mut fields = json!({ "clientInfo": { "name": "browser-tests", "version": "0.0.1" } });
    if let (Some(base), Value::Object(extra)) = (fields.as_object_mut(), extra) {
        base.extend(extra);
    }
    let o = js_sys::JSON::parse(&fields.to_string()).expect("options are JSON");
    Reflect::set(&o, &"fetch".into(), &server.fetch()).expect("set fetch");
    o
}

async fn connect(server: &FakeServer, extra: Value) -> JsValue {
    JsFuture::from(McpClient::connect(URL.into(), Some(options(server, extra).unchecked_into()))).await.expect("connect resolves")
}

/// Calls a method of the JS object (the exported class, through its generated glue).
fn invoke(target: &JsValue, name: &str, args: &[JsValue]) -> JsValue {
    let f: Function = Reflect::get(target, &name.into()).expect("method exists").dyn_into().expect("a function");
    f.apply(target, &args.iter().collect::<Array>()).expect("the call does not throw")
}

/// Calls an async method and settles its promise.
async fn settle(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let promise: Promise = invoke(target, name, args).dyn_into().expect("returns a Promise");
    JsFuture::from(promise).await
}

fn prop(o: &JsValue, name: &str) -> JsValue {
    Reflect::get(o, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// A plain JS value as JSON, for comparing with `json!`.
fn to_json(v: &JsValue) -> Value {
    if v.is_undefined() {
        return Value::Null;
    }
    let text = js_sys::JSON::stringify(v).expect("stringify").as_string().unwrap_or_default();
    serde_json::from_str(&text).expect("JSON")
}

fn js(v: Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).expect("JSON")
}

/// The `code` of a rejection, after checking it is a real `Error` named `McpError`.
fn mcp_code(err: &JsValue) -> i64 {
    assert!(err.is_instance_of::<js_sys::Error>(), "rejections are Error objects, got {err:?}");
    assert_eq!(prop(err, "name").as_string().as_deref(), Some("McpError"));
    assert!(prop(err, "message").as_string().is_some_and(|m| !m.is_empty()), "an McpError has a message");
    prop(err, "code").as_f64().expect("McpError.code is a number") as i64
}

/// Records the `detail` of every event of one type, for as long as it lives.
struct EventLog {
    seen: Rc<RefCell<Vec<JsValue>>>,
    _listener: Closure<dyn FnMut(CustomEvent)>,
}

impl EventLog {
    fn new(client: &JsValue, kind: &str) -> EventLog {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sink = seen.clone();
        let listener = Closure::<dyn FnMut(CustomEvent)>::new(move |e: CustomEvent| sink.borrow_mut().push(e.detail()));
        invoke(client, "addEventListener", &[kind.into(), listener.as_ref().clone()]);
        EventLog { seen, _listener: listener }
    }

    fn details(&self) -> Vec<JsValue> {
        self.seen.borrow().clone()
    }
}

fn call_args(signal: Option<&web_sys::AbortSignal>, timeout_ms: Option<u32>) -> JsValue {
    let o = Object::new();
    if let Some(s) = signal {
        Reflect::set(&o, &"signal".into(), s).expect("set");
    }
    if let Some(ms) = timeout_ms {
        Reflect::set(&o, &"timeoutMs".into(), &ms.into()).expect("set");
    }
    o.into()
}

async fn call_tool(client: &JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    settle(client, "callTool", &["echo".into(), js(json!({ "message": "hi" })), options]).await
}

#[wasm_bindgen_test]
async fn connect_sends_initialize_then_echoes_session_and_protocol_version() {
    let server = FakeServer::new();
    server.answer_json("tools/list", r#"{"tools":[{"name":"echo","inputSchema":{"type":"object"}}]}"#);
    let client = connect(&server, json!({ "headers": { "X-Tenant": "a" } })).await;

    assert_eq!(prop(&client, "protocolVersion").as_string().as_deref(), Some("2025-11-25"));
    assert_eq!(prop(&client, "sessionId").as_string().as_deref(), Some("s-1"));
    assert_eq!(prop(&client, "transport").as_string().as_deref(), Some("streamable-http"));
    assert_eq!(prop(&client, "instructions").as_string().as_deref(), Some("Be brief."));
    assert_eq!(to_json(&prop(&client, "serverInfo")), json!({ "name": "fake", "version": "1.0.0" }));
    assert_eq!(to_json(&prop(&client, "serverCapabilities")), json!({ "tools": { "listChanged": true } }));

    let tools = settle(&client, "listTools", &[]).await.expect("listTools resolves");
    assert_eq!(to_json(&tools)["tools"][0]["name"], "echo");

    let log = server.log();
    let init = &log[0];
    assert_eq!(init["method"], "POST");
    assert_eq!(init["url"], URL);
    assert_eq!(init["body"]["method"], "initialize");
    assert_eq!(init["body"]["params"]["protocolVersion"], "2025-11-25");
    assert_eq!(init["body"]["params"]["clientInfo"], json!({ "name": "browser-tests", "version": "0.0.1" }));
    assert_eq!(init["body"]["params"]["capabilities"], json!({}), "no handlers, no client capabilities");
    assert_eq!(init["headers"]["accept"], "application/json, text/event-stream");
    assert_eq!(init["headers"]["content-type"], "application/json");
    assert_eq!(init["headers"]["x-tenant"], "a");
    assert!(init["headers"].get("mcp-session-id").is_none(), "initialize carries no session id");
    assert!(init["headers"].get("mcp-protocol-version").is_none(), "initialize carries no version header");

    let initialized = &server.posts("notifications/initialized")[0];
    let list = &server.posts("tools/list")[0];
    let listen = &server.http("GET")[0];
    for (what, r) in [("initialized", initialized), ("tools/list", list), ("GET stream", listen)] {
        assert_eq!(r["headers"]["mcp-session-id"], "s-1", "{what} echoes the session id");
        assert_eq!(r["headers"]["mcp-protocol-version"], "2025-11-25", "{what} names the protocol version");
        assert_eq!(r["headers"]["x-tenant"], "a", "{what} carries the app's headers");
    }
    assert_eq!(listen["headers"]["accept"], "text/event-stream");
    assert_eq!(server.http("GET").len(), 1, "a 405 to the GET stream is not retried");
    // An abort after the answer costs an abort event and, on a network, the keep-alive.
    for (what, r) in [("initialize", init), ("initialized", initialized), ("tools/list", list)] {
        assert_eq!(r["aborted"], false, "the answered {what} POST is not aborted");
    }
    let _ = settle(&client, "close", &[]).await;
}

#[wasm_bindgen_test]
async fn sse_split_mid_crlf_and_mid_utf8_delivers_progress_then_result() {
    for how in ["awkward", "bytes"] {
        let server = FakeServer::new();
        server.answer_sse_with_progress("tools/call", how);
        let client = connect(&server, json!({})).await;

        let progress = Rc::new(RefCell::new(Vec::new()));
        let sink = progress.clone();
        let on_progress = Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| sink.borrow_mut().push(to_json(&p)));
        let opts = Object::new();
        Reflect::set(&opts, &"onProgress".into(), on_progress.as_ref()).expect("set");

        // The stream ends right after the result: its drain sees that end without a timer step.
        let drain_steps = TimerTracker::new(DRAIN_STEP_MS);
        let result = call_tool(&client, opts.into()).await.unwrap_or_else(|e| panic!("{how}: callTool rejected: {e:?}"));
        assert_eq!(to_json(&result), json!({ "content": [{ "type": "text", "text": "héllo 😀 wörld" }] }), "{how}");
        JsFuture::from(sleep_promise(0)).await.expect("sleep");
        drain_steps.restore();
        assert_eq!(drain_steps.created(), 0, "{how}: no drain timer for a stream that ended");
        assert_eq!(server.posts("tools/call")[0]["aborted"], false, "{how}: the drained POST is not aborted");

        let id = server.posts("tools/call")[0]["body"]["id"].clone();
        let token = server.posts("tools/call")[0]["body"]["params"]["_meta"]["progressToken"].clone();
        assert_eq!(token, id, "{how}: the progress token is the request id");
        assert_eq!(
            *progress.borrow(),
            vec![json!({ "progressToken": id, "progress": 1, "total": 2, "message": "halfway ½" })],
            "{how}: one progress callback, before the result"
        );
        let _ = settle(&client, "close", &[]).await;
    }
}

#[wasm_bindgen_test]
async fn session_404_reinitializes_once_and_replays_the_request() {
    let server = FakeServer::new();
    server.answer_json("tools/call", r#"{"content":[{"type":"text","text":"ok"}]}"#);
    let client = connect(&server, json!({})).await;
    server.expire_session();

    let result = call_tool(&client, JsValue::UNDEFINED).await.expect("the replayed call resolves");
    assert_eq!(to_json(&result)["content"][0]["text"], "ok");

    assert_eq!(server.initialize_count(), 2, "exactly one re-initialize");
    let reinit = &server.posts("initialize")[1];
    assert!(reinit["headers"].get("mcp-session-id").is_none(), "the re-initialize starts a new session");
    assert!(reinit["headers"].get("mcp-protocol-version").is_none());
    let calls = server.posts("tools/call");
    assert_eq!(calls.len(), 2, "the request is replayed once");
    assert_eq!(calls[0]["body"], calls[1]["body"], "the replay is the same message");
    assert_eq!(calls[0]["headers"]["mcp-session-id"], "s-1");
    assert_eq!(calls[1]["headers"]["mcp-session-id"], "s-2");
    assert_eq!(server.posts("notifications/initialized").len(), 2);
    assert_eq!(prop(&client, "sessionId").as_string().as_deref(), Some("s-2"));
    let _ = settle(&client, "close", &[]).await;
}

#[wasm_bindgen_test]
async fn concurrent_requests_hitting_the_same_404_share_one_reinitialize() {
    let server = FakeServer::new();
    server.answer_json("tools/call", r#"{"content":[]}"#);
    let client = connect(&server, json!({})).await;
    server.expire_session();

    let a = invoke(&client, "callTool", &["echo".into(), JsValue::UNDEFINED, JsValue::UNDEFINED]);
    let b = invoke(&client, "ping", &[]);
    let both = JsFuture::from(Promise::all(&Array::of2(&a, &b))).await;
    assert!(both.is_ok(), "both replays resolve: {both:?}");
    assert_eq!(server.initialize_count(), 2, "one re-initialize for both");
    for r in server.posts("tools/call").iter().chain(server.posts("ping").iter()) {
        let sid = r["headers"]["mcp-session-id"].as_str().unwrap_or("none");
        assert!(sid == "s-1" || sid == "s-2", "every request carries a session id, got {sid}");
    }
    let _ = settle(&client, "close", &[]).await;
}

#[wasm_bindgen_test]
async fn authorization_challenges_are_typed_errors_and_the_client_stays_usable() {
    let server = FakeServer::new();
    let client = connect(&server, json!({})).await;
    let data = |e: &JsValue| to_json(&prop(e, "data"));

    let challenge = r#"Bearer error="invalid_token", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp", scope="files:read""#;
    server.answer_status("tools/call", 401, challenge);
    let e = call_tool(&client, JsValue::UNDEFINED).await.expect_err("401 rejects");
    assert_eq!(mcp_code(&e), -33020);
    assert_eq!(
        data(&e),
        json!({ "status": 401, "error": "invalid_token", "scope": "files:read",
                "resourceMetadata": "https://mcp.example/.well-known/oauth-protected-resource/mcp" })
    );

    // 401 without a challenge (or one CORS hides): the same code, only the status.
    server.answer_status("tools/call", 401, "");
    let e = call_tool(&client, JsValue::UNDEFINED).await.expect_err("401 rejects");
    assert_eq!((mcp_code(&e), data(&e)), (-33020, json!({ "status": 401 })));

    // 403 asks for more scope only with insufficient_scope; otherwise it is a plain HTTP error.
    server.answer_status("tools/call", 403, r#"Bearer error="insufficient_scope", scope="files:write""#);
    let e = call_tool(&client, JsValue::UNDEFINED).await.expect_err("403 rejects");
    assert_eq!((mcp_code(&e), data(&e)["scope"].clone()), (-33020, json!("files:write")));
    server.answer_status("tools/call", 403, "");
    let e = call_tool(&client, JsValue::UNDEFINED).await.expect_err("403 rejects");
    assert_eq!((mcp_code(&e), data(&e)["status"].clone()), (-33001, json!(403)));

    assert!(settle(&client, "ping", &[]).await.is_ok(), "the client stays usable");
    let _ = settle(&client, "close", &[]).await;
}

#[wasm_bindgen_test]
async fn response_with_unknown_id_is_invalid_message_and_client_stays_usable() {
    let server = FakeServer::new();
    server.answer_with_id("tools/call", 999);
    let client = connect(&server, json!({})).await;

    let err = call_tool(&client, JsValue::UNDEFINED).await.expect_err("a response for another id rejects");
    assert_eq!(mcp_code(&err), -32600);
    settle(&client, "ping", &[]).await.expect("the client still works");

    // On an SSE stream, a stray response is reported as an "error" event; the real one still lands.
    server.answer_sse_with_stray_response("tools/call", 999);
    let errors = EventLog::new(&client, "error");
    let result = call_tool(&client, JsValue::UNDEFINED).await.expect("the real response is delivered");
    assert_eq!(to_json(&result)["content"][0]["text"], "real");
    let errors = errors.details();
    assert_eq!(errors.len(), 1, "one error event for the stray response");
    assert_eq!(mcp_code(&errors[0]), -32600);
    let _ = settle(&client, "close", &[]).await;
}

#[wasm_bindgen_test]
async fn abort_rejects_with_32800_and_sends_cancelled_with_the_request_id() {
    let server = FakeServer::new();
    server.never_answer("tools/call");
    let client = connect(&server, json!({})).await;

    let controller = AbortController::new().expect("AbortController");
    let call = invoke(&client, "callTool", &["slow".into(), JsValue::UNDEFINED, call_args(Some(&controller.signal()), None)]);
    until("the tools/call POST is sent", || !server.posts("tools/call").is_empty()).await;
    controller.abort_with_reason(&"user stopped".into());

    let err = JsFuture::from(Promise::from(call)).await.expect_err("abort rejects");
    assert_eq!(mcp_code(&err), -32800);
    until("notifications/cancelled is sent", || !server.posts("notifications/cancelled").is_empty()).await;

    let call = &server.posts("tools/call")[0];
    let cancelled = &server.posts("notifications/cancelled")[0];
    assert_eq!(cancelled["body"]["params"]["requestId"], call["body"]["id"]);
    assert_eq!(cancelled["body"]["params"]["reason"], "user stopped");
    assert_eq!(cancelled["headers"]["mcp-session-id"], "s-1");
    until("the request's stream is released", || server.posts("tools/call")[0]["released"] == true).await;
    assert_eq!(server.posts("tools/call")[0]["aborted"], true, "the request's fetch is aborted");
    assert_eq!(server.posts("notifications/cancelled").len(), 1, "cancelled exactly once");

    // A signal that is already aborted rejects without sending anything.
    let before = server.log().len();
    let aborted = AbortController::new().expect("AbortController");
    aborted.abort();
    let err = call_tool(&client, call_args(Some(&aborted.signal()), None)).await.expect_err("rejects");
    assert_eq!(mcp_code(&err), -32800);
    sleep(20).await;
    assert_eq!(server.log().len(), before, "nothing is sent for an already-aborted signal");
    let _ = settle(&client, "close", &[]).await;
}

#[wasm_bindgen_test]
async fn timeout_rejects_with_32001_and_cancels_on_the_server() {
    let server = FakeServer::new();
    server.never_answer("tools/call");
    let client = connect(&server, json!({ "requestTimeoutMs": 60 })).await;

    // The per-call option wins over requestTimeoutMs...
    let err = call_tool(&client, call_args(None, Some(30))).await.expect_err("times out");
    assert_eq!(mcp_code(&err), -32001);
    // ...and requestTimeoutMs applies when there is none.
    let err = call_tool(&client, JsValue::UNDEFINED).await.expect_err("times out");
    assert_eq!(mcp_code(&err), -32001);

    until("both requests are cancelled", || server.posts("notifications/cancelled").len() == 2).await;
    let calls = server.posts("tools/call");
    for (call, cancelled) in calls.iter().zip(server.posts("notifications/cancelled")) {
        assert_eq!(cancelled["body"]["params"]["requestId"], call["body"]["id"]);
        assert_eq!(cancelled["body"]["params"]["reason"], "timeout");
    }
    until("the streams are released", || server.posts("tools/call").iter().all(|c| c["released"] == true)).await;
    settle(&client, "ping", &[]).await.expect("the client still works");
    let _ = settle(&client, "close", &[]).await;
}

#[wasm_bindgen_test]
async fn close_deletes_the_session_and_rejects_pending_and_later_requests() {
    let server = FakeServer::new();
    server.never_answer("tools/call");
    let client = connect(&server, json!({})).await;
    let closes = EventLog::new(&client, "close");

    let pending = invoke(&client, "callTool", &["slow".into(), JsValue::UNDEFINED, JsValue::UNDEFINED]);
    until("the tools/call POST is sent", || !server.posts("tools/call").is_empty()).await;
    settle(&client, "close", &[]).await.expect("close resolves");

    let err = JsFuture::from(Promise::from(pending)).await.expect_err("a pending request rejects on close");
    assert_eq!(mcp_code(&err), -32000);
    let deletes = server.http("DELETE");
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0]["url"], URL);
    assert_eq!(deletes[0]["headers"]["mcp-session-id"], "s-1");
    assert_eq!(deletes[0]["headers"]["mcp-protocol-version"], "2025-11-25");
    assert_eq!(prop(&client, "closed").as_bool(), Some(true));
    assert_eq!(closes.details().len(), 1, "one close event");
    until("the pending request's stream is released", || server.posts("tools/call")[0]["released"] == true).await;

    let err = settle(&client, "ping", &[]).await.expect_err("requests after close reject");
    assert_eq!(mcp_code(&err), -32000);
    settle(&client, "close", &[]).await.expect("a second close resolves");
    assert_eq!(server.http("DELETE").len(), 1, "and sends nothing");
}

#[wasm_bindgen_test]
async fn a_settled_request_leaves_no_timer_behind() {
    // Request clocks share one timer (`timer::Deadline`): it may stay armed, but a settled
    // request's deadline must be gone.
    let pending = crate::web::timer::pending_deadlines;
    let timers = TimerTracker::new(SENTINEL_MS);
    let server = FakeServer::new();
    server.answer_json("tools/call", r#"{"content":[]}"#);
    server.never_answer("slow");
    let client = connect(&server, json!({ "requestTimeoutMs": SENTINEL_MS })).await;
    let after_connect = pending();

    call_tool(&client, JsValue::UNDEFINED).await.expect("resolves");
    let after_result = pending();

    let controller = AbortController::new().expect("AbortController");
    let slow = invoke(&client, "request", &["slow".into(), JsValue::UNDEFINED, call_args(Some(&controller.signal()), None)]);
    until("the slow POST is sent", || !server.posts("slow").is_empty()).await;
    let in_flight = (pending(), timers.live());
    controller.abort();
    let _ = JsFuture::from(Promise::from(slow)).await;
    let after_abort = pending();

    server.answer_with_id("tools/call", 999);
    let _ = call_tool(&client, JsValue::UNDEFINED).await.expect_err("rejects");
    let after_error = pending();
    let created = timers.created();
    let _ = settle(&client, "close", &[]).await;
    timers.restore();

    assert_eq!(in_flight, (1, 1), "the slow request's deadline, and the tracker sees the shared timer (otherwise this test proves nothing)");
    assert_eq!(created, 1, "four requests share one timer");
    assert_eq!(after_connect, 0, "connect leaves no deadline");
    assert_eq!(after_result, 0, "a result drops its deadline");
    assert_eq!(after_abort, 0, "an abort drops its deadline");
    assert_eq!(after_error, 0, "an error drops its deadline");
}
