// The built package inside a Web Worker, in Chromium and in Firefox ESR, against
// @modelcontextprotocol/server-everything over Streamable HTTP with web security on (the server
// sends CORS `*` itself; the worker's origin is the static server's). A dedicated module worker
// runs the core scenarios; a SharedWorker serves two tabs over one connection; URL elicitation
// finds no window to open a popup in and hands the URL to the page.
//
// How code gets into the worker (worker-harness.mjs): Playwright's worker.evaluate for a
// dedicated worker in Chromium; in Firefox (its WebDriver BiDi evaluates in window realms only)
// and for SharedWorkers (Playwright has no handle on them) a postMessage RPC from the page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { REPO_ROOT, sleep, startServerEverything, startStatic, waitFor } from "./harness.mjs";
import { BROWSERS, openWorkerApp } from "./worker-harness.mjs";

const T = { timeout: 60_000 };
const EVENT_NAMES = ["log", "close", "error"];
const POPUP_BLOCKED = -33011;

let server;
let web;

before(async () => {
  server = await startServerEverything("streamableHttp");
  web = await startStatic({ root: REPO_ROOT });
});

after(async () => {
  await web?.stop();
  await server?.stop();
});

const serverTail = () => `server output (tail):\n${String(server?.output() ?? "").slice(-2000)}`;

/** The value of an `e2e.settle(...)` result, or an assertion error with what went wrong. */
function expectOk(settled, what) {
  if (!settled?.ok) {
    const err = new Error(`${what} rejected: ${JSON.stringify(settled?.error)}\n${serverTail()}`);
    err.name = "AssertionError";
    throw err;
  }
  return settled.value;
}

/** The session id the server logged first after `mark` (a length of its output). */
const sessionSince = (mark) => /Session initialized with ID: ([0-9a-f-]{36})/.exec(server.output().slice(mark))?.[1];

const text = (result) => (result?.content ?? []).map((c) => c.text ?? "").join("\n");

