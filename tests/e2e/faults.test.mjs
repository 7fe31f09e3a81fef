// What real servers never do, done on purpose: the built package in headless Chromium against
// our fault-injecting server (fixtures/fault-server.mjs), on another origin so CORS applies.
//
// For every fault: the client reports a typed error for that one request (or recovers without
// the caller noticing, with the server's stats as proof), and the same client then completes a
// normal `echo` call.
//
//   node --test tests/e2e/            (needs the package built: make pkg)

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

import { startStatic, launchBrowser, openClientPage, pageDiagnostics } from "./harness.mjs";
import { startFaultServer } from "./fixtures/fault-server.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const CODE = {
  timeout: -32001,
  cancelled: -32800,
  parse: -32700,
  invalidMessage: -32600,
  httpStatus: -33001,
  network: -33002,
  corsHeaderHidden: -33003,
  tooLarge: -33005,
  rateLimited: -33015,
};

const FAULT_TOOLS = [
  "drop-stream",
  "expire-session",
  "malformed-json",
  "broken-sse",
  "unknown-id",
  "oversized",
  "slow",
  "error-500",
  "hide-session-header",
  "endless-event",
  "deep-json",
  "wrong-structure",
  "elicit-flood",
];

const TEST_TIMEOUT = 60_000;

let staticServer;
let browser;

before(async () => {
  staticServer = await startStatic({ root: ROOT });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await staticServer?.stop();
});

// Helpers installed in the page. Everything that comes back through page.evaluate is plain data:
// { ok: true, value } or { ok: false, code, message, data, isError }, never an Error object, and
// long strings are cut down to "<N chars>" so a 17 MiB result never crosses the bridge.
const PAGE_HELPERS = `
(() => {
  const plain = (v) => {
    try {
      return JSON.parse(JSON.stringify(v ?? null, (_k, x) =>
        typeof x === "string" && x.length > 1000 ? "<" + x.length + " chars>" : x));
    } catch (e) {
      return "<not JSON: " + String(e) + ">";
    }
  };
  const settle = async (fn) => {
    const t0 = performance.now();
    try {
      const value = await fn();
      return { ok: true, value: plain(value), elapsedMs: performance.now() - t0 };
    } catch (e) {
      return {
        ok: false,
        isError: e instanceof Error,
        code: e?.code,
        message: String(e?.message ?? e),
        data: plain(e?.data),
        elapsedMs: performance.now() - t0,
      };
    }
  };
  window.__faults = {
    settle,
    client: null,
    elicitations: [], // what onElicitation saw (connect with { declineElicitations: true })
    async connect(url, options = {}) {
      const { declineElicitations, ...rest } = options;
      const handler = (req) => {
        window.__faults.elicitations.push({ mode: req.mode, url: req.url, elicitationId: req.elicitationId });
        return { action: "decline" };
      };
      return settle(async () => {
        const c = await McpClient.connect(url, {
          clientInfo: { name: "fault-tests", version: "1.0.0" },
          requestTimeoutMs: 15000,
          ...(declineElicitations ? { onElicitation: handler } : {}),
          ...rest,
        });
        window.__faults.client = c;
        return { protocolVersion: c.protocolVersion, serverInfo: c.serverInfo };
      });
    },
    async call(name, args = {}, o = {}) {
      const progress = [];
      const opts = {};
      if (o.timeoutMs !== undefined) opts.timeoutMs = o.timeoutMs;
      if (o.progress) opts.onProgress = (p) => progress.push(plain(p));
      if (o.abortAfterMs !== undefined) {
        const ctrl = new AbortController();
        opts.signal = ctrl.signal;
        setTimeout(() => ctrl.abort(), o.abortAfterMs);
      }
      const r = await settle(() => window.__faults.client.callTool(name, args, opts));
      r.progress = progress;
      return r;
    },
  };
})();
`;

