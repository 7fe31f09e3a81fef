//! `auth_link` for the bundled build (the `oauth-bundled` feature, `pkg/full/`): OAuth is in the
//! client's own module and called directly, for apps that know they use `auth` and would rather
//! load one module than two (the two share their runtime, which two modules cannot).

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::Response;

use super::fetch::Fetcher;
use super::oauth::{Attempts, Authorizer, Settings};
use crate::core::auth::BearerHint;
use crate::core::error::Error;

/// One server's credentials; see `web::oauth::Authorizer`.
pub struct AuthLink(Rc<Authorizer>);

impl AuthLink {
    pub async fn open(auth: &JsValue, fetch: &JsValue, url: &str, closed_grace_ms: u32, fallback: &JsValue) -> Result<AuthLink, Error> {
        let settings = Settings::from_js(auth, closed_grace_ms, fallback.clone())?;
        Ok(AuthLink(Authorizer::new(settings, Fetcher::new(fetch.clone().dyn_into().ok()), url)))
    }

    pub fn bearer(&self) -> (u32, Option<String>) {
        self.0.bearer()
    }

    pub async fn credentials(&self, method: &str, url: &str) -> Result<Vec<(&'static str, String)>, Error> {
        self.0.credentials(method, url).await
    }

    pub fn observe(&self, url: &str, response: &Response) {
        self.0.observe(url, response);
    }

    pub async fn prepare(&self) {
        self.0.prepare().await;
    }

    pub async fn recover(&self, generation: u32, status: u16, hint: &Option<BearerHint>, spent: &mut u32) -> Result<bool, Error> {
        let mut attempts = Attempts::unpack(*spent);
        let again = self.0.recover(generation, status, hint.clone(), &mut attempts).await?;
        *spent = attempts.pack();
        Ok(again)
    }

    pub fn sign_out(&self) {
        self.0.sign_out();
    }
}

pub async fn complete(auth: &JsValue, fallback: &JsValue, url: &str) -> Result<String, Error> {
    let settings = Settings::from_js(auth, 0, fallback.clone())?;
    Authorizer::complete(settings, Fetcher::new(None), url).await
}
