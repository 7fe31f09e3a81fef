// The chat's offline stand-in: a scripted assistant, NOT an LLM. It reads the same history and
// tool list an LLM would get and answers with the same message shapes (see llm.js), so the
// chat's loop does not know the difference. It understands:
//
//   help                         what it understands
//   tools                        the server's tools
//   call <tool> {"json": "args"} a tool call with JSON arguments
//   <tool> key=value key2="a b"  a tool call; values are typed by the tool's inputSchema
//   <tool> some text             a tool call, when the tool has one string parameter
//
// After the tool messages of its call it repeats what the tool said, and ends the turn.

export const SCRIPTED_NAME = "Scripted assistant (not an LLM)";

const HELP = `I am a scripted assistant, not an LLM: no language model is configured, so I only follow a few commands.
  help                          this text
  tools                         the server's tools
  <tool> key=value key2="a b"   call a tool, e.g.  get-sum a=2 b=3
  <tool> some text              call a tool that takes one text parameter, e.g.  echo hello
  call <tool> {"key": "value"}  call a tool with JSON arguments
Try  trigger-url-elicitation  for a tool that needs you to open a page first.
Configure an LLM endpoint above for a real assistant.`;

let seq = 0;
const say = (content) => ({ role: "assistant", content });
const call = (name, args) => ({
  role: "assistant",
  content: null,
  tool_calls: [{ id: `scripted-${++seq}`, type: "function", function: { name, arguments: JSON.stringify(args) } }],
});

/** The next assistant message for `messages` (chat-completions shapes) with `tools` (function defs). */
export function scriptedReply({ messages, tools }) {
  const last = messages.at(-1);
  if (last?.role === "tool") return say(summary(messages));
  const text = String(last?.content ?? "").trim();
  const byName = new Map(tools.map((t) => [t.function.name, t.function]));
  const [word = "", rest = ""] = text.split(/\s+(.*)/s);

  if (/^(help|\?)?$/i.test(text)) return say(HELP);
  if (/^tools$/i.test(text)) {
    if (!tools.length) return say("There are no tools: the page is not connected to an MCP server, or the server has none.");
    return say(`The server has ${tools.length} tools:\n${tools.map((t) => `  ${t.function.name}  ${firstLine(t.function.description)}`).join("\n")}`);
  }
  if (/^call$/i.test(word)) {
    const [name = "", json = ""] = rest.split(/\s+(.*)/s);
    if (!byName.has(name)) return unknown(name);
    try {
      const args = json.trim() ? JSON.parse(json) : {};
      if (!args || typeof args !== "object" || Array.isArray(args)) throw new Error("the arguments must be a JSON object");
      return call(name, args);
    } catch (e) {
      return say(`Those arguments are not a JSON object (${e.message}).`);
    }
  }
  if (byName.has(word)) return call(word, parseArgs(rest, byName.get(word).parameters));
  return say(`I am a scripted assistant, not an LLM, and "${word}" is neither a command nor a tool I know. Type help.`);
}

function unknown(name) {
  return say(`The server has no tool named "${name}". Type tools for the list.`);
}

const firstLine = (s) => String(s ?? "").split("\n")[0].slice(0, 100);

// key=value pairs (value: "double quoted" JSON string, 'single quoted', or up to the next
// space), typed by the schema: string properties stay strings, others are read as JSON when
// they parse. Text without "=" goes to the one string property, if there is exactly one.
function parseArgs(text, schema) {
  const props = schema?.properties && typeof schema.properties === "object" ? schema.properties : {};
  const args = {};
  if (!text.trim()) return args;
  const pairs = [...text.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S+)/g)];
  if (!pairs.length) {
    const strings = Object.entries(props).filter(([, s]) => s?.type === "string");
    if (strings.length === 1) args[strings[0][0]] = text.trim();
    return args;
  }
  for (const [, key, raw] of pairs) {
    const quoted = raw.length > 1 && raw.startsWith("'") && raw.endsWith("'");
    args[key] = quoted ? raw.slice(1, -1) : raw.startsWith('"') || props[key]?.type !== "string" ? jsonOr(raw) : raw;
  }
  return args;
}

// The JSON value of `text`, or the text as it is (and the server says what it thinks of it).
function jsonOr(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// What the tools of the last assistant message answered.
function summary(messages) {
  const i = messages.findLastIndex((m) => m.role === "assistant");
  const names = new Map((messages[i]?.tool_calls ?? []).map((c) => [c.id, c.function.name]));
  return messages.slice(i + 1).filter((m) => m.role === "tool")
    .map((m) => `${names.get(m.tool_call_id) ?? "The tool"} answered:\n${m.content}`).join("\n\n");
}
