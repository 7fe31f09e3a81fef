//! `McpClient`, the class apps use. Translation only: options and arguments in, JS values and
//! `McpError`s out; the protocol lives in `core` and the connection in `web`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, CustomEvent, CustomEventInit, EventTarget};

use super::elicitation::{Delivery, Elicitations, Settings};
use super::value::{get, object, promise, set};
use super::error::{invalid_argument, to_js};
use crate::core::error::{codes as lib_codes, Error};
use crate::core::jsonrpc::{codes, RpcError};
use crate::core::modern;
use crate::core::schema;
use crate::core::value::Val;
use crate::core::negotiate::Requested;
use crate::web::connection::{Config, Connection, Host, LocalFuture, RequestOptions};
use crate::web::json::{key, stringify, to_val};
use crate::web::promise::settled;
use crate::web::timer::now_ms;
use crate::web::fetch::Fetcher;
use crate::web::auth_link::{self, AuthLink};

#[path = "tasks.rs"]
mod tasks;

const DEFAULT_TIMEOUT_MS: u32 = 60_000;
const DEFAULT_MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;
/// `listAllTools` stops after this many pages: a server that always returns a cursor must not
/// keep the client looping.
const MAX_PAGES: u32 = 100;
/// How many times one `callTool` satisfies `-32042` elicitations and retries.
const MAX_ELICITATION_ROUNDS: u32 = 3;

/// An MCP client connected to one server.
#[wasm_bindgen]
pub struct McpClient {
    inner: Rc<Inner>,
}

/// Modern era: what the `subscriptions/listen` stream asks for.
#[derive(Default)]
struct Subscriptions {
    tools: bool,
    prompts: bool,
    resources: bool,
    uris: Vec<String>,
}

/// Cached list results: (method and params, expiry, JSON text).
#[derive(Default)]
struct ListCache(RefCell<Vec<(String, f64, String)>>);

impl ListCache {
    fn get(&self, key: &str, now: f64) -> Option<String> {
        let mut entries = self.0.borrow_mut();
        entries.retain(|(_, expires, _)| *expires > now);
        entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v.clone())
    }

    fn put(&self, key: String, expires: f64, value: String) {
        let mut entries = self.0.borrow_mut();
        entries.retain(|(k, _, _)| *k != key);
        entries.push((key, expires, value));
    }

    fn drop_method(&self, method: &str) {
        self.0.borrow_mut().retain(|(k, _, _)| k.split(' ').next() != Some(method));
    }
}

struct Inner {
    cache: bool,
    subscriptions: RefCell<Subscriptions>,
    /// Modern era: the `x-mcp-header` parameters of each listed tool.
    tool_headers: RefCell<Vec<(String, Vec<modern::HeaderParam>)>>,
    /// The tools listed as able to run as tasks; `None` until tools are listed.
    task_tools: RefCell<Option<Vec<String>>>,
    /// The `outputSchema` of each listed tool that declares a usable one.
    output_schemas: RefCell<Vec<(String, Val)>>,
    conn: Rc<Connection>,
    host: Rc<JsHost>,
    timeout_ms: u32,
    protocol_version: String,
    server_info: JsValue,
    server_capabilities: JsValue,
    instructions: JsValue,
}

#[wasm_bindgen]
impl McpClient {
    /// Connects to the server at `url` and completes the handshake.
    #[wasm_bindgen(unchecked_return_type = "Promise<McpClient>")]
    pub fn connect(
        url: String,
        options: Option<ConnectOptions>,
    ) -> Promise {
        let options = arg(options);
        promise(async move { Self::connect_inner(url, options).await.map(JsValue::from) })
    }

    /// Redirect mode (`auth.mode: "redirect"`), on the page at `auth.redirectUri`: checks the
    /// authorization server's answer in `url` (default: this page's URL), exchanges its code and
    /// stores the grant, so that `connect(serverUrl, { auth })` goes on without asking again.
    #[wasm_bindgen(js_name = completeAuthorization, unchecked_return_type = "Promise<{ serverUrl: string }>")]
    pub fn complete_authorization(#[wasm_bindgen(unchecked_param_type = "AuthOptions")] auth: JsValue, url: Option<String>) -> Promise {
        promise(async move {
            // No one is asked on the return page: the dialog stands in for a missing handler.
            let auth = optional(auth).ok_or_else(|| invalid_argument("completeAuthorization needs the auth options"))?;
            let url = url.or_else(|| web_sys::window()?.location().href().ok()).unwrap_or_default();
            let server = auth_link::complete(&auth, &auth_fallback(true), &url).await.map_err(|e| to_js(&e))?;
            let out = js_sys::Object::new();
            set(&out, "serverUrl", &server.into());
            Ok(out.into())
        })
    }

    async fn connect_inner(url: String, options: JsValue) -> Result<McpClient, JsValue> {
        let mut opts = Options::parse(&url, &options)?;
        let host = Rc::new(JsHost {
            events: EventTarget::new().map_err(|_| invalid_argument("EventTarget is not available"))?,
            list_cache: ListCache::default(),
            elicitations: opts.elicitations.clone(),
            on_sampling: opts.on_sampling.clone(),
            roots: opts.roots.clone(),
            server: RefCell::new(JsValue::UNDEFINED),
            tasks: tasks::Live::default(),
        });
        let auth = match opts.auth.take() {
            Some((auth, fallback)) => {
                let fetch = arg(opts.fetch.clone());
                let closed_grace_ms = opts.elicitations.settings.closed_grace_ms;
                Some(Rc::new(AuthLink::open(&auth, &fetch, &url, closed_grace_ms, &fallback).await.map_err(|e| to_js(&e))?))
            }
            None => None,
        };
        let config = Config {
            url: url.clone(),
            headers: opts.headers.clone(),
            fetcher: Fetcher::new(opts.fetch.clone()),
            max_message_bytes: opts.max_message_bytes,
            capabilities: opts.capabilities.clone(),
            client_info: opts.client_info.clone(),
            requested: opts.requested.clone(),
            connect_timeout_ms: opts.timeout_ms,
            busy: opts.elicitations.busy.clone(),
            cache: opts.cache,
            auth: auth.clone(),
        };
        let (conn, result) = Connection::connect(config, host.clone()).await.map_err(|e| to_js(&e))?;
        let server_info = get(&result, "serverInfo");
        *host.server.borrow_mut() = server_info.clone();
        let inner = Inner {
            tool_headers: RefCell::default(),
            task_tools: RefCell::default(),
            output_schemas: RefCell::default(),
            subscriptions: RefCell::default(),
            cache: opts.cache,
            protocol_version: conn.protocol_version().unwrap_or_default(),
            conn,
            host,
            timeout_ms: opts.timeout_ms,
            server_info,
            server_capabilities: get(&result, "capabilities"),
            instructions: get(&result, "instructions"),
        };
        Ok(McpClient { inner: Rc::new(inner) })
    }