for (const b of BROWSERS) {
  describe(`${b.name}: the package in a dedicated module Worker`, { skip: b.skip }, () => {
    let browser;
    let s;
    let mark;

    before(async () => {
      browser = await b.launch();
      s = await openWorkerApp(browser, web.origin, { kind: "dedicated" });
    });

    after(async () => {
      await s?.close();
      await browser?.close();
    });

    test("the code runs in a DedicatedWorkerGlobalScope: no window, no document, no open()", T, async (t) => {
      t.diagnostic(`driven through ${s.via}${s.viaNote ? ` (${s.viaNote})` : ""}`);
      if (b.name === "chromium") assert.equal(s.via, "worker.evaluate", "Chromium's dedicated worker should be driven by Playwright");
      const where = await s.run(() => ({
        scope: self.constructor.name,
        window: typeof window,
        document: typeof document,
        open: typeof self.open,
        module: typeof McpClient?.connect,
      }));
      assert.deepEqual(where, { scope: "DedicatedWorkerGlobalScope", window: "undefined", document: "undefined", open: "undefined", module: "function" });
      const workers = s.page.workers().map((w) => w.url());
      assert.ok(workers.some((u) => u.endsWith("/tests/e2e/pages/worker.js")), `the page's workers: ${JSON.stringify(workers)}`);
    });

    test("connect: handshake and server info", T, async () => {
      mark = server.output().length;
      const r = await s.run(async ({ url, names }) => {
        const settled = await e2e.settle(
          McpClient.connect(url, { clientInfo: { name: "mcp-web-client-e2e-worker", version: "0.0.0" }, requestTimeoutMs: 20000 }),
        );
        if (!settled.ok) return settled;
        self.client = settled.value;
        self.events = e2e.track(self.client, names);
        return {
          ok: true,
          value: { origin: self.location.origin, protocolVersion: client.protocolVersion, serverInfo: client.serverInfo, logging: !!client.serverCapabilities?.logging },
        };
      }, { url: server.url, names: EVENT_NAMES });
      const info = expectOk(r, "McpClient.connect in the worker");
      // Cross-origin from the worker, so CORS is in force (the server's own headers).
      assert.notEqual(info.origin, new URL(server.url).origin);
      assert.equal(info.protocolVersion, "2025-11-25");
      assert.equal(info.serverInfo?.name, "mcp-servers/everything");
      assert.equal(info.serverInfo?.version, "2.0.0");
      assert.equal(info.logging, true, "logging capability");
      assert.ok(sessionSince(mark), `the server logged no new session\n${serverTail()}`);
    });

    test("listTools", T, async () => {
      const r = expectOk(await s.run(() => e2e.settle(client.listTools())), "listTools");
      const names = r.tools.map((tool) => tool.name);
      for (const n of ["echo", "trigger-long-running-operation", "toggle-simulated-logging"]) {
        assert.ok(names.includes(n), `listTools has ${n}: ${names.join(", ")}`);
      }
      assert.ok(r.tools.find((tool) => tool.name === "echo").inputSchema?.properties?.message, "echo's inputSchema has message");
    });

    test("callTool echo", T, async () => {
      const r = expectOk(await s.run(() => e2e.settle(client.callTool("echo", { message: "héllo from a worker ✓" }))), "echo");
      assert.equal(r.content[0].type, "text");
      assert.equal(r.content[0].text, "Echo: héllo from a worker ✓");
      assert.notEqual(r.isError, true);
    });

    test("callTool with onProgress collects every progress notification", T, async () => {
      const r = await s.run(async () => {
        const progress = [];
        const settled = await e2e.settle(
          client.callTool("trigger-long-running-operation", { duration: 1.2, steps: 4 }, { onProgress: (p) => progress.push(p) }),
        );
        return { settled, progress };
      });
      const result = expectOk(r.settled, "trigger-long-running-operation");
      assert.equal(result.content[0].text, "Long running operation completed. Duration: 1.2 seconds, Steps: 4.");
      assert.deepEqual(r.progress.map((p) => [p.progress, p.total]), [[1, 4], [2, 4], [3, 4], [4, 4]], `progress: ${JSON.stringify(r.progress)}`);
    });

    test("readResource: a static document and a templated text", T, async () => {
      const doc = "demo://resource/static/document/instructions.md";
      const read = expectOk(await s.run((u) => e2e.settle(client.readResource(u)), doc), "readResource doc");
      assert.equal(read.contents[0].uri, doc);
      assert.equal(read.contents[0].mimeType, "text/markdown");
      assert.ok(read.contents[0].text.length > 20, "the document has text");
      const templated = expectOk(await s.run(() => e2e.settle(client.readResource("demo://resource/dynamic/text/7"))), "readResource template");
      assert.match(templated.contents[0].text, /^Resource 7: This is a plaintext resource created at /);
    });

    test("getPrompt with arguments", T, async () => {
      const got = expectOk(await s.run(() => e2e.settle(client.getPrompt("args-prompt", { city: "Lyon", state: "Rhône" }))), "getPrompt");
      assert.equal(got.messages[0].role, "user");
      assert.equal(got.messages[0].content.text, "What's weather in Lyon, Rhône?");
    });

    test("setLogLevel + a log event on the session's stream", T, async () => {
      expectOk(await s.run(() => e2e.settle(client.setLogLevel("debug"))), "setLogLevel");
      const on = expectOk(await s.run(() => e2e.settle(client.callTool("toggle-simulated-logging", {}))), "toggle logging on");
      assert.match(on.content[0].text, /^Started simulated/);
      try {
        // The server sends one at once, then one every 5 s; "debug" lets every level through.
        const logs = await s.waitFor(
          () => {
            const got = events.log.map((e) => e.detail).filter((d) => typeof d?.data === "string" && /level.message/.test(d.data));
            return got.length ? got : false;
          },
          undefined,
          { timeoutMs: 12000, what: "a log event in the worker" },
        );
        assert.ok(["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"].includes(logs[0].level), `level ${logs[0].level}`);
        assert.match(logs[0].data, /SessionId [0-9a-f-]{36}/);
      } finally {
        const off = expectOk(await s.run(() => e2e.settle(client.callTool("toggle-simulated-logging", {}))), "toggle logging off");
        assert.match(off.content[0].text, /^Stopped simulated logging/);
      }
    });

    test("URL elicitation: no popup from the worker; the handler hands the URL to the page, which opens it from a click", T, async () => {
      const id = `worker-${b.name}-${process.pid}`;
      const target = `${web.origin}/tests/e2e/pages/blank.html?elicitation=${id}`;
      const popups = [];
      s.page.on("popup", (p) => popups.push(p));
      const started = await s.run(async ({ url, target, id }) => {
        self.flow = { reqs: [] };
        const settled = await e2e.settle(
          McpClient.connect(url, {
            clientInfo: { name: "mcp-web-client-e2e-worker-url", version: "0.0.0" },
            onElicitation: (req) => {
              const rec = { mode: req.mode, url: req.url, elicitationId: req.elicitationId, openType: typeof req.open };
              self.flow.reqs.push(rec);
              if (typeof req.open === "function") {
                // Whatever open() does here, it has no window to open a popup in.
                try {
                  e2e.settle(Promise.resolve(req.open())).then((r) => (rec.openResult = r));
                } catch (e) {
                  rec.openResult = { ok: false, threw: true, error: { isError: e instanceof Error, name: e?.name, message: e?.message, code: e?.code } };
                }
              }
              // The page opens it; it tells this worker when the user is done there.
              self.addEventListener("message", function done({ data }) {
                if (data?.type !== "elicitation-done" || data.elicitationId !== req.elicitationId) return;
                self.removeEventListener("message", done);
                req.done();
              });
              self.postMessage({ type: "open-url", url: req.url, elicitationId: req.elicitationId });
            },
          }),
        );
        if (!settled.ok) return settled;
        self.flow.client = settled.value;
        self.flow.call = e2e.settle(settled.value.callTool("trigger-url-elicitation", { url: target, elicitationId: id, message: "Sign in from the page" }));
        return { ok: true };
      }, { url: server.url, target, id });
      expectOk(started, "connect with onElicitation");

      const handed = await waitFor(
        () => s.page.evaluate((id) => window.fromWorker.find((m) => m.type === "open-url" && m.elicitationId === id), id),
        { timeoutMs: 15000, what: "the worker to hand the URL to the page" },
      );
      assert.equal(handed.url, target, "the handler got the server's URL unchanged");
      const req = await s.waitFor(() => {
        const r = self.flow.reqs[0];
        return r && (r.openType !== "function" || r.openResult) ? r : false;
      }, undefined, { timeoutMs: 5000, what: "open() to settle (or to be absent)" });
      assert.equal(req.mode, "url");
      assert.equal(req.elicitationId, id);
      if (req.openType === "function") {
        assert.equal(req.openResult.ok, false, `open() in a worker resolved: ${JSON.stringify(req.openResult)}`);
        assert.equal(req.openResult.error.name, "McpError", JSON.stringify(req.openResult));
        assert.equal(typeof req.openResult.error.code, "number", JSON.stringify(req.openResult));
      }
      await sleep(200);
      assert.equal(popups.length, 0, "a popup opened before the page's click");
      const pending = await s.run(async () => {
        const first = await Promise.race([self.flow.call, new Promise((r) => setTimeout(() => r("pending"), 100))]);
        return first === "pending";
      });
      assert.ok(pending, "the tool call settled before the user finished");

      // The page, not the worker, opens the URL inside a trusted click.
      await s.page.evaluate((url) => {
        const btn = document.createElement("button");
        btn.id = "open-elicitation";
        btn.textContent = "Open";
        btn.onclick = () => (window.opened = window.open(url, "_blank", "popup") !== null);
        document.body.append(btn);
      }, handed.url);
      const popupEvent = s.page.waitForEvent("popup", { timeout: 10000 });
      await s.page.click("#open-elicitation");
      const popup = await popupEvent;
      await popup.waitForLoadState("domcontentloaded").catch(() => {});
      assert.equal(popup.url(), target);
      await popup.close();

      await s.page.evaluate((id) => window.toWorker({ type: "elicitation-done", elicitationId: id }), id);
      const call = await s.run(async () => {
        const r = await self.flow.call;
        const after = await e2e.settle(self.flow.client.callTool("echo", { message: "after the elicitation" }));
        await e2e.settle(self.flow.client.close());
        return { r, after };
      });
      const result = expectOk(call.r, "trigger-url-elicitation");
      assert.match(text(result), /User completed the URL elicitation flow/);
      assert.match(text(result), new RegExp(id));
      assert.equal(expectOk(call.after, "echo after the elicitation").content[0].text, "Echo: after the elicitation");
    });

    test(
      "URL elicitation: req.open is absent in a worker, or fails with a typed McpError that is not popup-blocked",
      T,
      async (t) => {
        const id = `worker-open-${b.name}-${process.pid}`;
        const r = await s.run(async ({ url, target, id }) => {
          let seen;
          const client = await McpClient.connect(url, {
            clientInfo: { name: "mcp-web-client-e2e-worker-open", version: "0.0.0" },
            onElicitation: async (req) => {
              seen = { openType: typeof req.open, url: req.url };
              if (typeof req.open === "function") {
                try {
                  const p = req.open();
                  seen.returned = p instanceof Promise ? "promise" : typeof p;
                  seen.settled = await Promise.race([e2e.settle(p), new Promise((res) => setTimeout(() => res("still pending after 2 s"), 2000))]);
                } catch (e) {
                  seen.threw = { isError: e instanceof Error, name: e?.name, message: e?.message, code: e?.code };
                }
              }
              req.decline();
            },
          });
          const call = await e2e.settle(client.callTool("trigger-url-elicitation", { url: target, elicitationId: id }));
          await e2e.settle(client.close());
          return { seen, call };
        }, { url: server.url, target: `${web.origin}/tests/e2e/pages/blank.html`, id });
        t.diagnostic(`in ${b.name}'s worker: ${JSON.stringify(r.seen)}`);
        assert.match(text(expectOk(r.call, "trigger-url-elicitation")), /User declined/, "decline() answered the server");
        assert.equal(r.seen.url, `${web.origin}/tests/e2e/pages/blank.html`);
        if (r.seen.openType === "undefined") return;
        const err = r.seen.threw ?? (r.seen.settled?.ok === false ? r.seen.settled.error : undefined);
        assert.ok(err, `req.open() neither threw nor rejected: ${JSON.stringify(r.seen)}`);
        assert.equal(err.name, "McpError", JSON.stringify(err));
        assert.equal(typeof err.code, "number", JSON.stringify(err));
        assert.notEqual(err.code, POPUP_BLOCKED, `-33011 tells the app to retry from a click, which cannot help in a worker: ${err.message}`);
        assert.equal(err.code, -33017, `no window here: ${err.message}`);
      },
    );

    test("elicitationUi: \"dialog\" in a worker is refused at connect (-33006): it needs a document", T, async () => {
      const r = await s.run(async ({ url }) => e2e.settle(McpClient.connect(url, { elicitationUi: "dialog" })), { url: server.url });
      assert.equal(r.ok, false, "connect accepted a dialog it cannot show");
      assert.equal(r.error.code, -33006, JSON.stringify(r.error));
      assert.match(r.error.message, /document/);
    });

    test("no uncaught errors in the worker or the page after all of the above", T, async () => {
      await sleep(200);
      assert.deepEqual(await s.run(() => e2e.errors), []);
      assert.deepEqual(await s.page.evaluate(() => window.workerErrors), []);
      assert.deepEqual(s.pageErrors, []);
    });

    test("close ends the session; later calls reject", T, async () => {
      const r = await s.run(async () => {
        const closed = await e2e.settle(client.close());
        const afterClose = await e2e.settle(client.callTool("echo", { message: "after close" }));
        return { closed, afterClose, closeEvents: events.close.length };
      });
      expectOk(r.closed, "close");
      assert.equal(r.afterClose.ok, false, "a call after close must reject");
      assert.equal(r.afterClose.error.name, "McpError", JSON.stringify(r.afterClose.error));
      assert.equal(typeof r.afterClose.error.code, "number", JSON.stringify(r.afterClose.error));
      assert.equal(r.closeEvents, 1, "one close event");
      const sid = sessionSince(mark);
      await waitFor(() => server.output().includes(`Received session termination request for session ${sid}`), {
        timeoutMs: 5000,
        what: `the server to log the DELETE of session ${sid}`,
      });
    });
  });

  describe(`${b.name}: the package in a SharedWorker`, { skip: b.skip }, () => {
    let browser;

    before(async () => {
      browser = await b.launch();
    });

    after(async () => {
      await browser?.close();
    });

    test("two tabs share one worker and one session: connect in one, callTool echo in the other, close", T, async (t) => {
      const context = await browser.newContext();
      t.after(() => context.close().catch(() => {}));
      const name = `mcp-e2e-${process.pid}`;
      const tab1 = await openWorkerApp(browser, web.origin, { kind: "shared", name, context });
      const tab2 = await openWorkerApp(browser, web.origin, { kind: "shared", name, context });
      assert.equal(tab1.scope, "SharedWorkerGlobalScope");
      assert.equal(tab2.scope, "SharedWorkerGlobalScope");
      const mark = server.output().length;
      const info = expectOk(
        await tab1.run(async (url) => {
          const settled = await e2e.settle(McpClient.connect(url, { clientInfo: { name: "mcp-web-client-e2e-shared", version: "0.0.0" } }));
          if (!settled.ok) return settled;
          self.client = settled.value;
          return { ok: true, value: { protocolVersion: client.protocolVersion, serverInfo: client.serverInfo } };
        }, server.url),
        "connect in the SharedWorker",
      );
      assert.equal(info.protocolVersion, "2025-11-25");
      assert.equal(info.serverInfo?.name, "mcp-servers/everything");

      // The second tab reaches the same global, so the same client.
      const r = await tab2.run(async () => ({
        window: typeof window,
        echo: await e2e.settle(client.callTool("echo", { message: "from the second tab" })),
      }));
      assert.equal(r.window, "undefined");
      assert.equal(expectOk(r.echo, "echo from tab 2").content[0].text, "Echo: from the second tab");
      const sessions = server.output().slice(mark).match(/Session initialized with ID: [0-9a-f-]{36}/g) ?? [];
      assert.equal(sessions.length, 1, `one session for both tabs: ${sessions.join(", ")}`);

      const closed = await tab1.run(async () => ({ closed: await e2e.settle(client.close()), errors: e2e.errors }));
      expectOk(closed.closed, "close");
      assert.deepEqual(closed.errors, []);
      const sid = sessionSince(mark);
      await waitFor(() => server.output().includes(`Received session termination request for session ${sid}`), {
        timeoutMs: 5000,
        what: `the server to log the DELETE of session ${sid}`,
      });
      assert.deepEqual([...tab1.pageErrors, ...tab2.pageErrors], []);
    });
  });
}
