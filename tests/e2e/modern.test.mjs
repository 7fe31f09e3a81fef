// The stateless 2026-07-28 era end to end: the built package in headless Chromium against
// modern-era servers we did not write the protocol of —
//   - the official TypeScript SDK v2 (@modelcontextprotocol/server + @modelcontextprotocol/node,
//     fixtures/modern-server.mjs) in "modern" (legacy: 'reject') and "dual" (modern + stateless
//     2025 fallback) modes; every request it gets is recorded in `stats`;
//   - the official Rust SDK (rmcp 3.x, tests/fixtures/rmcp-server, built on first use);
// and, for the era detection and "same app code" checks, @modelcontextprotocol/server-everything
// (legacy era) behind the harness's recording CORS proxy.
//
// The page is pages/modern.html (the package + window.modern, plain app code on the JS API); the
// URL-mode test uses the elicitation helper's pages/elicitation-app.html with real clicks, driven
// through CDP without a user gesture (Playwright's page.evaluate carries one).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {
  PKG_JS,
  REPO_ROOT,
  freePort,
  launchBrowser,
  openClientPage,
  pageHelpers,
  sleep,
  startCorsProxy,
  startProcess,
  startServerEverything,
  startStatic,
  waitFor,
} from "./harness.mjs";
import { startModernServer, SERVER_NAME, SERVER_TITLE, SERVER_VERSION, INSTRUCTIONS } from "./fixtures/modern-server.mjs";
import { startOriginServer } from "./fixtures/origin-server.mjs";

const MODERN = "2026-07-28";
const LEGACY = "2025-11-25";
const PAGE = "/tests/e2e/pages/modern.html";
const APP_PAGE = "/tests/e2e/pages/elicitation-app.html";
const T = { timeout: 60_000 };
const RMCP_DIR = path.join(REPO_ROOT, "tests", "fixtures", "rmcp-server");
const RMCP_BIN = path.join(RMCP_DIR, "target", "debug", "rmcp-test-server");
const ROOTS = [
  { uri: "file:///home/me/project", name: "project" },
  { uri: "file:///tmp/scratch" },
];

let statik;
let browser;
let modernSrv; // legacy: 'reject'
let dualSrv; // modern + stateless legacy fallback
let everything;
let everythingProxy; // records what reaches server-everything
let appSite; // the elicitation app's origin
let compSite; // the completion page's origin (another port = another origin)

before(async () => {
  if (!fs.existsSync(PKG_JS)) throw new Error("pkg/mcp_web_client.js does not exist: build the package first (make pkg)");
  statik = await startStatic();
  modernSrv = await startModernServer({ mode: "modern", log: !!process.env.E2E_VERBOSE });
  dualSrv = await startModernServer({ mode: "dual", log: !!process.env.E2E_VERBOSE });
  everything = await startServerEverything("streamableHttp");
  everythingProxy = await startCorsProxy({ target: new URL(everything.url).origin });
  appSite = await startOriginServer();
  compSite = await startOriginServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const s of [compSite, appSite, everythingProxy, everything, dualSrv, modernSrv, statik]) await s?.stop();
});

// ---- helpers ----------------------------------------------------------------------------------

const serverTail = () =>
  [modernSrv, dualSrv]
    .filter(Boolean)
    .map((s) => `${s.mode} server errors: ${JSON.stringify(s.errors.slice(-10))}`)
    .join("\n");

/** A fresh browser context on the modern app page, closed after the test. */
async function openPage(t) {
  const page = await openClientPage(browser, statik.origin, { path: PAGE });
  t.after(() => page.context().close().catch(() => {}));
  const h = pageHelpers(() => page, serverTail);
  const s = {
    page,
    ...h,
    async connect(key, url, opts = {}) {
      return h.expectOk(await h.inPage(([k, u, o]) => window.modern.connect(k, u, o), [key, url, opts]), `connect(${url}, ${JSON.stringify(opts)})`);
    },
    connectSettled: (key, url, opts = {}) => h.inPage(([k, u, o]) => window.modern.connect(k, u, o), [key, url, opts]),
    call: (key, method, ...args) => h.inPage(([k, m, a]) => window.modern.call(k, m, ...a), [key, method, args]),
    async ok(key, method, ...args) {
      return h.expectOk(await s.call(key, method, ...args), `${method}(${JSON.stringify(args).slice(0, 200)})`);
    },
    callTool: (key, name, args, opts) => h.inPage(([k, n, a, o]) => window.modern.callTool(k, n, a, o), [key, name, args, opts]),
    async tool(key, name, args = {}, opts) {
      return h.expectOk(await s.callTool(key, name, args, opts), `callTool ${name}`);
    },
    plan: (elicitations = [], samplings = []) =>
      h.inPage(([e, sm]) => {
        window.modern.elicitationPlan = e;
        window.modern.samplingPlan = sm;
      }, [elicitations, samplings]),
    state: () =>
      h.inPage(() => ({
        elicitations: window.modern.elicitations,
        samplings: window.modern.samplings,
        events: window.modern.events,
        progress: window.modern.progress,
        pending: window.modern.pending,
      })),
  };
  return s;
}

const text = (result) => (result?.content ?? []).map((c) => c.text ?? "").join("");