/** A fresh fault server and a fresh page for one test; both go away when the test ends. */
async function setup(t) {
  const server = await startFaultServer();
  t.after(() => server.stop());
  const page = await openClientPage(browser, staticServer.origin);
  t.after(() => page.context().close());
  await page.evaluate(PAGE_HELPERS);
  const connect = (url = server.url, options = {}) =>
    page.evaluate(({ url, options }) => window.__faults.connect(url, options), { url, options });
  const call = (name, args = {}, o = {}) =>
    page.evaluate(({ name, args, o }) => window.__faults.call(name, args, o), { name, args, o });
  const evaluate = (fn, arg) => page.evaluate(fn, arg);
  return { server, page, connect, call, evaluate };
}

async function connected(t) {
  const s = await setup(t);
  const r = await s.connect();
  assert.equal(r.ok, true, `connect failed: ${JSON.stringify(r)}\n${pageDiagnostics(s.page)}`);
  assert.equal(r.value.protocolVersion, "2025-11-25");
  return s;
}

function text(outcome) {
  assert.equal(outcome.ok, true, `expected a result, got ${JSON.stringify(outcome)}`);
  const block = outcome.value?.content?.[0];
  assert.equal(block?.type, "text", `expected a text block: ${JSON.stringify(outcome.value)}`);
  return block.text;
}

function assertTypedError(outcome, codes, what) {
  const allowed = Array.isArray(codes) ? codes : [codes];
  assert.equal(outcome.ok, false, `${what}: expected an error, got a result ${JSON.stringify(outcome.value)}`);
  assert.equal(outcome.isError, true, `${what}: the rejection is not an Error: ${JSON.stringify(outcome)}`);
  assert.ok(
    allowed.includes(outcome.code),
    `${what}: expected code ${allowed.join(" or ")}, got ${outcome.code} (${outcome.message})`,
  );
  assert.ok(outcome.message.length > 0, `${what}: empty message`);
}

/** The same client still works: a normal echo call succeeds. */
async function assertEchoWorks(s, message = "still alive") {
  const r = await s.call("echo", { message });
  assert.equal(text(r), `Echo: ${message}`, "the client is not usable after the fault");
}

