//! The model types against the official MCP 2025-11-25 JSON Schema.
//!
//! Every instance here is first checked against the schema, so a test can never pass on JSON
//! the spec would not send. Then: valid instances decode and re-encode to the same JSON
//! (nothing dropped, nothing added), and instances the schema rejects on a discriminator or a
//! required field are rejected by our types too.
//!
//! The schema and examples are copies kept in `tests/fixtures/mcp-schema` (see its README).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use mcp_web_client::core::model::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

const SCHEMA_VERSION: &str = "2025-11-25";
/// Newer examples, used where they are also valid 2025-11-25 instances.
const EXAMPLES_VERSION: &str = "2026-07-28";

fn schema_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mcp-schema")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// The `$defs` of the 2025-11-25 schema. A definition is validated through a wrapper
/// `{"$defs": <all>, "$ref": "#/$defs/Name"}`, so every `$ref` resolves locally, offline.
fn defs() -> &'static Value {
    static DEFS: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DEFS.get_or_init(|| {
        let mut schema = read_json(&schema_root().join(SCHEMA_VERSION).join("schema.json"));
        schema["$defs"].take()
    })
}

/// Schema errors of `instance` as an instance of `$defs/<def>`; empty when valid.
fn schema_errors(def: &str, instance: &Value) -> Vec<String> {
    assert!(defs().get(def).is_some(), "{SCHEMA_VERSION} schema has no $defs/{def}");
    let wrapper = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": defs(),
        "$ref": format!("#/$defs/{def}"),
    });
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&wrapper)
        .unwrap_or_else(|e| panic!("compiling $defs/{def}: {e}"));
    validator.iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

fn assert_schema_valid(def: &str, instance: &Value) {
    let errors = schema_errors(def, instance);
    assert!(errors.is_empty(), "not a valid {def}: {errors:#?}\n{instance:#}");
}

/// Decodes as `T` and encodes again.
type Codec = fn(&Value) -> Result<Value, String>;

fn codec<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let decoded: T = serde_json::from_value(value.clone()).map_err(|e| format!("decode: {e}"))?;
    serde_json::to_value(&decoded).map_err(|e| format!("encode: {e}"))
}

/// Schema-valid, then decodes and re-encodes to the same JSON, which is still valid.
fn assert_round_trip(def: &str, codec: Codec, instance: &Value) {
    assert_schema_valid(def, instance);
    let encoded = codec(instance).unwrap_or_else(|e| panic!("{def}: {e}\n{instance:#}"));
    assert_eq!(&encoded, instance, "{def} changed in a round trip");
    assert_schema_valid(def, &encoded);
}

/// Rejected by the schema and by our types.
fn assert_both_reject(def: &str, codec: Codec, instance: &Value) {
    assert!(!schema_errors(def, instance).is_empty(), "schema accepts this {def}: {instance:#}");
    if let Ok(encoded) = codec(instance) {
        panic!("our types accept an invalid {def}: {instance:#}\nre-encoded as {encoded:#}");
    }
}

// ---------------------------------------------------------------------------
// (a) The published examples