/** The JSON-RPC result (or error) of a recorded response, JSON or SSE. */
function responseMessage(entry) {
  const body = entry.responseBody ?? "";
  const tryParse = (s) => {
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  };
  if (/^\s*[{[]/.test(body)) return tryParse(body);
  const datas = body
    .split(/\r?\n/)
    .filter((l) => l.startsWith("data:"))
    .map((l) => tryParse(l.slice(5).trim()))
    .filter((m) => m && m.id !== undefined);
  return datas[datas.length - 1];
}

const brief = (reqs) =>
  JSON.stringify(
    reqs.map((r) => ({
      http: r.method,
      rpc: r.rpcMethod,
      id: r.rpcId,
      mcpMethod: r.headers["mcp-method"],
      mcpName: r.headers["mcp-name"],
      version: r.headers["mcp-protocol-version"],
      params: r.json?.params ? { ...r.json.params, _meta: r.json.params._meta ? Object.keys(r.json.params._meta) : undefined } : undefined,
      status: r.status,
      response: r.responseBody?.slice(0, 300),
    })),
    null,
    1,
  );

/** Every modern-era POST request must carry the headers and the `_meta` of the era. */
function assertModernRequest(r, what = "") {
  const ctx = `${what} ${r.rpcMethod} request #${r.seq}: ${brief([r])}`;
  assert.equal(r.method, "POST", ctx);
  const b = r.json;
  assert.ok(b && b.jsonrpc === "2.0", `not a JSON-RPC body: ${ctx}`);
  assert.equal(r.headers["mcp-method"], b.method, `Mcp-Method header: ${ctx}`);
  assert.equal(r.headers["mcp-protocol-version"], MODERN, `MCP-Protocol-Version header: ${ctx}`);
  const accept = r.headers.accept ?? "";
  assert.ok(accept.includes("application/json") && accept.includes("text/event-stream"), `Accept ${accept}: ${ctx}`);
  assert.match(r.headers["content-type"] ?? "", /^application\/json/, `Content-Type: ${ctx}`);
  if (b.method === "tools/call" || b.method === "prompts/get") assert.equal(r.headers["mcp-name"], b.params.name, `Mcp-Name: ${ctx}`);
  if (b.method === "resources/read") assert.equal(r.headers["mcp-name"], b.params.uri, `Mcp-Name: ${ctx}`);
  assert.ok(!("mcp-session-id" in r.headers), `a session id in the stateless era: ${ctx}`);
  if (b.id !== undefined) {
    const meta = b.params?._meta ?? {};
    assert.equal(meta["io.modelcontextprotocol/protocolVersion"], MODERN, `_meta protocolVersion: ${ctx}`);
    assert.equal(typeof meta["io.modelcontextprotocol/clientCapabilities"], "object", `_meta clientCapabilities: ${ctx}`);
    assert.ok(meta["io.modelcontextprotocol/clientInfo"]?.name, `_meta clientInfo: ${ctx}`);
  }
}

/** Requests to `srv` since `mark` whose JSON-RPC method is `method` (and params.name / uri is `name`). */
const rpcSince = (srv, mark, method, name) =>
  srv.stats.since(mark).filter((r) => r.rpcMethod === method && (name === undefined || r.json?.params?.name === name || r.json?.params?.uri === name));

// ---- connect and era detection ------------------------------------------------------------------

describe("modern server (SDK v2, modern only): connect", () => {
  test("auto: server/discover decides the era; protocolVersion, serverInfo, capabilities, instructions", T, async (t) => {
    const s = await openPage(t);
    const m = modernSrv.stats.mark();
    const info = await s.connect("c", modernSrv.url);
    assert.equal(info.protocolVersion, MODERN);
    assert.deepEqual(info.serverInfo, { name: SERVER_NAME, title: SERVER_TITLE, version: SERVER_VERSION });
    assert.equal(info.instructions, INSTRUCTIONS);
    assert.ok(info.serverCapabilities?.tools, `serverCapabilities ${JSON.stringify(info.serverCapabilities)}`);
    const reqs = modernSrv.stats.since(m).filter((r) => r.method === "POST");
    t.diagnostic(`connect sent: ${reqs.map((r) => r.rpcMethod).join(", ")}`);
    assert.equal(reqs[0]?.rpcMethod, "server/discover", `the first request is not server/discover: ${brief(reqs)}`);
    assert.equal(rpcSince(modernSrv, m, "initialize").length, 0, "initialize sent to a modern server");
    const meta = reqs[0].json.params._meta;
    assert.deepEqual(meta["io.modelcontextprotocol/clientInfo"], { name: "modern-e2e", title: "Modern E2E", version: "0.1.0" });
    // Capabilities follow the callbacks given: elicitation (form + url), sampling.
    const caps = meta["io.modelcontextprotocol/clientCapabilities"];
    assert.ok(caps.elicitation, `clientCapabilities ${JSON.stringify(caps)}`);
    assert.ok(caps.sampling, `clientCapabilities ${JSON.stringify(caps)}`);
    for (const r of reqs) assertModernRequest(r, "connect:");
    // The app listens for list changes, which opens a subscriptions/listen stream right after
    // connect; under load it can reach the server late, so wait for it before marking.
    await waitFor(() => rpcSince(modernSrv, m, "subscriptions/listen").length > 0, { what: "the listen stream" });
    const mc = modernSrv.stats.mark();
    await s.ok("c", "close");
    await sleep(200);
    const afterClose = modernSrv.stats.since(mc);
    assert.deepEqual(afterClose.map((r) => r.method), [], `close sent requests in the stateless era: ${brief(afterClose)}`);
    // Last, so the checks above run anyway.
    // The probe's answer IS a valid discover result: asking again is a wasted round trip.
    assert.equal(rpcSince(modernSrv, m, "server/discover").length, 1, `server/discover sent more than once by one connect: ${brief(reqs)}`);
  });

  test("era caching: a second connect to the same origin in the same page sends no probe", T, async (t) => {
    const s = await openPage(t);
    const m1 = modernSrv.stats.mark();
    await s.connect("a", modernSrv.url);
    const first = rpcSince(modernSrv, m1, "server/discover").length;
    const m2 = modernSrv.stats.mark();
    const info = await s.connect("b", modernSrv.url);
    const second = rpcSince(modernSrv, m2, "server/discover").length;
    t.diagnostic(`server/discover per connect: first ${first}, second ${second}`);
    assert.equal(info.protocolVersion, MODERN);
    assert.equal(info.serverInfo?.name, SERVER_NAME, "serverInfo on the cached connect");
    assert.ok(first >= 1, "the first connect sent no server/discover");
    // Without a cached era the client probes; with one it at most fetches the discover result.
    assert.ok(second === 0 || second < first, `the second connect probed again: ${first} then ${second} server/discover\n${brief(modernSrv.stats.since(m2))}`);
    assert.equal(rpcSince(modernSrv, m2, "initialize").length, 0);
    assert.equal(text(await s.tool("b", "echo", { message: "cached" })), "Echo: cached");
  });

  test("the discover result is cached for its ttlMs (300000, public): a second connect sends no server/discover", T, async (t) => {
    const s = await openPage(t);
    await s.connect("a", modernSrv.url);
    const m = modernSrv.stats.mark();
    const info = await s.connect("b", modernSrv.url);
    assert.equal(info.serverInfo?.name, SERVER_NAME);
    assert.equal(info.instructions, INSTRUCTIONS);
    const again = rpcSince(modernSrv, m, "server/discover");
    assert.equal(again.length, 0, `server/discover asked again within its ttlMs: ${brief(again)}`);
  });

  test("list results are cached for their ttlMs (prompts/list: 300000, private); cache: false asks every time", T, async (t) => {
    const s = await openPage(t);
    await s.connect("a", modernSrv.url);
    await s.connect("nocache", modernSrv.url, { cache: false });
    const m = modernSrv.stats.mark();
    const first = await s.ok("a", "listPrompts");
    const second = await s.ok("a", "listPrompts");
    assert.deepEqual(second, first, "the cached answer differs from the first");
    assert.ok(Array.isArray(second.prompts) && second.prompts.length > 0);
    assert.equal(rpcSince(modernSrv, m, "prompts/list").length, 1, "prompts/list was asked again within its ttlMs");
    const m2 = modernSrv.stats.mark();
    await s.ok("nocache", "listPrompts");
    await s.ok("nocache", "listPrompts");
    assert.equal(rpcSince(modernSrv, m2, "prompts/list").length, 2, "cache: false still answered from a cache");
  });

  test("pinned 2026-07-28: no era probing beyond discover, works", T, async (t) => {
    const s = await openPage(t);
    const m = modernSrv.stats.mark();
    const info = await s.connect("p", modernSrv.url, { protocolVersion: MODERN });
    assert.equal(info.protocolVersion, MODERN);
    assert.equal(rpcSince(modernSrv, m, "initialize").length, 0);
    assert.equal(text(await s.tool("p", "echo", { message: "pinned" })), "Echo: pinned");
  });

  test("pinned 2025-11-25 against a modern-only server: a McpError with a numeric code, not a hang", T, async (t) => {
    const s = await openPage(t);
    const m = modernSrv.stats.mark();
    const r = await s.connectSettled("x", modernSrv.url, { protocolVersion: LEGACY });
    const reqs = modernSrv.stats.since(m).filter((x) => x.method === "POST");
    t.diagnostic(`connect: ${JSON.stringify(r)}\nsent: ${brief(reqs)}`);
    assert.equal(r.ok, false, "a legacy-pinned connect to a modern-only server succeeded");
    assert.equal(r.error.name, "McpError");
    assert.equal(typeof r.error.code, "number");
    // The server answered initialize with 400 / -32022 naming 2026-07-28.
    assert.ok(rpcSince(modernSrv, m, "initialize").length >= 1, "no initialize was sent");
    assert.ok([-32022, -33004].includes(r.error.code), `code ${r.error.code}: expected -32022 (server) or -33004 (library)`);
  });
});

describe("dual server (SDK v2: modern + stateless legacy fallback)", () => {
  test("auto picks 2026-07-28 without initialize", T, async (t) => {
    const s = await openPage(t);
    const m = dualSrv.stats.mark();
    const info = await s.connect("d", dualSrv.url);
    assert.equal(info.protocolVersion, MODERN);
    assert.equal(rpcSince(dualSrv, m, "initialize").length, 0, "initialize sent although discover succeeded");
    assert.equal(text(await s.tool("d", "echo", { message: "dual" })), "Echo: dual");
    for (const r of dualSrv.stats.since(m).filter((x) => x.method === "POST")) assertModernRequest(r, "dual:");
  });

  test("pinned 2025-11-25 uses the legacy initialize handshake and no _meta envelope", T, async (t) => {
    const s = await openPage(t);
    const m = dualSrv.stats.mark();
    const info = await s.connect("l", dualSrv.url, { protocolVersion: LEGACY });
    assert.equal(info.protocolVersion, LEGACY);
    assert.equal(info.serverInfo?.name, SERVER_NAME);
    const init = rpcSince(dualSrv, m, "initialize");
    assert.equal(init.length, 1, `initialize count: ${brief(dualSrv.stats.since(m))}`);
    assert.equal(init[0].json.params.protocolVersion, LEGACY);
    assert.equal(rpcSince(dualSrv, m, "server/discover").length, 0, "a pinned legacy connect probed server/discover");
    const r = await s.tool("l", "echo", { message: "legacy" });
    assert.equal(text(r), "Echo: legacy");
    const call = rpcSince(dualSrv, m, "tools/call", "echo").at(-1);
    assert.equal(call.headers["mcp-protocol-version"], LEGACY, `tools/call header: ${brief([call])}`);
    assert.equal(call.json.params._meta?.["io.modelcontextprotocol/protocolVersion"], undefined, "legacy request carries the modern envelope");
    await s.ok("l", "close");
  });
});

describe("legacy server (server-everything) through the same API", () => {
  test("auto picks 2025-11-25; a second connect in the same page does not probe again", T, async (t) => {
    const s = await openPage(t);
    const url = `${everythingProxy.origin}/mcp`;
    const n1 = everythingProxy.requests.length;
    const info = await s.connect("e1", url);
    assert.equal(info.protocolVersion, LEGACY);
    const first = everythingProxy.requests.slice(n1).filter((r) => r.method === "POST").map((r) => r.json()?.method);
    t.diagnostic(`first connect: ${first.join(", ")}`);
    assert.ok(first.includes("initialize"), `no initialize: ${first}`);
    const n2 = everythingProxy.requests.length;
    await s.connect("e2", url);
    const second = everythingProxy.requests.slice(n2).filter((r) => r.method === "POST").map((r) => r.json()?.method);
    t.diagnostic(`second connect: ${second.join(", ")}`);
    assert.ok(!second.includes("server/discover"), `the second connect probed again: ${second}`);
    assert.ok(second.includes("initialize"), `the second connect did not initialize: ${second}`);
    await s.ok("e1", "close");
    await s.ok("e2", "close");
  });

  test("an answered POST's stream is read to its end, not aborted: sequential calls keep their connection", T, async (t) => {
    const s = await openPage(t);
    await s.connect("k", `${everythingProxy.origin}/mcp`);
    const [n, opened] = [everythingProxy.requests.length, everythingProxy.connections()];
    for (let i = 0; i < 20; i++) assert.equal(text(await s.tool("k", "echo", { message: `m${i}` })), `Echo: m${i}`);
    await sleep(300); // the last stream's end
    const posts = everythingProxy.requests.slice(n).filter((r) => r.method === "POST");
    const cut = posts.filter((r) => r.outcome !== "complete");
    const fresh = everythingProxy.connections() - opened;
    t.diagnostic(`20 calls: ${fresh} new connections; outcomes ${[...new Set(posts.map((r) => r.outcome))]}`);
    assert.equal(cut.length, 0, `POST streams that did not end on their own: ${cut.map((r) => r.outcome)}`);
    // Aborting each stream as its response arrived opened a connection per call.
    assert.ok(fresh <= 4, `${fresh} new connections for 20 sequential calls`);
    await s.ok("k", "close");
  });

  test("the era outlives a reload (sessionStorage): no probe after it; cache: false probes; a stale era is forgotten", T, async (t) => {
    const s = await openPage(t);
    const url = `${everythingProxy.origin}/mcp`;
    const posts = (n) => everythingProxy.requests.slice(n).filter((r) => r.method === "POST").map((r) => r.json()?.method);
    const reload = async () => {
      await s.page.reload();
      await s.page.waitForFunction(() => window.ready === true && window.modern);
    };
    await s.connect("e1", url);
    assert.equal(await s.page.evaluate((u) => sessionStorage.getItem(`mcp-web-client:era:${u}`), url), "legacy");
    await reload();
    let n = everythingProxy.requests.length;
    assert.equal((await s.connect("e2", url)).protocolVersion, LEGACY);
    assert.deepEqual(posts(n).slice(0, 1), ["initialize"], `the reloaded page probed again: ${posts(n)}`);
    await reload();
    n = everythingProxy.requests.length;
    await s.connect("e3", url, { cache: false });
    assert.deepEqual(posts(n).slice(0, 2), ["server/discover", "initialize"], `cache: false did not probe: ${posts(n)}`);
    // A modern server remembered as legacy (it changed era): its refusal of initialize is not
    // the answer; the client probes, connects the modern way and remembers that.
    await s.page.evaluate((u) => sessionStorage.setItem(`mcp-web-client:era:${u}`, "legacy"), modernSrv.url);
    await reload();
    const m = modernSrv.stats.mark();
    assert.equal((await s.connect("m", modernSrv.url)).protocolVersion, MODERN);
    assert.deepEqual(modernSrv.stats.since(m).filter((r) => r.method === "POST").map((r) => r.rpcMethod).slice(0, 2), ["initialize", "server/discover"]);
    assert.equal(await s.page.evaluate((u) => sessionStorage.getItem(`mcp-web-client:era:${u}`), modernSrv.url), "modern");
  });

  test("pinned 2026-07-28 against a legacy-only server: a McpError with a numeric code", T, async (t) => {
    const s = await openPage(t);
    const r = await s.connectSettled("x", everything.url, { protocolVersion: MODERN });
    t.diagnostic(JSON.stringify(r));
    assert.equal(r.ok, false, "a modern-pinned connect to server-everything succeeded");
    assert.equal(r.error.name, "McpError");
    assert.equal(typeof r.error.code, "number");
  });

  test("the same app code works unchanged against server-everything and the modern server", T, async (t) => {
    const s = await openPage(t);
    const legacy = await s.inPage((u) => window.modern.appFlow(u), everything.url);
    const modern = await s.inPage((u) => window.modern.appFlow(u), modernSrv.url);
    t.diagnostic(JSON.stringify({ legacy, modern }));
    assert.equal(legacy.protocolVersion, LEGACY);
    assert.equal(modern.protocolVersion, MODERN);
    assert.equal(legacy.serverName, "mcp-servers/everything");
    assert.equal(modern.serverName, SERVER_NAME);
    for (const r of [legacy, modern]) {
      assert.equal(r.hasEcho, true);
      assert.equal(r.echoSchemaType, "object");
      assert.equal(r.text, "Echo: same code");
      // An unknown tool: server-everything (SDK 1.x) answers an isError result, the SDK v2 server
      // a JSON-RPC error; either way the app sees it the same way it does for its era.
      if (r.unknown.rejected) {
        assert.equal(r.unknown.error.name, "McpError");
        assert.equal(typeof r.unknown.error.code, "number");
      } else {
        assert.equal(r.unknown.result.isError, true, JSON.stringify(r.unknown));
      }
    }
    // Results look the same in both eras: era bookkeeping (resultType) stays inside the library.
    const strip = (keys) => keys.filter((k) => k !== "_meta");
    assert.deepEqual(strip(modern.resultKeys), strip(legacy.resultKeys), `result keys differ between eras: modern ${modern.resultKeys} vs legacy ${legacy.resultKeys}`);
  });
});

// ---- tools and headers ------------------------------------------------------------------------

describe("modern server: tools, headers, results", () => {
  test("listTools drops tools with invalid x-mcp-header declarations and says so", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    const m = modernSrv.stats.mark();
    const { tools } = await s.ok("c", "listTools");
    const names = tools.map((x) => x.name);
    t.diagnostic(`tools: ${names.join(", ")}`);
    for (const n of ["echo", "add", "ask-name", "ask-twice", "visit-url", "summarize", "list-roots", "regional", "progress"]) {
      assert.ok(names.includes(n), `${n} missing from ${names}`);
    }
    assert.ok(!names.includes("bad-header-tool"), "bad-header-tool (x-mcp-header on a number) was not dropped");
    assert.ok(!names.includes("bad-header-items"), "bad-header-items (x-mcp-header inside items) was not dropped");
    // The server did list them: the client dropped them.
    const served = responseMessage(rpcSince(modernSrv, m, "tools/list")[0]) ?? {};
    assert.ok(served.result?.tools?.some((x) => x.name === "bad-header-tool"), "the server did not list bad-header-tool");
    // The valid declaration survives untouched.
    const regional = tools.find((x) => x.name === "regional");
    assert.equal(regional.inputSchema.properties.region["x-mcp-header"], "Region");
    // Reported as a log (or error) event naming the tools.
    const st = await s.state();
    const reports = [...(st.events.c.log ?? []), ...(st.events.c.error ?? [])].map((e) => JSON.stringify(e));
    t.diagnostic(`reports: ${reports.join("\n")}`);
    for (const n of ["bad-header-tool", "bad-header-items"]) {
      assert.ok(reports.some((x) => x.includes(n)), `no log/error event names ${n}: ${reports}`);
    }
    // listAllTools agrees.
    const all = await s.ok("c", "listAllTools");
    assert.ok(!all.some((x) => x.name.startsWith("bad-header")), "listAllTools kept an invalid tool");
    for (const r of modernSrv.stats.since(m).filter((x) => x.method === "POST")) assertModernRequest(r, "listTools:");
  });

  test("callTool: text and structured results, isError, each POST with Mcp-Method / Mcp-Name", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    const m = modernSrv.stats.mark();
    const echo = await s.tool("c", "echo", { message: "hi" });
    assert.deepEqual(echo.content, [{ type: "text", text: "Echo: hi" }]);
    const add = await s.tool("c", "add", { a: 2, b: 3 });
    assert.deepEqual(add.structuredContent, { sum: 5 });
    assert.equal(text(add), "5");
    const fail = await s.tool("c", "fail", {});
    assert.equal(fail.isError, true);
    assert.equal(text(fail), "it failed");
    const calls = rpcSince(modernSrv, m, "tools/call");
    assert.equal(calls.length, 3, brief(calls));
    assert.deepEqual(calls.map((r) => r.headers["mcp-name"]), ["echo", "add", "fail"]);
    assert.deepEqual(calls[1].json.params.arguments, { a: 2, b: 3 });
    for (const r of modernSrv.stats.since(m).filter((x) => x.method === "POST")) assertModernRequest(r, "callTool:");
    t.diagnostic(`echo result keys: ${Object.keys(echo)}`);
  });

  test("errors are McpError with numeric codes: unknown tool, missing capability (-32021), unknown resource", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url, { sample: false });
    const unknown = await s.callTool("c", "no-such-tool", {});
    assert.equal(unknown.ok, false);
    assert.equal(unknown.error.name, "McpError");
    assert.equal(unknown.error.isError, true);
    assert.equal(unknown.error.code, -32602, JSON.stringify(unknown.error));
    // Without onSampling the client declares no sampling: the server refuses to ask (-32021).
    const m = modernSrv.stats.mark();
    const noCap = await s.callTool("c", "summarize", { text: "x" });
    assert.equal(noCap.ok, false, JSON.stringify(noCap));
    assert.equal(noCap.error.code, -32021, JSON.stringify(noCap.error));
    assert.ok(noCap.error.data?.requiredCapabilities?.sampling, `data: ${JSON.stringify(noCap.error.data)}`);
    const caps = rpcSince(modernSrv, m, "tools/call")[0].json.params._meta["io.modelcontextprotocol/clientCapabilities"];
    assert.equal(caps.sampling, undefined, `sampling declared without onSampling: ${JSON.stringify(caps)}`);
    const missing = await s.call("c", "readResource", "demo://nope");
    assert.equal(missing.ok, false);
    assert.ok([-32602, -32002].includes(missing.error.code), `resource not found code ${missing.error.code}`);
    // The client stays usable.
    assert.equal(text(await s.tool("c", "echo", { message: "after errors" })), "Echo: after errors");
    const ping = await s.call("c", "ping");
    t.diagnostic(`ping in the modern era: ${JSON.stringify(ping)}`);
  });

  test("x-mcp-header: Mcp-Param-Region is sent (plain and base64-encoded), the server's check passes", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    await s.ok("c", "listTools");
    const m = modernSrv.stats.mark();
    const r1 = await s.tool("c", "regional", { region: "eu-west-1", query: "q" });
    assert.deepEqual(r1.structuredContent, { region: "eu-west-1", header: "eu-west-1" });
    const r2 = await s.tool("c", "regional", { region: "Zürich" });
    assert.equal(r2.structuredContent.region, "Zürich");
    const calls = rpcSince(modernSrv, m, "tools/call", "regional");
    assert.equal(calls.length, 2, `retries or extra calls: ${brief(calls)}`);
    assert.equal(calls[0].headers["mcp-param-region"], "eu-west-1");
    assert.equal(calls[1].headers["mcp-param-region"], `=?base64?${Buffer.from("Zürich", "utf8").toString("base64")}?=`);
    // Tools without declarations get no Mcp-Param-* headers.
    await s.tool("c", "echo", { message: "no params" });
    const echo = rpcSince(modernSrv, m, "tools/call", "echo")[0];
    assert.deepEqual(Object.keys(echo.headers).filter((k) => k.startsWith("mcp-param-")), []);
  });

  test("x-mcp-header: a value with CR/LF, NUL and non-ASCII travels as the base64 sentinel, never as extra headers", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    await s.ok("c", "listTools");
    const m = modernSrv.stats.mark();
    const hostile = "eu\r\nInjected: yes\r\n\r\n\u0000 Zürich ✓ ";
    const r = await s.tool("c", "regional", { region: hostile });
    // The SDK server decodes the header and compares it with the argument before dispatch.
    assert.equal(r.structuredContent.region, hostile);
    const [call] = rpcSince(modernSrv, m, "tools/call", "regional");
    const header = call.headers["mcp-param-region"];
    assert.equal(header, `=?base64?${Buffer.from(hostile, "utf8").toString("base64")}?=`);
    assert.equal(r.structuredContent.header, header, "the server saw exactly that header");
    assert.ok(/^[\x20-\x7e]+$/.test(header), header);
    assert.deepEqual(Object.keys(call.headers).filter((k) => /injected/i.test(k)), [], "no injected header");
  });

  test("x-mcp-header before listTools: the -32020 answer makes the client re-list and retry once", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    const m = modernSrv.stats.mark();
    const r = await s.tool("c", "regional", { region: "ap-south-1" });
    assert.equal(r.structuredContent.header, "ap-south-1");
    const seq = modernSrv.stats.since(m).filter((x) => x.method === "POST");
    t.diagnostic(brief(seq));
    const calls = seq.filter((x) => x.rpcMethod === "tools/call");
    assert.equal(calls.at(-1).headers["mcp-param-region"], "ap-south-1");
    assert.ok(calls.length <= 2, `more than one retry: ${calls.length}`);
    if (calls.length === 2) {
      assert.equal(calls[0].status, 400);
      assert.ok(seq.some((x) => x.rpcMethod === "tools/list"), "retried without re-listing");
      assert.notEqual(calls[0].rpcId, calls[1].rpcId, "the retry reused the JSON-RPC id");
    }
  });

  test("progress: notifications on an SSE response reach onProgress, then the result", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    const m = modernSrv.stats.mark();
    const r = await s.tool("c", "progress", { steps: 3 }, { progress: true });
    assert.equal(text(r), "progressed 3");
    const st = await s.state();
    assert.deepEqual(
      st.progress.c.map((p) => [p.progress, p.total]),
      [[1, 3], [2, 3], [3, 3]],
      JSON.stringify(st.progress.c),
    );
    const call = rpcSince(modernSrv, m, "tools/call", "progress")[0];
    assert.ok(call.json.params._meta.progressToken !== undefined, "no progressToken in _meta");
    assert.match(String(call.contentType), /text\/event-stream/, "the server did not stream (test premise)");
  });
});

