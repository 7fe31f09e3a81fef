// mcp-web-client demo: a chat page whose assistant uses an MCP server's tools, straight from the
// browser, and a tool console for the same connection.
//
// Read it as an example of embedding the package in a web app. Everything that touches the
// library is in this file, in this order:
//   1. loading the package (init) and connecting (McpClient.connect and its options)
//   2. events: log messages, list changes, errors, close
//   3. calling tools with progress and cancellation (AbortController), for both views
//   4. elicitation: in the chat, consent buttons inline in the conversation; in the console,
//      the package's ready-made dialog; each step of a URL elicitation narrated in a card
//   5. sampling (a stub: the server's sampling requests get no LLM) and roots
// The rest is UI: chat.js (the conversation and its loop, with llm.js for an OpenAI-compatible
// endpoint and scripted.js for the offline assistant), consent.js (the elicitation and sign-in
// cards), calls.js (a tool call as an entry), ui.js (DOM helper, timeline), schema-form.js (a
// form from a tool's inputSchema), content.js (tool results as DOM). No bundler: plain ES modules.
import init, { McpClient } from "../pkg/mcp_web_client.js";
// The ready-made consent/form dialog ships beside the package. `elicitationUi: "dialog"` in the
// connect options loads and uses it by itself; importing it lets our own onElicitation use it
// and still see what happens.
import { showElicitationDialog } from "../pkg/elicitation-dialog.js";
import { $, Timeline, errorView, h, pretty } from "./ui.js";
import { schemaForm } from "./schema-form.js";
import { contentBlock, resourceContents } from "./content.js";
import { callEntry } from "./calls.js";
import { authorizationCard, formElicitation, inlineConsent, narrate, urlCard } from "./consent.js";
import { createChat } from "./chat.js";

// Library error codes this page treats specially (the README lists them all).
const CANCELLED = -32800; // the request was aborted through its AbortSignal

// One example root: a server that asks (roots/list) gets this list.
const ROOTS = [{ uri: "file:///home/demo/project", name: "Demo project" }];

const timeline = new Timeline($("timeline")); // the tool console's
let client = null; // the connected McpClient
let tools = []; // its tools
let selected = null; // the tool shown in the composer
let form = null; // its generated form
const runs = new Set(); // tool calls in flight, from either view: { name, key, sends, entry, inline }
let lastUrlCard = null; // the card of the latest URL elicitation
let completionOrigin = null; // the demo's completion site (see serve.mjs), if known
let view = "chat"; // the view shown: "chat" or "console"

const chat = createChat({
  client: () => client,
  tools: () => tools,
  ensureConnected: () => (client ? undefined : connect($("server-url").value.trim())),
  runTool,
  demoArguments,
  hints: () => (tools.some((t) => t.name === "trigger-url-elicitation") && completionOrigin
    ? ["When you call trigger-url-elicitation, leave out url and elicitationId: the page fills them in with its own demo sign-in page."]
    : []),
});

// What both views say about the connection.
function notice(text, tone) {
  timeline.system(text, tone);
  chat.log.system(text, tone);
}

function showView(name) {
  view = name;
  for (const [id, panel] of [["tab-chat", "view-chat"], ["tab-console", "view-console"]]) {
    const on = id === `tab-${name}`;
    $(id).setAttribute("aria-selected", String(on));
    $(panel).hidden = !on;
  }
}

// ---- 1. loading and connecting ---------------------------------------------------------------

