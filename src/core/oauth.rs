//! OAuth 2.1 for MCP servers, the part that needs no network: where to look for metadata, what
//! to accept from it, the authorization request, the callback, and the token and registration
//! exchanges (MCP authorization, 2025-11-25 and 2026-07-28; RFC 9728, 8414, 8707, 7636, 9207,
//! 7591).
//!
//! URLs come in as the browser's parser wrote them (`URL.href`, `URL.origin`, `URL.pathname`):
//! lowercase scheme and host, no default port, a path that starts with `/`. The edge fetches,
//! draws the random bytes and the SHA-256 (WebCrypto) and opens the window; this module decides.

use serde::Deserialize;

use super::error::{AuthFailure, Error};

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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProtectedResource {
    pub resource: String,
    #[serde(default)]
    pub authorization_servers: Vec<String>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
}

/// Reads a Protected Resource Metadata document for `server_url` (the MCP endpoint's href). Its
/// `resource` must be the server URL itself or a prefix of it at a path boundary, on the same
/// origin (RFC 9728 §3.3: a document for another resource is refused, it may be an attack), and
/// it must name an authorization server.
pub fn parse_protected_resource(text: &str, server_url: &str) -> Result<ProtectedResource, Error> {
    let doc: ProtectedResource =
        serde_json::from_str(text).map_err(|e| discovery(format!("the protected resource metadata is not valid: {e}")))?;
    if !resource_covers(&doc.resource, server_url) {
        return Err(discovery(format!(
            "the protected resource metadata is for \"{}\", not for this server ({server_url})",
            doc.resource
        )));
    }
    if doc.authorization_servers.is_empty() {
        return Err(discovery("the protected resource metadata names no authorization server".into()));
    }
    Ok(doc)
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AuthServer {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub registration_endpoint: Option<String>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    #[serde(default)]
    pub response_types_supported: Vec<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    #[serde(default)]
    pub client_id_metadata_document_supported: bool,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    #[serde(default)]
    pub dpop_signing_alg_values_supported: Vec<String>,
}

/// Reads an authorization server's metadata fetched for `expected_issuer`. Refused: an `issuer`
/// that is not exactly the one asked for (RFC 8414 §3.3), no PKCE `S256` (MCP: a client MUST
/// refuse to proceed without it), endpoints that are neither `https:` nor loopback `http:`.
pub fn parse_auth_server(text: &str, expected_issuer: &str) -> Result<AuthServer, Error> {
    let doc: AuthServer =
        serde_json::from_str(text).map_err(|e| discovery(format!("the authorization server metadata is not valid: {e}")))?;
    if doc.issuer != expected_issuer {
        return Err(discovery(format!(
            "the authorization server metadata names issuer \"{}\", not \"{expected_issuer}\"",
            doc.issuer
        )));
    }
    if !doc.code_challenge_methods_supported.iter().any(|m| m == "S256") {
        return Err(discovery("the authorization server does not support PKCE with S256".into()));
    }
    if !doc.response_types_supported.is_empty() && !doc.response_types_supported.iter().any(|t| t == "code") {
        return Err(discovery("the authorization server does not offer the authorization code flow".into()));
    }
    let endpoints = [Some(&doc.authorization_endpoint), Some(&doc.token_endpoint), doc.registration_endpoint.as_ref()];
    if let Some(bad) = endpoints.into_iter().flatten().find(|u| !secure_url(u)) {
        return Err(discovery(format!("the authorization server endpoint \"{bad}\" is neither https: nor loopback http:")));
    }
    Ok(doc)
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

/// The token request body for an authorization code (RFC 6749 §4.1.3, PKCE, RFC 8707).
pub fn token_request_code(code: &str, redirect_uri: &str, client_id: &str, code_verifier: &str, resource: &str) -> String {
    form_encode(&[
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", client_id),
        ("code_verifier", code_verifier),
        ("resource", resource),
    ])
}

/// The token request body for a refresh (RFC 6749 §6, RFC 8707).
pub fn token_request_refresh(refresh_token: &str, client_id: &str, resource: &str) -> String {
    form_encode(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("client_id", client_id), ("resource", resource)])
}

/// A token response (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: String,
    #[serde(default)]
    pub expires_in: Option<f64>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Reads the token endpoint's answer: the tokens of a 200 whose `token_type` is Bearer (or DPoP,
/// when the client asked for it); the server's `error`/`error_description` otherwise.
pub fn parse_token_response(status: u16, text: &str, dpop: bool) -> Result<Tokens, Error> {
    let token_error = |error: String, description: Option<String>| Error::Authorization(AuthFailure::Token { error, description });
    if status != 200 {
        return Err(match serde_json::from_str::<OAuthErrorBody>(text) {
            Ok(e) => token_error(e.error, e.error_description),
            Err(_) => token_error(format!("HTTP {status}"), None),
        });
    }
    let tokens: Tokens = serde_json::from_str(text).map_err(|e| token_error("invalid_response".into(), Some(format!("the token response is not valid: {e}"))))?;
    let kind_ok = tokens.token_type.eq_ignore_ascii_case("bearer") || (dpop && tokens.token_type.eq_ignore_ascii_case("dpop"));
    if tokens.access_token.is_empty() || !kind_ok {
        return Err(token_error(
            "invalid_response".into(),
            Some(format!("unusable token (type \"{}\")", tokens.token_type)),
        ));
    }
    if tokens.expires_in.is_some_and(|e| !e.is_finite() || e < 0.0) {
        return Err(token_error("invalid_response".into(), Some("expires_in is not a non-negative number".into())));
    }
    Ok(tokens)
}

/// The Dynamic Client Registration request (RFC 7591 §2) of a browser app: a public client
/// (`token_endpoint_auth_method: none`) with its redirect URI, as a `web` application.
pub fn registration_request(redirect_uri: &str, client_name: &str, client_uri: Option<&str>, scope: Option<&str>) -> String {
    let mut o = serde_json::json!({
        "redirect_uris": [redirect_uri],
        "client_name": client_name,
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        "application_type": "web",
    });
    if let Some(uri) = client_uri {
        o["client_uri"] = uri.into();
    }
    if let Some(scope) = scope {
        o["scope"] = scope.into();
    }
    o.to_string()
}

/// What registration returned (RFC 7591 §3.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Registration {
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
}