describe("modern server: cancellation", () => {
  test("aborting a call closes its response stream and sends no notifications/cancelled", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    const m = modernSrv.stats.mark();
    const r = await s.callTool("c", "progress", { steps: 100 }, { abortOnProgress: 2 });
    assert.equal(r.ok, false, `the aborted call resolved: ${JSON.stringify(r.value)?.slice(0, 300)}`);
    assert.equal(r.error.name, "McpError");
    assert.equal(r.error.code, -32800, JSON.stringify(r.error));
    const call = rpcSince(modernSrv, m, "tools/call", "progress")[0];
    await waitFor(() => call.done || call.closedEarly, { timeoutMs: 5000, what: "the server to see the stream end" });
    assert.equal(call.closedEarly, true, "the response stream was not closed by the client (the server finished it)");
    await sleep(300);
    const cancels = rpcSince(modernSrv, m, "notifications/cancelled");
    assert.deepEqual(cancels.map((x) => x.json), [], "notifications/cancelled sent in the stateless era (closing the stream is the cancel signal)");
    assert.equal(text(await s.tool("c", "echo", { message: "after abort" })), "Echo: after abort");
  });
});

describe("modern server: a broken response stream is re-issued under a new id", () => {
  // 2026-07-28 has no resumption: a response stream that ends before the result means asking
  // again, once, under a new JSON-RPC id. fixtures/modern-server.mjs breaks the first tools/call
  // of each `flaky` key after a priming event (with an event id and `retry: 100`, which a
  // resuming client would follow with a GET + Last-Event-ID).
  for (const cut of ["destroy", "end"]) {
    test(`cut by ${cut === "destroy" ? "a destroyed socket" : "a cleanly ended response"}: one callTool promise, two POSTs, same params, new id, no cancel`, T, async (t) => {
      const s = await openPage(t);
      await s.connect("c", modernSrv.url);
      const key = `k-${process.pid}-${Date.now()}-${cut}`;
      const m = modernSrv.stats.mark();
      const r = await s.callTool("c", "flaky", { key, cut });
      const mine = () => rpcSince(modernSrv, m, "tools/call", "flaky").filter((x) => x.json?.params?.arguments?.key === key);
      assert.equal(r.ok, true, `callTool rejected: ${JSON.stringify(r.error)}\n${brief(mine())}`);
      assert.equal(text(r.value), `flaky ${key}: answered call 2`);
      assert.equal(r.value.isError, undefined, JSON.stringify(r.value));
      await sleep(300); // anything the client sends after the fact
      const calls = mine();
      t.diagnostic(brief(calls));
      assert.equal(calls.length, 2, `expected exactly two tools/call for ${key}: ${brief(calls)}`);
      const [first, second] = calls;
      // Premise: the fixture broke the first stream after answering 200 text/event-stream.
      assert.equal(first.cut, cut, "the fixture did not cut the first call");
      assert.equal(first.status, 200);
      assert.match(String(first.responseHeaders?.["content-type"]), /text\/event-stream/);
      assert.equal(responseMessage(first), undefined, "the broken stream carried a result (test premise)");
      assert.equal(second.cut, undefined);
      assert.equal(responseMessage(second)?.result?.content?.[0]?.text, `flaky ${key}: answered call 2`);
      // The re-issue: a new id, everything else the same.
      assert.notEqual(first.rpcId, undefined);
      assert.notEqual(second.rpcId, undefined);
      assert.notEqual(JSON.stringify(second.rpcId), JSON.stringify(first.rpcId), "the re-issued request reused the JSON-RPC id");
      assert.equal(second.json.method, "tools/call");
      assert.deepEqual(second.json.params, first.json.params, "the re-issued request's params differ from the first's");
      assert.deepEqual(second.json.params.arguments, { key, cut });
      assert.equal(second.headers["mcp-name"], "flaky");
      for (const c of calls) assertModernRequest(c, "flaky:");
      assert.ok(second.t >= first.t, "out of order");
      // Nothing else: no cancel, no resumption GET, no third attempt.
      const since = modernSrv.stats.since(m);
      const cancels = since.filter((x) => x.rpcMethod === "notifications/cancelled");
      assert.deepEqual(cancels.map((x) => x.json), [], "notifications/cancelled sent for a re-issued request");
      const gets = since.filter((x) => x.method === "GET");
      assert.deepEqual(gets.map((x) => x.headers), [], "a GET (resumption attempt) in the stateless era");
      // The client stays usable.
      assert.equal(text(await s.tool("c", "echo", { message: "after the cut" })), "Echo: after the cut");
    });
  }

  test("re-issued once only: when the second stream breaks too, callTool rejects with a McpError after two POSTs", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    const key = `k-${process.pid}-${Date.now()}-twice`;
    const m = modernSrv.stats.mark();
    const r = await s.callTool("c", "flaky", { key, cuts: 2 });
    await sleep(1500); // room for a (wrong) third attempt
    const calls = rpcSince(modernSrv, m, "tools/call", "flaky").filter((x) => x.json?.params?.arguments?.key === key);
    t.diagnostic(`callTool: ${JSON.stringify(r)}`);
    assert.equal(r.ok, false, `callTool resolved although both streams broke: ${JSON.stringify(r.value)}`);
    assert.equal(r.error.name, "McpError");
    assert.equal(typeof r.error.code, "number", JSON.stringify(r.error));
    assert.equal(calls.length, 2, `expected the request and one re-issue: ${brief(calls)}`);
    assert.deepEqual(calls.map((c) => c.cut), ["destroy", "destroy"], "test premise: both streams cut");
    assert.notEqual(JSON.stringify(calls[1].rpcId), JSON.stringify(calls[0].rpcId));
    assert.deepEqual(rpcSince(modernSrv, m, "notifications/cancelled").map((x) => x.json), []);
    assert.equal(text(await s.tool("c", "echo", { message: "still usable" })), "Echo: still usable");
  });
});

