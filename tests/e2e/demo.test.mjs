// The demo (www/, `make demo`) end to end: www/serve.mjs started as a child process on free ports
// (the URLs it prints are parsed), the page in headless Chromium with the popup blocker ON, and
// every action a real click (page.click: trusted input events) or real typing.
//
// The page is observed through CDP Runtime.evaluate with userGesture: false (`run`), never
// page.evaluate or locator waits, which would give the page transient user activation and let a
// popup through that the user never clicked for. The first test checks that an open without a
// click IS blocked on this page.
//
// Flows, in the tool console: connect (server info), echo, a long-running call whose progress bar
// moves, a cancelled call, a form elicitation through the package's dialog, and a URL
// elicitation: consent dialog, Open (popup on the completion site's origin), "Authorize" clicked
// in the popup, completion by postMessage, the final result in the timeline. Screenshot:
// artifacts/demo.png. In the chat (the view the page opens with): the scripted assistant (help,
// a tool call, trigger-url-elicitation finished with one click on the consent button inline in
// the conversation), then an LLM endpoint of ours (fixtures/fake-chat-completions.mjs): the
// tools and the tool message it received, the final answer quoting the tool result, errors as
// turns, the round limit. Screenshots: artifacts/chat-scripted.png, chat-consent.png, chat.png.
// Then the protected server (OAuth): Sign in clicked, the popup closes by itself, a tool call
// works. Last, SIGTERM to serve.mjs must stop both MCP servers it started.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { E2E_DIR, PKG_JS, REPO_ROOT, launchBrowser, sleep, startProcess } from "./harness.mjs";
import { startFaultServer } from "./fixtures/fault-server.mjs";
import { startFakeChatCompletions } from "./fixtures/fake-chat-completions.mjs";

const SERVE = path.join(REPO_ROOT, "www", "serve.mjs");
const ARTIFACTS = path.join(E2E_DIR, "artifacts");
const T = { timeout: 60_000 };

let serve; // the serve.mjs child: { pid, output(), stop() }
let urls; // { mcp, completion, demo }
let browser;
let context;
let page;
let cdp;
const popups = []; // every page opened in the context besides the demo page

before(async () => {
  if (!fs.existsSync(PKG_JS)) throw new Error("pkg/mcp_web_client.js does not exist: build the package first (make pkg)");
  // No MCP_PORT / DEMO_PORT: serve.mjs picks free ports itself.
  const env = { MCP_PORT: "", DEMO_PORT: "", COMPLETION_PORT: "" };
  serve = await startProcess(process.execPath, [SERVE], { cwd: REPO_ROOT, env, readyPattern: /Demo: open http:\/\/\S+/, timeoutMs: 40000, name: "serve.mjs" });
  const out = serve.output();
  urls = {
    mcp: out.match(/MCP server[^\n]*?(http:\/\/\S+\/mcp)/)?.[1],
    protected: out.match(/Protected MCP server[^\n]*?(http:\/\/\S+\/mcp)/)?.[1],
    completion: out.match(/Completion site[^\n]*?(http:\/\/\S+)/)?.[1],
    demo: out.match(/Demo: open (http:\/\/\S+)/)?.[1],
  };
  assert.ok(urls.mcp && urls.protected && urls.completion && urls.demo, `serve.mjs printed:\n${out}`);

  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  context.on("page", (p) => popups.push(p));
  page = await context.newPage();
  popups.length = 0;
  page.pageErrors = [];
  page.on("pageerror", (e) => page.pageErrors.push(String(e)));
  cdp = await context.newCDPSession(page);
});

after(async () => {
  await browser?.close();
  await serve?.stop();
  // Whatever serve.mjs left in its process group (nothing, if the last test passed).
  try {
    if (serve?.pid) process.kill(-serve.pid, "SIGKILL");
  } catch {}
});

// ---- observing the page without a user gesture -------------------------------------------------

async function run(fn, arg) {
  const expression = `(${fn})(${arg === undefined ? "" : JSON.stringify(arg)})`;
  const r = await cdp.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true, userGesture: false });
  if (r.exceptionDetails) throw new Error(`in page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
  return r.result.value;
}

async function waitFor(fn, arg, { timeoutMs = 15000, what = "a condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await run(fn, arg);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${await diagnostics()}`);
    await sleep(50);
  }
}

async function diagnostics() {
  let entries = "";
  try {
    entries = await run(() =>
      [...document.querySelectorAll("#timeline > li")].slice(-12).map((li) => `${li.dataset.kind}${li.dataset.state ? `[${li.dataset.state}]` : ""}: ${li.textContent.slice(0, 240)}`).join("\n"));
  } catch (e) {
    entries = `(no page: ${e.message})`;
  }
  return `timeline (last entries):\n${entries}\npage errors: ${page?.pageErrors?.join("\n") || "none"}`;
}

