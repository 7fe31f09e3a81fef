//! Tasks: a tool call the server runs in the background, followed through one handle in both
//! eras. 2025-11-25 asks for a task in `tools/call` (`task: { ttl }`) when the server offers
//! `tasks.requests.tools.call`, and waits on the blocking `tasks/result`; 2026-07-28 (the
//! `io.modelcontextprotocol/tasks` extension) lets the server decide, and the client polls
//! `tasks/get` at the server's `pollIntervalMs`, answering `input_required` by `tasks/update`.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::{arg, get, invalid_result, object, promise, to_js, Inner, JsHost, JsonObjectArg, McpClient, RequestOptionsArg};
use crate::core::error::Error;
use crate::core::jsonrpc::RpcError;
use crate::web::connection::{terminal, RequestOptions};
use crate::js::value::set;
use crate::web::json::{key, stringify};
use crate::web::timer::sleep;

/// The server's `pollIntervalMs` within these bounds; the default when it gives none.
const POLL_MIN_MS: f64 = 100.0;
const POLL_MAX_MS: f64 = 30_000.0;
const POLL_DEFAULT_MS: f64 = 1_000.0;

/// The latest state of each task a handle follows, so status notifications reach the handles.
#[derive(Default)]
pub(super) struct Live(RefCell<Vec<(String, Weak<RefCell<JsValue>>)>>);

impl Live {
    fn follow(&self, id: &str, state: &Rc<RefCell<JsValue>>) {
        let mut live = self.0.borrow_mut();
        live.retain(|(_, w)| w.strong_count() > 0);
        live.push((id.to_owned(), Rc::downgrade(state)));
    }

    /// A status notification (`notifications/tasks/status`, or the extension's `notifications/tasks`).
    pub(super) fn update(&self, task: &JsValue) {
        let Some(id) = get(task, "taskId").as_string() else { return };
        for (_, state) in self.0.borrow().iter().filter(|(i, _)| *i == id) {
            if let Some(state) = state.upgrade() {
                *state.borrow_mut() = task.clone();
            }
        }
    }
}

/// A tool call that runs as a task: its latest state, and the way to its result.
#[wasm_bindgen]
pub struct McpTask {
    inner: Rc<Inner>,
    state: Rc<RefCell<JsValue>>,
    /// Modern era: the `inputRequests` keys already answered (the server repeats them until it sees the answer).
    answered: Rc<RefCell<Vec<String>>>,
}

#[wasm_bindgen]
impl McpClient {
    /// Calls a tool as a task where the server runs it as one; otherwise the handle comes back
    /// already completed, with the result (and no `taskId`).
    #[wasm_bindgen(js_name = callToolTask, unchecked_return_type = "Promise<McpTask>")]
    pub fn call_tool_task(&self, name: String, args: Option<JsonObjectArg>, options: Option<TaskOptionsArg>) -> Promise {
        let (options, args) = (arg(options), arg(args));
        let inner = self.inner.clone();
        let opts = inner.request_options(&options);
        let ttl = get(&options, "ttl");
        promise(async move {
            let opts = opts?;
            let params = object(&[("name", name.into()), ("arguments", if args.is_undefined() { Object::new().into() } else { args })]);
            let modern = inner.conn.is_modern();
            let offered = get(&get(&get(&get(&inner.server_capabilities, "tasks"), "requests"), "tools"), "call").is_object();
            if !modern && offered && inner.task_tools.borrow().is_none() {
                inner.relist_tools().await.map_err(|e| to_js(&e))?;
            }
            let supported = inner.task_tools.borrow().as_ref().is_some_and(|t| t.contains(&get(&params, "name").as_string().unwrap_or_default()));
            if !modern && offered && supported {
                let task = if ttl.is_undefined() { Object::new().into() } else { object(&[("ttl", ttl)]) };
                set(&params, "task", &task);
            }
            let mut attempt = opts.clone();
            attempt.headers = inner.param_headers(&params).map_err(|e| to_js(&e))?;
            let result = inner.mrtr("tools/call", &params, attempt).await.map_err(|e| to_js(&e))?;
            let state = match created(&result, modern) {
                Some(task) => task,
                None => object(&[("status", "completed".into()), ("result", result)]),
            };
            Ok(McpTask::new(inner, state).into())
        })
    }