// ---- MRTR ------------------------------------------------------------------------------------------

describe("modern server: progress survives a re-issue", () => {
  test("onProgress gets the events of both streams: the re-issued request keeps its progress token", T, async (t) => {
    const s = await openPage(t);
    await s.connect("p", modernSrv.url);
    const key = `k-${process.pid}-${Date.now()}-progress`;
    const r = await s.callTool("p", "flaky", { key }, { progress: true });
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.equal(text(r.value), `flaky ${key}: answered call 2`);
    const st = await s.state();
    assert.deepEqual(
      st.progress.p.map((p) => [p.progress, p.message]),
      [[1, "before the cut"], [2, "after the cut"]],
      JSON.stringify(st.progress.p),
    );
  });
});

describe("modern server: the tasks extension (io.modelcontextprotocol/tasks)", () => {
  // The `job` tool's tasks are answered by the fixture's HTTP layer (the SDK has no extension).
  const inClient = (s, fn, arg) => s.page.evaluate(async ([src, a]) => {
    try {
      return { ok: true, value: await new Function("client", "a", `return (${src})(client, a)`)(window.modern.clients.c, a) };
    } catch (e) {
      return { ok: false, error: { code: e.code, message: e.message } };
    }
  }, [fn.toString(), arg]);

  test("callToolTask: the server's task handle, polled at pollIntervalMs to its result; every request declares the extension", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    const m = modernSrv.stats.mark();
    const r = await inClient(s, async (client) => {
      const task = await client.callToolTask("job", { polls: 3 });
      const first = { taskId: task.taskId, status: task.status, poll: task.task.pollIntervalMs, resultType: task.task.resultType ?? null };
      const result = await task.result();
      return { first, text: result.content[0].text, status: task.status };
    });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value.first, { taskId: r.value.first.taskId, status: "working", poll: 100, resultType: null });
    assert.match(r.value.first.taskId, /^job-/);
    assert.equal(r.value.text, "job done after 3 polls");
    assert.equal(r.value.status, "completed");
    const gets = rpcSince(modernSrv, m, "tasks/get");
    assert.equal(gets.length, 3, brief(gets));
    assert.ok(gets.every((g) => g.json.params.taskId === r.value.first.taskId));
    // At the server's pace, not in a loop: 100 ms apart at least (less a little for timer slack).
    for (let i = 1; i < gets.length; i++) assert.ok(gets[i].t - gets[i - 1].t >= 90, `tasks/get ${gets[i].t - gets[i - 1].t} ms apart`);
    const call = rpcSince(modernSrv, m, "tools/call", "job")[0];
    assert.deepEqual(call.json.params._meta["io.modelcontextprotocol/clientCapabilities"].extensions, { "io.modelcontextprotocol/tasks": {} });
  });

  test("callTool on a server that answers with a task: the one promise waits for it; input_required goes to onElicitation once", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    await s.plan([{ action: "accept", content: { ok: true } }]);
    const m = modernSrv.stats.mark();
    const r = await s.tool("c", "job", { polls: 1, ask: true });
    assert.equal(text(r), "job done after 2 polls (confirmed: true)");
    const st = await s.state();
    assert.equal(st.elicitations.length, 1, JSON.stringify(st.elicitations));
    assert.equal(st.elicitations[0].message, "Go on?");
    const updates = rpcSince(modernSrv, m, "tasks/update");
    assert.equal(updates.length, 1, brief(updates));
    assert.deepEqual(updates[0].json.params.inputResponses, { confirm: { action: "accept", content: { ok: true } } });
  });

  test("a failed task rejects with its JSON-RPC error; cancel() ends one, and its result() rejects with -32800", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    const failed = await s.callTool("c", "job", { polls: 1, fail: true });
    assert.equal(failed.ok, false);
    assert.equal(failed.error.code, -32603, JSON.stringify(failed));
    assert.match(failed.error.message, /job failed/);
    const r = await inClient(s, async (client) => {
      const task = await client.callToolTask("job", { polls: 1000 });
      const after = await task.cancel();
      const result = await task.result().then(() => "resolved", (e) => e.code);
      return { status: after.status, message: after.statusMessage, result };
    });
    assert.deepEqual(r.value, { status: "cancelled", message: "cancelled by the client", result: -32800 }, JSON.stringify(r));
  });
});

