//! OAuth in the browser: the requests discovery, registration and the token exchange need, the
//! WebCrypto for PKCE, and the popup that carries the authorization request to the user. What
//! each answer means is decided by [`crate::core::oauth`].

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent, Window};

use super::dpop::Dpop;
use super::promise::settled;
use crate::js::value::{get as field, millis, TIMEOUT_RANGE};
use super::fetch::{text, Fetcher, HttpRequest};
use super::json::{key, parse_object};
use super::listener::EventListener;
use super::popup::{self, Sight};
use super::slot::Slot;
use super::timer::{self, Interval, Timeout};
use crate::core::auth::{BearerHint, USE_DPOP_NONCE};
use crate::core::dpop;
use crate::core::error::{AuthFailure, Error};
use crate::core::oauth::{self as core, AuthServer, AuthorizeRequest, ClientAuth, Grant, PendingFlow, ProtectedResource};

/// The message type the callback page posts (`oauth-callback.js`), and its channel.
pub const CALLBACK_TYPE: &str = "mcp:oauth-callback";
pub const CALLBACK_CHANNEL: &str = "mcp:oauth";
const CLOSED_POLL_MS: u32 = 300;

/// The app's `auth` option.
pub struct Settings {
    pub on_authorization: Function,
    pub redirect_uri: String,
    pub client_id: Option<String>,
    /// Only for runtimes that can keep one (not a public web page).
    pub client_secret: Option<String>,
    pub client_name: String,
    pub client_metadata_url: Option<String>,
    pub timeout_ms: u32,
    pub closed_grace_ms: u32,
    /// Where grants are kept besides memory (`auth.storage`), if anywhere.
    pub store: Option<Store>,
    /// `mode: "redirect"`: `req.open()` sends the whole page to the authorization server; the
    /// page it comes back to calls `McpClient.completeAuthorization()`. Needs `store`.
    pub redirect: bool,
}

