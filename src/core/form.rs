//! Form-mode elicitation: the defaults a form starts from, and checking the app's answer
//! against the server's requested schema before it is sent.
//!
//! The requested schema is MCP's restricted subset of JSON Schema: one flat object whose
//! properties are strings (with length and format limits), numbers, integers, booleans,
//! single-select enums (`enum`, titled `oneOf`, legacy `enumNames`) and multi-select arrays
//! (`items.enum`, `items.anyOf`). This is not a general JSON Schema validator and never
//! becomes one: a property of any other shape is reported as unsupported.

use super::error::Violation;
use super::value::Val;

/// The `default` of each property of a requested schema, in property order. A default that
/// does not satisfy its own property (a number for a string, a value outside the enum) is
/// left out, so a form pre-filled from these never starts invalid by the server's fault.
pub fn defaults(schema: &Val) -> Vec<(String, Val)> {
    let Some(Val::Obj(props)) = schema.get("properties") else { return Vec::new() };
    props
        .iter()
        .filter_map(|(name, prop)| {
            let d = prop.get("default")?;
            check_property(prop, d).is_ok().then(|| (name.clone(), d.clone()))
        })
        .collect()
}

/// Every way `content` breaks `schema` (empty = valid).
pub fn validate(schema: &Val, content: &Val) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut report = |field: &str, message: String| out.push(Violation { field: field.to_owned(), message });
    let props = match schema.get("properties") {
        Some(Val::Obj(props)) if schema.get("type").is_none_or(|t| t.as_str() == Some("object")) => props,
        _ => {
            report("", "the requested schema is not an object schema with properties".into());
            return out;
        }
    };
    let Val::Obj(members) = content else {
        report("", "must be an object".into());
        return out;
    };
    if let Some(Val::Arr(required)) = schema.get("required") {
        for name in required.iter().filter_map(Val::as_str) {
            if content.get(name).is_none() {
                report(name, "is required".into());
            }
        }
    }
    for (name, value) in members {
        match props.iter().find(|(k, _)| k == name) {
            None => report(name, "is not in the requested schema".into()),
            Some((_, prop)) => {
                if let Err(message) = check_property(prop, value) {
                    report(name, message);
                }
            }
        }
    }
    out
}

