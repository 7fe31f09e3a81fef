//! Small helpers for reading and building plain JS objects.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::web::json::key;

/// `o[name]`, or `undefined` when `o` is not an object.
pub fn get(o: &JsValue, name: &'static str) -> JsValue {
    if !o.is_object() && !o.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(o, &key(name)).unwrap_or(JsValue::UNDEFINED)
}

pub fn set(o: &JsValue, name: &'static str, value: &JsValue) {
    let _ = Reflect::set(o, &key(name), value);
}

/// `set` for a name that is data (a form field, a key the server chose), not the library's own.
pub fn set_named(o: &JsValue, name: &str, value: &JsValue) {
    let _ = Reflect::set(o, &name.into(), value);
}

pub fn object(fields: &[(&'static str, JsValue)]) -> JsValue {
    let o: JsValue = Object::new().into();
    for (k, v) in fields {
        set(&o, k, v);
    }
    o
}

pub const TIMEOUT_RANGE: &str = "timeouts are milliseconds between 0 (none) and 2^32-1";

/// A timeout option in milliseconds: 0 (none) up to 2^32-1; `None` for anything else.
pub fn millis(ms: f64) -> Option<u32> {
    (ms.is_finite() && (0.0..=u32::MAX as f64).contains(&ms)).then_some(ms as u32)
}

/// `future_to_promise` for every exported async method through one boxed future type, so the
/// module holds one copy of its machinery instead of one per method.
pub fn promise(future: impl std::future::Future<Output = Result<JsValue, JsValue>> + 'static) -> js_sys::Promise {
    let boxed: std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, JsValue>>>> = Box::pin(future);
    wasm_bindgen_futures::future_to_promise(boxed)
}