async function main() {
  // serve.mjs publishes where the local MCP servers and the completion site are; ?server=…
  // in the page's URL wins. Any other server URL can be typed in.
  const config = await fetch("./config.json").then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  completionOrigin = typeof config.completionOrigin === "string" ? config.completionOrigin : null;
  $("server-url").value = new URLSearchParams(location.search).get("server") ?? config.serverUrl ?? "";
  $("root-uri").textContent = ROOTS[0].uri;
  for (const [id, url] of [["pick-open", config.serverUrl], ["pick-protected", config.protectedServerUrl]]) {
    if (typeof url !== "string") continue;
    $(id).hidden = false;
    $(id).addEventListener("click", () => ($("server-url").value = url));
  }

  try {
    await init(); // fetches and instantiates mcp_web_client_bg.wasm next to the .js
  } catch (e) {
    timeline.error("The WebAssembly package did not load (build it with `make pkg`).", e);
    chat.log.error("The WebAssembly package did not load (build it with `make pkg`).", e);
    return;
  }
  $("tab-chat").addEventListener("click", () => showView("chat"));
  $("tab-console").addEventListener("click", () => showView("console"));
  $("connect-form").addEventListener("submit", (e) => {
    e.preventDefault();
    connect($("server-url").value.trim());
  });
  $("disconnect").addEventListener("click", () => disconnect());
  $("log-level").addEventListener("change", () => setLogLevel($("log-level").value));
  $("tool-filter").addEventListener("input", renderTools);
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    runSelected();
  });
  $("connect").disabled = false;
  chat.enable();
  timeline.system("Ready. Connect to an MCP server to start.");
  document.documentElement.dataset.ready = "true"; // for the end-to-end test
}

async function connect(url) {
  if (!url) return;
  $("connect").disabled = true;
  await disconnect({ quiet: true });
  notice(`Connecting to ${url}…`);
  const options = {
    clientInfo: { name: "mcp-web-client-demo", title: "mcp-web-client demo", version: "0.1.0" },
    // Each handler below declares its capability only because it is present.
    onElicitation, // form and URL mode (see 4.)
    roots: ROOTS,
    // Any fetch-compatible function; this one only watches what the library sends (see 4.).
    fetch: watchingFetch,
    // OAuth for servers that answer 401 (see 4b.). The redirect URI is a page on this origin
    // that loads the package's oauth-callback.js.
    auth: {
      redirectUri: new URL("oauth-callback.html", location.href).href,
      clientName: "mcp-web-client demo",
      storage: "session", // a reload of this tab does not ask again
      onAuthorization,
    },
  };
  if ($("sampling-stub").checked) options.onSampling = samplingStub;

  let c;
  try {
    c = await McpClient.connect(url, options);
  } catch (e) {
    // Every rejection is an McpError: a numeric code and a message a person can act on, e.g.
    // -33002 (network error or CORS) or -33001 (HTTP status without a JSON-RPC body).
    timeline.error(`Could not connect to ${url}`, e);
    chat.log.error(`Could not connect to ${url}`, e);
    $("connect").disabled = false;
    return;
  }
  client = c;
  listenTo(c);

  const info = c.serverInfo;
  $("info-name").textContent = info.title ? `${info.title} (${info.name})` : info.name;
  $("info-version").textContent = info.version;
  $("info-protocol").textContent = c.protocolVersion;
  $("info-transport").textContent = c.transport;
  $("server-info").hidden = false;
  $("connect").disabled = false;
  $("connect").textContent = "Reconnect";
  $("disconnect").hidden = false;
  const caps = Object.keys(c.serverCapabilities ?? {}).join(", ") || "none";
  notice(`Connected to ${info.name} ${info.version}: protocol ${c.protocolVersion} over ${c.transport}; capabilities: ${caps}.`, "ok");
  if (c.instructions) {
    timeline.add("system info", h("details", {}, h("summary", {}, "The server's instructions"), h("pre", {}, c.instructions)));
  }
  $("log-level").disabled = !c.serverCapabilities?.logging;
  if (c.serverCapabilities?.logging) await setLogLevel($("log-level").value);
  await refreshTools();
}

async function disconnect({ quiet = false } = {}) {
  const c = client;
  if (!c) return;
  client = null;
  // Pending calls reject (code -32000), the GET stream stops, and DELETE ends the session.
  await c.close().catch(() => {});
  if (!quiet) notice("Disconnected.");
  resetConnectionUi();
}