impl Settings {
    /// Reads the `auth` option: `{ onAuthorization, redirectUri, clientId?, clientSecret?, clientName?, clientMetadataUrl?, timeoutMs?, storage?, mode? }`.
    /// `fallback` answers `onAuthorization` when the app set none (the client's dialog).
    pub fn from_js(a: &JsValue, closed_grace_ms: u32, fallback: JsValue) -> Result<Settings, Error> {
        let bad = |why: &str| Error::InvalidArgument(why.into());
        let string = |k: &'static str| field(a, k).as_string();
        let on_authorization = match field(a, "onAuthorization") {
            f if f.is_undefined() && fallback.is_function() => fallback.unchecked_into(),
            f => f.dyn_into::<Function>().map_err(|_| bad("auth.onAuthorization must be a function (or set elicitationUi: \"dialog\")"))?,
        };
        let redirect_uri = string("redirectUri")
            .filter(|u| web_sys::Url::new(u).is_ok())
            .ok_or_else(|| bad("auth.redirectUri must be the absolute URL of the page that runs oauth-callback.js"))?;
        let redirect = match string("mode").as_deref() {
            None | Some("popup") => false,
            Some("redirect") => true,
            Some(_) => return Err(bad("auth.mode must be \"popup\" or \"redirect\"")),
        };
        let store = match field(a, "storage") {
            v if v.is_undefined() || v.as_string().as_deref() == Some("memory") => None,
            v if v.as_string().as_deref() == Some("session") => {
                Some(Store::session().ok_or_else(|| bad("auth.storage \"session\": sessionStorage is not available here"))?)
            }
            v => Some(Store::custom(v).ok_or_else(|| bad("auth.storage must be \"memory\", \"session\" or an object with get, set and delete methods"))?),
        };
        if redirect && store.is_none() {
            return Err(bad("auth.mode \"redirect\" needs auth.storage (\"session\" or your own): the flow and the grant must outlive the page"));
        }
        let timeout_ms = match field(a, "timeoutMs").as_f64() {
            Some(ms) => millis(ms).ok_or_else(|| bad(TIMEOUT_RANGE))?,
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
}

/// A place to keep grants across page loads: `sessionStorage`, or the app's own object. Its
/// methods may return promises. A store that throws is treated as empty: the user signs in.
#[derive(Clone)]
pub struct Store {
    target: JsValue,
    names: [&'static str; 3], // indexed by GET, SET, DELETE
}

const GET: usize = 0;
const SET: usize = 1;
const DELETE: usize = 2;

impl Store {
    /// `sessionStorage` (this tab, until it closes); unavailable in some sandboxed frames.
    pub fn session() -> Option<Store> {
        let target = Reflect::get(&js_sys::global(), &key("sessionStorage")).ok().filter(|s| s.is_object())?;
        Some(Store { target, names: ["getItem", "setItem", "removeItem"] })
    }

    /// The app's `{ get(key), set(key, value), delete(key) }`.
    pub fn custom(target: JsValue) -> Option<Store> {
        let store = Store { target, names: ["get", "set", "delete"] };
        store.names.iter().all(|n| Reflect::get(&store.target, &(*n).into()).is_ok_and(|f| f.is_function())).then_some(store)
    }

    async fn call(&self, which: usize, args: &[&str]) -> Option<JsValue> {
        let f: Function = Reflect::get(&self.target, &self.names[which].into()).ok()?.dyn_into().ok()?;
        let args: Array = args.iter().map(|a| JsValue::from_str(a)).collect();
        let v = f.apply(&self.target, &args).ok()?;
        match v.dyn_into::<Promise>() {
            Ok(p) => settled(&p).await.ok(),
            Err(v) => Some(v),
        }
    }
}

#[wasm_bindgen(module = "/src/web/browser.js")]
extern "C" {
    fn acquire(name: &str) -> Promise;
}

/// A Web Lock this tab holds until the value is dropped.
struct Held(Option<Function>);

impl Held {
    async fn acquire(name: &str) -> Held {
        Held(settled(&acquire(name)).await.ok().and_then(|f| f.dyn_into().ok()))
    }

    /// Whether another tab held the lock before this one.
    fn waited(&self) -> bool {
        self.0.as_ref().is_some_and(|f| Reflect::get(f, &key("waited")).is_ok_and(|w| w.is_truthy()))
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(release) = self.0.take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &Uint8Array);
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = digest, catch)]
    fn digest(algorithm: &str, data: &Uint8Array) -> Result<Promise, JsValue>;
}

pub(super) fn random<const N: usize>() -> [u8; N] {
    let buf = Uint8Array::new_with_length(N as u32);
    get_random_values(&buf);
    let mut out = [0u8; N];
    buf.copy_to(&mut out);
    out
}

pub(super) async fn sha256(data: &[u8]) -> Result<[u8; 32], Error> {
    let promise = digest("SHA-256", &Uint8Array::from(data)).map_err(|_| unavailable())?;
    let buffer = settled(&promise).await.map_err(|_| unavailable())?;
    let mut out = [0u8; 32];
    Uint8Array::new(&buffer).copy_to(&mut out);
    Ok(out)
}

pub(super) fn unavailable() -> Error {
    discovery("crypto.subtle is unavailable (it needs a secure context: https or localhost)")
}

fn discovery(why: &str) -> Error {
    Error::Authorization(AuthFailure::Discovery(why.into()))
}

/// How many times one request may be sent again because the resource server asked for a new
/// DPoP nonce (it may rotate them; more than this is a server that never accepts one).
const MAX_NONCE_RETRIES: u32 = 2;
/// How many times one request may step up its scopes after `insufficient_scope` before the
/// 403 reaches the caller (the spec asks for a bound; the conformance suite allows 3 attempts).
const MAX_STEP_UPS: u32 = 2;
/// A token this close to its expiry is refreshed before it is sent.
const EXPIRY_MARGIN_MS: f64 = 30_000.0;

/// How long a tab that waited for the refresh lock watches the store for the other tab's grant.
const STALE_READ_TRIES: u32 = 20;
const STALE_READ_WAIT_MS: u32 = 25;

/// One server's credentials, shared by every request of its connection. Tokens live in memory
/// (and in the app's store, if it gave one), for this server (its URL is covered by the
/// resource they were asked for), never sent elsewhere.
pub struct Authorizer {
    settings: Settings,
    fetcher: Fetcher,
    server_url: String,
    state: RefCell<AuthState>,
    /// Whether the store has been read (once, before the first request).
    loaded: Cell<bool>,
    /// The DPoP key, made when the first authorization server that offers DPoP is met.
    dpop: RefCell<Option<Rc<Dpop>>>,
}

#[derive(Default)]
struct AuthState {
    grant: Option<Grant>,
    /// Bumped whenever the token changes: a request that failed with an older token just
    /// retries instead of asking again.
    generation: u32,
    /// Set while a flow runs: the requests that wait for its outcome (one flow at a time).
    waiters: Option<Vec<Slot<Result<(), Error>>>>,
}

/// What one request has spent on authorization, so that a server that keeps refusing ends in
/// an error instead of a loop.
#[derive(Default)]
pub struct Attempts {
    reauthorized: bool,
    step_ups: u32,
    nonces: u32,
}

impl Attempts {
    /// As one number, for the client module that carries it from retry to retry.
    pub fn pack(&self) -> u32 {
        self.reauthorized as u32 | self.step_ups.min(0xff) << 1 | self.nonces.min(0xff) << 9
    }

