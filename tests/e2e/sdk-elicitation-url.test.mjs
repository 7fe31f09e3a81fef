// The SDK's `elicitationUrlExample` server (@modelcontextprotocol/sdk 1.x examples) against the
// built package in headless Chromium, popup blocker on, real clicks.
//
// What the example does (read from its source, and what these tests rely on):
// - /mcp (POST, GET, DELETE) requires `Authorization: Bearer <token>`; tokens come from the demo
//   authorization server it starts on MCP_AUTH_PORT (`demoInMemoryOAuthProvider.js`): dynamic
//   client registration, /authorize auto-approves (no login form) — it sets a `demo_session`
//   cookie on `localhost` ("the user logged in") and redirects with a code — and /token checks
//   PKCE S256 and that `resource` is exactly http://localhost:<MCP_PORT>/mcp. The MCP server
//   checks tokens through the AS's /introspect and accepts only that audience.
// - Tool `payment-confirm` calls createElicitationCompletionNotifier (which throws unless the
//   client declared `elicitation.url`), then ALWAYS throws -32042 with a fresh elicitationId and
//   the URL http://localhost:<MCP_PORT>/confirm-payment?session=&elicitation=&cartId=. That page
//   (and its POST) needs the `demo_session` cookie; "Confirm Payment" makes the server send
//   `notifications/elicitation/complete` (no related request: on the GET stream). The tool never
//   returns a result: the library's retry gets another -32042.
// - Its GET handler would also send an `elicitation/create` (URL mode, an API-key form), but only
//   after `await transport.handleRequest(req, res)` returns, which with this SDK version is when
//   the GET stream has ended; a client that keeps its stream open never gets it, so the request
//   path is not tested here (the tests tolerate it arriving anyway).
//
// The library has no OAuth client: the test registers a client, runs the authorization request
// in the app's browser context (so the AS's login cookie lands where the popup needs it),
// exchanges the code in Node, and connects with `headers: { Authorization }`. The harness's
// CORS proxy answers preflights with the requested headers, so Authorization is allowed.
//
// The app page is driven through CDP Runtime.evaluate with userGesture: false (Playwright's
// page.evaluate would give it transient activation, which would let window.open through);
// only page.click (trusted input) opens popups. Every wait is bounded.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import { PKG_JS, launchBrowser, settledValue, sleep, startSdkExample, startStatic, waitFor } from "./harness.mjs";

const APP_PAGE = "/tests/e2e/pages/elicitation-app.html";
const CALLBACK_PAGE = "/tests/e2e/pages/blank.html"; // the app's OAuth redirect_uri
const T = { timeout: 90_000 };
const CODE = { urlRequired: -32042, authorizationRequired: -33020, declined: -33016 };
const QUIET_MS = 800;

let server; // startSdkExample handle: url (proxy), mcpPort, authPort, requests, output()
let appSite; // the app's origin (static files of the repository)
let browser;
let oauth; // { resource, metadata, clientId, redirectUri }

// ---- wire records ----------------------------------------------------------------------------

const bodyOf = (r) => {
  try {
    return JSON.parse(r.body);
  } catch {
    return undefined;
  }
};
const toolCalls = () => server.requests.filter((r) => r.method === "POST" && bodyOf(r)?.method === "tools/call");
const describeRequests = () =>
  server.requests
    .map((r) => `#${r.seq} ${r.method} ${r.url} ${bodyOf(r)?.method ?? (bodyOf(r)?.result ? "(response)" : "")} auth=${r.headers.authorization ? "yes" : "no"} -> ${r.status} ${r.outcome ?? "open"}`)
    .join("\n");