/** The state of call entry `i` (0-based, in timeline order). */
const callState = (i) =>
  run((i) => {
    const li = document.querySelectorAll("#timeline li.entry.call")[i];
    if (!li) return null;
    const bar = li.querySelector("progress");
    return {
      tool: li.dataset.tool,
      state: li.dataset.state,
      text: li.querySelector(".bubble.reply").textContent,
      progress: bar && bar.hasAttribute("value") ? { value: bar.value, max: bar.max } : null,
      cancel: !!li.querySelector("button.cancel"),
    };
  }, i);

const callCount = () => run(() => document.querySelectorAll("#timeline li.entry.call").length);

async function waitCall(i, { states = ["done", "error", "cancelled"], timeoutMs = 20000 } = {}) {
  await waitFor((a) => {
    const li = document.querySelectorAll("#timeline li.entry.call")[a.i];
    return !!li && a.states.includes(li.dataset.state);
  }, { i, states }, { timeoutMs, what: `call #${i} to be ${states.join("/")}` });
  return callState(i);
}

/** Clicks the tool in the sidebar, sets fields (real typing), clicks Run; returns the call's index. */
async function runTool(name, fields = {}) {
  await page.click(`#tools button[data-tool="${name}"]`);
  await waitFor((n) => document.getElementById("tool-name").textContent === n, name, { what: `the ${name} form` });
  for (const [key, value] of Object.entries(fields)) await page.fill(`#tool-fields [name="${key}"]`, String(value));
  const i = await callCount();
  await page.click("#run");
  await waitFor((i) => document.querySelectorAll("#timeline li.entry.call").length > i, i, { what: `the ${name} call to appear` });
  return i;
}

// ---- the chat ---------------------------------------------------------------------------------------

/** The chat's entries from index `from` on, as plain data. */
const chatEntries = (from = 0) =>
  run((from) => [...document.querySelectorAll("#chat-log > li")].slice(from).map((li) => ({
    kind: li.dataset.kind,
    assistant: li.dataset.assistant ?? null,
    tool: li.dataset.tool ?? null,
    state: li.dataset.state ?? null,
    text: li.textContent,
  })), from);

/** Types `text` into the message box and clicks Send; returns the index of the turn's first entry. */
async function say(text) {
  await page.fill("#chat-input", text);
  const from = await run(() => document.querySelectorAll("#chat-log > li").length);
  await page.click("#chat-send");
  return from;
}

/** Waits until the turn started at entry `from` is over; returns its entries. */
async function turnOver(from, what = "the turn") {
  await waitFor(() => document.getElementById("chat-form").dataset.busy === "false", undefined, { timeoutMs: 20000, what: `${what} to end` });
  return chatEntries(from);
}

/** Waits for the inline consent button of a URL elicitation in a chat call from entry `from`. */
const inlineConsent = (from) =>
  waitFor((from) => {
    const li = [...document.querySelectorAll("#chat-log > li")].slice(from).find((x) => x.querySelector(".card.elicitation button.consent-open:not([disabled])"));
    return li && { text: li.querySelector(".card.elicitation").textContent, id: li.querySelector(".card.elicitation").dataset.elicitationId };
  }, from, { what: "the inline consent card in the chat" });

/** Clicks the inline Open button, authorizes in the popup on the completion site; returns the popup's URL. */
async function consentAndAuthorize() {
  const popupPromise = page.waitForEvent("popup", { timeout: 10000 });
  await page.click("#chat-log .card.elicitation button.consent-open:not([disabled])");
  const popup = await popupPromise;
  const url = popup.url();
  await popup.waitForSelector("#authorize", { timeout: 10000 });
  await popup.click("#authorize");
  await popup.waitForEvent("close", { timeout: 10000 });
  return url;
}

/** Clicks the tab of view "chat" or "console" and waits until it shows. */
async function showView(name) {
  await page.click(`#tab-${name}`);
  await waitFor((name) => !document.getElementById(`view-${name}`).hidden, name, { what: `the ${name} view` });
}

// ---- tests ---------------------------------------------------------------------------------------

