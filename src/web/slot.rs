//! A single-assignment slot that a future can await: the first `complete` wins, later ones are
//! ignored. A response, a timeout and an abort all race to complete the same slot.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

pub struct Slot<T>(Rc<RefCell<Inner<T>>>);

struct Inner<T> {
    value: Option<T>,
    done: bool,
    waker: Option<Waker>,
}

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        Slot(self.0.clone())
    }
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot(Rc::new(RefCell::new(Inner { value: None, done: false, waker: None })))
    }
}

impl<T> Slot<T> {
    /// Stores `value` unless the slot was already completed; returns whether it was stored.
    pub fn complete(&self, value: T) -> bool {
        let waker = {
            let mut inner = self.0.borrow_mut();
            if inner.done {
                return false;
            }
            inner.done = true;
            inner.value = Some(value);
            inner.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
        true
    }

    /// Whether both are the same slot.
    pub fn same(&self, other: &Slot<T>) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    pub fn is_complete(&self) -> bool {
        self.0.borrow().done
    }

    /// A future that resolves with the value.
    pub fn wait(&self) -> Wait<T> {
        Wait(self.clone())
    }
}

pub struct Wait<T>(Slot<T>);

impl<T> Future for Wait<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut inner = (self.0).0.borrow_mut();
        match inner.value.take() {
            Some(v) => Poll::Ready(v),
            None => {
                inner.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