    pub fn unpack(bits: u32) -> Attempts {
        Attempts { reauthorized: bits & 1 == 1, step_ups: bits >> 1 & 0xff, nonces: bits >> 9 & 0xff }
    }
}

impl Authorizer {
    pub fn new(settings: Settings, fetcher: Fetcher, server_url: &str) -> Rc<Authorizer> {
        Rc::new(Authorizer {
            settings,
            fetcher,
            server_url: server_url.to_owned(),
            state: RefCell::default(),
            loaded: Cell::new(false),
            dpop: RefCell::default(),
        })
    }

    /// The generation of the current token and the token itself.
    pub fn bearer(&self) -> (u32, Option<String>) {
        let st = self.state.borrow();
        (st.generation, st.grant.as_ref().map(|g| g.access_token.clone()))
    }

    /// The headers that present the current token on a `method` request to `url`: `Bearer`, or
    /// `DPoP` with a fresh proof when the token is bound to our key.
    pub async fn credentials(&self, method: &str, url: &str) -> Result<Vec<(&'static str, String)>, Error> {
        let Some((token, bound)) = self.state.borrow().grant.as_ref().map(|g| (g.access_token.clone(), g.dpop_bound)) else { return Ok(Vec::new()) };
        let key = self.dpop.borrow().clone().filter(|_| bound);
        Ok(match key {
            Some(key) => vec![("DPoP", key.proof(method, url, Some(&token)).await?), ("Authorization", format!("DPoP {token}"))],
            None => vec![("Authorization", format!("Bearer {token}"))],
        })
    }

    /// Notes the DPoP nonce a resource server's answer carries, if we use DPoP.
    pub fn observe(&self, url: &str, response: &web_sys::Response) {
        if let Some(key) = self.dpop.borrow().as_ref() {
            key.observe(url, response);
        }
    }

    /// The DPoP key, made on first use.
    async fn dpop_key(&self) -> Result<Rc<Dpop>, Error> {
        if let Some(key) = self.dpop.borrow().clone() {
            return Ok(key);
        }
        let key = Rc::new(Dpop::new().await?);
        Ok(self.dpop.borrow_mut().get_or_insert(key).clone())
    }

    /// `client.signOut()`: the token is forgotten; the next request that needs one asks again.
    pub fn sign_out(&self) {
        let mut st = self.state.borrow_mut();
        st.grant = None;
        st.generation += 1;
        if let Some(store) = self.settings.store.clone() {
            let key = core::store_key(&self.server_url);
            wasm_bindgen_futures::spawn_local(async move {
                store.call(DELETE, &[&key]).await;
            });
        }
    }

    /// The grant the store keeps for this server, if it has a usable one.
    async fn stored(&self, store: &Store) -> Option<Grant> {
        let text = store.call(GET, &[&core::store_key(&self.server_url)]).await.and_then(|v| v.as_string());
        let mut grant = core::decode_grant(parse_object(&text?).as_ref(), &self.server_url)?;
        grant.secret = self.settings.client_secret.clone();
        Some(grant)
    }

    /// Keeps a new grant in the store, if there is one.
    async fn save(&self, grant: &Grant) {
        let Some(store) = &self.settings.store else { return };
        let key = core::store_key(&self.server_url);
        // A grant bound to a DPoP key is useless without the key, which cannot be stored.
        match grant.dpop_proofs {
            false => store.call(SET, &[&key, &core::encode_grant(grant)]).await,
            true => store.call(DELETE, &[&key]).await,
        };
    }

    /// The grant the store kept for this server, once, before the first request.
    async fn load(&self) {
        let Some(store) = self.settings.store.as_ref().filter(|_| !self.loaded.replace(true)) else { return };
        let Some(grant) = self.stored(store).await else { return };
        let mut st = self.state.borrow_mut();
        if st.grant.is_none() {
            st.grant = Some(grant);
            st.generation += 1;
        }
    }

    /// Before a request: a token about to expire is refreshed, without the user. A failed
    /// refresh is not an error here: the token is used while it lasts, and the server's 401
    /// that follows tries the refresh once more, then a new authorization.
    pub async fn prepare(self: &Rc<Self>) {
        self.load().await;
        let (generation, expiring) = {
            let st = self.state.borrow();
            let expiring = st.grant.as_ref().is_some_and(|g| g.refresh_token.is_some() && g.expires_at.is_some_and(|t| t - timer::now_ms() < EXPIRY_MARGIN_MS));
            (st.generation, expiring)
        };
        if expiring && self.renew(generation, 401, None, false).await.is_err() {
            // Not before every request: one failed refresh per grant is enough.
            let mut st = self.state.borrow_mut();
            if st.generation == generation {
                if let Some(g) = st.grant.as_mut() {
                    g.expires_at = None;
                }
            }
        }
    }

