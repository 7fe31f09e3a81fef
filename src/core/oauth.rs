//! OAuth 2.1 for MCP servers, the part that needs no network: where to look for metadata, what
//! to accept from it, the authorization request, the callback, and the token and registration
//! exchanges (MCP authorization, 2025-11-25 and 2026-07-28; RFC 9728, 8414, 8707, 7636, 9207,
//! 7591).
//!
//! URLs come in as the browser's parser wrote them (`URL.href`, `URL.origin`, `URL.pathname`):
//! lowercase scheme and host, no default port, a path that starts with `/`. The edge fetches,
//! draws the random bytes and the SHA-256 (WebCrypto) and opens the window; this module decides.

use super::error::{AuthFailure, Error};
use super::jsonrpc::{quote, Field, JsonObject};

/// A string field; `None` when absent, null or not a string.
fn string<O: JsonObject>(o: &O, key: &'static str) -> Option<String> {
    match o.field(key) {
        Field::String(s) => Some(s),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------------

/// Where to look for the server's Protected Resource Metadata, in order: the URL its
/// `WWW-Authenticate` named, then the path-aware well-known URL, then the root one (RFC 9728 §3.1).
pub fn resource_metadata_urls(hint: Option<&str>, origin: &str, path: &str) -> Vec<String> {
    const WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";
    let mut urls: Vec<String> = hint.map(str::to_owned).into_iter().collect();
    let path = path.trim_end_matches('/');
    if !path.is_empty() {
        urls.push(format!("{origin}{WELL_KNOWN}{path}"));
    }
    urls.push(format!("{origin}{WELL_KNOWN}"));
    urls.dedup();
    urls
}

/// Where to look for an authorization server's metadata, in the order MCP gives: OAuth (RFC 8414)
/// with the issuer's path inserted, OpenID Connect with the path inserted, then appended; for an
/// issuer without a path, the OAuth and OpenID documents at the root.
pub fn authorization_server_metadata_urls(issuer_origin: &str, issuer_path: &str) -> Vec<String> {
    let path = issuer_path.trim_end_matches('/');
    if path.is_empty() {
        vec![
            format!("{issuer_origin}/.well-known/oauth-authorization-server"),
            format!("{issuer_origin}/.well-known/openid-configuration"),
        ]
    } else {
        vec![
            format!("{issuer_origin}/.well-known/oauth-authorization-server{path}"),
            format!("{issuer_origin}/.well-known/openid-configuration{path}"),
            format!("{issuer_origin}{path}/.well-known/openid-configuration"),
        ]
    }
}

/// What a Protected Resource Metadata document says (RFC 9728 §2), as far as a client needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedResource {
    pub resource: String,
    pub authorization_servers: Vec<String>,
    pub scopes_supported: Vec<String>,
    /// The proof algorithms the resource server checks (RFC 9728 §2): it takes DPoP tokens.
    pub dpop_signing_alg_values_supported: Vec<String>,
}

/// Reads a Protected Resource Metadata document for `server_url` (the MCP endpoint's href). Its
/// `resource` must be the server URL itself or a prefix of it at a path boundary, on the same
/// origin (RFC 9728 §3.3: a document for another resource is refused, it may be an attack), and
/// it must name an authorization server.
pub fn parse_protected_resource<O: JsonObject>(doc: Option<&O>, server_url: &str) -> Result<ProtectedResource, Error> {
    let invalid = |what: &str| discovery(format!("the protected resource metadata {what}"));
    let doc = doc.ok_or_else(|| invalid("is not a JSON object"))?;
    let resource = string(doc, "resource").ok_or_else(|| invalid("has no \"resource\""))?;
    let authorization_servers = doc.strings("authorization_servers").ok_or_else(|| invalid("has an invalid \"authorization_servers\""))?;
    let scopes_supported = doc.strings("scopes_supported").ok_or_else(|| invalid("has an invalid \"scopes_supported\""))?;
    let dpop_signing_alg_values_supported = doc.strings("dpop_signing_alg_values_supported").ok_or_else(|| invalid("has an invalid \"dpop_signing_alg_values_supported\""))?;
    if !resource_covers(&resource, server_url) {
        return Err(discovery(format!("the protected resource metadata is for \"{resource}\", not for this server ({server_url})")));
    }
    if authorization_servers.is_empty() {
        return Err(invalid("names no authorization server"));
    }
    Ok(ProtectedResource { resource, authorization_servers, scopes_supported, dpop_signing_alg_values_supported })
}

/// Whether a token for `resource` may be used at `server_url`: the same URL, or `resource` is a
/// path prefix of it (ending at a `/`). Query and fragment of the server URL do not count.
pub fn resource_covers(resource: &str, server_url: &str) -> bool {
    let server = server_url.split(['?', '#']).next().unwrap_or_default();
    let (resource, server) = (resource.trim_end_matches('/'), server.trim_end_matches('/'));
    if resource.split_once("://").is_none_or(|(_, host)| host.is_empty()) {
        return false;
    }
    match server.strip_prefix(resource) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

/// An authorization server's metadata (RFC 8414 §2), the fields a browser client uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthServer {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub registration_endpoint: Option<String>,
    pub scopes_supported: Vec<String>,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub client_id_metadata_document_supported: bool,
    pub authorization_response_iss_parameter_supported: bool,
    pub dpop_signing_alg_values_supported: Vec<String>,
}

/// Reads an authorization server's metadata fetched for `expected_issuer`. Refused: an `issuer`
/// that is not exactly the one asked for (RFC 8414 §3.3), no PKCE `S256` (MCP: a client MUST
/// refuse to proceed without it), endpoints that are neither `https:` nor loopback `http:`.
///
/// `legacy`: the issuer was not named by protected resource metadata but guessed as the MCP
/// server's origin (servers of the 2025-03-26 era); then any issuer on that origin is accepted.
pub fn parse_auth_server<O: JsonObject>(doc: Option<&O>, expected_issuer: &str, legacy: bool) -> Result<AuthServer, Error> {
    let invalid = |what: &str| discovery(format!("the authorization server metadata {what}"));
    let doc = doc.ok_or_else(|| invalid("is not a JSON object"))?;
    let required = |key: &'static str| string(doc, key).ok_or_else(|| invalid(&format!("has no \"{key}\"")));
    let list = |key: &'static str| doc.strings(key).ok_or_else(|| invalid(&format!("has an invalid \"{key}\"")));
    let issuer = required("issuer")?;
    let same_origin = |i: &str| i.strip_prefix(expected_issuer).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if issuer != expected_issuer && !(legacy && same_origin(&issuer)) {
        return Err(invalid(&format!("names issuer \"{issuer}\", not \"{expected_issuer}\"")));
    }
    if !list("code_challenge_methods_supported")?.iter().any(|m| m == "S256") {
        return Err(discovery("the authorization server does not support PKCE with S256".into()));
    }
    let response_types = list("response_types_supported")?;
    if !response_types.is_empty() && !response_types.iter().any(|t| t == "code") {
        return Err(discovery("the authorization server does not offer the authorization code flow".into()));
    }
    let a = AuthServer {
        issuer,
        authorization_endpoint: required("authorization_endpoint")?,
        token_endpoint: required("token_endpoint")?,
        registration_endpoint: string(doc, "registration_endpoint"),
        scopes_supported: list("scopes_supported")?,
        token_endpoint_auth_methods_supported: list("token_endpoint_auth_methods_supported")?,
        client_id_metadata_document_supported: doc.is_true("client_id_metadata_document_supported"),
        authorization_response_iss_parameter_supported: doc.is_true("authorization_response_iss_parameter_supported"),
        dpop_signing_alg_values_supported: list("dpop_signing_alg_values_supported")?,
    };
    let endpoints = [Some(&a.authorization_endpoint), Some(&a.token_endpoint), a.registration_endpoint.as_ref()];
    if let Some(bad) = endpoints.into_iter().flatten().find(|u| !secure_url(u)) {
        return Err(discovery(format!("the authorization server endpoint \"{bad}\" is neither https: nor loopback http:")));
    }
    Ok(a)
}

/// The endpoints a 2025-03-26 server without any metadata has: `/authorize`, `/token` and
/// `/register` at its origin.
pub fn default_auth_server(origin: &str) -> AuthServer {
    AuthServer {
        issuer: origin.to_owned(),
        authorization_endpoint: format!("{origin}/authorize"),
        token_endpoint: format!("{origin}/token"),
        registration_endpoint: Some(format!("{origin}/register")),
        scopes_supported: Vec::new(),
        token_endpoint_auth_methods_supported: Vec::new(),
        client_id_metadata_document_supported: false,
        authorization_response_iss_parameter_supported: false,
        dpop_signing_alg_values_supported: Vec::new(),
    }
}

/// How the client authenticates at the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// A public client: `client_id` in the body, no secret (what a browser app should be).
    None,
    /// `Authorization: Basic` with the id and secret.
    Basic,
    /// `client_secret` in the body.
    Post,
}