    /// The protocol version agreed with the server.
    #[wasm_bindgen(getter, js_name = protocolVersion)]
    pub fn protocol_version(&self) -> String {
        self.inner.protocol_version.clone()
    }

    #[wasm_bindgen(getter, js_name = serverInfo, unchecked_return_type = "Implementation")]
    pub fn server_info(&self) -> JsValue {
        self.inner.server_info.clone()
    }

    #[wasm_bindgen(getter, js_name = serverCapabilities, unchecked_return_type = "ServerCapabilities")]
    pub fn server_capabilities(&self) -> JsValue {
        self.inner.server_capabilities.clone()
    }

    #[wasm_bindgen(getter, unchecked_return_type = "string | undefined")]
    pub fn instructions(&self) -> JsValue {
        self.inner.instructions.clone()
    }

    /// The session id the server issued, if any.
    #[wasm_bindgen(getter, js_name = sessionId)]
    pub fn session_id(&self) -> Option<String> {
        self.inner.conn.session_id()
    }

    /// `"streamable-http"` or `"http+sse"` (the deprecated transport, used as a fallback).
    #[wasm_bindgen(getter)]
    pub fn transport(&self) -> String {
        self.inner.conn.transport_name().into()
    }

    #[wasm_bindgen(getter)]
    pub fn closed(&self) -> bool {
        self.inner.conn.is_closed()
    }

    /// Sends any request and resolves with its raw result: the escape hatch for methods this
    /// class has no helper for.
    #[wasm_bindgen(unchecked_return_type = "Promise<Record<string, unknown>>")]
    pub fn request(
        &self,
        method: String,
        params: Option<JsonObjectArg>,
        options: Option<RequestOptionsArg>,
    ) -> Promise {
        let options = arg(options);
        let params = arg(params);
        let params = if params.is_undefined() || params.is_null() { None } else { Some(params) };
        self.call(method, params, &options)
    }

    #[wasm_bindgen(js_name = listTools, unchecked_return_type = "Promise<ListToolsResult>")]
    pub fn list_tools(
        &self,
        params: Option<PaginatedParamsArg>,
        options: Option<RequestOptionsArg>,
    ) -> Promise {
        let (params, options) = (optional(arg(params)).unwrap_or(JsValue::UNDEFINED), arg(options));
        let inner = self.inner.clone();
        promise(async move {
            let opts = inner.request_options(&options)?;
            let page = inner.list("tools/list", params, opts).await.map_err(|e| to_js(&e))?;
            inner.check_tools(&page).map_err(|e| to_js(&e))?;
            Ok(page)
        })
    }

    /// Every tool, following `nextCursor` for at most 100 pages.
    #[wasm_bindgen(js_name = listAllTools, unchecked_return_type = "Promise<Tool[]>")]
    pub fn list_all_tools(&self, options: Option<RequestOptionsArg>) -> Promise {
        let options = arg(options);
        let inner = self.inner.clone();
        promise(async move {
            let all = Array::new();
            let mut cursor: Option<String> = None;
            for _ in 0..MAX_PAGES {
                let params = match &cursor {
                    Some(c) => object(&[("cursor", c.into())]),
                    None => JsValue::UNDEFINED,
                };
                let opts = inner.request_options(&options)?;
                let result = inner.list("tools/list", params, opts).await.map_err(|e| to_js(&e))?;
                let page = result;
                inner.check_tools(&page).map_err(|e| to_js(&e))?;
                let tools = get(&page, "tools");
                for tool in Array::from(&tools).iter() {
                    all.push(&tool);
                }
                match get(&page, "nextCursor").as_string() {
                    Some(c) if !c.is_empty() => cursor = Some(c),
                    _ => return Ok(all.into()),
                }
            }
            Err(to_js(&Error::PaginationLimit { pages: MAX_PAGES }))
        })
    }

