//! The OAuth module's surface (the `oauth-module` feature: a second, separately loaded wasm
//! module, `oauth/mcp_web_client_oauth.js`). Only the client module calls it, through
//! `web::auth_link`, when an app passes the `auth` option: apps without it never download it.
//! Values cross as plain JS: the options object, a token generation and token, a Bearer hint as
//! an array, the retry budget as a number, errors as `McpError`s the client module carries on.

use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::error::to_js;
use super::value::promise;
use crate::core::auth::BearerHint;
use crate::web::fetch::Fetcher;
use crate::web::oauth::{Attempts, Authorizer, Settings};

#[wasm_bindgen]
pub struct OAuthSession(Rc<Authorizer>);

#[wasm_bindgen]
impl OAuthSession {
    /// `auth` is the app's option as given; `fallback` answers `onAuthorization` when the app
    /// set none (the client's dialog), else `undefined`.
    #[wasm_bindgen(constructor)]
    pub fn new(auth: JsValue, fetch: JsValue, url: String, closed_grace_ms: u32, fallback: JsValue) -> Result<OAuthSession, JsValue> {
        let settings = Settings::from_js(&auth, closed_grace_ms, fallback).map_err(|e| to_js(&e))?;
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
        let settings = Settings::from_js(&auth, 0, fallback).map_err(|e| to_js(&e))?;
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