/// The method to use with a secret (if the client has one): `none` when the server takes it or
/// says nothing, else `client_secret_basic`, else `client_secret_post`.
pub fn client_auth(supported: &[String], has_secret: bool) -> ClientAuth {
    let offers = |m: &str| supported.iter().any(|s| s == m);
    if !has_secret || supported.is_empty() || offers("none") {
        ClientAuth::None
    } else if offers("client_secret_basic") || !offers("client_secret_post") {
        ClientAuth::Basic
    } else {
        ClientAuth::Post
    }
}

/// The `Authorization` value of `client_secret_basic`: id and secret form-encoded, then base64.
pub fn basic_credentials(client_id: &str, secret: &str) -> String {
    let (mut id, mut pw) = (String::new(), String::new());
    encode_component(&mut id, client_id);
    encode_component(&mut pw, secret);
    format!("Basic {}", super::modern::base64(format!("{id}:{pw}").as_bytes()))
}

/// `https:`, or `http:` to localhost, 127.0.0.0/8 or [::1] (the same rule as elicitation URLs).
pub fn secure_url(url: &str) -> bool {
    if let Some(rest) = url.strip_prefix("https://") {
        return !rest.is_empty();
    }
    let Some(rest) = url.strip_prefix("http://") else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => return v6.split(']').next() == Some("::1"),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host == "localhost" || host.strip_prefix("127.").is_some_and(|r| r.split('.').count() == 3 && r.split('.').all(|p| p.parse::<u8>().is_ok()))
}

/// The scope to ask for (MCP's order): the challenge's, else everything the resource lists,
/// else none. Step-up after `insufficient_scope` asks for the union with what was granted.
pub fn select_scope(challenge: Option<&str>, resource_scopes: &[String], granted: Option<&str>) -> Option<String> {
    let wanted: Vec<&str> = match challenge.map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => c.split_ascii_whitespace().collect(),
        None => resource_scopes.iter().map(String::as_str).collect(),
    };
    let mut all: Vec<&str> = granted.map(|g| g.split_ascii_whitespace().collect()).unwrap_or_default();
    for s in wanted {
        if !all.contains(&s) {
            all.push(s);
        }
    }
    (!all.is_empty()).then(|| all.join(" "))
}

/// Adds `offline_access` (a refresh token, SEP-2207) when the authorization server lists it,
/// and only then: an unlisted scope can get the whole request refused.
pub fn with_offline_access(scope: Option<String>, server_scopes: &[String]) -> Option<String> {
    if !server_scopes.iter().any(|s| s == "offline_access") {
        return scope;
    }
    match scope {
        Some(s) if s.split_ascii_whitespace().any(|w| w == "offline_access") => Some(s),
        Some(s) => Some(s + " offline_access"),
        None => Some("offline_access".to_owned()),
    }
}

