//! JSON in the browser: the engine's `JSON.parse`/`JSON.stringify`, and parsed JS objects seen
//! through the core's [`JsonObject`] so the core can classify them without copying them.

use std::cell::RefCell;

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::prelude::*;

use crate::core::error::Error;
use crate::core::value::Val;
use crate::core::jsonrpc::{classify, Field, JsonObject, Kind, Parsed};

/// JSON text of a JS value, with the engine's serializer.
pub fn stringify(value: &JsValue) -> Result<String, Error> {
    JSON::stringify(value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| Error::InvalidArgument("params must be JSON-serializable".into()))
}

thread_local! {
    static KEYS: RefCell<Vec<(&'static str, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// The engine string of a name the library uses (a property, a method), made once: each string
/// made from wasm memory is a `TextDecoder` call, about a microsecond in Blink, and a
/// `tools/call` made sixteen. Only `'static` names come here, so the cache stays small.
pub fn key(name: &'static str) -> JsValue {
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        // By address: each literal is one constant, and comparing the text would cost more.
        if let Some((_, value)) = keys.iter().find(|(k, _)| std::ptr::eq(*k, name)) {
            return value.clone();
        }
        let value = JsValue::from_str(name);
        keys.push((name, value.clone()));
        value
    })
}

/// Parses one message with the engine's `JSON.parse` and lets the core classify it.
pub fn parse_message(text: &str) -> Result<(Kind, JsValue), Error> {
    classify_value(JSON::parse(text).map_err(|e| Error::Parse(super::fetch::describe(&e)))?)
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_js(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// Like [`parse_message`] for text that is already a JS string (a `Response.text()`): the
/// body never passes through wasm memory.
pub fn parse_js_message(text: &JsValue) -> Result<(Kind, JsValue), Error> {
    classify_value(parse_js(text).map_err(|e| Error::Parse(super::fetch::describe(&e)))?)
}

fn classify_value(value: JsValue) -> Result<(Kind, JsValue), Error> {
    let parsed = if Array::is_array(&value) {
        Parsed::Array
    } else if value.is_object() {
        Parsed::Object(JsObject(value.clone()))
    } else {
        Parsed::Other
    };
    Ok((classify(parsed)?, value))
}

/// A parsed JS object seen through the core's [`JsonObject`].
pub struct JsObject(pub JsValue);

impl JsonObject for JsObject {
    fn field(&self, key: &'static str) -> Field<Self> {
        let v = Reflect::get(&self.0, &self::key(key)).unwrap_or(JsValue::UNDEFINED);
        if v.is_undefined() {
            Field::Absent
        } else if v.is_null() {
            Field::Null
        } else if let Some(n) = v.as_f64() {
            Field::Number(n)
        } else if let Some(s) = v.as_string() {
            Field::String(s)
        } else if v.is_object() && !Array::is_array(&v) {
            Field::Object(JsObject(v))
        } else {
            Field::Other
        }
    }

    fn field_json(&self, key: &'static str) -> Option<String> {
        let v = Reflect::get(&self.0, &self::key(key)).ok().filter(|v| !v.is_undefined())?;
        JSON::stringify(&v).ok().and_then(|t| t.as_string())
    }

    fn strings(&self, key: &'static str) -> Option<Vec<String>> {
        let v = Reflect::get(&self.0, &self::key(key)).unwrap_or(JsValue::UNDEFINED);
        if v.is_undefined() || v.is_null() {
            return Some(Vec::new());
        }
        if !Array::is_array(&v) {
            return None;
        }
        Array::from(&v).iter().map(|s| s.as_string()).collect()
    }

    fn is_true(&self, key: &'static str) -> bool {
        Reflect::get(&self.0, &self::key(key)).ok().and_then(|v| v.as_bool()) == Some(true)
    }
}

/// A JSON document from the network as an object, or `None` when it is not JSON or not an object.
#[cfg(any(feature = "oauth-module", feature = "oauth-bundled"))]
pub fn parse_object(text: &str) -> Option<JsObject> {
    JSON::parse(text).ok().filter(|v| v.is_object() && !Array::is_array(v)).map(JsObject)
}

/// A parsed JS value seen through the core's schema [`crate::core::schema::Json`]: the result is
/// checked where `JSON.parse` left it.
pub struct JsJson(pub JsValue);

impl crate::core::schema::Json for JsJson {
    fn kind(&self) -> crate::core::schema::Kind {
        use crate::core::schema::Kind;
        let v = &self.0;
        if let Some(b) = v.as_bool() {
            Kind::Bool(b)
        } else if let Some(n) = v.as_f64() {
            Kind::Number(n)
        } else if v.is_string() {
            Kind::String
        } else if Array::is_array(v) {
            Kind::Array(Array::from(v).length() as usize)
        } else if v.is_object() {
            Kind::Object
        } else {
            Kind::Null
        }
    }

    fn string(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.0.as_string().map(std::borrow::Cow::Owned)
    }

    fn get(&self, key: &str) -> Option<Self> {
        let key = JsValue::from_str(key);
        let own = self.0.is_object() && js_sys::Object::has_own(self.0.unchecked_ref::<js_sys::Object>(), &key);
        own.then(|| JsJson(Reflect::get(&self.0, &key).unwrap_or(JsValue::UNDEFINED)))
    }

    fn at(&self, index: usize) -> Option<Self> {
        Array::is_array(&self.0).then(|| JsJson(Array::from(&self.0).get(index as u32)))
    }

    fn keys(&self) -> Vec<String> {
        if !self.0.is_object() || Array::is_array(&self.0) {
            return Vec::new();
        }
        js_sys::Object::keys(self.0.unchecked_ref::<js_sys::Object>()).iter().filter_map(|k| k.as_string()).collect()
    }
}

/// A JS value as the core's [`Val`] (a tool's schemas, an elicitation's form and answer: small).
/// Past 64 levels, and for what JSON has no value for, it is `Null`.
pub fn to_val(v: &JsValue) -> Val {
    fn walk(v: &JsValue, depth: u32) -> Val {
        if depth > 64 || v.is_null() || v.is_undefined() {
            Val::Null
        } else if let Some(b) = v.as_bool() {
            Val::Bool(b)
        } else if let Some(n) = v.as_f64() {
            Val::Num(n)
        } else if let Some(s) = v.as_string() {
            Val::Str(s)
        } else if Array::is_array(v) {
            Val::Arr(Array::from(v).iter().map(|x| walk(&x, depth + 1)).collect())
        } else if v.is_object() {
            let entries = js_sys::Object::entries(v.unchecked_ref());
            let pair = |p: JsValue| Some((Reflect::get_u32(&p, 0).ok()?.as_string()?, walk(&Reflect::get_u32(&p, 1).ok()?, depth + 1)));
            Val::Obj(entries.iter().filter_map(pair).collect())
        } else {
            Val::Null
        }
    }
    walk(v, 0)
}