/// Example folder, the part of each example to take (a JSON pointer), the 2025-11-25
/// definition it must satisfy, and our type for it.
const EXAMPLES: &[(&str, &str, &str, Codec)] = &[
    ("AudioContent", "", "AudioContent", codec::<ContentBlock>),
    ("BlobResourceContents", "", "BlobResourceContents", codec::<ResourceContents>),
    ("CallToolRequest", "/params", "CallToolRequestParams", codec::<CallToolRequestParams>),
    ("CallToolRequestParams", "", "CallToolRequestParams", codec::<CallToolRequestParams>),
    ("CallToolResult", "", "CallToolResult", codec::<CallToolResult>),
    ("CallToolResultResponse", "/result", "CallToolResult", codec::<CallToolResult>),
    ("CancelledNotification", "/params", "CancelledNotificationParams", codec::<CancelledNotificationParams>),
    ("CancelledNotificationParams", "", "CancelledNotificationParams", codec::<CancelledNotificationParams>),
    ("ClientCapabilities", "", "ClientCapabilities", codec::<ClientCapabilities>),
    ("CompleteRequest", "/params", "CompleteRequestParams", codec::<CompleteRequestParams>),
    ("CompleteRequestParams", "", "CompleteRequestParams", codec::<CompleteRequestParams>),
    ("CompleteResult", "", "CompleteResult", codec::<CompleteResult>),
    ("CompleteResultResponse", "/result", "CompleteResult", codec::<CompleteResult>),
    ("CreateMessageRequest", "/params", "CreateMessageRequestParams", codec::<CreateMessageRequestParams>),
    ("CreateMessageRequestParams", "", "CreateMessageRequestParams", codec::<CreateMessageRequestParams>),
    ("CreateMessageResult", "", "CreateMessageResult", codec::<CreateMessageResult>),
    ("ElicitRequest", "/params", "ElicitRequestParams", codec::<ElicitRequestParams>),
    ("ElicitRequestFormParams", "", "ElicitRequestFormParams", codec::<ElicitRequestParams>),
    ("ElicitRequestURLParams", "", "ElicitRequestURLParams", codec::<ElicitRequestParams>),
    ("ElicitResult", "", "ElicitResult", codec::<ElicitResult>),
    ("EmbeddedResource", "", "EmbeddedResource", codec::<ContentBlock>),
    ("GetPromptRequest", "/params", "GetPromptRequestParams", codec::<GetPromptRequestParams>),
    ("GetPromptRequestParams", "", "GetPromptRequestParams", codec::<GetPromptRequestParams>),
    ("GetPromptResult", "", "GetPromptResult", codec::<GetPromptResult>),
    ("GetPromptResultResponse", "/result", "GetPromptResult", codec::<GetPromptResult>),
    ("ImageContent", "", "ImageContent", codec::<ContentBlock>),
    ("ListPromptsRequest", "/params", "PaginatedRequestParams", codec::<PaginatedRequestParams>),
    ("ListPromptsResult", "", "ListPromptsResult", codec::<ListPromptsResult>),
    ("ListPromptsResultResponse", "/result", "ListPromptsResult", codec::<ListPromptsResult>),
    ("ListResourceTemplatesRequest", "/params", "PaginatedRequestParams", codec::<PaginatedRequestParams>),
    ("ListResourceTemplatesResult", "", "ListResourceTemplatesResult", codec::<ListResourceTemplatesResult>),
    (
        "ListResourceTemplatesResultResponse",
        "/result",
        "ListResourceTemplatesResult",
        codec::<ListResourceTemplatesResult>,
    ),
    ("ListResourcesRequest", "/params", "PaginatedRequestParams", codec::<PaginatedRequestParams>),
    ("ListResourcesResult", "", "ListResourcesResult", codec::<ListResourcesResult>),
    ("ListResourcesResultResponse", "/result", "ListResourcesResult", codec::<ListResourcesResult>),
    ("ListRootsResult", "", "ListRootsResult", codec::<ListRootsResult>),
    ("ListToolsRequest", "/params", "PaginatedRequestParams", codec::<PaginatedRequestParams>),
    ("ListToolsResult", "", "ListToolsResult", codec::<ListToolsResult>),
    ("ListToolsResultResponse", "/result", "ListToolsResult", codec::<ListToolsResult>),
    (
        "LoggingMessageNotification",
        "/params",
        "LoggingMessageNotificationParams",
        codec::<LoggingMessageNotificationParams>,
    ),
    (
        "LoggingMessageNotificationParams",
        "",
        "LoggingMessageNotificationParams",
        codec::<LoggingMessageNotificationParams>,
    ),
    ("ModelPreferences", "", "ModelPreferences", codec::<ModelPreferences>),
    ("PaginatedRequestParams", "", "PaginatedRequestParams", codec::<PaginatedRequestParams>),
    ("ProgressNotification", "/params", "ProgressNotificationParams", codec::<ProgressNotificationParams>),
    ("ProgressNotificationParams", "", "ProgressNotificationParams", codec::<ProgressNotificationParams>),
    ("ReadResourceRequest", "/params", "ReadResourceRequestParams", codec::<ResourceRequestParams>),
    ("ReadResourceResult", "", "ReadResourceResult", codec::<ReadResourceResult>),
    ("ReadResourceResultResponse", "/result", "ReadResourceResult", codec::<ReadResourceResult>),
    ("Resource", "", "Resource", codec::<Resource>),
    ("ResourceLink", "", "ResourceLink", codec::<ContentBlock>),
    (
        "ResourceUpdatedNotification",
        "/params",
        "ResourceUpdatedNotificationParams",
        codec::<ResourceUpdatedNotificationParams>,
    ),
    (
        "ResourceUpdatedNotificationParams",
        "",
        "ResourceUpdatedNotificationParams",
        codec::<ResourceUpdatedNotificationParams>,
    ),
    ("Root", "", "Root", codec::<Root>),
    ("SamplingMessage", "", "SamplingMessage", codec::<SamplingMessage>),
    ("ServerCapabilities", "", "ServerCapabilities", codec::<ServerCapabilities>),
    ("TextContent", "", "TextContent", codec::<ContentBlock>),
    ("TextResourceContents", "", "TextResourceContents", codec::<ResourceContents>),
    ("Tool", "", "Tool", codec::<Tool>),
    ("ToolResultContent", "", "ToolResultContent", codec::<SamplingContentBlock>),
    ("ToolUseContent", "", "ToolUseContent", codec::<SamplingContentBlock>),
];

