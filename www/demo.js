// mcp-web-client demo: a chat-style page that talks to an MCP server straight from the browser.
//
// Read it as an example of embedding the package in a web app. Everything that touches the
// library is in this file, in this order:
//   1. loading the package (init) and connecting (McpClient.connect and its options)
//   2. events: log messages, list changes, errors, close
//   3. calling tools with progress and cancellation (AbortController)
//   4. elicitation: the package's ready-made dialog, with each step of a URL elicitation
//      narrated in the timeline
//   5. sampling (a stub: there is no LLM here) and roots
// The rest is UI: ui.js (DOM helper, timeline), schema-form.js (a form from a tool's
// inputSchema), content.js (tool results as DOM). No bundler: plain ES modules.
import init, { McpClient } from "../pkg/mcp_web_client.js";
// The ready-made consent/form dialog ships beside the package. `elicitationUi: "dialog"` in the
// connect options loads and uses it by itself; importing it lets our own onElicitation use it
// and still see what happens.
import { showElicitationDialog } from "../pkg/elicitation-dialog.js";
import { $, Timeline, attachCard, errorView, h, pretty } from "./ui.js";
import { schemaForm } from "./schema-form.js";
import { contentBlock, resourceContents, toolResult } from "./content.js";

// Library error codes this page treats specially (the README lists them all).
const CANCELLED = -32800; // the request was aborted through its AbortSignal
const POPUP_BLOCKED = -33011; // req.open() was not called inside a click, or the browser refused

// One example root: a server that asks (roots/list) gets this list.
const ROOTS = [{ uri: "file:///home/demo/project", name: "Demo project" }];

const timeline = new Timeline($("timeline"));
let client = null; // the connected McpClient
let tools = []; // its tools
let selected = null; // the tool shown in the composer
let form = null; // its generated form
const runs = new Set(); // tool calls in flight: { name, key, sends, entry }
let lastUrlCard = null; // the timeline card of the latest URL elicitation
let completionOrigin = null; // the demo's completion site (see serve.mjs), if known

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
    return;
  }
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
  timeline.system("Ready. Connect to an MCP server to start.");
  document.documentElement.dataset.ready = "true"; // for the end-to-end test
}

async function connect(url) {
  if (!url) return;
  $("connect").disabled = true;
  await disconnect({ quiet: true });
  timeline.system(`Connecting to ${url}…`);
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
  timeline.system(`Connected to ${info.name} ${info.version}: protocol ${c.protocolVersion} over ${c.transport}; capabilities: ${caps}.`, "ok");
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
  if (!quiet) timeline.system("Disconnected.");
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
    timeline.system("The connection closed.", "error");
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
  runTool(selected, args);
  if (selected.name === "trigger-url-elicitation") selectTool(selected); // a fresh elicitation id
}

// ---- 3. calling a tool: progress and cancellation -----------------------------------------------

async function runTool(tool, args) {
  const c = client;
  const controller = new AbortController();
  const entry = callEntry(tool, args, () => controller.abort("cancelled by the user"));
  const run = { name: tool.name, key: canonicalJson(args), sends: 0, entry };
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
  } catch (e) {
    if (e.code === CANCELLED) entry.cancelled();
    else entry.failed(e);
  } finally {
    runs.delete(run);
  }
}

// A timeline entry for one call: the request (right), the reply (left) with its progress bar,
// Cancel button, steps and, in the end, the result.
function callEntry(tool, args, onCancel) {
  const started = performance.now();
  const state = h("span", { className: "state" }, "Running…");
  const bar = h("progress", { className: "progress", "aria-label": `progress of ${tool.name}` }); // no value: indeterminate
  const barText = h("span", { className: "progress-text" });
  const cancel = h("button", { type: "button", className: "cancel small", onclick: onCancel }, "Cancel");
  const steps = h("ol", { className: "steps" });
  const cards = h("div", { className: "cards" });
  const reply = h("div", { className: "bubble reply" }, h("div", { className: "status-row" }, state, bar, barText, cancel), steps, cards);
  const hasArgs = Object.keys(args).length > 0;
  const li = timeline.add("call",
    h("div", { className: "bubble request" },
      h("p", { className: "who" }, "You called ", h("strong", {}, tool.title ?? tool.name), " ", h("code", {}, tool.name)),
      hasArgs ? argsList(args) : h("p", { className: "muted" }, "no arguments")),
    reply);
  li.dataset.tool = tool.name;
  li.dataset.state = "running";
  const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const settle = (kind, label) => {
    li.dataset.state = kind;
    state.textContent = `${label} · ${seconds()}`;
    cancel.remove();
    if (!bar.hasAttribute("value")) {
      bar.remove();
      barText.remove();
    }
  };
  return {
    progress({ progress, total, message }) {
      timeline.grew(() => {
        if (typeof total === "number" && total > 0) {
          bar.max = total;
          bar.value = Math.min(progress, total);
          barText.textContent = `${progress} / ${total}`;
        } else {
          barText.textContent = `${progress}`;
        }
        if (message) barText.textContent += ` · ${message}`;
      });
    },
    step(text) {
      timeline.grew(() => steps.append(h("li", {}, text)));
    },
    /** A card inside this reply, for what happens during the call (elicitation, sampling). */
    card(...args) {
      return attachCard(timeline, cards, ...args);
    },
    contains: (node) => li.contains(node),
    finish(result) {
      timeline.grew(() => {
        settle(result.isError ? "error" : "done", result.isError ? "The tool reported an error" : "Done");
        reply.append(toolResult(result, { readResource }));
      });
    },
    failed(error) {
      timeline.grew(() => {
        settle("error", "Failed");
        reply.append(errorView(error));
      });
    },
    cancelled() {
      settle("cancelled", "Cancelled");
    },
  };
}

