//! URL-mode elicitation rules: which URLs the client may open, how their host is shown before
//! consent, how often a server may ask, and which completion messages count.
//!
//! Pure decisions only. The edge parses the URL with the browser's `URL` (so this module never
//! re-implements WHATWG URL parsing), opens the popup and listens for messages; it asks this
//! module whether each step is allowed. Nothing here opens, fetches or probes a URL.

use super::error::Error;
use super::jsonrpc::{Field, JsonObject};

// ---------------------------------------------------------------------------------------------
// URL checks
// ---------------------------------------------------------------------------------------------

/// What the browser's URL parser says about an elicitation URL (the edge fills it from `new URL()`).
#[derive(Debug, Clone, Copy)]
pub struct UrlFacts<'a> {
    /// The scheme with its colon, e.g. `"https:"`.
    pub protocol: &'a str,
    /// ASCII, as `URL` gives it: `"xn--…"`, `"127.0.0.1"`, `"[::1]"`.
    pub hostname: &'a str,
    /// A username or password is present.
    pub has_credentials: bool,
}

/// How to show an elicitation URL's host to the user before they consent.
#[derive(Debug, Clone, PartialEq)]
pub struct HostView {
    /// The Unicode form of the host (punycode labels decoded).
    pub display: String,
    /// The part to emphasise (Unicode). A heuristic, see [`registrable_domain`].
    pub registrable_domain: String,
    pub warnings: Vec<Warning>,
}

/// Something about a URL the user should know before consenting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// A host label is punycode (`xn--`): what the user reads is not what the ASCII says.
    Punycode,
    /// One host label mixes letters of different scripts (e.g. Latin with Cyrillic).
    MixedScript,
    /// The host is an IPv4 or IPv6 literal.
    IpAddress,
    /// Reserved: [`check_url`] refuses URLs with credentials instead of warning about them.
    Credentials,
    /// Plain `http:` to a loopback host.
    InsecureLoopback,
}

impl Warning {
    pub fn as_str(self) -> &'static str {
        match self {
            Warning::Punycode => "punycode",
            Warning::MixedScript => "mixed-script",
            Warning::IpAddress => "ip-address",
            Warning::Credentials => "credentials",
            Warning::InsecureLoopback => "http-loopback",
        }
    }
}

/// Decides whether an elicitation URL may be offered to the user at all, and how to show its host.
///
/// Allowed: `https:`, or `http:` to `localhost`, `127.0.0.0/8` or `[::1]`. Refused with
/// [`Error::InvalidElicitationUrl`]: every other scheme, `http:` elsewhere, an empty host,
/// credentials in the URL (`user:pass@host` disguises the real host), invalid punycode.
pub fn check_url(facts: &UrlFacts) -> Result<HostView, Error> {
    let refuse = |why: String| Err(Error::InvalidElicitationUrl(why));
    let host = facts.hostname.to_ascii_lowercase();
    let https = facts.protocol.eq_ignore_ascii_case("https:");
    let http = facts.protocol.eq_ignore_ascii_case("http:");
    if !https && !http {
        return refuse(format!(
            "the scheme \"{}\" is not allowed; only https: (or http: on localhost) is",
            facts.protocol
        ));
    }
    if host.is_empty() {
        return refuse("the URL has no host".into());
    }
    if host.chars().any(|c| c.is_control() || c.is_whitespace() || matches!(c, '/' | '\\' | '@' | '?' | '#')) {
        return refuse(format!("the host \"{host}\" is malformed"));
    }
    let ipv6 = host.len() > 2 && host.starts_with('[') && host.ends_with(']');
    let literal = |c: char| c.is_ascii_hexdigit() || c == ':' || c == '.';
    // `get`, not indexing: a str index that can panic pulls char formatting into the module.
    if (ipv6 && !host.get(1..host.len() - 1).is_some_and(|inner| inner.chars().all(literal))) || (!ipv6 && host.contains(['[', ']', ':'])) {
        return refuse(format!("the host \"{host}\" is malformed"));
    }
    let ipv4 = is_ipv4(&host);
    let loopback = host == "localhost" || host == "[::1]" || (ipv4 && host.starts_with("127."));
    if http && !loopback {
        return refuse(format!(
            "http: is only allowed for localhost, 127.0.0.1 and [::1], not for \"{host}\"; use https:"
        ));
    }
    if facts.has_credentials {
        return refuse("the URL carries a username or password (user:pass@host), which disguises the real host".into());
    }

    let mut warnings = Vec::new();
    let (display, registrable_domain) = if ipv4 || ipv6 {
        warnings.push(Warning::IpAddress);
        (host.clone(), host)
    } else {
        let mut labels = Vec::new();
        let (mut puny, mut mixed) = (false, false);
        for label in host.split('.') {
            let label = match label.strip_prefix("xn--") {
                Some(code) => {
                    puny = true;
                    match punycode_decode(code).filter(|s| plausible_label(s)) {
                        Some(s) => s,
                        None => return refuse(format!("the host label \"{label}\" is not valid punycode")),
                    }
                }
                None => label.to_owned(),
            };
            mixed |= mixes_scripts(&label);
            labels.push(label);
        }
        if puny {
            warnings.push(Warning::Punycode);
        }
        if mixed {
            warnings.push(Warning::MixedScript);
        }
        (labels.join("."), registrable_domain(&labels))
    };
    if http {
        warnings.push(Warning::InsecureLoopback);
    }
    Ok(HostView { display, registrable_domain, warnings })
}

