//! Timers bound to the global `setTimeout`, so they work in windows and workers alike.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    #[wasm_bindgen(js_name = setInterval)]
    fn set_interval(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearInterval)]
    fn clear_interval(handle: &JsValue);
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms as f64);
    });
    let _ = JsFuture::from(promise).await;
}

/// Runs a callback once after a delay, unless dropped first: dropping clears the timer.
#[must_use = "dropping a Timeout cancels it"]
pub struct Timeout {
    handle: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    pub fn new(ms: u32, callback: impl FnOnce() + 'static) -> Timeout {
        let mut callback = Some(callback);
        let closure = Closure::<dyn FnMut()>::new(move || {
            if let Some(f) = callback.take() {
                f();
            }
        });
        let handle = set_timeout(closure.as_ref().unchecked_ref(), ms as f64);
        Timeout { handle, _callback: closure }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(&self.handle);
    }
}

/// Runs a callback every `ms` milliseconds until dropped.
#[must_use = "dropping an Interval stops it"]
pub struct Interval {
    handle: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Interval {
    pub fn new(ms: u32, callback: impl FnMut() + 'static) -> Interval {
        let closure = Closure::<dyn FnMut()>::new(callback);
        let handle = set_interval(closure.as_ref().unchecked_ref(), ms as f64);
        Interval { handle, _callback: closure }
    }
}

impl Drop for Interval {
    fn drop(&mut self) {
        clear_interval(&self.handle);
    }
}

/// Milliseconds since the epoch, for the core's time-parameterised rules.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