    /// After a 401 or 403 to a request sent with token `generation`: whether to send it again
    /// (with a token obtained now, or one another request obtained meanwhile). `Ok(false)` when
    /// this request has had its share and the refusal should reach the caller.
    pub async fn recover(self: &Rc<Self>, generation: u32, status: u16, hint: Option<BearerHint>, spent: &mut Attempts) -> Result<bool, Error> {
        // A DPoP resource server that wants a nonce: its answer carried one, so send again.
        if status == 401 && hint.as_ref().is_some_and(|h| h.error.as_deref() == Some(USE_DPOP_NONCE)) && self.dpop.borrow().is_some() {
            spent.nonces += 1;
            return Ok(spent.nonces <= MAX_NONCE_RETRIES);
        }
        let allowed = match status {
            401 => !spent.reauthorized,
            _ => spent.step_ups < MAX_STEP_UPS,
        };
        if !allowed {
            return Ok(false);
        }
        if self.renew(generation, status, hint, true).await? {
            match status {
                401 => spent.reauthorized = true,
                _ => spent.step_ups += 1,
            }
        }
        Ok(true)
    }

    /// One flow at a time: the first caller runs it, the others wait for its outcome. Returns
    /// whether this call obtained a token (`false`: a newer one was already there).
    async fn renew(self: &Rc<Self>, generation: u32, status: u16, hint: Option<BearerHint>, interactive: bool) -> Result<bool, Error> {
        let waiting = {
            let mut st = self.state.borrow_mut();
            if st.generation != generation {
                return Ok(false);
            }
            match &mut st.waiters {
                Some(waiters) => {
                    let slot = Slot::default();
                    waiters.push(slot.clone());
                    Some(slot)
                }
                None => {
                    st.waiters = Some(Vec::new());
                    None
                }
            }
        };
        if let Some(slot) = waiting {
            return slot.wait().await.map(|()| false);
        }
        let outcome = self.obtain(status, hint.as_ref(), interactive).await;
        let waiters = {
            let mut st = self.state.borrow_mut();
            if let Ok(grant) = &outcome {
                st.grant = Some(grant.clone());
                st.generation += 1;
            }
            st.waiters.take().unwrap_or_default()
        };
        let result = outcome.map(|_| ());
        for w in waiters {
            w.complete(result.clone());
        }
        result.map(|()| true)
    }

    /// A 401 with a refresh token tries the refresh first; a 403 asks for the scopes it lacks
    /// on top of those granted (a step-up); everything else is a new authorization.
    /// The new grant is saved before it is returned.
    async fn obtain(&self, status: u16, hint: Option<&BearerHint>, interactive: bool) -> Result<Grant, Error> {
        let old = self.state.borrow().grant.clone();
        if let Some(old) = old.as_ref().filter(|g| status == 401 && g.refresh_token.is_some()) {
            match self.refresh_shared(old).await {
                Ok(grant) => return Ok(grant),
                Err(e) if !interactive => return Err(e),
                Err(_) => {}
            }
        }
        let granted = old.filter(|_| status == 403).and_then(|g| g.scope);
        let grant = self.authorize(hint, granted.as_deref()).await?;
        self.save(&grant).await;
        Ok(grant)
    }

    /// A refresh that tabs sharing the store do one at a time (Web Locks): a refresh token may
    /// be good for one use only, so a tab that finds the store holding a newer grant than its
    /// own (another tab refreshed meanwhile) takes that one instead of refreshing again.
    async fn refresh_shared(&self, old: &Grant) -> Result<Grant, Error> {
        let Some(store) = &self.settings.store else { return self.refresh(old).await };
        let held = Held::acquire(&core::store_key(&self.server_url)).await;
        // The tab that held the lock may have just saved a new grant, and a localStorage write
        // reaches other tabs a moment later (Chromium keeps a copy per process): wait for it
        // a little before spending the refresh token a second time.
        let tries = if held.waited() { STALE_READ_TRIES } else { 1 };
        for i in 0..tries {
            if let Some(newer) = self.stored(store).await.filter(|g| g.access_token != old.access_token) {
                return Ok(newer);
            }
            if i + 1 < tries {
                timer::sleep(STALE_READ_WAIT_MS).await;
            }
        }
        let grant = self.refresh(old).await?;
        self.save(&grant).await;
        Ok(grant)
    }

