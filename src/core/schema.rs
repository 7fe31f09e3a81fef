//! Checks a tool's `structuredContent` against its `outputSchema`, which the spec says clients
//! SHOULD do: a result that breaks its declared shape is better caught here than in the app.
//!
//! Only the instance goes through [`Json`], so in the browser it stays the engine's `JSON.parse`
//! result; the schema is a [`Val`], small and built once per `tools/list`. Schemas are
//! untrusted: every check spends from [`BUDGET`] and nesting stops at [`DEPTH`], so a recursive or
//! exponential schema ends in a `gave_up` [`Mismatch`], never in a hung page or a silent "valid".
//!
//! JSON Schema 2020-12 (MCP's default dialect), plus draft-07's array `items` and `additionalItems`.
//! A regex engine would outweigh all of this in wasm, so `pattern` and `patternProperties` accept
//! anything and `additionalProperties` beside `patternProperties` is not applied; `format` is an
//! annotation, as 2020-12 has it by default. Ignored: contains, propertyNames, min/maxProperties,
//! dependent*, unevaluated*. A `$ref` resolves as a `#` JSON pointer into the whole document (`$id`
//! is not followed; draft-07's siblings of `$ref` apply, as in 2020-12); any other `$ref` gives up.

use std::borrow::Cow;
use std::fmt;

use super::jsonrpc::quote;
use super::value::Val;

/// Work units one validation may spend: one per schema applied, keyword, member or item looked
/// at, and 64 bytes of string read.
pub const BUDGET: usize = 500_000;
/// Nested applications (each `$ref` hop, member, item or branch is one): bounds the stack, since
/// recursion through `$ref` follows the instance as deep as it goes.
pub const DEPTH: u32 = 128;

/// What a JSON value is. A string's text is asked for apart ([`Json::string`]), only by the
/// keywords that read it: in the browser, reading it copies it out of JS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(f64),
    String,
    Array(usize),
    Object,
}

/// Read access to a parsed JSON instance. For a `JsValue` from `JSON.parse`: `kind` from
/// `typeof`, `Array.isArray` and `length`; `string` from `as_string()`; `at` from `Reflect::get`
/// with the index; `keys` from `Object.keys`; and `get` only after `Object.hasOwn`, since a plain
/// `Reflect::get` finds `constructor` or `toString` on the prototype and would satisfy
/// `required` for keys the server never sent.
pub trait Json: Sized {
    fn kind(&self) -> Kind;
    /// The text of a string; `None` for anything else.
    fn string(&self) -> Option<Cow<'_, str>>;
    /// An object's own member, never an inherited one.
    fn get(&self, key: &str) -> Option<Self>;
    fn at(&self, index: usize) -> Option<Self>;
    /// An object's own keys; empty for anything else.
    fn keys(&self) -> Vec<String>;
}

impl<'a> Json for &'a Val {
    fn kind(&self) -> Kind {
        match self {
            Val::Null => Kind::Null,
            Val::Bool(b) => Kind::Bool(*b),
            Val::Num(n) => Kind::Number(*n),
            Val::Str(_) => Kind::String,
            Val::Arr(a) => Kind::Array(a.len()),
            Val::Obj(_) => Kind::Object,
        }
    }
    fn string(&self) -> Option<Cow<'_, str>> {
        self.as_str().map(Cow::Borrowed)
    }
    fn get(&self, key: &str) -> Option<&'a Val> {
        Val::get(self, key)
    }
    fn at(&self, index: usize) -> Option<&'a Val> {
        self.as_array()?.get(index)
    }
    fn keys(&self) -> Vec<String> {
        self.as_object().map_or_else(Vec::new, |o| o.iter().map(|(k, _)| k.clone()).collect())
    }
}