describe("modern server: multi round-trip requests are transparent", () => {
  test("ask-name: one form elicitation with a default; one callTool promise; retry with a new id and the answers", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    await s.plan([{ action: "accept", content: { name: "Ada" } }]);
    const m = modernSrv.stats.mark();
    const r = await s.tool("c", "ask-name", {});
    assert.equal(text(r), "Hello, Ada");
    const st = await s.state();
    assert.equal(st.elicitations.length, 1, JSON.stringify(st.elicitations));
    const e = st.elicitations[0];
    assert.equal(e.mode, "form");
    assert.equal(e.message, "What is your name?");
    assert.deepEqual(e.requestedSchema.properties.name, { type: "string", title: "Name", default: "World", minLength: 1 });
    assert.deepEqual(e.defaults, { name: "World" });
    assert.equal(e.hasValidate, true);
    assert.deepEqual(e.validateDefaults, [], `validate(defaults): ${JSON.stringify(e.validateDefaults)}`);
    assert.equal(e.server?.name, SERVER_NAME);
    const calls = rpcSince(modernSrv, m, "tools/call", "ask-name");
    assert.equal(calls.length, 2, brief(calls));
    assert.notEqual(calls[0].rpcId, calls[1].rpcId, "the retry reused the JSON-RPC id");
    assert.equal(calls[0].json.params.inputResponses, undefined);
    assert.deepEqual(calls[1].json.params.inputResponses, { name: { action: "accept", content: { name: "Ada" } } });
    assert.deepEqual(calls[1].json.params.arguments, calls[0].json.params.arguments, "the retry changed the arguments");
    for (const c of calls) assertModernRequest(c, "MRTR:");
  });

  test("ask-name: accepting the defaults; declining", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    await s.plan(["defaults", { action: "decline" }]);
    assert.equal(text(await s.tool("c", "ask-name", {})), "Hello, World");
    const m = modernSrv.stats.mark();
    assert.equal(text(await s.tool("c", "ask-name", {})), "No name (decline)");
    const retry = rpcSince(modernSrv, m, "tools/call", "ask-name")[1];
    assert.deepEqual(retry.json.params.inputResponses, { name: { action: "decline" } });
  });

  test("ask-twice: two rounds; requestState echoed verbatim each round", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    await s.plan([{ action: "accept", content: { name: "Ada" } }, "defaults"]);
    const m = modernSrv.stats.mark();
    const r = await s.tool("c", "ask-twice", {});
    assert.equal(text(r), "Ada likes green");
    const st = await s.state();
    assert.deepEqual(st.elicitations.map((e) => e.message), ["First, your name?", "Thanks Ada. Favourite color?"]);
    assert.deepEqual(st.elicitations[1].defaults, { color: "green" });
    const calls = rpcSince(modernSrv, m, "tools/call", "ask-twice");
    assert.equal(calls.length, 3, brief(calls));
    assert.equal(new Set(calls.map((c) => JSON.stringify(c.rpcId))).size, 3, "JSON-RPC ids reused across rounds");
    const state1 = responseMessage(calls[0]).result.requestState;
    const state2 = responseMessage(calls[1]).result.requestState;
    assert.equal(calls[1].json.params.requestState, state1, "round 2 did not echo requestState verbatim");
    assert.equal(calls[2].json.params.requestState, state2, "round 3 did not echo the NEW requestState verbatim");
    assert.deepEqual(calls[2].json.params.inputResponses.second, { action: "accept", content: { color: "green" } });
  });

  test("parallel MRTR calls keep their rounds apart", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    await s.plan([
      { action: "accept", content: { name: "A" } },
      { action: "accept", content: { name: "B" } },
    ]);
    const m = modernSrv.stats.mark();
    const results = await s.inPage(() => Promise.all([window.modern.callTool("c", "ask-name", {}), window.modern.callTool("c", "ask-name", {})]));
    const texts = results.map((r) => (r.ok ? r.value.content[0].text : JSON.stringify(r.error))).sort();
    assert.deepEqual(texts, ["Hello, A", "Hello, B"]);
    const calls = rpcSince(modernSrv, m, "tools/call", "ask-name");
    assert.equal(calls.length, 4, brief(calls));
    assert.equal(new Set(calls.map((c) => JSON.stringify(c.rpcId))).size, 4, "ids reused");
    const retries = calls.filter((c) => c.json.params.inputResponses);
    assert.deepEqual(retries.map((c) => c.json.params.inputResponses.name.content.name).sort(), ["A", "B"]);
  });

  test("summarize: onSampling receives the sampling params; its answer goes back in the retry", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    await s.plan([], [{ role: "assistant", content: { type: "text", text: "tiny" }, model: "model-x" }]);
    const r = await s.tool("c", "summarize", { text: "a long story" });
    assert.equal(text(r), "Summary: tiny (model model-x)");
    const st = await s.state();
    assert.equal(st.samplings.length, 1);
    const p = st.samplings[0].params;
    assert.deepEqual(p.messages, [{ role: "user", content: { type: "text", text: "Summarize: a long story" } }]);
    assert.equal(p.maxTokens, 50);
    assert.equal(p.systemPrompt, "You are terse.");
  });

  test("list-roots: the roots option answers roots/list", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url, { roots: ROOTS });
    const m = modernSrv.stats.mark();
    const r = await s.tool("c", "list-roots", {});
    assert.deepEqual(r.structuredContent, { roots: ROOTS });
    const caps = rpcSince(modernSrv, m, "tools/call")[0].json.params._meta["io.modelcontextprotocol/clientCapabilities"];
    assert.ok(caps.roots, `roots not declared: ${JSON.stringify(caps)}`);
  });

  test("resources and prompts: list, read, get; MRTR on resources/read and prompts/get", T, async (t) => {
    const s = await openPage(t);
    await s.connect("c", modernSrv.url);
    const m = modernSrv.stats.mark();
    const { resources } = await s.ok("c", "listResources");
    assert.ok(resources.some((r) => r.uri === "demo://greeting"), JSON.stringify(resources));
    const read = await s.ok("c", "readResource", "demo://greeting");
    assert.equal(read.contents[0].text, "Hello from the modern server");
    const ask = await s.ok("c", "readResource", "demo://ask");
    assert.equal(ask.contents[0].text, "Resource for reader");
    const { prompts } = await s.ok("c", "listPrompts");
    assert.ok(prompts.some((p) => p.name === "greeting-prompt"));
    const g = await s.ok("c", "getPrompt", "greeting-prompt", { name: "Bob" });
    assert.equal(g.messages[0].content.text, "Say hello to Bob");
    const a = await s.ok("c", "getPrompt", "ask-prompt", {});
    assert.equal(a.messages[0].content.text, "Write about tea");
    assert.equal(rpcSince(modernSrv, m, "resources/read", "demo://ask").length, 2);
    assert.equal(rpcSince(modernSrv, m, "prompts/get", "ask-prompt").length, 2);
    for (const r of modernSrv.stats.since(m).filter((x) => x.method === "POST")) assertModernRequest(r, "resources/prompts:");
  });
});

