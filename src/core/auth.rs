//! What a server says when it wants authorization: the `WWW-Authenticate` challenges of a 401
//! or 403 (RFC 9110 §11.6.1), and the Bearer parameters MCP's authorization uses
//! (`resource_metadata` of RFC 9728, `scope`, `error` of RFC 6750), and DPoP's (RFC 9449).
//!
//! With `auth` the client acts on them; without, it reports them to the app in a typed error,
//! so an app that obtains a token its own way knows where to start.

/// One challenge: the scheme (lowercase) and either a token68 or parameters (names lowercase,
/// values unquoted), in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: String,
    pub token68: Option<String>,
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// The first parameter of that (lowercase) name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// What a Bearer challenge tells an MCP client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BearerHint {
    /// The URL of the Protected Resource Metadata document (RFC 9728 §5.1).
    pub resource_metadata: Option<String>,
    /// The scopes the request needs, space-separated.
    pub scope: Option<String>,
    /// `invalid_token`, `insufficient_scope`, …
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// The server sent a DPoP challenge (RFC 9449 §7.1): it takes DPoP-bound tokens.
    pub dpop: bool,
}

/// The Bearer challenge among a header's challenges, else the DPoP one (RFC 9449 §7.1: same
/// parameters). A DPoP challenge that asks for a nonce wins: that is what the request needs.
pub fn bearer_hint(header: &str) -> Option<BearerHint> {
    let challenges = parse_www_authenticate(header);
    let dpop = || challenges.iter().filter(|c| c.scheme == "dpop");
    let c = dpop()
        .find(|c| c.param("error") == Some(USE_DPOP_NONCE))
        .or_else(|| challenges.iter().find(|c| c.scheme == "bearer"))
        .or_else(|| dpop().next())?;
    let get = |name| c.param(name).map(str::to_owned);
    Some(BearerHint {
        resource_metadata: get("resource_metadata"),
        scope: get("scope"),
        error: get("error"),
        error_description: get("error_description"),
        dpop: dpop().next().is_some(),
    })
}

/// The `error` of a DPoP challenge that asks the client to sign its proofs with a nonce.
pub const USE_DPOP_NONCE: &str = "use_dpop_nonce";

/// A header's bound: servers send a few hundred bytes; a longer one is read this far only.
const MAX_HEADER: usize = 8192;

/// Parses a `WWW-Authenticate` value into its challenges. Lenient where servers are sloppy
/// (extra commas and spaces, an unterminated quoted string ends the value); never fails: what
/// cannot be read is skipped.
pub fn parse_www_authenticate(header: &str) -> Vec<Challenge> {
    let mut end = header.len().min(MAX_HEADER);
    while !header.is_char_boundary(end) {
        end -= 1;
    }
    let mut s = Scanner { b: &header.as_bytes()[..end], i: 0 };
    let mut out: Vec<Challenge> = Vec::new();
    loop {
        s.skip(|c| c == b',' || is_ws(c));
        if s.at_end() {
            return out;
        }
        let Some(name) = s.token() else {
            s.i += 1; // not a token character: skip it
            continue;
        };
        let after_name = s.i;
        s.skip(is_ws);
        match (s.peek(), out.last_mut()) {
            // `name = value`: a parameter of the current challenge (if the value is not a
            // token68's padding).
            (Some(b'='), Some(current)) if current.token68.is_none() && !s.padding_then_end() => {
                s.i += 1;
                s.skip(is_ws);
                let value = s.quoted().or_else(|| s.token()).unwrap_or_default();
                current.params.push((name.to_ascii_lowercase(), value));
            }
            _ => {
                // A new challenge; a token68 may follow its scheme after spaces.
                s.i = after_name;
                let mut challenge = Challenge { scheme: name.to_ascii_lowercase(), token68: None, params: Vec::new() };
                if s.peek().is_some_and(is_ws) {
                    s.skip(is_ws);
                    let start = s.i;
                    if let Some(mut t) = s.token68() {
                        if s.padding_then_end() {
                            while s.peek() == Some(b'=') {
                                t.push('=');
                                s.i += 1;
                            }
                            challenge.token68 = Some(t);
                        } else {
                            s.i = start; // a parameter name, read by the next round
                        }
                    }
                }
                out.push(challenge);
            }
        }
        s.skip(|c| c != b',' && !is_ws(c) && !is_tchar(c)); // stray bytes up to the next item
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn at_end(&self) -> bool {
        self.i >= self.b.len()
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn skip(&mut self, mut f: impl FnMut(u8) -> bool) {
        while self.peek().is_some_and(&mut f) {
            self.i += 1;
        }
    }
    fn take(&mut self, f: impl FnMut(u8) -> bool) -> Option<String> {
        let start = self.i;
        self.skip(f);
        (self.i > start).then(|| String::from_utf8_lossy(&self.b[start..self.i]).into_owned())
    }
    fn token(&mut self) -> Option<String> {
        self.take(is_tchar)
    }
    /// The characters of a token68 before its `=` padding.
    fn token68(&mut self) -> Option<String> {
        self.take(|c| c.is_ascii_alphanumeric() || b"-._~+/".contains(&c))
    }
    /// At `=`: whether only `=`s, then spaces, then a comma or the end follow (a token68's
    /// padding, not a parameter).
    fn padding_then_end(&self) -> bool {
        let mut j = self.i;
        while self.b.get(j) == Some(&b'=') {
            j += 1;
        }
        while self.b.get(j).copied().is_some_and(is_ws) {
            j += 1;
        }
        matches!(self.b.get(j), None | Some(b','))
    }
    /// A quoted string, unescaped; an unterminated one runs to the end.
    fn quoted(&mut self) -> Option<String> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.i += 1;
        let mut value = Vec::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    if let Some(escaped) = self.peek() {
                        value.push(escaped);
                        self.i += 1;
                    }
                }
                c => value.push(c),
            }
        }
        Some(String::from_utf8_lossy(&value).into_owned())
    }
}

