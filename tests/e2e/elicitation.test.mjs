// URL-mode and form-mode elicitation end to end: the built package in headless Chromium with the
// popup blocker ON, real clicks (page.click: trusted input events), completion pages on other
// origins, and hostile messages. Servers: @modelcontextprotocol/server-everything
// (trigger-url-elicitation, trigger-elicitation-request) and our fault server (url-required:
// a -32042 whatever the client declared).
//
// Honesty rules of this file:
// - Playwright's page.evaluate runs with CDP userGesture: true, i.e. with transient user
//   activation, under which Chromium lets window.open through. So the page is driven through a
//   CDP Runtime.evaluate with userGesture: false (`s.run`), and the first test checks that an
//   open from there IS blocked while one from a real click is not.
// - The app page (pages/elicitation-app.html) loads a probe before the package that counts
//   window/document/BroadcastChannel listeners, timeouts, intervals and BroadcastChannels, and
//   records every window.open with the page's activation state and the event being dispatched.
//   After each elicitation settles the counts must return to what they were before it.
// - Every wait is bounded; every browser context is closed by the test that made it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { E2E_DIR, PKG_JS, REPO_ROOT, launchBrowser, settledValue, sleep, startServerEverything } from "./harness.mjs";
import { completionPageHtml, startOriginServer } from "./fixtures/origin-server.mjs";
import { startFaultServer } from "./fixtures/fault-server.mjs";

const APP_PAGE = "/tests/e2e/pages/elicitation-app.html";
const ARTIFACTS = path.join(E2E_DIR, "artifacts");
const COMPLETE_JS = path.join(REPO_ROOT, "pkg", "elicitation-complete.js");
const T = { timeout: 90_000 };
const CODE = {
  urlRequired: -32042,
  invalidUrl: -33010,
  popupBlocked: -33011,
  timeout: -33012,
  invalidContent: -33013,
  loop: -33014,
  declined: -33016,
};
// Hosts answered by the test's routes (https, so they are normal elicitation URLs).
const isRoutedHost = (h) => h === "modelcontextprotocol.io" || h === "auth.example.com" || h.endsWith(".auth.example.com");
const QUIET_MS = 600; // how long "nothing happens" is watched for

let everything;
let fault;
let appSite; // the app's origin
let compSite; // the MCP server's completion site: another origin
let thirdSite; // an unrelated origin
let browser;

before(async () => {
  if (!fs.existsSync(PKG_JS)) throw new Error("pkg/mcp_web_client.js does not exist: build the package first (make pkg)");
  everything = await startServerEverything("streamableHttp");
  fault = await startFaultServer();
  appSite = await startOriginServer();
  compSite = await startOriginServer();
  thirdSite = await startOriginServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const s of [thirdSite, compSite, appSite]) await s?.stop();
  await fault?.stop();
  await everything?.stop();
});

// ---- page driving without a user gesture ------------------------------------------------------

async function cdpRun(cdp, fn, arg) {
  const expression = `(${fn})(${arg === undefined ? "" : JSON.stringify(arg)})`;
  const r = await cdp.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true, userGesture: false });
  if (r.exceptionDetails) {
    throw new Error(`in page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
  }
  return r.result.value;
}

/** A completion page URL on `site` that posts to the app. */
function completionUrl(site, { id, status = "done", close = false, auto = true, coop = false, target, allowAny = false } = {}) {
  const q = new URLSearchParams({ target: target ?? appSite.origin });
  if (allowAny) q.set("allowAny", "1");
  if (id) q.set("id", id);
  if (status) q.set("status", status);
  if (close) q.set("close", "1");
  if (!auto) q.set("auto", "0");
  if (coop) q.set("coop", "1");
  return `${site.origin}/complete?${q}`;
}

let uniq = 0;
const newId = (prefix) => `${prefix}-${process.pid}-${++uniq}`;

/**
 * A fresh browser context with the app page loaded. Routes https://modelcontextprotocol.io and
 * https://(*.)auth.example.com to a completion page (posting `s.routeId` / `s.routeStatus` to the
 * app) and aborts every other non-loopback request (recorded in `s.external`).
 */
async function openApp(t) {
  const context = await browser.newContext();
  t.after(() => context.close().catch(() => {}));
  const s = { context, routed: [], external: [], routeId: null, routeStatus: "done", routeAuto: true, consoleErrors: [], pageErrors: [] };
  await context.route(
    (url) => !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname),
    async (route) => {
      const url = new URL(route.request().url());
      if (!isRoutedHost(url.hostname)) {
        s.external.push(url.href);
        return route.abort();
      }
      s.routed.push(url.href);
      if (url.pathname === "/__complete.js") {
        return route.fulfill({ status: 200, contentType: "text/javascript", body: fs.readFileSync(COMPLETE_JS, "utf8") });
      }
      return route.fulfill({
        status: 200,
        contentType: "text/html; charset=utf-8",
        body: completionPageHtml({ scriptSrc: "/__complete.js", target: appSite.origin, id: s.routeId, status: s.routeStatus, auto: s.routeAuto }),
      });
    },
  );
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && s.consoleErrors.push(m.text()));
  page.on("pageerror", (e) => s.pageErrors.push(String(e?.stack ?? e)));
  const cdp = await context.newCDPSession(page);
  Object.assign(s, { page, cdp });
  s.run = (fn, arg) => cdpRun(cdp, fn, arg);
  s.waitFor = async (fn, arg, { timeoutMs = 15000, what = String(fn) } = {}) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await s.run(fn, arg);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${await s.dump()}`);
      await sleep(50);
    }
  };
  s.dump = async () => {
    let state;
    try {
      state = await s.run(() =>
        JSON.stringify({ reqs: app.reqs, outcomes: app.outcomes, answers: app.answers, calls: app.calls, events: app.events, opens: probe.opens, counts: probe.counts() }),
      );
    } catch (e) {
      state = `(no page state: ${e.message})`;
    }
    return `page state: ${String(state).slice(0, 6000)}\npage errors: ${s.pageErrors.join("\n")}\nconsole errors: ${s.consoleErrors.slice(-10).join("\n")}`;
  };
  await page.goto(appSite.origin + APP_PAGE, { timeout: 20000 });
  const loaded = await s.waitFor(() => window.ready === true || window.loadError || false, undefined, { what: "the package to load" });
  if (loaded !== true) throw new Error(`the app page failed to load the package: ${loaded}`);

  s.connect = async (url, options = {}) => {
    const r = await s.run(({ url, options }) => app.connect(url, options), { url, options });
    assert.ok(r.ok, `connect failed: ${JSON.stringify(r.error)}`);
    return r.value;
  };
  s.start = (name, args, opts) => s.run(({ name, args, opts }) => app.start(name, args, opts), { name, args, opts });
  s.waitReq = (i, opts) => s.waitFor((i) => app.reqs[i] ?? false, i, { what: `onElicitation call #${i}`, ...opts });
  s.waitCall = (i, opts) =>
    s.waitFor((i) => (app.calls[i] && app.calls[i].state !== "pending" ? app.calls[i] : false), i, { what: `call #${i} to settle`, ...opts });
  s.waitOutcome = (i, opts) =>
    s.waitFor((i) => (app.outcomes[i] && app.outcomes[i].state !== "pending" ? app.outcomes[i] : false), i, { what: `open() #${i} to settle`, ...opts });
  // Polls without a user gesture (page.waitForSelector would give the page transient activation).
  s.waitDialog = (inner = "") =>
    s.waitFor((sel) => !!document.querySelector(sel), `dialog.mcp-dialog[open] ${inner}`.trim(), { what: "the dialog" });
  s.state = () => s.run(() => ({ reqs: app.reqs, outcomes: app.outcomes, answers: app.answers, calls: app.calls, events: app.events, opens: probe.opens, fetches: probe.fetches }));
  s.counts = () => s.run(() => probe.counts());
  /** Clicks `selector` (trusted events) and returns the popup it opened. */
  s.clickForPopup = async (selector) => {
    const popupPromise = page.waitForEvent("popup", { timeout: 10000 });
    await page.click(selector, { timeout: 10000 });
    const popup = await popupPromise;
    return popup;
  };
  /** The counts must come back to `baseline` (bounded wait). */
  s.expectBaseline = async (baseline, what) => {
    const deadline = Date.now() + 5000;
    let now;
    for (;;) {
      now = await s.counts();
      if (JSON.stringify(now) === JSON.stringify(baseline)) return;
      if (Date.now() > deadline) break;
      await sleep(100);
    }
    const types = await s.run(() => probe.listenerTypes());
    assert.deepEqual(now, baseline, `${what}: listeners/timers/channels outlived the elicitation (live listener types: ${JSON.stringify(types)})`);
  };
  /** Waits until the app (pre-package tracking included) is idle, then returns the counts. */
  s.baseline = () => settledValue(() => s.counts());
  return s;
}