/// Reads the registration endpoint's answer: a 201 (or 200) with a `client_id`; otherwise the
/// server's `error`/`error_description`.
pub fn parse_registration(status: u16, text: &str) -> Result<Registration, Error> {
    let refused = |error: Option<String>, description: Option<String>| Error::Authorization(AuthFailure::Registration { error, description });
    if status != 201 && status != 200 {
        return Err(match serde_json::from_str::<OAuthErrorBody>(text) {
            Ok(e) => refused(Some(e.error), e.error_description),
            Err(_) => refused(None, Some(format!("HTTP {status}"))),
        });
    }
    match serde_json::from_str::<Registration>(text) {
        Ok(r) if !r.client_id.is_empty() => Ok(r),
        Ok(_) => Err(refused(None, Some("the registration response has an empty client_id".into()))),
        Err(e) => Err(refused(None, Some(format!("the registration response is not valid: {e}")))),
    }
}

fn discovery(why: String) -> Error {
    Error::Authorization(AuthFailure::Discovery(why))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::codes;

    fn code(r: Result<impl std::fmt::Debug, Error>) -> i64 {
        r.expect_err("expected an error").code()
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
        let ok = parse_protected_resource(&doc("https://m.example/mcp"), "https://m.example/mcp").unwrap();
        assert_eq!(ok.authorization_servers, ["https://as.example"]);
        assert_eq!(ok.scopes_supported, ["a", "b"]);
        // A prefix at a path boundary covers the server; the origin alone too.
        assert!(parse_protected_resource(&doc("https://m.example/"), "https://m.example/mcp?x=1").is_ok());
        assert!(parse_protected_resource(&doc("https://m.example"), "https://m.example/mcp").is_ok());
        for other in ["https://m.example/mcp2", "https://m.example.evil/mcp", "https://evil.example/mcp", "https://m.example:8443/mcp", "", "https://"] {
            assert_eq!(code(parse_protected_resource(&doc(other), "https://m.example/mcp")), codes::AUTHORIZATION_DISCOVERY, "{other}");
        }
        assert!(!resource_covers("https://m.example/mcp", "https://m.example/mcp2"));
        assert!(!resource_covers("https://m.example/mcp/x", "https://m.example/mcp"));
        let none = r#"{"resource":"https://m.example/mcp","authorization_servers":[]}"#;
        assert_eq!(code(parse_protected_resource(none, "https://m.example/mcp")), codes::AUTHORIZATION_DISCOVERY);
        assert_eq!(code(parse_protected_resource("<html>", "https://m.example/mcp")), codes::AUTHORIZATION_DISCOVERY);
        assert_eq!(code(parse_protected_resource(r#"{"resource":1}"#, "https://m.example/mcp")), codes::AUTHORIZATION_DISCOVERY);
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
        let a = parse_auth_server(AS, "https://as.example/t1").unwrap();
        assert_eq!(a.token_endpoint, "https://as.example/t1/token");
        assert!(a.authorization_response_iss_parameter_supported);
        assert!(!a.client_id_metadata_document_supported);
        // The issuer must be exactly the one asked for: a trailing slash is another issuer.
        assert_eq!(code(parse_auth_server(AS, "https://as.example/t1/")), codes::AUTHORIZATION_DISCOVERY);
        assert_eq!(code(parse_auth_server(AS, "https://evil.example/t1")), codes::AUTHORIZATION_DISCOVERY);
        let no_pkce = AS.replace(r#"["plain", "S256"]"#, r#"["plain"]"#);
        assert_eq!(code(parse_auth_server(&no_pkce, "https://as.example/t1")), codes::AUTHORIZATION_DISCOVERY);
        let absent_pkce = AS.replace(r#""code_challenge_methods_supported": ["plain", "S256"],"#, "");
        assert_eq!(code(parse_auth_server(&absent_pkce, "https://as.example/t1")), codes::AUTHORIZATION_DISCOVERY);
        let no_code = AS.replace(r#"["code"]"#, r#"["token"]"#);
        assert_eq!(code(parse_auth_server(&no_code, "https://as.example/t1")), codes::AUTHORIZATION_DISCOVERY);
        let plain_http = AS.replace("https://as.example/t1/token", "http://as.example/t1/token");
        let e = parse_auth_server(&plain_http, "https://as.example/t1").unwrap_err();
        assert!(e.to_string().contains("http://as.example/t1/token"), "{e}");
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
        assert!(!with_query.contains("frag") && !with_query.contains("scope="), "{with_query}");
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
            token_request_code("c/1", "https://app.example/cb", "id", "v", "https://m.example/mcp"),
            "grant_type=authorization_code&code=c%2F1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&client_id=id&code_verifier=v\
             &resource=https%3A%2F%2Fm.example%2Fmcp"
        );
        assert_eq!(token_request_refresh("r", "id", "https://m"), "grant_type=refresh_token&refresh_token=r&client_id=id&resource=https%3A%2F%2Fm");
    }

    #[test]
    fn token_responses_are_checked() {
        let t = parse_token_response(200, r#"{"access_token":"at","token_type":"bearer","expires_in":3600,"refresh_token":"rt","scope":"a"}"#, false).unwrap();
        assert_eq!((t.access_token.as_str(), t.expires_in, t.refresh_token.as_deref()), ("at", Some(3600.0), Some("rt")));
        let dpop = r#"{"access_token":"at","token_type":"DPoP"}"#;
        assert!(parse_token_response(200, dpop, true).is_ok());
        assert_eq!(code(parse_token_response(200, dpop, false)), codes::AUTHORIZATION_TOKEN);
        let e = parse_token_response(400, r#"{"error":"invalid_grant","error_description":"code used"}"#, false).unwrap_err();
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
            assert_eq!(code(parse_token_response(status, body, false)), codes::AUTHORIZATION_TOKEN, "{body}");
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
        assert_eq!(parse_registration(201, r#"{"client_id":"c1","client_id_issued_at":1}"#).unwrap().client_id, "c1");
        let e = parse_registration(400, r#"{"error":"invalid_redirect_uri","error_description":"not allowed"}"#).unwrap_err();
        assert_eq!((e.code(), e.to_string()), (codes::AUTHORIZATION_REGISTRATION, "client registration was refused: invalid_redirect_uri (not allowed)".into()));
        for (status, body) in [(201, r#"{"client_id":""}"#), (201, "{}"), (404, "")] {
            assert_eq!(code(parse_registration(status, body)), codes::AUTHORIZATION_REGISTRATION, "{body}");
        }
    }
}
