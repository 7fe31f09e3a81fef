//! HTTP over the browser's `fetch` (or one the app supplies), with bodies read as streams so
//! SSE events are handled as they arrive and no body is buffered past a size limit.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal, ReadableStreamDefaultReader, Response};

use crate::core::error::Error;
use crate::web::json::key;
use crate::web::promise::settled;

/// The fetch implementation in use: the global one, or the app's `fetch` option.
#[derive(Clone, Default)]
pub struct Fetcher {
    custom: Option<Function>,
    /// The last URL as an engine string: a connection sends every request to the same one.
    url: RefCell<(String, JsValue)>,
}

pub struct HttpRequest<'a> {
    pub method: &'static str,
    pub url: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub body: Option<JsValue>,
    pub signal: Option<&'a AbortSignal>,
}

impl Fetcher {
    pub fn new(custom: Option<Function>) -> Fetcher {
        Fetcher { custom, url: RefCell::default() }
    }

    pub async fn send(&self, req: HttpRequest<'_>) -> Result<Response, Error> {
        let mut lines = String::new();
        for (name, value) in &req.headers {
            // The lines are split on "\n" in JS; no valid header name or value holds one.
            if name.contains(['\n', '\r']) || value.contains(['\n', '\r']) {
                return Err(Error::InvalidArgument(format!("header {name} has a value that is not a valid HTTP header value")));
            }
            lines.push_str(name);
            lines.push('\n');
            lines.push_str(value);
            lines.push('\n');
        }
        let custom = self.custom.as_ref().map_or(JsValue::UNDEFINED, |f| f.into());
        let body = req.body.unwrap_or(JsValue::UNDEFINED);
        let url = {
            let mut last = self.url.borrow_mut();
            if last.0 != req.url {
                *last = (req.url.to_owned(), JsValue::from_str(req.url));
            }
            last.1.clone()
        };
        let promise = send(&custom, &url, &key(req.method), &lines, &body, req.signal).map_err(|e| Error::InvalidArgument(describe(&e)))?;
        let value = settled(&promise).await.map_err(fetch_error)?;
        value
            .dyn_into::<Response>()
            .map_err(|_| Error::InvalidArgument("the fetch option returned something that is not a Response".into()))
    }
}

fn js_error(e: JsValue) -> Error {
    Error::Network(describe(&e))
}

fn fetch_error(e: JsValue) -> Error {
    if is_abort(&e) {
        Error::Cancelled { reason: "aborted".into() }
    } else {
        Error::Network(describe(&e))
    }
}

pub fn is_abort(e: &JsValue) -> bool {
    Reflect::get(e, &key("name")).ok().and_then(|n| n.as_string()).as_deref() == Some("AbortError")
}

/// A readable description of a thrown JS value.
pub fn describe(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    match Reflect::get(e, &key("message")).ok().and_then(|m| m.as_string()) {
        Some(m) => m,
        None => "unknown error".into(),
    }
}

/// Reads a response body chunk by chunk.
pub struct BodyReader {
    reader: Option<ReadableStreamDefaultReader>,
}

impl BodyReader {
    pub fn new(response: &Response) -> BodyReader {
        let reader = response.body().and_then(|b| b.get_reader().dyn_into::<ReadableStreamDefaultReader>().ok());
        BodyReader { reader }
    }

    /// The next chunk, or `None` at the end of the body.
    pub async fn next(&mut self) -> Result<Option<Vec<u8>>, Error> {
        let Some(reader) = &self.reader else { return Ok(None) };
        let result = settled(&reader.read()).await.map_err(fetch_error)?;
        let done = Reflect::get(&result, &key("done")).map(|d| d.is_truthy()).unwrap_or(true);
        if done {
            self.reader = None;
            return Ok(None);
        }
        let value = Reflect::get(&result, &key("value")).map_err(js_error)?;
        Ok(Some(value.dyn_into::<Uint8Array>().map(|a| a.to_vec()).unwrap_or_default()))
    }

    /// Reads the whole body, refusing more than `limit` bytes.
    pub async fn read_to_end(&mut self, limit: usize) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        while let Some(chunk) = self.next().await? {
            if out.len() + chunk.len() > limit {
                self.cancel();
                return Err(Error::MessageTooLarge { limit });
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    /// Stops reading; the browser closes the underlying connection.
    pub fn cancel(&mut self) {
        if let Some(reader) = self.reader.take() {
            // After an abort, cancel() rejects; nobody waits for it, so handle it here or the
            // page reports an unhandled rejection for every aborted stream.
            ignore_rejection(&reader.cancel());
        }
    }
}

impl Drop for BodyReader {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// An `AbortController` that aborts when dropped, unless the work it guards has marked
/// itself finished: whatever fetch it guards cannot outlive it, and a finished one costs no
/// abort.
pub struct AbortOnDrop {
    controller: AbortController,
    finished: Rc<Cell<bool>>,
}

impl AbortOnDrop {
    pub fn new() -> Result<AbortOnDrop, Error> {
        let controller = AbortController::new().map_err(js_error)?;
        Ok(AbortOnDrop { controller, finished: Rc::default() })
    }

    pub fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// A flag the guarded work sets when nothing is left to abort.
    pub fn finished(&self) -> Rc<Cell<bool>> {
        self.finished.clone()
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if !self.finished.get() {
            self.controller.abort();
        }
    }
}

/// Sets a flag when dropped: marks a task finished on every path out of it.
pub struct SetOnDrop(pub Rc<Cell<bool>>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[wasm_bindgen(module = "/src/web/browser.js")]
extern "C" {
    #[wasm_bindgen(js_name = readText)]
    fn read_text(response: &Response, limit: f64) -> Promise;
    #[wasm_bindgen(catch)]
    fn send(custom: &JsValue, url: &JsValue, method: &JsValue, lines: &str, body: &JsValue, signal: Option<&AbortSignal>) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = header)]
    fn get_header(response: &Response, name: &JsValue) -> Option<String>;
}

/// The whole body as a JS string, at most `limit` bytes of UTF-8, without a byte of it
/// passing through wasm memory.
pub async fn bounded_text(response: &Response, limit: usize) -> Result<JsValue, Error> {
    let text = settled(&read_text(response, limit as f64)).await.map_err(fetch_error)?;
    match text.as_bool() {
        _ if text.is_null() => Err(Error::MessageTooLarge { limit }),
        Some(_) => Err(Error::Parse("the body is not UTF-8".into())),
        None => Ok(text),
    }
}

/// The whole body as a JS string, decoded by the browser: OAuth's small documents (the
/// connection reads its messages with [`bounded_text`]).
#[cfg(any(feature = "oauth-module", feature = "oauth-bundled"))]
pub async fn text(response: &Response) -> Result<JsValue, Error> {
    let promise = response.text().map_err(js_error)?;
    settled(&promise).await.map_err(fetch_error)
}

/// A response header, with the CORS situation made explicit: a cross-origin response only
/// shows headers the server exposes.
pub fn header(response: &Response, name: &'static str) -> Option<String> {
    get_header(response, &key(name))
}

pub fn is_cross_origin(response: &Response) -> bool {
    response.type_() == web_sys::ResponseType::Cors
}

thread_local! {
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_| {});
}

/// Marks a promise's rejection as handled.
pub fn ignore_rejection(promise: &Promise) {
    IGNORE.with(|f| {
        let _ = promise.catch(f);
    });
}
