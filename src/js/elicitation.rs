//! Elicitations handed to the app: the request objects `onElicitation` receives, and the flows
//! that answer a server's `elicitation/create` or satisfy a `-32042` before retrying a call.
//!
//! URL mode never opens anything by itself: only `req.open()`, which the app calls from a
//! click, opens the popup. The rules (which URLs, how often, which completion messages count)
//! are the core's; this module wires them to the browser and to the app's callbacks.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::Window;

use super::error::to_js;
use super::value::{get, object, set, set_named};
use crate::core::elicitation::{check_url, CompletionStatus, Guard, UrlFacts};
use crate::core::error::Error;
use crate::core::form;
use crate::core::value::Val;
use crate::web::json::to_val;
use crate::web::popup::{self, Outcome, Via, WatchConfig};
use crate::web::promise::settled;
use crate::web::slot::Slot;
use crate::web::timer::now_ms;

/// What the user decided before any completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    Accepted,
    Declined,
    Cancelled,
}

impl Consent {
    pub fn action(self) -> &'static str {
        match self {
            Consent::Accepted => "accept",
            Consent::Declined => "decline",
            Consent::Cancelled => "cancel",
        }
    }
}

/// How a URL elicitation reached the client, for UIs that explain what happens next.
#[derive(Debug, Clone, Copy)]
pub enum Delivery {
    /// `elicitation/create`: accepting answers the server, which then continues.
    Request,
    /// A `-32042` error: the library retries the call once the user completes.
    UrlRequiredError,
    /// A modern `input_required` result: the library retries with the response.
    InputRequired,
}

impl Delivery {
    fn as_str(self) -> &'static str {
        match self {
            Delivery::Request => "request",
            Delivery::UrlRequiredError => "url-required-error",
            Delivery::InputRequired => "input-required",
        }
    }
}

/// Elicitation settings from the connect options.
pub struct Settings {
    pub handler: Option<Function>,
    pub url_mode: bool,
    pub completion_origins: Vec<String>,
    pub timeout_ms: u32,
    pub closed_grace_ms: u32,
}

/// Per-client elicitation state.
pub struct Elicitations {
    pub settings: Settings,
    guard: RefCell<Guard>,
    pending: RefCell<Vec<Rc<UrlElicitation>>>,
    /// Counts elicitations waiting for the user; request timeouts wait while it is non-zero.
    pub busy: Rc<Cell<u32>>,
}

/// One URL elicitation in flight.
pub struct UrlElicitation {
    url: String,
    id: Option<String>,
    watch_config: RefCell<Option<WatchConfig>>,
    consent: Slot<Consent>,
    completion: Slot<Outcome>,
    settled: Slot<Outcome>,
    popup: RefCell<Option<Window>>,
    watch: RefCell<Option<popup::Watch>>,
    result: RefCell<Option<Outcome>>,
    open_waiters: RefCell<Vec<(Function, Function)>>,
    /// Aborted when the elicitation settles, so UIs showing it can close (`req.signal`).
    settled_signal: web_sys::AbortController,
}

/// Decrements the busy count when the user interaction it marks ends.
struct Busy(Rc<Cell<u32>>);