async function eventually(check, what, ms = 3000) {
  const until = Date.now() + ms;
  for (;;) {
    if (check()) return;
    if (Date.now() > until) assert.fail(`${what} (waited ${ms} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// ---- the baseline -----------------------------------------------------------------------------

test("baseline: lists every fault tool, echoes, sends MCP-Protocol-Version, close() DELETEs the session", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const list = await s.evaluate(() => window.__faults.settle(() => window.__faults.client.listTools()));
  assert.equal(list.ok, true, JSON.stringify(list));
  const names = list.value.tools.map((tool) => tool.name);
  for (const name of ["echo", ...FAULT_TOOLS]) assert.ok(names.includes(name), `tools/list lacks ${name}`);

  await assertEchoWorks(s, "hi");

  const closed = await s.evaluate(() => window.__faults.settle(() => window.__faults.client.close()));
  assert.equal(closed.ok, true, JSON.stringify(closed));
  const { stats } = s.server;
  assert.equal(stats.initializes, 1);
  assert.equal(stats.initializedNotifications, 1, "notifications/initialized was not sent once");
  assert.equal(stats.deletes, 1, "close() did not send DELETE");
  assert.deepEqual(stats.deletedSessions, [stats.sessionsIssued[0]], "DELETE did not carry the session id");
  assert.equal(stats.missingProtocolVersionHeader, 0, "a request after initialize lacked MCP-Protocol-Version");
});

// ---- drop-stream: resumption -----------------------------------------------------------------

test("drop-stream: a connection destroyed mid-stream is resumed with GET + Last-Event-ID", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("drop-stream", {}, { progress: true });
  assert.equal(text(r), "resumed result of drop-stream");
  assert.deepEqual(
    r.progress.map((p) => [p.progress, p.total]),
    [[1, 2]],
    `progress sent before the drop was not reported: ${JSON.stringify(r.progress)}`,
  );

  const { stats } = s.server;
  assert.equal(stats.dropStream.dropped, 1);
  assert.equal(stats.getsWithLastEventId, 1, "no GET with Last-Event-ID");
  assert.equal(
    stats.lastEventIds[0],
    stats.dropStream.eventIds.at(-1),
    "Last-Event-ID is not the id of the last event received",
  );
  assert.equal(stats.dropStream.resumed, 1);
  assert.equal(stats.toolCalls["drop-stream"], 1, "the call was re-POSTed instead of resumed");
  assert.equal(stats.cancelled.length, 0, "a dropped stream is not a cancellation");

  await assertEchoWorks(s);
});

test("drop-stream: a cleanly ended stream is resumed after waiting the retry interval", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("drop-stream", { graceful: true, retryMs: 400 });
  assert.equal(text(r), "resumed result of drop-stream");

  const { stats } = s.server;
  assert.equal(stats.getsWithLastEventId, 1, "no GET with Last-Event-ID");
  assert.equal(stats.lastEventIds[0], stats.dropStream.eventIds.at(-1));
  const waited = stats.dropStream.resumedAt[0] - stats.dropStream.droppedAt[0];
  assert.ok(waited >= 390, `resumed ${waited} ms after the stream ended; retry was 400 ms`);
  assert.equal(stats.toolCalls["drop-stream"], 1, "the call was re-POSTed instead of resumed");

  await assertEchoWorks(s);
});

// ---- expire-session: transparent re-initialize ---------------------------------------------------

test("expire-session: a 404 re-initializes transparently and replays the call once", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("expire-session", { n: 1 });
  assert.equal(text(r), "expire-session replayed on a new session");

  const { stats } = s.server;
  assert.equal(stats.initializes, 2, "did not re-initialize exactly once");
  assert.equal(stats.sessionsExpired.length, 1);
  assert.equal(stats.toolCalls["expire-session"], 2, "the call was not replayed exactly once");
  const calls = stats.log.filter((e) => e.tool === "expire-session");
  assert.equal(calls[0].session, stats.sessionsIssued[0]);
  assert.equal(calls[1].session, stats.sessionsIssued[1], "the replay did not use the new session id");

  await assertEchoWorks(s);
  const echo = stats.log.filter((e) => e.tool === "echo").at(-1);
  assert.equal(echo.session, stats.sessionsIssued[1], "later requests do not use the new session id");

  // Each trigger fires again: a second expiry is recovered from as well.
  assert.equal(text(await s.call("expire-session", { n: 2 })), "expire-session replayed on a new session");
  assert.equal(stats.initializes, 3);
  await assertEchoWorks(s, "after the second expiry");
});

// ---- bad input: typed errors -------------------------------------------------------------------

test("malformed-json: a 200 application/json body that is not JSON rejects with -32700", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("malformed-json");
  assertTypedError(r, CODE.parse, "malformed-json");
  assert.equal(s.server.stats.faults["malformed-json"], 1);
  await assertEchoWorks(s);
});

test("broken-sse: garbage frames and no result reject with -32600 (or -32700), not a timeout", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("broken-sse", {}, { timeoutMs: 10_000 });
  assertTypedError(r, [CODE.invalidMessage, CODE.parse], "broken-sse");
  assert.ok(r.elapsedMs < 5_000, `took ${r.elapsedMs} ms: the end of the stream was not noticed`);
  await assertEchoWorks(s);
});

test("unknown-id: a JSON response to an id never sent rejects with -32600", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("unknown-id", {}, { timeoutMs: 10_000 });
  assertTypedError(r, CODE.invalidMessage, "unknown-id (JSON)");
  assert.ok(r.elapsedMs < 5_000, `took ${r.elapsedMs} ms`);
  await assertEchoWorks(s);
});

test("unknown-id over SSE: the stream ends without our response, -32600", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("unknown-id", { sse: true }, { timeoutMs: 10_000 });
  assertTypedError(r, CODE.invalidMessage, "unknown-id (SSE)");
  assert.ok(r.elapsedMs < 5_000, `took ${r.elapsedMs} ms`);
  await assertEchoWorks(s);
});

for (const [label, args] of [
  ["chunked JSON", {}],
  ["JSON with Content-Length", { declareLength: true }],
  ["one 20 MiB SSE event", { sse: true, bytes: 20 * 1024 * 1024 }],
]) {
  test(`oversized (${label}): a result over 16 MiB rejects with -33005`, { timeout: TEST_TIMEOUT }, async (t) => {
    const s = await connected(t);
    const r = await s.call("oversized", args, { timeoutMs: 30_000 });
    assertTypedError(r, CODE.tooLarge, `oversized (${label})`);
    await assertEchoWorks(s);
  });
}

test("oversized control: a 1 MiB result is delivered whole", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("oversized", { bytes: 1024 * 1024 }, { timeoutMs: 30_000 });
  assert.equal(text(r), `<${1024 * 1024} chars>`);
  await assertEchoWorks(s);
});

test("error-500: HTTP 500 with a text body rejects with -33001 and data.status 500", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("error-500");
  assertTypedError(r, CODE.httpStatus, "error-500");
  assert.equal(r.data?.status, 500, `data: ${JSON.stringify(r.data)}`);
  await assertEchoWorks(s);
});

// ---- waiting: timeout and cancel -----------------------------------------------------------------

function slowCallId(stats) {
  return stats.log.find((e) => e.tool === "slow")?.id;
}

test("slow: timeoutMs rejects with -32001 on time, sends notifications/cancelled, echo is not blocked", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("slow", {}, { timeoutMs: 300 });
  assertTypedError(r, CODE.timeout, "slow with timeoutMs 300");
  assert.ok(r.elapsedMs >= 250 && r.elapsedMs < 2_000, `rejected after ${r.elapsedMs} ms`);

  const { stats } = s.server;
  await assertEchoWorks(s);
  assert.equal(stats.slow.answered, 0, "echo waited for the slow answer");
  await eventually(
    () => stats.cancelled.some((p) => p?.requestId === slowCallId(stats)),
    "no notifications/cancelled for the timed-out request",
  );
});

test("slow: aborting the signal rejects with -32800 and sends notifications/cancelled", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("slow", {}, { abortAfterMs: 200, timeoutMs: 10_000 });
  assertTypedError(r, CODE.cancelled, "slow aborted by signal");
  assert.ok(r.elapsedMs < 2_000, `rejected after ${r.elapsedMs} ms`);

  const { stats } = s.server;
  await eventually(
    () => stats.cancelled.some((p) => p?.requestId === slowCallId(stats)),
    "no notifications/cancelled for the aborted request",
  );
  await assertEchoWorks(s);
});

// ---- floods and unbounded input ---------------------------------------------------------------

/** The page answers a trivial evaluate promptly: nothing is hogging its event loop. */
async function assertResponsive(s, what) {
  const t0 = Date.now();
  await s.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
  const lag = Date.now() - t0;
  assert.ok(lag < 2000, `${what}: the page took ${lag} ms to run a 0 ms timer`);
}

test("endless-event: an SSE event that never ends is cut at maxMessageBytes with -33005, the stream is closed", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const r = await s.call("endless-event", {}, { timeoutMs: 30_000 });
  assertTypedError(r, CODE.tooLarge, "endless-event");
  await eventually(() => s.server.stats.endlessEvent.aborted === 1, "the server did not see the stream closed");
  const written = s.server.stats.endlessEvent.bytesWritten;
  t.diagnostic(`the server wrote ${(written / 1048576).toFixed(1)} MiB before the client closed the stream`);
  assert.ok(written < 64 * 1048576, "the client read the whole 64 MiB: nothing bounded the event");
  await assertResponsive(s, "endless-event");
  await assertEchoWorks(s);
});

for (const [label, args] of [
  ["JSON", {}],
  ["SSE", { sse: true }],
]) {
  test(`deep-json (${label}): a result nested 100,000 deep arrives intact, parsed by the engine; nothing recurses into it`, { timeout: TEST_TIMEOUT }, async (t) => {
    const s = await connected(t);
    const r = await s.evaluate(
      (args) =>
        window.__faults.settle(async () => {
          const result = await window.__faults.client.callTool("deep-json", args);
          let depth = 0;
          for (let v = result._meta.deep; Array.isArray(v); v = v[0]) depth++;
          return { text: result.content[0].text, depth };
        }),
      args,
    );
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.deepEqual(r.value, { text: "deep", depth: 100_000 });
    await assertResponsive(s, `deep-json (${label})`);
    await assertEchoWorks(s);
  });
}

test("wrong-structure: structuredContent is checked against the tool's outputSchema; a mismatch is -32600 naming the path", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const call = (args) => s.evaluate((a) => window.__faults.settle(() => window.__faults.client.callTool("wrong-structure", a)), args);
  // The schema comes from tools/list (as in the TypeScript SDK): list first, as an app does.
  await s.evaluate(() => window.__faults.client.listTools());
  const good = await call({ structured: { sum: 3 } });
  assert.equal(good.ok, true, JSON.stringify(good));
  assert.deepEqual(good.value.structuredContent, { sum: 3 });
  const wrong = await call({ structured: { sum: "3" } });
  assert.equal(wrong.ok, false, JSON.stringify(wrong));
  assert.equal(wrong.code, -32600, JSON.stringify(wrong));
  t.diagnostic(wrong.message);
  assert.match(wrong.message, /outputSchema of "wrong-structure"/);
  assert.match(wrong.message, /sum/);
  const missing = await call({ structured: {} });
  assert.equal(missing.code, -32600, JSON.stringify(missing));
  const none = await call({});
  assert.equal(none.code, -32600, JSON.stringify(none));
  assert.match(none.message, /sent no structuredContent/);
  // A tool error is the tool's own answer: its content is not held to the schema.
  const failed = await call({ structured: { sum: "n/a" }, isError: true });
  assert.equal(failed.ok, true, JSON.stringify(failed));
  await assertEchoWorks(s);
});

test("elicit-flood: 1,000 URL elicitations at once reach the app at most 10 times; the rest are refused with -33015", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await setup(t);
  const c = await s.connect(s.server.url, { declineElicitations: true });
  assert.equal(c.ok, true, JSON.stringify(c));
  const r = await s.call("elicit-flood", {}, { timeoutMs: 45_000 });
  assert.equal(r.ok, true, JSON.stringify(r));
  const tally = r.value.structuredContent;
  t.diagnostic(JSON.stringify(tally));
  const seen = await s.evaluate(() => window.__faults.elicitations.length);
  assert.equal(seen, 10, "the app was handed more (or fewer) elicitations than the guard allows");
  assert.deepEqual(tally, { "result decline": 10, [`error ${CODE.rateLimited}`]: 990 }, "every request was answered once");
  assert.equal(s.server.stats.elicitFlood.answers, 1000);
  await assertResponsive(s, "elicit-flood");
  await assertEchoWorks(s);
});

test("10,000 requests in flight: each settles with its own typed error when aborted, and the client goes on", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await setup(t);
  // The real server for everything but the held tool; `hold` is answered by nobody until the
  // caller aborts, and cancellations are counted in the page instead of making 10,000 POSTs.
  await s.evaluate(() => {
    window.__hold = { started: 0, cancelled: 0 };
    window.__holdFetch = (input, init = {}) => {
      const body = typeof init.body === "string" ? init.body : "";
      if (body.includes('"notifications/cancelled"')) {
        window.__hold.cancelled += 1;
        return Promise.resolve(new Response(null, { status: 202 }));
      }
      if (!body.includes('"name":"hold"')) return fetch(input, init);
      window.__hold.started += 1;
      return new Promise((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => reject(init.signal.reason ?? new DOMException("aborted", "AbortError")));
      });
    };
  });
  const c = await s.evaluate((url) => window.__faults.connect(url, { fetch: window.__holdFetch, requestTimeoutMs: 0 }), s.server.url);
  assert.equal(c.ok, true, JSON.stringify(c));
  const r = await s.evaluate(async () => {
    const f = window.__faults;
    const ctrl = new AbortController();
    const tStart = performance.now();
    const calls = Array.from({ length: 10_000 }, () => f.settle(() => f.client.callTool("hold", {}, { signal: ctrl.signal })));
    // Every request reached fetch, and the page still runs timers while they are pending.
    for (let i = 0; i < 200 && window.__hold.started < 10_000; i++) await new Promise((r) => setTimeout(r, 25));
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 0));
    const lagWhilePending = performance.now() - t0;
    const started = window.__hold.started;
    const startMs = performance.now() - tStart;
    const tAbort = performance.now();
    ctrl.abort();
    const outcomes = await Promise.all(calls);
    // Reported, not asserted: a free-list allocator once made this phase quadratic (54 s).
    const settleMs = performance.now() - tAbort;
    const codes = {};
    for (const o of outcomes) codes[o.ok ? "ok" : o.code] = (codes[o.ok ? "ok" : o.code] ?? 0) + 1;
    return { started, codes, lagWhilePending, cancelled: window.__hold.cancelled, startMs, settleMs };
  });
  t.diagnostic(JSON.stringify(r));
  assert.equal(r.started, 10_000);
  assert.deepEqual(r.codes, { [CODE.cancelled]: 10_000 });
  assert.equal(r.cancelled, 10_000, "not every abandoned request was cancelled at the server");
  assert.ok(r.lagWhilePending < 2000, `a 0 ms timer took ${r.lagWhilePending} ms with 10,000 requests pending`);
  await assertEchoWorks(s);
});

// ---- many faults at once ------------------------------------------------------------------------

test("concurrent faults stay confined to their own requests", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await connected(t);
  const results = await s.evaluate(() => {
    const f = window.__faults;
    return Promise.all([
      f.call("malformed-json"),
      f.call("echo", { message: "a" }),
      f.call("unknown-id"),
      f.call("error-500"),
      f.call("broken-sse"),
      f.call("echo", { message: "b" }),
    ]);
  });
  const [malformed, echoA, unknown, status500, broken, echoB] = results;
  assertTypedError(malformed, CODE.parse, "malformed-json (concurrent)");
  assertTypedError(unknown, CODE.invalidMessage, "unknown-id (concurrent)");
  assertTypedError(status500, CODE.httpStatus, "error-500 (concurrent)");
  assertTypedError(broken, [CODE.invalidMessage, CODE.parse], "broken-sse (concurrent)");
  assert.equal(text(echoA), "Echo: a");
  assert.equal(text(echoB), "Echo: b");
  await assertEchoWorks(s);
});

// ---- CORS: a session id the page cannot read --------------------------------------------------

test("hide-session-header: a session id hidden by CORS is reported as -33003 naming Mcp-Session-Id", { timeout: TEST_TIMEOUT }, async (t) => {
  const s = await setup(t);
  const r = await s.evaluate(
    (url) =>
      window.__faults.settle(async () => {
        const c = await McpClient.connect(url, {
          clientInfo: { name: "fault-tests", version: "1.0.0" },
          requestTimeoutMs: 15000,
        });
        try {
          return await c.callTool("echo", { message: "unreachable" });
        } finally {
          await c.close().catch(() => {});
        }
      }),
    s.server.noCorsUrl,
  );
  assertTypedError(r, CODE.corsHeaderHidden, "hide-session-header");
  assert.match(r.message, /mcp-session-id/i, "the message does not name the header");
  assert.match(r.message, /Access-Control-Expose-Headers/i, "the message does not say how to fix it");
  assert.ok(s.server.stats.initializes <= 2, `initialized ${s.server.stats.initializes} times`);
});