/// A dotted-quad IPv4 literal, as the URL parser serialises one.
fn is_ipv4(host: &str) -> bool {
    let mut parts = 0;
    for part in host.split('.') {
        parts += 1;
        if part.is_empty()
            || part.len() > 3
            || !part.bytes().all(|b| b.is_ascii_digit())
            || part.parse::<u16>().map_or(true, |n| n > 255)
        {
            return false;
        }
    }
    parts == 4
}

/// The registrable domain (the part a user should read as "who is this") of a host given as
/// labels, WITHOUT the Public Suffix List, which is too big to ship: the last two labels, or
/// the last three when the top-level domain has two letters and the second level is a common
/// generic one (`example.co.uk`, `example.com.au`). A heuristic: private suffixes such as
/// `github.io` and many national ones are not known, so the result may be too short or too long.
/// A single-label host is its own registrable domain. The result is always a suffix of the
/// labels joined with `.` (a fully qualified name keeps its trailing dot).
pub fn registrable_domain<S: AsRef<str>>(labels: &[S]) -> String {
    const SECOND_LEVEL: [&str; 18] = [
        "ac", "co", "com", "edu", "go", "gob", "gov", "govt", "ltd", "mil", "ne", "net", "nic", "nom", "or", "org",
        "plc", "sch",
    ];
    let mut labels: Vec<&str> = labels.iter().map(|l| l.as_ref()).collect();
    let fqdn = labels.len() > 1 && labels.last() == Some(&"");
    if fqdn {
        labels.pop();
    }
    let n = labels.len();
    let tld = labels.last().copied().unwrap_or("");
    let keep = if n >= 3
        && tld.len() == 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
        && SECOND_LEVEL.contains(&labels[n - 2])
    {
        3
    } else {
        2
    };
    let mut out = labels[n.saturating_sub(keep)..].join(".");
    if fqdn {
        out.push('.');
    }
    out
}

/// Decodes the part of a punycode label after `xn--` (RFC 3492). `None` when it is invalid.
pub fn punycode_decode(input: &str) -> Option<String> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    let (basic, extended) = match input.rsplit_once('-') {
        Some((basic, extended)) if !basic.is_empty() => (basic, extended),
        _ => ("", input),
    };
    // A host name is at most 253 characters; the bound keeps the insertions below cheap.
    if input.len() > 253 || !basic.is_ascii() {
        return None;
    }
    let mut out: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut digits = extended.bytes();
    let mut next = digits.next();
    while next.is_some() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let digit = match next? {
                b @ b'a'..=b'z' => b - b'a',
                b @ b'A'..=b'Z' => b - b'A',
                b @ b'0'..=b'9' => b - b'0' + 26,
                _ => return None,
            } as u32;
            next = digits.next();
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = if k <= bias {
                T_MIN
            } else if k >= bias + T_MAX {
                T_MAX
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u32 + 1;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        if n < 0x80 {
            return None; // basic code points are never encoded
        }
        out.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(out.into_iter().collect())
}

fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > 35 * 26 / 2 {
        delta /= 35;
        k += 36;
    }
    k + 36 * delta / (delta + 38)
}

/// Whether a decoded label could be a real internationalised label. Refused: labels that are
/// pure ASCII (`xn--google-` would display as `google`), and characters that fake host syntax
/// or hide themselves (dot and slash look-alikes, controls, zero-width and bidi controls).
fn plausible_label(label: &str) -> bool {
    !label.is_ascii()
        && label.chars().all(|c| {
            let u = c as u32;
            if c.is_ascii() {
                c.is_ascii_alphanumeric() || c == '-'
            } else {
                !(c.is_control()
                    || c.is_whitespace()
                    || (0x200B..=0x200F).contains(&u)
                    || (0x202A..=0x202E).contains(&u)
                    || (0x2060..=0x206F).contains(&u)
                    || matches!(
                        u,
                        0xFEFF
                            | 0x2024
                            | 0x2044
                            | 0x2215
                            | 0x2571
                            | 0x29F8
                            | 0x3002
                            | 0xFE52
                            | 0xFF0E
                            | 0xFF0F
                            | 0xFF61
                    ))
            }
        })
}

/// The script group of a letter; 0 for characters that belong to no script in particular
/// (digits, `-`, marks) or to scripts this check does not know.
fn script(c: char) -> u8 {
    match c as u32 {
        0x41..=0x5A
        | 0x61..=0x7A
        | 0xC0..=0xD6
        | 0xD8..=0xF6
        | 0xF8..=0x2AF
        | 0x1E00..=0x1EFF
        | 0x2C60..=0x2C7F
        | 0xA720..=0xA7FF => 1,
        0x370..=0x3FF | 0x1F00..=0x1FFF => 2,
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => 3,
        0x531..=0x58F | 0xFB13..=0xFB17 => 4,
        0x591..=0x5FF | 0xFB1D..=0xFB4F => 5,
        0x660..=0x669 | 0x6F0..=0x6F9 => 0, // Arabic-Indic digits
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFE => 6,
        // Han, Hiragana, Katakana, Bopomofo, Hangul: one group, as CJK names mix them.
        0x1100..=0x11FF
        | 0x3040..=0x312F
        | 0x3130..=0x318F
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F
        | 0x20000..=0x3FFFF => 7,
        0x10A0..=0x10FF | 0x2D00..=0x2D2F => 8, // Georgian
        0x900..=0x97F => 9,                     // Devanagari
        0xE00..=0xE7F => 10,                    // Thai
        _ => 0,
    }
}