impl Busy {
    fn new(count: &Rc<Cell<u32>>) -> Busy {
        count.set(count.get() + 1);
        Busy(count.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

impl Elicitations {
    pub fn new(settings: Settings) -> Elicitations {
        Elicitations { settings, guard: RefCell::new(Guard::new(Default::default())), pending: RefCell::default(), busy: Rc::default() }
    }

    /// The capability to declare, or `None`.
    pub fn capability(&self) -> Option<&'static str> {
        match (&self.settings.handler, self.settings.url_mode) {
            (None, _) => None,
            (Some(_), true) => Some(r#""elicitation":{"form":{},"url":{}}"#),
            (Some(_), false) => Some(r#""elicitation":{"form":{}}"#),
        }
    }

    /// Ends every elicitation in flight (the client is closing).
    pub fn cancel_all(&self) {
        let pending: Vec<_> = self.pending.borrow().clone();
        for e in pending {
            e.consent.complete(Consent::Cancelled);
            e.completion.complete(Err(Error::ConnectionClosed));
        }
    }

    /// `notifications/elicitation/complete`: the server says the flow finished.
    pub fn complete_by_id(&self, id: &str) {
        let found = self.pending.borrow().iter().find(|e| e.id.as_deref() == Some(id)).cloned();
        if let Some(e) = found {
            e.completion.complete(Ok((CompletionStatus::Done, Via::Notification)));
        }
    }

    /// Admits and checks a URL elicitation, hands it to the app, and returns it with the
    /// user's consent still to come. Refused URLs never reach the app.
    fn start(self: &Rc<Self>, server: &JsValue, message: &str, url: &str, id: Option<String>, delivery: Delivery) -> Result<Rc<UrlElicitation>, Error> {
        let handler = self.settings.handler.clone().ok_or_else(|| Error::InvalidElicitationUrl("no handler".into()))?;
        let parsed = web_sys::Url::new(url).map_err(|_| Error::InvalidElicitationUrl(format!("\"{url}\" is not a URL")))?;
        let protocol = parsed.protocol();
        let hostname = parsed.hostname();
        let facts = UrlFacts {
            protocol: &protocol,
            hostname: &hostname,
            has_credentials: !parsed.username().is_empty() || !parsed.password().is_empty(),
        };
        let host = check_url(&facts)?;
        self.guard.borrow_mut().admit(&parsed.href(), now_ms())?;

        let mut allowed = vec![parsed.origin()];
        allowed.extend(self.settings.completion_origins.iter().cloned());
        let e = Rc::new(UrlElicitation {
            url: parsed.href(),
            id: id.clone(),
            watch_config: RefCell::new(Some(WatchConfig {
                allowed_origins: allowed,
                expected_id: id.clone(),
                timeout_ms: self.settings.timeout_ms,
                closed_grace_ms: self.settings.closed_grace_ms,
            })),
            consent: Slot::default(),
            completion: Slot::default(),
            settled: Slot::default(),
            popup: RefCell::default(),
            watch: RefCell::default(),
            result: RefCell::default(),
            open_waiters: RefCell::default(),
            settled_signal: web_sys::AbortController::new().map_err(|_| Error::InvalidElicitationUrl("AbortController is unavailable".into()))?,
        });
        self.pending.borrow_mut().push(e.clone());

        // Settle once: stop watching, answer open() callers, and forget the elicitation.
        let (this, el, busy) = (self.clone(), e.clone(), Busy::new(&self.busy));
        spawn_local(async move {
            let outcome = el.completion.wait().await;
            drop(busy);
            el.watch.borrow_mut().take();
            el.consent.complete(Consent::Cancelled);
            this.pending.borrow_mut().retain(|p| !Rc::ptr_eq(p, &el));
            *el.result.borrow_mut() = Some(outcome.clone());
            for (resolve, reject) in el.open_waiters.borrow_mut().drain(..) {
                settle_promise(&resolve, &reject, &outcome);
            }
            el.settled_signal.abort();
            el.settled.complete(outcome);
        });

        let warnings: Array = host.warnings.iter().map(|w| JsValue::from_str(w.as_str())).collect();
        let req = object(&[
            ("mode", "url".into()),
            ("server", server.clone()),
            ("message", message.into()),
            ("url", e.url.clone().into()),
            ("host", host.display.into()),
            ("registrableDomain", host.registrable_domain.into()),
            ("warnings", warnings.into()),
        ]);
        if let Some(id) = &id {
            set(&req, "elicitationId", &id.into());
        }
        set(&req, "signal", &e.settled_signal.signal());
        set(&req, "delivery", &delivery.as_str().into());
        let el = e.clone();
        set(&req, "open", &Closure::<dyn FnMut() -> Promise>::new(move || el.open()).into_js_value());
        for (name, consent, status) in [
            ("decline", Some(Consent::Declined), CompletionStatus::Cancelled),
            ("cancel", Some(Consent::Cancelled), CompletionStatus::Cancelled),
            ("done", None, CompletionStatus::Done),
        ] {
            let el = e.clone();
            let f = Closure::<dyn FnMut()>::new(move || {
                el.consent.complete(consent.unwrap_or(Consent::Accepted));
                el.completion.complete(Ok((status, Via::Manual)));
            });
            set(&req, name, &f.into_js_value());
        }

        // The handler's own answer counts when it refuses (or throws).
        let el = e.clone();
        spawn_local(async move {
            let answer = match handler.call1(&JsValue::UNDEFINED, &req) {
                Ok(v) => settled(&Promise::resolve(&v)).await,
                Err(e) => Err(e),
            };
            let refusal = match answer {
                Ok(v) => match get(&v, "action").as_string().as_deref() {
                    Some("decline") => Some(Consent::Declined),
                    Some("cancel") => Some(Consent::Cancelled),
                    _ => None,
                },
                Err(_) => Some(Consent::Cancelled),
            };
            if let Some(consent) = refusal {
                el.consent.complete(consent);
                el.completion.complete(Ok((CompletionStatus::Cancelled, Via::Manual)));
            }
        });
        Ok(e)
    }

    /// Answers a server's `elicitation/create` in URL mode: `accept` once the user consented
    /// and the popup opened; completion is then the server's business (and the UI's).
    pub async fn answer_request(self: &Rc<Self>, server: &JsValue, params: &JsValue) -> Result<String, Error> {
        let (message, url, id) = url_fields(params)?;
        let e = self.start(server, &message, &url, id, Delivery::Request)?;
        let consent = e.consent.wait().await;
        Ok(format!(r#"{{"action":"{}"}}"#, consent.action()))
    }

    /// Satisfies one elicitation of a `-32042` error (or an MRTR URL request): returns once
    /// the user completed it. Aborting `signal` (the call's) ends it at once.
    pub async fn satisfy(
        self: &Rc<Self>,
        server: &JsValue,
        elicitation: &JsValue,
        signal: Option<&web_sys::AbortSignal>,
        delivery: Delivery,
    ) -> Result<(), Error> {
        let (message, url, id) = url_fields(elicitation)?;
        if let Some(s) = signal.filter(|s| s.aborted()) {
            return Err(Error::Cancelled { reason: crate::web::fetch::describe(&s.reason()) });
        }
        let e = self.start(server, &message, &url, id, delivery)?;
        let _abort = signal.map(|s| {
            let (el, sig) = (e.clone(), s.clone());
            crate::web::listener::EventListener::new(s, "abort", move |_| {
                el.consent.complete(Consent::Cancelled);
                el.completion.complete(Err(Error::Cancelled { reason: crate::web::fetch::describe(&sig.reason()) }));
            })
        });
        let consent = e.consent.wait().await;
        if consent != Consent::Accepted {
            // An abort, a timeout or the client closing also land here: report those as such.
            if let Err(err) = e.settled.wait().await {
                return Err(err);
            }
            return Err(Error::ElicitationDeclined { action: consent.action().into() });
        }
        match e.settled.wait().await? {
            (CompletionStatus::Done, _) => Ok(()),
            (CompletionStatus::Cancelled, _) => Err(Error::ElicitationDeclined { action: "cancel".into() }),
        }
    }

    /// The request object of a form-mode elicitation, with defaults and `validate`.
    pub fn form_request(server: &JsValue, params: &JsValue) -> JsValue {
        let schema = get(params, "requestedSchema");
        let schema_val = to_val(&schema);
        let defaults = Object::new();
        for (key, value) in form::defaults(&schema_val) {
            set_named(&defaults, &key, &from_val(&value));
        }
        let req = object(&[
            ("mode", "form".into()),
            ("server", server.clone()),
            ("message", get(params, "message")),
            ("requestedSchema", schema),
            ("defaults", defaults.into()),
        ]);
        let validate = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |content: JsValue| {
            let list: Array = form::validate(&schema_val, &to_val(&content))
                .into_iter()
                .map(|v| object(&[("field", v.field.into()), ("message", v.message.into())]))
                .collect();
            list.into()
        });
        set(&req, "validate", &validate.into_js_value());
        req
    }

    /// Checks a form answer against the schema before it is sent.
    pub fn check_form_answer(params: &JsValue, answer: &JsValue) -> Result<(), Error> {
        if get(answer, "action").as_string().as_deref() != Some("accept") {
            return Ok(());
        }
        let content = get(answer, "content");
        let content = if content.is_undefined() { Object::new().into() } else { content };
        let violations = form::validate(&to_val(&get(params, "requestedSchema")), &to_val(&content));
        if violations.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidElicitationContent(violations))
        }
    }
}

impl UrlElicitation {
    /// `req.open()`: opens the popup now, inside the caller's click.
    fn open(self: &Rc<Self>) -> Promise {
        if let Some(outcome) = self.result.borrow().clone() {
            return promise_of(&outcome);
        }
        let existing = self.popup.borrow().clone().filter(|w| !w.closed().unwrap_or(true));
        match existing {
            Some(w) => {
                let _ = w.focus();
            }
            None => {
                let w = match popup::open(&self.url) {
                    Ok(w) => w,
                    Err(e) => return Promise::reject(&to_js(&e)),
                };
                self.consent.complete(Consent::Accepted);
                let config = self.watch_config.borrow_mut().take();
                if let Some(config) = config {
                    *self.watch.borrow_mut() = Some(popup::watch(&w, config, self.completion.clone()));
                }
                *self.popup.borrow_mut() = Some(w);
            }
        }
        let this = self.clone();
        Promise::new(&mut move |resolve, reject| this.open_waiters.borrow_mut().push((resolve, reject)))
    }
}

fn url_fields(params: &JsValue) -> Result<(String, String, Option<String>), Error> {
    let url = get(params, "url").as_string().ok_or_else(|| Error::InvalidElicitationUrl("the elicitation has no url".into()))?;
    let message = get(params, "message").as_string().unwrap_or_default();
    Ok((message, url, get(params, "elicitationId").as_string()))
}

fn outcome_object(status: CompletionStatus, via: Via) -> JsValue {
    let status = match status {
        CompletionStatus::Done => "done",
        CompletionStatus::Cancelled => "cancelled",
    };
    object(&[("status", status.into()), ("via", via.as_str().into())])
}

fn settle_promise(resolve: &Function, reject: &Function, outcome: &Outcome) {
    let _ = match outcome {
        Ok((status, via)) => resolve.call1(&JsValue::UNDEFINED, &outcome_object(*status, *via)),
        Err(e) => reject.call1(&JsValue::UNDEFINED, &to_js(e)),
    };
}

fn promise_of(outcome: &Outcome) -> Promise {
    match outcome {
        Ok((status, via)) => Promise::resolve(&outcome_object(*status, *via)),
        Err(e) => Promise::reject(&to_js(e)),
    }
}

fn from_val(v: &Val) -> JsValue {
    match v {
        Val::Null => JsValue::NULL,
        Val::Bool(b) => (*b).into(),
        Val::Num(n) => (*n).into(),
        Val::Str(s) => s.into(),
        Val::Arr(items) => items.iter().map(from_val).collect::<Array>().into(),
        Val::Obj(fields) => {
            let o = Object::new();
            for (k, v) in fields {
                set_named(&o, k, &from_val(v));
            }
            o.into()
        }
    }
}