// ---- subscriptions ---------------------------------------------------------------------------------

describe("modern server: change notifications through subscriptions/listen", () => {
  test("toolslistchanged after add-tool; resourceupdated after touch-resource", T, async (t) => {
    const s = await openPage(t);
    const m = modernSrv.stats.mark();
    await s.connect("c", modernSrv.url); // modern-app.mjs adds the listeners right after connect
    const sub = await s.call("c", "subscribeResource", "demo://greeting");
    t.diagnostic(`subscribeResource: ${JSON.stringify(sub)}`);
    const listens = await waitFor(() => rpcSince(modernSrv, m, "subscriptions/listen").length > 0 && rpcSince(modernSrv, m, "subscriptions/listen"), {
      timeoutMs: 5000,
      what: "a subscriptions/listen request",
    }).catch(() => []);
    t.diagnostic(`listen requests: ${brief(listens)}`);
    assert.ok(listens.length > 0, "the client opened no subscriptions/listen stream although toolslistchanged has a listener");
    for (const r of listens) assertModernRequest(r, "listen:");
    await sleep(300); // let the stream be acknowledged
    const name = `dyn-${process.pid}-${Date.now()}`;
    await s.tool("c", "add-tool", { name });
    await s.page
      .waitForFunction(() => (window.modern.events.c.toolslistchanged ?? []).length > 0, null, { timeout: 10000, polling: 50 })
      .catch(() => {});
    const st = await s.state();
    assert.ok(st.events.c.toolslistchanged.length > 0, `no toolslistchanged event; events ${JSON.stringify(st.events.c)}`);
    const { tools } = await s.ok("c", "listTools");
    assert.ok(tools.some((x) => x.name === name), `${name} not listed`);
    assert.equal(text(await s.tool("c", name, {})), `dynamic ${name}`);
    if (sub.ok) {
      await s.tool("c", "touch-resource", { uri: "demo://greeting" });
      await s.page
        .waitForFunction(() => (window.modern.events.c.resourceupdated ?? []).length > 0, null, { timeout: 10000, polling: 50 })
        .catch(() => {});
      const st2 = await s.state();
      assert.ok(
        st2.events.c.resourceupdated.some((e) => e?.uri === "demo://greeting"),
        `no resourceupdated for demo://greeting: ${JSON.stringify(st2.events.c.resourceupdated)}`,
      );
    }
    // close ends the listen stream.
    await s.ok("c", "close");
    await waitFor(() => listens.every((r) => r.done || r.closedEarly), { timeoutMs: 5000, what: "the listen stream to end after close" });
  });
});

