//! DPoP proofs (RFC 9449): the JWT a client signs for each request that uses a sender-constrained
//! token, so that a stolen token is useless without the key. The key and the signature are the
//! browser's (WebCrypto, ES256, the private key not extractable); this module writes the JSON,
//! the base64url and the compact serialisation, and reads the `use_dpop_nonce` challenges.

use super::jsonrpc::quote;
use super::oauth::base64url;

/// The one algorithm the client signs with: ECDSA P-256 and SHA-256, what every AS that offers
/// DPoP accepts and what WebCrypto does everywhere.
pub const ALG: &str = "ES256";

/// Whether an authorization server's `dpop_signing_alg_values_supported` lets us bind tokens.
pub fn offered(algs: &[String]) -> bool {
    algs.iter().any(|a| a == ALG)
}

/// The protected header, base64url-encoded: the proof carries its public key (`x`, `y` are
/// the base64url coordinates WebCrypto exports), never the private part.
pub fn header(x: &str, y: &str) -> String {
    let json = format!(r#"{{"typ":"dpop+jwt","alg":"{ALG}","jwk":{{"kty":"EC","crv":"P-256","x":{},"y":{}}}}}"#, quote(x), quote(y));
    base64url(json.as_bytes())
}

/// `htu`: the request URL without its query and fragment (RFC 9449 §4.2).
pub fn htu(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// `scheme://authority` of a URL: nonces are per server (RFC 9449 §8, §9), kept by origin.
pub fn origin(url: &str) -> &str {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url;
    };
    let end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    &url[..end]
}

/// What one proof claims: a fresh `jti`, the method and URL of the request, the time in whole
/// seconds, and for a resource request the token's hash (`ath`); the server's nonce when it asked.
pub struct Claims<'a> {
    pub jti: &'a str,
    pub method: &'a str,
    pub url: &'a str,
    pub iat: u64,
    pub ath: Option<&'a str>,
    pub nonce: Option<&'a str>,
}

/// `header.payload`, the bytes the key signs.
pub fn signing_input(header: &str, c: &Claims<'_>) -> String {
    let mut payload = format!(r#"{{"jti":{},"htm":{},"htu":{},"iat":{}"#, quote(c.jti), quote(c.method), quote(htu(c.url)), c.iat);
    for (key, value) in [("ath", c.ath), ("nonce", c.nonce)] {
        if let Some(v) = value {
            payload.push_str(&format!(",\"{key}\":{}", quote(v)));
        }
    }
    payload.push('}');
    format!("{header}.{}", base64url(payload.as_bytes()))
}

/// The compact JWS: the signing input and the signature (for ES256, `r || s`, as WebCrypto
/// returns it and as JWS wants it).
pub fn proof(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", base64url(signature))
}

/// `ath`: the base64url SHA-256 of the access token (RFC 9449 §4.2).
pub fn ath(sha256_of_token: &[u8; 32]) -> String {
    base64url(sha256_of_token)
}

/// The value for the `DPoP-Nonce` a server sent, if it is one a proof can carry: printable ASCII
/// without quotes or backslashes (RFC 9449 §8.1), and of reasonable length.
pub fn nonce(header: Option<String>) -> Option<String> {
    header.map(|h| h.trim().to_owned()).filter(|n| !n.is_empty() && n.len() <= 1024 && n.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(part: &str) -> serde_json::Value {
        let std = part.replace('-', "+").replace('_', "/");
        let padded = format!("{std}{}", "=".repeat((4 - std.len() % 4) % 4));
        serde_json::from_slice(&base64_decode(&padded)).unwrap()
    }

    fn base64_decode(s: &str) -> Vec<u8> {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u32, 0);
        for c in s.bytes().filter(|&c| c != b'=') {
            acc = acc << 6 | A.iter().position(|&a| a == c).unwrap() as u32;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
            }
        }
        out
    }

    #[test]
    fn header_carries_the_public_key_only() {
        let h = decode(&header("x-coord", "y\"coord"));
        assert_eq!(h, serde_json::json!({"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":"x-coord","y":"y\"coord"}}));
    }

    #[test]
    fn claims_of_a_token_request_and_of_a_resource_request() {
        let h = header("x", "y");
        let token = signing_input(&h, &Claims { jti: "j1", method: "POST", url: "https://as.example/token?a=1#f", iat: 1_700_000_000, ath: None, nonce: None });
        let (head, payload) = token.split_once('.').unwrap();
        assert_eq!(head, h);
        assert_eq!(decode(payload), serde_json::json!({"jti":"j1","htm":"POST","htu":"https://as.example/token","iat":1_700_000_000u64}));

        let mcp = signing_input(&h, &Claims { jti: "j2", method: "GET", url: "https://mcp.example/mcp", iat: 5, ath: Some("hash"), nonce: Some("n-1") });
        let payload = decode(mcp.split_once('.').unwrap().1);
        assert_eq!(payload, serde_json::json!({"jti":"j2","htm":"GET","htu":"https://mcp.example/mcp","iat":5,"ath":"hash","nonce":"n-1"}));

        let jws = proof(&mcp, &[0xfb, 0xff]);
        assert_eq!(jws.matches('.').count(), 2);
        assert!(jws.ends_with(".-_8"), "{jws}");
    }

    #[test]
    fn origins_key_the_nonces() {
        assert_eq!(origin("https://as.example:8443/token?x#y"), "https://as.example:8443");
        assert_eq!(origin("http://127.0.0.1:9/"), "http://127.0.0.1:9");
        assert_eq!(origin("https://mcp.example"), "https://mcp.example");
        assert_eq!(origin("https://mcp.example?q"), "https://mcp.example");
        assert_eq!(origin("not a url"), "not a url");
    }

    #[test]
    fn ath_is_base64url_of_the_hash() {
        let a = ath(&[0xff; 32]);
        assert_eq!(a.len(), 43);
        assert!(!a.contains(['+', '/', '=']));
    }

    #[test]
    fn nonces_that_cannot_go_in_a_proof_are_refused() {
        assert_eq!(nonce(Some(" abc-123 ".into())).as_deref(), Some("abc-123"));
        for bad in ["", "has space", "quo\"te", "back\\slash", "ta\tb", "ünï"] {
            assert_eq!(nonce(Some(bad.into())), None, "{bad:?}");
        }
        assert_eq!(nonce(Some("n".repeat(1025))), None);
        assert_eq!(nonce(None), None);
    }

    #[test]
    fn only_es256_counts_as_offered() {
        assert!(offered(&["RS256".into(), "ES256".into()]));
        assert!(!offered(&["RS256".into()]));
        assert!(!offered(&[]));
    }
}