    #[wasm_bindgen(js_name = callTool, unchecked_return_type = "Promise<CallToolResult>")]
    pub fn call_tool(
        &self,
        name: String,
        args: Option<JsonObjectArg>,
        options: Option<RequestOptionsArg>,
    ) -> Promise {
        let options = arg(options);
        let args = arg(args);
        let params = object(&[("name", name.into()), ("arguments", if args.is_undefined() { Object::new().into() } else { args })]);
        let inner = self.inner.clone();
        let opts = inner.request_options(&options);
        promise(async move {
            let opts = opts?;
            let mut rounds = 0;
            let mut seen: Vec<String> = Vec::new();
            let mut relisted = false;
            loop {
                let mut attempt = opts.clone();
                attempt.headers = inner.param_headers(&params).map_err(|e| to_js(&e))?;
                let error = match inner.mrtr("tools/call", &params, attempt).await {
                    // A modern server may run any call as a task: callTool waits for its end.
                    Ok(result) if inner.conn.is_modern() && tasks::created(&result, true).is_some() => {
                        return tasks::McpTask::new(inner.clone(), result).wait(opts.clone()).await.map_err(|e| to_js(&e));
                    }
                    Ok(result) => return inner.check_output(&params, result).map_err(|e| to_js(&e)),
                    Err(Error::Rpc(e)) if e.code == lib_codes::URL_ELICITATION_REQUIRED => e,
                    // The tool's x-mcp-header declarations changed: re-list tools, retry once.
                    Err(Error::Rpc(e)) if e.code == modern::codes::HEADER_MISMATCH && !relisted && inner.conn.is_modern() => {
                        relisted = true;
                        inner.relist_tools().await.map_err(|e| to_js(&e))?;
                        continue;
                    }
                    Err(e) => return Err(to_js(&e)),
                };
                // URLElicitationRequiredError: satisfy every listed elicitation, then retry.
                let elicitations = inner.host.elicitations.clone();
                let list = error.data.as_deref().and_then(|d| js_sys::JSON::parse(d).ok()).map(|d| get(&d, "elicitations"));
                let list = match list {
                    Some(l) if Array::is_array(&l) && elicitations.capability().is_some() && elicitations.settings.url_mode => Array::from(&l),
                    _ => return Err(to_js(&Error::Rpc(error))),
                };
                rounds += 1;
                let urls: Vec<String> = list.iter().filter_map(|e| get(&e, "url").as_string()).collect();
                if rounds > MAX_ELICITATION_ROUNDS {
                    // The same URL again and again is a loop (-33014); otherwise hand the app the
                    // server's own -32042 (with its elicitations), saying why the library stopped.
                    if let Some(url) = urls.iter().find(|u| seen.contains(u)) {
                        return Err(to_js(&Error::ElicitationLoop { url: url.clone() }));
                    }
                    let mut error = error;
                    error.message = format!(
                        "{} (still required after {MAX_ELICITATION_ROUNDS} completed rounds of elicitation; stopped)",
                        error.message
                    );
                    return Err(to_js(&Error::Rpc(error)));
                }
                seen.extend(urls);
                let server = inner.server_info.clone();
                for item in list.iter() {
                    elicitations.satisfy(&server, &item, opts.signal.as_ref(), Delivery::UrlRequiredError).await.map_err(|e| to_js(&e))?;
                }
            }
        })
    }

    #[wasm_bindgen(js_name = listResources, unchecked_return_type = "Promise<ListResourcesResult>")]
    pub fn list_resources(
        &self,
        params: Option<PaginatedParamsArg>,
        options: Option<RequestOptionsArg>,
    ) -> Promise {
        let options = arg(options);
        self.call_list("resources/list", optional(arg(params)).unwrap_or(JsValue::UNDEFINED), &options)
    }

    #[wasm_bindgen(js_name = listResourceTemplates, unchecked_return_type = "Promise<ListResourceTemplatesResult>")]
    pub fn list_resource_templates(
        &self,
        params: Option<PaginatedParamsArg>,
        options: Option<RequestOptionsArg>,
    ) -> Promise {
        let options = arg(options);
        self.call_list("resources/templates/list", optional(arg(params)).unwrap_or(JsValue::UNDEFINED), &options)
    }

    #[wasm_bindgen(js_name = readResource, unchecked_return_type = "Promise<ReadResourceResult>")]
    pub fn read_resource(&self, uri: String, options: Option<RequestOptionsArg>) -> Promise {
        self.call_mrtr("resources/read", object(&[("uri", uri.into())]), &arg(options))
    }

    #[wasm_bindgen(js_name = subscribeResource, unchecked_return_type = "Promise<void>")]
    pub fn subscribe_resource(&self, uri: String) -> Promise {
        if self.inner.conn.is_modern() {
            // This era has no resources/subscribe: the listen stream carries the set.
            let mut subs = self.inner.subscriptions.borrow_mut();
            if !subs.uris.contains(&uri) {
                subs.uris.push(uri);
            }
            drop(subs);
            self.inner.relisten();
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        self.call_void("resources/subscribe", Some(object(&[("uri", uri.into())])))
    }

    #[wasm_bindgen(js_name = unsubscribeResource, unchecked_return_type = "Promise<void>")]
    pub fn unsubscribe_resource(&self, uri: String) -> Promise {
        if self.inner.conn.is_modern() {
            self.inner.subscriptions.borrow_mut().uris.retain(|u| u != &uri);
            self.inner.relisten();
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        self.call_void("resources/unsubscribe", Some(object(&[("uri", uri.into())])))
    }

    #[wasm_bindgen(js_name = listPrompts, unchecked_return_type = "Promise<ListPromptsResult>")]
    pub fn list_prompts(
        &self,
        params: Option<PaginatedParamsArg>,
        options: Option<RequestOptionsArg>,
    ) -> Promise {
        let options = arg(options);
        self.call_list("prompts/list", optional(arg(params)).unwrap_or(JsValue::UNDEFINED), &options)
    }

    #[wasm_bindgen(js_name = getPrompt, unchecked_return_type = "Promise<GetPromptResult>")]
    pub fn get_prompt(
        &self,
        name: String,
        args: Option<StringMapArg>,
        options: Option<RequestOptionsArg>,
    ) -> Promise {
        let (args, options) = (arg(args), arg(options));
        let mut fields = vec![("name", JsValue::from(name))];
        if !args.is_undefined() && !args.is_null() {
            fields.push(("arguments", args));
        }
        self.call_mrtr("prompts/get", object(&fields), &options)
    }

    /// Asks for completions of a prompt or resource-template argument.
    #[wasm_bindgen(unchecked_return_type = "Promise<CompleteResult>")]
    pub fn complete(
        &self,
        #[wasm_bindgen(js_name = ref, unchecked_param_type = "PromptReference | ResourceTemplateReference")] reference: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ name: string; value: string }")] argument: JsValue,
        context: Option<CompleteContextArg>,
    ) -> Promise {
        let context = arg(context);
        let mut fields = vec![("ref", reference), ("argument", argument)];
        if !context.is_undefined() && !context.is_null() {
            fields.push(("context", context));
        }
        self.call("completion/complete".into(), Some(object(&fields)), &JsValue::UNDEFINED)
    }

    #[wasm_bindgen(js_name = setLogLevel, unchecked_return_type = "Promise<void>")]
    pub fn set_log_level(&self, #[wasm_bindgen(unchecked_param_type = "LoggingLevel")] level: String) -> Promise {
        self.call_void("logging/setLevel", Some(object(&[("level", level.into())])))
    }

    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn ping(&self) -> Promise {
        self.call_void("ping", None)
    }

    /// Forgets the OAuth tokens (the `auth` option): the next request the server refuses asks
    /// the user again. The connection stays open. Nothing to do without `auth`.
    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self) {
        if let Some(auth) = self.inner.conn.authorizer() {
            auth.sign_out();
        }
    }

    /// Ends the session: pending requests reject, streams stop, the session is deleted.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        let conn = self.inner.conn.clone();
        promise(async move {
            conn.close().await;
            Ok(JsValue::UNDEFINED)
        })
    }

