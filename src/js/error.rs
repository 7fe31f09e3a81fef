//! Turning core errors into JS `McpError`s (`code`, `message`, `data`).

use wasm_bindgen::prelude::*;

use crate::core::error::Error;
use super::value::{get, set};

#[wasm_bindgen(module = "/src/js/mcp_error.js")]
extern "C" {
    #[wasm_bindgen(extends = js_sys::Error)]
    pub type McpError;
    #[wasm_bindgen(constructor)]
    fn new(code: f64, message: &str, data: &JsValue) -> McpError;
}

pub fn to_js(error: &Error) -> JsValue {
    let data = match error {
        Error::Rpc(e) | Error::Relayed(e) => e.data.as_ref().and_then(|d| js_sys::JSON::parse(d).ok()).unwrap_or(JsValue::UNDEFINED),
        Error::HttpStatus { status, .. } => {
            let o = js_sys::Object::new();
            set(&o, "status", &(*status).into());
            o.into()
        }
        Error::AuthorizationRequired { status, hint } => {
            let o = js_sys::Object::new();
            set(&o, "status", &(*status).into());
            if let Some(h) = hint {
                for (name, value) in [
                    ("resourceMetadata", &h.resource_metadata),
                    ("scope", &h.scope),
                    ("error", &h.error),
                    ("errorDescription", &h.error_description),
                ] {
                    if let Some(v) = value {
                        set(&o, name, &v.into());
                    }
                }
            }
            o.into()
        }
        Error::CorsHeaderHidden { header } => {
            let o = js_sys::Object::new();
            set(&o, "header", &(*header).into());
            o.into()
        }
        Error::UnsupportedProtocolVersion { offered, received } => {
            let o = js_sys::Object::new();
            let supported: js_sys::Array = offered.iter().map(|v| JsValue::from_str(v)).collect();
            set(&o, "supported", &supported);
            set(&o, "received", &received.into());
            o.into()
        }
        _ => JsValue::UNDEFINED,
    };
    let js: JsValue = McpError::new(error.code() as f64, &error.to_string(), &data).into();
    // -32042 (URLElicitationRequiredError): surface the elicitations the app must handle.
    if error.code() == crate::core::error::codes::URL_ELICITATION_REQUIRED {
        let list = get(&data, "elicitations");
        if js_sys::Array::is_array(&list) {
            set(&js, "elicitations", &list);
        }
    }
    js
}

/// An error about the caller's arguments.
pub fn invalid_argument(message: impl Into<String>) -> JsValue {
    to_js(&Error::InvalidArgument(message.into()))
}