/// Instances as the native tests hold them.
#[cfg(not(target_arch = "wasm32"))]
impl<'a> Json for &'a serde_json::Value {
    fn kind(&self) -> Kind {
        use serde_json::Value;
        match self {
            Value::Null => Kind::Null,
            Value::Bool(b) => Kind::Bool(*b),
            Value::Number(n) => Kind::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(_) => Kind::String,
            Value::Array(a) => Kind::Array(a.len()),
            Value::Object(_) => Kind::Object,
        }
    }
    fn string(&self) -> Option<Cow<'_, str>> {
        self.as_str().map(Cow::Borrowed)
    }
    fn get(&self, key: &str) -> Option<&'a serde_json::Value> {
        self.as_object()?.get(key)
    }
    fn at(&self, index: usize) -> Option<&'a serde_json::Value> {
        self.as_array()?.get(index)
    }
    fn keys(&self) -> Vec<String> {
        self.as_object().map_or_else(Vec::new, |o| o.keys().cloned().collect())
    }
}

/// The first way the instance breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// JSON pointer (RFC 6901) to the instance location; empty for the whole value.
    pub pointer: String,
    pub reason: Cow<'static, str>,
    /// The validator stopped (budget, depth, a `$ref` it cannot follow): the value is neither
    /// known valid nor known invalid.
    pub gave_up: bool,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.pointer.is_empty() {
            write!(f, "{}: ", self.pointer)?;
        }
        f.write_str(&self.reason)
    }
}

/// Whether a tool's `outputSchema` is one to validate against. MCP requires a JSON object
/// (2025-11-25 also `"type": "object"`, which 2026-07-28 lifts; validating needs neither). A
/// declared dialect not read this way (draft-04's boolean `exclusiveMinimum`, a custom
/// meta-schema) is better unchecked than misread, so it counts as no schema.
pub fn usable(schema: &Val) -> bool {
    let Val::Obj(_) = schema else { return false };
    schema.get("$schema").is_none_or(|d| {
        let d = d.as_str().unwrap_or_default().trim_end_matches('#');
        let d = d.strip_prefix("https://json-schema.org/").or_else(|| d.strip_prefix("http://json-schema.org/")).unwrap_or_default();
        matches!(d, "draft/2020-12/schema" | "draft/2019-09/schema" | "draft-07/schema" | "draft-06/schema")
    })
}

/// Checks `instance` against `schema`, which is also the document its `$ref`s point into.
pub fn validate<J: Json>(schema: &Val, instance: &J) -> Result<(), Mismatch> {
    Run { root: schema, spent: 0, depth: 0, quiet: 0 }.check(schema, instance)
}

type R = Result<(), Mismatch>;

fn gave_up(reason: &'static str) -> Mismatch {
    Mismatch { pointer: String::new(), reason: Cow::Borrowed(reason), gave_up: true }
}

/// Prefixes the pointer with one segment, on the way out of a failure only.
fn under(mut m: Mismatch, segment: &str) -> Mismatch {
    if !m.reason.is_empty() {
        m.pointer = format!("/{}{}", segment.replace('~', "~0").replace('/', "~1"), m.pointer);
    }
    m
}

fn list(v: &Val) -> &[Val] {
    v.as_array().unwrap_or_default()
}

fn off_multiple(q: f64) -> bool {
    (q - q.round()).abs() > q.abs() * 4.0 * f64::EPSILON
}

fn is_type(t: &str, k: Kind) -> bool {
    match (t, k) {
        ("null", Kind::Null) | ("boolean", Kind::Bool(_)) | ("number", Kind::Number(_)) => true,
        ("string", Kind::String) | ("array", Kind::Array(_)) | ("object", Kind::Object) => true,
        ("integer", Kind::Number(n)) => n.fract() == 0.0,
        _ => false,
    }
}

struct Run<'s> {
    root: &'s Val,
    spent: usize,
    depth: u32,
    /// Inside a branch whose failures are only counted (anyOf, oneOf, not, if): nobody reads
    /// their reasons or pointers, so none are formatted.
    quiet: u32,
}

