//! The popup broker: opens an elicitation URL in a separate top-level window inside the user's
//! click, and watches every completion signal the design allows: a verified `postMessage` from
//! that window, the same-origin `BroadcastChannel` (believed only while the popup could be its
//! sender), the popup closing (after a grace period,
//! because a Cross-Origin-Opener-Policy page makes the opener see it as closed), and a timeout.
//! The server's `notifications/elicitation/complete` and the app's manual `done()`/`cancel()`
//! complete the same slot from outside.
//!
//! Everything a watch registers is owned by [`Watch`]; dropping it removes every listener,
//! closes the channel and clears every timer.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent, Window};

use super::json::JsObject;
use super::listener::EventListener;
use super::slot::Slot;
use super::timer::{Interval, Timeout};
use crate::core::elicitation::{completion_matches, parse_completion, CompletionStatus};
use crate::core::error::Error;

/// Which signal settled the elicitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Message,
    Broadcast,
    Notification,
    Manual,
    Closed,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Message => "message",
            Via::Broadcast => "broadcast",
            Via::Notification => "notification",
            Via::Manual => "manual",
            Via::Closed => "closed",
        }
    }
}

pub type Outcome = Result<(CompletionStatus, Via), Error>;

/// The channel name completion pages on the app's own origin post to.
pub const CHANNEL: &str = "mcp:elicitation";
const CLOSED_POLL_MS: u32 = 300;

pub struct WatchConfig {
    /// The URL's origin plus the origins the app allow-listed.
    pub allowed_origins: Vec<String>,
    pub expected_id: Option<String>,
    pub timeout_ms: u32,
    pub closed_grace_ms: u32,
}

/// Opens `url` in a new top-level window (a popup that keeps its `opener`, so the completion
/// page can post back). Must run synchronously inside a user gesture.
pub fn open(url: &str) -> Result<Window, Error> {
    let window = web_sys::window().ok_or(Error::NoWindow)?;
    window.open_with_url_and_target_and_features(url, "_blank", "popup,width=560,height=720").ok().flatten().ok_or(Error::PopupBlocked)
}

/// The listeners and timers watching one opened popup.
#[must_use = "dropping a Watch stops watching"]
pub struct Watch {
    _message: Option<EventListener>,
    _channel: Option<(BroadcastChannelGuard, EventListener)>,
    _poll: Option<Interval>,
    _grace: Rc<RefCell<Option<Timeout>>>,
    _timeout: Option<Timeout>,
}

struct BroadcastChannelGuard(BroadcastChannel);

impl Drop for BroadcastChannelGuard {
    fn drop(&mut self) {
        self.0.close();
    }
}

pub fn watch(popup: &Window, config: WatchConfig, slot: Slot<Outcome>) -> Watch {
    let config = Rc::new(config);
    let message = web_sys::window().map(|window| {
        let (slot, config, popup) = (slot.clone(), config.clone(), popup.clone());
        EventListener::new(&window, "message", move |event| {
            let Ok(event) = event.dyn_into::<MessageEvent>() else { return };
            let source_is_popup = event.source().map(|s| js_sys::Object::is(&s, &popup)).unwrap_or(false);
            // The initial about:blank has this page's origin: whatever it posts was scripted
            // from here, not by a completion page.
            let from_page = source_is_popup && sight(&popup) != Sight::Blank;
            accept(&slot, &config, &event, from_page, Via::Message);
        })
    });
    let channel = BroadcastChannel::new(CHANNEL).ok().map(|channel| {
        let (slot, config, popup) = (slot.clone(), config.clone(), popup.clone());
        let listener = EventListener::new(&channel, "message", move |event| {
            let Ok(event) = event.dyn_into::<MessageEvent>() else { return };
            // Any tab or frame of this origin can post here. Only believe it when the popup
            // can be the sender: it shows a page of this origin, or it is out of sight (closed,
            // or cut off by Cross-Origin-Opener-Policy, which is what the channel is for).
            // While it is visibly on another site, the sender is someone else.
            if !matches!(sight(&popup), Sight::OwnOrigin | Sight::Gone) {
                return;
            }
            // A BroadcastChannel only carries messages from this origin.
            let mut same_origin = (*config).allowed_origins.clone();
            same_origin.push(event.origin());
            let config = WatchConfig { allowed_origins: same_origin, expected_id: config.expected_id.clone(), timeout_ms: 0, closed_grace_ms: 0 };
            accept(&slot, &config, &event, true, Via::Broadcast);
        });
        (BroadcastChannelGuard(channel), listener)
    });
    let grace: Rc<RefCell<Option<Timeout>>> = Rc::default();
    let poll = {
        let (slot, popup, grace, ms) = (slot.clone(), popup.clone(), grace.clone(), config.closed_grace_ms);
        Interval::new(CLOSED_POLL_MS, move || {
            if slot.is_complete() || grace.borrow().is_some() || !popup.closed().unwrap_or(false) {
                return;
            }
            // Closed, or severed by Cross-Origin-Opener-Policy: give the other signals time.
            let slot = slot.clone();
            *grace.borrow_mut() = Some(Timeout::new(ms, move || {
                slot.complete(Ok((CompletionStatus::Cancelled, Via::Closed)));
            }));
        })
    };
    let timeout = (config.timeout_ms > 0).then(|| {
        let (slot, ms) = (slot.clone(), config.timeout_ms);
        Timeout::new(ms, move || {
            slot.complete(Err(Error::ElicitationTimeout { ms }));
        })
    });
    Watch { _message: message, _channel: channel, _poll: Some(poll), _grace: grace, _timeout: timeout }
}

/// What this page can see of the popup it opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Closed, or severed by Cross-Origin-Opener-Policy (which reads as closed).
    Gone,
    /// Still on the initial about:blank (same origin as this page).
    Blank,
    /// On a page of this page's origin.
    OwnOrigin,
    /// On a page of another origin (its location is unreadable).
    OtherOrigin,
}

pub fn sight(popup: &Window) -> Sight {
    if popup.closed().unwrap_or(true) {
        return Sight::Gone;
    }
    match popup.location().href() {
        Err(_) => Sight::OtherOrigin,
        Ok(href) if href == "about:blank" => Sight::Blank,
        Ok(_) => Sight::OwnOrigin,
    }
}

/// Completes the slot if the message is a well-formed completion for this elicitation;
/// anything else is ignored without side effects.
fn accept(slot: &Slot<Outcome>, config: &WatchConfig, event: &MessageEvent, source_ok: bool, via: Via) {
    if slot.is_complete() {
        return; // replays after completion are ignored
    }
    let data = event.data();
    if !data.is_object() || js_sys::Array::is_array(&data) {
        return;
    }
    let Some((id, status)) = parse_completion(&JsObject(data)) else { return };
    let origins: Vec<&str> = config.allowed_origins.iter().map(String::as_str).collect();
    if completion_matches(&origins, &event.origin(), source_ok, config.expected_id.as_deref(), id.as_deref()).is_ok() {
        slot.complete(Ok((status, via)));
    }
}
