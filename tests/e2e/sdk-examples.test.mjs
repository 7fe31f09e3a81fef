// The built package in headless Chromium against example servers of @modelcontextprotocol/sdk,
// each behind the harness's CORS proxy, which also records every request so the tests can check
// what went over the wire.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  launchBrowser,
  openClientPage,
  pageHelpers,
  REPO_ROOT,
  startSdkExample,
  startStatic,
  waitFor,
} from "./harness.mjs";

const T = { timeout: 30000 };
const CLIENT_INFO = { name: "mcp-web-client-e2e", version: "0.0.0" };

// JSON-RPC method of a recorded request (undefined for GET/DELETE and non-JSON bodies).
const rpcMethod = (req) => {
  const body = req.json();
  return Array.isArray(body) ? body.map((m) => m.method).join(",") : body?.method;
};
const describeRequests = (requests) =>
  requests
    .map((r) => {
      const lei = r.headers["last-event-id"] ? ` last-event-id=${r.headers["last-event-id"]}` : "";
      const sid = r.headers["mcp-session-id"] ? ` sid=${r.headers["mcp-session-id"].slice(0, 8)}` : "";
      return `#${r.seq} +${r.t0 - requests[0].t0}ms ${r.method} ${r.url} ${rpcMethod(r) ?? ""}${sid}${lei} -> ${r.status} ${r.responseHeaders?.["content-type"] ?? ""} ${r.outcome ?? "open"}${r.tEnd ? ` (+${r.tEnd - requests[0].t0}ms)` : ""}`;
    })
    .join("\n");

describe("SDK example: jsonResponseStreamableHttp (JSON responses, no GET stream)", () => {
  let server;
  let web;
  let browser;
  let page;
  const { inPage, expectOk } = pageHelpers(() => page, () => server?.output() ?? "");
  const log = () => `requests:\n${describeRequests(server.requests)}`;

  before(async () => {
    server = await startSdkExample("jsonResponseStreamableHttp.js");
    web = await startStatic({ root: REPO_ROOT });
    browser = await launchBrowser();
    page = await openClientPage(browser, web.origin);
  });
  after(async () => {
    if (process.env.E2E_VERBOSE && server) process.stderr.write(`${describeRequests(server.requests)}\n`);
    await browser?.close();
    await web?.stop();
    await server?.stop();
  });

  test("connect over application/json responses", T, async () => {
    const r = await inPage(async ({ url, clientInfo }) => {
      const settled = await e2e.settle(McpClient.connect(url, { clientInfo }));
      if (!settled.ok) return settled;
      window.client = settled.value;
      return { ok: true, value: { protocolVersion: client.protocolVersion, serverInfo: client.serverInfo } };
    }, { url: server.url, clientInfo: CLIENT_INFO });
    const info = expectOk(r, "connect");
    assert.equal(info.protocolVersion, "2025-11-25");
    assert.equal(info.serverInfo.name, "json-response-streamable-http-server");
    const init = server.requests.find((q) => rpcMethod(q) === "initialize" && q.status === 200);
    assert.ok(init, `an initialize POST answered 200\n${log()}`);
    assert.match(init.responseHeaders["content-type"], /^application\/json/);
    assert.equal(init.headers["mcp-session-id"], undefined, "initialize carries no session id");
    assert.deepEqual(init.json().params.clientInfo, CLIENT_INFO);
  });

  test("callTool greet and multi-greet", T, async () => {
    const greet = expectOk(await inPage(() => e2e.settle(client.callTool("greet", { name: "Ada" }))), "greet");
    assert.equal(greet.content[0].text, "Hello, Ada!");
    const multi = expectOk(await inPage(() => e2e.settle(client.callTool("multi-greet", { name: "Ada" }))), "multi-greet");
    assert.equal(multi.content[0].text, "Good morning, Ada!");
    const tools = expectOk(await inPage(() => e2e.settle(client.listTools())), "listTools");
    assert.deepEqual(tools.tools.map((t) => t.name).sort(), ["greet", "multi-greet"]);
  });

  test("requests after initialize carry the session id and protocol version headers", T, async () => {
    const init = server.requests.find((q) => rpcMethod(q) === "initialize" && q.status === 200);
    const sid = init.responseHeaders["mcp-session-id"];
    assert.ok(sid, "the server sent a session id");
    const later = server.requests.filter((q) => q.seq > init.seq && q.method !== "OPTIONS");
    assert.ok(later.length >= 3, log());
    for (const q of later) {
      assert.equal(q.headers["mcp-session-id"], sid, `#${q.seq} ${q.method} ${rpcMethod(q) ?? ""} session header\n${log()}`);
      assert.equal(q.headers["mcp-protocol-version"], "2025-11-25", `#${q.seq} protocol version header\n${log()}`);
    }
    for (const q of later.filter((x) => x.method === "POST" && x.json()?.id !== undefined)) {
      assert.match(q.headers.accept ?? "", /application\/json/, `#${q.seq} Accept`);
      assert.match(q.headers.accept ?? "", /text\/event-stream/, `#${q.seq} Accept`);
      assert.match(q.responseHeaders?.["content-type"] ?? "", /^application\/json/, `#${q.seq} answered with JSON`);
    }
    // The server answers GET with 405: the client may try once, but must not keep retrying.
    const gets = server.requests.filter((q) => q.method === "GET");
    for (const g of gets) assert.equal(g.status, 405, log());
    assert.ok(gets.length <= 2, `GET retried ${gets.length} times after 405\n${log()}`);
  });

  test("a lost session (server restarted: 404) is re-initialized transparently", T, async () => {
    await server.restart();
    const before = server.requests.length;
    const r = expectOk(await inPage(() => e2e.settle(client.callTool("greet", { name: "again" }))), "greet after restart");
    assert.equal(r.content[0].text, "Hello, again!");
    const after = server.requests.slice(before).filter((q) => q.method !== "OPTIONS");
    const notFound = after.find((q) => q.status === 404 && q.headers["mcp-session-id"]);
    assert.ok(notFound, `the old session id got a 404\n${log()}`);
    const reinit = after.find((q) => q.seq > notFound.seq && rpcMethod(q) === "initialize");
    assert.ok(reinit, `re-initialized after the 404\n${log()}`);
    assert.equal(reinit.headers["mcp-session-id"], undefined, "re-initialize without the dead session id");
    const newSid = reinit.responseHeaders?.["mcp-session-id"];
    const replay = after.find((q) => q.seq > reinit.seq && rpcMethod(q) === "tools/call");
    assert.ok(replay, `tools/call replayed\n${log()}`);
    assert.equal(replay.headers["mcp-session-id"], newSid, "the replay uses the new session");
    assert.equal(replay.status, 200);
  });

  test("close sends DELETE with the session id and resolves", T, async () => {
    const before = server.requests.length;
    expectOk(await inPage(() => e2e.settle(client.close())), "close");
    const del = await waitFor(() => server.requests.slice(before).find((q) => q.method === "DELETE"), {
      timeoutMs: 5000,
      what: "a DELETE",
    }).catch((e) => assert.fail(`${e.message}\n${log()}`));
    assert.ok(del.headers["mcp-session-id"], "DELETE carries the session id");
    // This example has no DELETE route (404): close must not re-initialize because of it.
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!server.requests.slice(before).some((q) => rpcMethod(q) === "initialize"), `re-initialized on close\n${log()}`);
  });
});