// ---------------------------------------------------------------------------------------------
// The authorization request and its callback
// ---------------------------------------------------------------------------------------------

/// base64url without padding (RFC 4648 §5), as PKCE and `state` use it.
pub fn base64url(bytes: &[u8]) -> String {
    super::modern::base64(bytes).trim_end_matches('=').replace('+', "-").replace('/', "_")
}

/// The PKCE `code_verifier` from 32 random bytes: 43 characters of the unreserved set.
pub fn code_verifier(random: &[u8; 32]) -> String {
    base64url(random)
}

/// The S256 `code_challenge` from the SHA-256 of the verifier's ASCII bytes (RFC 7636 §4.2).
pub fn code_challenge(sha256_of_verifier: &[u8; 32]) -> String {
    base64url(sha256_of_verifier)
}

/// What goes into the authorization request (RFC 6749 §4.1.1 with PKCE and RFC 8707 `resource`).
#[derive(Debug, Clone)]
pub struct AuthorizeRequest<'a> {
    pub authorization_endpoint: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub code_challenge: &'a str,
    pub state: &'a str,
    pub scope: Option<&'a str>,
    pub resource: &'a str,
}

/// The URL to open: the endpoint with its own query kept and ours appended.
pub fn authorize_url(r: &AuthorizeRequest<'_>) -> String {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", r.client_id),
        ("redirect_uri", r.redirect_uri),
        ("code_challenge", r.code_challenge),
        ("code_challenge_method", "S256"),
        ("state", r.state),
        ("resource", r.resource),
    ];
    if let Some(scope) = r.scope {
        params.push(("scope", scope));
    }
    // An OpenID provider grants `offline_access` (a refresh token) only with `prompt=consent`
    // (OIDC Core §11); a plain OAuth server ignores a parameter it does not know (RFC 6749 §3.1).
    if r.scope.is_some_and(|s| s.split(' ').any(|s| s == "offline_access")) {
        params.push(("prompt", "consent"));
    }
    // An endpoint may carry a query (kept) but no fragment (RFC 6749 §3.1: dropped).
    let base = r.authorization_endpoint.split('#').next().unwrap_or_default();
    let sep = match base.find('?') {
        None => "?",
        Some(_) if base.ends_with('?') || base.ends_with('&') => "",
        Some(_) => "&",
    };
    format!("{base}{sep}{}", form_encode(&params))
}

/// `application/x-www-form-urlencoded` (the WHATWG serializer): unreserved bytes as they are,
/// space as `+`, everything else `%XX`.
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_component(&mut out, k);
        out.push('=');
        encode_component(&mut out, v);
    }
    out
}

fn encode_component(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(b as char),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
        }
    }
}

/// Decodes `application/x-www-form-urlencoded` (a callback's query): `+` is a space, `%XX` a
/// byte, invalid escapes stay as written, invalid UTF-8 becomes U+FFFD.
pub fn form_decode(query: &str) -> Vec<(String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

fn decode_component(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the authorization server sent back to the redirect URI, checked against the request:
/// the `code` when `state` is the one sent and `iss` (RFC 9207) is right. `iss` must be present
/// when the metadata advertises it, and when present it must be the issuer.
pub fn check_callback(query: &str, expected_state: &str, issuer: &str, iss_advertised: bool) -> Result<String, Error> {
    let params = form_decode(query);
    let get = |name: &str| {
        let mut found = params.iter().filter(|(k, _)| k == name);
        match (found.next(), found.next()) {
            (Some((_, v)), None) => Ok(Some(v.as_str())),
            (None, _) => Ok(None),
            (Some(_), Some(_)) => Err(Error::Authorization(AuthFailure::Callback(format!("the callback repeats \"{name}\"")))),
        }
    };
    // State first: an answer to another request is refused whatever it says.
    if get("state")? != Some(expected_state) {
        return Err(Error::Authorization(AuthFailure::Callback("the callback's state is not the one this client sent".into())));
    }
    match get("iss")? {
        Some(iss) if iss != issuer => {
            return Err(Error::Authorization(AuthFailure::Callback(format!(
                "the callback comes from issuer \"{iss}\", not \"{issuer}\""
            ))));
        }
        None if iss_advertised => {
            return Err(Error::Authorization(AuthFailure::Callback(
                "the authorization server advertises the iss parameter, but the callback has none".into(),
            )));
        }
        _ => {}
    }
    if let Some(error) = get("error")? {
        let description = get("error_description")?.map(str::to_owned);
        return Err(Error::Authorization(if error == "access_denied" {
            AuthFailure::Denied { description }
        } else {
            AuthFailure::Authorize { error: error.to_owned(), description }
        }));
    }
    match get("code")? {
        Some(code) if !code.is_empty() => Ok(code.to_owned()),
        _ => Err(Error::Authorization(AuthFailure::Callback("the callback has no authorization code".into()))),
    }
}

// ---------------------------------------------------------------------------------------------
// Token and registration endpoints
// ---------------------------------------------------------------------------------------------

/// The token request body for an authorization code (RFC 6749 §4.1.3, PKCE, RFC 8707); with
/// `client_secret` for `client_secret_post`.
pub fn token_request_code(code: &str, redirect_uri: &str, client_id: &str, code_verifier: &str, resource: &str, client_secret: Option<&str>) -> String {
    let mut pairs = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", client_id),
        ("code_verifier", code_verifier),
        ("resource", resource),
    ];
    if let Some(secret) = client_secret {
        pairs.push(("client_secret", secret));
    }
    form_encode(&pairs)
}

/// The token request body for a refresh (RFC 6749 §6, RFC 8707).
pub fn token_request_refresh(refresh_token: &str, client_id: &str, resource: &str) -> String {
    form_encode(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("client_id", client_id), ("resource", resource)])
}