impl<'s> Run<'s> {
    fn tick(&mut self, units: usize) -> R {
        self.spent = self.spent.saturating_add(units);
        (self.spent <= BUDGET).then_some(()).ok_or_else(|| gave_up("budget exceeded"))
    }

    fn fail(&self, reason: impl FnOnce() -> Cow<'static, str>) -> R {
        let reason = if self.quiet > 0 { Cow::Borrowed("") } else { reason() };
        Err(Mismatch { pointer: String::new(), reason, gave_up: false })
    }

    /// Opens one nesting level. Only giving up skips closing it, and that ends the whole run.
    fn enter(&mut self, units: usize) -> R {
        self.depth += 1;
        (self.depth <= DEPTH).then_some(()).ok_or_else(|| gave_up("too deep"))?;
        self.tick(units)
    }

    fn check<J: Json>(&mut self, s: &'s Val, i: &J) -> R {
        self.enter(1 + s.as_object().map_or(0, <[_]>::len))?;
        let r = self.keywords(s, i);
        self.depth -= 1;
        r
    }

    /// Whether `i` passes `s`; giving up is not failing.
    fn passes<J: Json>(&mut self, s: &'s Val, i: &J) -> Result<bool, Mismatch> {
        self.quiet += 1;
        let r = self.check(s, i);
        self.quiet -= 1;
        match r {
            Err(m) if !m.gave_up => Ok(false),
            r => r.map(|()| true),
        }
    }

    /// Applies `sub` to a member or item, when present, naming it in a failure's pointer.
    fn step<J: Json>(&mut self, sub: &'s Val, x: Option<J>, name: impl FnOnce() -> String) -> R {
        self.tick(1)?;
        x.map_or(Ok(()), |x| self.check(sub, &x).map_err(|m| under(m, &name())))
    }