/// Checks one value against one property schema; the message says what is wrong.
fn check_property(prop: &Val, v: &Val) -> Result<(), String> {
    let unsupported = || Err("has a schema this client does not support".to_owned());
    let bound = |key| prop.get(key).and_then(Val::as_f64);
    match prop.get("type").and_then(Val::as_str) {
        Some("string") => {
            let choices = match (prop.get("enum"), prop.get("oneOf")) {
                (Some(e), None) => Some(strings(e).ok_or(())),
                (None, Some(o)) => Some(titled_consts(o).ok_or(())),
                (None, None) => None,
                _ => Some(Err(())),
            };
            let Some(s) = v.as_str() else { return Err("must be a string".into()) };
            if let Some(choices) = choices {
                let Ok(choices) = choices else { return unsupported() };
                return if choices.contains(&s) { Ok(()) } else { Err("must be one of the offered choices".into()) };
            }
            let len = s.chars().count() as f64;
            let chars = |n: f64| if n == 1.0 { "character" } else { "characters" };
            if let Some(min) = bound("minLength").filter(|&m| len < m) {
                return Err(format!("must be at least {} {}", num(min), chars(min)));
            }
            if let Some(max) = bound("maxLength").filter(|&m| len > m) {
                return Err(format!("must be at most {} {}", num(max), chars(max)));
            }
            let (ok, what) = match prop.get("format").and_then(Val::as_str) {
                Some("email") => (is_email(s), "an email address"),
                Some("uri") => (is_uri(s), "a URI"),
                Some("date") => (is_date(s), "a date (YYYY-MM-DD)"),
                Some("date-time") => (is_date_time(s), "a date and time (RFC 3339)"),
                // Formats are annotations in JSON Schema: an unknown one constrains nothing.
                _ => (true, ""),
            };
            if ok {
                Ok(())
            } else {
                Err(format!("must be {what}"))
            }
        }
        Some(t @ ("number" | "integer")) => {
            let n = match v {
                Val::Num(n) if n.is_finite() => *n,
                _ => return Err(format!("must be {}", if t == "integer" { "an integer" } else { "a number" })),
            };
            if t == "integer" && n.fract() != 0.0 {
                return Err("must be a whole number".into());
            }
            if let Some(min) = bound("minimum").filter(|&m| n < m) {
                return Err(format!("must be at least {}", num(min)));
            }
            if let Some(max) = bound("maximum").filter(|&m| n > m) {
                return Err(format!("must be at most {}", num(max)));
            }
            Ok(())
        }
        Some("boolean") => match v {
            Val::Bool(_) => Ok(()),
            _ => Err("must be true or false".into()),
        },
        Some("array") => {
            let items = prop.get("items");
            let choices = match (items.and_then(|i| i.get("enum")), items.and_then(|i| i.get("anyOf"))) {
                (Some(e), None) => strings(e),
                (None, Some(a)) => titled_consts(a),
                _ => None,
            };
            let Some(choices) = choices else { return unsupported() };
            let Val::Arr(picked) = v else { return Err("must be a list of choices".into()) };
            let mut seen: Vec<&str> = Vec::with_capacity(picked.len());
            for p in picked {
                match p.as_str() {
                    Some(s) if !choices.contains(&s) => return Err("must contain only the offered choices".into()),
                    Some(s) if seen.contains(&s) => return Err("must not contain the same choice twice".into()),
                    Some(s) => seen.push(s),
                    None => return Err("must contain only the offered choices".into()),
                }
            }
            let count = picked.len() as f64;
            if let Some(min) = bound("minItems").filter(|&m| count < m) {
                return Err(format!("must have at least {} selected", num(min)));
            }
            if let Some(max) = bound("maxItems").filter(|&m| count > m) {
                return Err(format!("must have at most {} selected", num(max)));
            }
            Ok(())
        }
        _ => unsupported(),
    }
}

/// An array of strings (an `enum`).
fn strings(v: &Val) -> Option<Vec<&str>> {
    match v {
        Val::Arr(a) => a.iter().map(Val::as_str).collect(),
        _ => None,
    }
}

/// The `const`s of an array of `{const, title}` options (`oneOf`, `items.anyOf`).
fn titled_consts(v: &Val) -> Option<Vec<&str>> {
    match v {
        Val::Arr(a) => a.iter().map(|o| o.get("const").and_then(Val::as_str)).collect(),
        _ => None,
    }
}

/// One `@`, a non-empty local part, and a domain of at least two non-empty labels.
fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else { return false };
    !local.is_empty()
        && domain.as_bytes().contains(&b'.')
        && domain.split('.').all(|l| !l.is_empty())
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A scheme (`[a-zA-Z][a-zA-Z0-9+.-]*:`) and no whitespace.
fn is_uri(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else { return false };
    scheme.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `len` ASCII digits at `at`, as a number.
fn digits(s: &[u8], at: usize, len: usize) -> Option<u32> {
    let d = s.get(at..at + len)?;
    d.iter().all(u8::is_ascii_digit).then(|| d.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

/// `YYYY-MM-DD` with a real month and day (leap years included).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && date_at(b)
}

fn date_at(b: &[u8]) -> bool {
    let (Some(y), Some(m), Some(d)) = (digits(b, 0, 4), digits(b, 5, 2), digits(b, 8, 2)) else { return false };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    b[4] == b'-' && b[7] == b'-' && (1..=days).contains(&d)
}

/// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || !date_at(b) || !matches!(b[10], b'T' | b't') {
        return false;
    }
    let (Some(h), Some(mi), Some(sec)) = (digits(b, 11, 2), digits(b, 14, 2), digits(b, 17, 2)) else { return false };
    if b[13] != b':' || b[16] != b':' || h > 23 || mi > 59 || sec > 60 {
        return false;
    }
    let mut rest = &b[19..];
    if let [b'.', frac @ ..] = rest {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] if rest.len() == 6 => {
            matches!((digits(rest, 1, 2), rest[3], digits(rest, 4, 2)), (Some(oh), b':', Some(om)) if oh <= 23 && om <= 59)
        }
        _ => false,
    }
}