test("the page loads, the popup blocker is on, Connect shows the server", T, async () => {
  await page.goto(urls.demo, { timeout: 20000 });
  await waitFor(() => document.documentElement.dataset.ready === "true", undefined, { what: "the page to load the package" });
  assert.equal(await run(() => document.getElementById("server-url").value), urls.mcp, "the server field is pre-filled with the local server");
  assert.deepEqual(await run(() => ({ chat: document.getElementById("view-chat").hidden, console: document.getElementById("view-console").hidden })),
    { chat: false, console: true }, "the chat is not the view the page opens with");

  const noGesture = await run(() => {
    const w = window.open("about:blank", "_blank", "popup");
    w?.close();
    return { active: navigator.userActivation.isActive, opened: !!w };
  });
  assert.deepEqual(noGesture, { active: false, opened: false }, "window.open without a click was not blocked: the popup test would prove nothing");
  await showView("console"); // a click: only after the check above, which needs a page without user activation

  // An unreachable server first: the error is shown with its code.
  const closedPort = await new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
  await page.fill("#server-url", `http://127.0.0.1:${closedPort}/mcp`);
  await page.click("#connect");
  const error = await waitFor(() => [...document.querySelectorAll("#timeline li.entry.error")].at(-1)?.textContent, undefined, { what: "the connect error" });
  assert.match(error, /Could not connect/);
  assert.match(error, /-33002/, "the error shows the library's code");
  assert.equal(await run(() => document.getElementById("server-info").hidden), true);

  await page.fill("#server-url", urls.mcp);
  await page.click("#connect");
  const info = await waitFor(() => {
    const box = document.getElementById("server-info");
    if (box.hidden) return null;
    const t = (id) => document.getElementById(id).textContent;
    return { name: t("info-name"), version: t("info-version"), protocol: t("info-protocol"), transport: t("info-transport") };
  }, undefined, { what: "the server info" });
  assert.match(info.name, /mcp-servers\/everything/);
  assert.match(info.version, /\S/);
  assert.match(info.protocol, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(info.transport, "streamable-http");
  // server-everything registers the elicitation/sampling/roots tools after initialisation.
  const tools = await waitFor(() => {
    const names = [...document.querySelectorAll("#tools button.tool")].map((b) => b.dataset.tool);
    return names.includes("trigger-url-elicitation") && names;
  }, undefined, { what: "the tool list (with trigger-url-elicitation)" });
  for (const name of ["echo", "trigger-long-running-operation", "trigger-elicitation-request", "trigger-sampling-request", "get-roots-list"]) {
    assert.ok(tools.includes(name), `tool ${name} missing from ${tools.join(", ")}`);
  }
});

test("echo: the timeline shows the echoed text", T, async () => {
  const i = await runTool("echo", { message: "hello from the demo test <b>not bold</b>" });
  const call = await waitCall(i);
  assert.equal(call.tool, "echo");
  assert.equal(call.state, "done", call.text);
  assert.match(call.text, /Echo: hello from the demo test <b>not bold<\/b>/);
  // Server strings are text, never markup.
  assert.equal(await run((i) => document.querySelectorAll("#timeline li.entry.call")[i].querySelector(".result b"), i), null);
});

test("long-running operation: the progress bar moves, then the result", T, async () => {
  const i = await runTool("trigger-long-running-operation", { duration: 3, steps: 6 });
  const seen = [];
  const deadline = Date.now() + 20000;
  let call;
  for (;;) {
    call = await callState(i);
    if (call.progress && seen.at(-1) !== call.progress.value) seen.push(call.progress.value);
    if (call.state !== "running") break;
    if (Date.now() > deadline) throw new Error(`the call did not finish: ${JSON.stringify(call)}\n${await diagnostics()}`);
    await sleep(40);
  }
  assert.equal(call.state, "done", call.text);
  assert.match(call.text, /Long running operation completed/);
  assert.equal(call.progress?.max, 6);
  assert.ok(seen.length >= 3, `the progress bar did not move (values seen: ${JSON.stringify(seen)})`);
  for (let k = 1; k < seen.length; k++) assert.ok(seen[k] > seen[k - 1], `progress went backwards: ${JSON.stringify(seen)}`);
  assert.ok(seen[0] < 6, `the first value seen was already the last: ${JSON.stringify(seen)}`);
});

test("cancel: the Cancel button aborts a run and the timeline marks it cancelled", T, async () => {
  const i = await runTool("trigger-long-running-operation", { duration: 30, steps: 30 });
  await waitFor((i) => {
    const bar = document.querySelectorAll("#timeline li.entry.call")[i].querySelector("progress");
    return bar && bar.hasAttribute("value") && bar.value >= 1;
  }, i, { what: "the first progress of the long run" });
  await page.locator("#timeline li.entry.call").nth(i).locator("button.cancel").click({ timeout: 5000 });
  const call = await waitCall(i, { timeoutMs: 5000 });
  assert.equal(call.state, "cancelled", call.text);
  assert.match(call.text, /Cancelled/);
  assert.equal(call.cancel, false, "the Cancel button is still there");
  assert.ok(call.progress && call.progress.value < 30, "the run completed instead of being cancelled");
  // The client is still usable.
  const j = await runTool("echo", { message: "after the cancel" });
  assert.match((await waitCall(j)).text, /Echo: after the cancel/);
});

test("form elicitation: the package's dialog, filled and submitted with real input", T, async () => {
  const i = await runTool("trigger-elicitation-request");
  await waitFor(() => !!document.querySelector("dialog.mcp-dialog[open] form"), undefined, { what: "the form dialog" });
  const card = await waitFor(() => [...document.querySelectorAll("#timeline .card.elicitation")].at(-1)?.textContent, undefined, { what: "the elicitation card" });
  assert.match(card, /asks you for information/);
  await page.fill("dialog.mcp-dialog[open] .mcp-dialog-field:first-of-type input", "Ada Lovelace");
  await page.click("dialog.mcp-dialog[open] button[type=submit]");
  const call = await waitCall(i);
  assert.equal(call.state, "done", call.text);
  assert.match(call.text, /User provided the requested information/);
  assert.match(call.text, /Name: Ada Lovelace/);
  assert.equal(await run(() => !!document.querySelector("dialog.mcp-dialog")), false, "the dialog is still in the DOM");
});

test("URL elicitation: consent dialog, Open, the popup on another origin completes, the timeline shows the result", T, async () => {
  await page.click('#tools button[data-tool="trigger-url-elicitation"]');
  const prefilled = await waitFor(() => {
    const f = (n) => document.querySelector(`#tool-fields [name="${n}"]`)?.value;
    return f("url") && { url: f("url"), id: f("elicitationId") };
  }, undefined, { what: "the pre-filled trigger-url-elicitation form" });
  const target = new URL(prefilled.url);
  assert.equal(target.origin, urls.completion, "the pre-filled URL is on the completion site");
  assert.equal(target.searchParams.get("id"), prefilled.id, "the URL carries the elicitation id");
  assert.equal(target.searchParams.get("target"), new URL(urls.demo).origin, "the URL names the app's origin");

  const i = await callCount();
  const popupsBefore = popups.length;
  await page.click("#run");
  await waitFor(() => !!document.querySelector("dialog.mcp-dialog[open] .mcp-dialog-url"), undefined, { what: "the consent dialog" });
  const dialogText = await run(() => document.querySelector("dialog.mcp-dialog[open]").textContent);
  assert.ok(dialogText.includes(prefilled.url) || dialogText.includes(target.host), `the dialog does not show the URL: ${dialogText}`);
  const card = await waitFor(() => [...document.querySelectorAll("#timeline .card.elicitation")].at(-1)?.textContent, undefined, { what: "the URL elicitation card" });
  assert.match(card, /asks you to open 127\.0\.0\.1/);
  await sleep(300);
  assert.equal(popups.length, popupsBefore, "a window opened before the user consented");
  assert.equal((await callState(i)).state, "running", "the call settled before consent");

  const popupPromise = page.waitForEvent("popup", { timeout: 10000 });
  await page.screenshot({ path: path.join(ARTIFACTS, "demo-consent.png") });
  await page.click("dialog.mcp-dialog[open] button.mcp-dialog-primary"); // "Open"
  const popup = await popupPromise;
  assert.equal(popup.url(), prefilled.url);
  await waitFor(() => /popup opened/.test([...document.querySelectorAll("#timeline .card.elicitation")].at(-1).textContent), undefined, { what: "the 'popup opened' step" });

  // On the completion site: the user authorizes; the page posts the completion to the app.
  await popup.waitForSelector("#authorize", { timeout: 10000 });
  await popup.click("#authorize");
  await popup.waitForEvent("close", { timeout: 10000 });

  const steps = await waitFor(() => {
    const li = [...document.querySelectorAll("#timeline .card.elicitation")].at(-1);
    const s = [...li.querySelectorAll(".steps li")].map((x) => x.textContent);
    return s.some((t) => /completed via message/.test(t)) && s;
  }, undefined, { what: "the 'completed via message' step" });
  assert.ok(steps.some((t) => /waiting for your consent/.test(t)), JSON.stringify(steps));
  assert.ok(steps.some((t) => /popup opened/.test(t)), JSON.stringify(steps));
  const call = await waitCall(i);
  assert.equal(call.state, "done", call.text);
  assert.match(call.text, /User completed the URL elicitation flow/);
  assert.ok(call.text.includes(prefilled.id), `the result does not name elicitation ${prefilled.id}: ${call.text}`);
  await waitFor(() => !document.querySelector("dialog.mcp-dialog"), undefined, { what: "the dialog to close" });
  assert.ok(await run((i) => !!document.querySelectorAll("#timeline li.entry.call")[i].querySelector(".card.elicitation"), i),
    "the elicitation card is not shown inside the call it belongs to");
  assert.deepEqual(page.pageErrors, [], "page errors");

  await run((i) => document.querySelectorAll("#timeline li.entry.call")[i].scrollIntoView({ block: "end" }), i);
  await sleep(100);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, "demo.png") });
  if (process.env.DEMO_SHOTS) {
    await page.locator("#timeline li.entry.call").nth(i).screenshot({ path: path.join(ARTIFACTS, "demo-url-call.png") });
    await page.screenshot({ path: path.join(ARTIFACTS, "demo-full.png"), fullPage: true });
  }
});