fn is_ws(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// RFC 9110 `tchar`.
fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(scheme: &str, token68: Option<&str>, params: &[(&str, &str)]) -> Challenge {
        Challenge {
            scheme: scheme.into(),
            token68: token68.map(Into::into),
            params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn mcp_bearer_challenge() {
        let h = r#"Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", scope="files:read files:write""#;
        assert_eq!(
            bearer_hint(h).unwrap(),
            BearerHint {
                resource_metadata: Some("https://mcp.example.com/.well-known/oauth-protected-resource".into()),
                scope: Some("files:read files:write".into()),
                error: None,
                error_description: None,
                dpop: false,
            }
        );
    }

    #[test]
    fn dpop_challenges() {
        let meta = "https://mcp.example/.well-known/oauth-protected-resource/mcp";
        let only_dpop = bearer_hint(&format!(r#"DPoP resource_metadata="{meta}", algs="ES256""#)).unwrap();
        assert_eq!((only_dpop.resource_metadata.as_deref(), only_dpop.dpop), (Some(meta), true));
        // Both schemes: the Bearer parameters, unless the DPoP one asks for a nonce.
        let both = format!(r#"Bearer resource_metadata="{meta}", DPoP algs="ES256""#);
        assert_eq!(bearer_hint(&both).map(|h| (h.resource_metadata, h.dpop)), Some((Some(meta.to_owned()), true)));
        let nonce = format!(r#"Bearer resource_metadata="{meta}", DPoP error="use_dpop_nonce", error_description="fresh""#);
        let hint = bearer_hint(&nonce).unwrap();
        assert_eq!((hint.error.as_deref(), hint.resource_metadata), (Some(USE_DPOP_NONCE), None));
    }

    #[test]
    fn several_challenges_token68_and_unquoted_values() {
        let h = r#"Basic realm="simple", Newauth realm="apps", type=1, title="Login to \"apps\"", Negotiate YII=, Bearer error=insufficient_scope,scope=admin"#;
        assert_eq!(
            parse_www_authenticate(h),
            vec![
                c("basic", None, &[("realm", "simple")]),
                c("newauth", None, &[("realm", "apps"), ("type", "1"), ("title", "Login to \"apps\"")]),
                c("negotiate", Some("YII="), &[]),
                c("bearer", None, &[("error", "insufficient_scope"), ("scope", "admin")]),
            ]
        );
    }

    #[test]
    fn case_spaces_and_empty_items() {
        assert_eq!(
            parse_www_authenticate(" ,BEARER  Scope = \"a b\" ,, ERROR=\"invalid_token\" , "),
            vec![c("bearer", None, &[("scope", "a b"), ("error", "invalid_token")])]
        );
        assert_eq!(parse_www_authenticate("Bearer"), vec![c("bearer", None, &[])]);
        assert_eq!(parse_www_authenticate(""), vec![]);
        assert_eq!(bearer_hint("Basic realm=x"), None);
    }

    #[test]
    fn garbage_is_skipped_not_fatal() {
        assert_eq!(parse_www_authenticate("Bearer scope=\"unterminated"), vec![c("bearer", None, &[("scope", "unterminated")])]);
        assert_eq!(parse_www_authenticate("@@ Bearer x=1"), vec![c("bearer", None, &[("x", "1")])]);
        assert_eq!(parse_www_authenticate("Bearer x=\"\", y=2"), vec![c("bearer", None, &[("x", ""), ("y", "2")])]);
        // `x=` alone is a token68 (the grammar's own ambiguity); what follows is no challenge.
        assert_eq!(parse_www_authenticate("Bearer x=, =2")[0], c("bearer", Some("x="), &[]));
        let long = format!("Bearer scope=\"{}\"", "é".repeat(10_000));
        assert_eq!(parse_www_authenticate(&long)[0].param("scope").unwrap().chars().count(), (MAX_HEADER - 14) / 2);
    }
}