    /// A handle for a task this page (or an earlier one) started: its current state first.
    #[wasm_bindgen(js_name = getTask, unchecked_return_type = "Promise<McpTask>")]
    pub fn get_task(&self, task_id: String) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let task = McpTask::new(inner, object(&[("taskId", task_id.into()), ("status", "working".into())]));
            task.fetch().await.map_err(|e| to_js(&e))?;
            Ok(task.into())
        })
    }

    /// `tasks/list` (2025-11-25; the extension has none).
    #[wasm_bindgen(js_name = listTasks, unchecked_return_type = "Promise<{ tasks: Task[]; nextCursor?: string }>")]
    pub fn list_tasks(&self, cursor: Option<String>) -> Promise {
        let params = cursor.map(|c| object(&[("cursor", c.into())]));
        self.call("tasks/list".into(), params, &JsValue::UNDEFINED)
    }
}

/// The task of a `CreateTaskResult`: `{ task }` in 2025-11-25, the result itself with
/// `resultType: "task"` in the extension.
pub(super) fn created(result: &JsValue, modern: bool) -> Option<JsValue> {
    match modern {
        true => (get(result, "resultType").as_string().as_deref() == Some("task")).then(|| result.clone()),
        false => Some(get(result, "task")).filter(|t| t.is_object() && get(&get(result, "content"), "length").is_undefined()),
    }
}

#[wasm_bindgen]
impl McpTask {
    /// The server's id for the task; absent when the server ran the call at once.
    #[wasm_bindgen(getter, js_name = taskId)]
    pub fn task_id(&self) -> Option<String> {
        get(&self.state.borrow(), "taskId").as_string()
    }

    /// `working`, `input_required`, `completed`, `failed` or `cancelled`, as last seen.
    #[wasm_bindgen(getter, unchecked_return_type = "TaskStatus")]
    pub fn status(&self) -> String {
        get(&self.state.borrow(), "status").as_string().unwrap_or_default()
    }

    /// The task as last seen (`statusMessage`, `createdAt`, `ttl`/`ttlMs`, `pollInterval`/`pollIntervalMs`).
    #[wasm_bindgen(getter, unchecked_return_type = "Task")]
    pub fn task(&self) -> JsValue {
        self.state.borrow().clone()
    }

    /// Asks the server for the task's state now (`tasks/get`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Task>")]
    pub fn refresh(&self) -> Promise {
        let this = self.clone_handle();
        promise(async move { this.fetch().await.map_err(|e| to_js(&e)) })
    }

    /// The tool's result once the task ends: rejects with the task's JSON-RPC error when it
    /// failed, -32800 when it was cancelled. In the modern era, requests for input on the way
    /// go to the app's callbacks, as in `callTool`.
    #[wasm_bindgen(unchecked_return_type = "Promise<CallToolResult>")]
    pub fn result(&self, options: Option<RequestOptionsArg>) -> Promise {
        let this = self.clone_handle();
        let opts = this.inner.request_options(&arg(options));
        promise(async move { this.wait(opts?).await.map_err(|e| to_js(&e)) })
    }

    /// Asks the server to cancel the task (`tasks/cancel`); resolves with its state after.
    #[wasm_bindgen(unchecked_return_type = "Promise<Task>")]
    pub fn cancel(&self) -> Promise {
        let this = self.clone_handle();
        promise(async move {
            let id = this.id().map_err(|e| to_js(&e))?;
            this.inner.conn.end_task_progress(&id);
            let answer = this.inner.conn.request("tasks/cancel", object(&[("taskId", id.into())]), this.options()).await.map_err(|e| to_js(&e))?;
            // 2025-11-25 answers with the task; the extension with an acknowledgement.
            match get(&answer, "status").is_string() {
                true => Ok(this.set(answer)),
                false => this.fetch().await.map_err(|e| to_js(&e)),
            }
        })
    }
}

impl McpTask {
    pub(super) fn new(inner: Rc<Inner>, state: JsValue) -> McpTask {
        if state.is_object() {
            let _ = Reflect::delete_property(state.unchecked_ref::<Object>(), &key("resultType"));
        }
        let state = Rc::new(RefCell::new(state));
        if let Some(id) = get(&state.borrow(), "taskId").as_string() {
            inner.host.tasks.follow(&id, &state);
        }
        McpTask { inner, state, answered: Rc::default() }
    }

    fn clone_handle(&self) -> McpTask {
        McpTask { inner: self.inner.clone(), state: self.state.clone(), answered: self.answered.clone() }
    }

    fn id(&self) -> Result<String, Error> {
        self.task_id().ok_or_else(|| Error::InvalidArgument("the server ran this call at once: there is no task".into()))
    }

    fn options(&self) -> RequestOptions {
        RequestOptions { timeout_ms: self.inner.timeout_ms, ..Default::default() }
    }

