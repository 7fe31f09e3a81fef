// The built package in headless Chromium against @modelcontextprotocol/server-everything, over
// Streamable HTTP (sessions, resumable SSE, the standalone GET stream) and over the 2024-11-05
// HTTP+SSE transport. Everything goes through the JS API contract of docs/design.md.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  launchBrowser,
  openClientPage,
  pageHelpers,
  REPO_ROOT,
  startServerEverything,
  startStatic,
  waitFor,
} from "./harness.mjs";

const EVENT_NAMES = ["toolslistchanged", "resourceslistchanged", "promptslistchanged", "resourceupdated", "log", "close"];
const LEGACY_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];
const T = { timeout: 30000 };

for (const mode of ["streamableHttp", "sse"]) {
  describe(`server-everything over ${mode}`, () => {
    let server;
    let web;
    let browser;
    let page;

    const { inPage, expectOk, waitForEvent } = pageHelpers(() => page, () => server?.output() ?? "");

    before(async () => {
      server = await startServerEverything(mode);
      web = await startStatic({ root: REPO_ROOT });
      browser = await launchBrowser();
      page = await openClientPage(browser, web.origin);
    });

    after(async () => {
      await browser?.close();
      await web?.stop();
      await server?.stop();
    });

    test("connect: handshake, server info and capabilities", T, async () => {
      const r = await inPage(async ({ url, names }) => {
        const settled = await e2e.settle(
          McpClient.connect(url, { clientInfo: { name: "mcp-web-client-e2e", version: "0.0.0" }, requestTimeoutMs: 20000 }),
        );
        if (!settled.ok) return settled;
        window.client = settled.value;
        window.events = e2e.track(window.client, names);
        return {
          ok: true,
          value: {
            protocolVersion: client.protocolVersion,
            serverInfo: client.serverInfo,
            serverCapabilities: client.serverCapabilities,
            instructions: client.instructions,
          },
        };
      }, { url: server.url, names: EVENT_NAMES });
      const info = expectOk(r, "McpClient.connect");
      if (mode === "streamableHttp") assert.equal(info.protocolVersion, "2025-11-25");
      else assert.ok(LEGACY_VERSIONS.includes(info.protocolVersion), `protocolVersion ${info.protocolVersion}`);
      assert.equal(info.serverInfo?.name, "mcp-servers/everything");
      assert.equal(info.serverInfo?.version, "2.0.0");
      assert.equal(info.serverInfo?.title, "Everything Reference Server");
      assert.equal(info.serverCapabilities?.tools?.listChanged, true);
      assert.equal(info.serverCapabilities?.resources?.subscribe, true);
      assert.ok(info.serverCapabilities?.logging, "logging capability");
      assert.equal(typeof info.instructions, "string");
      assert.ok(info.instructions.length > 20, "instructions text");
      if (mode === "streamableHttp") {
        assert.match(server.output(), /Session initialized with ID: [0-9a-f-]{36}/);
      } else {
        assert.match(server.output(), /Client Connected:/);
      }
    });

    test("ping", T, async () => {
      expectOk(await inPage(() => e2e.settle(client.ping())), "ping");
    });

    test("listTools / listAllTools", T, async () => {
      const r = expectOk(await inPage(() => e2e.settle(client.listTools())), "listTools");
      assert.ok(Array.isArray(r.tools), "tools is an array");
      const names = r.tools.map((t) => t.name);
      for (const n of ["echo", "get-sum", "get-structured-content", "trigger-long-running-operation", "toggle-simulated-logging", "toggle-subscriber-updates"]) {
        assert.ok(names.includes(n), `listTools has ${n}: ${names.join(", ")}`);
      }
      const echo = r.tools.find((t) => t.name === "echo");
      assert.equal(echo.inputSchema?.type, "object");
      assert.ok(echo.inputSchema?.properties?.message, "echo's inputSchema has message");
      const all = expectOk(await inPage(() => e2e.settle(client.listAllTools())), "listAllTools");
      assert.ok(Array.isArray(all), "listAllTools returns an array");
      assert.deepEqual(all.map((t) => t.name).sort(), [...names].sort());
    });

    test("callTool echo", T, async () => {
      const r = expectOk(await inPage(() => e2e.settle(client.callTool("echo", { message: "héllo from the browser ✓" }))), "echo");
      assert.ok(Array.isArray(r.content));
      assert.equal(r.content[0].type, "text");
      assert.equal(r.content[0].text, "Echo: héllo from the browser ✓");
      assert.notEqual(r.isError, true);
    });

    test("callTool get-sum", T, async () => {
      const r = expectOk(await inPage(() => e2e.settle(client.callTool("get-sum", { a: 19, b: 23.5 }))), "get-sum");
      assert.equal(r.content[0].text, "The sum of 19 and 23.5 is 42.5.");
    });

    test("callTool get-structured-content", T, async () => {
      const r = expectOk(
        await inPage(() => e2e.settle(client.callTool("get-structured-content", { location: "Chicago" }))),
        "get-structured-content",
      );
      assert.deepEqual(r.structuredContent, { temperature: 36, conditions: "Light rain / drizzle", humidity: 82 });
      assert.deepEqual(JSON.parse(r.content[0].text), r.structuredContent);
    });

    test("callTool of an unknown tool resolves with isError", T, async () => {
      const r = expectOk(await inPage(() => e2e.settle(client.callTool("no-such-tool", {}))), "no-such-tool");
      assert.equal(r.isError, true);
      assert.match(r.content[0].text, /no-such-tool not found/);
    });

    test("callTool with onProgress collects every progress notification", T, async () => {
      const r = await inPage(async () => {
        const progress = [];
        const settled = await e2e.settle(
          client.callTool("trigger-long-running-operation", { duration: 1.2, steps: 4 }, { onProgress: (p) => progress.push(p) }),
        );
        return { settled, progress };
      });
      const result = expectOk(r.settled, "trigger-long-running-operation");
      assert.equal(result.content[0].text, "Long running operation completed. Duration: 1.2 seconds, Steps: 4.");
      assert.deepEqual(
        r.progress.map((p) => [p.progress, p.total]),
        [[1, 4], [2, 4], [3, 4], [4, 4]],
        `progress events: ${JSON.stringify(r.progress)}`,
      );
    });

    test("AbortSignal aborted after the first progress rejects with code -32800, promptly", T, async () => {
      const r = await inPage(async () => {
        const ac = new AbortController();
        const progress = [];
        let abortedAt = 0;
        const settled = await e2e.settle(
          client.callTool("trigger-long-running-operation", { duration: 6, steps: 6 }, {
            signal: ac.signal,
            onProgress: (p) => {
              progress.push(p);
              if (!ac.signal.aborted) {
                abortedAt = performance.now();
                ac.abort();
              }
            },
          }),
        );
        const latencyMs = performance.now() - abortedAt;
        const after = await e2e.settle(client.callTool("echo", { message: "still usable" }));
        return { settled, progress, latencyMs, abortedAt, after };
      });
      assert.ok(r.abortedAt > 0, `no progress arrived before the call settled: ${JSON.stringify(r)}`);
      assert.equal(r.settled.ok, false, `call resolved despite the abort: ${JSON.stringify(r.settled)}`);
      assert.equal(r.settled.error.isError, true, "rejection is an Error");
      assert.equal(r.settled.error.code, -32800, `error: ${JSON.stringify(r.settled.error)}`);
      assert.ok(r.latencyMs < 1500, `rejected ${Math.round(r.latencyMs)} ms after abort (the operation would run 6 s)`);
      assert.equal(expectOk(r.after, "echo after abort").content[0].text, "Echo: still usable");
    });

    test("an already-aborted signal rejects with -32800", T, async () => {
      const r = await inPage(() => e2e.settle(client.callTool("echo", { message: "x" }, { signal: AbortSignal.abort() })));
      assert.equal(r.ok, false, `resolved: ${JSON.stringify(r)}`);
      assert.equal(r.error.code, -32800, JSON.stringify(r.error));
    });

    test("timeoutMs rejects a slow call with a numeric code, promptly", T, async () => {
      const r = await inPage(async () => {
        const t0 = performance.now();
        const settled = await e2e.settle(
          client.callTool("trigger-long-running-operation", { duration: 5, steps: 1 }, { timeoutMs: 500 }),
        );
        return { settled, ms: performance.now() - t0 };
      });
      assert.equal(r.settled.ok, false, `resolved: ${JSON.stringify(r.settled)}`);
      assert.equal(r.settled.error.isError, true);
      assert.equal(typeof r.settled.error.code, "number", JSON.stringify(r.settled.error));
      assert.ok(r.ms < 2500, `took ${Math.round(r.ms)} ms`);
      expectOk(await inPage(() => e2e.settle(client.ping())), "ping after timeout");
    });

    test("resources: list, read (text and blob), templates, not found", T, async () => {
      const list = expectOk(await inPage(() => e2e.settle(client.listResources())), "listResources");
      const uris = list.resources.map((r) => r.uri);
      const doc = "demo://resource/static/document/instructions.md";
      assert.ok(uris.includes(doc), `listResources has ${doc}: ${uris.join(", ")}`);
      assert.equal(list.resources.find((r) => r.uri === doc).mimeType, "text/markdown");

      const read = expectOk(await inPage((u) => e2e.settle(client.readResource(u)), doc), "readResource doc");
      assert.equal(read.contents[0].uri, doc);
      assert.equal(read.contents[0].mimeType, "text/markdown");
      assert.ok(read.contents[0].text.length > 20);

      const text = expectOk(
        await inPage(() => e2e.settle(client.readResource("demo://resource/dynamic/text/7"))),
        "readResource text template",
      );
      assert.match(text.contents[0].text, /^Resource 7: This is a plaintext resource created at /);

      const blob = expectOk(
        await inPage(() => e2e.settle(client.readResource("demo://resource/dynamic/blob/3"))),
        "readResource blob template",
      );
      assert.match(Buffer.from(blob.contents[0].blob, "base64").toString("utf8"), /^Resource 3: This is a base64 blob created at /);

      const templates = expectOk(await inPage(() => e2e.settle(client.listResourceTemplates())), "listResourceTemplates");
      const uriTemplates = templates.resourceTemplates.map((t) => t.uriTemplate);
      assert.ok(uriTemplates.includes("demo://resource/dynamic/text/{resourceId}"), uriTemplates.join(", "));
      assert.ok(uriTemplates.includes("demo://resource/dynamic/blob/{resourceId}"), uriTemplates.join(", "));

      const missing = await inPage(() => e2e.settle(client.readResource("demo://no/such/resource")));
      assert.equal(missing.ok, false, `resolved: ${JSON.stringify(missing)}`);
      assert.equal(missing.error.isError, true);
      assert.equal(missing.error.code, -32602, JSON.stringify(missing.error));
      assert.match(missing.error.message, /not found/);
    });

    test("prompts: list, get with arguments, unknown prompt", T, async () => {
      const list = expectOk(await inPage(() => e2e.settle(client.listPrompts())), "listPrompts");
      const names = list.prompts.map((p) => p.name);
      for (const n of ["simple-prompt", "args-prompt", "completable-prompt"]) assert.ok(names.includes(n), `${n} in ${names}`);
      const args = list.prompts.find((p) => p.name === "args-prompt").arguments;
      assert.deepEqual(args.map((a) => [a.name, !!a.required]), [["city", true], ["state", false]]);

      const got = expectOk(
        await inPage(() => e2e.settle(client.getPrompt("args-prompt", { city: "Lyon", state: "Rhône" }))),
        "getPrompt",
      );
      assert.equal(got.messages[0].role, "user");
      assert.equal(got.messages[0].content.text, "What's weather in Lyon, Rhône?");

      const simple = expectOk(await inPage(() => e2e.settle(client.getPrompt("simple-prompt"))), "getPrompt without args");
      assert.equal(simple.messages[0].content.text, "This is a simple prompt without arguments.");

      const missing = await inPage(() => e2e.settle(client.getPrompt("no-such-prompt", {})));
      assert.equal(missing.ok, false);
      assert.equal(missing.error.isError, true);
      assert.equal(missing.error.code, -32602, JSON.stringify(missing.error));
    });

    test("complete: prompt argument and resource template variable", T, async () => {
      const prompt = expectOk(
        await inPage(() =>
          e2e.settle(client.complete({ type: "ref/prompt", name: "completable-prompt" }, { name: "department", value: "S" })),
        ),
        "complete prompt",
      );
      assert.deepEqual([...prompt.completion.values].sort(), ["Sales", "Support"]);

      const tmpl = expectOk(
        await inPage(() =>
          e2e.settle(
            client.complete({ type: "ref/resource", uri: "demo://resource/dynamic/text/{resourceId}" }, { name: "resourceId", value: "12" }),
          ),
        ),
        "complete resource template",
      );
      assert.deepEqual(tmpl.completion.values, ["12"]);
    });

    test("setLogLevel + log events (toggle-simulated-logging)", T, async () => {
      expectOk(await inPage(() => e2e.settle(client.setLogLevel("debug"))), "setLogLevel");
      const on = expectOk(await inPage(() => e2e.settle(client.callTool("toggle-simulated-logging", {}))), "toggle logging on");
      assert.match(on.content[0].text, /^Started simulated/);
      try {
        const logs = await waitForEvent("log", "(d) => typeof d?.data === 'string' && /level.message/.test(d.data)", 12000);
        const levels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];
        for (const l of logs) assert.ok(levels.includes(l.level), `log level ${l.level}`);
        if (mode === "streamableHttp") assert.match(logs[0].data, /SessionId [0-9a-f-]{36}/);
      } finally {
        const off = expectOk(await inPage(() => e2e.settle(client.callTool("toggle-simulated-logging", {}))), "toggle logging off");
        assert.match(off.content[0].text, /^Stopped simulated logging/);
      }
    });

    test("subscribeResource + resourceupdated events, unsubscribeResource", T, async () => {
      const uri = "demo://resource/dynamic/text/5";
      expectOk(await inPage((u) => e2e.settle(client.subscribeResource(u)), uri), "subscribeResource");
      const on = expectOk(await inPage(() => e2e.settle(client.callTool("toggle-subscriber-updates", {}))), "toggle updates on");
      assert.match(on.content[0].text, /^Started simulated resource updated/);
      try {
        const updates = await waitForEvent("resourceupdated", `(d) => d?.uri === ${JSON.stringify(uri)}`, 12000);
        assert.ok(updates.length >= 1);
      } finally {
        expectOk(await inPage(() => e2e.settle(client.callTool("toggle-subscriber-updates", {}))), "toggle updates off");
        expectOk(await inPage((u) => e2e.settle(client.unsubscribeResource(u)), uri), "unsubscribeResource");
      }
    });

    test("resourceslistchanged when a tool registers a session resource", T, async () => {
      const name = `e2e-${mode}.txt.gz`;
      const data = "data:text/plain;base64," + Buffer.from("hello from the e2e test\n".repeat(20)).toString("base64");
      const r = expectOk(
        await inPage(([n, d]) => e2e.settle(client.callTool("gzip-file-as-resource", { name: n, data: d, outputType: "resourceLink" })), [name, data]),
        "gzip-file-as-resource",
      );
      const uri = `demo://resource/session/${name}`;
      assert.equal(r.content[0].type, "resource_link");
      assert.equal(r.content[0].uri, uri);
      await waitForEvent("resourceslistchanged", "() => true", 10000);
      const list = expectOk(await inPage(() => e2e.settle(client.listResources())), "listResources");
      assert.ok(list.resources.some((res) => res.uri === uri), `${uri} listed`);
      const read = expectOk(await inPage((u) => e2e.settle(client.readResource(u)), uri), "read session resource");
      assert.equal(read.contents[0].mimeType, "application/gzip");
      assert.ok(read.contents[0].blob.length > 0);
    });

    test("capabilities: roots, form elicitation and sampling round trips", T, async () => {
      const r = await inPage(async (url) => {
        const seen = { elicitation: [], sampling: [] };
        const settled = await e2e.settle(
          McpClient.connect(url, {
            clientInfo: { name: "mcp-web-client-e2e-capable", version: "0.0.0" },
            roots: [{ uri: "file:///home/e2e/project", name: "e2e-project" }],
            onElicitation: async (req) => {
              seen.elicitation.push({ mode: req.mode, message: req.message, defaults: req.defaults, server: req.server, required: req.requestedSchema?.required });
              if (seen.elicitation.length > 1) return { action: "decline" };
              return { action: "accept", content: { ...req.defaults, name: "Ada Lovelace", check: true } };
            },
            onSampling: async (req) => {
              seen.sampling.push(req);
              return { role: "assistant", content: { type: "text", text: "sampled by the e2e page" }, model: "e2e-model", stopReason: "endTurn" };
            },
          }),
        );
        if (!settled.ok) return { connect: settled };
        const c = settled.value;
        const tools = await e2e.settle(c.listTools());
        const roots = await e2e.settle(c.callTool("get-roots-list", {}));
        const accepted = await e2e.settle(c.callTool("trigger-elicitation-request", {}));
        const declined = await e2e.settle(c.callTool("trigger-elicitation-request", {}));
        const sampled = await e2e.settle(c.callTool("trigger-sampling-request", { prompt: "say hi", maxTokens: 20 }));
        await e2e.settle(c.close());
        return { connect: { ok: true }, tools, roots, accepted, declined, sampled, seen };
      }, server.url);
      expectOk(r.connect, "connect with capabilities");
      const names = expectOk(r.tools, "listTools").tools.map((t) => t.name);
      for (const n of ["get-roots-list", "trigger-elicitation-request", "trigger-sampling-request"]) {
        assert.ok(names.includes(n), `declared capabilities register ${n}: ${names.join(", ")}`);
      }
      assert.match(expectOk(r.roots, "get-roots-list").content.map((c) => c.text).join("\n"), /file:\/\/\/home\/e2e\/project/);

      const accepted = expectOk(r.accepted, "elicitation accepted").content.map((c) => c.text).join("\n");
      assert.match(accepted, /User provided the requested information/);
      assert.match(accepted, /- Name: Ada Lovelace/);
      assert.match(accepted, /- Favorite Integer: 42/, "default pre-filled and sent");
      assert.equal(r.seen.elicitation[0].mode, "form");
      assert.equal(r.seen.elicitation[0].message, "Please provide inputs for the following fields:");
      assert.equal(r.seen.elicitation[0].server?.name, "mcp-servers/everything");
      assert.equal(r.seen.elicitation[0].defaults?.integer, 42);
      assert.equal(r.seen.elicitation[0].defaults?.firstLine, "It was a dark and stormy night.");
      assert.match(expectOk(r.declined, "elicitation declined").content.map((c) => c.text).join("\n"), /User declined/);

      const sampled = expectOk(r.sampled, "sampling").content.map((c) => c.text).join("\n");
      assert.match(sampled, /sampled by the e2e page/);
      assert.equal(r.seen.sampling.length, 1);
      assert.match(JSON.stringify(r.seen.sampling[0]), /say hi/);
    });

    test("no uncaught errors or unhandled rejections in the page after all of the above", T, async () => {
      // Aborted streams, timeouts and cancellations must not leak rejections to the console.
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(page.pageErrors, []);
    });

    test("close ends the session; later calls reject", T, async () => {
      const r = await inPage(async () => {
        const closed = await e2e.settle(client.close());
        const afterClose = await e2e.settle(client.callTool("echo", { message: "after close" }));
        return { closed, afterClose };
      });
      expectOk(r.closed, "close");
      assert.equal(r.afterClose.ok, false, "a call after close must reject");
      assert.equal(r.afterClose.error.isError, true);
      assert.equal(typeof r.afterClose.error.code, "number", JSON.stringify(r.afterClose.error));
      // The main client connected first, so its session is the first one the server logged.
      if (mode === "streamableHttp") {
        // DELETE with the session id reaches the server and ends the session there.
        const sid = server.output().match(/Session initialized with ID: ([0-9a-f-]{36})/)[1];
        await waitFor(() => server.output().includes(`Received session termination request for session ${sid}`), {
          timeoutMs: 5000,
          what: `the server to log the DELETE of session ${sid}`,
        });
      } else {
        const sid = server.output().match(/Client Connected:\s+(\S+)/)[1];
        await waitFor(() => new RegExp(`Client Disconnected:\\s+${sid}`).test(server.output()), {
          timeoutMs: 5000,
          what: `the SSE stream of session ${sid} to close`,
        });
      }
    });
  });
}
