//! Timers bound to the global `setTimeout`, so they work in windows and workers alike.

use std::cell::RefCell;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

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
    let _ = super::promise::settled(&promise).await;
}

/// Resolves on a later turn of the microtask queue, with no timer and no promise: the task
/// wakes itself, and the executor runs a woken task on a fresh microtask.
pub fn yield_now() -> impl std::future::Future<Output = ()> {
    let mut yielded = false;
    std::future::poll_fn(move |cx| {
        if yielded {
            return std::task::Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    })
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

/// A [`Timeout`] for the clock of each request: all of them share one `setTimeout`, armed for the
/// earliest, so starting and dropping one calls no timer API. (In Chromium a setTimeout and
/// clearTimeout pair, with its closure, cost about a tenth of an in-memory `tools/call`.)
#[must_use = "dropping a Deadline cancels it"]
pub struct Deadline {
    serial: u32,
}

type Job = Box<dyn FnOnce()>;

#[derive(Default)]
struct Deadlines {
    serial: u32,
    /// Due time (ms since the epoch), serial, job; unordered: a few in flight, rarely due.
    jobs: Vec<(u64, u32, Job)>,
    /// The shared timer and the time it is set for.
    armed: Option<(u64, Timeout)>,
}

thread_local! {
    static DEADLINES: RefCell<Deadlines> = RefCell::default();
}

impl Deadline {
    pub fn new(ms: u32, job: impl FnOnce() + 'static) -> Deadline {
        let at = now_ms() as u64 + ms as u64;
        let serial = DEADLINES.with(|d| {
            let mut d = d.borrow_mut();
            d.serial = d.serial.wrapping_add(1);
            let serial = d.serial;
            d.jobs.push((at, serial, Box::new(job)));
            serial
        });
        arm_deadlines(at);
        Deadline { serial }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        // The timer stays armed: when it fires with nothing due it re-arms for what is left.
        let job = DEADLINES.with(|d| {
            let mut d = d.borrow_mut();
            let i = d.jobs.iter().position(|j| j.1 == self.serial)?;
            Some(d.jobs.swap_remove(i))
        });
        drop(job);
    }
}

/// How many deadlines are set (tests check that a settled request leaves none).
#[cfg(test)]
pub fn pending_deadlines() -> usize {
    DEADLINES.with(|d| d.borrow().jobs.len())
}

/// Sets the shared timer for a deadline at `at`, unless it is already set for then or sooner.
fn arm_deadlines(at: u64) {
    if DEADLINES.with(|d| d.borrow().armed.as_ref().is_some_and(|(armed, _)| *armed <= at)) {
        return;
    }
    // Browsers fire a delay above 2^31-1 ms at once: a longer deadline waits in steps.
    let timer = Timeout::new((at as f64 - now_ms()).clamp(0.0, i32::MAX as f64) as u32, fire_deadlines);
    let old = DEADLINES.with(|d| d.borrow_mut().armed.replace((at, timer)));
    drop(old);
}

fn fire_deadlines() {
    let now = now_ms() as u64;
    let (spent, due, next) = DEADLINES.with(|d| {
        let mut d = d.borrow_mut();
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut d.jobs).into_iter().partition(|j| j.0 <= now);
        let next = later.iter().map(|j| j.0).min();
        d.jobs = later;
        (d.armed.take(), due, next)
    });
    // This runs inside the spent timer's closure, which must outlive the call: drop it after.
    wasm_bindgen_futures::spawn_local(async move { drop(spent) });
    for (_, _, job) in due {
        job();
    }
    if let Some(at) = next {
        arm_deadlines(at);
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