const text = (result) => (result?.content ?? []).map((c) => c.text ?? "").join("\n");

async function expectStillWorks(s, server = "everything") {
  const r = await s.run(() => app.settle(app.client.callTool("echo", { message: "still here" })));
  assert.ok(r.ok, `echo after the elicitation failed: ${JSON.stringify(r.error)}`);
  assert.match(text(r.value), /still here/);
  void server;
}

/** Nothing settles during QUIET_MS: open() of request i stays pending (and call c, if given). */
async function expectNothingSettles(s, i, c, what) {
  await sleep(QUIET_MS);
  const st = await s.state();
  assert.equal(st.outcomes[i]?.state, "pending", `${what}: open() settled: ${JSON.stringify(st.outcomes[i])}`);
  if (c !== undefined) assert.equal(st.calls[c]?.state, "pending", `${what}: the call settled: ${JSON.stringify(st.calls[c])}`);
}

// ------------------------------------------------------------------------------------------------

test("the popup blocker is on: window.open without a gesture is blocked, from a real click it opens", T, async (t) => {
  const s = await openApp(t);
  const noGesture = await s.run(() => {
    const active = navigator.userActivation.isActive;
    const w = window.open("/tests/e2e/pages/blank.html", "_blank");
    const opened = !!w;
    w?.close();
    return { active, opened };
  });
  assert.deepEqual(noGesture, { active: false, opened: false }, "window.open without a user gesture was NOT blocked: the popup tests would prove nothing");

  // Playwright's own page.evaluate carries a user gesture (CDP userGesture: true): that is why
  // this file drives the page through s.run. Checked on a throwaway page, without opening.
  const other = await s.context.newPage();
  await other.goto(appSite.origin + "/tests/e2e/pages/blank.html");
  const viaEvaluate = await other.evaluate(() => navigator.userActivation.isActive);
  t.diagnostic(`playwright page.evaluate runs with transient user activation: ${viaEvaluate}`);
  await other.close();

  // Positive control: the same open from a trusted click goes through.
  await s.run(() => {
    const b = document.createElement("button");
    b.id = "control";
    b.textContent = "control";
    b.addEventListener("click", () => window.open("/tests/e2e/pages/blank.html", "_blank", "popup"));
    document.body.append(b);
  });
  const popup = await s.clickForPopup("#control");
  assert.ok(popup, "a click did not open a popup");
  await popup.close();
});

describe("server-everything: URL elicitation", () => {
  test("request path: consent click, popup on another origin, verified completion, accept answered", T, async (t) => {
    const s = await openApp(t);
    const info = await s.connect(everything.url);
    assert.equal(info.serverInfo.name, "mcp-servers/everything");
    const baseline = await s.baseline();
    const id = newId("req");
    const url = completionUrl(compSite, { id, close: true });
    const before = compSite.requests.length;
    const c = await s.start("trigger-url-elicitation", { url, elicitationId: id, message: "Sign in to continue" });
    const req = await s.waitReq(0);
    assert.equal(req.mode, "url");
    assert.equal(req.url, url);
    assert.equal(req.message, "Sign in to continue");
    assert.equal(req.elicitationId, id);
    assert.equal(req.server?.name, "mcp-servers/everything");
    assert.equal(req.host, "127.0.0.1");
    assert.equal(req.delivery, "request");
    assert.ok(req.host.endsWith(req.registrableDomain) && req.registrableDomain.length > 0, `registrableDomain ${req.registrableDomain}`);
    assert.ok(req.warnings.includes("http-loopback"), `warnings ${JSON.stringify(req.warnings)}`);
    assert.deepEqual(req.methods, ["open", "decline", "cancel", "done"]);

    // Nothing opened, fetched or prefetched before consent.
    await sleep(300);
    let st = await s.state();
    assert.deepEqual(st.opens, [], "window.open before consent");
    assert.equal(st.calls[c].state, "pending", "the server got an answer before consent");
    assert.equal(compSite.requests.slice(before).filter((r) => r.path === "/complete").length, 0, "the elicitation URL was requested before consent");
    assert.ok(!st.fetches.some((f) => f.startsWith(compSite.origin)), "the library fetched the elicitation URL");

    const popup = await s.clickForPopup("#open-0");
    assert.equal(popup.url(), url);
    st = await s.state();
    assert.equal(st.opens.length, 1);
    assert.equal(st.opens[0].url, url);
    assert.equal(st.opens[0].activation, true, "window.open ran without transient activation");
    assert.equal(st.opens[0].event, "click", "window.open did not run inside the click handler");
    assert.equal(st.opens[0].pkg, true, "window.open was not called by the package");
    assert.equal(st.opens[0].returned, true);
    assert.ok(!/noopener/.test(st.opens[0].features ?? ""), "noopener would cut the completion message");

    const outcome = await s.waitOutcome(0);
    assert.deepEqual(outcome.value, { status: "done", via: "message" }, JSON.stringify(outcome));
    const call = await s.waitCall(c);
    assert.equal(call.state, "resolved", JSON.stringify(call.error));
    assert.match(text(call.value), /User completed the URL elicitation flow/);
    assert.match(text(call.value), new RegExp(id));
    assert.equal(compSite.requests.slice(before).filter((r) => r.path === "/complete").length, 1, "the completion page was loaded more than once");
    // data-close="true": the completion page closes itself.
    await popup.waitForEvent("close", { timeout: 5000 });
    await s.expectBaseline(baseline, "request path");
    assert.deepEqual((await s.state()).events.error, [], "error events");
    await expectStillWorks(s);
  });

  test("request path: decline and cancel answer the server without opening anything", T, async (t) => {
    const s = await openApp(t);
    await s.connect(everything.url);
    const baseline = await s.baseline();
    const c1 = await s.start("trigger-url-elicitation", { url: completionUrl(compSite, { id: "d1" }), elicitationId: "d1" });
    await s.waitReq(0);
    await s.page.click("#decline-0");
    const declined = await s.waitCall(c1);
    assert.equal(declined.state, "resolved", JSON.stringify(declined.error));
    assert.match(text(declined.value), /User declined to open the URL/);
    const c2 = await s.start("trigger-url-elicitation", { url: completionUrl(compSite, { id: "d2" }), elicitationId: "d2" });
    await s.waitReq(1);
    await s.page.click("#cancel-1");
    const cancelled = await s.waitCall(c2);
    assert.equal(cancelled.state, "resolved", JSON.stringify(cancelled.error));
    assert.match(text(cancelled.value), /User cancelled the URL elicitation/);
    assert.deepEqual((await s.state()).opens, [], "window.open was called");
    await s.expectBaseline(baseline, "decline/cancel");
    await expectStillWorks(s);
  });

  test("error path (-32042): the prerequisite popup completes, the library retries, the retry's elicitation completes too", T, async (t) => {
    const s = await openApp(t);
    await s.connect(everything.url);
    const baseline = await s.baseline();
    const id = newId("retry");
    const url = completionUrl(compSite, { id, close: true });
    const c = await s.start("trigger-url-elicitation", { url, elicitationId: id, errorPath: true });
    const pre = await s.waitReq(0);
    assert.equal(pre.url, "https://modelcontextprotocol.io/", `prerequisite URL ${pre.url}`);
    assert.equal(pre.host, "modelcontextprotocol.io");
    assert.equal(pre.registrableDomain, "modelcontextprotocol.io");
    assert.equal(pre.delivery, "url-required-error");
    assert.deepEqual(pre.warnings, []);
    assert.ok(pre.elicitationId, "the prerequisite has an elicitationId");
    assert.deepEqual(s.routed, [], "the prerequisite URL was requested before consent");
    s.routeId = pre.elicitationId;
    const popup1 = await s.clickForPopup("#open-0");
    const first = await s.waitOutcome(0);
    assert.deepEqual(first.value, { status: "done", via: "message" }, JSON.stringify(first));
    await popup1.close();
    // The retry goes through the request path: a second elicitation, clicked too.
    const second = await s.waitReq(1);
    assert.equal(second.url, url);
    assert.equal(second.elicitationId, id);
    assert.equal((await s.state()).calls[c].state, "pending", "the call settled before the retry's elicitation");
    const popup2 = await s.clickForPopup("#open-1");
    const call = await s.waitCall(c);
    assert.equal(call.state, "resolved", JSON.stringify(call.error));
    assert.match(text(call.value), /User completed the URL elicitation flow/);
    const out2 = await s.waitOutcome(1);
    assert.deepEqual(out2.value, { status: "done", via: "message" });
    await popup2.waitForEvent("close", { timeout: 5000 });
    assert.deepEqual(s.external, [], "requests left the machine");
    await s.expectBaseline(baseline, "error path");
    await expectStillWorks(s);
  });

  test("refused URLs (javascript:, data:, file:, non-loopback http:, credentials) never reach the app and the server gets a refusal", T, async (t) => {
    const s = await openApp(t);
    await s.connect(everything.url);
    const baseline = await s.baseline();
    const results = [];
    for (const url of ["javascript:alert(1)", "data:text/html,x", "http://example.com/x", "file:///etc/passwd", "https://user:pw@auth.example.com/"]) {
      const c = await s.start("trigger-url-elicitation", { url, elicitationId: newId("bad") });
      const call = await s.waitCall(c);
      results.push({ url, call });
      t.diagnostic(`${url}: ${call.state} ${call.state === "resolved" ? JSON.stringify(text(call.value)).slice(0, 200) : JSON.stringify(call.error)}`);
      // server-everything turns the client's error answer into an isError result, or rejects.
      if (call.state === "resolved") {
        assert.equal(call.value.isError, true, `${url}: the server saw a success: ${text(call.value)}`);
        assert.doesNotMatch(text(call.value), /User completed|User declined|User cancelled/, `${url}: the client answered as if the user acted`);
      }
    }
    const st = await s.state();
    t.diagnostic(`error events: ${JSON.stringify(st.events.error)}`);
    assert.deepEqual(st.reqs, [], "onElicitation was called for a refused URL");
    assert.deepEqual(st.opens, [], "window.open was called for a refused URL");
    assert.deepEqual(s.external, [], "a refused URL was requested");
    assert.ok(!st.fetches.some((f) => !f.startsWith("http://127.0.0.1")), `fetches: ${JSON.stringify(st.fetches)}`);
    await s.expectBaseline(baseline, "refused URLs");
    await expectStillWorks(s);
  });

  test("form mode: defaults pre-filled, validate() reports violations, invalid content never reaches the server", T, async (t) => {
    const s = await openApp(t);
    await s.connect(everything.url);
    const baseline = await s.baseline();
    await s.run(() => {
      app.validations = [];
      app.formPlan = [];
      app.formAnswer = (req, i) => {
        const v = (c) => JSON.parse(JSON.stringify(req.validate(c)));
        app.validations[i] = {
          empty: v({}),
          good: v({ ...req.defaults, name: "Ada" }),
          badInteger: v({ ...req.defaults, name: "Ada", integer: 500 }),
          fractionalInteger: v({ ...req.defaults, name: "Ada", integer: 4.5 }),
          badEmail: v({ ...req.defaults, name: "Ada", email: "not-an-email" }),
          badEnum: v({ ...req.defaults, name: "Ada", untitledSingleSelectEnum: "Gunther" }),
          tooMany: v({ ...req.defaults, name: "Ada", untitledMultipleSelectEnum: ["Guitar", "Piano", "Violin", "Drums"] }),
          wrongType: v({ ...req.defaults, name: 42 }),
          unknownField: v({ ...req.defaults, name: "Ada", color: "red" }),
        };
        return app.formPlan[i] === "invalid"
          ? { action: "accept", content: { ...req.defaults, integer: 500 } } // name missing, integer out of range
          : { action: "accept", content: { ...req.defaults, name: "Ada Lovelace", integer: 7 } };
      };
      app.formPlan[0] = "invalid";
      app.formPlan[1] = "valid";
    });
    const c0 = await s.start("trigger-elicitation-request", {});
    const req = await s.waitReq(0);
    assert.equal(req.mode, "form");
    assert.equal(req.hasValidate, true);
    assert.deepEqual(req.defaults, {
      firstLine: "It was a dark and stormy night.",
      integer: 42,
      number: 3.14,
      untitledSingleSelectEnum: "Monica",
      untitledMultipleSelectEnum: ["Guitar"],
      titledSingleSelectEnum: "hero-1",
      titledMultipleSelectEnum: ["fish-1"],
      legacyTitledEnum: "pet-1",
    });
    const invalid = await s.waitCall(c0);
    const st0 = await s.state();
    const v = await s.run(() => app.validations[0]);
    t.diagnostic(`validate(): ${JSON.stringify(v)}`);
    assert.ok(v.empty.some((x) => x.field === "name"), `validate({}) lacks the required name: ${JSON.stringify(v.empty)}`);
    assert.deepEqual(v.good, [], "validate() of valid content");
    assert.ok(v.badInteger.some((x) => x.field === "integer"), "integer above maximum not reported");
    assert.ok(v.fractionalInteger.some((x) => x.field === "integer"), "non-integer integer not reported");
    assert.ok(v.badEmail.some((x) => x.field === "email"), "bad email not reported");
    assert.ok(v.badEnum.some((x) => x.field === "untitledSingleSelectEnum"), "value outside the enum not reported");
    assert.ok(v.tooMany.some((x) => x.field === "untitledMultipleSelectEnum"), "maxItems not reported");
    assert.ok(v.wrongType.some((x) => x.field === "name"), "wrong type not reported");
    // The invalid answer: the library answers cancel and reports -33013 as an error event.
    assert.equal(invalid.state, "resolved", JSON.stringify(invalid.error));
    assert.doesNotMatch(text(invalid.value), /Favorite Integer: 500|User provided/, "invalid content reached the server");
    assert.match(text(invalid.value), /User cancelled the elicitation dialog/, `what the server got: ${text(invalid.value)}`);
    assert.ok(st0.events.error.some((e) => e.code === CODE.invalidContent), `no error event -33013: ${JSON.stringify(st0.events.error)}`);
    const c1 = await s.start("trigger-elicitation-request", {});
    const valid = await s.waitCall(c1);
    assert.equal(valid.state, "resolved", JSON.stringify(valid.error));
    assert.match(text(valid.value), /Name: Ada Lovelace/);
    assert.match(text(valid.value), /Favorite Integer: 7/);
    await s.expectBaseline(baseline, "form mode");
    await expectStillWorks(s);
  });
});