    #[wasm_bindgen(js_name = addEventListener, skip_typescript)]
    pub fn add_event_listener(
        &self,
        #[wasm_bindgen(js_name = type, unchecked_param_type = "McpClientEventType")] kind: String,
        #[wasm_bindgen(unchecked_param_type = "(event: CustomEvent) => void")] listener: Function,
        #[wasm_bindgen(unchecked_param_type = "AddEventListenerOptions | boolean")] options: JsValue,
    ) {
        let target: &JsValue = self.inner.host.events.as_ref();
        let add: Function = get(target, "addEventListener").unchecked_into();
        let _ = add.call3(target, &(&kind).into(), &listener, &options);
        // Modern era: change notifications flow only on a subscriptions/listen stream, opened
        // for the kinds someone listens to.
        if self.inner.conn.is_modern() {
            let mut subs = self.inner.subscriptions.borrow_mut();
            let flag = match kind.as_str() {
                "toolslistchanged" => &mut subs.tools,
                "promptslistchanged" => &mut subs.prompts,
                "resourceslistchanged" => &mut subs.resources,
                _ => return,
            };
            if !*flag {
                *flag = true;
                drop(subs);
                self.inner.relisten();
            }
        }
    }

    #[wasm_bindgen(js_name = removeEventListener, skip_typescript)]
    pub fn remove_event_listener(
        &self,
        #[wasm_bindgen(js_name = type, unchecked_param_type = "McpClientEventType")] kind: String,
        #[wasm_bindgen(unchecked_param_type = "(event: CustomEvent) => void")] listener: Function,
    ) {
        let _ = self.inner.host.events.remove_event_listener_with_callback(&kind, &listener);
    }
}

impl McpClient {
    fn call(&self, method: String, params: Option<JsValue>, options: &JsValue) -> Promise {
        let inner = self.inner.clone();
        let opts = inner.request_options(options);
        promise(async move {
            inner.conn.request(&method, params.unwrap_or(JsValue::UNDEFINED), opts?).await.map_err(|e| to_js(&e))
        })
    }

    /// A list request, answered from the cache while the server's `ttlMs` allows.
    fn call_list(&self, method: &'static str, params: JsValue, options: &JsValue) -> Promise {
        let inner = self.inner.clone();
        let opts = inner.request_options(options);
        promise(async move { inner.list(method, params, opts?).await.map_err(|e| to_js(&e)) })
    }

    /// A request that may need input from the user (the modern era's `input_required`).
    fn call_mrtr(&self, method: &'static str, params: JsValue, options: &JsValue) -> Promise {
        let inner = self.inner.clone();
        let opts = inner.request_options(options);
        promise(async move { inner.mrtr(method, &params, opts?).await.map_err(|e| to_js(&e)) })
    }

    fn call_void(&self, method: &'static str, params: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let opts = RequestOptions { timeout_ms: inner.timeout_ms, ..Default::default() };
            inner.conn.request(method, params.unwrap_or(JsValue::UNDEFINED), opts).await.map_err(|e| to_js(&e))?;
            Ok(JsValue::UNDEFINED)
        })
    }
}

impl Inner {
    /// Reopens the listen stream with the current subscription set (or closes it).
    fn relisten(&self) {
        let subs = self.subscriptions.borrow();
        if !(subs.tools || subs.prompts || subs.resources || !subs.uris.is_empty()) {
            self.conn.listen(None);
            return;
        }
        let uris: Vec<String> = subs.uris.iter().map(|u| crate::core::jsonrpc::quote(u)).collect();
        let filter = format!(
            r#"{{"toolsListChanged":{},"promptsListChanged":{},"resourcesListChanged":{},"resourceSubscriptions":[{}]}}"#,
            subs.tools,
            subs.prompts,
            subs.resources,
            uris.join(",")
        );
        drop(subs);
        self.conn.listen(Some(filter));
    }

