// The package in a Web Worker, in Chromium and Firefox: launching Debian's firefox-esr through
// playwright-core, and a page (pages/worker.html) whose module worker (pages/worker.js) loads
// the package, with `s.run(fn, arg)` to run a test function inside that worker.
import fs from "node:fs";
import { createRequire } from "node:module";
import { PKG_JS, REPO_ROOT, launchBrowser, sleep } from "./harness.mjs";

const require = createRequire(import.meta.url);
export const FIREFOX = "/usr/bin/firefox-esr";
export const WORKER_PAGE = "/tests/e2e/pages/worker.html";

let firefoxShimmed = false;

/**
 * Headless Firefox ESR over WebDriver BiDi (playwright-core's "moz-firefox" channel; the
 * Juggler protocol of its default Firefox needs a patched build). Playwright sends
 * `emulation.setMediaFeaturesOverride` (only for `colorScheme`) to every new context, and
 * this Firefox ESR answers "unknown command", so that one command is answered with an empty
 * success before it reaches the browser. Nothing these tests look at depends on it.
 */
export async function launchFirefox() {
  if (!firefoxShimmed) {
    const proto = require("playwright-core/lib/coreBundle").server.WebSocketTransport.prototype;
    const send = proto.send;
    proto.send = function (message) {
      if (message?.method === "emulation.setMediaFeaturesOverride") {
        queueMicrotask(() => this.onmessage?.({ type: "success", id: message.id, result: {} }));
        return;
      }
      return send.call(this, message);
    };
    firefoxShimmed = true;
  }
  const { firefox } = await import("playwright-core");
  return firefox.launch({ executablePath: FIREFOX, channel: "moz-firefox", headless: true, timeout: 60000 });
}

/** The browsers the worker tests run in; `skip` says why one cannot. */
export const BROWSERS = [
  { name: "chromium", launch: () => launchBrowser() },
  { name: "firefox", launch: launchFirefox, skip: fs.existsSync(FIREFOX) ? false : `${FIREFOX} is not installed (scripts/install.sh)` },
];

/**
 * A fresh page (own context) of pages/worker.html at `origin`, its `kind` ("dedicated" or
 * "shared") worker loaded. `s.run(fn, arg)` runs `fn(arg)` inside the worker and returns its
 * (plain) value: through Playwright's worker.evaluate where it works (a dedicated worker in
 * Chromium), else through the page's postMessage RPC (`s.via` says which). `s.page`,
 * `s.worker` (Playwright's Worker, if any), `s.waitFor(fn, arg, { what })` polls `s.run`,
 * `s.diag()` is text for assertion messages. `context`: open the page as another tab of that
 * browser context (a SharedWorker is shared within one); else a new context, which `s.close()`
 * closes (else it closes the page).
 */
export async function openWorkerApp(browser, origin, { kind = "dedicated", name, context, timeoutMs = 20000 } = {}) {
  if (!fs.existsSync(PKG_JS)) throw new Error(`${PKG_JS.slice(REPO_ROOT.length + 1)} does not exist: build the package first (make pkg)`);
  const own = !context;
  context ??= await browser.newContext();
  const page = await context.newPage();
  const s = { page, context, kind, pageErrors: [], consoleErrors: [], worker: undefined, via: "rpc" };
  page.on("pageerror", (e) => s.pageErrors.push(String(e?.stack ?? e)));
  page.on("console", (m) => m.type() === "error" && s.consoleErrors.push(m.text()));
  const workerEvent = kind === "dedicated" ? page.waitForEvent("worker", { timeout: timeoutMs }).catch(() => undefined) : undefined;
  const q = new URLSearchParams({ kind, ...(name ? { name } : {}) });
  await page.goto(`${origin}${WORKER_PAGE}?${q}`, { timeout: timeoutMs });
  await page.waitForFunction(() => window.ready === true || window.loadError, null, { timeout: timeoutMs, polling: 50 }).catch(() => {});
  const loaded = await page.evaluate(() => (window.ready === true ? true : window.loadError ?? "no answer from the worker"));
  if (loaded !== true) {
    await (own ? context.close() : page.close());
    throw new Error(`the ${kind} worker failed to load the package: ${loaded}`);
  }
  s.scope = await page.evaluate(() => window.workerScope);
  s.worker = await workerEvent;

  s.diag = async () => {
    let inWorker = "";
    try {
      inWorker = JSON.stringify(await page.evaluate(() => ({ workerErrors: window.workerErrors, fromWorker: window.fromWorker })));
    } catch (e) {
      inWorker = `(page unreachable: ${e.message})`;
    }
    return `via ${s.via}; page: ${inWorker}\npage errors: ${s.pageErrors.join("\n")}\nconsole errors: ${s.consoleErrors.slice(-10).join("\n")}`;
  };
  const rpc = async (fn, arg) => {
    const r = await page.evaluate(([src, arg]) => window.inWorker(src, arg), [String(fn), arg]);
    if (!r.ok) throw new Error(`in the ${kind} worker: ${r.error}`);
    return r.value;
  };
  s.run = rpc;
  // Playwright evaluates in a worker only if the browser can: probe it once, keep the RPC if not.
  if (s.worker) {
    try {
      if ((await s.worker.evaluate(() => self.constructor.name)) === s.scope) {
        s.run = (fn, arg) => s.worker.evaluate(fn, arg);
        s.via = "worker.evaluate";
      }
    } catch (e) {
      s.viaNote = `worker.evaluate failed, so the page's RPC is used: ${e.message.split("\n")[0]}`;
    }
  }
  s.waitFor = async (fn, arg, { timeoutMs: limit = 15000, what = String(fn) } = {}) => {
    const deadline = Date.now() + limit;
    for (;;) {
      const v = await s.run(fn, arg);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${limit} ms waiting for ${what}\n${await s.diag()}`);
      await sleep(50);
    }
  };
  s.close = () => (own ? context.close() : page.close()).catch(() => {});
  return s;
}
