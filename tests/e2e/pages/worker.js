// The end-to-end tests' module worker, dedicated or shared: loads the built package the way
// client.mjs does and exposes `self.mcp`, `self.McpClient` and `self.e2e` to the code the tests
// run here. Besides Playwright's worker.evaluate (Chromium, dedicated workers only), the page can
// send `{ type: "run", id, src, arg }` and gets `{ type: "result", id, ok, value | error }`:
// Firefox's WebDriver BiDi cannot evaluate in worker realms and Playwright has no handle on
// SharedWorkers, so that small RPC is how those are driven.

import { settle, track } from "./helpers.mjs"; // the same helpers as the page's

// An error as text; Firefox's `stack` leaves out the message, so both.
const describe = (e) => (e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e));

// Uncaught errors and unhandled rejections inside the worker, as text.
const errors = [];
self.addEventListener("error", (e) => errors.push(`error: ${e.message}`));
self.addEventListener("unhandledrejection", (e) => errors.push(`unhandled rejection: ${describe(e.reason)}`));

const loaded = (async () => {
  try {
    const mcp = await import("/pkg/mcp_web_client.js");
    await mcp.default();
    self.mcp = mcp;
    self.McpClient = mcp.McpClient;
    self.e2e = { settle, track, errors };
    self.ready = true;
    return { type: "ready", scope: self.constructor.name };
  } catch (e) {
    self.loadError = describe(e);
    return { type: "load-error", error: self.loadError };
  }
})();

// `port`: the dedicated worker's own scope, or one MessagePort of a SharedWorker connection.
async function serve(port) {
  port.addEventListener("message", async ({ data }) => {
    if (data?.type !== "run") return;
    let reply;
    try {
      const value = await (0, eval)(`(${data.src})`)(data.arg);
      reply = { type: "result", id: data.id, ok: true, value };
    } catch (e) {
      reply = { type: "result", id: data.id, ok: false, error: describe(e) };
    }
    try {
      port.postMessage(reply);
    } catch (e) {
      // A value structured clone refuses (a function, a client): report it, not a hang.
      port.postMessage({ type: "result", id: data.id, ok: false, error: `the result cannot be posted: ${e}` });
    }
  });
  port.start?.();
  port.postMessage(await loaded);
}

if ("onconnect" in self) {
  self.addEventListener("connect", (e) => serve(e.ports[0]));
} else {
  serve(self);
}