/** JSON-RPC messages in a recorded response body (application/json or SSE `data:` lines). */
function messagesIn(text) {
  const out = [];
  const push = (s) => {
    try {
      const v = JSON.parse(s);
      out.push(...(Array.isArray(v) ? v : [v]));
    } catch {
      // not JSON
    }
  };
  if (/^\s*[[{]/.test(text)) push(text);
  else for (const line of text.split(/\r?\n/)) if (line.startsWith("data:")) push(line.slice(5).trim());
  return out;
}

// ---- OAuth, as the demo provider wants it ------------------------------------------------------

const b64url = (buf) => Buffer.from(buf).toString("base64url");

/** 401 → protected resource metadata → AS metadata → dynamic client registration (public client). */
async function discoverAndRegister(redirectUri) {
  const unauth = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
  assert.equal(unauth.status, 401, "the MCP endpoint answers 401 without a token");
  const challenge = unauth.headers.get("www-authenticate") ?? "";
  const prmUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
  assert.ok(prmUrl, `WWW-Authenticate names the resource metadata: ${challenge}`);
  const prm = await (await fetch(prmUrl)).json();
  assert.equal(prm.resource, `http://localhost:${server.mcpPort}/mcp`);
  const issuer = prm.authorization_servers?.[0];
  assert.ok(issuer, `protected resource metadata names an authorization server: ${JSON.stringify(prm)}`);
  const metadata = await (await fetch(new URL("/.well-known/oauth-authorization-server", issuer))).json();
  assert.ok(metadata.code_challenge_methods_supported?.includes("S256"), JSON.stringify(metadata));
  assert.ok(metadata.registration_endpoint, "the AS supports dynamic client registration");
  const reg = await fetch(metadata.registration_endpoint, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: "mcp-web-client e2e",
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    }),
  });
  const client = await reg.json();
  assert.equal(reg.status, 201, `registration: ${JSON.stringify(client)}`);
  return { resource: prm.resource, resourceMetadata: prmUrl, metadata, clientId: client.client_id, redirectUri };
}

/**
 * An access token for the MCP server. `userAgent(authorizeUrl)` performs the authorization
 * request and returns the URL the AS redirected to (the demo AS approves without a form).
 */
async function accessToken(userAgent) {
  const verifier = b64url(crypto.randomBytes(32));
  const challenge = b64url(crypto.createHash("sha256").update(verifier).digest());
  const state = b64url(crypto.randomBytes(16));
  const authorize = new URL(oauth.metadata.authorization_endpoint);
  for (const [k, v] of Object.entries({
    response_type: "code",
    client_id: oauth.clientId,
    redirect_uri: oauth.redirectUri,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
    scope: "mcp:tools",
    resource: oauth.resource,
  })) authorize.searchParams.set(k, v);
  const redirected = new URL(await userAgent(authorize.href));
  assert.equal(redirected.origin + redirected.pathname, oauth.redirectUri, `redirected to ${redirected}`);
  assert.equal(redirected.searchParams.get("state"), state);
  const code = redirected.searchParams.get("code");
  assert.ok(code, `no code in ${redirected}`);
  const res = await fetch(oauth.metadata.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: oauth.redirectUri,
      client_id: oauth.clientId,
      resource: oauth.resource,
    }),
  });
  const tokens = await res.json();
  assert.equal(res.status, 200, `token endpoint: ${JSON.stringify(tokens)}`);
  assert.equal(tokens.token_type, "bearer");
  return tokens.access_token;
}

/** The authorization request in a browser context: its cookies are the user's from then on. */
const browserUserAgent = (context) => async (url) => {
  const page = await context.newPage();
  try {
    await page.goto(url, { timeout: 15000 });
    return page.url();
  } finally {
    await page.close();
  }
};

/** The authorization request from Node (no browser session). */
const nodeUserAgent = async (url) => {
  const res = await fetch(url, { redirect: "manual" });
  assert.equal(res.status, 302, `authorize: ${res.status} ${await res.text()}`);
  return new URL(res.headers.get("location"), url).href;
};

// ---- the app page ------------------------------------------------------------------------------