/// How many examples must be exercised, so the test cannot pass on an empty or moved folder.
const MIN_EXAMPLES_EXERCISED: usize = 94;

#[test]
fn published_examples_valid_in_2025_11_25_round_trip_unchanged() {
    let root = schema_root().join(EXAMPLES_VERSION).join("examples");
    let (mut exercised, mut not_2025) = (0, Vec::new());
    for &(folder, pointer, def, codec) in EXAMPLES {
        let dir = root.join(folder);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("example folder {}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no examples in {}", dir.display());
        for path in files {
            let example = read_json(&path);
            let name = format!("{folder}/{}", path.file_name().unwrap().to_string_lossy());
            // A request without params has nothing of ours to decode.
            let Some(instance) = example.pointer(pointer) else { continue };
            let errors = schema_errors(def, instance);
            if !errors.is_empty() {
                not_2025.push(format!("{name}: {}", errors.join("; ")));
                continue;
            }
            let encoded = codec(instance).unwrap_or_else(|e| panic!("{name} as {def}: {e}"));
            assert_eq!(&encoded, instance, "{name} changed in a round trip");
            assert_schema_valid(def, &encoded);
            exercised += 1;
        }
    }
    eprintln!("{exercised} examples round-tripped; {} not valid in {SCHEMA_VERSION}:", not_2025.len());
    for skipped in &not_2025 {
        eprintln!("  {skipped}");
    }
    assert!(
        exercised >= MIN_EXAMPLES_EXERCISED,
        "only {exercised} examples exercised, expected at least {MIN_EXAMPLES_EXERCISED}"
    );
}

// ---------------------------------------------------------------------------
// (b) Hand-written instances for what the examples miss

/// An unknown field, to show it survives a round trip.
fn future() -> Value {
    json!({"addedIn": "a later revision", "n": [1, 2.5, -3]})
}

#[test]
fn initialize_request_and_result_round_trip() {
    assert_round_trip(
        "InitializeRequestParams",
        codec::<InitializeRequestParams>,
        &json!({
            "protocolVersion": "2025-11-25",
            "capabilities": {
                "roots": {"listChanged": true},
                "sampling": {"tools": {}},
                "elicitation": {"form": {}, "url": {}},
                "experimental": {"x-thing": {"on": true}},
                "tasks": {"list": {}, "cancel": {}}
            },
            "clientInfo": {
                "name": "mcp-web-client",
                "title": "MCP Web Client",
                "version": "0.1.0",
                "description": "An MCP client for web apps",
                "websiteUrl": "https://example.com/client",
                "icons": [{"src": "https://example.com/icon.png", "mimeType": "image/png", "sizes": ["48x48"], "theme": "light"}]
            },
            "_meta": {"progressToken": 7},
            "future": future()
        }),
    );
    assert_round_trip(
        "InitializeResult",
        codec::<InitializeResult>,
        &json!({
            "protocolVersion": "2025-11-25",
            "capabilities": {
                "logging": {},
                "completions": {},
                "prompts": {"listChanged": true},
                "resources": {"subscribe": true, "listChanged": false},
                "tools": {"listChanged": true},
                "tasks": {"requests": {"tools": {"call": {}}}},
                "experimental": {"x-feature": {}}
            },
            "serverInfo": {"name": "everything", "version": "1.2.3"},
            "instructions": "Call `echo` first.",
            "_meta": {"io.example/trace": "abc"},
            "future": future()
        }),
    );
}

