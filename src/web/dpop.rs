//! DPoP in the browser: the key (WebCrypto, made once per server connection, its private half
//! never extractable) and the nonces servers hand out. What a proof says is
//! [`crate::core::dpop`]'s.

use std::cell::RefCell;

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::Response;

use super::fetch;
use super::oauth::{random, sha256, unavailable};
use super::promise::settled;
use crate::core::dpop::{self as core, Claims};
use crate::core::error::Error;
use crate::core::oauth::base64url;

#[wasm_bindgen(module = "/src/web/browser.js")]
extern "C" {
    #[wasm_bindgen(js_name = dpopKey)]
    fn dpop_key() -> Promise;
    #[wasm_bindgen(js_name = dpopSign)]
    fn dpop_sign(key: &JsValue, input: &str) -> Promise;
}

pub struct Dpop {
    key: JsValue,
    header: String,
    /// The latest nonce of each server (by origin) that sent one.
    nonces: RefCell<Vec<(String, String)>>,
}

impl Dpop {
    pub async fn new() -> Result<Dpop, Error> {
        let made: Array = settled(&dpop_key()).await.map_err(|_| unavailable())?.unchecked_into();
        let coordinate = |i| made.get(i).as_string().unwrap_or_default();
        Ok(Dpop { key: made.get(0), header: core::header(&coordinate(1), &coordinate(2)), nonces: RefCell::default() })
    }

    /// A fresh proof for one request; `access_token` for a request to the resource server.
    pub async fn proof(&self, method: &str, url: &str, access_token: Option<&str>) -> Result<String, Error> {
        let ath = match access_token {
            Some(t) => Some(core::ath(&sha256(t.as_bytes()).await?)),
            None => None,
        };
        let nonce = {
            let nonces = self.nonces.borrow();
            nonces.iter().find(|(o, _)| o == core::origin(url)).map(|(_, n)| n.clone())
        };
        let jti = base64url(&random::<16>());
        let iat = (super::timer::now_ms() / 1000.0) as u64;
        let input = core::signing_input(&self.header, &Claims { jti: &jti, method, url, iat, ath: ath.as_deref(), nonce: nonce.as_deref() });
        let signature = settled(&dpop_sign(&self.key, &input)).await.map_err(|_| unavailable())?;
        Ok(core::proof(&input, &Uint8Array::new(&signature).to_vec()))
    }

    /// Keeps the `DPoP-Nonce` a server answered with, for its next proofs. Whether it is new:
    /// a request refused for want of a nonce is worth sending again only then.
    pub fn observe(&self, url: &str, response: &Response) -> bool {
        let Some(nonce) = core::nonce(fetch::header(response, "dpop-nonce")) else {
            return false;
        };
        let origin = core::origin(url);
        let mut nonces = self.nonces.borrow_mut();
        match nonces.iter_mut().find(|(o, _)| o == origin) {
            Some((_, n)) if *n == nonce => false,
            Some((_, n)) => {
                *n = nonce;
                true
            }
            None => {
                nonces.push((origin.to_owned(), nonce));
                true
            }
        }
    }
}