// Native only: the examples are read from disk, and the official schema is checked with `jsonschema`.
/// A bound for a message. Not `f64`'s `Display`: that pulls about 17 KB of float formatting
/// into the wasm module for a few error strings. Integers print exactly; other values with up
/// to three decimals.
fn num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        return (n as i64).to_string();
    }
    let milli = (n * 1000.0).round() as i64;
    let sign = if milli < 0 { "-" } else { "" };
    let milli = milli.unsigned_abs();
    let frac = format!("{:03}", milli % 1000);
    format!("{sign}{}.{}", milli / 1000, frac.trim_end_matches('0'))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    fn val(v: serde_json::Value) -> Val {
        Val::from(&v)
    }

    fn example(path: &str) -> Val {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mcp-schema/2026-07-28/examples/");
        let text = std::fs::read_to_string(format!("{dir}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"));
        val(serde_json::from_str(&text).unwrap())
    }

    /// A requested schema with one property `p`.
    fn one(prop: Val) -> Val {
        Val::Obj(vec![
            ("type".into(), Val::Str("object".into())),
            ("properties".into(), Val::Obj(vec![("p".into(), prop)])),
        ])
    }

    /// The messages for `{"p": value}` against a schema with property `p`.
    fn errors(prop: &Val, value: serde_json::Value) -> Vec<String> {
        let content = Val::Obj(vec![("p".into(), val(value))]);
        validate(&one(prop.clone()), &content)
            .into_iter()
            .map(|v| {
                assert_eq!(v.field, "p");
                v.message
            })
            .collect()
    }

    fn ok(prop: &Val, value: serde_json::Value) -> bool {
        errors(prop, value).is_empty()
    }

    #[test]
    fn content_must_be_an_object() {
        let schema = one(val(json!({ "type": "string" })));
        for content in [json!(null), json!("x"), json!([1]), json!(3)] {
            assert_eq!(
                validate(&schema, &val(content)),
                vec![Violation { field: "".into(), message: "must be an object".into() }]
            );
        }
        assert!(validate(&schema, &val(json!({}))).is_empty());
    }

    #[test]
    fn schema_must_be_an_object_schema() {
        for schema in [
            json!(null),
            json!({ "type": "array", "properties": {} }),
            json!({ "type": "object" }),
            json!({ "properties": [] }),
        ] {
            let v = validate(&val(schema.clone()), &val(json!({})));
            assert_eq!(v.len(), 1, "{schema}");
            assert!(v[0].message.contains("not an object schema"));
        }
    }

    #[test]
    fn required_properties_must_be_present() {
        let Val::Obj(mut params) = example("ElicitRequestFormParams/elicit-multiple-fields.json") else { panic!() };
        let schema = params.remove(params.iter().position(|(k, _)| k == "requestedSchema").unwrap()).1;
        let v = validate(&schema, &val(json!({ "age": 30 })));
        let fields: Vec<_> = v.iter().map(|v| (v.field.as_str(), v.message.as_str())).collect();
        assert_eq!(fields, [("name", "is required"), ("email", "is required")]);
        let answer = example("ElicitResult/input-multiple-fields.json");
        assert!(validate(&schema, answer.get("content").unwrap()).is_empty());
    }

    #[test]
    fn properties_outside_the_schema_are_reported() {
        let schema = example("ElicitRequest/elicitation-request.json")
            .get("params")
            .unwrap()
            .get("requestedSchema")
            .unwrap()
            .clone();
        assert!(validate(&schema, &val(json!({ "name": "octocat" }))).is_empty());
        let v = validate(&schema, &val(json!({ "name": "octocat", "password": "x", "token": "y" })));
        let fields: Vec<_> = v.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["password", "token"]);
        assert_eq!(v[0].message, "is not in the requested schema");
    }

    #[test]
    fn string_length_counts_unicode_scalar_values() {
        let p = example("StringSchema/email-input-schema.json");
        assert!(ok(&p, json!("a@b.co")));
        assert_eq!(errors(&p, json!("a@")), ["must be at least 3 characters"]);
        let p = val(json!({ "type": "string", "minLength": 2, "maxLength": 3 }));
        assert!(ok(&p, json!("ñü𝄞")), "three scalar values, nine bytes");
        assert_eq!(errors(&p, json!("ñü𝄞x")), ["must be at most 3 characters"]);
        assert_eq!(errors(&p, json!("𝄞")), ["must be at least 2 characters"]);
        assert_eq!(errors(&p, json!(12)), ["must be a string"]);
        assert_eq!(errors(&p, json!(null)), ["must be a string"]);
        let p = val(json!({ "type": "string", "minLength": 1, "maxLength": 1 }));
        assert_eq!(errors(&p, json!("")), ["must be at least 1 character"]);
        assert_eq!(errors(&p, json!("ab")), ["must be at most 1 character"]);
    }

    #[test]
    fn string_format_email() {
        let p = val(json!({ "type": "string", "format": "email" }));
        for good in ["user@example.com", "a.b+c@sub.example.co.uk", "octocat@github.com"] {
            assert!(ok(&p, json!(good)), "{good}");
        }
        for bad in [
            "",
            "user",
            "@example.com",
            "user@",
            "user@localhost",
            "a@b@c.com",
            "a@.com",
            "a@b..com",
            "a@b.com.",
            "a b@c.com",
        ] {
            assert_eq!(errors(&p, json!(bad)), ["must be an email address"], "{bad}");
        }
    }

    #[test]
    fn string_format_uri() {
        let p = val(json!({ "type": "string", "format": "uri" }));
        for good in ["https://example.com/x?y#z", "mailto:a@b.c", "urn:isbn:0451450523", "git+ssh://h/p", "a:"] {
            assert!(ok(&p, json!(good)), "{good}");
        }
        for bad in ["example.com", "/relative", "1http://x", ":x", "ht tp://x", "http://a b", "é://x"] {
            assert_eq!(errors(&p, json!(bad)), ["must be a URI"], "{bad}");
        }
    }

    #[test]
    fn string_format_date_checks_month_day_and_leap_years() {
        let p = val(json!({ "type": "string", "format": "date" }));
        for good in ["2024-02-29", "2000-02-29", "2025-12-31", "2025-04-30", "0001-01-01"] {
            assert!(ok(&p, json!(good)), "{good}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2025-04-31",
            "2025-13-01",
            "2025-00-10",
            "2025-01-00",
            "2025-1-01",
            "2025/01/01",
            "2025-01-01T00:00:00Z",
            "२०२५-01-01",
        ] {
            assert_eq!(errors(&p, json!(bad)), ["must be a date (YYYY-MM-DD)"], "{bad}");
        }
    }

    #[test]
    fn string_format_date_time_is_rfc_3339() {
        let p = val(json!({ "type": "string", "format": "date-time" }));
        for good in [
            "2025-11-25T10:30:00Z",
            "2025-11-25t10:30:00z",
            "2025-11-25T10:30:00.123+02:00",
            "2016-12-31T23:59:60-08:00",
            "2024-02-29T00:00:00.5Z",
        ] {
            assert!(ok(&p, json!(good)), "{good}");
        }
        for bad in [
            "2025-11-25",
            "2025-11-25 10:30:00Z",
            "2025-11-25T10:30:00",
            "2025-11-25T24:00:00Z",
            "2025-11-25T10:60:00Z",
            "2025-11-25T10:30:61Z",
            "2025-11-25T10:30:00.Z",
            "2025-11-25T10:30:00+0200",
            "2025-11-25T10:30:00+24:00",
            "2025-02-30T10:30:00Z",
            "2025-11-25T10:30Z",
        ] {
            assert_eq!(errors(&p, json!(bad)), ["must be a date and time (RFC 3339)"], "{bad}");
        }
    }

    #[test]
    fn unknown_string_format_constrains_nothing() {
        assert!(ok(&val(json!({ "type": "string", "format": "hostname" })), json!("anything at all")));
    }

    #[test]
    fn number_must_be_finite_and_within_bounds() {
        let p = example("NumberSchema/number-input-schema.json");
        for good in [json!(0), json!(50.5), json!(100)] {
            assert!(ok(&p, good.clone()), "{good}");
        }
        assert_eq!(errors(&p, json!(-1)), ["must be at least 0"]);
        assert_eq!(errors(&p, json!(100.5)), ["must be at most 100"]);
        assert_eq!(errors(&p, json!("50")), ["must be a number"]);
        let content = Val::Obj(vec![("p".into(), Val::Num(f64::NAN))]);
        assert_eq!(validate(&one(p.clone()), &content)[0].message, "must be a number");
        let content = Val::Obj(vec![("p".into(), Val::Num(f64::INFINITY))]);
        assert_eq!(validate(&one(val(json!({ "type": "number" }))), &content)[0].message, "must be a number");
    }

    #[test]
    fn integer_must_have_no_fraction() {
        let p = val(json!({ "type": "integer", "minimum": 1, "maximum": 10 }));
        assert!(ok(&p, json!(3)));
        assert!(ok(&p, json!(3.0)));
        assert_eq!(errors(&p, json!(3.5)), ["must be a whole number"]);
        assert_eq!(errors(&p, json!(11)), ["must be at most 10"]);
        assert_eq!(errors(&p, json!(true)), ["must be an integer"]);
    }

    #[test]
    fn boolean_must_be_a_boolean() {
        let p = example("BooleanSchema/boolean-input-schema.json");
        assert!(ok(&p, json!(true)));
        assert!(ok(&p, json!(false)));
        assert_eq!(errors(&p, json!("true")), ["must be true or false"]);
        assert_eq!(errors(&p, json!(1)), ["must be true or false"]);
    }

    #[test]
    fn single_select_value_must_be_an_offered_choice() {
        let legacy = val(json!({ "type": "string", "enum": ["a", "b"], "enumNames": ["A", "B"] }));
        for p in [
            example("UntitledSingleSelectEnumSchema/color-select-schema.json"),
            example("TitledSingleSelectEnumSchema/titled-color-select-schema.json"),
            legacy,
        ] {
            let first = match p.get("enum") {
                Some(Val::Arr(e)) => e[0].clone(),
                _ => p
                    .get("oneOf")
                    .and_then(|o| if let Val::Arr(o) = o { o[0].get("const").cloned() } else { None })
                    .unwrap(),
            };
            let Val::Str(first) = first else { panic!() };
            assert!(ok(&p, json!(first)));
            assert_eq!(errors(&p, json!("Purple")), ["must be one of the offered choices"]);
            assert_eq!(errors(&p, json!(["Red"])), ["must be a string"]);
        }
        // The titled form accepts the const, not the title.
        let p = example("TitledSingleSelectEnumSchema/titled-color-select-schema.json");
        assert!(ok(&p, json!("#FF0000")));
        assert!(!ok(&p, json!("Red")));
    }

    #[test]
    fn multi_select_values_must_be_distinct_offered_choices_within_counts() {
        for p in [
            example("UntitledMultiSelectEnumSchema/color-multi-select-schema.json"),
            example("TitledMultiSelectEnumSchema/titled-color-multi-select-schema.json"),
        ] {
            let Some(Val::Arr(default)) = p.get("default") else { panic!() };
            let (a, b) = (default[0].clone(), default[1].clone());
            let all = |v: Vec<Val>| Val::Obj(vec![("p".into(), Val::Arr(v))]);
            assert!(validate(&one(p.clone()), &all(vec![a.clone()])).is_empty());
            assert!(validate(&one(p.clone()), &all(vec![a.clone(), b.clone()])).is_empty());
            let msg =
                |v: Vec<Val>| validate(&one(p.clone()), &all(v)).into_iter().map(|v| v.message).collect::<Vec<_>>();
            assert_eq!(msg(vec![]), ["must have at least 1 selected"]);
            assert_eq!(msg(vec![a.clone(), a.clone()]), ["must not contain the same choice twice"]);
            assert_eq!(msg(vec![a.clone(), Val::Str("Purple".into())]), ["must contain only the offered choices"]);
            assert_eq!(msg(vec![a.clone(), Val::Num(1.0)]), ["must contain only the offered choices"]);
            let Some(Val::Arr(_)) = p.get("items").and_then(|i| i.get("enum").or(i.get("anyOf"))) else { panic!() };
            let third = match p.get("items").unwrap().get("enum") {
                Some(Val::Arr(e)) => e[2].clone(),
                _ => Val::Str("#0000FF".into()),
            };
            assert_eq!(msg(vec![a, b, third]), ["must have at most 2 selected"]);
            assert_eq!(errors(&p, json!("Red")), ["must be a list of choices"]);
        }
    }

    #[test]
    fn unsupported_property_shapes_are_reported() {
        for prop in [
            json!({ "type": "object", "properties": {} }),
            json!({ "type": "null" }),
            json!({}),
            json!("string"),
            json!({ "type": "array", "items": { "type": "string" } }),
            json!({ "type": "array", "items": { "enum": [1, 2] } }),
            json!({ "type": "string", "enum": "a" }),
            json!({ "type": "string", "oneOf": [{ "title": "no const" }] }),
            json!({ "type": "string", "enum": ["a"], "oneOf": [{ "const": "a", "title": "A" }] }),
        ] {
            assert_eq!(errors(&val(prop.clone()), json!("a")), ["has a schema this client does not support"], "{prop}");
        }
    }

    #[test]
    fn defaults_come_in_property_order() {
        let schema = Val::Obj(vec![
            ("type".into(), Val::Str("object".into())),
            (
                "properties".into(),
                Val::Obj(vec![
                    ("zeta".into(), example("BooleanSchema/boolean-input-schema.json")),
                    ("alpha".into(), example("StringSchema/email-input-schema.json")),
                    ("mid".into(), val(json!({ "type": "string" }))),
                    ("num".into(), example("NumberSchema/number-input-schema.json")),
                    ("one".into(), example("UntitledSingleSelectEnumSchema/color-select-schema.json")),
                    ("titled".into(), example("TitledSingleSelectEnumSchema/titled-color-select-schema.json")),
                    ("many".into(), example("UntitledMultiSelectEnumSchema/color-multi-select-schema.json")),
                    ("tmany".into(), example("TitledMultiSelectEnumSchema/titled-color-multi-select-schema.json")),
                ]),
            ),
        ]);
        let d = defaults(&schema);
        let expected = [
            ("zeta", val(json!(false))),
            ("alpha", val(json!("user@example.com"))),
            ("num", val(json!(50))),
            ("one", val(json!("Red"))),
            ("titled", val(json!("#FF0000"))),
            ("many", val(json!(["Red", "Green"]))),
            ("tmany", val(json!(["#FF0000", "#00FF00"]))),
        ];
        assert_eq!(d, expected.map(|(k, v)| (k.to_owned(), v)));
        // The defaults form a valid answer.
        assert!(validate(&schema, &Val::Obj(d)).is_empty());
    }

    #[test]
    fn defaults_that_break_their_own_property_are_left_out() {
        let schema = val(json!({ "type": "object", "properties": {
            "a": { "type": "string", "enum": ["x"], "default": "y" },
            "b": { "type": "number", "default": "5" },
            "c": { "type": "boolean", "default": true },
            "d": { "type": "object", "default": {} },
        }}));
        assert_eq!(defaults(&schema), vec![("c".to_owned(), Val::Bool(true))]);
        for params in
            ["ElicitRequestFormParams/elicit-multiple-fields.json", "ElicitRequestFormParams/elicit-single-field.json"]
        {
            assert!(defaults(example(params).get("requestedSchema").unwrap()).is_empty(), "{params}");
        }
        assert!(defaults(&Val::Null).is_empty());
    }

    #[test]
    fn no_schema_or_content_makes_validation_panic() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        fn random(next: &mut impl FnMut() -> u64, depth: u32) -> Val {
            const KEYS: [&str; 16] = [
                "type",
                "properties",
                "required",
                "enum",
                "oneOf",
                "items",
                "anyOf",
                "const",
                "minLength",
                "maxLength",
                "format",
                "minimum",
                "maximum",
                "minItems",
                "maxItems",
                "default",
            ];
            const STRS: [&str; 12] = [
                "object",
                "string",
                "number",
                "integer",
                "boolean",
                "array",
                "email",
                "uri",
                "date",
                "date-time",
                "2024-02-29T",
                "a@b.c",
            ];
            match next() % if depth == 0 { 4 } else { 6 } {
                0 => Val::Null,
                1 => Val::Bool(next() % 2 == 0),
                2 => Val::Num([f64::NAN, -1.0, 0.0, 2.5, 1e300, f64::INFINITY][(next() % 6) as usize]),
                3 => Val::Str(STRS[(next() % 12) as usize].into()),
                4 => Val::Arr((0..next() % 4).map(|_| random(next, depth - 1)).collect()),
                _ => Val::Obj(
                    (0..next() % 5).map(|_| (KEYS[(next() % 16) as usize].into(), random(next, depth - 1))).collect(),
                ),
            }
        }
        for _ in 0..20_000 {
            let (schema, content) = (random(&mut next, 4), random(&mut next, 3));
            let _ = validate(&schema, &content);
            let _ = defaults(&schema);
            let _ = check_property(&schema, &content);
        }
        for s in [
            "",
            "2024-02-29T00:00:00+",
            "2024-02-29T00:00:00.",
            "9999-99-99",
            "@",
            ":",
            "a@b.",
            "\u{10FFFF}-\u{10FFFF}",
        ] {
            let _ = (is_date(s), is_date_time(s), is_email(s), is_uri(s));
        }
    }

    #[test]
    fn examples_validate_against_the_official_schema() {
        // Our reading of the examples matches the spec's own JSON Schema for each kind.
        let spec: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/mcp-schema/2026-07-28/schema.json"
            ))
            .unwrap(),
        )
        .unwrap();
        for kind in [
            "BooleanSchema",
            "NumberSchema",
            "StringSchema",
            "UntitledSingleSelectEnumSchema",
            "TitledSingleSelectEnumSchema",
            "UntitledMultiSelectEnumSchema",
            "TitledMultiSelectEnumSchema",
        ] {
            let mut root = spec.clone();
            root["$ref"] = json!(format!("#/$defs/{kind}"));
            let validator = jsonschema::validator_for(&root).unwrap();
            assert!(!validator.is_valid(&json!({ "type": 5 })), "the validator must actually check {kind}");
            for entry in std::fs::read_dir(
                concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mcp-schema/2026-07-28/examples/").to_owned() + kind,
            )
            .unwrap()
            {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                let example: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert!(validator.is_valid(&example), "{kind}");
                // And its default is a valid value for it.
                assert!(check_property(&val(example.clone()), &val(example["default"].clone())).is_ok(), "{kind}");
            }
        }
    }

    #[test]
    fn bounds_print_without_float_formatting() {
        assert_eq!(super::num(10.0), "10");
        assert_eq!(super::num(-3.0), "-3");
        assert_eq!(super::num(0.5), "0.5");
        assert_eq!(super::num(2.125), "2.125");
        assert_eq!(super::num(-1.25), "-1.25");
    }
}
