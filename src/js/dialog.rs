//! The ready-made consent dialog (`src/js/dialog.js`): opt in with `elicitationUi: "dialog"`,
//! or call `showElicitationDialog(req)` from your own `onElicitation`.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/dialog.js")]
extern "C" {
    #[wasm_bindgen(js_name = showElicitationDialog)]
    fn show(req: &JsValue, options: &JsValue) -> Promise;
}

/// Shows the dialog for an elicitation request and resolves with the user's answer.
#[wasm_bindgen(js_name = showElicitationDialog, unchecked_return_type = "Promise<ElicitationResult>")]
pub fn show_elicitation_dialog(
    #[wasm_bindgen(unchecked_param_type = "ElicitationRequest")] req: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ElicitationDialogOptions")] options: JsValue,
) -> Promise {
    show(&req, &options)
}

/// The dialog as an `onElicitation` handler.
pub fn handler() -> Function {
    Closure::<dyn FnMut(JsValue) -> Promise>::new(|req: JsValue| show(&req, &JsValue::UNDEFINED)).into_js_value().unchecked_into()
}