describe("modern server: subscriptions/listen after an abrupt close", () => {
  for (const how of ["destroy", "end"]) {
    test(`the listen stream is reopened (new id) after ${how === "destroy" ? "its socket is destroyed" : "it ends without a result"}; toolslistchanged still arrives`, T, async (t) => {
      // A server of its own: dropListeners() breaks every open listen stream, and nothing else
      // (other pages, earlier tests) may open listen streams on it.
      const srv = await startModernServer({ mode: "modern", log: !!process.env.E2E_VERBOSE });
      t.after(() => srv.stop());
      const s = await openPage(t);
      const listens = () => srv.stats.rpc("subscriptions/listen");
      const acked = (r) => r.status === 200 && r.responseBody.includes("notifications/subscriptions/acknowledged");
      await s.connect("c", srv.url); // modern-app.mjs adds the toolslistchanged listener right after connect
      const first = await waitFor(() => listens().find(acked), { timeoutMs: 5000, what: "the first listen stream to be acknowledged" }).catch(() => null);
      assert.ok(first, `no acknowledged subscriptions/listen stream: ${brief(listens())}`);
      assert.equal(listens().length, 1, `more than one listen stream before the drop: ${brief(listens())}`);
      assertModernRequest(first, "listen:");
      const filter = first.json.params.notifications;

      const m = srv.stats.mark();
      const tDrop = Date.now();
      const dropped = srv.dropListeners({ how });
      assert.deepEqual(dropped.map((r) => r.seq), [first.seq], "dropListeners did not break the one open listen stream");
      await waitFor(() => first.closedEarly || first.done, { timeoutMs: 2000, what: "the first listen stream to be broken" });

      // The client opens a new listen request, with a new id, within a few seconds.
      const reopened = await waitFor(() => rpcSince(srv, m, "subscriptions/listen")[0], { timeoutMs: 6000, what: "a new subscriptions/listen request" }).catch(() => null);
      assert.ok(reopened, `no new subscriptions/listen request within 6 s of the drop; requests since: ${brief(srv.stats.since(m))}`);
      t.diagnostic(`listen reopened ${reopened.t - tDrop} ms after the drop`);
      assert.notEqual(JSON.stringify(reopened.rpcId), JSON.stringify(first.rpcId), "the new listen request reused the JSON-RPC id");
      assertModernRequest(reopened, "listen (reopened):");
      assert.deepEqual(reopened.json.params.notifications, filter, "the reopened listen asks for other notifications");
      await waitFor(() => acked(reopened), { timeoutMs: 5000, what: "the reopened listen stream to be acknowledged" });
      await sleep(1500); // no reconnection storm: the reopened stream stays the only one
      const after = rpcSince(srv, m, "subscriptions/listen");
      assert.equal(after.length, 1, `listen requests after the drop: ${brief(after)}`);
      assert.ok(!reopened.done && !reopened.closedEarly, "the reopened listen stream ended");

      // Notifications still reach the app through the reopened stream.
      const before = (await s.state()).events.c.toolslistchanged.length;
      const name = `dyn-relisten-${process.pid}-${Date.now()}`;
      assert.equal(text(await s.tool("c", "add-tool", { name })), `added ${name}`);
      await s.page
        .waitForFunction((n) => (window.modern.events.c.toolslistchanged ?? []).length > n, before, { timeout: 10000, polling: 50 })
        .catch(() => {});
      const st = await s.state();
      t.diagnostic(`toolslistchanged events: ${st.events.c.toolslistchanged.length} (before add-tool: ${before})`);
      assert.ok(
        st.events.c.toolslistchanged.length > before,
        `no toolslistchanged after add-tool on the reopened stream; events ${JSON.stringify(st.events.c)}\nlisten responses: ${brief(rpcSince(srv, m, "subscriptions/listen"))}`,
      );
      assert.ok(reopened.responseBody.includes("notifications/tools/list_changed"), "the notification did not travel on the reopened stream");
      assert.deepEqual(st.events.c.error, [], `error events: ${JSON.stringify(st.events.c.error)}`);
      const { tools } = await s.ok("c", "listTools");
      assert.ok(tools.some((x) => x.name === name), `${name} not listed`);

      await s.ok("c", "close");
      await waitFor(() => reopened.done || reopened.closedEarly, { timeoutMs: 5000, what: "the reopened listen stream to end after close" });
      assert.deepEqual(srv.errors, [], "server errors");
    });
  }
});

// ---- URL elicitation over MRTR -----------------------------------------------------------------------