/// A token response (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: Option<f64>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
}

/// The `error` and `error_description` of an OAuth error response, when it is one.
pub fn oauth_error<O: JsonObject>(doc: Option<&O>) -> Option<(String, Option<String>)> {
    let doc = doc?;
    Some((string(doc, "error")?, string(doc, "error_description")))
}

/// Reads the token endpoint's answer: the tokens of a 200 whose `token_type` is Bearer (or DPoP,
/// when the client asked for it); the server's `error`/`error_description` otherwise.
pub fn parse_token_response<O: JsonObject>(status: u16, doc: Option<&O>, dpop: bool) -> Result<Tokens, Error> {
    let token_error = |error: String, description: Option<String>| Error::Authorization(AuthFailure::Token { error, description });
    let invalid = |why: &str| token_error("invalid_response".into(), Some(why.into()));
    if status != 200 {
        let (error, description) = oauth_error(doc).unwrap_or_else(|| (format!("HTTP {status}"), None));
        return Err(token_error(error, description));
    }
    let doc = doc.ok_or_else(|| invalid("the token response is not a JSON object"))?;
    let tokens = Tokens {
        access_token: string(doc, "access_token").unwrap_or_default(),
        token_type: string(doc, "token_type").unwrap_or_default(),
        expires_in: match doc.field("expires_in") {
            Field::Absent | Field::Null => None,
            Field::Number(n) if n.is_finite() && n >= 0.0 => Some(n),
            _ => return Err(invalid("expires_in is not a non-negative number")),
        },
        refresh_token: string(doc, "refresh_token"),
        scope: string(doc, "scope"),
    };
    let kind_ok = tokens.token_type.eq_ignore_ascii_case("bearer") || (dpop && tokens.token_type.eq_ignore_ascii_case("dpop"));
    if tokens.access_token.is_empty() || !kind_ok {
        return Err(invalid(&format!("unusable token (type \"{}\")", tokens.token_type)));
    }
    Ok(tokens)
}

/// The Dynamic Client Registration request (RFC 7591 §2) of a browser app: a public client
/// (`token_endpoint_auth_method: none`) with its redirect URI, as a `web` application.
pub fn registration_request(redirect_uri: &str, client_name: &str, client_uri: Option<&str>, scope: Option<&str>) -> String {
    let mut o = format!(
        r#"{{"redirect_uris":[{}],"client_name":{},"grant_types":["authorization_code","refresh_token"],"response_types":["code"],"token_endpoint_auth_method":"none","application_type":"web""#,
        quote(redirect_uri),
        quote(client_name)
    );
    for (key, value) in [("client_uri", client_uri), ("scope", scope)] {
        if let Some(v) = value {
            o.push_str(&format!(",{}:{}", quote(key), quote(v)));
        }
    }
    o.push('}');
    o
}

/// What registration returned (RFC 7591 §3.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: Option<String>,
}

/// Reads the registration endpoint's answer: a 201 (or 200) with a `client_id`; otherwise the
/// server's `error`/`error_description`.
pub fn parse_registration<O: JsonObject>(status: u16, doc: Option<&O>) -> Result<Registration, Error> {
    let refused = |error: Option<String>, description: Option<String>| Error::Authorization(AuthFailure::Registration { error, description });
    if status != 201 && status != 200 {
        return Err(match oauth_error(doc) {
            Some((e, d)) => refused(Some(e), d),
            None => refused(None, Some(format!("HTTP {status}"))),
        });
    }
    match doc.and_then(|d| string(d, "client_id")) {
        Some(client_id) if !client_id.is_empty() => Ok(Registration { client_id, client_secret: doc.and_then(|d| string(d, "client_secret")) }),
        _ => Err(refused(None, Some("the registration response has no client_id".into()))),
    }
}

fn discovery(why: String) -> Error {
    Error::Authorization(AuthFailure::Discovery(why))
}

// ---------------------------------------------------------------------------------------------
// Grants, and the app's token store
// ---------------------------------------------------------------------------------------------

/// A token and what it was obtained with: enough to refresh it and to step up from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Milliseconds since the epoch.
    pub expires_at: Option<f64>,
    /// What the server granted, else what was asked for.
    pub scope: Option<String>,
    pub token_endpoint: String,
    pub client_id: String,
    /// From the app's options, never from a store.
    pub secret: Option<String>,
    pub how: ClientAuth,
    pub resource: String,
    /// DPoP (RFC 9449): whether this grant's token requests carry proofs (the AS offers it), and
    /// whether its access token is bound to the key (`token_type: DPoP`) rather than a Bearer.
    /// Such a grant is never stored: its key lives in this page's memory only.
    pub dpop_proofs: bool,
    pub dpop_bound: bool,
}

/// The key the grant for the MCP server at `server_url` is stored under.
pub fn store_key(server_url: &str) -> String {
    format!("mcp-web-client:oauth:{server_url}")
}

/// A grant as the store keeps it: JSON, without the client secret.
pub fn encode_grant(g: &Grant) -> String {
    let opt = |v: &Option<String>| v.as_deref().map_or_else(|| "null".to_owned(), quote);
    let how = match g.how {
        ClientAuth::None => "none",
        ClientAuth::Basic => "client_secret_basic",
        ClientAuth::Post => "client_secret_post",
    };
    // As an integer: float formatting would cost the module about 20 KB.
    let expires_at = g.expires_at.filter(|t| t.is_finite()).map_or_else(|| "null".to_owned(), |t| (t.round() as i64).to_string());
    format!(
        r#"{{"v":1,"resource":{},"access_token":{},"refresh_token":{},"expires_at":{expires_at},"scope":{},"token_endpoint":{},"client_id":{},"auth_method":"{how}"}}"#,
        quote(&g.resource),
        quote(&g.access_token),
        opt(&g.refresh_token),
        opt(&g.scope),
        quote(&g.token_endpoint),
        quote(&g.client_id),
    )
}