#[test]
fn elicitation_in_url_mode_round_trips_and_decodes_as_url() {
    let params = json!({
        "mode": "url",
        "elicitationId": "550e8400-e29b-41d4-a716-446655440000",
        "message": "Sign in to connect your account.",
        "url": "https://example.com/connect?elicitation=550e8400",
        "_meta": {"progressToken": "p1"},
        "future": future()
    });
    assert_round_trip("ElicitRequestParams", codec::<ElicitRequestParams>, &params);
    let decoded: ElicitRequestParams = serde_json::from_value(params).unwrap();
    assert!(matches!(decoded, ElicitRequestParams::Url(ref p) if p.elicitation_id.starts_with("550e8400")));
}

#[test]
fn elicitation_without_mode_is_form_mode_and_stays_without_mode() {
    let params = json!({
        "message": "Your GitHub username?",
        "requestedSchema": {
            "type": "object",
            "properties": {"name": {"type": "string", "title": "Name", "minLength": 1}},
            "required": ["name"]
        }
    });
    assert_round_trip("ElicitRequestParams", codec::<ElicitRequestParams>, &params);
    let decoded: ElicitRequestParams = serde_json::from_value(params).unwrap();
    assert!(matches!(decoded, ElicitRequestParams::Form(ElicitRequestFormParams { mode: None, .. })));
}

#[test]
fn url_elicitation_required_error_data_round_trips() {
    let data = json!({
        "elicitations": [{
            "mode": "url",
            "elicitationId": "e-1",
            "message": "Authorize access to your files.",
            "url": "https://example.com/authorize"
        }],
        "future": future()
    });
    // The schema describes the whole error response; check that, then our part of it.
    let response = json!({
        "jsonrpc": "2.0",
        "id": 3,
        "error": {"code": UrlElicitationRequiredData::CODE, "message": "This request requires more information.", "data": data}
    });
    assert_schema_valid("URLElicitationRequiredError", &response);
    let encoded = codec::<UrlElicitationRequiredData>(&data).unwrap();
    assert_eq!(encoded, data);
}

#[test]
fn elicitation_complete_notification_params_round_trip() {
    let params = json!({"elicitationId": "e-1", "future": future()});
    let notification = json!({"jsonrpc": "2.0", "method": "notifications/elicitation/complete", "params": params});
    assert_schema_valid("ElicitationCompleteNotification", &notification);
    assert_eq!(codec::<ElicitationCompleteNotificationParams>(&params).unwrap(), params);
}

#[test]
fn elicit_results_for_every_action_round_trip() {
    for result in [
        json!({"action": "accept", "content": {"name": "octocat", "age": 30, "subscribe": true, "colors": ["red", "blue"]}}),
        json!({"action": "decline", "_meta": {"io.example/why": "no"}}),
        json!({"action": "cancel", "future": future()}),
    ] {
        assert_round_trip("ElicitResult", codec::<ElicitResult>, &result);
    }
}

#[test]
fn call_tool_result_with_every_content_block_round_trips() {
    assert_round_trip(
        "CallToolResult",
        codec::<CallToolResult>,
        &json!({
            "content": [
                {"type": "text", "text": "hello", "annotations": {"audience": ["user"], "priority": 1, "lastModified": "2025-01-12T15:00:58Z"}},
                {"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png", "_meta": {"k": 1}},
                {"type": "audio", "data": "UklGRg==", "mimeType": "audio/wav", "annotations": {"priority": 0.25}},
                {"type": "resource_link", "uri": "file:///project/README.md", "name": "README.md", "title": "Readme",
                 "description": "Project readme", "mimeType": "text/markdown", "size": 1024,
                 "icons": [{"src": "https://example.com/md.svg", "theme": "dark"}]},
                {"type": "resource", "resource": {"uri": "file:///project/a.bin", "blob": "AAEC", "mimeType": "application/octet-stream"}},
                {"type": "resource", "resource": {"uri": "file:///project/a.txt", "text": "text", "_meta": {"k": 2}}, "future": future()}
            ],
            "structuredContent": {"temperature": 22.5, "count": 3},
            "isError": false,
            "_meta": {"io.example/took-ms": 12},
            "future": future()
        }),
    );
}

