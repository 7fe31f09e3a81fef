//! Awaiting a JS promise through one shared callback. wasm-bindgen's `JsFuture` makes two
//! fresh closures per await, each registered with (and later removed from) a
//! `FinalizationRegistry`; a request awaits two promises (the fetch and its body) and an SSE
//! stream one per chunk, so that was paid on every call.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/browser.js")]
extern "C" {
    #[wasm_bindgen(js_name = whenSettled)]
    fn when_settled(promise: &Promise, id: u32, done: &Closure<dyn FnMut(u32, bool, JsValue)>);
}

enum Entry {
    Free,
    Waiting(Option<Waker>),
    Settled(Result<JsValue, JsValue>),
    /// The future was dropped first: the entry is freed when the promise settles.
    Abandoned,
}

#[derive(Default)]
struct Entries {
    all: Vec<Entry>,
    free: Vec<u32>,
}

impl Entries {
    /// Frees an entry for the next promise; returns what it held.
    fn release(&mut self, id: u32) -> Entry {
        self.free.push(id);
        std::mem::replace(&mut self.all[id as usize], Entry::Free)
    }
}

thread_local! {
    static ENTRIES: RefCell<Entries> = RefCell::default();
    static DONE: Closure<dyn FnMut(u32, bool, JsValue)> = Closure::new(settle);
}

fn settle(id: u32, ok: bool, value: JsValue) {
    let waker = ENTRIES.with(|e| {
        let mut e = e.borrow_mut();
        let Entry::Waiting(waker) = &mut e.all[id as usize] else {
            e.release(id); // abandoned: nobody waits for the outcome
            return None;
        };
        let waker = waker.take();
        e.all[id as usize] = Entry::Settled(if ok { Ok(value) } else { Err(value) });
        waker
    });
    // Outside the borrow: waking only queues the task, but keep the rule simple.
    if let Some(w) = waker {
        w.wake();
    }
}

/// A promise's outcome, as a future: `Ok` with what it resolved to, `Err` with what it
/// rejected with.
#[must_use = "futures do nothing unless awaited"]
pub struct Settled {
    /// `SPENT` once the outcome is taken: the entry may already serve another promise.
    id: u32,
}

const SPENT: u32 = u32::MAX;

pub fn settled(promise: &Promise) -> Settled {
    let id = ENTRIES.with(|e| {
        let mut e = e.borrow_mut();
        match e.free.pop() {
            Some(id) => {
                e.all[id as usize] = Entry::Waiting(None);
                id
            }
            None => {
                e.all.push(Entry::Waiting(None));
                e.all.len() as u32 - 1
            }
        }
    });
    DONE.with(|done| when_settled(promise, id, done));
    Settled { id }
}

impl Future for Settled {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.id == SPENT {
            return Poll::Pending; // polled after Ready: never again
        }
        let outcome = ENTRIES.with(|e| {
            let mut e = e.borrow_mut();
            let id = self.id;
            if let Entry::Waiting(waker) = &mut e.all[id as usize] {
                *waker = Some(cx.waker().clone());
                return None;
            }
            match e.release(id) {
                Entry::Settled(outcome) => Some(outcome),
                _ => None,
            }
        });
        match outcome {
            Some(outcome) => {
                self.id = SPENT;
                Poll::Ready(outcome)
            }
            None => Poll::Pending,
        }
    }
}

impl Drop for Settled {
    fn drop(&mut self) {
        if self.id == SPENT {
            return;
        }
        ENTRIES.with(|e| {
            let mut e = e.borrow_mut();
            match e.all[self.id as usize] {
                Entry::Waiting(_) => e.all[self.id as usize] = Entry::Abandoned,
                _ => drop(e.release(self.id)),
            }
        });
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn is_free(id: u32) -> bool {
        ENTRIES.with(|e| matches!(e.borrow().all[id as usize], Entry::Free))
    }

    fn is_abandoned(id: u32) -> bool {
        ENTRIES.with(|e| matches!(e.borrow().all[id as usize], Entry::Abandoned))
    }

    #[wasm_bindgen_test]
    async fn a_settled_promise_gives_its_outcome_and_frees_its_entry() {
        let resolved = settled(&Promise::resolve(&JsValue::from(7)));
        let id = resolved.id;
        assert_eq!(resolved.await.expect("resolves").as_f64(), Some(7.0));
        assert!(is_free(id));
        let rejected = settled(&Promise::reject(&JsValue::from_str("no"))).await;
        assert_eq!(rejected.expect_err("rejects").as_string().as_deref(), Some("no"));
    }

    #[wasm_bindgen_test]
    async fn an_abandoned_entry_is_freed_when_its_promise_settles() {
        let mut resolve = None;
        let pending = Promise::new(&mut |r, _| resolve = Some(r));
        let waiting = settled(&pending);
        let id = waiting.id;
        drop(waiting);
        assert!(is_abandoned(id), "the promise still holds the entry");
        resolve.expect("executor ran").call0(&JsValue::UNDEFINED).expect("resolve");
        // Reactions run in order: this one runs after `pending`'s.
        settled(&Promise::resolve(&JsValue::UNDEFINED)).await.expect("resolves");
        assert!(is_free(id));
        // A freed entry is used again rather than the list growing.
        let total = ENTRIES.with(|e| e.borrow().all.len());
        for i in 0..5 {
            settled(&Promise::resolve(&JsValue::from(i))).await.expect("resolves");
        }
        assert_eq!(ENTRIES.with(|e| e.borrow().all.len()), total);
    }
}