    /// Sends a request and, in the modern era, fulfils every `input_required` round through
    /// the app's callbacks, re-sending the original params with `inputResponses` and the
    /// untouched `requestState` until the result is complete (at most `MAX_ROUNDS`).
    async fn mrtr(&self, method: &str, params: &JsValue, opts: RequestOptions) -> Result<JsValue, Error> {
        let mut rounds = modern::Rounds::default();
        let mut current = params.clone();
        loop {
            let result = self.conn.request(method, current.clone(), opts.clone()).await.map_err(explain_missing_capability)?;
            if !self.conn.is_modern() {
                return Ok(result);
            }
            match modern::result_type(method, get(&result, "resultType").as_string().as_deref())? {
                modern::ResultType::Complete => {
                    // The app sees the same shapes in both eras.
                    let _ = Reflect::delete_property(result.unchecked_ref::<Object>(), &key("resultType"));
                    return Ok(result);
                }
                modern::ResultType::InputRequired => rounds.next(method)?,
                // The extension's CreateTaskResult: the caller follows the task.
                modern::ResultType::Task => return Ok(result),
            }
            let responses = self.fulfil(&get(&result, "inputRequests"), opts.signal.as_ref()).await?;
            let next = Object::new();
            let _ = Object::assign(&next, params.unchecked_ref());
            set(&next, "inputResponses", &responses);
            let state = get(&result, "requestState");
            if !state.is_undefined() {
                set(&next, "requestState", &state);
            }
            current = next.into();
        }
    }

    /// Answers each input request of an `input_required` result, in order.
    async fn fulfil(&self, requests: &JsValue, signal: Option<&AbortSignal>) -> Result<JsValue, Error> {
        let responses = Object::new();
        if !requests.is_object() {
            return Ok(responses.into());
        }
        for entry in Object::entries(requests.unchecked_ref()).iter() {
            let pair = Array::from(&entry);
            let (key, request) = (pair.get(0), pair.get(1));
            let method = get(&request, "method").as_string().unwrap_or_default();
            let params = get(&request, "params");
            let answer = if method == "elicitation/create" && get(&params, "mode").as_string().as_deref() == Some("url") {
                // URL mode: the user consents, the popup completes, then the retry tells the
                // server (this era has no completion notification).
                match self.host.elicitations.satisfy(&self.server_info, &params, signal, Delivery::InputRequired).await {
                    Ok(()) => r#"{"action":"accept"}"#.to_owned(),
                    Err(Error::ElicitationDeclined { action }) => format!(r#"{{"action":"{action}"}}"#),
                    Err(e) => return Err(e),
                }
            } else {
                match method.as_str() {
                    "elicitation/create" | "sampling/createMessage" | "roots/list" => {}
                    other => {
                        return Err(invalid_result("input_required", &format!("unknown input request method \"{other}\"")));
                    }
                }
                Host::request(&*self.host, method, params).await.map_err(Error::Rpc)?
            };
            let value = js_sys::JSON::parse(&answer).map_err(|_| Error::Parse("an input response".into()))?;
            let _ = Reflect::set(&responses, &key, &value);
        }
        Ok(responses.into())
    }

    /// Modern era: drops tools whose `x-mcp-header` declarations are invalid (the spec's MUST)
    /// with a log event naming them, and remembers the header parameters of the others.
    fn check_tools(&self, page: &JsValue) -> Result<(), Error> {
        let tools = get(page, "tools");
        if !Array::is_array(&tools) {
            return Err(invalid_result("tools/list", "tools is not an array"));
        }
        // 2025-11-25: the tools that may run as tasks (`execution.taskSupport`); asking for a
        // task on any other is refused.
        let mut task_tools = self.task_tools.borrow_mut();
        let task_tools = task_tools.get_or_insert_with(Vec::new);
        for tool in Array::from(&tools).iter() {
            let name = get(&tool, "name").as_string().unwrap_or_default();
            task_tools.retain(|n| n != &name);
            let mut schemas = self.output_schemas.borrow_mut();
            schemas.retain(|(n, _)| n != &name);
            let schema = to_val(&get(&tool, "outputSchema"));
            if schema::usable(&schema) {
                schemas.push((name.clone(), schema));
            }
            if matches!(get(&get(&tool, "execution"), "taskSupport").as_string().as_deref(), Some("optional" | "required")) {
                task_tools.push(name);
            }
        }
        if !self.conn.is_modern() {
            return Ok(());
        }
        let kept = Array::new();
        for tool in Array::from(&tools).iter() {
            let name = get(&tool, "name").as_string().unwrap_or_default();
            match modern::header_params(&to_val(&get(&tool, "inputSchema"))) {
                Ok(params) => {
                    let mut headers = self.tool_headers.borrow_mut();
                    headers.retain(|(n, _)| n != &name);
                    if !params.is_empty() {
                        headers.push((name, params));
                    }
                    kept.push(&tool);
                }
                Err(reason) => {
                    let data = format!("dropped tool \"{name}\": {reason}");
                    let detail = object(&[("level", "warning".into()), ("logger", "mcp-web-client".into()), ("data", data.into())]);
                    emit(&self.host.events, "log", &detail);
                }
            }
        }
        set(page, "tools", &kept);
        Ok(())
    }

    /// List results of the modern era carry `ttlMs` / `cacheScope`: within the ttl the same
    /// request is answered from this client's cache (a fresh copy each time). The cache is
    /// per client, so `private` entries never cross credentials; `cache: false` disables it;
    /// a list-changed notification drops that list's entries.
    async fn list(&self, method: &str, params: JsValue, opts: RequestOptions) -> Result<JsValue, Error> {
        if !(self.cache && self.conn.is_modern()) {
            return self.conn.request(method, params, opts).await;
        }
        let key = format!("{method} {}", if params.is_undefined() { String::new() } else { stringify(&params)? });
        if let Some(text) = self.host.list_cache.get(&key, now_ms()) {
            return js_sys::JSON::parse(&text).map_err(|_| Error::Parse("a cached list".into()));
        }
        let result = self.conn.request(method, params, opts).await?;
        {
            if let Some(ttl) = get(&result, "ttlMs").as_f64().filter(|t| *t > 0.0) {
                self.host.list_cache.put(key, now_ms() + ttl, stringify(&result)?);
            }
        }
        Ok(result)
    }

    async fn relist_tools(&self) -> Result<(), Error> {
        self.host.list_cache.drop_method("tools/list");
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let params = cursor.as_ref().map(|c| object(&[("cursor", c.into())])).unwrap_or(JsValue::UNDEFINED);
            let opts = RequestOptions { timeout_ms: self.timeout_ms, ..Default::default() };
            let page = self.list("tools/list", params, opts).await?;
            self.check_tools(&page)?;
            match get(&page, "nextCursor").as_string() {
                Some(c) if !c.is_empty() => cursor = Some(c),
                _ => return Ok(()),
            }
        }
        Err(Error::PaginationLimit { pages: MAX_PAGES })
    }