// The arguments as "name  value" rows: strings as they are, anything else as compact JSON.
function argsList(args) {
  return h("dl", { className: "args" }, Object.entries(args).map(([k, v]) =>
    h("div", {}, h("dt", {}, k), h("dd", {}, typeof v === "string" ? v : JSON.stringify(v)))));
}

async function readResource(uri) {
  const c = client;
  if (!c) return;
  const li = timeline.add("system info", h("p", {}, "Reading ", h("code", {}, uri), "…"));
  try {
    const { contents } = await c.readResource(uri);
    timeline.grew(() => li.append(...contents.map(resourceContents)));
  } catch (e) {
    timeline.grew(() => li.append(errorView(e)));
  }
}

// ---- 4. elicitation -------------------------------------------------------------------------------

// How open() learnt that the flow ended (UrlElicitationOutcome.via).
const VIA = {
  message: " (the page posted mcp:elicitation-complete to this window)",
  broadcast: " (BroadcastChannel, from a page of this origin)",
  notification: " (the server's notifications/elicitation/complete)",
  manual: " (you said so)",
  closed: " (the window was closed)",
};

// The server asks the user for something while a request runs. Form mode: answer with the
// dialog's result. URL mode: the user must consent before anything is opened; the dialog's Open
// button calls req.open() inside its click (so the popup is not blocked), and the library
// watches for the completion message from the page it opened.
async function onElicitation(req) {
  const who = req.server?.title || req.server?.name || "The server";
  if (req.mode === "form") {
    const card = placeCard("elicitation", "Form", `${who} asks you for information`, h("p", { className: "message" }, req.message));
    card.step("form shown");
    const answer = await showElicitationDialog(req); // validates with req.validate() before it resolves
    if (answer.action === "accept") {
      card.step("you submitted the form");
      card.append(h("pre", { className: "args" }, pretty(answer.content ?? {})));
    } else card.step(answer.action === "decline" ? "you declined" : "you cancelled");
    return answer;
  }

  // URL mode.
  const card = placeCard("elicitation", "URL", `${who} asks you to open ${req.host}`,
    h("p", { className: "message" }, req.message),
    h("p", {}, h("code", { className: "uri" }, req.url)),
    req.warnings.length ? h("p", { className: "warn-text" }, `warnings: ${req.warnings.join(", ")}`) : null);
  card.dataset.elicitationId = req.elicitationId ?? "";
  lastUrlCard = card;
  card.step("waiting for your consent");
  // The dialog gets a copy of req whose methods also narrate in the timeline. open() must stay
  // synchronous inside the click: call the library first, report afterwards.
  const narrated = {
    ...req,
    open() {
      const opening = req.open();
      let blocked = false;
      opening.then(
        (outcome) => card.step(`${outcome.status === "done" ? "completed" : "cancelled"} via ${outcome.via}${VIA[outcome.via] ?? ""}`, outcome.status === "done" ? "ok" : "warn"),
        (e) => {
          if (e.code === POPUP_BLOCKED) {
            blocked = true;
            card.step("the browser blocked the popup: click Open again", "warn");
          } else card.step(`failed: ${e.code} ${e.message}`, "error");
        },
      );
      // A blocked popup rejects at once: its handler above runs before this microtask.
      queueMicrotask(() => !blocked && card.step(`popup opened on ${new URL(req.url).origin}`));
      return opening;
    },
    decline() {
      card.step("you declined", "warn");
      req.decline();
    },
    cancel() {
      card.step("you cancelled", "warn");
      req.cancel();
    },
    done() {
      card.step("you said you completed it");
      req.done();
    },
  };
  return showElicitationDialog(narrated);
}

// ---- 4b. OAuth to the MCP server ----------------------------------------------------------------

// The server answered 401: the library found its authorization server and registered this page
// as a client. The user decides; req.open() must run inside their click (a popup otherwise is
// blocked). The library checks the callback (state, issuer), exchanges the code and resumes.
function onAuthorization(req) {
  const host = new URL(req.authorizationUrl).host;
  const card = placeCard("elicitation", "OAuth", `${req.server.url} asks you to sign in at ${host}`,
    h("p", {}, `Authorization server: `, h("code", {}, req.issuer)),
    req.scopes.length ? h("p", {}, `Scopes: ${req.scopes.join(" ")}`) : null);
  card.step("waiting for you to sign in");
  const signIn = h("button", { type: "button", className: "primary sign-in" }, "Sign in");
  const cancel = h("button", { type: "button" }, "Cancel");
  const settle = (text, tone) => {
    card.step(text, tone);
    signIn.disabled = cancel.disabled = true;
  };
  signIn.addEventListener("click", () => {
    let blocked = false;
    req.open().then(
      () => settle("signed in: the library exchanged the code for a token", "ok"),
      (e) => {
        if (e.code !== POPUP_BLOCKED) return settle(`failed: ${e.code} ${e.message}`, "error");
        blocked = true;
        card.step("the browser blocked the popup: click Sign in again", "warn");
      },
    );
    queueMicrotask(() => !blocked && card.step(`popup opened on ${new URL(req.authorizationUrl).origin}`));
  });
  cancel.addEventListener("click", () => {
    settle("you cancelled", "warn");
    req.cancel();
  });
  card.append(h("div", { className: "card-actions" }, signIn, cancel));
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
// reply. Otherwise it gets a timeline entry of its own.
function placeCard(...args) {
  const only = runs.size === 1 ? [...runs][0] : null;
  return only ? only.entry.card(...args) : timeline.card(...args);
}

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
