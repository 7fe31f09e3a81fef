//! The elicitation URL policy on what a WHATWG URL parser makes of arbitrary text (the browser
//! edge fills `UrlFacts` the same way from the engine's `URL`): only https, or http to a
//! loopback host, without credentials, is ever allowed; the host shown to the user is the
//! IDNA Unicode form of the real host, and what is emphasised is a suffix of it. The punycode
//! decoder agrees with the IDNA crate's wherever it accepts a label.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_web_client::core::elicitation::{check_url, punycode_decode, UrlFacts, Warning};

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else { return };

    if let Some(ours) = punycode_decode(text) {
        let theirs = idna::punycode::decode_to_string(text);
        assert_eq!(Some(&ours), theirs.as_ref(), "punycode {text:?}");
    }

    let Ok(url) = url::Url::parse(text) else { return };
    let protocol = format!("{}:", url.scheme());
    let hostname = url.host_str().unwrap_or("");
    let has_credentials = !url.username().is_empty() || url.password().is_some();
    let Ok(view) = check_url(&UrlFacts { protocol: &protocol, hostname, has_credentials }) else { return };

    assert!(!has_credentials);
    let loopback = hostname == "localhost" || hostname == "[::1]" || hostname.starts_with("127.");
    match url.scheme() {
        "https" => {}
        "http" => {
            assert!(loopback, "http to {hostname}");
            assert!(view.warnings.contains(&Warning::InsecureLoopback));
        }
        other => panic!("scheme {other} allowed"),
    }
    match url.host() {
        Some(url::Host::Domain(_)) => {
            let (unicode, result) = idna::domain_to_unicode(hostname);
            if result.is_ok() {
                assert_eq!(view.display, unicode, "display of {hostname}");
            }
            assert_eq!(view.warnings.contains(&Warning::Punycode), hostname.split('.').any(|l| l.starts_with("xn--")));
        }
        Some(_) => assert!(view.warnings.contains(&Warning::IpAddress), "{hostname}"),
        None => panic!("allowed without a host"),
    }
    assert!(view.display.ends_with(&view.registrable_domain), "{view:?}");
});
