//! An event listener owned by a value: dropping it removes the listener.

use wasm_bindgen::prelude::*;
use web_sys::{Event, EventTarget};

#[must_use = "dropping an EventListener removes it"]
pub struct EventListener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl EventListener {
    pub fn new(target: &EventTarget, kind: &'static str, callback: impl FnMut(Event) + 'static) -> EventListener {
        let callback = Closure::<dyn FnMut(Event)>::new(callback);
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        EventListener { target: target.clone(), kind, callback }
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}