    /// A result's `structuredContent` against the tool's listed `outputSchema` (the spec's
    /// SHOULD). A validation that runs out of budget lets the result through: unknown is not wrong.
    fn check_output(&self, params: &JsValue, result: JsValue) -> Result<JsValue, Error> {
        let name = get(params, "name").as_string().unwrap_or_default();
        let schemas = self.output_schemas.borrow();
        let Some((_, schema)) = schemas.iter().find(|(n, _)| *n == name) else { return Ok(result) };
        if get(&result, "isError").as_bool() == Some(true) {
            return Ok(result);
        }
        let structured = get(&result, "structuredContent");
        if structured.is_undefined() {
            return Err(invalid_result("tools/call", &format!("tool \"{name}\" declares an outputSchema but sent no structuredContent")));
        }
        match schema::validate(schema, &crate::web::json::JsJson(structured)) {
            Err(m) if !m.gave_up => Err(invalid_result("tools/call", &format!("structuredContent does not match the outputSchema of \"{name}\": {m}"))),
            _ => Ok(result),
        }
    }

    /// The `Mcp-Param-*` headers of a `tools/call`, from the tool's last listed schema.
    fn param_headers(&self, params: &JsValue) -> Result<Vec<(String, String)>, Error> {
        if !self.conn.is_modern() {
            return Ok(Vec::new());
        }
        let name = get(params, "name").as_string().unwrap_or_default();
        let headers = self.tool_headers.borrow();
        match headers.iter().find(|(n, _)| n == &name) {
            Some((_, declared)) => modern::header_values(declared, &to_val(&get(params, "arguments"))),
            None => Ok(Vec::new()),
        }
    }

    fn request_options(&self, options: &JsValue) -> Result<RequestOptions, JsValue> {
        let mut opts = RequestOptions { timeout_ms: self.timeout_ms, ..Default::default() };
        if options.is_undefined() || options.is_null() {
            return Ok(opts);
        }
        if let Some(ms) = get(options, "timeoutMs").as_f64() {
            opts.timeout_ms = timeout_value(ms)?;
        }
        let signal = get(options, "signal");
        if !signal.is_undefined() {
            opts.signal = Some(signal.dyn_into::<AbortSignal>().map_err(|_| invalid_argument("signal must be an AbortSignal"))?);
        }
        let progress = get(options, "onProgress");
        if !progress.is_undefined() {
            opts.on_progress = Some(progress.dyn_into::<Function>().map_err(|_| invalid_argument("onProgress must be a function"))?);
        }
        Ok(opts)
    }
}

/// The parsed `connect` options.
struct Options {
    headers: Vec<(String, String)>,
    /// The `auth` option as given (checked by the OAuth module, loaded when it is set) and what
    /// stands in for a missing `auth.onAuthorization`: the dialog, with `elicitationUi: "dialog"`.
    auth: Option<(JsValue, JsValue)>,
    fetch: Option<Function>,
    timeout_ms: u32,
    max_message_bytes: usize,
    cache: bool,
    requested: Requested,
    client_info: String,
    capabilities: String,
    elicitations: Rc<Elicitations>,
    on_sampling: Option<Function>,
    roots: Option<JsValue>,
}