describe("SDK example: ssePollingExample (server closes the SSE stream; client resumes)", () => {
  let server;
  let web;
  let browser;
  let page;
  let standaloneOpen = false;
  const { inPage, expectOk } = pageHelpers(() => page, () => server?.output() ?? "");
  const log = () => `requests:\n${describeRequests(server.requests)}\nserver output:\n${server.output().slice(-3000)}`;
  const EXPECTED_LOGS = [
    "Progress: 25% - Starting work...",
    "Progress: 50% - Halfway there...",
    "Progress: 75% - Almost done (sent while client disconnected)...",
    "Progress: 100% - Complete!",
  ];
  let call; // the in-page result of the long-task call

  before(async () => {
    server = await startSdkExample("ssePollingExample.js");
    web = await startStatic({ root: REPO_ROOT });
    browser = await launchBrowser();
    page = await openClientPage(browser, web.origin);
    const r = await inPage(async ({ url, clientInfo }) => {
      const settled = await e2e.settle(McpClient.connect(url, { clientInfo }));
      if (!settled.ok) return settled;
      window.client = settled.value;
      window.events = e2e.track(window.client, ["log", "close"]);
      return { ok: true };
    }, { url: server.url, clientInfo: CLIENT_INFO });
    expectOk(r, "connect");
    // The example sends its log messages with no related request: they travel on the standalone
    // GET stream only. Give the client a moment to open it before starting the tool.
    standaloneOpen = await waitFor(
      () => server.requests.some((q) => q.method === "GET" && !q.headers["last-event-id"] && q.status === 200),
      { timeoutMs: 5000, what: "the standalone GET stream" },
    ).catch(() => false);
  });
  after(async () => {
    if (process.env.E2E_VERBOSE && server) process.stderr.write(`${describeRequests(server.requests)}\n`);
    await browser?.close();
    await web?.stop();
    await server?.stop();
  });

  test("long-task result arrives complete across the server-closed stream", T, async () => {
    call = await inPage(async () => {
      const t0 = performance.now();
      const settled = await e2e.settle(client.callTool("long-task", {}));
      return { settled, ms: performance.now() - t0 };
    });
    const result = expectOk(call.settled, "long-task");
    assert.deepEqual(result.content, [{ type: "text", text: "Long task completed successfully!" }]);
    assert.match(server.output(), /Closing SSE stream to trigger client polling/);
  });

  test("the client waited `retry` ms, then resumed once with Last-Event-ID (no re-send, no cancel)", T, async () => {
    assert.ok(call?.settled?.ok, "needs the long-task call to have succeeded");
    const posts = server.requests.filter((q) => rpcMethod(q) === "tools/call");
    assert.equal(posts.length, 1, `tools/call sent once\n${log()}`);
    const post = posts[0];
    assert.match(post.responseHeaders["content-type"], /^text\/event-stream/);
    const priming = post.responseBody.match(/^id: (.+)$/m);
    assert.ok(priming, `the POST stream had a priming event\n${post.responseBody}`);
    assert.match(post.responseBody, /^retry: 2000$/m);
    assert.ok(!post.responseBody.includes("Long task completed"), "the result did not come on the first stream");
    assert.equal(post.outcome, "complete", "the server closed the POST stream");

    const resumes = server.requests.filter((q) => q.method === "GET" && q.headers["last-event-id"]);
    assert.equal(resumes.length, 1, `one resume GET\n${log()}`);
    const resume = resumes[0];
    assert.equal(resume.headers["last-event-id"], priming[1], "resumed from the last event id seen");
    assert.equal(resume.headers["mcp-session-id"], post.headers["mcp-session-id"]);
    const waited = resume.t0 - post.tEnd;
    assert.ok(waited >= 1800, `resumed ${waited} ms after the stream closed; retry was 2000 ms\n${log()}`);
    assert.ok(waited < 6000, `resumed only ${waited} ms after the stream closed\n${log()}`);
    assert.equal(resume.status, 200);
    assert.match(resume.responseBody, /Long task completed successfully!/);

    const cancels = server.requests.filter((q) => rpcMethod(q) === "notifications/cancelled");
    assert.equal(cancels.length, 0, `a dropped stream is not a cancellation\n${log()}`);
  });

  test("log notifications of the call arrive exactly once, in order", T, async () => {
    assert.ok(
      standaloneOpen,
      `the client never opened the standalone GET stream (Accept: text/event-stream), where this server sends its log notifications\n${log()}`,
    );
    // The last log is sent just before the result; give it a moment to arrive.
    await waitFor(
      () => inPage(() => window.events.log.filter((e) => /^Progress:/.test(e.detail?.data)).length >= 4),
      { timeoutMs: 3000, what: "four progress logs" },
    ).catch(() => {});
    const logs = await inPage(() => window.events.log.map((e) => e.detail));
    assert.deepEqual(
      logs.filter((d) => /^Progress:/.test(d?.data)).map((d) => d.data),
      EXPECTED_LOGS,
      `log events: ${JSON.stringify(logs)}`,
    );
    for (const d of logs) assert.equal(d.level, "info");
  });

  test("the client closes the resumed stream once its response has arrived", T, async () => {
    const resume = server.requests.find((q) => q.method === "GET" && q.headers["last-event-id"]);
    assert.ok(resume, `no resume GET\n${log()}`);
    // The server keeps a resumed stream open; a client that keeps it too leaks one of the browser's
    // few connections per host for every resumed request.
    await waitFor(() => resume.outcome !== undefined, { timeoutMs: 3000, what: "the resumed stream to end" }).catch(() => {});
    assert.equal(resume.outcome, "client-closed", `resumed stream still open or ended otherwise\n${log()}`);
  });

  test("the session still works: ping, then close sends DELETE", T, async () => {
    expectOk(await inPage(() => e2e.settle(client.ping())), "ping");
    const before = server.requests.length;
    expectOk(await inPage(() => e2e.settle(client.close())), "close");
    const del = await waitFor(() => server.requests.slice(before).find((q) => q.method === "DELETE" && q.status !== undefined), {
      timeoutMs: 5000,
      what: "a DELETE",
    }).catch((e) => assert.fail(`${e.message}\n${log()}`));
    assert.equal(del.status, 200, log());
    await waitFor(() => /Transport closed, removing from sessions map/.test(server.output()), {
      timeoutMs: 5000,
      what: "the server to drop the session",
    });
  });
});