#[test]
fn tool_with_everything_round_trips() {
    assert_round_trip(
        "ListToolsResult",
        codec::<ListToolsResult>,
        &json!({
            "tools": [{
                "name": "delete_file",
                "title": "Delete a file",
                "description": "Deletes one file.",
                "inputSchema": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
                "outputSchema": {"type": "object", "properties": {"deleted": {"type": "boolean"}}},
                "annotations": {"title": "Delete", "readOnlyHint": false, "destructiveHint": true,
                                "idempotentHint": true, "openWorldHint": false, "future": future()},
                "icons": [{"src": "data:image/png;base64,iVBORw0KGgo=", "mimeType": "image/png"}],
                "execution": {"taskSupport": "optional"},
                "_meta": {"io.example/owner": "files"}
            }],
            "nextCursor": "page-2"
        }),
    );
}

#[test]
fn resources_templates_and_reads_round_trip() {
    assert_round_trip(
        "ListResourceTemplatesResult",
        codec::<ListResourceTemplatesResult>,
        &json!({
            "resourceTemplates": [{
                "uriTemplate": "file:///{path}",
                "name": "project_files",
                "title": "Project files",
                "description": "Any file in the project",
                "mimeType": "application/octet-stream",
                "icons": [{"src": "https://example.com/folder.png"}],
                "annotations": {"audience": ["assistant", "user"]},
                "_meta": {}
            }],
            "_meta": {"k": true}
        }),
    );
    assert_round_trip(
        "ReadResourceResult",
        codec::<ReadResourceResult>,
        &json!({"contents": [
            {"uri": "file:///a.png", "mimeType": "image/png", "blob": "iVBORw0KGgo="},
            {"uri": "file:///a.txt", "text": ""}
        ]}),
    );
    assert_round_trip(
        "ReadResourceRequestParams",
        codec::<ResourceRequestParams>,
        &json!({"uri": "file:///a.txt", "_meta": {"progressToken": "t"}}),
    );
    assert_round_trip("SubscribeRequestParams", codec::<ResourceRequestParams>, &json!({"uri": "file:///a.txt"}));
    assert_round_trip(
        "ListResourcesResult",
        codec::<ListResourcesResult>,
        &json!({"resources": [{"uri": "https://example.com/r", "name": "r", "size": 0}], "nextCursor": "c"}),
    );
}

#[test]
fn prompts_round_trip() {
    assert_round_trip(
        "ListPromptsResult",
        codec::<ListPromptsResult>,
        &json!({"prompts": [{
            "name": "code_review",
            "title": "Code review",
            "description": "Review some code",
            "arguments": [{"name": "code", "title": "Code", "description": "The code", "required": true, "future": future()}],
            "icons": [{"src": "https://example.com/review.png"}],
            "_meta": {"k": "v"}
        }]}),
    );
    assert_round_trip(
        "GetPromptResult",
        codec::<GetPromptResult>,
        &json!({
            "description": "A review",
            "messages": [
                {"role": "user", "content": {"type": "text", "text": "Review this"}},
                {"role": "assistant", "content": {"type": "resource", "resource": {"uri": "file:///x.rs", "text": "fn main() {}", "mimeType": "text/x-rust"}}}
            ]
        }),
    );
    assert_round_trip(
        "GetPromptRequestParams",
        codec::<GetPromptRequestParams>,
        &json!({"name": "code_review", "arguments": {"code": "x = 1"}}),
    );
}