    fn text<'j, J: Json>(&mut self, i: &'j J) -> Result<Cow<'j, str>, Mismatch> {
        let t = i.string().unwrap_or_default();
        self.tick(t.len() / 64)?;
        Ok(t)
    }

    fn keys<J: Json>(&mut self, i: &J) -> Result<Vec<String>, Mismatch> {
        let keys = i.keys();
        self.tick(keys.len())?;
        Ok(keys)
    }

    /// JSON equality: numbers by value (1 == 1.0), objects regardless of member order.
    fn equal<A: Json, B: Json>(&mut self, a: &A, b: &B) -> Result<bool, Mismatch> {
        self.enter(1)?;
        let r = match (a.kind(), b.kind()) {
            (Kind::String, Kind::String) => Ok(self.text(a)? == self.text(b)?),
            (Kind::Array(n), Kind::Array(m)) if n == m => self.pairs((0..n).map(|x| (a.at(x), b.at(x)))),
            (Kind::Object, Kind::Object) => {
                let keys = self.keys(a)?;
                if keys.len() == b.keys().len() { self.pairs(keys.iter().map(|k| (a.get(k), b.get(k)))) } else { Ok(false) }
            }
            (x, y) => Ok(x == y),
        };
        self.depth -= 1;
        r
    }

    fn pairs<A: Json, B: Json>(&mut self, pairs: impl Iterator<Item = (Option<A>, Option<B>)>) -> Result<bool, Mismatch> {
        for pair in pairs {
            match pair {
                (Some(x), Some(y)) if self.equal(&x, &y)? => {}
                _ => return Ok(false),
            }
        }
        Ok(true)
    }

    fn keywords<J: Json>(&mut self, schema: &'s Val, i: &J) -> R {
        let s = match schema {
            Val::Obj(s) => s,
            Val::Bool(false) => return self.fail(|| "not allowed".into()),
            _ => return Ok(()),
        };
        let k = i.kind();
        // `type` first: "expected integer" says more than whatever else fails.
        if let Some(t) = schema.get("type") {
            let ts = if t.as_str().is_some() { std::slice::from_ref(t) } else { list(t) };
            if !ts.is_empty() && !ts.iter().any(|t| t.as_str().is_some_and(|t| is_type(t, k))) {
                return self.fail(|| format!("expected {}", ts.iter().filter_map(Val::as_str).collect::<Vec<_>>().join(" or ")).into());
            }
        }
        let (root, after) = (self.root, |key| schema.get(key).map_or(0, |v| list(v).len()));
        for (key, v) in s {
            let m = v.as_f64();
            let below = |x: f64| m.is_some_and(|m| x < m);
            let above = |x: f64| m.is_some_and(|m| x > m);
            let why = match (key.as_str(), k) {
                ("$ref", _) => {
                    let target = v.as_str().and_then(|r| root.pointer(r.strip_prefix('#')?)).ok_or_else(|| gave_up("unresolved $ref"))?;
                    self.check(target, i).map(|()| None)
                }
                ("allOf", _) => list(v).iter().try_for_each(|sub| self.check(sub, i)).map(|()| None),
                ("anyOf", _) => list(v).iter().try_fold(false, |hit, sub| Ok(hit || self.passes(sub, i)?)).map(|hit| (!hit).then_some("matches no anyOf")),
                ("oneOf", _) => list(v)
                    .iter()
                    .try_fold(0, |n, sub| Ok(n + usize::from(n < 2 && self.passes(sub, i)?)))
                    .map(|n| (n != 1).then_some(if n == 0 { "matches no oneOf" } else { "matches several oneOf" })),
                ("not", _) => self.passes(v, i).map(|hit| hit.then_some("matches not")),
                ("if", _) => {
                    let branch = schema.get(if self.passes(v, i)? { "then" } else { "else" });
                    branch.map_or(Ok(()), |b| self.check(b, i)).map(|()| None)
                }
                ("enum", _) => list(v).iter().try_fold(false, |hit, e| Ok(hit || self.equal(i, &e)?)).map(|hit| (!hit).then_some("not in enum")),
                ("const", _) => self.equal(i, &v).map(|eq| (!eq).then_some("not const")),
                ("minimum", Kind::Number(n)) => Ok(below(n).then_some("below minimum")),
                ("maximum", Kind::Number(n)) => Ok(above(n).then_some("above maximum")),
                ("exclusiveMinimum", Kind::Number(n)) => Ok(m.is_some_and(|m| n <= m).then_some("not above exclusiveMinimum")),
                ("exclusiveMaximum", Kind::Number(n)) => Ok(m.is_some_and(|m| n >= m).then_some("not below exclusiveMaximum")),
                // Within float rounding: 0.3 is a multiple of 0.1 though 0.3 / 0.1 is not 3.
                ("multipleOf", Kind::Number(n)) => Ok(m.is_some_and(|m| m > 0.0 && off_multiple(n / m)).then_some("not a multipleOf")),
                ("minLength", Kind::String) => Ok(below(self.text(i)?.chars().count() as f64).then_some("shorter than minLength")),
                ("maxLength", Kind::String) => Ok(above(self.text(i)?.chars().count() as f64).then_some("longer than maxLength")),
                ("minItems", Kind::Array(n)) => Ok(below(n as f64).then_some("fewer than minItems")),
                ("maxItems", Kind::Array(n)) => Ok(above(n as f64).then_some("more than maxItems")),
                // Exact and pairwise: the budget, not an approximation, bounds long arrays.
                ("uniqueItems", Kind::Array(n)) if v.as_bool() == Some(true) => (0..n)
                    .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
                    .map(|(a, b)| self.pairs([(i.at(a), i.at(b))].into_iter()))
                    .find(|same| !matches!(same, Ok(false)))
                    .unwrap_or(Ok(false))
                    .map(|dup| dup.then_some("duplicate items")),
                ("prefixItems" | "items", Kind::Array(n)) if v.as_array().is_some() => {
                    list(v).iter().take(n).enumerate().try_for_each(|(x, sub)| self.step(sub, i.at(x), || x.to_string())).map(|()| None)
                }
                // Draft-07's `additionalItems` is 2020-12's `items`, after an array `items`.
                ("items" | "additionalItems", Kind::Array(n)) => {
                    let tuple = schema.get("items").is_some_and(|v| v.as_array().is_some());
                    let from = if key == "items" { after("prefixItems") } else if tuple { after("items") } else { n };
                    (from..n).try_for_each(|x| self.step(v, i.at(x), || x.to_string())).map(|()| None)
                }
                ("properties", Kind::Object) => {
                    v.as_object().unwrap_or_default().iter().try_for_each(|(k, sub)| self.step(sub, i.get(k), || k.clone())).map(|()| None)
                }
                ("required", Kind::Object) => {
                    self.tick(list(v).len())?;
                    match list(v).iter().filter_map(Val::as_str).find(|name| i.get(name).is_none()) {
                        Some(name) => return self.fail(|| format!("missing required property {}", quote(name)).into()),
                        None => Ok(None),
                    }
                }
                ("additionalProperties", Kind::Object) if schema.get("patternProperties").is_none() => {
                    let known = schema.get("properties");
                    let mut extra = self.keys(i)?.into_iter().filter(|key| known.is_none_or(|p| p.get(key).is_none()));
                    extra.try_for_each(|key| self.step(v, i.get(&key), || key.clone())).map(|()| None)
                }
                _ => Ok(None),
            };
            if let Some(why) = why? {
                return self.fail(|| why.into());
            }
        }
        Ok(())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn run(schema: &Value, instance: &Value) -> R {
        validate(&Val::from(schema), &instance)
    }

    /// Each instance of `good` passes, each of `bad` fails, and the `jsonschema` crate agrees.
    fn cases(schema: Value, good: Value, bad: Value) {
        let theirs = jsonschema::options().should_validate_formats(false).build(&schema).unwrap();
        for (instances, want) in [(good, true), (bad, false)] {
            for i in instances.as_array().unwrap() {
                let ours = run(&schema, i);
                assert!(ours.is_ok() == want && theirs.is_valid(i) == want, "{schema} on {i}: {ours:?}");
            }
        }
    }

    /// The first mismatch, as the client would show it.
    fn says(schema: Value, instance: Value) -> String {
        let m = run(&schema, &instance).unwrap_err();
        if m.gave_up { format!("gave up: {}", m.reason) } else { m.to_string() }
    }

    #[test]
    fn type_and_boolean_schemas() {
        cases(json!({"type": "integer"}), json!([1, 1.0, -3, 1e20]), json!([1.5, "1", null, true, [1]]));
        cases(json!({"type": "number"}), json!([1, 0.5]), json!(["1", false]));
        cases(json!({"type": ["string", "null"]}), json!(["", null]), json!([0, {}, []]));
        cases(json!({"type": "object"}), json!([{}]), json!([[], "x"]));
        cases(json!({"type": "array"}), json!([[]]), json!([{}]));
        cases(json!({"type": "boolean"}), json!([true, false]), json!([0, "true"]));
        cases(json!(true), json!([1, null, {}]), json!([]));
        cases(json!(false), json!([]), json!([1, null, {}]));
        cases(json!({"x-unknown": 1, "format": "email", "title": "t"}), json!(["not an email", 3]), json!([]));
        assert_eq!(says(json!({"type": "integer"}), json!(0.5)), "expected integer");
        assert_eq!(says(json!({"type": ["string", "null"]}), json!(1)), "expected string or null");
    }

    #[test]
    fn enum_const_and_unique_items_compare_json_values() {
        cases(json!({"enum": ["a", 1, null, [1, {"b": 2}]]}), json!(["a", 1.0, null, [1, {"b": 2}]]), json!(["b", 2, [{"b": 2}, 1], [1, {"b": 2, "c": 3}]]));
        cases(json!({"const": {"a": [1, 2], "b": true}}), json!([{"b": true, "a": [1.0, 2]}]), json!([{"a": [2, 1], "b": true}, {"a": [1, 2]}, {"a": 1}]));
        cases(json!({"uniqueItems": true}), json!([[], [1, "1", [1]], [{"a": 1}, {}]]), json!([[1, 1.0], [{"a": 1, "b": 2}, {"b": 2, "a": 1}], [[], [], 3]]));
        cases(json!({"uniqueItems": false}), json!([[1, 1]]), json!([]));
    }

    #[test]
    fn object_array_string_and_number_keywords() {
        let object = json!({"properties": {"id": {"type": "integer"}, "tags": {}}, "required": ["id"], "additionalProperties": {"type": "string"}});
        cases(object, json!([{"id": 1}, {"id": 1, "tags": [], "x": "y"}, "not an object"]), json!([{}, {"id": "1"}, {"id": 1, "x": 2}, {"tags": []}]));
        cases(json!({"additionalProperties": false, "properties": {"a": {}}}), json!([{}, {"a": 1}]), json!([{"b": 1}]));
        assert_eq!(says(json!({"required": ["a", "b\""]}), json!({"a": 1})), r#"missing required property "b\"""#);
        cases(json!({"items": {"type": "integer"}, "minItems": 1, "maxItems": 2}), json!([[1], [1, 2], {}]), json!([[], [1, 2, 3], ["1"]]));
        cases(json!({"prefixItems": [{"type": "string"}, {}], "items": false}), json!([[], ["a"], ["a", 1]]), json!([[1], ["a", 1, 2]]));
        let draft7 = json!({"$schema": "http://json-schema.org/draft-07/schema#", "items": [{"type": "string"}], "additionalItems": {"type": "integer"}});
        cases(draft7, json!([["a"], ["a", 1, 2]]), json!([[1], ["a", "b"]]));
        // Code points, not bytes or UTF-16 units: "é" is 2 bytes, "😀" 4 bytes and 2 units.
        cases(json!({"minLength": 2, "maxLength": 3}), json!(["ab", "éé", "😀😀😀", 12345]), json!(["a", "é", "😀", "abcd", "éééé"]));
        cases(json!({"minimum": 1, "maximum": 3}), json!([1, 2.5, 3, "x"]), json!([0.99, 3.01]));
        cases(json!({"exclusiveMinimum": 1, "exclusiveMaximum": 3}), json!([1.01, 2]), json!([1, 3]));
        cases(json!({"multipleOf": 0.5}), json!([0, 1.5, -2]), json!([0.25, 1.1]));
        cases(json!({"multipleOf": 3}), json!([9, -3, 0]), json!([10, 3.5]));
        assert!(run(&json!({"multipleOf": 0.1}), &json!(0.3)).is_ok(), "within float rounding");
        // No regex engine: patternProperties and pattern accept, and additionalProperties steps aside.
        assert!(run(&json!({"patternProperties": {"^x": false}, "additionalProperties": false}), &json!({"x": 1, "y": 2})).is_ok());
        assert!(run(&json!({"pattern": "^a$"}), &json!("b")).is_ok());
    }

    #[test]
    fn combinators() {
        cases(json!({"allOf": [{"minimum": 1}, {"maximum": 2}]}), json!([1, 2]), json!([0, 3]));
        cases(json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}), json!(["a", 1]), json!([1.5, null]));
        cases(json!({"oneOf": [{"type": "number"}, {"type": "integer"}]}), json!([1.5]), json!([1, "a"]));
        assert_eq!(says(json!({"oneOf": [{"minimum": 0}, {"maximum": 9}]}), json!(5)), "matches several oneOf");
        // A branch's own failure stays unsaid; the keyword that counts branches speaks.
        assert_eq!(says(json!({"properties": {"a": {"anyOf": [{"type": "string"}, {"items": false}]}}}), json!({"a": [1]})), "/a: matches no anyOf");
        assert_eq!(says(json!({"items": {"if": {"type": "string"}, "then": {"minLength": 2}}}), json!(["a"])), "/0: shorter than minLength");
        cases(json!({"not": {"type": "string"}}), json!([1, null]), json!(["a"]));
        cases(json!({"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"type": "integer"}}), json!(["ab", 3]), json!(["a", 3.5]));
    }

    #[test]
    fn refs_follow_json_pointers_and_failures_point_into_the_instance() {
        let node = json!({"properties": {"name": {"type": "string"}, "kids": {"items": {"$ref": "#/$defs/node"}}}, "required": ["name"]});
        let tree = json!({"$defs": {"node": node}, "$ref": "#/$defs/node"});
        let bad = json!({"name": "a", "kids": [{"name": "b"}, {"name": "c", "kids": [{"name": 4}]}]});
        cases(tree.clone(), json!([{"name": "a", "kids": [{"name": "b", "kids": []}]}]), json!([bad, {"kids": []}]));
        assert_eq!(says(tree, bad), "/kids/1/kids/0/name: expected string");
        let refs = json!([{"$ref": "#/definitions/a~1b"}, {"$ref": "#/definitions/m~0n"}]);
        let escaped = json!({"definitions": {"a/b": {"type": "integer"}, "m~n": {"minimum": 5}}, "allOf": refs});
        cases(escaped, json!([5, 6]), json!([4, 5.5]));
        cases(json!({"type": ["integer", "array"], "items": {"$ref": "#"}}), json!([1, [1, [2, []]]]), json!([[1, ["x"]]]));
        assert_eq!(says(json!({"properties": {"a/b~": {"items": false}}}), json!({"a/b~": [1]})), "/a~1b~0/0: not allowed");
        assert_eq!(says(json!({"$ref": "#/$defs/missing"}), json!(1)), "gave up: unresolved $ref");
        assert_eq!(says(json!({"$ref": "https://example.com/s.json"}), json!(1)), "gave up: unresolved $ref");
    }

    #[test]
    fn hostile_schemas_give_up_instead_of_hanging() {
        // Giving up inside a branch is not failing it: anyOf, oneOf and not pass it on.
        for s in [json!({"$ref": "#"}), json!({"anyOf": [{"$ref": "#"}, true]}), json!({"not": {"$ref": "#"}}), json!({"oneOf": [true, {"$ref": "#"}]})] {
            assert_eq!(says(s, json!(1)), "gave up: too deep");
        }
        // 2^40 paths: each level tries the next one twice.
        let mut defs = serde_json::Map::from_iter([("d40".to_owned(), json!(false))]);
        for n in 0..40 {
            let next = json!({"$ref": format!("#/$defs/d{}", n + 1)});
            defs.insert(format!("d{n}"), json!({"anyOf": [next, next]}));
        }
        assert_eq!(says(json!({"$defs": defs, "$ref": "#/$defs/d0"}), json!(1)), "gave up: budget exceeded");
        assert_eq!(says(json!({"items": {}}), Value::Array(vec![json!(0); BUDGET])), "gave up: budget exceeded");
        let deep = (0..200).fold(json!(1), |v, _| json!([v]));
        assert_eq!(says(json!({"items": {"$ref": "#"}}), deep.clone()), "gave up: too deep");
        assert_eq!(says(json!({"uniqueItems": true}), json!([deep.clone(), deep])), "gave up: too deep");
    }

    #[test]
    fn usable_schemas_are_objects_in_a_dialect_read_the_same_way() {
        let draft = |d: &str| json!({ "$schema": d });
        let usable = |v: &Value| usable(&Val::from(v));
        assert!([json!({}), draft("https://json-schema.org/draft/2020-12/schema"), draft("http://json-schema.org/draft-07/schema#")].iter().all(usable));
        let unusable = [json!(true), json!(null), json!("object"), draft("http://json-schema.org/draft-04/schema#"), draft("https://example.com/mine")];
        assert!(!unusable.iter().any(usable));
    }

    fn read(path: &str) -> Value {
        let path = format!("{}/tests/fixtures/mcp-schema/{path}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
    }

    #[test]
    fn tool_output_schemas() {
        let weather = ("with-output-schema-for-structured-content", "result-with-structured-content");
        for (tool, result) in [weather, ("tool-with-array-output-schema", "result-with-array-structured-content")] {
            let schema = read(&format!("2026-07-28/examples/Tool/{tool}.json"))["outputSchema"].take();
            let good = read(&format!("2026-07-28/examples/CallToolResult/{result}.json"))["structuredContent"].take();
            let mut bad = good.clone();
            *(if bad.is_array() { &mut bad[1]["name"] } else { &mut bad["humidity"] }) = json!(null);
            assert!(usable(&Val::from(&schema)));
            cases(schema, json!([good]), json!([bad]));
        }
        // As Pydantic writes them: $defs, Optional as anyOf with null, enums, bounds.
        let schema = json!({
            "$defs": {"Item": {"properties": {"sku": {"type": "string", "minLength": 1}, "qty": {"type": "integer", "minimum": 1}}, "required": ["sku", "qty"]},
                      "Status": {"enum": ["open", "paid"], "type": "string"}},
            "properties": {"items": {"items": {"$ref": "#/$defs/Item"}, "type": "array"}, "status": {"$ref": "#/$defs/Status"},
                           "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null}},
            "required": ["items", "status"], "type": "object", "additionalProperties": false,
        });
        cases(schema.clone(), json!([{"items": [{"sku": "a", "qty": 1}], "status": "paid", "note": null}]), json!([{"items": [], "status": "late"}]));
        assert_eq!(says(schema, json!({"items": [{"sku": "a", "qty": 0}], "status": "open"})), "/items/0/qty: below minimum");
    }

    /// Every official example against every definition of the MCP schema, then each example with
    /// one member dropped or changed against its own: ~21 000 verdicts, the `jsonschema` crate's too.
    #[test]
    fn mcp_examples_against_mcp_definitions_agree_with_jsonschema() {
        let defs = read("2026-07-28/schema.json")["$defs"].take();
        let dir = format!("{}/tests/fixtures/mcp-schema/2026-07-28/examples", env!("CARGO_MANIFEST_DIR"));
        let mut examples = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap().map(Result::unwrap) {
            for file in std::fs::read_dir(entry.path()).unwrap() {
                let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
                examples.push((entry.file_name().into_string().unwrap(), serde_json::from_str::<Value>(&text).unwrap()));
            }
        }
        let (mut valid, mut invalid) = (0, 0);
        for name in defs.as_object().unwrap().keys() {
            let wrapper = json!({"$defs": defs, "$ref": format!("#/$defs/{name}")});
            let theirs = jsonschema::options().should_validate_formats(false).build(&wrapper).unwrap();
            let ours_schema = Val::from(&wrapper);
            let mut agree = |e: &Value| {
                let ours = validate(&ours_schema, &e);
                assert_eq!(ours.is_ok(), theirs.is_valid(e), "{name} on {e}: {ours:?}");
                *if ours.is_ok() { &mut valid } else { &mut invalid } += 1;
            };
            for (def, e) in &examples {
                agree(e);
                for key in e.as_object().filter(|_| def == name).into_iter().flat_map(|o| o.keys()) {
                    for change in [None, Some(json!(null)), Some(json!("x")), Some(json!([{}]))] {
                        let mut e = e.clone();
                        let o = e.as_object_mut().unwrap();
                        match change {
                            Some(v) => o.insert(key.clone(), v),
                            None => o.remove(key),
                        };
                        agree(&e);
                    }
                }
            }
        }
        assert!(valid > 2500 && invalid > 18000, "{valid} valid, {invalid} invalid");
    }
}