    /// The whole flow for the server: metadata, a client id, the user's consent and the popup,
    /// the code for a token.
    async fn authorize(&self, hint: Option<&BearerHint>, granted: Option<&str>) -> Result<Grant, Error> {
        let (settings, fetcher) = (&self.settings, &self.fetcher);
        let server = web_sys::Url::new(&self.server_url).map_err(|_| discovery("the server URL does not parse"))?;
        let (origin, href) = (server.origin(), server.href());
        let prm = protected_resource(fetcher, hint.and_then(|h| h.resource_metadata.as_deref()), &origin, &server.pathname(), &href).await?;
        // Without resource metadata (servers of the 2025-03-26 era) the server's origin is the issuer.
        let issuer = prm.as_ref().map_or_else(|| origin.clone(), |p| p.authorization_servers[0].clone());
        let resource = prm.as_ref().map_or_else(|| href.clone(), |p| p.resource.clone());
        let meta = auth_server(fetcher, &issuer, prm.is_none()).await?;
        let scopes = prm.as_ref().map(|p| p.scopes_supported.clone()).unwrap_or_default();
        let scope = core::select_scope(hint.and_then(|h| h.scope.as_deref()), &scopes, granted);
        let scope = core::with_offline_access(scope, &meta.scopes_supported);
        let (client_id, secret) = client_id(settings, fetcher, &meta, scope.as_deref()).await?;

        let verifier = core::code_verifier(&random::<32>());
        let challenge = core::code_challenge(&sha256(verifier.as_bytes()).await?);
        let state = core::base64url(&random::<16>());
        let url = core::authorize_url(&AuthorizeRequest {
            authorization_endpoint: &meta.authorization_endpoint,
            client_id: &client_id,
            redirect_uri: &settings.redirect_uri,
            code_challenge: &challenge,
            state: &state,
            scope: scope.as_deref(),
            resource: &resource,
        });
        // DPoP only when both ends take it: the AS offers ES256, and the resource server sent a
        // DPoP challenge or lists ES256 in its metadata (an AS's DPoP says nothing of the
        // servers its tokens go to). In redirect mode the key would not outlive the page.
        let rs_dpop = hint.is_some_and(|h| h.dpop) || prm.as_ref().is_some_and(|p| dpop::offered(&p.dpop_signing_alg_values_supported));
        let use_dpop = !settings.redirect && rs_dpop && dpop::offered(&meta.dpop_signing_alg_values_supported);
        let grant = Grant {
            access_token: String::new(),
            refresh_token: None,
            expires_at: None,
            scope,
            token_endpoint: meta.token_endpoint.clone(),
            how: core::client_auth(&meta.token_endpoint_auth_methods_supported, secret.is_some()),
            client_id,
            secret,
            resource,
            dpop_proofs: use_dpop,
            dpop_bound: false,
        };
        let flow = PendingFlow {
            server_url: self.server_url.clone(),
            issuer: meta.issuer.clone(),
            iss_supported: meta.authorization_response_iss_parameter_supported,
            verifier,
            redirect_uri: settings.redirect_uri.clone(),
            grant,
        };
        if let (true, Some(store)) = (settings.redirect, &settings.store) {
            store.call(SET, &[&core::pending_key(&state), &core::encode_pending(&flow)]).await;
        }
        let callback = ask_user(settings, &href, &meta.issuer, flow.grant.scope.as_deref(), &url, &state).await?;
        self.finish(flow, &callback, &state).await
    }

    /// The callback checked against the flow it answers (`state`, `iss`), and its code exchanged.
    async fn finish(&self, flow: PendingFlow, callback: &str, state: &str) -> Result<Grant, Error> {
        let query = web_sys::Url::new(callback).map(|u| u.search()).unwrap_or_default();
        let code = core::check_callback(&query, state, &flow.issuer, flow.iss_supported)?;
        let grant = flow.grant;
        let post_secret = grant.secret.as_deref().filter(|_| grant.how == ClientAuth::Post);
        let body = core::token_request_code(&code, &flow.redirect_uri, &grant.client_id, &flow.verifier, &grant.resource, post_secret);
        self.token(grant, &body).await
    }

    /// `McpClient.completeAuthorization()` on the page the authorization server sent the user
    /// back to (redirect mode): the flow its `state` names is taken from the store (once), the
    /// code exchanged, the grant saved for the next `connect()`. Returns the server's URL.
    pub async fn complete(settings: Settings, fetcher: Fetcher, callback: &str) -> Result<String, Error> {
        let refused = |why: &str| Error::Authorization(AuthFailure::Callback(why.into()));
        let store = settings.store.clone().ok_or_else(|| refused("no auth.storage to find the authorization in"))?;
        let query = web_sys::Url::new(callback).map(|u| u.search()).map_err(|_| refused("the callback URL does not parse"))?;
        let params = core::form_decode(&query);
        let state = params.iter().find(|(k, _)| k == "state").map(|(_, v)| v.clone()).ok_or_else(|| refused("the callback has no state"))?;
        let key = core::pending_key(&state);
        let text = store.call(GET, &[&key]).await.and_then(|v| v.as_string());
        store.call(DELETE, &[&key]).await;
        let mut flow = text.and_then(|t| core::decode_pending(parse_object(&t).as_ref())).ok_or_else(|| refused("no authorization of this client is waiting for this state"))?;
        flow.grant.secret = settings.client_secret.clone();
        let this = Authorizer::new(settings, fetcher, &flow.server_url);
        let grant = this.finish(flow, callback, &state).await?;
        this.save(&grant).await;
        Ok(this.server_url.clone())
    }

