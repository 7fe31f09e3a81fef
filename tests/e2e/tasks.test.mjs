// Tasks (2025-11-25) against @modelcontextprotocol/server-everything, whose
// `simulate-research-query` tool runs as a task through four one-second stages and, when the
// query is ambiguous, asks for a clarification (elicitation) on the way to its result. It sends
// no progress notifications, so the progress of a running task is checked against the fault
// server's fault-free `task-progress` tool (fixtures/fault-server.mjs).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, openClientPage, pageHelpers, REPO_ROOT, startServerEverything, startStatic } from "./harness.mjs";
import { startFaultServer } from "./fixtures/fault-server.mjs";

const T = { timeout: 60000 };

describe("tasks against server-everything (2025-11-25)", () => {
  let server;
  let web;
  let browser;
  let page;
  const { inPage, expectOk } = pageHelpers(() => page, () => server?.output() ?? "");

  before(async () => {
    server = await startServerEverything("streamableHttp");
    web = await startStatic({ root: REPO_ROOT });
    browser = await launchBrowser();
    page = await openClientPage(browser, web.origin);
    const r = await inPage(async ({ url }) => {
      const settled = await e2e.settle(
        McpClient.connect(url, {
          requestTimeoutMs: 20000,
          // The ambiguous query's clarification: the first offered interpretation.
          onElicitation: async (req) => {
            window.asked = (window.asked ?? 0) + 1;
            const choice = req.requestedSchema.properties.interpretation.oneOf?.[0]?.const ?? "first";
            return { action: "accept", content: { interpretation: choice } };
          },
        }),
      );
      if (!settled.ok) return settled;
      window.client = settled.value;
      window.statuses = [];
      client.addEventListener("taskstatus", (e) => statuses.push(e.detail.status));
      return { ok: true, value: client.serverCapabilities.tasks ?? null };
    }, { url: server.url });
    assert.ok(expectOk(r, "connect")?.requests?.tools?.call, "server-everything offers task-augmented tools/call");
  });

  after(async () => {
    await browser?.close();
    await web?.stop();
    await server?.stop();
  });

  test("callToolTask: a handle at once (working), then result() with the report; tasks/get and tasks/list know it", T, async () => {
    const r = await inPage(async () => {
      const task = await client.callToolTask("simulate-research-query", { topic: "wasm" }, { ttl: 60000 });
      const first = { taskId: task.taskId, status: task.status };
      const got = await client.getTask(task.taskId);
      const gotStatus = got.status;
      const listed = await client.listTasks();
      const result = await task.result();
      // Both handles follow the task: the status notifications reached the other one too.
      const live = got.status;
      return {
        ok: true,
        value: { first, gotStatus, live, listed: listed.tasks.map((t) => t.taskId), text: result.content[0].text, after: task.status, statuses },
      };
    });
    const v = expectOk(r, "the task");
    assert.match(v.first.taskId ?? "", /\S/, "no taskId");
    assert.equal(v.first.status, "working", JSON.stringify(v));
    assert.equal(v.gotStatus, "working", `tasks/get right after creation: ${JSON.stringify(v).slice(0, 300)}`);
    assert.ok(v.listed.includes(v.first.taskId), `tasks/list: ${v.listed}`);
    assert.match(v.text, /# Research Report: wasm/);
    assert.equal(v.after, "completed");
    assert.equal(v.live, "completed", "the handle from getTask did not follow the status notifications");
    assert.ok(v.statuses.includes("completed"), `taskstatus events: ${v.statuses}`);
  });

  test("an ambiguous query asks for input on the way: the app's onElicitation answers, the report names the choice", T, async () => {
    const r = await inPage(async () => {
      window.asked = 0;
      const task = await client.callToolTask("simulate-research-query", { topic: "python", ambiguous: true });
      const result = await task.result();
      return { ok: true, value: { asked: window.asked, text: result.content[0].text } };
    });
    const v = expectOk(r, "the ambiguous task");
    assert.equal(v.asked, 1, "the clarification was asked once");
    assert.match(v.text, /\*\*Clarification\*\*: (?!User|technical)\S/, v.text.slice(0, 400));
  });

  test("cancel(): the task ends cancelled and result() rejects with -32800 or the server's error", T, async () => {
    const r = await inPage(async () => {
      const task = await client.callToolTask("simulate-research-query", { topic: "cancel me" });
      const cancelled = await task.cancel();
      const result = await e2e.settle(task.result());
      return { ok: true, value: { status: cancelled.status, handle: task.status, result } };
    });
    const v = expectOk(r, "cancel");
    assert.equal(v.status, "cancelled");
    assert.equal(v.handle, "cancelled");
    assert.equal(v.result.ok, false, "a cancelled task has no result");
    assert.equal(typeof v.result.error.code, "number", JSON.stringify(v.result.error));
  });

  test("a tool that is not a task: the handle comes back completed with the result and no taskId", T, async () => {
    const r = await inPage(async () => {
      const task = await client.callToolTask("echo", { message: "now" });
      const result = await task.result();
      return { ok: true, value: { taskId: task.taskId ?? null, status: task.status, text: result.content[0].text, refresh: await e2e.settle(task.refresh()) } };
    });
    const v = expectOk(r, "echo as a task");
    assert.equal(v.taskId, null);
    assert.equal(v.status, "completed");
    assert.equal(v.text, "Echo: now");
    assert.equal(v.refresh.ok, false);
    assert.equal(v.refresh.error.code, -33006, JSON.stringify(v.refresh.error));
  });
});

describe("the progress of a task after tools/call answered (2025-11-25, the fault server's task-progress)", () => {
  let server;
  let web;
  let browser;
  let page;
  const { inPage, expectOk } = pageHelpers(() => page);

  before(async () => {
    server = await startFaultServer();
    web = await startStatic({ root: REPO_ROOT });
    browser = await launchBrowser();
    page = await openClientPage(browser, web.origin);
    const r = await inPage(async ({ url }) => {
      const settled = await e2e.settle(McpClient.connect(url, { requestTimeoutMs: 20000 }));
      if (!settled.ok) return settled;
      window.client = settled.value;
      // A task with onProgress: the handle, the progress seen when it came back, and all progress.
      window.progressTask = async (args) => {
        const progress = [];
        const task = await client.callToolTask("task-progress", args, { ttl: 30000, onProgress: (p) => progress.push(p) });
        return { task, progress, atCreation: progress.length };
      };
      return { ok: true, value: null };
    }, { url: server.url });
    expectOk(r, "connect");
  });

  after(async () => {
    await browser?.close();
    await web?.stop();
    await server?.stop();
  });

  test("onProgress keeps receiving the call's progress while the task runs, until result()", T, async () => {
    const r = await inPage(async () => {
      const { task, progress, atCreation } = await progressTask({ steps: 3 });
      const result = await task.result();
      return { ok: true, value: { taskId: task.taskId, atCreation, progress, text: result.content[0].text, status: task.status } };
    });
    const v = expectOk(r, "the task");
    assert.match(v.taskId ?? "", /^task-/, "tools/call did not create a task");
    assert.equal(v.atCreation, 0, "progress before the task existed");
    assert.deepEqual(v.progress.map((p) => [p.progress, p.total, p.message]), [[1, 3, "step 1"], [2, 3, "step 2"], [3, 3, "step 3"]]);
    assert.equal(typeof v.progress[0].progressToken === "number" || typeof v.progress[0].progressToken === "string", true);
    assert.equal(v.text, "task-progress done after 3 steps");
    assert.equal(v.status, "completed");
  });

  test("the route ends with the task: progress for its token after result() or cancel() is dropped", T, async () => {
    const before = server.stats.taskProgress.late;
    const r = await inPage(async () => {
      // While the task runs, a tasks/get answer's progress still reaches the callback ...
      const done = await progressTask({ steps: 2, late: true });
      await done.task.refresh();
      const running = done.progress.length;
      await done.task.result();
      // ... and after it completed, not any more.
      await done.task.refresh();
      const cancelled = await progressTask({ steps: 2, late: true });
      await cancelled.task.cancel();
      await cancelled.task.refresh();
      return { ok: true, value: { running, done: done.progress.map((p) => p.message), cancelled: cancelled.progress.length, status: cancelled.task.status } };
    });
    const v = expectOk(r, "the tasks");
    assert.equal(server.stats.taskProgress.late - before, 3, "the server sent a late progress notification with each tasks/get");
    assert.equal(v.running, 1, "progress on a tasks/get stream while the task runs");
    assert.deepEqual(v.done, ["late", "step 1", "step 2"], "a progress notification after the task completed reached onProgress");
    assert.equal(v.status, "cancelled");
    assert.equal(v.cancelled, 0, "a progress notification after cancel() reached onProgress");
  });
});
