//! Small helpers for reading and building plain JS objects.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

/// `o[key]`, or `undefined` when `o` is not an object.
pub fn get(o: &JsValue, key: &str) -> JsValue {
    if !o.is_object() && !o.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

pub fn set(o: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(o, &key.into(), value);
}

pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o: JsValue = Object::new().into();
    for (k, v) in fields {
        set(&o, k, v);
    }
    o
}