#[test]
fn completion_against_a_resource_template_round_trips() {
    assert_round_trip(
        "CompleteRequestParams",
        codec::<CompleteRequestParams>,
        &json!({
            "ref": {"type": "ref/resource", "uri": "file:///{path}"},
            "argument": {"name": "path", "value": "src/"},
            "context": {"arguments": {"root": "/project"}},
            "_meta": {"progressToken": 1}
        }),
    );
    assert_round_trip(
        "CompleteResult",
        codec::<CompleteResult>,
        &json!({"completion": {"values": ["src/lib.rs", "src/main.rs"], "total": 2, "hasMore": false}}),
    );
}

#[test]
fn logging_at_every_level_round_trips() {
    for level in ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"] {
        assert_round_trip(
            "LoggingMessageNotificationParams",
            codec::<LoggingMessageNotificationParams>,
            &json!({"level": level, "logger": "db", "data": {"error": "Connection failed", "retries": 3}}),
        );
        assert_round_trip("SetLevelRequestParams", codec::<SetLevelRequestParams>, &json!({"level": level}));
    }
    // `data` may be any JSON value, null included.
    assert_round_trip(
        "LoggingMessageNotificationParams",
        codec::<LoggingMessageNotificationParams>,
        &json!({"level": "info", "data": null}),
    );
}

#[test]
fn logging_levels_are_ordered_by_severity() {
    assert!(LoggingLevel::Debug < LoggingLevel::Info);
    assert!(LoggingLevel::Warning < LoggingLevel::Error);
    assert!(LoggingLevel::Alert < LoggingLevel::Emergency);
}

#[test]
fn notifications_round_trip_with_integer_and_fractional_numbers() {
    for params in [
        json!({"progressToken": 42, "progress": 1, "total": 3}),
        json!({"progressToken": "t", "progress": 0.5, "total": 1.0, "message": "half", "_meta": {}}),
    ] {
        assert_round_trip("ProgressNotificationParams", codec::<ProgressNotificationParams>, &params);
    }
    assert_round_trip(
        "CancelledNotificationParams",
        codec::<CancelledNotificationParams>,
        &json!({"requestId": 12, "reason": "user pressed stop"}),
    );
    assert_round_trip(
        "CancelledNotificationParams",
        codec::<CancelledNotificationParams>,
        &json!({"requestId": "abc"}),
    );
    assert_round_trip(
        "ResourceUpdatedNotificationParams",
        codec::<ResourceUpdatedNotificationParams>,
        &json!({"uri": "file:///a.txt", "_meta": {"k": 1}, "future": future()}),
    );
}

#[test]
fn sampling_request_and_result_round_trip() {
    assert_round_trip(
        "CreateMessageRequestParams",
        codec::<CreateMessageRequestParams>,
        &json!({
            "messages": [
                {"role": "user", "content": {"type": "text", "text": "Weather in Paris?"}},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "c1", "name": "get_weather", "input": {"city": "Paris"}}]},
                {"role": "user", "content": [{"type": "tool_result", "toolUseId": "c1", "content": [{"type": "text", "text": "18°C"}],
                                             "structuredContent": {"celsius": 18}, "isError": false}]},
                {"role": "user", "content": {"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"}}
            ],
            "modelPreferences": {"hints": [{"name": "sonnet"}, {}], "costPriority": 0.3, "speedPriority": 1, "intelligencePriority": 0.9},
            "systemPrompt": "Be brief.",
            "includeContext": "thisServer",
            "temperature": 0.7,
            "maxTokens": 100,
            "stopSequences": ["\n\n"],
            "metadata": {"provider": {"x": 1}},
            "tools": [{"name": "get_weather", "inputSchema": {"type": "object"}}],
            "toolChoice": {"mode": "auto"},
            "_meta": {"progressToken": 5}
        }),
    );
    assert_round_trip(
        "CreateMessageResult",
        codec::<CreateMessageResult>,
        &json!({"role": "assistant", "content": {"type": "audio", "data": "UklGRg==", "mimeType": "audio/wav"},
                "model": "some-model", "stopReason": "provider-specific", "_meta": {"k": 1}}),
    );
}

#[test]
fn roots_round_trip() {
    assert_round_trip(
        "ListRootsResult",
        codec::<ListRootsResult>,
        &json!({"roots": [{"uri": "file:///home/user/project", "name": "Project", "_meta": {"k": 1}}, {"uri": "file:///tmp"}]}),
    );
}

