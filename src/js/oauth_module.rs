//! The OAuth module's surface (the `oauth-module` feature: a second, separately loaded wasm
//! module, `oauth/mcp_web_client_oauth.js`). Only the client module calls it, through
//! `web::auth_link`, when an app passes the `auth` option: apps without it never download it.
//! Values cross as plain JS: the options object, a token generation and token, a Bearer hint as
//! an array, the retry budget as a number, errors as `McpError`s the client module carries on.

use std::rc::Rc;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

use super::error::{invalid_argument, to_js};
use super::value::{get, promise};
use crate::core::auth::BearerHint;
use crate::web::fetch::Fetcher;
use crate::web::oauth::{Attempts, Authorizer, Settings, Store};

#[wasm_bindgen]
pub struct OAuthSession(Rc<Authorizer>);

#[wasm_bindgen]
impl OAuthSession {
    /// `auth` is the app's option as given; `fallback` answers `onAuthorization` when the app
    /// set none (the client's dialog), else `undefined`.
    #[wasm_bindgen(constructor)]
    pub fn new(auth: JsValue, fetch: JsValue, url: String, closed_grace_ms: u32, fallback: JsValue) -> Result<OAuthSession, JsValue> {
        let settings = settings(&auth, closed_grace_ms, fallback)?;
        Ok(OAuthSession(Authorizer::new(settings, Fetcher::new(fetch.dyn_into().ok()), &url)))
    }

    /// `[generation, token | undefined]`.
    pub fn bearer(&self) -> Array {
        let (generation, token) = self.0.bearer();
        Array::of2(&generation.into(), &token.map_or(JsValue::UNDEFINED, Into::into))
    }

    /// The credential headers of a `method` request to `url`, as `[name, value, …]`.
    pub fn credentials(&self, method: String, url: String) -> Promise {
        let auth = self.0.clone();
        promise(async move {
            let headers = auth.credentials(&method, &url).await.map_err(|e| to_js(&e))?;
            Ok(headers.into_iter().flat_map(|(k, v)| [JsValue::from(k), v.into()]).collect::<Array>().into())
        })
    }

    pub fn observe(&self, url: &str, response: &web_sys::Response) {
        self.0.observe(url, response);
    }

    pub fn prepare(&self) -> Promise {
        let auth = self.0.clone();
        promise(async move {
            auth.prepare().await;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Resolves with the request's new budget (send it again) or -1 (the refusal stands).
    pub fn recover(&self, generation: u32, status: u16, hint: JsValue, spent: u32) -> Promise {
        let auth = self.0.clone();
        promise(async move {
            let mut spent = Attempts::unpack(spent);
            let again = auth.recover(generation, status, hint_from_js(&hint), &mut spent).await.map_err(|e| to_js(&e))?;
            Ok(if again { spent.pack().into() } else { (-1).into() })
        })
    }

    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self) {
        self.0.sign_out();
    }
}

/// Redirect mode, on the return page: see `McpClient.completeAuthorization`. Resolves with the
/// server's URL.
#[wasm_bindgen(js_name = completeAuthorization)]
pub fn complete_authorization(auth: JsValue, fallback: JsValue, url: String) -> Promise {
    promise(async move {
        let settings = settings(&auth, 0, fallback)?;
        Authorizer::complete(settings, Fetcher::new(None), &url).await.map(JsValue::from).map_err(|e| to_js(&e))
    })
}

/// The hint as `web::auth_link` sends it: `[resourceMetadata, scope, error, errorDescription, dpop]`.
fn hint_from_js(v: &JsValue) -> Option<BearerHint> {
    let a: &Array = v.dyn_ref()?;
    Some(BearerHint {
        resource_metadata: a.get(0).as_string(),
        scope: a.get(1).as_string(),
        error: a.get(2).as_string(),
        error_description: a.get(3).as_string(),
        dpop: a.get(4).is_truthy(),
    })
}

/// The `auth` option: `{ onAuthorization, redirectUri, clientId?, clientSecret?, clientName?, clientMetadataUrl?, timeoutMs?, storage?, mode? }`.
fn settings(a: &JsValue, closed_grace_ms: u32, fallback: JsValue) -> Result<Settings, JsValue> {
    let string = |k: &str| get(a, k).as_string();
    let on_authorization = match get(a, "onAuthorization") {
        f if f.is_undefined() && fallback.is_function() => fallback.unchecked_into(),
        f => f.dyn_into::<Function>().map_err(|_| invalid_argument("auth.onAuthorization must be a function (or set elicitationUi: \"dialog\")"))?,
    };
    let redirect_uri = string("redirectUri")
        .filter(|u| web_sys::Url::new(u).is_ok())
        .ok_or_else(|| invalid_argument("auth.redirectUri must be the absolute URL of the page that runs oauth-callback.js"))?;
    let redirect = match string("mode").as_deref() {
        None | Some("popup") => false,
        Some("redirect") => true,
        Some(_) => return Err(invalid_argument("auth.mode must be \"popup\" or \"redirect\"")),
    };
    let store = match get(a, "storage") {
        v if v.is_undefined() || v.as_string().as_deref() == Some("memory") => None,
        v if v.as_string().as_deref() == Some("session") => {
            Some(Store::session().ok_or_else(|| invalid_argument("auth.storage \"session\": sessionStorage is not available here"))?)
        }
        v => Some(Store::custom(v).ok_or_else(|| invalid_argument("auth.storage must be \"memory\", \"session\" or an object with get, set and delete methods"))?),
    };
    if redirect && store.is_none() {
        return Err(invalid_argument("auth.mode \"redirect\" needs auth.storage (\"session\" or your own): the flow and the grant must outlive the page"));
    }
    let timeout_ms = match get(a, "timeoutMs").as_f64() {
        Some(ms) if ms.is_finite() && (0.0..=u32::MAX as f64).contains(&ms) => ms as u32,
        Some(_) => return Err(invalid_argument("timeouts are milliseconds between 0 (none) and 2^32-1")),
        None => 10 * 60 * 1000,
    };
    Ok(Settings {
        on_authorization,
        redirect,
        store,
        redirect_uri,
        client_id: string("clientId"),
        client_secret: string("clientSecret"),
        client_name: string("clientName").unwrap_or_else(|| "mcp-web-client".into()),
        client_metadata_url: string("clientMetadataUrl"),
        timeout_ms,
        closed_grace_ms,
    })
}