test("URL elicitation, error path (-32042): the prerequisite, \"I've completed it\", the library retries, the retry's elicitation completes", T, async () => {
  // The prerequisite URL is server-everything's hard-coded https://modelcontextprotocol.io: answered
  // here by a route, so nothing leaves the machine.
  const routed = [];
  await context.route("https://modelcontextprotocol.io/**", (r) => {
    routed.push(r.request().url());
    return r.fulfill({ contentType: "text/html", body: "<!doctype html><title>prerequisite</title><h1>The prerequisite page (routed by the test)</h1>" });
  });
  try {
    await page.click('#tools button[data-tool="trigger-url-elicitation"]');
    const prefilled = await waitFor(() => document.querySelector('#tool-fields [name="url"]')?.value, undefined, { what: "the pre-filled form" });
    await page.click('#tool-fields [name="errorPath"]');
    assert.equal(await run(() => document.querySelector('#tool-fields [name="errorPath"]').checked), true);
    const i = await callCount();
    await page.click("#run");
    await waitFor(() => !!document.querySelector("dialog.mcp-dialog[open] .mcp-dialog-url"), undefined, { what: "the prerequisite's consent dialog" });
    const first = await waitFor((i) => document.querySelectorAll("#timeline li.entry.call")[i]?.querySelector(".card.elicitation")?.textContent, i, { what: "the prerequisite card" });
    assert.match(first, /asks you to open modelcontextprotocol\.io/);
    assert.deepEqual(routed, [], "the prerequisite URL was requested before consent");

    const popupPromise = page.waitForEvent("popup", { timeout: 10000 });
    await page.click("dialog.mcp-dialog[open] button.mcp-dialog-primary"); // Open
    const popup1 = await popupPromise;
    assert.equal(popup1.url(), "https://modelcontextprotocol.io/");
    // That page cannot report back: the user says they are done.
    await waitFor(() => /completed/i.test(document.querySelector("dialog.mcp-dialog[open] button.mcp-dialog-primary")?.textContent ?? ""), undefined, { what: "the \"I've completed it\" button" });
    await page.click("dialog.mcp-dialog[open] button.mcp-dialog-primary");
    await popup1.close();

    // The library retries tools/call; server-everything then asks for the pre-filled URL.
    await waitFor((i) => {
      const cards = document.querySelectorAll("#timeline li.entry.call")[i].querySelectorAll(".card.elicitation");
      return cards.length === 2 && /retrying the call/.test(cards[0].textContent) && !!document.querySelector("dialog.mcp-dialog[open] .mcp-dialog-url");
    }, i, { what: "the retry and its elicitation" });
    assert.equal((await callState(i)).state, "running");
    const popupPromise2 = page.waitForEvent("popup", { timeout: 10000 });
    await page.click("dialog.mcp-dialog[open] button.mcp-dialog-primary"); // Open
    const popup2 = await popupPromise2;
    assert.equal(popup2.url(), prefilled);
    await popup2.waitForSelector("#authorize", { timeout: 10000 });
    await popup2.click("#authorize");
    await popup2.waitForEvent("close", { timeout: 10000 });

    const call = await waitCall(i);
    assert.equal(call.state, "done", call.text);
    assert.match(call.text, /User completed the URL elicitation flow/);
    const steps = await waitFor((i) => {
      const cards = [...document.querySelectorAll("#timeline li.entry.call")[i].querySelectorAll(".card.elicitation")];
      const s = cards.map((c) => [...c.querySelectorAll(".steps li")].map((x) => x.textContent));
      return s[1]?.some((t) => /completed via message/.test(t)) && s;
    }, i, { what: "the retry's elicitation to complete via message" });
    assert.ok(steps[0].some((t) => /completed via manual/.test(t)), JSON.stringify(steps[0]));
    assert.ok(steps[0].some((t) => /retrying the call/.test(t)), JSON.stringify(steps[0]));
    assert.deepEqual(routed, ["https://modelcontextprotocol.io/"]);
    assert.deepEqual(page.pageErrors, [], "page errors");
    await run((i) => document.querySelectorAll("#timeline li.entry.call")[i].scrollIntoView({ block: "end" }), i);
    await page.screenshot({ path: path.join(ARTIFACTS, "demo-retry.png") });
  } finally {
    await context.unroute("https://modelcontextprotocol.io/**");
  }
});

