//! The client module's side of OAuth. The flows themselves (`web::oauth`, `core::oauth`, DPoP)
//! are built into a second wasm module, loaded by the first `connect` (or
//! `completeAuthorization`) that passes the `auth` option; apps that never do never fetch it.
//! This file is all the client module knows of it: the calls the connection makes per request.

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Response;

use crate::core::auth::BearerHint;
use crate::core::error::Error;
use crate::core::jsonrpc::RpcError;

// Inline snippets land in `snippets/<crate>-<hash>/`, two levels below the package root; the
// OAuth module is in `oauth/` there. Its glue's init() fetches its .wasm beside it (in Node,
// `node.js` has already instantiated it from disk, and init() returns at once).
#[wasm_bindgen(inline_js = "const load = () => import('../../oauth/mcp_web_client_oauth.js').then(async (m) => { await m.default(); return m; }); \
    export async function openOAuth(auth, fetch, url, grace, fallback) { return new (await load()).OAuthSession(auth, fetch, url, grace, fallback); } \
    export async function completeOAuth(auth, fallback, url) { return (await load()).completeAuthorization(auth, fallback, url); }")]
extern "C" {
    #[wasm_bindgen(js_name = openOAuth)]
    fn open_oauth(auth: &JsValue, fetch: &JsValue, url: &str, closed_grace_ms: u32, fallback: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = completeOAuth)]
    fn complete_oauth(auth: &JsValue, fallback: &JsValue, url: &str) -> Promise;

    type OAuthSession;
    #[wasm_bindgen(method)]
    fn bearer(this: &OAuthSession) -> Array;
    #[wasm_bindgen(method)]
    fn credentials(this: &OAuthSession, method: &str, url: &str) -> Promise;
    #[wasm_bindgen(method)]
    fn observe(this: &OAuthSession, url: &str, response: &Response);
    #[wasm_bindgen(method)]
    fn prepare(this: &OAuthSession) -> Promise;
    #[wasm_bindgen(method)]
    fn recover(this: &OAuthSession, generation: u32, status: u16, hint: &JsValue, spent: u32) -> Promise;
    #[wasm_bindgen(method, js_name = signOut)]
    fn sign_out(this: &OAuthSession);
}

/// One server's credentials, held by the OAuth module; see `web::oauth::Authorizer`.
pub struct AuthLink(OAuthSession);

impl AuthLink {
    /// Loads the OAuth module (once per page) and checks the `auth` option there.
    pub async fn open(auth: &JsValue, fetch: &JsValue, url: &str, closed_grace_ms: u32, fallback: &JsValue) -> Result<AuthLink, Error> {
        Ok(AuthLink(wait(open_oauth(auth, fetch, url, closed_grace_ms, fallback)).await?.unchecked_into()))
    }

    /// The generation of the current token and the token itself.
    pub fn bearer(&self) -> (u32, Option<String>) {
        let pair = self.0.bearer();
        (pair.get(0).as_f64().unwrap_or_default() as u32, pair.get(1).as_string())
    }

    /// The headers that present the current token on a `method` request to `url`.
    pub async fn credentials(&self, method: &str, url: &str) -> Result<Vec<(&'static str, String)>, Error> {
        let flat = Array::from(&wait(self.0.credentials(method, url)).await?);
        Ok((0..flat.length() / 2)
            .map(|i| {
                let name = if flat.get(2 * i).as_string().as_deref() == Some("DPoP") { "DPoP" } else { "Authorization" };
                (name, flat.get(2 * i + 1).as_string().unwrap_or_default())
            })
            .collect())
    }

    /// Notes the DPoP nonce a resource server's answer carries, if DPoP is in use.
    pub fn observe(&self, url: &str, response: &Response) {
        self.0.observe(url, response);
    }

    /// Before a request: a token about to expire is refreshed (never an error here).
    pub async fn prepare(&self) {
        let _ = wait(self.0.prepare()).await;
    }

    /// After a 401 or 403 to a request sent with token `generation`: whether to send it again.
    /// `spent` is the request's budget of retries, which the OAuth module counts.
    pub async fn recover(&self, generation: u32, status: u16, hint: &Option<BearerHint>, spent: &mut u32) -> Result<bool, Error> {
        let hint = match hint {
            None => JsValue::UNDEFINED,
            Some(h) => {
                let field = |v: &Option<String>| v.as_deref().map_or(JsValue::UNDEFINED, JsValue::from);
                let a = Array::of4(&field(&h.resource_metadata), &field(&h.scope), &field(&h.error), &field(&h.error_description));
                a.push(&h.dpop.into());
                a.into()
            }
        };
        let next = wait(self.0.recover(generation, status, &hint, *spent)).await?.as_f64().unwrap_or(-1.0);
        *spent = next as u32;
        Ok(next >= 0.0)
    }

    /// `client.signOut()`.
    pub fn sign_out(&self) {
        self.0.sign_out();
    }
}

/// Redirect mode's return page: the OAuth module checks the callback and keeps the grant.
pub async fn complete(auth: &JsValue, fallback: &JsValue, url: &str) -> Result<String, Error> {
    Ok(wait(complete_oauth(auth, fallback, url)).await?.as_string().unwrap_or_default())
}

/// A promise of the OAuth module; its rejection (an `McpError` there) becomes the same error
/// here. A module that failed to load at all is a network error.
async fn wait(p: Promise) -> Result<JsValue, Error> {
    super::promise::settled(&p).await.map_err(|e| {
        let field = |k: &str| Reflect::get(&e, &k.into()).unwrap_or(JsValue::UNDEFINED);
        let message = field("message").as_string().unwrap_or_else(|| "the OAuth module failed".into());
        match field("code").as_f64() {
            Some(code) => {
                let data = field("data");
                let data = (!data.is_undefined()).then(|| js_sys::JSON::stringify(&data).ok()).flatten().and_then(|s| s.as_string());
                Error::Relayed(RpcError { code: code as i64, message, data })
            }
            None => Error::Network(format!("the OAuth module did not load: {message}")),
        }
    })
}