describe("the ready-made dialog (elicitationUi: \"dialog\")", () => {
  test("URL mode: shows server, message, full URL with the registrable domain emphasised; Open → popup → accept; removed after", T, async (t) => {
    const s = await openApp(t);
    await s.connect(everything.url, { handler: false, elicitationUi: "dialog" });
    const baseline = await s.baseline();
    const id = newId("dlg");
    const url = "https://login.auth.example.com/consent?flow=e2e#step1";
    s.routeId = id;
    const c = await s.start("trigger-url-elicitation", { url, elicitationId: id, message: "Authorize access to your calendar" });
    await s.waitDialog();
    const shown = await s.run(() => {
      const d = document.querySelector("dialog.mcp-dialog");
      const urlEl = d.querySelector(".mcp-dialog-url");
      return {
        text: d.textContent,
        url: urlEl?.textContent,
        strong: [...(urlEl?.querySelectorAll("strong") ?? [])].map((e) => e.textContent),
        buttons: [...d.querySelectorAll("button")].map((b) => ({ text: b.textContent, type: b.type })),
        modal: d.matches(":modal"),
        focusInside: d.contains(document.activeElement),
        focused: document.activeElement?.tagName,
        labelledBy: document.getElementById(d.getAttribute("aria-labelledby"))?.textContent,
        styles: document.querySelectorAll("style#mcp-dialog-style").length,
      };
    });
    assert.equal(shown.url, url, "the full URL is not shown verbatim");
    assert.deepEqual(shown.strong, ["example.com"], `emphasis: ${JSON.stringify(shown.strong)}`);
    assert.match(shown.text, /Everything Reference Server|mcp-servers\/everything/, "which server asks");
    assert.match(shown.text, /Authorize access to your calendar/);
    assert.match(shown.text, /login\.auth\.example\.com/);
    assert.deepEqual(shown.buttons.map((b) => b.text), ["Open", "Decline", "Cancel"]);
    assert.ok(shown.buttons.every((b) => b.type === "button"));
    assert.equal(shown.modal, true);
    assert.equal(shown.focusInside, true, "focus is not in the dialog");
    assert.equal(shown.styles, 1);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await s.page.screenshot({ path: path.join(ARTIFACTS, "elicitation-dialog-url.png") });
    assert.deepEqual(s.routed, [], "the URL was requested before consent");

    const popupPromise = s.page.waitForEvent("popup", { timeout: 10000 });
    await s.page.getByRole("button", { name: "Open", exact: true }).click({ timeout: 10000 });
    const popup = await popupPromise;
    assert.equal(popup.url(), url);
    const call = await s.waitCall(c);
    assert.equal(call.state, "resolved", JSON.stringify(call.error));
    assert.match(text(call.value), /User completed the URL elicitation flow/);
    await s.waitFor(() => !document.querySelector("dialog.mcp-dialog"), undefined, { what: "the dialog to be removed after completion" });
    const st = await s.state();
    assert.equal(st.opens.length, 1);
    assert.equal(st.opens[0].activation, true);
    assert.equal(st.opens[0].event, "click", "the dialog's Open did not call window.open inside the click");
    await popup.close();
    await s.expectBaseline(baseline, "dialog URL mode");
    await expectStillWorks(s);
  });

  test("URL mode: punycode host shows warnings; Escape cancels; Decline declines; the dialog is removed each time", T, async (t) => {
    const s = await openApp(t);
    await s.connect(everything.url, { handler: false, elicitationUi: "dialog" });
    const baseline = await s.baseline();
    const c1 = await s.start("trigger-url-elicitation", { url: "https://xn--pple-43d.com/login", elicitationId: newId("puny") });
    await s.waitDialog();
    const shown = await s.run(() => ({
      text: document.querySelector("dialog.mcp-dialog").textContent,
      warnings: [...document.querySelectorAll(".mcp-dialog-warnings li")].map((li) => li.textContent),
    }));
    t.diagnostic(`punycode dialog: ${JSON.stringify(shown)}`);
    assert.match(shown.text, /аpple\.com/, "the Unicode host is not shown");
    assert.match(shown.text, /xn--pple-43d\.com/, "the encoded host is not shown");
    assert.ok(shown.warnings.length >= 1, "no warning shown");
    await s.page.screenshot({ path: path.join(ARTIFACTS, "elicitation-dialog-punycode.png") });
    await s.page.keyboard.press("Escape");
    const cancelled = await s.waitCall(c1);
    assert.match(text(cancelled.value), /User cancelled the URL elicitation/, JSON.stringify(cancelled));
    await s.waitFor(() => !document.querySelector("dialog.mcp-dialog"), undefined, { what: "dialog removed after Escape" });

    const c2 = await s.start("trigger-url-elicitation", { url: completionUrl(compSite, { id: "dlg-decl" }), elicitationId: "dlg-decl" });
    await s.waitDialog();
    await s.page.getByRole("button", { name: "Decline", exact: true }).click({ timeout: 10000 });
    const declined = await s.waitCall(c2);
    assert.match(text(declined.value), /User declined to open the URL/, JSON.stringify(declined));
    await s.waitFor(() => !document.querySelector("dialog.mcp-dialog"), undefined, { what: "dialog removed after Decline" });
    assert.deepEqual((await s.state()).opens, []);
    assert.deepEqual(s.external, [], "a declined URL was requested");
    await s.expectBaseline(baseline, "dialog escape/decline");
    await expectStillWorks(s);
  });

  test("form mode: pre-filled form, required marked, violations shown next to fields, then submitted", T, async (t) => {
    const s = await openApp(t);
    await s.connect(everything.url, { handler: false, elicitationUi: "dialog" });
    const baseline = await s.baseline();
    const c = await s.start("trigger-elicitation-request", {});
    await s.waitDialog("form");
    const form = await s.run(() => {
      const d = document.querySelector("dialog.mcp-dialog");
      const byLabel = (text) => {
        const l = [...d.querySelectorAll("label")].find((l) => l.textContent.replace(/\s*\*$/, "").trim() === text);
        return l ? document.getElementById(l.htmlFor) : null;
      };
      const name = byLabel("String");
      return {
        nameId: name?.id,
        focused: document.activeElement === name,
        nameRequired: name?.required,
        firstLine: byLabel("String with default")?.value,
        emailType: byLabel("String with email format")?.type,
        uriType: byLabel("String with uri format")?.type,
        dateType: byLabel("String with date format")?.type,
        integer: (() => { const i = byLabel("Integer"); return i && { type: i.type, value: i.value, min: i.min, max: i.max, step: i.step }; })(),
        selects: [...d.querySelectorAll("select")].map((s) => s.selectedOptions[0]?.textContent),
        checked: [...d.querySelectorAll("fieldset input[type=checkbox]:checked")].map((c) => c.parentElement.textContent),
        legends: [...d.querySelectorAll("legend")].map((l) => l.textContent),
      };
    });
    t.diagnostic(`form: ${JSON.stringify(form)}`);
    assert.equal(form.focused, true, "focus is not on the first control");
    assert.equal(form.nameRequired, true);
    assert.equal(form.firstLine, "It was a dark and stormy night.");
    assert.equal(form.emailType, "email");
    assert.equal(form.uriType, "url");
    assert.equal(form.dateType, "date");
    assert.deepEqual(form.integer, { type: "number", value: "42", min: "1", max: "100", step: "1" });
    assert.deepEqual(form.selects, ["Monica", "Superman", "Cats"]);
    assert.deepEqual(form.checked, ["Guitar", "Tuna"]);
    await s.page.screenshot({ path: path.join(ARTIFACTS, "elicitation-dialog-form.png") });

    // Submit with the required name empty and an out-of-range integer: violations, no answer.
    await s.page.fill("dialog.mcp-dialog input[type=number][step='1']", "500");
    await s.page.getByRole("button", { name: "Submit", exact: true }).click({ timeout: 10000 });
    const errors = await s.run(() =>
      [...document.querySelectorAll("dialog.mcp-dialog [aria-invalid=true]")].map((c) => ({
        id: c.id,
        described: (c.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join("|"),
      })),
    );
    t.diagnostic(`violations shown: ${JSON.stringify(errors)}`);
    assert.ok(errors.length >= 2, `expected the name and integer fields invalid: ${JSON.stringify(errors)}`);
    assert.ok(errors.every((e) => e.described.replace(/\|/g, "").length > 0), "an invalid field has no described error text");
    await s.page.screenshot({ path: path.join(ARTIFACTS, "elicitation-dialog-form-invalid.png") });
    await sleep(300);
    assert.equal((await s.state()).calls[c].state, "pending", "the form was submitted despite violations");

    await s.page.fill("dialog.mcp-dialog input[type=number][step='1']", "7");
    await s.page.fill(`#${form.nameId}`, "Grace Hopper");
    await s.page.getByRole("button", { name: "Submit", exact: true }).click({ timeout: 10000 });
    const call = await s.waitCall(c);
    assert.equal(call.state, "resolved", JSON.stringify(call.error));
    assert.match(text(call.value), /Name: Grace Hopper/);
    assert.match(text(call.value), /Favorite Integer: 7/);
    await s.waitFor(() => !document.querySelector("dialog.mcp-dialog"), undefined, { what: "dialog removed after submit" });
    await s.expectBaseline(baseline, "dialog form mode");
    await expectStillWorks(s);
  });
});

describe("the ready-made dialog with a -32042 server (fault server)", () => {
  const dialogButtons = (s) => s.run(() => [...document.querySelectorAll("dialog.mcp-dialog button")].map((b) => b.textContent));
  const dialogStatus = (s) => s.run(() => document.querySelector("dialog.mcp-dialog .mcp-dialog-status")?.textContent ?? null);

  test("popup blocked: the dialog says so and offers Open again; a real click then opens and completes", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url, { handler: false, elicitationUi: "dialog" });
    const baseline = await s.baseline();
    const id = newId("dlg-blocked");
    const c = await s.start("url-required", { url: completionUrl(compSite, { id }), elicitationId: id });
    await s.waitDialog();
    // A synthetic click without user activation: the library's window.open is blocked.
    const active = await s.run(() => {
      const active = navigator.userActivation.isActive;
      [...document.querySelectorAll("dialog.mcp-dialog button")].find((b) => b.textContent === "Open").click();
      return active;
    });
    assert.equal(active, false, "the page had transient activation before the synthetic click");
    await s.waitFor(() => /blocked/i.test(document.querySelector("dialog.mcp-dialog .mcp-dialog-status")?.textContent ?? ""), undefined, { what: "the blocked message" });
    assert.deepEqual(await dialogButtons(s), ["Open", "Decline", "Cancel"]);
    let st = await s.state();
    assert.deepEqual(st.opens.map((o) => [o.activation, o.returned]), [[false, false]]);
    assert.equal(st.calls[c].state, "pending");
    await s.page.screenshot({ path: path.join(ARTIFACTS, "elicitation-dialog-blocked.png") });
    const popupPromise = s.page.waitForEvent("popup", { timeout: 10000 });
    await s.page.getByRole("button", { name: "Open", exact: true }).click({ timeout: 10000 });
    await popupPromise;
    const call = await s.waitCall(c);
    assert.equal(call.state, "resolved", JSON.stringify(call.error));
    assert.match(text(call.value), /prerequisite satisfied/);
    await s.waitFor(() => !document.querySelector("dialog.mcp-dialog"), undefined, { what: "dialog removed" });
    st = await s.state();
    assert.deepEqual(st.opens.map((o) => [o.activation, o.event, o.returned]), [[false, "click", false], [true, "click", true]]);
    await s.expectBaseline(baseline, "dialog blocked then opened");
    await expectStillWorks(s);
  });

  test("waiting state: \"I've completed it\" completes (the call is retried); Cancel while waiting cancels", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url, { handler: false, elicitationUi: "dialog" });
    const baseline = await s.baseline();
    const c1 = await s.start("url-required", { url: completionUrl(compSite, { auto: false }), elicitationId: newId("dlg-done") });
    await s.waitDialog();
    let popupPromise = s.page.waitForEvent("popup", { timeout: 10000 });
    await s.page.getByRole("button", { name: "Open", exact: true }).click({ timeout: 10000 });
    const popup1 = await popupPromise;
    assert.match(await dialogStatus(s), /Waiting for you to finish in the other window/);
    assert.deepEqual(await dialogButtons(s), ["I've completed it", "Cancel"]);
    assert.equal(await s.run(() => document.activeElement?.textContent), "I've completed it", "focus did not move to the new button");
    await s.page.screenshot({ path: path.join(ARTIFACTS, "elicitation-dialog-waiting.png") });
    await s.page.getByRole("button", { name: "I've completed it", exact: true }).click({ timeout: 10000 });
    const done = await s.waitCall(c1);
    assert.equal(done.state, "resolved", JSON.stringify(done.error));
    assert.match(text(done.value), /prerequisite satisfied/);
    await s.waitFor(() => !document.querySelector("dialog.mcp-dialog"), undefined, { what: "dialog removed after done" });
    await popup1.close();

    const c2 = await s.start("url-required", { url: completionUrl(compSite, { auto: false }) + "&n=2", elicitationId: newId("dlg-cancel") });
    await s.waitDialog();
    popupPromise = s.page.waitForEvent("popup", { timeout: 10000 });
    await s.page.getByRole("button", { name: "Open", exact: true }).click({ timeout: 10000 });
    const popup2 = await popupPromise;
    await s.page.getByRole("button", { name: "Cancel", exact: true }).click({ timeout: 10000 });
    const cancelled = await s.waitCall(c2);
    assert.equal(cancelled.state, "rejected");
    assert.equal(cancelled.error.code, CODE.declined, JSON.stringify(cancelled.error));
    await s.waitFor(() => !document.querySelector("dialog.mcp-dialog"), undefined, { what: "dialog removed after cancel" });
    await popup2.close();
    await s.expectBaseline(baseline, "dialog done/cancel");
    await expectStillWorks(s);
  });
  test("server strings are text, never markup: a hostile message in the dialog creates no elements", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url, { handler: false, elicitationUi: "dialog" });
    const message = `<img src=x onerror="window.__xss=1"><b id="injected">bold</b><script>window.__xss=2</script>`;
    const c = await s.start("url-required", { url: completionUrl(compSite, { auto: false }) + "&q=%3Cscript%3E", elicitationId: newId("xss"), message });
    await s.waitDialog();
    const seen = await s.run(() => {
      const d = document.querySelector("dialog.mcp-dialog");
      return {
        hasMessage: d.textContent.includes('<img src=x onerror="window.__xss=1">'),
        elements: [...d.querySelectorAll("img, script, b, iframe, a")].length,
        injected: !!document.getElementById("injected"),
        xss: window.__xss ?? null,
      };
    });
    assert.deepEqual(seen, { hasMessage: true, elements: 0, injected: false, xss: null });
    await s.page.getByRole("button", { name: "Decline", exact: true }).click({ timeout: 10000 });
    const call = await s.waitCall(c);
    assert.equal(call.state, "rejected");
    assert.equal(call.error.code, CODE.declined, JSON.stringify(call.error));
    await s.waitFor(() => !document.querySelector("dialog.mcp-dialog"), undefined, { what: "dialog removed" });
  });

  test("showElicitationDialog directly: hostile schema strings stay text, text overrides apply, an AbortSignal closes it", T, async (t) => {
    const s = await openApp(t);
    const r = await s.run(async () => {
      const evil = `<img src=x onerror="window.__xss=3">`;
      const req = {
        mode: "form",
        server: { name: `srv ${evil}` },
        message: `msg ${evil}`,
        requestedSchema: {
          type: "object",
          properties: {
            [`key ${evil}`]: { type: "string", title: `title ${evil}`, description: `desc ${evil}` },
            pick: { type: "string", enum: ["a", "b"], enumNames: [`A ${evil}`, "B"] },
            hero: { type: "string", oneOf: [{ const: "h1", title: `H ${evil}` }] },
            many: { type: "array", items: { anyOf: [{ const: "m1", title: `M ${evil}` }] } },
          },
          required: ["pick"],
        },
        defaults: {},
        validate: () => [],
      };
      const controller = new AbortController();
      const { showElicitationDialog } = await import("/pkg/elicitation-dialog.js");
      const shown = showElicitationDialog(req, { signal: controller.signal, text: { submit: "Senden", formTitle: "Angaben" } });
      const d = document.querySelector("dialog.mcp-dialog");
      const snapshot = {
        open: d?.open,
        elements: d ? [...d.querySelectorAll("img, script, iframe, a")].length : -1,
        evilText: d ? (d.textContent.match(/<img src=x/g) || []).length : 0,
        buttons: d ? [...d.querySelectorAll("button")].map((b) => b.textContent) : [],
        title: d?.querySelector(".mcp-dialog-title")?.textContent,
        labels: d ? d.querySelectorAll("label").length : 0,
      };
      controller.abort();
      const result = await shown;
      await new Promise((r) => setTimeout(r, 50));
      return { snapshot, result, removed: !document.querySelector("dialog.mcp-dialog"), xss: window.__xss ?? null };
    });
    t.diagnostic(JSON.stringify(r));
    assert.equal(r.snapshot.open, true);
    assert.equal(r.snapshot.elements, 0);
    assert.equal(r.snapshot.evilText, 7, "every hostile string shown once as text (server, message, title, description, enumNames, oneOf title, anyOf title)");
    assert.deepEqual(r.snapshot.buttons, ["Senden", "Decline", "Cancel"]);
    assert.equal(r.snapshot.title, "Angaben");
    assert.deepEqual(r.result, { action: "cancel" });
    assert.equal(r.removed, true);
    assert.equal(r.xss, null);
  });
});