// ---------------------------------------------------------------------------
// (c) What the schema rejects, our types reject

#[test]
fn content_block_with_unknown_type_is_rejected() {
    assert_both_reject(
        "ContentBlock",
        codec::<ContentBlock>,
        &json!({"type": "video", "data": "AAAA", "mimeType": "video/mp4"}),
    );
    assert_both_reject("ContentBlock", codec::<ContentBlock>, &json!({"text": "no type"}));
    assert_both_reject(
        "CallToolResult",
        codec::<CallToolResult>,
        &json!({"content": [{"type": "text", "text": "ok"}, {"type": "hologram"}]}),
    );
}

#[test]
fn content_block_missing_a_required_field_is_rejected() {
    assert_both_reject("ContentBlock", codec::<ContentBlock>, &json!({"type": "image", "data": "AAAA"}));
    assert_both_reject("ContentBlock", codec::<ContentBlock>, &json!({"type": "resource_link", "uri": "file:///a"}));
    assert_both_reject(
        "ContentBlock",
        codec::<ContentBlock>,
        &json!({"type": "resource", "resource": {"uri": "file:///a"}}),
    );
}

#[test]
fn elicit_result_with_unknown_action_is_rejected() {
    assert_both_reject("ElicitResult", codec::<ElicitResult>, &json!({"action": "maybe"}));
    assert_both_reject("ElicitResult", codec::<ElicitResult>, &json!({"content": {"name": "x"}}));
}

#[test]
fn elicitation_with_unknown_mode_or_missing_url_is_rejected() {
    assert_both_reject(
        "ElicitRequestParams",
        codec::<ElicitRequestParams>,
        &json!({"mode": "popup", "message": "m", "url": "https://example.com", "elicitationId": "e"}),
    );
    assert_both_reject(
        "ElicitRequestParams",
        codec::<ElicitRequestParams>,
        &json!({"mode": "url", "message": "m", "elicitationId": "e"}),
    );
    assert_both_reject(
        "URLElicitationRequiredError",
        |data| codec::<UrlElicitationRequiredData>(&data["error"]["data"]),
        &json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32042, "message": "m", "data": {}}}),
    );
}

#[test]
fn unknown_enum_values_are_rejected() {
    assert_both_reject(
        "LoggingMessageNotificationParams",
        codec::<LoggingMessageNotificationParams>,
        &json!({"level": "verbose", "data": "x"}),
    );
    assert_both_reject(
        "PromptMessage",
        codec::<PromptMessage>,
        &json!({"role": "system", "content": {"type": "text", "text": "x"}}),
    );
    assert_both_reject(
        "CompleteRequestParams",
        codec::<CompleteRequestParams>,
        &json!({"ref": {"type": "ref/tool", "name": "x"}, "argument": {"name": "a", "value": "b"}}),
    );
    assert_both_reject(
        "CreateMessageRequestParams",
        codec::<CreateMessageRequestParams>,
        &json!({"messages": [], "maxTokens": 10, "includeContext": "everything"}),
    );
}

#[test]
fn missing_required_fields_and_wrong_types_are_rejected() {
    assert_both_reject("Implementation", codec::<Implementation>, &json!({"name": "x"}));
    assert_both_reject("CallToolResult", codec::<CallToolResult>, &json!({"isError": true}));
    assert_both_reject("Tool", codec::<Tool>, &json!({"name": "t"}));
    assert_both_reject("Resource", codec::<Resource>, &json!({"uri": "file:///a", "name": "a", "size": "big"}));
    assert_both_reject(
        "ProgressNotificationParams",
        codec::<ProgressNotificationParams>,
        &json!({"progressToken": "t", "progress": "half"}),
    );
    assert_both_reject(
        "ProgressNotificationParams",
        codec::<ProgressNotificationParams>,
        &json!({"progressToken": 1.5, "progress": 1}),
    );
    assert_both_reject(
        "LoggingMessageNotificationParams",
        codec::<LoggingMessageNotificationParams>,
        &json!({"level": "info"}),
    );
    assert_both_reject(
        "InitializeResult",
        codec::<InitializeResult>,
        &json!({"protocolVersion": "2025-11-25", "capabilities": {}}),
    );
}