/// Whether one label mixes letters of different scripts (Latin `a` with Cyrillic `а`, …).
/// Whole-script look-alikes (`аррӏе`, all Cyrillic) are not caught here; the punycode warning is.
fn mixes_scripts(label: &str) -> bool {
    let mut seen = 0;
    for s in label.chars().map(script).filter(|&s| s != 0) {
        if seen != 0 && s != seen {
            return true;
        }
        seen = s;
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Loop guard and rate limit
// ---------------------------------------------------------------------------------------------

/// How many elicitations a server may ask for, and how often the same URL.
#[derive(Debug, Clone, Copy)]
pub struct GuardLimits {
    pub same_url_max: u32,
    pub same_url_window_ms: f64,
    pub max: u32,
    pub window_ms: f64,
}

impl Default for GuardLimits {
    /// The same URL at most 3 times per 60 s; at most 10 elicitations per 60 s.
    fn default() -> Self {
        GuardLimits { same_url_max: 3, same_url_window_ms: 60_000.0, max: 10, window_ms: 60_000.0 }
    }
}

/// Remembers recent elicitations (URL and time) to stop loops and floods. Time is a parameter
/// (milliseconds from any monotonic clock); entries expire by time, and the count is capped.
#[derive(Debug)]
pub struct Guard {
    limits: GuardLimits,
    /// Admitted elicitations, oldest first.
    recent: std::collections::VecDeque<(f64, String)>,
    now: f64,
}

/// A hard bound on what the guard remembers, whatever the limits say.
const GUARD_CAP: usize = 256;

impl Guard {
    pub fn new(limits: GuardLimits) -> Guard {
        Guard { limits, recent: Default::default(), now: f64::MIN }
    }

    /// Admits an elicitation of `url` at `now_ms` and records it, or refuses it (recording
    /// nothing): [`Error::ElicitationLoop`] when this URL was asked for too often,
    /// [`Error::ElicitationRateLimited`] when there were too many elicitations overall.
    /// A clock that goes backwards or is not finite counts as standing still.
    pub fn admit(&mut self, url: &str, now_ms: f64) -> Result<(), Error> {
        if now_ms.is_finite() && now_ms > self.now {
            self.now = now_ms;
        }
        let now = self.now;
        let l = self.limits;
        let within = |t: f64, window: f64| now - t < window;
        let keep = l.window_ms.max(l.same_url_window_ms);
        while self.recent.front().is_some_and(|(t, _)| !within(*t, keep)) {
            self.recent.pop_front();
        }
        let same = self.recent.iter().filter(|(t, u)| u == url && within(*t, l.same_url_window_ms)).count();
        if same >= l.same_url_max as usize {
            return Err(Error::ElicitationLoop { url: url.to_owned() });
        }
        let all = self.recent.iter().filter(|(t, _)| within(*t, l.window_ms)).count();
        if all >= l.max as usize {
            return Err(Error::ElicitationRateLimited { max: l.max, window_ms: l.window_ms as u32 });
        }
        if self.recent.len() >= GUARD_CAP {
            self.recent.pop_front();
        }
        self.recent.push_back((now, url.to_owned()));
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Completion messages
// ---------------------------------------------------------------------------------------------

/// What the completion page reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionStatus {
    Done,
    Cancelled,
}

/// The `type` of a completion message (postMessage and BroadcastChannel).
pub const COMPLETION_TYPE: &str = "mcp:elicitation-complete";
/// The BroadcastChannel name completion pages post on.
pub const COMPLETION_CHANNEL: &str = "mcp:elicitation";

/// Reads a completion message. Exact shape: `type == "mcp:elicitation-complete"`, `status` is
/// `"done"` | `"cancelled"`, `elicitationId` absent or a string. Anything else → `None`.
pub fn parse_completion<O: JsonObject>(message: &O) -> Option<(Option<String>, CompletionStatus)> {
    match message.field("type") {
        Field::String(t) if t == COMPLETION_TYPE => {}
        _ => return None,
    }
    let status = match message.field("status") {
        Field::String(s) if s == "done" => CompletionStatus::Done,
        Field::String(s) if s == "cancelled" => CompletionStatus::Cancelled,
        _ => return None,
    };
    let id = match message.field("elicitationId") {
        Field::Absent => None,
        Field::String(id) => Some(id),
        _ => return None,
    };
    Some((id, status))
}

/// Why a completion message was ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ignored {
    /// `event.origin` is not the URL's origin nor an allow-listed one.
    Origin,
    /// `event.source` is not the popup this client opened.
    Source,
    /// The message names another elicitation (or none, when one is expected).
    Id,
}

/// Whether a completion message is for this elicitation. `allowed_origins` = the URL's origin
/// plus any the app allow-listed; `source_is_popup` = `event.source` is the window we opened
/// (always true for BroadcastChannel, which is same-origin by construction — the edge passes
/// true there); `expected_id` = the elicitation's id when the era has one. When `expected_id`
/// is `Some`, `message_id` must equal it; when `None`, any `message_id` is accepted.
///
/// Origins compare exactly, ASCII case-insensitively; the opaque origin `"null"` never matches.
/// Refusing a replayed (already completed) message is the caller's job.
pub fn completion_matches(
    allowed_origins: &[&str],
    event_origin: &str,
    source_is_popup: bool,
    expected_id: Option<&str>,
    message_id: Option<&str>,
) -> Result<(), Ignored> {
    let opaque = |o: &str| o.is_empty() || o.eq_ignore_ascii_case("null") || o == "*";
    if opaque(event_origin) || !allowed_origins.iter().any(|a| !opaque(a) && a.eq_ignore_ascii_case(event_origin)) {
        return Err(Ignored::Origin);
    }
    if !source_is_popup {
        return Err(Ignored::Source);
    }
    match expected_id {
        Some(expected) if message_id != Some(expected) => Err(Ignored::Id),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(protocol: &str, hostname: &str) -> Result<HostView, Error> {
        check_url(&UrlFacts { protocol, hostname, has_credentials: false })
    }

    fn refused(protocol: &str, hostname: &str) -> String {
        match check(protocol, hostname) {
            Err(Error::InvalidElicitationUrl(why)) => why,
            other => panic!("{protocol}//{hostname} was not refused: {other:?}"),
        }
    }

    #[test]
    fn https_is_allowed_without_warnings() {
        let v = check("https:", "login.example.com").unwrap();
        assert_eq!(
            v,
            HostView {
                display: "login.example.com".into(),
                registrable_domain: "example.com".into(),
                warnings: vec![]
            }
        );
    }

    #[test]
    fn every_other_scheme_is_refused_naming_it() {
        for scheme in
            ["javascript:", "data:", "file:", "blob:", "ftp:", "ws:", "wss:", "about:", "chrome:", "mailto:", ""]
        {
            let why = refused(scheme, "example.com");
            assert!(why.contains(&format!("{scheme:?}")), "{why}");
        }
    }

    #[test]
    fn http_is_refused_on_other_hosts_naming_the_host() {
        for host in ["example.com", "192.168.1.1", "10.0.0.1", "[::2]", "localhost.example.com", "128.0.0.1", "0.0.0.0"]
        {
            let why = refused("http:", host);
            assert!(why.contains(host), "{why}");
        }
    }

    #[test]
    fn http_is_allowed_on_loopback_with_a_warning() {
        let v = check("http:", "localhost").unwrap();
        assert_eq!(v.warnings, vec![Warning::InsecureLoopback]);
        assert_eq!(v.registrable_domain, "localhost");
        for host in ["127.0.0.1", "127.1.2.3", "127.255.255.255", "[::1]"] {
            let v = check("http:", host).unwrap();
            assert_eq!(v.warnings, vec![Warning::IpAddress, Warning::InsecureLoopback], "{host}");
            assert_eq!(v.display, host);
        }
        assert!(check("HTTP:", "LOCALHOST").is_ok());
    }

    #[test]
    fn empty_or_malformed_host_is_refused() {
        assert!(refused("https:", "").contains("no host"));
        for host in
            ["a b.com", "evil.com/x", "a@b.com", "a\u{0}b", "[", "[]", "[::1", "::1", "example.com:443", "[evil.com]"]
        {
            refused("https:", host);
        }
    }

    #[test]
    fn credentials_are_refused() {
        let r = check_url(&UrlFacts { protocol: "https:", hostname: "example.com", has_credentials: true });
        assert!(matches!(r, Err(Error::InvalidElicitationUrl(why)) if why.contains("username or password")));
        let r = check_url(&UrlFacts { protocol: "http:", hostname: "localhost", has_credentials: true });
        assert!(r.is_err());
    }

    #[test]
    fn ip_literals_are_flagged() {
        for host in ["93.184.216.34", "[2001:db8::1]"] {
            let v = check("https:", host).unwrap();
            assert_eq!(v.warnings, vec![Warning::IpAddress]);
            assert_eq!(v.registrable_domain, host);
        }
        // Not IPv4: too many parts, out of range, or a name.
        for host in ["1.2.3.4.5", "1.2.3.256", "1.2.3", "1.2.3.x"] {
            assert!(!check("https:", host).unwrap().warnings.contains(&Warning::IpAddress), "{host}");
        }
    }

    #[test]
    fn punycode_decodes_rfc_3492_samples() {
        let samples = [
            ("egbpdaj6bu4bxfgehfvwxn", "\u{644}\u{64A}\u{647}\u{645}\u{627}\u{628}\u{62A}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64A}\u{61F}"),
            ("ihqwcrb4cv8a8dqg056pqjye", "他们为什么不说中文"),
            ("Proprostnemluvesky-uyb24dma41a", "Pročprostěnemluvíčesky"),
            ("b1abfaaepdrnnbgefbaDotcwatmq2g4l", "почемужеонинеговорятпорусски"),
            ("PorqunopuedensimplementehablarenEspaol-fmd56a", "PorquénopuedensimplementehablarenEspañol"),
            ("TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g", "TạisaohọkhôngthểchỉnóitiếngViệt"),
            ("3B-ww4c5e180e575a65lsy2b", "3年B組金八先生"),
            ("d9juau41awczczp", "そのスピードで"),
            ("-> $1.00 <--", "-> $1.00 <-"),
            ("mnchen-3ya", "münchen"),
        ];
        for (code, text) in samples {
            assert_eq!(punycode_decode(code).as_deref(), Some(text), "{code}");
        }
    }

    #[test]
    fn invalid_punycode_is_refused() {
        // Bad digits, overflow, truncated, a delimiter with no basic code points, non-ASCII basics.
        for code in ["a!b", "99999999999", "-abc", "mnchen-3y", "ü-3ya"] {
            assert_eq!(punycode_decode(code), None, "{code}");
        }
        // Valid punycode of plain ASCII is refused too: "xn--google-" would display as "google".
        assert_eq!(punycode_decode("google-").as_deref(), Some("google"));
        for host in
            ["xn--a!b.com", "xn--99999999999.com", "xn--mnchen-3y.de", "xn--.com", "xn--google-.com", "xn--mxa.xn--a!b"]
        {
            assert!(refused("https:", host).contains("punycode"), "{host}");
        }
    }

    #[test]
    fn punycode_that_fakes_host_syntax_is_refused() {
        // "a。b" and "a⁄b": a dot or slash look-alike inside one label.
        for host in ["xn--ab-r13a.com", "xn--ab-c6t.com"] {
            let decoded = punycode_decode(&host[4..host.len() - 4]).unwrap();
            assert!(!decoded.is_ascii());
            assert!(refused("https:", host).contains("punycode"), "{host}");
        }
    }

    #[test]
    fn punycode_is_shown_decoded_with_a_warning() {
        let v = check("https:", "www.xn--mnchen-3ya.de").unwrap();
        assert_eq!(v.display, "www.münchen.de");
        assert_eq!(v.registrable_domain, "münchen.de");
        assert_eq!(v.warnings, vec![Warning::Punycode]);
        // An all-Cyrillic look-alike of "apple": not mixed, but still punycode.
        let v = check("https:", "xn--80ak6aa92e.com").unwrap();
        assert_eq!(v.display, "аррӏе.com");
        assert_eq!(v.warnings, vec![Warning::Punycode]);
    }

    #[test]
    fn mixed_scripts_in_one_label_are_flagged() {
        // "pаypal" with a Cyrillic "а".
        let v = check("https:", "xn--pypal-4ve.com").unwrap();
        assert_eq!(v.display, "p\u{430}ypal.com");
        assert_eq!(v.warnings, vec![Warning::Punycode, Warning::MixedScript]);
        assert!(mixes_scripts("αa"));
        assert!(mixes_scripts("日本a"));
        assert!(mixes_scripts("שa"));
        assert!(mixes_scripts("аα"));
        // One script per label, digits and hyphens neutral, CJK one group.
        for label in ["münchen", "почта-24", "日本語のカタカナ", "한국어漢字", "123-456", "ελλάδα"]
        {
            assert!(!mixes_scripts(label), "{label}");
        }
        // Different scripts in different labels are not mixed.
        let v = check("https:", "xn--80ak6aa92e.example.com").unwrap();
        assert!(!v.warnings.contains(&Warning::MixedScript));
    }

    #[test]
    fn registrable_domain_is_the_last_two_or_three_labels() {
        let cases = [
            ("a.b.example.com", "example.com"),
            ("x.example.co.uk", "example.co.uk"),
            ("example.co.uk", "example.co.uk"),
            ("shop.example.com.au", "example.com.au"),
            ("a.example.ne.jp", "example.ne.jp"),
            ("www.example.de", "example.de"),
            ("co.uk", "co.uk"),
            ("www.example.com.", "example.com."),
            ("x.example.co.uk.", "example.co.uk."),
            ("intranet", "intranet"),
        ];
        for (host, expected) in cases {
            let v = check("https:", host).unwrap();
            assert_eq!(v.registrable_domain, expected, "{host}");
            assert!(v.display.ends_with(&v.registrable_domain), "a suffix the UI can emphasise");
        }
    }

    #[test]
    fn warning_names_are_stable() {
        let names: Vec<_> = [
            Warning::Punycode,
            Warning::MixedScript,
            Warning::IpAddress,
            Warning::Credentials,
            Warning::InsecureLoopback,
        ]
        .map(Warning::as_str)
        .into();
        assert_eq!(names, ["punycode", "mixed-script", "ip-address", "credentials", "http-loopback"]);
    }

    #[test]
    fn guard_stops_the_same_url_after_three_in_a_minute() {
        let mut g = Guard::new(GuardLimits::default());
        for t in [0.0, 1000.0, 2000.0] {
            g.admit("https://a.example/x", t).unwrap();
        }
        assert_eq!(
            g.admit("https://a.example/x", 3000.0),
            Err(Error::ElicitationLoop { url: "https://a.example/x".into() })
        );
        // Another URL is still fine.
        g.admit("https://a.example/y", 3000.0).unwrap();
        // The first entry expires 60 s after it was admitted, not before.
        assert!(g.admit("https://a.example/x", 59_999.0).is_err());
        g.admit("https://a.example/x", 60_000.0).unwrap();
    }

    #[test]
    fn guard_rate_limits_all_elicitations() {
        let mut g = Guard::new(GuardLimits::default());
        for i in 0..10 {
            g.admit(&format!("https://a.example/{i}"), i as f64).unwrap();
        }
        assert_eq!(
            g.admit("https://a.example/new", 10.0),
            Err(Error::ElicitationRateLimited { max: 10, window_ms: 60_000 })
        );
        // Refusals are not recorded: once the window passes, all are admitted again.
        for i in 0..10 {
            g.admit(&format!("https://b.example/{i}"), 60_000.0 + i as f64).unwrap();
        }
        assert!(g.admit("https://b.example/x", 60_010.0).is_err());
    }

    #[test]
    fn guard_refusal_does_not_record() {
        let limits = GuardLimits { same_url_max: 1, same_url_window_ms: 100.0, max: 100, window_ms: 100.0 };
        let mut g = Guard::new(limits);
        g.admit("u", 0.0).unwrap();
        for t in 1..50 {
            assert!(g.admit("u", t as f64).is_err());
        }
        // Only the admitted entry at t=0 counts, so t=100 is free again.
        g.admit("u", 100.0).unwrap();
    }

    #[test]
    fn guard_memory_is_bounded_and_survives_odd_clocks() {
        let limits = GuardLimits { same_url_max: 5, same_url_window_ms: f64::INFINITY, max: u32::MAX, window_ms: 1.0 };
        let mut g = Guard::new(limits);
        for i in 0..10_000 {
            let _ = g.admit(&i.to_string(), i as f64);
        }
        assert!(g.recent.len() <= GUARD_CAP);
        let mut g = Guard::new(GuardLimits::default());
        g.admit("u", 1000.0).unwrap();
        g.admit("u", f64::NAN).unwrap();
        g.admit("u", 5.0).unwrap(); // backwards: counts as 1000
        assert!(g.admit("u", f64::INFINITY).is_err());
        assert!(matches!(
            Guard::new(GuardLimits { max: 0, ..Default::default() }).admit("u", 0.0),
            Err(Error::ElicitationRateLimited { .. })
        ));
    }

    #[test]
    fn no_input_makes_check_url_panic() {
        const PIECES: [&str; 16] =
            ["xn--", "-", ".", "a", "Z", "9", "ü", "а", "[", "]", ":", "127", "0", "\u{3002}", "zz", "~"];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            let mut host = String::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                host.push_str(PIECES[(seed % 16) as usize]);
            }
            let _ = punycode_decode(&host);
            for protocol in ["https:", "http:"] {
                let _ = check_url(&UrlFacts { protocol, hostname: &host, has_credentials: seed % 5 == 0 });
            }
        }
        assert_eq!(punycode_decode(&"a".repeat(100_000)), None);
    }

    fn message(json: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        json.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn completion_has_the_exact_shape() {
        use serde_json::json;
        let ok = message(json!({ "type": "mcp:elicitation-complete", "elicitationId": "e1", "status": "done" }));
        assert_eq!(parse_completion(&ok), Some((Some("e1".into()), CompletionStatus::Done)));
        let ok = message(json!({ "type": "mcp:elicitation-complete", "status": "cancelled" }));
        assert_eq!(parse_completion(&ok), Some((None, CompletionStatus::Cancelled)));
        let bad = [
            json!({ "type": "mcp:elicitation-completed", "status": "done" }),
            json!({ "type": "MCP:ELICITATION-COMPLETE", "status": "done" }),
            json!({ "status": "done" }),
            json!({ "type": "mcp:elicitation-complete" }),
            json!({ "type": "mcp:elicitation-complete", "status": "ok" }),
            json!({ "type": "mcp:elicitation-complete", "status": "Done" }),
            json!({ "type": "mcp:elicitation-complete", "status": true }),
            json!({ "type": "mcp:elicitation-complete", "status": "done", "elicitationId": 7 }),
            json!({ "type": "mcp:elicitation-complete", "status": "done", "elicitationId": null }),
            json!({ "type": "mcp:elicitation-complete", "status": "done", "elicitationId": {} }),
        ];
        for b in bad {
            assert_eq!(parse_completion(&message(b.clone())), None, "{b}");
        }
    }

    const ORIGINS: &[&str] = &["https://auth.example.com", "https://extra.example"];

    #[test]
    fn completion_from_the_url_origin_or_an_allow_listed_one_matches() {
        assert_eq!(completion_matches(ORIGINS, "https://auth.example.com", true, Some("e1"), Some("e1")), Ok(()));
        assert_eq!(completion_matches(ORIGINS, "https://extra.example", true, None, None), Ok(()));
        assert_eq!(completion_matches(ORIGINS, "HTTPS://AUTH.EXAMPLE.COM", true, None, Some("any")), Ok(()));
    }

    #[test]
    fn completion_from_another_origin_is_ignored() {
        for origin in [
            "https://evil.example",
            "http://auth.example.com",
            "https://auth.example.com:8443",
            "https://auth.example.com.evil",
            "",
        ] {
            assert_eq!(completion_matches(ORIGINS, origin, true, None, None), Err(Ignored::Origin), "{origin}");
        }
    }

    #[test]
    fn completion_from_the_null_origin_is_ignored() {
        assert_eq!(completion_matches(ORIGINS, "null", true, None, None), Err(Ignored::Origin));
        assert_eq!(completion_matches(&["null"], "null", true, None, None), Err(Ignored::Origin));
        assert_eq!(completion_matches(&["*"], "*", true, None, None), Err(Ignored::Origin));
        assert_eq!(completion_matches(&[], "https://auth.example.com", true, None, None), Err(Ignored::Origin));
    }

    #[test]
    fn completion_from_another_window_is_ignored() {
        assert_eq!(completion_matches(ORIGINS, "https://auth.example.com", false, None, None), Err(Ignored::Source));
    }

    #[test]
    fn completion_for_another_elicitation_is_ignored() {
        assert_eq!(
            completion_matches(ORIGINS, "https://auth.example.com", true, Some("e1"), Some("e2")),
            Err(Ignored::Id)
        );
        assert_eq!(completion_matches(ORIGINS, "https://auth.example.com", true, Some("e1"), None), Err(Ignored::Id));
        assert_eq!(
            completion_matches(ORIGINS, "https://auth.example.com", true, Some("e1"), Some("E1")),
            Err(Ignored::Id)
        );
    }
}
