//! The ready-made consent dialog (and its authorization variant) lives in its own module, `elicitation-dialog.js` beside the
//! package's entry, so apps that bring their own UI never download it. `elicitationUi:
//! "dialog"` loads it on the first elicitation; apps can also import `showElicitationDialog`
//! from it and call it from their own `onElicitation`.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

// Inline snippets land in `snippets/<crate>-<hash>/`, two levels below the package root (three
// in the bundled build, which is in `full/`).
#[cfg_attr(not(feature = "oauth-bundled"), wasm_bindgen(inline_js = "export function showDialog(req) { \
    return import('../../elicitation-dialog.js').then((m) => m.showElicitationDialog(req)); } \
    export function showAuthDialog(req) { \
    return import('../../elicitation-dialog.js').then((m) => m.showAuthorizationDialog(req)); }"))]
#[cfg_attr(feature = "oauth-bundled", wasm_bindgen(inline_js = "export function showDialog(req) { \
    return import('../../../elicitation-dialog.js').then((m) => m.showElicitationDialog(req)); } \
    export function showAuthDialog(req) { \
    return import('../../../elicitation-dialog.js').then((m) => m.showAuthorizationDialog(req)); }"))]
extern "C" {
    #[wasm_bindgen(js_name = showDialog)]
    fn show_dialog(req: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = showAuthDialog)]
    fn show_auth_dialog(req: &JsValue) -> Promise;
}

/// The dialog as an `onElicitation` handler.
pub fn handler() -> Function {
    Closure::<dyn FnMut(JsValue) -> Promise>::new(|req: JsValue| show_dialog(&req)).into_js_value().unchecked_into()
}

/// The dialog's authorization variant as an `auth.onAuthorization` handler. Its promise settles
/// when the dialog closes, which is not the end of the flow: the handler returns nothing.
pub fn authorization_handler() -> Function {
    Closure::<dyn FnMut(JsValue)>::new(|req: JsValue| {
        let _ = show_auth_dialog(&req);
    })
    .into_js_value()
    .unchecked_into()
}