function resetConnectionUi() {
  tools = [];
  selectTool(null);
  renderTools();
  $("server-info").hidden = true;
  $("disconnect").hidden = true;
  $("connect").textContent = "Connect";
  $("log-level").disabled = true;
}

// ---- 2. events --------------------------------------------------------------------------------

const LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

function listenTo(c) {
  // `detail` carries the notification's params; see McpClientEventMap in the .d.ts.
  const mine = (handler) => (e) => client === c && handler(e.detail);
  c.addEventListener("log", mine(({ level, logger, data }) => {
    const known = LEVELS.includes(level) ? level : "info";
    timeline.add(`log level-${known}`,
      h("span", { className: "level" }, String(level)),
      logger ? h("span", { className: "logger" }, String(logger)) : null,
      h("span", { className: "data" }, typeof data === "string" ? data : pretty(data)));
  }));
  c.addEventListener("toolslistchanged", mine(async () => {
    timeline.system("The server's tool list changed: reloading it.", "notice");
    await refreshTools();
  }));
  c.addEventListener("promptslistchanged", mine(() => timeline.system("The server's prompt list changed.", "notice")));
  c.addEventListener("resourceslistchanged", mine(() => timeline.system("The server's resource list changed.", "notice")));
  c.addEventListener("resourceupdated", mine(({ uri }) => timeline.system(`Resource updated: ${uri}`, "notice")));
  c.addEventListener("elicitationcomplete", mine(({ elicitationId }) =>
    lastUrlCard?.step(`the server says elicitation ${elicitationId} is complete`)));
  // Errors that belong to no request (e.g. a broken listening stream).
  c.addEventListener("error", mine((error) => timeline.error("Connection problem", error)));
  c.addEventListener("close", mine(() => {
    client = null;
    notice("The connection closed.", "error");
    resetConnectionUi();
  }));
}

async function setLogLevel(level) {
  if (!client) return;
  try {
    await client.setLogLevel(level); // logging/setLevel: the server sends "log" events from this level up
    timeline.system(`Server log level: ${level}.`);
  } catch (e) {
    timeline.error(`Could not set the log level to ${level}`, e);
  }
}

// ---- tools: the sidebar and the composer --------------------------------------------------------

async function refreshTools() {
  const c = client;
  if (!c) return;
  try {
    tools = await c.listAllTools(); // follows nextCursor
  } catch (e) {
    timeline.error("Could not list the tools", e);
    tools = [];
  }
  if (client !== c) return;
  renderTools();
  if (selected) selectTool(tools.find((t) => t.name === selected.name) ?? null, { keepForm: true });
}

function renderTools() {
  const filter = $("tool-filter").value.trim().toLowerCase();
  const list = $("tools");
  list.replaceChildren();
  $("tool-filter").disabled = !tools.length;
  $("tool-count").textContent = tools.length ? String(tools.length) : "";
  $("tools-empty").hidden = tools.length > 0;
  for (const tool of tools) {
    const label = tool.title ?? tool.annotations?.title ?? tool.name;
    if (filter && !`${tool.name} ${label}`.toLowerCase().includes(filter)) continue;
    list.append(h("li", {},
      h("button", {
        type: "button", className: "tool", "data-tool": tool.name, title: tool.description ?? "",
        "aria-pressed": String(selected?.name === tool.name), onclick: () => selectTool(tool),
      }, h("span", { className: "tool-title" }, label), h("code", {}, tool.name))));
  }
}

