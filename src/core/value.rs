//! A small owned JSON value for what the core reads from JS: elicitation form schemas and
//! answers, tools' input and output schemas. The edge builds it from JS values
//! (`web::json::to_val`); natively it comes from `serde_json`. Objects are member lists in
//! their original order, not maps: these values are small, and a map type costs the module
//! several kilobytes.

/// A JSON value. Numbers are `f64`, as in JS.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Val>),
    /// Members in their original order.
    Obj(Vec<(String, Val)>),
}

impl Val {
    /// A member of an object (the first, if the key repeats); `None` for anything else.
    pub fn get(&self, key: &str) -> Option<&Val> {
        self.as_object()?.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Val]> {
        match self {
            Val::Arr(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Val)]> {
        match self {
            Val::Obj(members) => Some(members),
            _ => None,
        }
    }

    /// The value a JSON pointer (RFC 6901: `/a/0/b~1c`, "" for the whole value) names.
    pub fn pointer(&self, pointer: &str) -> Option<&Val> {
        if pointer.is_empty() {
            return Some(self);
        }
        pointer.strip_prefix('/')?.split('/').try_fold(self, |v, token| {
            let token = unescape(token);
            match v {
                Val::Obj(_) => v.get(&token),
                // An index is digits without a leading zero ("0" itself is fine).
                Val::Arr(items) if token == "0" || !token.starts_with('0') => items.get(token.parse::<usize>().ok()?),
                _ => None,
            }
        })
    }
}

/// A pointer token with RFC 6901's escapes undone: "~1" is "/" and "~0" is "~" (so "~01" is
/// "~1"). By hand: `str::replace` would pull the substring searcher into the module.
fn unescape(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut rest = token.chars();
    while let Some(c) = rest.next() {
        let escaped = match (c, rest.as_str().as_bytes().first()) {
            ('~', Some(b'1')) => '/',
            ('~', Some(b'0')) => '~',
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push(escaped);
        rest.next();
    }
    out
}

#[cfg(not(target_arch = "wasm32"))]
impl From<&serde_json::Value> for Val {
    fn from(v: &serde_json::Value) -> Val {
        use serde_json::Value;
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Val::Str(s.clone()),
            Value::Array(a) => Val::Arr(a.iter().map(Val::from).collect()),
            Value::Object(o) => Val::Obj(o.iter().map(|(k, v)| (k.clone(), Val::from(v))).collect()),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_resolve_as_serde_json_resolves_them() {
        let doc = json!({"a": [{"b/c": 1, "m~n": 2}, 3], "": 4, "0": {"01": 5}, "~1": 6, "~/": 7, "~2": 8, "~": 9});
        let val = Val::from(&doc);
        for p in ["", "/a", "/a/0", "/a/0/b~1c", "/a/0/m~0n", "/a/1", "/", "/0/01", "/a/01", "/a/2", "/a/-1", "/x", "a", "/a/0/b/c", "/a/1/x", "/~01", "/~0~1", "/~~1", "/~2", "/~", "/~0", "/~1"] {
            assert_eq!(val.pointer(p), doc.pointer(p).map(Val::from).as_ref(), "pointer {p:?}");
        }
    }
}
