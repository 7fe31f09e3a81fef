//! Form-elicitation checks on arbitrary schemas and answers: never a panic; a missing required
//! field is always reported when the schema is usable; every default the client pre-fills
//! passes the same check an answer does; the Mcp-Param header walk over a schema never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_web_client::core::form::{defaults, validate};
use mcp_web_client::core::modern::{header_params, header_values};
use mcp_web_client::core::value::Val;

fuzz_target!(|input: &[u8]| {
    let Ok(serde_json::Value::Array(pair)) = serde_json::from_slice::<serde_json::Value>(input) else { return };
    let [schema, content] = &pair[..] else { return };
    let (schema, content) = (Val::from(schema), Val::from(content));
    if let Ok(params) = header_params(&schema) {
        let _ = header_values(&params, &content);
    }

    let violations = validate(&schema, &content);
    let schema_usable = !violations.iter().any(|v| v.field.is_empty());
    if let (true, Some(Val::Arr(required)), Val::Obj(_)) = (schema_usable, schema.get("required"), &content) {
        for name in required.iter().filter_map(Val::as_str) {
            if content.get(name).is_none() {
                assert!(violations.iter().any(|v| v.field == name && v.message == "is required"), "{name}");
            }
        }
    }

    if !schema_usable {
        return;
    }
    let prefilled = Val::Obj(defaults(&schema));
    let complaints = validate(&schema, &prefilled);
    for (name, _) in defaults(&schema) {
        assert!(!complaints.iter().any(|v| v.field == name), "default of {name} refused: {complaints:?}");
    }

});