describe("fault server: -32042 handling, hostile completion messages", () => {
  test("without onElicitation: callTool rejects with -32042 and lists the elicitations", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url, { handler: false });
    const url = completionUrl(compSite, { id: "nh" });
    const r = await s.run((url) => app.settle(app.client.callTool("url-required", { url, elicitationId: "nh-1", message: "Authorize please" })), url);
    assert.equal(r.ok, false);
    assert.equal(r.error.code, CODE.urlRequired, JSON.stringify(r.error));
    assert.equal(r.error.elicitations?.length, 1, JSON.stringify(r.error));
    const { elicitationId, url: listedUrl, message } = r.error.elicitations[0];
    assert.deepEqual({ elicitationId, url: listedUrl, message }, { elicitationId: "nh-1", url, message: "Authorize please" });
    assert.deepEqual((await s.state()).opens, []);
    await expectStillWorks(s);
  });

  test("-32042 with a refused URL: onElicitation is never called, callTool rejects with -33010", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url);
    for (const url of ["javascript:alert(1)", "data:text/html,x", "http://example.com/x"]) {
      const r = await s.run((url) => app.settle(app.client.callTool("url-required", { url, elicitationId: "bad" })), url);
      assert.equal(r.ok, false, `${url}: resolved`);
      assert.equal(r.error.code, CODE.invalidUrl, `${url}: ${JSON.stringify(r.error)}`);
    }
    const st = await s.state();
    assert.deepEqual(st.reqs, []);
    assert.deepEqual(st.opens, []);
    assert.deepEqual(s.external, []);
    await expectStillWorks(s);
  });

  test("URLs the browser's parser reads differently from a naive one: decided on what the browser would open", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url);
    await s.run(() => {
      app.handler = (req) => {
        req.decline();
        return { action: "decline" };
      };
    });
    // [url, expected host | null (refused), expected warnings]
    const cases = [
      ["  https://ok.example/x \t", "ok.example", []], // the parser strips surrounding spaces
      ["\u0001https://ok.example/", "ok.example", []], // and leading C0 controls
      [" JaVaScRiPt:alert(1)", null],
      ["java\tscript:alert(1)", null], // tabs and newlines inside the scheme are removed
      ["java\nscript:alert(1)", null],
      ["https:\\\\evil.example\\x", "evil.example", []], // backslashes are slashes: the user sees evil.example
      ["http://localhost./", null], // a trailing dot is not the loopback name this policy allows
      ["http://127.1/", "127.0.0.1", ["ip-address", "http-loopback"]], // the parser expands it
      ["http://[::ffff:127.0.0.1]/", null], // IPv4-mapped: not [::1]
      ["https://user%40x:pw@ok.example/", null], // credentials, however encoded
      ["https://xn--80ak6aa92e.com/", "аррӏе.com", ["punycode"]], // whole-script Cyrillic look-alike
      ["https://xn--pple-43d.com/", "аpple.com", ["punycode", "mixed-script"]], // Cyrillic а + Latin
      ["https://аpple.com/", "аpple.com", ["punycode", "mixed-script"]], // Unicode in: the parser encodes it
    ];
    for (const [url, host, warnings] of cases) {
      const before = (await s.state()).reqs.length;
      const r = await s.run((url) => app.settle(app.client.callTool("url-required", { url, elicitationId: "u" })), url);
      const reqs = (await s.state()).reqs;
      const what = `${JSON.stringify(url)}: ${JSON.stringify(r.error)} ${JSON.stringify(reqs.slice(before))}`;
      assert.equal(r.ok, false, what);
      if (host === null) {
        assert.equal(r.error.code, CODE.invalidUrl, what);
        assert.equal(reqs.length, before, `a refused URL reached the app: ${what}`);
      } else {
        assert.equal(r.error.code, CODE.declined, what);
        assert.equal(reqs.length, before + 1, what);
        assert.equal(reqs[before].host, host, what);
        assert.deepEqual(reqs[before].warnings, warnings, what);
      }
    }
    const st = await s.state();
    assert.deepEqual(st.opens, []);
    assert.deepEqual(s.external, []);
    await s.run(() => {
      app.handler = null;
    });
    await expectStillWorks(s);
  });

  test("hostile messages are ignored: other origin, non-popup window, wrong id, malformed, flood; then the real one completes and the call is retried", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url);
    const baseline = await s.baseline();
    const id = newId("hostile");
    const url = completionUrl(compSite, { auto: false }); // the test makes the page post
    const good = { type: "mcp:elicitation-complete", elicitationId: id, status: "done" };
    const c = await s.start("url-required", { url, elicitationId: id });
    await s.waitReq(0);
    const popup = await s.clickForPopup("#open-0");
    await popup.waitForLoadState("load");
    await popup.waitForFunction(() => typeof window.mcpElicitationComplete === "function", null, { timeout: 5000 });
    // The probe sees the library's watch (else the baseline checks would prove nothing).
    const during = await s.counts();
    assert.ok(
      during.windowListeners > baseline.windowListeners && during.channels > baseline.channels && during.intervals > baseline.intervals,
      `the probe does not see the popup watch: ${JSON.stringify({ baseline, during })}`,
    );

    // 1. A third origin, in an iframe of the app, posting the right message to its parent.
    await s.run((src) => app.frame(src), `${thirdSite.origin}/tests/e2e/pages/blank.html`);
    const third = s.page.frames().find((f) => f.url().startsWith(thirdSite.origin));
    await third.evaluate((m) => parent.postMessage(m, "*"), good);
    await expectNothingSettles(s, 0, c, "message from a third-origin iframe");

    // 2. The completion origin itself, but from a window that is not the popup.
    await s.run((src) => app.frame(src), `${compSite.origin}/tests/e2e/pages/blank.html`);
    const sameOrigin = s.page.frames().find((f) => f.url().startsWith(compSite.origin));
    await sameOrigin.evaluate(({ m, target }) => parent.postMessage(m, target), { m: good, target: appSite.origin });
    await expectNothingSettles(s, 0, c, "message from a same-origin iframe that is not the popup");

    // 3. From the popup, with the wrong elicitationId (and without one).
    await popup.evaluate(({ m, target }) => {
      window.opener.postMessage({ ...m, elicitationId: "someone-else" }, target);
      const { elicitationId, ...noId } = m;
      window.opener.postMessage(noId, target);
    }, { m: good, target: appSite.origin });
    await expectNothingSettles(s, 0, c, "wrong or missing elicitationId");

    // 4. Malformed messages from the popup.
    await popup.evaluate(({ m, target }) => {
      const bad = [
        null, undefined, 42, "mcp:elicitation-complete", JSON.stringify(m), [m], true,
        { elicitationId: m.elicitationId, status: "done" },
        { type: "mcp:elicitation-completed", elicitationId: m.elicitationId, status: "done" },
        { type: "MCP:ELICITATION-COMPLETE", elicitationId: m.elicitationId, status: "done" },
        { type: m.type, elicitationId: m.elicitationId },
        { type: m.type, elicitationId: m.elicitationId, status: "DONE" },
        { type: m.type, elicitationId: m.elicitationId, status: "complete" },
        { type: m.type, elicitationId: m.elicitationId, status: 1 },
        { type: m.type, elicitationId: [m.elicitationId], status: "done" },
        { type: m.type, elicitationId: 123, status: "done" },
        { type: m.type, elicitationId: null, status: "done" },
        { type: [m.type], elicitationId: m.elicitationId, status: "done" },
        new Blob(["x"]),
        new ArrayBuffer(8),
      ];
      for (const b of bad) window.opener.postMessage(b, target);
    }, { m: good, target: appSite.origin });
    await expectNothingSettles(s, 0, c, "malformed messages");

    // 5. A flood of 1000 wrong messages; the page stays responsive.
    const t0 = Date.now();
    await popup.evaluate(({ m, target }) => {
      for (let i = 0; i < 1000; i++) {
        const v = i % 4;
        const msg = v === 0 ? { ...m, elicitationId: `x${i}` } : v === 1 ? { ...m, status: `s${i}` } : v === 2 ? { junk: i } : `junk ${i}`;
        window.opener.postMessage(msg, target);
      }
    }, { m: good, target: appSite.origin });
    await expectNothingSettles(s, 0, c, "flood of 1000 messages");
    const ping = Date.now();
    await s.run(() => 1);
    assert.ok(Date.now() - ping < 2000, "the page is unresponsive after the flood");
    t.diagnostic(`flood handled in ${Date.now() - t0} ms`);
    assert.deepEqual((await s.state()).events.error, [], "hostile messages produced error events");

    // The real completion: from the popup, right origin, right id.
    await popup.evaluate(({ id, target }) => window.mcpElicitationComplete({ targetOrigin: target, elicitationId: id, status: "done" }), { id, target: appSite.origin });
    const outcome = await s.waitOutcome(0);
    assert.deepEqual(outcome.value, { status: "done", via: "message" });
    const call = await s.waitCall(c);
    assert.equal(call.state, "resolved", JSON.stringify(call.error));
    assert.match(text(call.value), /prerequisite satisfied/);
    assert.equal(fault.stats.urlRequired.satisfied >= 1, true);

    // Replays after completion: no effect, no error, no request.
    const callsBefore = fault.stats.toolCalls["url-required"];
    await popup.evaluate(({ m, target }) => { for (let i = 0; i < 20; i++) window.opener.postMessage(m, target); }, { m: good, target: appSite.origin });
    await sleep(QUIET_MS);
    let st = await s.state();
    assert.equal(fault.stats.toolCalls["url-required"], callsBefore, "a replay caused another tool call");
    assert.deepEqual(st.events.error, [], "a replay produced an error event");
    assert.equal(st.outcomes.length, 1);
    await s.expectBaseline(baseline, "hostile messages");

    // A new elicitation is not completed by the old popup, whatever id it sends.
    const id2 = newId("hostile2");
    const c2 = await s.start("url-required", { url: completionUrl(compSite, { auto: false }) + "&second=1", elicitationId: id2 });
    await s.waitReq(1);
    const popup2 = await s.clickForPopup("#open-1");
    await popup2.waitForFunction(() => typeof window.mcpElicitationComplete === "function", null, { timeout: 5000 });
    await popup.evaluate(({ ids, target }) => {
      for (const elicitationId of ids) window.opener?.postMessage({ type: "mcp:elicitation-complete", elicitationId, status: "done" }, target);
    }, { ids: [id, id2], target: appSite.origin });
    await expectNothingSettles(s, 1, c2, "the old popup posting for the new elicitation");
    await popup2.evaluate(({ id, target }) => window.mcpElicitationComplete({ targetOrigin: target, elicitationId: id, status: "done" }), { id: id2, target: appSite.origin });
    assert.deepEqual((await s.waitOutcome(1)).value, { status: "done", via: "message" });
    assert.equal((await s.waitCall(c2)).state, "resolved");
    await popup.close();
    await popup2.close();
    await s.expectBaseline(baseline, "second elicitation");
    await expectStillWorks(s);
  });

  test("the popup navigates away mid-flow: the page it lands on (another origin) cannot complete; back on the URL's origin it can", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url);
    const baseline = await s.baseline();
    const id = newId("nav");
    const c = await s.start("url-required", { url: completionUrl(compSite, { auto: false }), elicitationId: id });
    await s.waitReq(0);
    const popup = await s.clickForPopup("#open-0");
    await popup.waitForFunction(() => typeof window.mcpElicitationComplete === "function", null, { timeout: 5000 });
    // Same window, new origin: the page it navigated to posts the right message to the opener.
    await popup.goto(`${thirdSite.origin}/complete?auto=0`);
    await popup.waitForFunction(() => typeof window.mcpElicitationComplete === "function", null, { timeout: 5000 });
    const sent = await popup.evaluate(({ id, target }) => window.mcpElicitationComplete({ targetOrigin: target, elicitationId: id, status: "done" }), { id, target: appSite.origin });
    assert.equal(sent.opener, true, "the navigated page could not post to the opener: the test would prove nothing");
    await expectNothingSettles(s, 0, c, "a completion from the origin the popup navigated to");
    // Back on the elicitation URL's origin, the completion page completes it.
    await popup.goto(completionUrl(compSite, { id }));
    assert.deepEqual((await s.waitOutcome(0)).value, { status: "done", via: "message" });
    assert.equal((await s.waitCall(c)).state, "resolved");
    await popup.close();
    await s.expectBaseline(baseline, "popup navigated");
    await expectStillWorks(s);
  });

  test("a completion posted while the popup is still on about:blank is ignored, even with the app's own origin allow-listed", T, async (t) => {
    const s = await openApp(t);
    // The app's origin allow-listed: about:blank has that origin, so only the about:blank rule stops it.
    await s.connect(fault.url, { completionOrigins: [appSite.origin] });
    const baseline = await s.baseline();
    const id = newId("blank");
    const c = await s.start("url-required", { url: completionUrl(compSite, { id }) + "&delay=3000", elicitationId: id });
    await s.waitReq(0);
    // Right after window.open returns (the popup is on its initial about:blank, which has the
    // app's origin), script that document to post the right message to its opener.
    await s.run((id) => {
      const open = window.open;
      window.open = function (...args) {
        const w = open.apply(this, args);
        try {
          window.__blank = w.location.href;
          w.eval(`opener.postMessage(${JSON.stringify({ type: "mcp:elicitation-complete", elicitationId: id, status: "done" })}, "*")`);
        } catch (e) {
          window.__blank = String(e);
        }
        return w;
      };
    }, id);
    // Not s.clickForPopup: Playwright reports the popup only once its first page has committed.
    const popupPromise = s.page.waitForEvent("popup", { timeout: 10000 });
    await s.page.click("#open-0", { timeout: 10000 });
    const posted = await s.run(() => window.__blank);
    assert.equal(posted, "about:blank", "the popup had already left about:blank: the test would prove nothing");
    await expectNothingSettles(s, 0, c, "a completion from the popup's about:blank");
    const popup = await popupPromise;
    // The real page arrives (delayed) and completes it.
    assert.deepEqual((await s.waitOutcome(0)).value, { status: "done", via: "message" });
    assert.equal((await s.waitCall(c)).state, "resolved");
    assert.match(popup.url(), /\/complete\?/);
    await popup.close();
    await s.expectBaseline(baseline, "about:blank");
    await expectStillWorks(s);
  });

  test("BroadcastChannel: another same-origin tab or frame cannot complete a flow it did not open (right or wrong id); the popup on the app's origin can", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url);
    // What reaches the channel, seen from the app page: proof that the hostile broadcasts arrive.
    await s.run(() => {
      window.__heard = [];
      window.__ear = new BroadcastChannel("mcp:elicitation");
      window.__ear.onmessage = (e) => window.__heard.push(e.data);
    });
    const baseline = await s.baseline();
    const id = newId("bc");
    const c = await s.start("url-required", { url: completionUrl(compSite, { auto: false }), elicitationId: id });
    await s.waitReq(0);
    const popup = await s.clickForPopup("#open-0");
    await popup.waitForFunction(() => typeof window.mcpElicitationComplete === "function", null, { timeout: 5000 });
    const broadcast = (ids) => {
      const ch = new BroadcastChannel("mcp:elicitation");
      for (const elicitationId of ids) ch.postMessage({ type: "mcp:elicitation-complete", elicitationId, status: "done" });
      ch.close();
    };
    // Another tab of the app's origin.
    const other = await s.context.newPage();
    await other.goto(`${appSite.origin}/tests/e2e/pages/blank.html`);
    await other.evaluate(broadcast, [id, "someone-else"]);
    // A same-origin iframe of the app page itself.
    await s.run((src) => app.frame(src), `${appSite.origin}/tests/e2e/pages/blank.html`);
    const frame = s.page.frames().find((f) => f !== s.page.mainFrame() && f.url().startsWith(appSite.origin));
    await frame.evaluate(broadcast, [id, "someone-else"]);
    await s.waitFor(() => window.__heard.length >= 4, undefined, { what: "the four broadcasts to arrive" });
    await expectNothingSettles(s, 0, c, "broadcasts from a tab and a frame that did not open the flow");
    await other.close();

    // The popup itself lands on a completion page of the app's origin (not allow-listed, so its
    // postMessage is refused): now the broadcast can only be the popup's, and it counts.
    await popup.goto(completionUrl(appSite, { id }));
    assert.deepEqual((await s.waitOutcome(0)).value, { status: "done", via: "broadcast" });
    assert.equal((await s.waitCall(c)).state, "resolved");
    await popup.close();
    await s.expectBaseline(baseline, "broadcast from other tabs");
    await expectStillWorks(s);
  });

  test("completion status \"cancelled\" from the page: open() resolves cancelled, the call rejects with -33016", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url);
    const baseline = await s.baseline();
    const id = newId("cx");
    const c = await s.start("url-required", { url: completionUrl(compSite, { id, status: "cancelled" }), elicitationId: id });
    await s.waitReq(0);
    const popup = await s.clickForPopup("#open-0");
    assert.deepEqual((await s.waitOutcome(0)).value, { status: "cancelled", via: "message" });
    const call = await s.waitCall(c);
    assert.equal(call.state, "rejected");
    assert.equal(call.error.code, CODE.declined, JSON.stringify(call.error));
    await popup.close();
    await s.expectBaseline(baseline, "cancelled by the page");
    await expectStillWorks(s);
  });

  test("the user closes the popup before completing: cancelled via \"closed\" after the grace period", T, async (t) => {
    const s = await openApp(t);
    const grace = 400;
    await s.connect(fault.url, { popupClosedGraceMs: grace });
    const baseline = await s.baseline();
    const id = newId("closed");
    const c = await s.start("url-required", { url: completionUrl(compSite, { auto: false }), elicitationId: id });
    await s.waitReq(0);
    const popup = await s.clickForPopup("#open-0");
    await popup.waitForLoadState("load");
    const closedAt = Date.now();
    await popup.close();
    const outcome = await s.waitOutcome(0, { timeoutMs: 10000 });
    const took = Date.now() - closedAt;
    assert.deepEqual(outcome.value, { status: "cancelled", via: "closed" }, JSON.stringify(outcome));
    assert.ok(took >= grace - 50, `settled ${took} ms after the close, before the ${grace} ms grace period`);
    const call = await s.waitCall(c);
    assert.equal(call.state, "rejected");
    assert.equal(call.error.code, CODE.declined, JSON.stringify(call.error));
    await s.expectBaseline(baseline, "popup closed");
    await expectStillWorks(s);
  });

  test("COOP completion page on the app's origin: the opener is cut, completion arrives on the BroadcastChannel", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url, { popupClosedGraceMs: 3000 });
    const baseline = await s.baseline();
    const id = newId("coop");
    const url = completionUrl(appSite, { id, coop: true });
    const c = await s.start("url-required", { url, elicitationId: id });
    await s.waitReq(0);
    const popup = await s.clickForPopup("#open-0");
    const outcome = await s.waitOutcome(0);
    assert.deepEqual(outcome.value, { status: "done", via: "broadcast" }, JSON.stringify(outcome));
    const opener = await popup.evaluate(() => window.opener === null).catch((e) => `popup gone: ${e.message}`);
    t.diagnostic(`COOP page: window.opener === null → ${opener}`);
    const call = await s.waitCall(c);
    assert.equal(call.state, "resolved", JSON.stringify(call.error));
    await popup.close().catch(() => {});
    await s.expectBaseline(baseline, "COOP broadcast");
    await expectStillWorks(s);
  });

  test("COOP completion page on another origin: nothing can post back; close detection settles it", T, async (t) => {
    const s = await openApp(t);
    const grace = 500;
    await s.connect(fault.url, { popupClosedGraceMs: grace });
    const baseline = await s.baseline();
    const id = newId("coop-x");
    const c = await s.start("url-required", { url: completionUrl(compSite, { id, coop: true }), elicitationId: id });
    await s.waitReq(0);
    const popup = await s.clickForPopup("#open-0");
    const outcome = await s.waitOutcome(0, { timeoutMs: 10000 });
    t.diagnostic(`COOP on another origin: ${JSON.stringify(outcome)}`);
    assert.equal(outcome.value?.via, "closed", JSON.stringify(outcome));
    const call = await s.waitCall(c);
    t.diagnostic(`call after COOP severing: ${JSON.stringify(call)}`);
    await popup.close().catch(() => {});
    await s.expectBaseline(baseline, "COOP other origin");
    await expectStillWorks(s);
  });

  test("completionOrigins: a completion page on an allow-listed origin counts; without the allow-list only manual done does", T, async (t) => {
    // The elicitation URL is on compSite; the popup is navigated to thirdSite, which posts.
    for (const allow of [true, false]) {
      const s = await openApp(t);
      await s.connect(fault.url, allow ? { completionOrigins: [thirdSite.origin] } : {});
      const baseline = await s.baseline();
      const id = newId(allow ? "allow" : "deny");
      const c = await s.start("url-required", { url: completionUrl(compSite, { auto: false }), elicitationId: id });
      await s.waitReq(0);
      const popup = await s.clickForPopup("#open-0");
      await popup.goto(completionUrl(thirdSite, { id }));
      if (allow) {
        assert.deepEqual((await s.waitOutcome(0)).value, { status: "done", via: "message" });
      } else {
        await expectNothingSettles(s, 0, c, "completion from an origin that is not allow-listed");
        await s.page.click("#done-0");
        assert.deepEqual((await s.waitOutcome(0)).value, { status: "done", via: "manual" });
      }
      const call = await s.waitCall(c);
      assert.equal(call.state, "resolved", JSON.stringify(call.error));
      await popup.close();
      await s.expectBaseline(baseline, `completionOrigins ${allow}`);
      await expectStillWorks(s);
    }
  });

  test("timeout: open() rejects with -33012 and the call fails; nothing is left behind", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url, { elicitationTimeoutMs: 1500 });
    const baseline = await s.baseline();
    const id = newId("timeout");
    const c = await s.start("url-required", { url: completionUrl(compSite, { auto: false }), elicitationId: id });
    await s.waitReq(0);
    const popup = await s.clickForPopup("#open-0");
    const outcome = await s.waitOutcome(0, { timeoutMs: 10000 });
    assert.equal(outcome.state, "rejected", JSON.stringify(outcome));
    assert.equal(outcome.error.code, CODE.timeout);
    const call = await s.waitCall(c);
    assert.equal(call.state, "rejected");
    t.diagnostic(`call after the elicitation timed out: ${JSON.stringify(call.error)}`);
    await popup.close();
    await s.expectBaseline(baseline, "timeout");
    await expectStillWorks(s);
  });

  test("popup blocked: open() outside a click rejects with -33011; open() again from a click works", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url);
    const baseline = await s.baseline();
    // The handler calls open() at once, from the network callback: no user activation.
    await s.run(() => {
      app.handler = (req, i) =>
        new Promise((resolve) => {
          app.open(i).then(
            () => resolve({ action: "accept" }),
            (e) => {
              const b = document.createElement("button");
              b.id = `retry-${i}`;
              b.textContent = "Open again";
              b.addEventListener("click", () => app.open(i).then(() => resolve({ action: "accept" }), () => resolve({ action: "cancel" })));
              document.body.append(b);
              app.firstError = { code: e?.code, message: e?.message };
            },
          );
        });
    });
    const id = newId("blocked");
    const c = await s.start("url-required", { url: completionUrl(compSite, { id }), elicitationId: id });
    await s.waitReq(0);
    const first = await s.waitOutcome(0);
    assert.equal(first.state, "rejected");
    assert.equal(first.error.code, CODE.popupBlocked, JSON.stringify(first.error));
    let st = await s.state();
    assert.equal(st.opens.length, 1);
    assert.deepEqual([st.opens[0].activation, st.opens[0].returned], [false, false]);
    assert.equal(st.calls[c].state, "pending", "a blocked popup ended the elicitation");
    const popup = await s.clickForPopup("#retry-0");
    const second = await s.waitOutcome(0);
    assert.deepEqual(second.value, { status: "done", via: "message" }, JSON.stringify(second));
    assert.equal((await s.waitCall(c)).state, "resolved");
    await popup.close().catch(() => {});
    await s.expectBaseline(baseline, "popup blocked then opened");
    await expectStillWorks(s);
  });

  test("a server that keeps asking for the same URL is stopped by the loop guard", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url);
    const baseline = await s.baseline();
    const id = newId("loop");
    const url = completionUrl(compSite, { id, close: true });
    const c = await s.start("url-required", { url, elicitationId: id, always: true });
    let rounds = 0;
    for (; rounds < 8; rounds++) {
      const settled = await s.waitFor(
        (i) => (app.calls[0].state !== "pending" ? "call" : app.reqs[i] ? "req" : false),
        rounds,
        { what: `round ${rounds}` },
      );
      if (settled === "call") break;
      const popup = await s.clickForPopup(`#open-${rounds}`);
      await s.waitOutcome(rounds);
      await popup.close().catch(() => {});
    }
    const call = await s.waitCall(c);
    t.diagnostic(`loop guard after ${rounds} completed rounds: ${JSON.stringify(call.error)}`);
    assert.equal(call.state, "rejected");
    assert.equal(call.error.code, CODE.loop, JSON.stringify(call.error));
    assert.ok(rounds <= 5, `the loop guard let ${rounds} rounds through`);
    await s.expectBaseline(baseline, "loop guard");
    await expectStillWorks(s);
  });

  test("elicitation-complete.js: refuses target \"*\" unless data-allow-any-origin; rejects a bad status", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url);
    const baseline = await s.baseline();
    const id = newId("star");
    const c = await s.start("url-required", { url: completionUrl(compSite, { id, target: "*" }), elicitationId: id });
    await s.waitReq(0);
    const popup = await s.clickForPopup("#open-0");
    await popup.waitForLoadState("load");
    await expectNothingSettles(s, 0, c, "a completion page with target \"*\" and no data-allow-any-origin");
    const api = await popup.evaluate(() => {
      const r = {};
      try {
        window.mcpElicitationComplete({ targetOrigin: location.origin, status: "bogus" });
        r.badStatus = "no error";
      } catch (e) {
        r.badStatus = e.name;
      }
      r.sentStar = window.mcpElicitationComplete({ targetOrigin: "*", elicitationId: "nobody" });
      return r;
    });
    assert.equal(api.badStatus, "TypeError");
    assert.deepEqual(api.sentStar, { opener: false, broadcast: true });
    await expectNothingSettles(s, 0, c, "mcpElicitationComplete with \"*\"");
    // The same page with data-allow-any-origin: the library checks origin and source, so it counts.
    await popup.goto(completionUrl(compSite, { id, target: "*", allowAny: true }));
    assert.deepEqual((await s.waitOutcome(0)).value, { status: "done", via: "message" });
    assert.equal((await s.waitCall(c)).state, "resolved");
    await popup.close();
    await s.expectBaseline(baseline, "completion script *");
    await expectStillWorks(s);
  });

  test("aborting the call while its -32042 elicitation is open rejects it with -32800 and ends the watch", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url);
    const baseline = await s.baseline();
    const c = await s.start("url-required", { url: completionUrl(compSite, { auto: false }), elicitationId: newId("abort") }, { abortable: true });
    await s.waitReq(0);
    const popup = await s.clickForPopup("#open-0");
    await s.run((i) => app.controllers[i].abort(), c);
    const call = await s.waitCall(c, { timeoutMs: 5000 });
    assert.equal(call.state, "rejected");
    assert.equal(call.error.code, -32800, JSON.stringify(call.error));
    const outcome = await s.waitOutcome(0, { timeoutMs: 5000 }).catch((e) => ({ state: "still pending", note: e.message.split("\n")[0] }));
    t.diagnostic(`open() after the call was aborted: ${JSON.stringify(outcome)}`);
    await s.expectBaseline(baseline, "call aborted during the elicitation");
    await popup.close();
    await expectStillWorks(s);
  });

  test("closing the client while a popup is open ends the elicitation, its call and its watch", T, async (t) => {
    const s = await openApp(t);
    await s.connect(fault.url);
    const baseline = await s.baseline();
    const c = await s.start("url-required", { url: completionUrl(compSite, { auto: false }), elicitationId: newId("close") });
    await s.waitReq(0);
    const popup = await s.clickForPopup("#open-0");
    const closed = await s.run(() => app.settle(app.client.close()));
    assert.ok(closed.ok, JSON.stringify(closed.error));
    const call = await s.waitCall(c, { timeoutMs: 5000 });
    t.diagnostic(`call after client.close(): ${JSON.stringify(call)}`);
    assert.equal(call.state, "rejected");
    const outcome = await s.waitOutcome(0, { timeoutMs: 5000 }).catch((e) => ({ state: "still pending", note: e.message.split("\n")[0] }));
    t.diagnostic(`open() after client.close(): ${JSON.stringify(outcome)}`);
    const deadline = Date.now() + 5000;
    let now;
    do {
      now = await s.counts();
      if (Object.keys(baseline).every((k) => now[k] <= baseline[k])) break;
      await sleep(100);
    } while (Date.now() < deadline);
    const types = await s.run(() => probe.listenerTypes());
    for (const k of Object.keys(baseline)) assert.ok(now[k] <= baseline[k], `after client.close(): ${k} ${now[k]} > ${baseline[k]} (${JSON.stringify(types)})`);
    await popup.close();
  });
});
