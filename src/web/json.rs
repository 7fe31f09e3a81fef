//! JSON in the browser: the engine's `JSON.parse`/`JSON.stringify`, and parsed JS objects seen
//! through the core's [`JsonObject`] so the core can classify them without copying them.

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::prelude::*;

use crate::core::error::Error;
use crate::core::jsonrpc::{classify, Field, JsonObject, Kind, Parsed};

/// JSON text of a JS value, with the engine's serializer.
pub fn stringify(value: &JsValue) -> Result<String, Error> {
    JSON::stringify(value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| Error::InvalidArgument("params must be JSON-serializable".into()))
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
    fn field(&self, key: &str) -> Field<Self> {
        let v = Reflect::get(&self.0, &key.into()).unwrap_or(JsValue::UNDEFINED);
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

    fn field_json(&self, key: &str) -> Option<String> {
        let v = Reflect::get(&self.0, &key.into()).ok().filter(|v| !v.is_undefined())?;
        JSON::stringify(&v).ok().and_then(|t| t.as_string())
    }

    fn strings(&self, key: &str) -> Option<Vec<String>> {
        let v = Reflect::get(&self.0, &key.into()).unwrap_or(JsValue::UNDEFINED);
        if v.is_undefined() || v.is_null() {
            return Some(Vec::new());
        }
        if !Array::is_array(&v) {
            return None;
        }
        Array::from(&v).iter().map(|s| s.as_string()).collect()
    }

    fn is_true(&self, key: &str) -> bool {
        Reflect::get(&self.0, &key.into()).ok().and_then(|v| v.as_bool()) == Some(true)
    }
}

/// A JSON document from the network as an object, or `None` when it is not JSON or not an object.
#[cfg(any(feature = "oauth-module", feature = "oauth-bundled"))]
pub fn parse_object(text: &str) -> Option<JsObject> {
    JSON::parse(text).ok().filter(|v| v.is_object() && !Array::is_array(v)).map(JsObject)
}
