// The chat's LLM side: an OpenAI-compatible chat completions endpoint (non-streaming, with tool
// calls), and the translation between MCP tools / results and that API's shapes.
//
//   const { defs, byName } = toolsForModel(tools);          // MCP tools -> `tools` of the request
//   const message = await chatCompletion({ baseUrl, model, apiKey, messages, tools: defs, signal });
//   // message: { role: "assistant", content: string | null, tool_calls?: [...] }
//   const text = resultText(await client.callTool(name, args)); // -> the `role: "tool"` message
//
// The API key goes only into the Authorization header of that one request: never into storage,
// the URL, an error message or the console.

const MAX_ERROR_BODY = 2000;

/**
 * MCP tools as chat-completions function tools. Function names must match ^[a-zA-Z0-9_-]{1,64}$,
 * so other characters become "_" (and a clash gets a numeric suffix); `byName` maps the name the
 * model uses back to the MCP tool. `parameters` is the tool's inputSchema as the server sent it.
 */
export function toolsForModel(tools) {
  const byName = new Map();
  const defs = [];
  for (const tool of tools) {
    const base = String(tool.name).replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 60) || "tool";
    let name = base;
    for (let n = 2; byName.has(name); n++) name = `${base}_${n}`;
    byName.set(name, tool);
    defs.push({
      type: "function",
      function: {
        name,
        description: tool.description ?? tool.title ?? "",
        parameters: tool.inputSchema ?? { type: "object", properties: {} },
      },
    });
  }
  return { defs, byName };
}

/**
 * A CallToolResult as the text of a `tool` message: the text of its content blocks joined by
 * newlines (other blocks as a short note), then structuredContent as JSON when present.
 */
export function resultText(result) {
  const parts = (Array.isArray(result?.content) ? result.content : []).map((b) => {
    if (b?.type === "text") return String(b.text);
    if (b?.type === "resource_link") return `[resource link ${b.uri}]`;
    if (b?.type === "resource") return typeof b.resource?.text === "string" ? b.resource.text : `[embedded resource ${b.resource?.uri}]`;
    return `[${b?.type} content${b?.mimeType ? ` (${b.mimeType})` : ""}]`;
  });
  if (result?.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  const text = parts.join("\n") || "(empty result)";
  return result?.isError ? `The tool reported an error:\n${text}` : text;
}

/** An Error for the conversation: a message a person can act on, and what the endpoint said. */
function endpointError(message, data) {
  return Object.assign(new Error(message), data === undefined ? {} : { data });
}

/**
 * POST {baseUrl}/chat/completions. Resolves with the assistant message, reduced to what goes
 * back into the history (role, content, tool_calls); rejects with an Error whose message says
 * what went wrong (unreachable or CORS, an HTTP status, not JSON, no message), or with the
 * AbortError of `signal`.
 */
export async function chatCompletion({ baseUrl, model, apiKey, messages, tools, signal }) {
  const url = `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const headers = { "content-type": "application/json" };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const body = { model, messages };
  if (tools.length) body.tools = tools;
  let response;
  try {
    response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body), signal, credentials: "omit", referrerPolicy: "no-referrer" });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw endpointError(`Could not reach ${url} (offline, or its CORS does not allow this page's origin): ${e.message}`);
  }
  const text = await response.text();
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw endpointError(`${url} answered HTTP ${response.status} with something that is not JSON`, text.slice(0, MAX_ERROR_BODY));
  }
  if (!response.ok) {
    const said = typeof data?.error?.message === "string" ? data.error.message : response.statusText;
    throw endpointError(`${url} answered HTTP ${response.status}: ${said}`, data);
  }
  const message = data?.choices?.[0]?.message;
  if (!message || typeof message !== "object") throw endpointError(`${url} answered without choices[0].message`, data);
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  const reply = { role: "assistant", content: typeof message.content === "string" ? message.content : null };
  if (calls.length) {
    reply.tool_calls = calls.map((c, i) => ({
      id: typeof c?.id === "string" && c.id ? c.id : `call_${i}`,
      type: "function",
      function: { name: String(c?.function?.name ?? ""), arguments: typeof c?.function?.arguments === "string" ? c.function.arguments : JSON.stringify(c?.function?.arguments ?? {}) },
    }));
  }
  return reply;
}