test("chat, scripted assistant (no endpoint): a newcomer's first click runs a URL elicitation that completes after one click in the conversation; help, echo, tools", T, async () => {
  // Disconnected first, as a fresh page: sending a message connects to the server in the field.
  await page.click("#disconnect");
  await waitFor(() => document.getElementById("server-info").hidden, undefined, { what: "the disconnect" });
  await showView("chat");
  assert.equal(await run(() => document.getElementById("assistant-status").textContent), "Scripted assistant (not an LLM)");

  // What a newcomer does: the suggestion, then one click on the consent button in the conversation.
  let from = await run(() => document.querySelectorAll("#chat-log > li").length);
  const popupsBefore = popups.length;
  await page.click('#suggestions button[data-say="trigger-url-elicitation"]');
  const card = await inlineConsent(from);
  let turn = await chatEntries(from);
  assert.ok(turn.some((e) => /Connected to mcp-servers\/everything/.test(e.text)), `the first message did not connect: ${JSON.stringify(turn)}`);
  assert.match(card.text, /asks you to open 127\.0\.0\.1/);
  assert.ok(card.text.includes(`${urls.completion}/authorize?`), card.text);
  assert.equal(await run(() => !!document.querySelector("dialog.mcp-dialog")), false, "the chat used the dialog, not the inline card");
  await sleep(300);
  assert.equal(popups.length, popupsBefore, "a window opened before the user consented");
  assert.equal(turn.find((e) => e.kind === "call")?.state, "running");

  const opened = new URL(await consentAndAuthorize());
  assert.equal(opened.origin, urls.completion);
  assert.equal(opened.searchParams.get("id"), card.id, "the popup is not the card's elicitation");
  turn = await turnOver(from, "trigger-url-elicitation");
  let call = turn.find((e) => e.kind === "call");
  assert.equal(call?.state, "done", JSON.stringify(turn));
  assert.ok(call.text.includes("User completed the URL elicitation flow") && call.text.includes(card.id), call.text);
  assert.match(call.text, /completed via message/);
  let answer = turn.filter((e) => e.kind === "assistant");
  assert.equal(answer.length, 1, JSON.stringify(turn));
  assert.equal(answer[0].assistant, "scripted");
  assert.match(answer[0].text, /Scripted assistant \(not an LLM\)/, "the turn is not labelled as scripted");
  assert.ok(answer[0].text.includes("trigger-url-elicitation answered:") && answer[0].text.includes(`Elicitation ID: ${card.id}`), answer[0].text);
  assert.deepEqual(await run(() => [...document.querySelectorAll("#chat-log .card.elicitation button")].map((b) => [b.disabled, b.closest(".card-actions").hidden])),
    [[true, true], [true, true], [true, true], [true, true]], "the consent buttons still show or act after the elicitation settled");
  await page.screenshot({ path: path.join(ARTIFACTS, "chat-scripted.png") });

  from = await say("help");
  answer = (await turnOver(from, "help")).filter((e) => e.kind === "assistant");
  assert.equal(answer.length, 1);
  assert.match(answer[0].text, /I am a scripted assistant, not an LLM/);
  assert.match(answer[0].text, /call <tool> \{"key": "value"\}/);

  from = await say("echo hello from the chat <b>not bold</b>");
  turn = await turnOver(from, "echo");
  call = turn.find((e) => e.kind === "call");
  assert.equal(call?.tool, "echo", JSON.stringify(turn));
  assert.equal(call.state, "done", call.text);
  assert.match(call.text, /The assistant called/);
  answer = turn.filter((e) => e.kind === "assistant");
  assert.equal(answer.length, 1, JSON.stringify(turn));
  assert.ok(answer[0].text.includes("echo answered:\nEcho: hello from the chat <b>not bold</b>"), answer[0].text);
  assert.equal(await run(() => document.querySelector("#chat-log b")), null, "a tool result became markup");

  from = await say('call get-sum {"a": 2, "b": 40}');
  turn = await turnOver(from, "get-sum");
  assert.equal(turn.find((e) => e.kind === "call")?.tool, "get-sum", JSON.stringify(turn));
  assert.match(turn.find((e) => e.kind === "assistant")?.text ?? "", /get-sum answered:\n.*\b42\b/);

  from = await say("tools");
  answer = (await turnOver(from, "tools")).filter((e) => e.kind === "assistant");
  assert.match(answer[0]?.text ?? "", /The server has \d+ tools:[\s\S]*trigger-url-elicitation/);
  assert.deepEqual(page.pageErrors, [], "page errors");
});