/// A stored grant, only if it is whole and its resource covers `server_url` (a store shared
/// with other code, or tampered with, must not send this server another server's token).
pub fn decode_grant<O: JsonObject>(doc: Option<&O>, server_url: &str) -> Option<Grant> {
    let doc = doc?;
    let resource = string(doc, "resource").filter(|r| resource_covers(r, server_url))?;
    if !matches!(doc.field("v"), Field::Number(v) if v == 1.0) {
        return None;
    }
    let how = match string(doc, "auth_method")?.as_str() {
        "none" => ClientAuth::None,
        "client_secret_basic" => ClientAuth::Basic,
        "client_secret_post" => ClientAuth::Post,
        _ => return None,
    };
    let token_endpoint = string(doc, "token_endpoint").filter(|u| secure_url(u))?;
    Some(Grant {
        access_token: string(doc, "access_token").filter(|t| !t.is_empty())?,
        refresh_token: string(doc, "refresh_token"),
        expires_at: match doc.field("expires_at") {
            Field::Number(t) if t.is_finite() => Some(t),
            Field::Absent | Field::Null => None,
            _ => return None,
        },
        scope: string(doc, "scope"),
        token_endpoint,
        client_id: string(doc, "client_id")?,
        secret: None,
        how,
        resource,
        dpop_proofs: false,
        dpop_bound: false,
    })
}

/// An authorization in redirect mode, kept while the page is at the authorization server: what
/// the return page needs to check the callback and exchange its code.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingFlow {
    pub server_url: String,
    pub issuer: String,
    pub iss_supported: bool,
    pub verifier: String,
    pub redirect_uri: String,
    /// The grant to be: everything but its tokens.
    pub grant: Grant,
}

/// The key a pending flow is stored under: its `state`, which the callback carries back.
pub fn pending_key(state: &str) -> String {
    format!("mcp-web-client:oauth-pending:{state}")
}

/// A pending flow as the store keeps it: the grant's record (its token a placeholder) and the
/// flow's own fields.
pub fn encode_pending(p: &PendingFlow) -> String {
    let grant = encode_grant(&Grant { access_token: "pending".into(), ..p.grant.clone() });
    format!(
        r#"{},"server_url":{},"issuer":{},"iss":{},"verifier":{},"redirect_uri":{}}}"#,
        grant.strip_suffix('}').unwrap_or(&grant),
        quote(&p.server_url),
        quote(&p.issuer),
        p.iss_supported,
        quote(&p.verifier),
        quote(&p.redirect_uri)
    )
}