async function openElicitationApp(t) {
  const context = await browser.newContext();
  t.after(() => context.close().catch(() => {}));
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e?.stack ?? e)));
  const cdp = await context.newCDPSession(page);
  const run = async (fn, arg) => {
    const expression = `(${fn})(${arg === undefined ? "" : JSON.stringify(arg)})`;
    const r = await cdp.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true, userGesture: false });
    if (r.exceptionDetails) throw new Error(`in page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}\n${pageErrors.join("\n")}`);
    return r.result.value;
  };
  const poll = async (fn, arg, what, timeoutMs = 15000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await run(fn, arg);
      if (v) return v;
      if (Date.now() > deadline) {
        const state = await run(() => JSON.stringify({ reqs: app.reqs, outcomes: app.outcomes, calls: app.calls, events: app.events })).catch((e) => e.message);
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\npage state: ${String(state).slice(0, 4000)}\n${pageErrors.join("\n")}\n${serverTail()}`);
      }
      await sleep(50);
    }
  };
  await page.goto(appSite.origin + APP_PAGE, { timeout: 20000 });
  const loaded = await poll(() => window.ready === true || window.loadError || false, undefined, "the package to load");
  if (loaded !== true) throw new Error(`the app page failed to load the package: ${loaded}`);
  return { context, page, run, poll };
}

describe("modern server: URL-mode elicitation over MRTR", () => {
  test("consent click opens the popup; the completion page posts to the opener; the retry completes the call", { timeout: 90_000 }, async (t) => {
    const a = await openElicitationApp(t);
    // Once per run: an open without a gesture IS blocked (else the click proves nothing).
    const blocked = await a.run(() => !window.open("/tests/e2e/pages/blank.html", "_blank"));
    assert.equal(blocked, true, "window.open without a user gesture was not blocked");
    const opens0 = await a.run(() => probe.opens.length);

    const conn = await a.run((url) => app.connect(url, {}), modernSrv.url);
    assert.ok(conn.ok, `connect: ${JSON.stringify(conn.error)}`);
    assert.equal(conn.value.protocolVersion, MODERN);
    const url = `${compSite.origin}/complete?${new URLSearchParams({ target: appSite.origin, status: "done", close: "1" })}`;
    const compBefore = compSite.requests.length;
    const m = modernSrv.stats.mark();
    const c = await a.run(({ url }) => app.start("visit-url", { url, message: "Sign in to the modern server" }), { url });
    const req = await a.poll((i) => app.reqs[i] ?? false, 0, "onElicitation");
    assert.equal(req.mode, "url");
    assert.equal(req.url, url);
    assert.equal(req.host, "127.0.0.1");
    assert.equal(req.message, "Sign in to the modern server");
    assert.equal(req.server?.name, SERVER_NAME);
    assert.equal(req.elicitationId ?? undefined, undefined, "the 2026-07-28 URL mode has no elicitationId");
    assert.deepEqual(req.methods, ["open", "decline", "cancel", "done"]);

    // Nothing opened, fetched, or retried before consent.
    await sleep(400);
    let st = await a.run((n) => ({ opens: probe.opens.slice(n), calls: app.calls }), opens0);
    assert.deepEqual(st.opens, [], "window.open before consent");
    assert.equal(st.calls[c].state, "pending");
    assert.equal(compSite.requests.slice(compBefore).length, 0, "the URL was requested before consent");
    assert.equal(rpcSince(modernSrv, m, "tools/call", "visit-url").length, 1, "retried before consent");

    const popupPromise = a.page.waitForEvent("popup", { timeout: 10000 });
    await a.page.click("#open-0", { timeout: 10000 });
    const popup = await popupPromise;
    assert.equal(popup.url(), url);
    const outcome = await a.poll((i) => (app.outcomes[i] && app.outcomes[i].state !== "pending" ? app.outcomes[i] : false), 0, "open() to settle");
    assert.deepEqual(outcome.value, { status: "done", via: "message" }, JSON.stringify(outcome));
    const call = await a.poll((i) => (app.calls[i].state !== "pending" ? app.calls[i] : false), c, "the call to settle");
    assert.equal(call.state, "resolved", JSON.stringify(call.error));
    assert.equal(text(call.value), `done: ${url}`);

    const calls = rpcSince(modernSrv, m, "tools/call", "visit-url");
    assert.equal(calls.length, 2, brief(calls));
    const first = responseMessage(calls[0]).result;
    assert.equal(first.resultType, "input_required");
    assert.deepEqual(calls[1].json.params.inputResponses, { visit: { action: "accept" } });
    assert.equal(calls[1].json.params.requestState, first.requestState, "requestState not echoed verbatim");
    assert.notEqual(calls[1].rpcId, calls[0].rpcId);
    const completionLoaded = compSite.requests.slice(compBefore).find((r) => r.path === "/complete");
    assert.ok(completionLoaded, "the completion page was never loaded");
    assert.ok(calls[1].t >= completionLoaded.t, "the retry went out before the completion page loaded");
    st = await a.run((n) => ({ opens: probe.opens.slice(n) }), opens0);
    assert.equal(st.opens.length, 1);
    assert.equal(st.opens[0].event, "click", "window.open did not run inside the click handler");
    await popup.waitForEvent("close", { timeout: 5000 }).catch(() => {});
    // Still usable.
    const echo = await a.run(() => app.settle(app.client.callTool("echo", { message: "after" })));
    assert.ok(echo.ok, JSON.stringify(echo.error));
  });

  test("decline: the server hears decline in the retry; nothing opened", T, async (t) => {
    const a = await openElicitationApp(t);
    const conn = await a.run((url) => app.connect(url, {}), modernSrv.url);
    assert.ok(conn.ok, JSON.stringify(conn.error));
    const url = `${compSite.origin}/complete?${new URLSearchParams({ target: appSite.origin })}`;
    const m = modernSrv.stats.mark();
    const c = await a.run(({ url }) => app.start("visit-url", { url }), { url });
    await a.poll((i) => app.reqs[i] ?? false, 0, "onElicitation");
    await a.page.click("#decline-0", { timeout: 10000 });
    const call = await a.poll((i) => (app.calls[i].state !== "pending" ? app.calls[i] : false), c, "the call to settle");
    assert.equal(call.state, "resolved", JSON.stringify(call.error));
    assert.equal(text(call.value), "declined");
    const calls = rpcSince(modernSrv, m, "tools/call", "visit-url");
    assert.deepEqual(calls[1]?.json.params.inputResponses, { visit: { action: "decline" } }, brief(calls));
    assert.deepEqual(await a.run(() => probe.opens), []);
  });
});

// ---- rmcp ------------------------------------------------------------------------------------------

function buildRmcp() {
  return new Promise((resolve) => {
    execFile("cargo", ["build", "--quiet", "--manifest-path", path.join(RMCP_DIR, "Cargo.toml")], { timeout: 600_000, maxBuffer: 1 << 24 }, (err, _out, stderr) =>
      resolve(err ? `cargo build failed: ${err.message}\n${stderr.slice(-3000)}` : null),
    );
  });
}

describe("rmcp server (official Rust SDK)", () => {
  let rmcp;
  let rmcpUrl;
  let skipReason = null;

  before(async () => {
    if (!fs.existsSync(RMCP_BIN)) {
      if (process.env.E2E_SKIP_RMCP_BUILD) {
        skipReason = `${path.relative(REPO_ROOT, RMCP_BIN)} is not built and E2E_SKIP_RMCP_BUILD is set`;
        return;
      }
      const err = await buildRmcp();
      if (err) {
        skipReason = err;
        return;
      }
    }
    const port = await freePort();
    rmcp = await startProcess(RMCP_BIN, ["--port", String(port)], { readyPattern: /RMCP_SERVER_LISTENING/, name: "rmcp-test-server", timeoutMs: 20000 });
    rmcpUrl = `http://127.0.0.1:${port}/mcp`;
  }, { timeout: 660_000 });

  after(async () => {
    await rmcp?.stop();
  });

  const requestLines = () =>
    rmcp
      .output()
      .split("\n")
      .filter((l) => l.startsWith("RMCP_REQUEST "))
      .map((l) => {
        const [http, ...kvs] = l.slice("RMCP_REQUEST ".length).trim().split(" ");
        return { http, ...Object.fromEntries(kvs.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])) };
      });

  test("auto: 2026-07-28 chosen from a list that also holds legacy versions; echo; MRTR form elicitation", T, async (t) => {
    if (skipReason) return t.skip(skipReason);
    const s = await openPage(t);
    const n = requestLines().length;
    const info = await s.connect("r", rmcpUrl);
    assert.equal(info.protocolVersion, MODERN);
    assert.equal(info.serverInfo?.name, "rmcp-test-server");
    const { tools } = await s.ok("r", "listTools");
    assert.deepEqual(tools.map((x) => x.name).sort(), ["ask-name", "echo"]);
    assert.equal(text(await s.tool("r", "echo", { message: "from rust" })), "Echo: from rust");
    await s.plan([{ action: "accept", content: { name: "Ferris" } }]);
    assert.equal(text(await s.tool("r", "ask-name", {})), "Hello, Ferris");
    const st = await s.state();
    assert.deepEqual(st.elicitations.at(-1).defaults, { name: "World" });
    const lines = requestLines().slice(n);
    t.diagnostic(JSON.stringify(lines));
    const posts = lines.filter((l) => l.http === "POST");
    assert.ok(posts.length >= 5, `requests seen by rmcp: ${JSON.stringify(lines)}`);
    for (const l of posts) {
      assert.notEqual(l["mcp-method"], "-", `a POST without Mcp-Method: ${JSON.stringify(l)}`);
      assert.equal(l["mcp-protocol-version"], MODERN, JSON.stringify(l));
    }
    const calls = posts.filter((l) => l["mcp-method"] === "tools/call");
    assert.deepEqual(calls.map((l) => l["mcp-name"]), ["echo", "ask-name", "ask-name"]);
  });
});