test("chat with an LLM endpoint (a fake of ours): tools sent, the tool call's URL elicitation consented inline, the result goes round to the final answer", T, async (t) => {
  const llm = await startFakeChatCompletions();
  t.after(() => llm.stop());
  const KEY = "sk-demo-test-not-a-real-key";
  await showView("chat");
  await page.click("#assistant-settings summary");
  await page.fill("#llm-url", llm.baseUrl);
  await page.fill("#llm-model", "fake-model");
  await page.fill("#llm-key", KEY);
  await page.click("#llm-use");
  assert.equal(await run(() => document.getElementById("assistant-status").textContent), `LLM: fake-model at ${new URL(llm.baseUrl).host}`);
  assert.equal(await run(() => document.getElementById("llm-key").value), "", "the key stays in the field");
  await page.click("#assistant-settings summary"); // folds the settings away again

  const from = await say("Please get me authorized for the demo service.");
  const card = await inlineConsent(from);
  assert.equal(llm.requests.length, 1);
  const [first] = llm.requests;
  assert.equal(first.headers.authorization, `Bearer ${KEY}`);
  assert.equal(first.body.model, "fake-model");
  assert.equal(first.body.messages[0].role, "system");
  assert.deepEqual(first.body.messages.at(-1), { role: "user", content: "Please get me authorized for the demo service." });
  // The tools: every tool of the server (the console lists the same ones), as functions whose
  // parameters are the MCP inputSchema.
  const consoleTools = await run(() => [...document.querySelectorAll("#tools button.tool")].map((b) => b.dataset.tool).sort());
  assert.deepEqual(first.body.tools.map((x) => x.function.name).sort(), consoleTools);
  assert.ok(first.body.tools.every((x) => x.type === "function" && x.function.parameters?.type === "object"), JSON.stringify(first.body.tools[0]));
  const urlTool = first.body.tools.find((x) => x.function.name === "trigger-url-elicitation").function;
  assert.match(urlTool.description, /URL elicitation/);
  assert.deepEqual(Object.keys(urlTool.parameters.properties).sort(), ["elicitationId", "errorPath", "message", "url"]);
  assert.ok(urlTool.parameters.required.includes("url"));

  await page.screenshot({ path: path.join(ARTIFACTS, "chat-consent.png") }); // (playwright makes the folder)
  await consentAndAuthorize();
  const turn = await turnOver(from, "the LLM turn");
  const call = turn.find((e) => e.kind === "call");
  assert.equal(call?.tool, "trigger-url-elicitation", JSON.stringify(turn));
  assert.equal(call.state, "done", call.text);
  // What the fake sent back the second time, after the tool message.
  assert.equal(llm.requests.length, 2, "the page did not ask again after the tool result");
  const messages = llm.requests[1].body.messages;
  const asked = messages.findLast((m) => m.role === "assistant");
  const toolMsg = messages.at(-1);
  assert.equal(asked.tool_calls?.[0]?.function?.name, "trigger-url-elicitation");
  assert.equal(toolMsg.role, "tool");
  assert.equal(toolMsg.tool_call_id, asked.tool_calls[0].id);
  assert.ok(toolMsg.content.includes("User completed the URL elicitation flow") && toolMsg.content.includes(`Elicitation ID: ${card.id}`), toolMsg.content);
  const answer = turn.filter((e) => e.kind === "assistant");
  assert.equal(answer.length, 1, JSON.stringify(turn));
  assert.equal(answer[0].assistant, "llm");
  assert.match(answer[0].text, /fake-model/);
  assert.ok(answer[0].text.includes(`Done. The tool told me:\n«${toolMsg.content}»`), answer[0].text);

  const leaked = await run((key) => [JSON.stringify({ ...sessionStorage }), JSON.stringify({ ...localStorage }), location.href, document.documentElement.outerHTML].some((s) => s.includes(key)), KEY);
  assert.equal(leaked, false, "the API key is in storage, the URL or the DOM");
  assert.deepEqual(page.pageErrors, [], "page errors");
  await run(() => [...document.querySelectorAll("#chat-log > li")].at(-1).scrollIntoView({ block: "end" }));
  await sleep(100);
  await page.screenshot({ path: path.join(ARTIFACTS, "chat.png") });

  // Errors are turns of their own, and the chat goes on: an HTTP error, a body that is not JSON,
  // a declined elicitation (its result goes round too), the round limit.
  let from2 = await say("fail, please");
  let errors = (await turnOver(from2, "the failing turn")).filter((e) => e.kind === "system error");
  assert.equal(errors.length, 1);
  assert.match(errors[0].text, /endpoint failed[\s\S]*HTTP 500: the fake endpoint was told to fail/);
  from2 = await say("garbage, please");
  errors = (await turnOver(from2, "the garbage turn")).filter((e) => e.kind === "system error");
  assert.match(errors[0]?.text ?? "", /HTTP 200 with something that is not JSON/);

  from2 = await say("Authorize again, please.");
  await inlineConsent(from2);
  const before = popups.length;
  await page.click("#chat-log .card.elicitation button.consent-decline:not([disabled])");
  let turn2 = await turnOver(from2, "the declined turn");
  assert.equal(popups.length, before, "Decline opened a window");
  assert.match(turn2.find((e) => e.kind === "call")?.text ?? "", /User declined to open the URL/);
  assert.match(turn2.find((e) => e.kind === "assistant")?.text ?? "", /The tool told me:\n«.*User declined to open the URL/s);

  const n = llm.requests.length;
  from2 = await say("loop, please");
  turn2 = await turnOver(from2, "the looping turn");
  assert.equal(llm.requests.length - n, 8, "not exactly 8 rounds");
  assert.equal(turn2.filter((e) => e.kind === "call" && e.state === "done").length, 8);
  assert.match(turn2.at(-1).text, /Stopped: the assistant was still calling tools after 8 rounds/);

  await page.click("#assistant-settings summary");
  await page.click("#llm-clear");
  assert.equal(await run(() => document.getElementById("assistant-status").textContent), "Scripted assistant (not an LLM)");
  from2 = await say("echo back to the script");
  turn2 = await turnOver(from2, "the scripted turn after the LLM");
  assert.equal(llm.requests.length - n, 8, "the scripted assistant called the endpoint");
  assert.match(turn2.find((e) => e.kind === "assistant")?.text ?? "", /Echo: back to the script/);
  assert.deepEqual(page.pageErrors, [], "page errors");
});