// Values this demo fills in for some of server-everything's tools.
function prefillFor(tool) {
  switch (tool.name) {
    case "echo":
      return { message: "Hello from the browser!" };
    case "get-sum":
      return { a: 2, b: 3 };
    case "trigger-long-running-operation":
      return { duration: 5, steps: 5 };
    case "trigger-sampling-request":
      return { prompt: "Say hello to the demo." };
    case "trigger-url-elicitation": {
      if (!completionOrigin) return {};
      // The URL the server will ask the user to open: the completion site's page, told which
      // app origin to report to and which elicitation it ends. A fresh id per run, so the
      // library's loop guard never sees the same URL twice.
      const id = `demo-${randomHex(6)}`;
      const url = `${completionOrigin}/authorize?${new URLSearchParams({ id, target: location.origin })}`;
      return { url, elicitationId: id, message: "Authorize the demo service to finish this call." };
    }
    default:
      return {};
  }
}

// Arguments the chat's assistant left out that this demo fills in: trigger-url-elicitation
// without a url gets the completion site's page (and its id), as in the console's form.
function demoArguments(tool, args) {
  return tool.name === "trigger-url-elicitation" && args.url === undefined ? { ...prefillFor(tool), ...args } : args;
}

const randomHex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");

function selectTool(tool, { keepForm = false } = {}) {
  const same = tool && selected && tool.name === selected.name;
  selected = tool;
  for (const b of $("tools").querySelectorAll("button.tool")) b.setAttribute("aria-pressed", String(b.dataset.tool === tool?.name));
  $("composer").hidden = !tool;
  $("composer-placeholder").hidden = !!tool;
  if (!tool) return;
  if (same && keepForm) return;
  $("tool-title").textContent = tool.title ?? tool.annotations?.title ?? tool.name;
  $("tool-name").textContent = tool.name;
  $("tool-description").textContent = tool.description ?? "";
  $("tool-description").title = tool.description ?? ""; // clamped to two lines; all of it on hover
  const a = tool.annotations ?? {};
  const hints = [a.readOnlyHint && "read-only", a.destructiveHint && "destructive", a.openWorldHint && "open world"].filter(Boolean);
  $("tool-hints").replaceChildren(...hints.map((x) => h("span", { className: `chip ${x === "destructive" ? "warn" : ""}` }, x)));
  form = schemaForm(tool.inputSchema, { prefill: prefillFor(tool) });
  $("tool-fields").replaceChildren(form.node);
}

function runSelected() {
  if (!client || !selected || !form) return;
  const { args, errors } = form.read();
  if (errors) return;
  runTool(selected, args).catch(() => {}); // the entry shows the error
  if (selected.name === "trigger-url-elicitation") selectTool(selected); // a fresh elicitation id
}

// ---- 3. calling a tool: progress and cancellation -----------------------------------------------

// Calls `tool`, shown as a call entry in `log` (the console's timeline, or the chat's). Resolves
// with the result; rejects with the McpError, already shown in the entry. `inline`: consent
// buttons in the entry's card rather than the dialog. `signal` aborts it too (the chat's Stop).
async function runTool(tool, args, { log = timeline, who = "You called", inline = false, signal } = {}) {
  const c = client;
  const controller = new AbortController();
  signal?.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  const entry = callEntry(log, {
    tool, args, who,
    onCancel: () => controller.abort("cancelled by the user"),
    actions: { readResource: (uri) => readResource(uri, log) },
  });
  const run = { name: tool.name, key: canonicalJson(args), sends: 0, entry, inline };
  runs.add(run);
  try {
    const result = await c.callTool(tool.name, args, {
      // Aborting rejects the call with code -32800 and tells the server (notifications/cancelled).
      signal: controller.signal,
      // Passing onProgress makes the library send a progressToken; each
      // notifications/progress arrives here as { progress, total?, message? }.
      onProgress: (p) => entry.progress(p),
    });
    entry.finish(result);
    return result;
  } catch (e) {
    if (e.code === CANCELLED) entry.cancelled();
    else entry.failed(e);
    throw e;
  } finally {
    runs.delete(run);
  }
}