async function openApp(t, { authorizeHere = true } = {}) {
  const context = await browser.newContext();
  t.after(() => context.close().catch(() => {}));
  // Nothing should leave the machine. Only watched, not routed: with a route installed,
  // Playwright answers CORS preflights itself, and the proxy's answer is what is under test.
  const external = [];
  context.on("request", (r) => {
    if (!["127.0.0.1", "localhost", "[::1]"].includes(new URL(r.url()).hostname)) external.push(r.url());
  });
  const token = await accessToken(authorizeHere ? browserUserAgent(context) : nodeUserAgent);
  const page = await context.newPage();
  const s = { context, page, token, external, pageErrors: [], consoleErrors: [] };
  page.on("pageerror", (e) => s.pageErrors.push(String(e?.stack ?? e)));
  page.on("console", (m) => m.type() === "error" && s.consoleErrors.push(m.text()));
  const cdp = await context.newCDPSession(page);
  s.run = async (fn, arg) => {
    const expression = `(${fn})(${arg === undefined ? "" : JSON.stringify(arg)})`;
    const r = await cdp.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true, userGesture: false });
    if (r.exceptionDetails) throw new Error(`in page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  };
  s.dump = async () => {
    let state;
    try {
      state = JSON.stringify(await s.run(() => ({ reqs: app.reqs, outcomes: app.outcomes, answers: app.answers, calls: app.calls, events: app.events })));
    } catch (e) {
      state = `(no page state: ${e.message})`;
    }
    return `page state: ${state.slice(0, 6000)}\npage errors: ${s.pageErrors.join("\n")}\nconsole errors: ${s.consoleErrors.slice(-10).join("\n")}\nrequests:\n${describeRequests()}\nserver output (tail):\n${server.output().slice(-3000)}`;
  };
  s.waitFor = async (fn, arg, { timeoutMs = 15000, what = String(fn) } = {}) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await s.run(fn, arg);
      if (v !== false && v !== undefined && v !== null) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${await s.dump()}`);
      await sleep(50);
    }
  };
  /** Indices of the onElicitation requests whose URL path is `pathname`, once there are `n`. */
  s.waitReqs = (pathname, n = 1) =>
    s.waitFor(
      ({ pathname, n }) => {
        const found = app.reqs.map((r, i) => [r, i]).filter(([r]) => r.mode === "url" && new URL(r.url).pathname === pathname);
        return found.length >= n ? found.map(([, i]) => i) : false;
      },
      { pathname, n },
      { what: `${n} elicitation(s) for ${pathname}` },
    );
  s.waitOutcome = (i) =>
    s.waitFor((i) => (app.outcomes[i] && app.outcomes[i].state !== "pending" ? app.outcomes[i] : false), i, { what: `open() #${i} to settle` });
  s.waitCall = (i) =>
    s.waitFor((i) => (app.calls[i] && app.calls[i].state !== "pending" ? app.calls[i] : false), i, { what: `call #${i} to settle` });
  s.state = () => s.run(() => ({ reqs: app.reqs, outcomes: app.outcomes, answers: app.answers, calls: app.calls, events: app.events, opens: probe.opens }));
  s.counts = () => s.run(() => probe.counts());
  s.clickForPopup = async (selector) => {
    const popup = page.waitForEvent("popup", { timeout: 10000 });
    await page.click(selector, { timeout: 10000 });
    return popup;
  };
  s.connect = async (options) => {
    const r = await s.run(({ url, options }) => app.connect(url, options), { url: server.url, options });
    assert.ok(r.ok, `connect failed: ${JSON.stringify(r.error)}\n${await s.dump()}`);
    return r.value;
  };
  s.start = (name, args) => s.run(({ name, args }) => app.start(name, args), { name, args });

  await page.goto(appSite.origin + APP_PAGE, { timeout: 20000 });
  const loaded = await s.waitFor(() => window.ready === true || window.loadError || false, undefined, { what: "the package to load" });
  if (loaded !== true) throw new Error(`the app page failed to load the package: ${loaded}`);
  return s;
}

/** Waits until the probe's counts stop changing, and returns them. */
const settledCounts = (s) => settledValue(() => s.counts());

const text = (result) => (result?.content ?? []).map((c) => c.text ?? "").join("\n");