    fn set(&self, mut task: JsValue) -> JsValue {
        if task.is_object() {
            let _ = Reflect::delete_property(task.unchecked_ref::<Object>(), &key("resultType"));
        } else {
            task = self.state.borrow().clone();
        }
        *self.state.borrow_mut() = task.clone();
        task
    }

    async fn fetch(&self) -> Result<JsValue, Error> {
        let id = self.id()?;
        let task = self.inner.conn.request("tasks/get", object(&[("taskId", id.into())]), self.options()).await?;
        if !get(&task, "status").is_string() {
            return Err(invalid_result("tasks/get", "the task has no status"));
        }
        Ok(self.set(task))
    }

    pub(super) async fn wait(&self, opts: RequestOptions) -> Result<JsValue, Error> {
        let mut fetched = false;
        loop {
            let state = self.state.borrow().clone();
            let status = get(&state, "status").as_string().unwrap_or_default();
            match status.as_str() {
                "completed" if get(&state, "result").is_object() => return Ok(get(&state, "result")),
                "failed" => return Err(Error::Rpc(failure(&get(&state, "error"), &state))),
                "cancelled" => return Err(Error::Cancelled { reason: get(&state, "statusMessage").as_string().unwrap_or("the task was cancelled".into()) }),
                _ => {}
            }
            let id = self.task_id().ok_or_else(|| invalid_result("tools/call", "a completed call without its result"))?;
            if !self.inner.conn.is_modern() {
                // tasks/result blocks until the task ends: no timeout but the caller's.
                let wait = RequestOptions { timeout_ms: 0, ..opts.clone() };
                let result = self.inner.conn.request("tasks/result", object(&[("taskId", id.as_str().into())]), wait).await;
                // The answer, or the task's own error: either way the task has ended.
                if matches!(result, Ok(_) | Err(Error::Rpc(_))) {
                    self.inner.conn.end_task_progress(&id);
                }
                let result = result?;
                let done = state.unchecked_ref::<Object>();
                set(done, "status", &"completed".into());
                set(done, "result", &result);
                return Ok(result);
            }
            // A notification may announce the end without the result; tasks/get must carry it.
            if terminal(&status) && fetched {
                return Err(invalid_result("tasks/get", "a completed task without its result"));
            }
            if status == "input_required" {
                self.answer(&id, &get(&state, "inputRequests"), &opts).await?;
            }
            if !terminal(&status) {
                let hint = get(&state, "pollIntervalMs").as_f64().unwrap_or(POLL_DEFAULT_MS);
                sleep(hint.clamp(POLL_MIN_MS, POLL_MAX_MS) as u32).await;
            }
            if opts.signal.as_ref().is_some_and(|s| s.aborted()) {
                return Err(Error::Cancelled { reason: "aborted; the task goes on (cancel() stops it)".into() });
            }
            self.fetch().await?;
            fetched = true;
        }
    }

    /// Answers the input requests not answered yet, through the app's callbacks, by `tasks/update`.
    async fn answer(&self, id: &str, requests: &JsValue, opts: &RequestOptions) -> Result<(), Error> {
        let fresh = Object::new();
        if !requests.is_object() {
            return Ok(());
        }
        for key in Object::keys(requests.unchecked_ref::<Object>()).iter().filter_map(|k| k.as_string()) {
            if !self.answered.borrow().contains(&key) {
                let key = JsValue::from_str(&key);
                let _ = Reflect::set(&fresh, &key, &Reflect::get(requests, &key).unwrap_or(JsValue::UNDEFINED));
            }
        }
        let keys: Vec<String> = Object::keys(&fresh).iter().filter_map(|k| k.as_string()).collect();
        if keys.is_empty() {
            return Ok(());
        }
        let responses = self.inner.fulfil(&fresh, opts.signal.as_ref()).await?;
        let params = object(&[("taskId", id.into()), ("inputResponses", responses)]);
        self.inner.conn.request("tasks/update", params, self.options()).await?;
        self.answered.borrow_mut().extend(keys);
        Ok(())
    }
}

/// A failed task's JSON-RPC error as the client's own.
fn failure(error: &JsValue, task: &JsValue) -> RpcError {
    let data = get(error, "data");
    RpcError {
        code: get(error, "code").as_f64().unwrap_or(-32603.0) as i64,
        message: get(error, "message").as_string().or_else(|| get(task, "statusMessage").as_string()).unwrap_or("the task failed".into()),
        data: if data.is_undefined() { None } else { stringify(&data).ok() },
    }
}

impl JsHost {
    pub(super) fn task_status(&self, task: &JsValue) {
        self.tasks.update(task);
        self.emit("taskstatus", task);
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "TaskOptions")]
    pub type TaskOptionsArg;
}