impl Options {
    fn parse(url: &str, options: &JsValue) -> Result<Options, JsValue> {
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if !scheme_ok || web_sys::Url::new(url).is_err() {
            return Err(invalid_argument(format!("the server URL must be an absolute http(s) URL, got \"{url}\"")));
        }
        let o = if options.is_undefined() || options.is_null() { Object::new().into() } else { options.clone() };
        let func = |name: &'static str| -> Result<Option<Function>, JsValue> {
            let v = get(&o, name);
            if v.is_undefined() || v.is_null() {
                return Ok(None);
            }
            v.dyn_into::<Function>().map(Some).map_err(|_| invalid_argument(format!("{name} must be a function")))
        };
        let mut headers = Vec::new();
        let h = get(&o, "headers");
        if h.is_object() {
            for entry in Object::entries(&h.unchecked_into::<Object>()).iter() {
                let pair = Array::from(&entry);
                let (k, v) = (pair.get(0).as_string(), pair.get(1).as_string());
                match (k, v) {
                    (Some(k), Some(v)) => headers.push((k, v)),
                    _ => return Err(invalid_argument("headers must map names to string values")),
                }
            }
        }
        let timeout_ms = match get(&o, "requestTimeoutMs").as_f64() {
            Some(ms) => timeout_value(ms)?,
            None => DEFAULT_TIMEOUT_MS,
        };
        let max_message_bytes = match get(&o, "maxMessageBytes").as_f64() {
            Some(n) if n >= 1024.0 => n as usize,
            Some(_) => return Err(invalid_argument("maxMessageBytes must be at least 1024")),
            None => DEFAULT_MAX_MESSAGE_BYTES,
        };
        let requested = Requested::parse(get(&o, "protocolVersion").as_string().as_deref()).map_err(|e| to_js(&e))?;
        let client_info = get(&o, "clientInfo");
        let client_info = if client_info.is_object() {
            if get(&client_info, "name").as_string().is_none() || get(&client_info, "version").as_string().is_none() {
                return Err(invalid_argument("clientInfo needs string name and version"));
            }
            stringify(&client_info).map_err(|e| to_js(&e))?
        } else {
            format!(r#"{{"name":"mcp-web-client","version":"{}"}}"#, env!("CARGO_PKG_VERSION"))
        };
        let on_elicitation = match (func("onElicitation")?, get(&o, "elicitationUi").as_string().as_deref()) {
            (Some(f), _) => Some(f),
            // Without a document (a Worker, Node) the dialog could only answer `cancel`.
            (None, Some("dialog")) if !Reflect::has(&js_sys::global(), &key("document")).unwrap_or(false) => {
                return Err(invalid_argument("elicitationUi \"dialog\" needs a document, which this runtime lacks: pass onElicitation"));
            }
            (None, Some("dialog")) => Some(super::dialog::handler()),
            (None, None) => None,
            (None, Some(other)) => return Err(invalid_argument(format!("elicitationUi \"{other}\" is not known; use \"dialog\""))),
        };
        let url_mode = match get(&o, "elicitationModes") {
            v if v.is_undefined() => true,
            v if Array::is_array(&v) => Array::from(&v).iter().any(|m| m.as_string().as_deref() == Some("url")),
            _ => return Err(invalid_argument("elicitationModes must be an array such as [\"form\", \"url\"]")),
        };
        let mut completion_origins = Vec::new();
        let origins = get(&o, "completionOrigins");
        if Array::is_array(&origins) {
            for origin in Array::from(&origins).iter() {
                let origin = origin.as_string().ok_or_else(|| invalid_argument("completionOrigins must be origin strings"))?;
                completion_origins.push(origin);
            }
        }
        let elicitations = Rc::new(Elicitations::new(Settings {
            handler: on_elicitation,
            url_mode,
            completion_origins,
            timeout_ms: match get(&o, "elicitationTimeoutMs").as_f64() {
                Some(ms) => timeout_value(ms)?,
                None => 10 * 60 * 1000,
            },
            closed_grace_ms: match get(&o, "popupClosedGraceMs").as_f64() {
                Some(ms) => timeout_value(ms)?,
                None => 1500,
            },
        }));
        let on_sampling = func("onSampling")?;
        let roots = get(&o, "roots");
        let roots = if roots.is_undefined() || roots.is_null() {
            None
        } else if Array::is_array(&roots) {
            Some(roots)
        } else {
            return Err(invalid_argument("roots must be an array of { uri, name? }"));
        };
        // Declare only what the app can actually answer.
        let mut caps = Vec::new();
        if let Some(cap) = elicitations.capability() {
            caps.push(cap);
        }
        if on_sampling.is_some() {
            caps.push(r#""sampling":{}"#);
        }
        if roots.is_some() {
            caps.push(r#""roots":{"listChanged":true}"#);
        }
        let dialog = get(&o, "elicitationUi").as_string().as_deref() == Some("dialog");
        Ok(Options {
            auth: optional(get(&o, "auth")).map(|a| (a, auth_fallback(dialog))),
            cache: get(&o, "cache").as_bool().unwrap_or(true),
            headers,
            fetch: func("fetch")?,
            timeout_ms,
            max_message_bytes,
            requested,
            client_info,
            capabilities: format!("{{{}}}", caps.join(",")),
            elicitations,
            on_sampling,
            roots,
        })
    }
}

/// What answers `auth.onAuthorization` when the app set none: the dialog, if it is the UI.
fn auth_fallback(dialog: bool) -> JsValue {
    if dialog {
        super::dialog::authorization_handler().into()
    } else {
        JsValue::UNDEFINED
    }
}

/// Bridges connection events and server requests to the app's callbacks and listeners.
struct JsHost {
    events: EventTarget,
    list_cache: ListCache,
    elicitations: Rc<Elicitations>,
    on_sampling: Option<Function>,
    roots: Option<JsValue>,
    /// `serverInfo`, shown to the user with every elicitation ("which server asks").
    server: RefCell<JsValue>,
    tasks: tasks::Live,
}

impl JsHost {
    fn emit(&self, kind: &str, detail: &JsValue) {
        emit(&self.events, kind, detail);
    }
}

fn emit(events: &EventTarget, kind: &str, detail: &JsValue) {
    let init = CustomEventInit::new();
    init.set_detail(detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(kind, &init) {
        let _ = events.dispatch_event(&event);
    }
}

impl Host for JsHost {
    fn notification(&self, method: &str, params: JsValue) {
        match method {
            "notifications/tools/list_changed" => self.list_cache.drop_method("tools/list"),
            "notifications/prompts/list_changed" => self.list_cache.drop_method("prompts/list"),
            "notifications/resources/list_changed" => {
                self.list_cache.drop_method("resources/list");
                self.list_cache.drop_method("resources/templates/list");
            }
            _ => {}
        }
        let kind = match method {
            "notifications/tools/list_changed" => "toolslistchanged",
            "notifications/prompts/list_changed" => "promptslistchanged",
            "notifications/resources/list_changed" => "resourceslistchanged",
            "notifications/resources/updated" => "resourceupdated",
            "notifications/message" => "log",
            "notifications/tasks/status" | "notifications/tasks" => return self.task_status(&params),
            "notifications/elicitation/complete" => {
                if let Some(id) = get(&params, "elicitationId").as_string() {
                    self.elicitations.complete_by_id(&id);
                }
                "elicitationcomplete"
            }
            _ => {
                let detail = object(&[("method", method.into()), ("params", params)]);
                self.emit("notification", &detail);
                return;
            }
        };
        self.emit(kind, &params);
    }

    fn request(&self, method: String, params: JsValue) -> LocalFuture<Result<String, RpcError>> {
        let handler = match method.as_str() {
            "ping" => return Box::pin(async { Ok("{}".to_owned()) }),
            "roots/list" => {
                return match &self.roots {
                    Some(roots) => {
                        let result = stringify(&object(&[("roots", roots.clone())])).map_err(|_| internal("roots are not serializable"));
                        Box::pin(async move { result })
                    }
                    None => Box::pin(async { Err(not_found("roots/list")) }),
                }
            }
            "sampling/createMessage" => self.on_sampling.clone().map(|f| (f, params.clone())),
            "elicitation/create" => match &self.elicitations.settings.handler {
                None => None,
                Some(f) => {
                    let server = self.server.borrow().clone();
                    let mode = get(&params, "mode").as_string().unwrap_or_else(|| "form".into());
                    match mode.as_str() {
                        "form" => Some((f.clone(), Elicitations::form_request(&server, &params))),
                        "url" if self.elicitations.settings.url_mode => {
                            let (elicitations, events) = (self.elicitations.clone(), self.events.clone());
                            return Box::pin(async move {
                                elicitations.answer_request(&server, &params).await.map_err(|e| {
                                    emit(&events, "error", &to_js(&e));
                                    // A loop or a flood is the server's behaviour, not its params: say so.
                                    let code = match e {
                                        Error::ElicitationLoop { .. } | Error::ElicitationRateLimited { .. } => e.code(),
                                        _ => codes::INVALID_PARAMS,
                                    };
                                    RpcError { code, message: e.to_string(), data: None }
                                })
                            });
                        }
                        _ => {
                            let error = RpcError { code: codes::INVALID_PARAMS, message: format!("elicitation mode \"{mode}\" is not supported by this client"), data: None };
                            return Box::pin(async move { Err(error) });
                        }
                    }
                }
            },
            _ => None,
        };
        let Some((handler, arg)) = handler else {
            return Box::pin(async move { Err(not_found(&method)) });
        };
        let events = self.events.clone();
        Box::pin(async move {
            let returned = handler.call1(&JsValue::UNDEFINED, &arg).map_err(app_error)?;
            let value = settled(&Promise::resolve(&returned)).await.map_err(app_error)?;
            if method == "elicitation/create" {
                check_elicit_result(&value)?;
                // Content that breaks the schema is the app's error, not the server's problem:
                // tell the app and answer cancel rather than send bad data.
                if let Err(e) = Elicitations::check_form_answer(&params, &value) {
                    emit(&events, "error", &to_js(&e));
                    return Ok(r#"{"action":"cancel"}"#.to_owned());
                }
            }
            stringify(&value).map_err(|_| internal("the app's answer is not JSON-serializable"))
        })
    }

    fn error(&self, error: Error) {
        self.emit("error", &to_js(&error));
    }

    fn closed(&self) {
        self.elicitations.cancel_all();
        self.emit("close", &JsValue::UNDEFINED);
    }
}

fn check_elicit_result(value: &JsValue) -> Result<(), RpcError> {
    match get(value, "action").as_string().as_deref() {
        Some("accept" | "decline" | "cancel") => Ok(()),
        _ => Err(internal("onElicitation must resolve to { action: \"accept\" | \"decline\" | \"cancel\" }")),
    }
}

/// `-32021`: say which capability the app would have to provide.
fn explain_missing_capability(e: Error) -> Error {
    match e {
        Error::Rpc(mut rpc) if rpc.code == modern::codes::MISSING_CAPABILITY => {
            let missing: Vec<String> = rpc
                .data
                .as_deref()
                .and_then(|d| js_sys::JSON::parse(d).ok())
                .map(|d| get(&d, "requiredCapabilities"))
                .filter(|c| c.is_object())
                .map(|c| Object::keys(c.unchecked_ref::<Object>()).iter().filter_map(|k| k.as_string()).collect())
                .unwrap_or_default();
            rpc.message = format!(
                "{} (the server requires the client capabilities: {}; provide onElicitation, onSampling or roots accordingly)",
                rpc.message,
                missing.join(", ")
            );
            Error::Rpc(rpc)
        }
        e => e,
    }
}

fn app_error(e: JsValue) -> RpcError {
    let code = get(&e, "code").as_f64().map(|c| c as i64).unwrap_or(codes::INTERNAL_ERROR);
    RpcError { code, message: crate::web::fetch::describe(&e), data: None }
}

fn internal(message: &str) -> RpcError {
    RpcError { code: codes::INTERNAL_ERROR, message: message.into(), data: None }
}

fn not_found(method: &str) -> RpcError {
    RpcError { code: codes::METHOD_NOT_FOUND, message: format!("the client does not handle {method}"), data: None }
}

fn invalid_result(method: &str, reason: &str) -> Error {
    Error::InvalidMessage(crate::core::error::InvalidMessage::Result { method: method.into(), reason: reason.into() })
}

fn timeout_value(ms: f64) -> Result<u32, JsValue> {
    super::value::millis(ms).ok_or_else(|| invalid_argument(super::value::TIMEOUT_RANGE))
}

fn optional(v: JsValue) -> Option<JsValue> {
    if v.is_undefined() || v.is_null() {
        None
    } else {
        Some(v)
    }
}



// Parameter types that make a trailing argument optional (`options?: RequestOptions`) in the
// generated TypeScript; `unchecked_param_type` cannot mark a parameter optional.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "McpClientOptions")]
    pub type ConnectOptions;
    #[wasm_bindgen(typescript_type = "RequestOptions")]
    pub type RequestOptionsArg;
    #[wasm_bindgen(typescript_type = "PaginatedParams")]
    pub type PaginatedParamsArg;
    #[wasm_bindgen(typescript_type = "Record<string, unknown>")]
    pub type JsonObjectArg;
    #[wasm_bindgen(typescript_type = "Record<string, string>")]
    pub type StringMapArg;
    #[wasm_bindgen(typescript_type = "{ arguments?: Record<string, string> }")]
    pub type CompleteContextArg;
}

/// An optional argument as a plain value (`undefined` when absent).
fn arg<T: Into<JsValue>>(value: Option<T>) -> JsValue {
    value.map(Into::into).unwrap_or(JsValue::UNDEFINED)
}