    /// A new access token from the refresh token (RFC 6749 §6), for the same resource.
    async fn refresh(&self, old: &Grant) -> Result<Grant, Error> {
        let mut body = core::token_request_refresh(old.refresh_token.as_deref().unwrap_or_default(), &old.client_id, &old.resource);
        if let (ClientAuth::Post, Some(secret)) = (old.how, &old.secret) {
            body.push('&');
            body.push_str(&core::form_encode(&[("client_secret", secret)]));
        }
        self.token(old.clone(), &body).await
    }

    /// Sends a token request and fills `grant` from the answer. A refresh that returns no new
    /// refresh token keeps the old one (RFC 6749 §6). With DPoP each request carries a proof, and
    /// an AS that answers `use_dpop_nonce` with a new nonce gets the request once more, signed
    /// with it (RFC 9449 §8).
    async fn token(&self, mut grant: Grant, body: &str) -> Result<Grant, Error> {
        let key = match grant.dpop_proofs {
            true => Some(self.dpop_key().await?),
            false => None,
        };
        let mut retried = false;
        let (status, doc) = loop {
            let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded".to_owned()), ("Accept", "application/json".to_owned())];
            if grant.how == ClientAuth::Basic {
                headers.push(("Authorization", core::basic_credentials(&grant.client_id, grant.secret.as_deref().unwrap_or_default())));
            }
            if let Some(key) = &key {
                headers.push(("DPoP", key.proof("POST", &grant.token_endpoint, None).await?));
            }
            let request = HttpRequest { method: "POST", url: &grant.token_endpoint, headers, body: Some(body.into()), signal: None };
            let response = self.fetcher.send(request).await?;
            let fresh_nonce = key.as_ref().is_some_and(|k| k.observe(&grant.token_endpoint, &response));
            let doc = parse_object(&text(&response).await?.as_string().unwrap_or_default());
            let wants_nonce = core::oauth_error(doc.as_ref()).is_some_and(|(e, _)| e == USE_DPOP_NONCE);
            if response.status() == 400 && wants_nonce && fresh_nonce && !retried {
                retried = true;
                continue;
            }
            break (response.status(), doc);
        };
        let tokens = core::parse_token_response(status, doc.as_ref(), key.is_some())?;
        grant.access_token = tokens.access_token;
        grant.refresh_token = tokens.refresh_token.or(grant.refresh_token);
        grant.expires_at = tokens.expires_in.map(|s| timer::now_ms() + s * 1000.0);
        grant.scope = tokens.scope.or(grant.scope);
        // The AS may answer a proof with a Bearer token (RFC 9449 §5): then it is used as one.
        grant.dpop_bound = tokens.token_type.eq_ignore_ascii_case("dpop");
        Ok(grant)
    }
}

async fn send(fetcher: &Fetcher, method: &'static str, url: &str, mut headers: Vec<(&str, String)>, body: Option<&str>) -> Result<(u16, String), Error> {
    headers.push(("Accept", "application/json".to_owned()));
    let response = fetcher.send(HttpRequest { method, url, headers, body: body.map(JsValue::from), signal: None }).await?;
    Ok((response.status(), text(&response).await?.as_string().unwrap_or_default()))
}

async fn get(fetcher: &Fetcher, url: &str) -> Result<(u16, String), Error> {
    send(fetcher, "GET", url, Vec::new(), None).await
}

/// The first Protected Resource Metadata document found, in the spec's order; `None` when no
/// candidate answers 200 (a server that predates RFC 9728). A document that answers but is not
/// for this server is an error, not a reason to look further.
async fn protected_resource(fetcher: &Fetcher, hint: Option<&str>, origin: &str, path: &str, href: &str) -> Result<Option<ProtectedResource>, Error> {
    for url in core::resource_metadata_urls(hint, origin, path) {
        match get(fetcher, &url).await {
            Ok((200, text)) => return core::parse_protected_resource(parse_object(&text).as_ref(), href).map(Some),
            Ok(_) | Err(Error::Network(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// `legacy`: the issuer is the MCP server's origin, guessed (no resource metadata): any issuer of
/// that origin is accepted, and without any metadata the 2025-03-26 default endpoints are used.
async fn auth_server(fetcher: &Fetcher, issuer: &str, legacy: bool) -> Result<AuthServer, Error> {
    let parsed = web_sys::Url::new(issuer).map_err(|_| discovery(&format!("the authorization server \"{issuer}\" is not a URL")))?;
    let mut tried = Vec::new();
    for url in core::authorization_server_metadata_urls(&parsed.origin(), &parsed.pathname()) {
        match get(fetcher, &url).await {
            Ok((200, text)) => return core::parse_auth_server(parse_object(&text).as_ref(), issuer, legacy),
            Ok((status, _)) => tried.push(format!("{url}: HTTP {status}")),
            Err(Error::Network(e)) => tried.push(format!("{url}: {e}")),
            Err(e) => return Err(e),
        }
    }
    if legacy {
        return Ok(core::default_auth_server(issuer));
    }
    Err(discovery(&format!("no authorization server metadata for {issuer} ({})", tried.join("; "))))
}

/// The client id, in the spec's order: pre-registered, a Client ID Metadata Document the AS
/// accepts, else Dynamic Client Registration.
async fn client_id(settings: &Settings, fetcher: &Fetcher, meta: &AuthServer, scope: Option<&str>) -> Result<(String, Option<String>), Error> {
    if let Some(id) = &settings.client_id {
        return Ok((id.clone(), settings.client_secret.clone()));
    }
    if let (true, Some(url)) = (meta.client_id_metadata_document_supported, &settings.client_metadata_url) {
        return Ok((url.clone(), None));
    }
    let Some(endpoint) = &meta.registration_endpoint else {
        return Err(Error::Authorization(AuthFailure::Registration {
            error: None,
            description: Some("the authorization server offers no registration endpoint: give auth.clientId".into()),
        }));
    };
    let body = core::registration_request(&settings.redirect_uri, &settings.client_name, None, scope);
    let (status, text) = send(fetcher, "POST", endpoint, vec![("Content-Type", "application/json".to_owned())], Some(&body)).await?;
    let r = core::parse_registration(status, parse_object(&text).as_ref())?;
    Ok((r.client_id, r.client_secret))
}

/// One authorization request waiting for the user: the popup (once opened) and its callback.
struct Pending {
    url: String,
    /// Redirect mode: `open()` navigates this page instead of opening a popup.
    redirect: bool,
    redirect_uri: String,
    state: String,
    closed_grace_ms: u32,
    callback: Slot<Result<String, Error>>,
    popup: RefCell<Option<Window>>,
    watch: RefCell<Option<Watch>>,
    /// The promises `req.open()` returned, settled with the flow (a [`Slot`] has one waiter).
    open_waiters: RefCell<Vec<(Function, Function)>>,
}

struct Watch {
    _message: Option<EventListener>,
    _channel: Option<(BroadcastChannel, EventListener)>,
    _poll: Interval,
    _grace: Rc<RefCell<Option<Timeout>>>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some((channel, _)) = &self._channel {
            channel.close();
        }
    }
}

/// Hands the request to the app's `onAuthorization` and waits for the callback page's URL.
async fn ask_user(settings: &Settings, server: &str, issuer: &str, scope: Option<&str>, url: &str, state: &str) -> Result<String, Error> {
    let pending = Rc::new(Pending {
        url: url.to_owned(),
        redirect: settings.redirect,
        redirect_uri: settings.redirect_uri.split(['?', '#']).next().unwrap_or_default().to_owned(),
        state: state.to_owned(),
        closed_grace_ms: settings.closed_grace_ms,
        callback: Slot::default(),
        popup: RefCell::default(),
        watch: RefCell::default(),
        open_waiters: RefCell::default(),
    });
    let req = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&req, &k.into(), v);
    };
    let server_obj = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&server_obj, &key("url"), &server.into());
    set("server", &server_obj);
    set("issuer", &issuer.into());
    let scopes: js_sys::Array = scope.unwrap_or_default().split_ascii_whitespace().map(JsValue::from_str).collect();
    set("scopes", &scopes);
    set("authorizationUrl", &url.into());
    let p = pending.clone();
    set("open", &Closure::<dyn FnMut() -> Promise>::new(move || p.open()).into_js_value());
    let p = pending.clone();
    set(
        "cancel",
        &Closure::<dyn FnMut()>::new(move || {
            p.callback.complete(Err(denied("the user cancelled")));
        })
        .into_js_value(),
    );
    let _timeout = (settings.timeout_ms > 0).then(|| {
        let (slot, ms) = (pending.callback.clone(), settings.timeout_ms);
        Timeout::new(ms, move || {
            slot.complete(Err(denied(&format!("not completed within {ms} ms"))));
        })
    });
    // A handler that throws or rejects ends the flow.
    match settings.on_authorization.call1(&JsValue::UNDEFINED, &req) {
        Err(e) => return Err(denied(&super::fetch::describe(&e))),
        Ok(v) => {
            if let Ok(p) = v.dyn_into::<Promise>() {
                let slot = pending.callback.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Err(e) = settled(&p).await {
                        slot.complete(Err(denied(&super::fetch::describe(&e))));
                    }
                });
            }
        }
    }
    let outcome = pending.callback.wait().await;
    pending.watch.borrow_mut().take();
    if let Some(w) = pending.popup.borrow_mut().take() {
        let _ = w.close();
    }
    for (resolve, reject) in pending.open_waiters.borrow_mut().drain(..) {
        let _ = match &outcome {
            Ok(_) => resolve.call0(&JsValue::UNDEFINED),
            Err(e) => reject.call1(&JsValue::UNDEFINED, &crate::js::error::to_js(e)),
        };
    }
    outcome
}

