//! Turning core errors into JS `McpError`s (`code`, `message`, `data`).

use wasm_bindgen::prelude::*;

use crate::core::error::Error;

#[wasm_bindgen(module = "/src/js/mcp_error.js")]
extern "C" {
    #[wasm_bindgen(extends = js_sys::Error)]
    pub type McpError;
    #[wasm_bindgen(constructor)]
    fn new(code: f64, message: &str, data: &JsValue) -> McpError;
}

pub fn to_js(error: &Error) -> JsValue {
    let data = match error {
        Error::Rpc(e) => e.data.as_ref().map(json_to_js).unwrap_or(JsValue::UNDEFINED),
        Error::HttpStatus { status, .. } => {
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &"status".into(), &(*status).into());
            o.into()
        }
        Error::CorsHeaderHidden { header } => {
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &"header".into(), &(*header).into());
            o.into()
        }
        Error::UnsupportedProtocolVersion { offered, received } => json_to_js(&serde_json::json!({
            "supported": offered, "received": received
        })),
        _ => JsValue::UNDEFINED,
    };
    McpError::new(error.code() as f64, &error.to_string(), &data).into()
}

pub fn json_to_js(value: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

/// An error about the caller's arguments.
pub fn invalid_argument(message: impl Into<String>) -> JsValue {
    to_js(&Error::InvalidArgument(message.into()))
}