test("a server whose every string is markup: the demo shows it as text and creates no elements", T, async (t) => {
  const evil = `<img src=x onerror="window.__xss=1"><b class="injected">b</b><script>window.__xss=2</script>`;
  const hostile = await startFaultServer({ markup: evil });
  t.after(() => hostile.stop());
  // Elements the markup would create, counted before and after (the page has none of its own).
  await showView("console");
  const injected = () => run(() => ({ n: document.querySelectorAll("img, script:not([src]):not([type]), b.injected").length, xss: window.__xss ?? null }));
  const before = await injected();
  await page.fill("#server-url", hostile.url);
  await page.click("#connect");
  const info = await waitFor(() => {
    const name = document.getElementById("info-name").textContent;
    return name.includes("fault-server") && { name, version: document.getElementById("info-version").textContent };
  }, undefined, { what: "the hostile server's info" });
  assert.ok(info.name.includes(evil) && info.version.includes(evil), `the markup is not shown as text: ${JSON.stringify(info)}`);
  await waitFor(() => !!document.querySelector('#tools button[data-tool="markup"]'), undefined, { what: "the markup tool" });
  assert.ok((await run(() => document.getElementById("tools").textContent)).includes(evil), "the tool's title is not shown as text");

  await page.click('#tools button[data-tool="markup"]');
  await waitFor(() => document.getElementById("tool-name").textContent === "markup", undefined, { what: "the markup form" });
  const form = await run(() => ({ title: document.getElementById("tool-title").textContent, description: document.getElementById("tool-description").textContent, fields: document.getElementById("tool-fields").textContent }));
  for (const [k, v] of Object.entries(form)) assert.ok(v.includes(evil), `${k} does not show the markup as text: ${v}`);
  await page.fill('#tool-fields [name="note"]', evil);
  let i = await callCount();
  await page.click("#run");
  const ok = await waitCall(i);
  assert.equal(ok.state, "done", ok.text);
  assert.ok(ok.text.includes(`markup says: ${evil}`), ok.text);
  await page.check('#tool-fields [name="fail"]');
  i = await callCount();
  await page.click("#run");
  const failed = await waitCall(i);
  assert.equal(failed.state, "error", failed.text);
  assert.ok(failed.text.includes(`markup failed: ${evil}`), failed.text);

  const timeline = await run(() => document.getElementById("timeline").textContent);
  assert.ok(timeline.includes(evil), "the instructions are not shown as text");
  assert.deepEqual(await injected(), before, "server markup became elements (or ran)");
});