fn denied(why: &str) -> Error {
    Error::Authorization(AuthFailure::Denied { description: Some(why.into()) })
}

impl Pending {
    /// `req.open()`: opens the authorization URL in a popup, inside the click that calls it.
    fn open(self: &Rc<Self>) -> Promise {
        if self.callback.is_complete() {
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        if self.redirect {
            // The page leaves: the promise settles only if the navigation fails.
            let went = web_sys::window().ok_or(()).and_then(|w| w.location().assign(&self.url).map_err(drop));
            return match went {
                Ok(()) => Promise::new(&mut |_, _| {}),
                Err(()) => Promise::reject(&crate::js::error::to_js(&denied("this page cannot navigate"))),
            };
        }
        let existing = self.popup.borrow().clone().filter(|w| !w.closed().unwrap_or(true));
        match existing {
            Some(w) => {
                let _ = w.focus();
            }
            None => {
                let w = match popup::open(&self.url) {
                    Ok(w) => w,
                    Err(e) => return Promise::reject(&crate::js::error::to_js(&e)),
                };
                *self.watch.borrow_mut() = Some(self.watch(&w));
                *self.popup.borrow_mut() = Some(w);
            }
        }
        let this = self.clone();
        Promise::new(&mut move |resolve, reject| this.open_waiters.borrow_mut().push((resolve, reject)))
    }

    /// The callback URL in a message, if it is one for this request: the callback type, the
    /// redirect URI's page, this request's `state` once. Anything else is someone else's.
    fn callback_url(&self, data: &JsValue) -> Option<String> {
        let field = |k: &str| js_sys::Reflect::get(data, &k.into()).ok().and_then(|v| v.as_string());
        if field("type").as_deref() != Some(CALLBACK_TYPE) {
            return None;
        }
        let url = web_sys::Url::new(&field("url")?).ok()?;
        if format!("{}{}", url.origin(), url.pathname()) != self.redirect_uri {
            return None;
        }
        let params = core::form_decode(&url.search());
        let states: Vec<_> = params.iter().filter(|(k, _)| k == "state").collect();
        (states.len() == 1 && states[0].1 == self.state).then(|| url.href())
    }

    fn watch(self: &Rc<Self>, popup: &Window) -> Watch {
        let redirect_origin = web_sys::Url::new(&self.redirect_uri).map(|u| u.origin()).unwrap_or_default();
        let message = web_sys::window().map(|window| {
            let (this, popup) = (self.clone(), popup.clone());
            EventListener::new(&window, "message", move |event| {
                let Ok(event) = event.dyn_into::<MessageEvent>() else { return };
                let from_popup = event.source().is_some_and(|s| js_sys::Object::is(&s, &popup)) && popup::sight(&popup) != Sight::Blank;
                if !from_popup || event.origin() != redirect_origin || redirect_origin == "null" {
                    return;
                }
                if let Some(url) = this.callback_url(&event.data()) {
                    this.callback.complete(Ok(url));
                }
            })
        });
        let channel = BroadcastChannel::new(CALLBACK_CHANNEL).ok().map(|channel| {
            let (this, popup) = (self.clone(), popup.clone());
            let listener = EventListener::new(&channel, "message", move |event| {
                let Ok(event) = event.dyn_into::<MessageEvent>() else { return };
                // As for elicitations: only while the popup can be the sender.
                if !matches!(popup::sight(&popup), Sight::OwnOrigin | Sight::Gone) {
                    return;
                }
                if let Some(url) = this.callback_url(&event.data()) {
                    this.callback.complete(Ok(url));
                }
            });
            (channel, listener)
        });
        let grace: Rc<RefCell<Option<Timeout>>> = Rc::default();
        let poll = {
            let (slot, popup, grace, ms) = (self.callback.clone(), popup.clone(), grace.clone(), self.closed_grace_ms);
            Interval::new(CLOSED_POLL_MS, move || {
                if slot.is_complete() || grace.borrow().is_some() || !popup.closed().unwrap_or(false) {
                    return;
                }
                let slot = slot.clone();
                *grace.borrow_mut() = Some(Timeout::new(ms, move || {
                    slot.complete(Err(denied("the authorization window was closed")));
                }));
            })
        };
        Watch { _message: message, _channel: channel, _poll: poll, _grace: grace }
    }
}