/** Clicks Open on request `i`, confirms the payment in the popup, closes it; returns open()'s outcome. */
async function confirmInPopup(s, i) {
  const popup = await s.clickForPopup(`#open-${i}`);
  try {
    await popup.waitForLoadState("domcontentloaded", { timeout: 10000 });
    await Promise.all([
      popup.waitForURL(`http://localhost:${server.mcpPort}/confirm-payment`, { timeout: 10000, waitUntil: "domcontentloaded" }),
      popup.click('button[value="confirm"]', { timeout: 10000 }),
    ]);
    assert.match(await popup.textContent("body"), /Payment Confirmed/);
    return await s.waitOutcome(i);
  } finally {
    await popup.close().catch(() => {});
  }
}

// ---- tests -------------------------------------------------------------------------------------

describe("SDK example: elicitationUrlExample (OAuth-protected, URL elicitation)", () => {
  before(async () => {
    if (!fs.existsSync(PKG_JS)) throw new Error("pkg/mcp_web_client.js does not exist: build the package first (make pkg)");
    server = await startSdkExample("elicitationUrlExample.js");
    await waitFor(() => server.output().includes(`OAuth Authorization Server listening on port ${server.authPort}`), {
      timeoutMs: 10000,
      what: "the demo authorization server",
    });
    appSite = await startStatic();
    browser = await launchBrowser();
    oauth = await discoverAndRegister(appSite.origin + CALLBACK_PAGE);
  });

  after(async () => {
    if (process.env.E2E_VERBOSE && server) process.stderr.write(`${describeRequests()}\n`);
    await browser?.close();
    await appSite?.stop();
    await server?.stop();
  });

  test("payment-confirm: -32042, consent, confirm in the popup, notifications/elicitation/complete, the library retries", T, async (t) => {
    const s = await openApp(t);
    const info = await s.connect({ headers: { Authorization: `Bearer ${s.token}` } });
    assert.equal(info.serverInfo.name, "url-elicitation-http-server");
    assert.equal(info.protocolVersion, "2025-11-25");

    // Every request to the server carried the token, and the preflights allowed the header.
    const sent = server.requests.filter((r) => r.method !== "OPTIONS" && r.headers.authorization !== undefined);
    assert.ok(sent.length >= 2, describeRequests());
    assert.ok(sent.every((r) => r.headers.authorization === `Bearer ${s.token}` && r.status !== 401), describeRequests());
    const preflight = server.requests.find((r) => r.method === "OPTIONS");
    assert.ok(preflight && /authorization/i.test(preflight.headers["access-control-request-headers"] ?? ""), describeRequests());
    const init = server.requests.find((r) => bodyOf(r)?.method === "initialize" && r.headers.authorization === `Bearer ${s.token}`);
    assert.deepEqual(bodyOf(init).params.capabilities.elicitation, { form: {}, url: {} });

    const baseline = await settledCounts(s);

    const callsBefore = toolCalls().length;
    const c = await s.start("payment-confirm", { cartId: "cart-42" });
    const [first] = await s.waitReqs("/confirm-payment");
    let st = await s.state();
    const req = st.reqs[first];
    assert.equal(req.delivery, "url-required-error");
    assert.equal(req.host, "localhost");
    assert.match(req.message, /requires a payment confirmation/);
    assert.ok(req.elicitationId, JSON.stringify(req));
    const url = new URL(req.url);
    assert.equal(url.origin, `http://localhost:${server.mcpPort}`);
    assert.equal(url.searchParams.get("elicitation"), req.elicitationId);
    assert.equal(url.searchParams.get("cartId"), "cart-42");
    assert.equal(st.calls[c].state, "pending");
    assert.deepEqual(st.opens, [], "nothing opened before consent");

    // The server answered the first tools/call with -32042 carrying that elicitation.
    const calls1 = toolCalls().slice(callsBefore);
    assert.equal(calls1.length, 1, describeRequests());
    const err1 = messagesIn(calls1[0].responseBody).find((m) => m.id === bodyOf(calls1[0]).id)?.error;
    assert.equal(err1?.code, CODE.urlRequired, calls1[0].responseBody);
    assert.equal(err1.data.elicitations[0].elicitationId, req.elicitationId);

    // Open (a real click), then what the example's page asks for: Confirm Payment.
    const popup = await s.clickForPopup(`#open-${first}`);
    t.after(() => popup.close().catch(() => {}));
    await popup.waitForLoadState("domcontentloaded", { timeout: 10000 });
    assert.equal(popup.url(), req.url);
    const page1 = await popup.textContent("body");
    assert.match(page1, /Confirm Payment/, "the confirmation page (needs the AS's demo_session cookie)");
    assert.match(page1, /Logged in as: Demo User/);
    st = await s.state();
    assert.equal(st.opens.length, 1);
    assert.equal(st.opens[0].activation, true, "window.open ran without transient activation");
    assert.equal(st.opens[0].event, "click");
    const clickedAt = Date.now();
    await Promise.all([
      popup.waitForURL(`http://localhost:${server.mcpPort}/confirm-payment`, { timeout: 10000, waitUntil: "domcontentloaded" }),
      popup.click('button[value="confirm"]', { timeout: 10000 }),
    ]);
    assert.match(await popup.textContent("body"), /Payment Confirmed/);

    // Completed by the server's notification, not by a message or the popup closing.
    const outcome = await s.waitOutcome(first);
    assert.deepEqual(outcome.value, { status: "done", via: "notification" }, JSON.stringify(outcome));
    const isNote = (m) => m.method === "notifications/elicitation/complete" && m.params?.elicitationId === req.elicitationId;
    const carriers = server.requests.filter((r) => messagesIn(r.responseBody ?? "").some(isNote));
    assert.deepEqual(carriers.map((r) => r.method), ["GET"], `notifications/elicitation/complete, once, on the GET stream\n${describeRequests()}`);
    st = await s.state();
    assert.ok(st.events.elicitationcomplete.some((d) => d?.elicitationId === req.elicitationId), JSON.stringify(st.events));

    // The library retried the same call; this example's tool asks again (new elicitation id).
    const [, second] = await s.waitReqs("/confirm-payment", 2);
    const calls2 = toolCalls().slice(callsBefore);
    assert.equal(calls2.length, 2, describeRequests());
    assert.deepEqual(bodyOf(calls2[1]).params, bodyOf(calls2[0]).params, "the retry repeats the call");
    assert.notEqual(bodyOf(calls2[1]).id, bodyOf(calls2[0]).id);
    assert.ok(calls2[1].t0 >= clickedAt, "the retry came after the user confirmed");
    const err2 = messagesIn(calls2[1].responseBody).find((m) => m.id === bodyOf(calls2[1]).id)?.error;
    assert.equal(err2?.code, CODE.urlRequired, calls2[1].responseBody);
    st = await s.state();
    assert.equal(st.reqs[second].delivery, "url-required-error");
    assert.notEqual(st.reqs[second].elicitationId, req.elicitationId);
    assert.equal(st.reqs[second].elicitationId, err2.data.elicitations[0].elicitationId);
    assert.equal(st.calls[c].state, "pending", "the app's call waits through the retry");

    // The tool never succeeds, so the user declines the second request: the one callTool rejects.
    await s.page.click(`#decline-${second}`, { timeout: 10000 });
    const call = await s.waitCall(c);
    assert.equal(call.state, "rejected", JSON.stringify(call));
    assert.equal(call.error.code, CODE.declined, JSON.stringify(call.error));
    await sleep(QUIET_MS);
    assert.equal(toolCalls().length - callsBefore, 2, `no further retries\n${describeRequests()}`);

    // Everything the elicitations added is gone again.
    const deadline = Date.now() + 5000;
    let now = await s.counts();
    while (JSON.stringify(now) !== JSON.stringify(baseline) && Date.now() < deadline) {
      await sleep(100);
      now = await s.counts();
    }
    assert.deepEqual(now, baseline, "listeners/timers/channels outlived the elicitations");
    assert.deepEqual(s.external, []);
    await s.run(() => app.client.close());
  });

  test("payment-confirm, confirmed every time: the tool never succeeds, the library stops after 3 rounds with the server's -32042", T, async (t) => {
    const s = await openApp(t);
    await s.connect({ headers: { Authorization: `Bearer ${s.token}` } });
    const callsBefore = toolCalls().length;
    const c = await s.start("payment-confirm", { cartId: "cart-loop" });
    const ids = [];
    for (let round = 1; round <= 3; round++) {
      const reqs = await s.waitReqs("/confirm-payment", round);
      const i = reqs[round - 1];
      const req = (await s.state()).reqs[i];
      assert.ok(!ids.includes(req.elicitationId), "a fresh elicitation every round");
      ids.push(req.elicitationId);
      const outcome = await confirmInPopup(s, i);
      assert.deepEqual(outcome.value, { status: "done", via: "notification" }, `round ${round}: ${JSON.stringify(outcome)}`);
    }
    const call = await s.waitCall(c);
    assert.equal(call.state, "rejected", JSON.stringify(call));
    t.diagnostic(`after 3 completed rounds: ${JSON.stringify(call.error)}`);
    // The server's own -32042, with the 4th round's elicitation, and why the library stopped.
    assert.equal(call.error.code, -32042, JSON.stringify(call.error));
    assert.match(call.error.message, /still required after 3 completed rounds/);
    assert.match(call.error.elicitations?.[0]?.url ?? "", /\/confirm-payment/);
    assert.ok(!ids.includes(call.error.elicitations[0].elicitationId), "the 4th elicitation is a new one");
    await sleep(QUIET_MS);
    assert.equal(toolCalls().length - callsBefore, 4, `the first call and 3 retries\n${describeRequests()}`);
    const st = await s.state();
    assert.equal(st.reqs.filter((r) => r.mode === "url" && new URL(r.url).pathname === "/confirm-payment").length, 3, "the 4th -32042 is not shown");
    assert.deepEqual(s.external, []);
    await s.run(() => app.client.close());
  });

  test("without onElicitation: no elicitation capability, so the example's tool answers isError instead of -32042", T, async (t) => {
    const s = await openApp(t, { authorizeHere: false });

    // No token: the 401's Bearer challenge (exposed by the proxy's CORS headers) reaches the
    // app as -33020 with where the authorization starts.
    const noToken = await s.run(({ url }) => app.connect(url, { handler: false }), { url: server.url });
    assert.equal(noToken.ok, false);
    assert.equal(noToken.error.code, CODE.authorizationRequired, JSON.stringify(noToken.error));
    assert.equal(noToken.error.data?.status, 401, JSON.stringify(noToken.error));
    assert.equal(noToken.error.data?.resourceMetadata, oauth.resourceMetadata, JSON.stringify(noToken.error));
    // (A token this example does not know makes its introspection fail with HTTP 500, so an
    // invalid_token challenge cannot be had from it; the browser tests cover that shape.)
    await s.connect({ handler: false, headers: { Authorization: `Bearer ${s.token}` } });
    const init = server.requests.find((r) => bodyOf(r)?.method === "initialize" && r.headers.authorization === `Bearer ${s.token}`);
    assert.equal(bodyOf(init).params.capabilities.elicitation, undefined, "no handler: no elicitation capability");

    const callsBefore = toolCalls().length;
    const c = await s.start("payment-confirm", { cartId: "cart-7" });
    const call = await s.waitCall(c);
    // The example calls createElicitationCompletionNotifier before throwing -32042; without the
    // client's elicitation.url capability that throws a plain Error, which McpServer turns into
    // a tool error result. So -32042 (and err.elicitations) cannot be reached with this server.
    assert.equal(call.state, "resolved", JSON.stringify(call));
    assert.equal(call.value.isError, true, JSON.stringify(call.value));
    assert.match(text(call.value), /Client does not support URL elicitation/);
    assert.equal(toolCalls().length - callsBefore, 1, "no retry");
    const st = await s.state();
    assert.deepEqual(st.reqs, []);
    await s.run(() => app.client.close());
  });
});