async function readResource(uri, log = timeline) {
  const c = client;
  if (!c) return;
  const li = log.add("system info", h("p", {}, "Reading ", h("code", {}, uri), "…"));
  try {
    const { contents } = await c.readResource(uri);
    log.grew(() => li.append(...contents.map(resourceContents)));
  } catch (e) {
    log.grew(() => li.append(errorView(e)));
  }
}

// ---- 4. elicitation -------------------------------------------------------------------------------

// The server asks the user for something while a request runs. Form mode: answer with the
// dialog's result. URL mode: the user must consent before anything is opened. In the chat the
// card in the conversation has the Open button; in the console the package's dialog has it.
// Either calls req.open() inside its click (so the popup is not blocked), and the library
// watches for the completion message from the page it opened. The cards narrate each step.
async function onElicitation(req) {
  if (req.mode === "form") return formElicitation(req, placeCard);
  const card = urlCard(req, placeCard);
  lastUrlCard = card;
  const narrated = narrate(req, card);
  return cardIsInline() ? inlineConsent(card, narrated, req) : showElicitationDialog(narrated);
}

// ---- 4b. OAuth to the MCP server ----------------------------------------------------------------

// The server answered 401: a sign-in card (consent.js) where the user is, whose button calls
// req.open() inside its click.
function onAuthorization(req) {
  authorizationCard(req, placeCard);
}

// The library re-sends a tools/call by itself after it satisfies a -32042 (URL elicitation
// required) error. It does not announce that, so this `fetch` option watches request bodies
// (strings of JSON-RPC) for a second tools/call with the same name and arguments.
function watchingFetch(url, init) {
  if (typeof init?.body === "string" && init.body.includes('"tools/call"')) {
    try {
      for (const msg of [JSON.parse(init.body)].flat()) noteToolCall(msg);
    } catch {
      // not ours to judge: the library sends what it sends
    }
  }
  return fetch(url, init);
}

function noteToolCall(msg) {
  if (msg?.method !== "tools/call") return;
  const key = canonicalJson(msg.params?.arguments ?? {});
  const run = [...runs].find((r) => r.name === msg.params?.name && r.key === key);
  if (run && ++run.sends > 1) {
    if (lastUrlCard && run.entry.contains(lastUrlCard)) lastUrlCard.step("retrying the call");
    else run.entry.step("retrying the call after the elicitation");
  }
}

// Where a server request made during a call is shown. The library does not say which call it
// belongs to; with exactly one call in flight it must be that one, so the card goes into its
// reply (in the chat or the console). Otherwise it gets an entry of its own in the view shown.
const soleRun = () => (runs.size === 1 ? [...runs][0] : null);

function placeCard(...args) {
  const only = soleRun();
  return only ? only.entry.card(...args) : (view === "chat" ? chat.log : timeline).card(...args);
}

const cardIsInline = () => soleRun()?.inline ?? view === "chat";

// JSON with sorted keys, so two serialisations of the same arguments compare equal.
function canonicalJson(v) {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

// ---- 5. sampling (a stub) ---------------------------------------------------------------------

// A real app would forward the request to its LLM. This stub answers with the last user message.
function samplingStub(request) {
  const lastUser = [...request.messages].reverse().find((m) => m.role === "user");
  const blocks = [lastUser?.content ?? []].flat();
  const said = blocks.map((b) => (b?.type === "text" ? b.text : `[${b?.type}]`)).join(" ");
  const text = `sampling stub (no LLM): you said “${said}”`;
  const card = placeCard("sampling", "LLM", "sampling stub (no LLM)",
    h("p", {}, `The server asked for an LLM completion (at most ${request.maxTokens} tokens). This demo has no model; it echoes the last user message.`));
  card.append(contentBlock({ type: "text", text }));
  return { role: "assistant", content: { type: "text", text }, model: "sampling-stub-no-llm", stopReason: "endTurn" };
}

// Anything that escaped a handler is shown too, rather than lost in the console.
window.addEventListener("unhandledrejection", (e) => timeline.error("Unexpected error", e.reason));

main();