/// A stored pending flow, only if whole (and its grant's resource covers its server).
pub fn decode_pending<O: JsonObject>(doc: Option<&O>) -> Option<PendingFlow> {
    let d = doc?;
    let server_url = string(d, "server_url")?;
    let grant = decode_grant(doc, &server_url)?;
    Some(PendingFlow {
        issuer: string(d, "issuer")?,
        iss_supported: d.is_true("iss"),
        verifier: string(d, "verifier").filter(|v| v.len() >= 43)?,
        redirect_uri: string(d, "redirect_uri")?,
        grant: Grant { access_token: String::new(), ..grant },
        server_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::codes;

    fn code(r: Result<impl std::fmt::Debug, Error>) -> i64 {
        r.expect_err("expected an error").code()
    }

    type Obj = serde_json::Map<String, serde_json::Value>;

    /// The document as the edge hands it over: an object, or `None` for anything else.
    fn obj(text: &str) -> Option<Obj> {
        match serde_json::from_str(text) {
            Ok(serde_json::Value::Object(o)) => Some(o),
            _ => None,
        }
    }

    fn prm(text: &str, server: &str) -> Result<ProtectedResource, Error> {
        parse_protected_resource(obj(text).as_ref(), server)
    }

    fn asm(text: &str, issuer: &str) -> Result<AuthServer, Error> {
        parse_auth_server(obj(text).as_ref(), issuer, false)
    }

    fn token(status: u16, text: &str, dpop: bool) -> Result<Tokens, Error> {
        parse_token_response(status, obj(text).as_ref(), dpop)
    }

    fn registration(status: u16, text: &str) -> Result<Registration, Error> {
        parse_registration(status, obj(text).as_ref())
    }

    #[test]
    fn resource_metadata_is_looked_for_at_the_hint_then_path_aware_then_root() {
        assert_eq!(
            resource_metadata_urls(Some("https://m.example/prm"), "https://m.example", "/api/mcp/"),
            [
                "https://m.example/prm",
                "https://m.example/.well-known/oauth-protected-resource/api/mcp",
                "https://m.example/.well-known/oauth-protected-resource",
            ]
        );
        assert_eq!(resource_metadata_urls(None, "http://127.0.0.1:3000", "/"), ["http://127.0.0.1:3000/.well-known/oauth-protected-resource"]);
    }

    #[test]
    fn authorization_server_metadata_is_looked_for_in_the_spec_order() {
        assert_eq!(
            authorization_server_metadata_urls("https://as.example", "/tenant1"),
            [
                "https://as.example/.well-known/oauth-authorization-server/tenant1",
                "https://as.example/.well-known/openid-configuration/tenant1",
                "https://as.example/tenant1/.well-known/openid-configuration",
            ]
        );
        assert_eq!(
            authorization_server_metadata_urls("https://as.example", "/"),
            ["https://as.example/.well-known/oauth-authorization-server", "https://as.example/.well-known/openid-configuration"]
        );
    }

    #[test]
    fn protected_resource_metadata_must_be_for_this_server() {
        let doc = |resource: &str| format!(r#"{{"resource":"{resource}","authorization_servers":["https://as.example"],"scopes_supported":["a","b"]}}"#);
        let ok = prm(&doc("https://m.example/mcp"), "https://m.example/mcp").unwrap();
        assert_eq!(ok.authorization_servers, ["https://as.example"]);
        assert_eq!(ok.scopes_supported, ["a", "b"]);
        // A prefix at a path boundary covers the server; the origin alone too.
        assert!(prm(&doc("https://m.example/"), "https://m.example/mcp?x=1").is_ok());
        assert!(prm(&doc("https://m.example"), "https://m.example/mcp").is_ok());
        for other in ["https://m.example/mcp2", "https://m.example.evil/mcp", "https://evil.example/mcp", "https://m.example:8443/mcp", "", "https://"] {
            assert_eq!(code(prm(&doc(other), "https://m.example/mcp")), codes::AUTHORIZATION_DISCOVERY, "{other}");
        }
        assert!(!resource_covers("https://m.example/mcp", "https://m.example/mcp2"));
        assert!(!resource_covers("https://m.example/mcp/x", "https://m.example/mcp"));
        let none = r#"{"resource":"https://m.example/mcp","authorization_servers":[]}"#;
        assert_eq!(code(prm(none, "https://m.example/mcp")), codes::AUTHORIZATION_DISCOVERY);
        assert_eq!(code(prm("<html>", "https://m.example/mcp")), codes::AUTHORIZATION_DISCOVERY);
        assert_eq!(code(prm(r#"{"resource":1}"#, "https://m.example/mcp")), codes::AUTHORIZATION_DISCOVERY);
    }

    const AS: &str = r#"{
        "issuer": "https://as.example/t1",
        "authorization_endpoint": "https://as.example/t1/authorize",
        "token_endpoint": "https://as.example/t1/token",
        "registration_endpoint": "https://as.example/t1/register",
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "authorization_response_iss_parameter_supported": true,
        "unknown_fields": {"are": "ignored"}
    }"#;

    #[test]
    fn authorization_server_metadata_is_checked() {
        let a = asm(AS, "https://as.example/t1").unwrap();
        assert_eq!(a.token_endpoint, "https://as.example/t1/token");
        assert!(a.authorization_response_iss_parameter_supported);
        assert!(!a.client_id_metadata_document_supported);
        // The issuer must be exactly the one asked for: a trailing slash is another issuer.
        assert_eq!(code(asm(AS, "https://as.example/t1/")), codes::AUTHORIZATION_DISCOVERY);
        assert_eq!(code(asm(AS, "https://evil.example/t1")), codes::AUTHORIZATION_DISCOVERY);
        let no_pkce = AS.replace(r#"["plain", "S256"]"#, r#"["plain"]"#);
        assert_eq!(code(asm(&no_pkce, "https://as.example/t1")), codes::AUTHORIZATION_DISCOVERY);
        let absent_pkce = AS.replace(r#""code_challenge_methods_supported": ["plain", "S256"],"#, "");
        assert_eq!(code(asm(&absent_pkce, "https://as.example/t1")), codes::AUTHORIZATION_DISCOVERY);
        let no_code = AS.replace(r#"["code"]"#, r#"["token"]"#);
        assert_eq!(code(asm(&no_code, "https://as.example/t1")), codes::AUTHORIZATION_DISCOVERY);
        let plain_http = AS.replace("https://as.example/t1/token", "http://as.example/t1/token");
        let e = asm(&plain_http, "https://as.example/t1").unwrap_err();
        assert!(e.to_string().contains("http://as.example/t1/token"), "{e}");
    }

    #[test]
    fn a_guessed_issuer_accepts_any_issuer_of_its_origin() {
        let legacy = AS.replace("https://as.example/t1\"", "https://as.example/oauth\"");
        assert!(parse_auth_server(obj(&legacy).as_ref(), "https://as.example", true).is_ok());
        assert_eq!(code(parse_auth_server(obj(&legacy).as_ref(), "https://as.example", false)), codes::AUTHORIZATION_DISCOVERY);
        let other = AS.replace("\"issuer\": \"https://as.example/t1\"", "\"issuer\": \"https://as.example.evil\"");
        assert_eq!(code(parse_auth_server(obj(&other).as_ref(), "https://as.example", true)), codes::AUTHORIZATION_DISCOVERY);
        assert_eq!(default_auth_server("http://localhost:3").token_endpoint, "http://localhost:3/token");
    }

    #[test]
    fn a_secret_is_sent_only_the_way_the_server_asks() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(client_auth(&s(&["client_secret_basic"]), false), ClientAuth::None);
        assert_eq!(client_auth(&s(&[]), true), ClientAuth::None);
        assert_eq!(client_auth(&s(&["none", "client_secret_post"]), true), ClientAuth::None);
        assert_eq!(client_auth(&s(&["client_secret_post"]), true), ClientAuth::Post);
        assert_eq!(client_auth(&s(&["client_secret_post", "client_secret_basic"]), true), ClientAuth::Basic);
        assert_eq!(client_auth(&s(&["private_key_jwt"]), true), ClientAuth::Basic);
        // RFC 6749 §2.3.1: form-encoded before base64 (":" in the id, space in the secret).
        assert_eq!(basic_credentials("a:b", "c d"), format!("Basic {}", crate::core::modern::base64(b"a%3Ab:c+d")));
    }

    #[test]
    fn only_https_or_loopback_http_endpoints() {
        for ok in ["https://as.example/token", "http://localhost:3000/t", "http://127.0.0.1/t", "http://127.10.0.1:1/t", "http://[::1]:8080/t"] {
            assert!(secure_url(ok), "{ok}");
        }
        for bad in ["http://as.example/t", "http://localhost.evil/t", "http://127.0.0.1.evil/t", "http://user@localhost/t", "http://[::2]/t", "javascript:alert(1)", "https://", "//as.example", "ftp://localhost/"] {
            assert!(!secure_url(bad), "{bad}");
        }
    }

    #[test]
    fn scope_comes_from_the_challenge_else_the_resource_and_step_up_is_a_union() {
        let listed = ["files:read".to_owned(), "files:write".to_owned()];
        assert_eq!(select_scope(Some("mcp:tools"), &listed, None).as_deref(), Some("mcp:tools"));
        assert_eq!(select_scope(Some("  "), &listed, None).as_deref(), Some("files:read files:write"));
        assert_eq!(select_scope(None, &[], None), None);
        assert_eq!(select_scope(Some("b c"), &listed, Some("a b")).as_deref(), Some("a b c"));
    }

    #[test]
    fn offline_access_only_when_the_authorization_server_lists_it() {
        let offered = ["mcp:basic".to_owned(), "offline_access".to_owned()];
        assert_eq!(with_offline_access(Some("mcp:basic".into()), &offered).as_deref(), Some("mcp:basic offline_access"));
        assert_eq!(with_offline_access(None, &offered).as_deref(), Some("offline_access"));
        assert_eq!(with_offline_access(Some("offline_access a".into()), &offered).as_deref(), Some("offline_access a"));
        assert_eq!(with_offline_access(Some("a".into()), &offered[..1]).as_deref(), Some("a"));
        assert_eq!(with_offline_access(None, &[]), None);
    }

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        let random = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132,
            141, 121,
        ];
        assert_eq!(code_verifier(&random), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        let digest = [
            19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173, 109, 241, 68, 86, 110, 225, 137, 74, 203, 112,
            249, 195,
        ];
        assert_eq!(code_challenge(&digest), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    fn request<'a>(endpoint: &'a str, scope: Option<&'a str>) -> AuthorizeRequest<'a> {
        AuthorizeRequest {
            authorization_endpoint: endpoint,
            client_id: "client 1",
            redirect_uri: "https://app.example/cb?x=1&y=é",
            code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeUT8oD0c0E6pqkqZ4sM",
            state: "st",
            scope,
            resource: "https://m.example/mcp",
        }
    }

    #[test]
    fn the_authorization_url_carries_pkce_state_resource_and_scope_encoded() {
        assert_eq!(
            authorize_url(&request("https://as.example/authorize", Some("a b"))),
            "https://as.example/authorize?response_type=code&client_id=client+1\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y%3D%C3%A9\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeUT8oD0c0E6pqkqZ4sM&code_challenge_method=S256&state=st\
             &resource=https%3A%2F%2Fm.example%2Fmcp&scope=a+b"
        );
        let with_query = authorize_url(&request("https://as.example/authorize?tenant=x#frag", None));
        assert!(with_query.starts_with("https://as.example/authorize?tenant=x&response_type=code&"), "{with_query}");
        assert!(!with_query.contains("frag") && !with_query.contains("scope=") && !with_query.contains("prompt"), "{with_query}");
        let offline = authorize_url(&request("https://as.example/authorize", Some("mcp offline_access")));
        assert!(offline.ends_with("&scope=mcp+offline_access&prompt=consent"), "{offline}");
    }

    #[test]
    fn form_decoding_is_the_inverse_of_encoding() {
        let pairs = [("a b", "c+d&e=f"), ("é", "%zz"), ("", "")];
        let decoded = form_decode(&form_encode(&pairs));
        let want: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(decoded, want);
        assert_eq!(form_decode("?x=%41%4&y=%&z=%ff"), [("x".into(), "A%4".into()), ("y".into(), "%".into()), ("z".into(), "\u{fffd}".into())]);
    }

    #[test]
    fn the_callback_must_answer_this_request() {
        let iss = "https://as.example";
        let check = |q: &str, advertised| check_callback(q, "s1", iss, advertised);
        assert_eq!(check("code=abc&state=s1", false).unwrap(), "abc");
        assert_eq!(check("code=abc&state=s1&iss=https%3A%2F%2Fas.example", true).unwrap(), "abc");
        for (q, advertised) in [
            ("code=abc&state=s2", false),
            ("code=abc", false),
            ("code=abc&state=s1&state=s1", false),
            ("code=abc&state=s1&iss=https%3A%2F%2Fevil.example", false),
            ("code=abc&state=s1", true),
            ("state=s1", false),
            ("code=&state=s1", false),
            // The state is checked before the error: someone else's error is not ours to report.
            ("error=access_denied&state=other", false),
        ] {
            assert_eq!(code(check(q, advertised)), codes::AUTHORIZATION_CALLBACK, "{q}");
        }
        let denied = check("error=access_denied&error_description=no+thanks&state=s1", false).unwrap_err();
        assert_eq!(denied.code(), codes::AUTHORIZATION_DENIED);
        assert_eq!(denied.to_string(), "the authorization was denied (no thanks)");
        let other = check("error=invalid_scope&state=s1", false).unwrap_err();
        assert_eq!((other.code(), other.to_string()), (codes::AUTHORIZATION_CALLBACK, "the authorization failed: invalid_scope".into()));
    }

    #[test]
    fn token_requests_are_form_encoded() {
        assert_eq!(
            token_request_code("c/1", "https://app.example/cb", "id", "v", "https://m.example/mcp", None),
            "grant_type=authorization_code&code=c%2F1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&client_id=id&code_verifier=v\
             &resource=https%3A%2F%2Fm.example%2Fmcp"
        );
        assert_eq!(token_request_refresh("r", "id", "https://m"), "grant_type=refresh_token&refresh_token=r&client_id=id&resource=https%3A%2F%2Fm");
    }

    #[test]
    fn token_responses_are_checked() {
        let t = token(200, r#"{"access_token":"at","token_type":"bearer","expires_in":3600,"refresh_token":"rt","scope":"a"}"#, false).unwrap();
        assert_eq!((t.access_token.as_str(), t.expires_in, t.refresh_token.as_deref()), ("at", Some(3600.0), Some("rt")));
        let dpop = r#"{"access_token":"at","token_type":"DPoP"}"#;
        assert!(token(200, dpop, true).is_ok());
        assert_eq!(code(token(200, dpop, false)), codes::AUTHORIZATION_TOKEN);
        let e = token(400, r#"{"error":"invalid_grant","error_description":"code used"}"#, false).unwrap_err();
        assert_eq!((e.code(), e.to_string()), (codes::AUTHORIZATION_TOKEN, "the token request failed: invalid_grant (code used)".into()));
        for (status, body) in [
            (500, "<html>oops</html>"),
            (200, "not json"),
            (200, r#"{"token_type":"Bearer"}"#),
            (200, r#"{"access_token":"","token_type":"Bearer"}"#),
            (200, r#"{"access_token":"at","token_type":"mac"}"#),
            (200, r#"{"access_token":"at","token_type":"Bearer","expires_in":-1}"#),
            (200, r#"{"access_token":"at","token_type":"Bearer","expires_in":"soon"}"#),
        ] {
            assert_eq!(code(token(status, body, false)), codes::AUTHORIZATION_TOKEN, "{body}");
        }
    }

    #[test]
    fn registration_is_a_public_web_client() {
        let body: serde_json::Value = serde_json::from_str(&registration_request("https://app.example/cb", "My app", None, Some("a b"))).unwrap();
        assert_eq!(body["redirect_uris"], serde_json::json!(["https://app.example/cb"]));
        assert_eq!(body["token_endpoint_auth_method"], "none");
        assert_eq!(body["application_type"], "web");
        assert_eq!(body["scope"], "a b");
        assert!(body.get("client_uri").is_none());
        assert_eq!(registration(201, r#"{"client_id":"c1","client_id_issued_at":1}"#).unwrap().client_id, "c1");
        let e = registration(400, r#"{"error":"invalid_redirect_uri","error_description":"not allowed"}"#).unwrap_err();
        assert_eq!((e.code(), e.to_string()), (codes::AUTHORIZATION_REGISTRATION, "client registration was refused: invalid_redirect_uri (not allowed)".into()));
        for (status, body) in [(201, r#"{"client_id":""}"#), (201, "{}"), (404, "")] {
            assert_eq!(code(registration(status, body)), codes::AUTHORIZATION_REGISTRATION, "{body}");
        }
    }

    #[test]
    fn stored_grants_round_trip_without_the_secret_and_only_for_their_resource() {
        let g = Grant {
            access_token: "at \"quoted\"".into(),
            refresh_token: Some("rt".into()),
            expires_at: Some(1_767_000_000_000.0),
            scope: None,
            token_endpoint: "https://as.example/token".into(),
            client_id: "c1".into(),
            secret: Some("s3cret".into()),
            how: ClientAuth::Basic,
            resource: "https://mcp.example/mcp".into(),
            dpop_proofs: false,
            dpop_bound: false,
        };
        let text = encode_grant(&g);
        assert!(!text.contains("s3cret"), "{text}");
        let back = decode_grant(obj(&text).as_ref(), "https://mcp.example/mcp").expect("decodes");
        assert_eq!(back, Grant { secret: None, ..g.clone() });
        // Another resource (even a prefix of it), another version, a broken or insecure field: nothing.
        assert_eq!(decode_grant(obj(&text).as_ref(), "https://mcp.example/"), None);
        for (from, to) in [(r#""v":1"#, r#""v":2"#), ("https://as.example", "http://as.example"), (r#""access_token":"at"#, r#""access_token":"#), ("client_secret_basic", "private_key_jwt"), ("1767000000000", r#""soon""#)] {
            let bad = text.replacen(from, to, 1);
            assert_ne!(bad, text, "{from}");
            assert_eq!(decode_grant(obj(&bad).as_ref(), "https://mcp.example/mcp"), None, "{bad}");
        }
        assert_eq!(decode_grant(obj("[]").as_ref(), "https://mcp.example/mcp"), None);
        // A resource that covers the server (its origin) is the server's.
        let wide = Grant { resource: "https://mcp.example/".into(), secret: None, ..g.clone() };
        assert_eq!(decode_grant(obj(&encode_grant(&wide)).as_ref(), "https://mcp.example/mcp").as_ref(), Some(&wide));
        assert_eq!(decode_grant(obj(&encode_grant(&wide)).as_ref(), "https://mcp.example.evil/mcp"), None);
        let minimal = Grant { refresh_token: None, expires_at: None, how: ClientAuth::None, secret: None, ..g };
        assert_eq!(decode_grant(obj(&encode_grant(&minimal)).as_ref(), "https://mcp.example/mcp"), Some(minimal));
    }

    #[test]
    fn pending_flows_round_trip_and_are_refused_when_broken() {
        let grant = Grant {
            access_token: String::new(),
            refresh_token: None,
            expires_at: None,
            scope: Some("mcp".into()),
            token_endpoint: "https://as.example/token".into(),
            client_id: "c1".into(),
            secret: None,
            how: ClientAuth::None,
            resource: "https://mcp.example/mcp".into(),
            dpop_proofs: false,
            dpop_bound: false,
        };
        let p = PendingFlow {
            server_url: "https://mcp.example/mcp".into(),
            issuer: "https://as.example".into(),
            iss_supported: true,
            verifier: "v".repeat(43),
            redirect_uri: "https://app.example/back".into(),
            grant,
        };
        let text = encode_pending(&p);
        assert_eq!(decode_pending(obj(&text).as_ref()), Some(p.clone()));
        for (from, to) in [(r#""server_url":"https://mcp.example/mcp""#, r#""server_url":"https://other.example/mcp""#), (&*"v".repeat(43), "short"), (r#""issuer":"#, r#""issuer_":"#)] {
            let bad = text.replacen(from, to, 1);
            assert_ne!(bad, text, "{from}");
            assert_eq!(decode_pending(obj(&bad).as_ref()), None, "{bad}");
        }
        assert!(pending_key("s1").ends_with(":s1"));
    }
}