test("the protected server: Connect asks to sign in, one click, the popup closes, the tools show", T, async () => {
  const popupsBefore = popups.length; // earlier tests' popups
  await showView("console");
  await page.click("#pick-protected");
  assert.equal(await run(() => document.getElementById("server-url").value), urls.protected);
  await page.click("#connect");
  const card = await waitFor(() => {
    const c = [...document.querySelectorAll("#timeline .card.elicitation")].at(-1);
    return c && /asks you to sign in at/.test(c.textContent) && c.querySelector("button.sign-in") && c.textContent;
  }, undefined, { what: "the sign-in card" });
  assert.ok(card.includes(urls.protected), card);
  assert.equal(popups.length, popupsBefore, "a popup opened before the click");
  const popupPromise = page.waitForEvent("popup", { timeout: 10000 });
  await page.click("#timeline button.sign-in:not([disabled])");
  const popup = await popupPromise;
  // The SDK's demo authorization server approves at once and redirects to oauth-callback.html,
  // which hands the code back; the library exchanges it and closes the popup.
  if (!popup.isClosed()) await popup.waitForEvent("close", { timeout: 15000 }); // it may be gone already
  const info = await waitFor(() => !document.getElementById("server-info").hidden && document.getElementById("info-name").textContent,
    undefined, { what: "the protected server's info" });
  assert.match(info, /simple-streamable-http-server/);
  await waitFor(() => !!document.querySelector('#tools button[data-tool="greet"]'), undefined, { what: "the greet tool" });
  const steps = await run(() => [...[...document.querySelectorAll("#timeline .card.elicitation")].at(-1).querySelectorAll(".steps li")].map((x) => x.textContent));
  assert.ok(steps.some((t) => /popup opened on/.test(t)) && steps.some((t) => /signed in/.test(t)), JSON.stringify(steps));

  const i = await runTool("greet", { name: "OAuth" });
  const call = await waitCall(i);
  assert.equal(call.state, "done", call.text);
  assert.match(call.text, /Hello, OAuth!/);
  assert.deepEqual(page.pageErrors, [], "page errors");
  await page.click("#disconnect");
});

test("SIGTERM to serve.mjs stops the MCP servers it started", T, async () => {
  const ports = [urls.mcp, urls.protected].map((u) => Number(new URL(u).port));
  process.kill(serve.pid, "SIGTERM"); // serve.mjs only, not its process group
  await waitForExit(serve, 8000);
  for (const port of ports) {
    const refused = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(false);
      });
      s.once("error", () => resolve(true));
    });
    assert.ok(refused, `a server still listens on ${port} after serve.mjs stopped`);
  }
});

async function waitForExit(proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!proc.exited()) {
    if (Date.now() > deadline) throw new Error(`serve.mjs did not exit within ${timeoutMs} ms after SIGTERM`);
    await sleep(50);
  }
  // server-everything may take a moment to close its socket after serve.mjs exits.
  await sleep(300);
}
