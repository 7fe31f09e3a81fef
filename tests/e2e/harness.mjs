// End-to-end harness: a static server for the built package, headless Chromium (playwright-core
// driving Debian's /usr/bin/chromium), real MCP servers started on 127.0.0.1 with free ports, and a
// CORS-adding reverse proxy for the SDK's example servers. Every process started here is stopped
// by its process-group id, never by name.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(E2E_DIR, "..", "..");
export const CHROMIUM = "/usr/bin/chromium";
export const CLIENT_PAGE = "/tests/e2e/pages/client.html";
export const PKG_JS = path.join(REPO_ROOT, "pkg", "mcp_web_client.js");

const NODE_MODULES = path.join(E2E_DIR, "node_modules");
const EVERYTHING_ENTRY = path.join(NODE_MODULES, "@modelcontextprotocol", "server-everything", "dist", "index.js");
export const SDK_EXAMPLES_DIR = path.join(NODE_MODULES, "@modelcontextprotocol", "sdk", "dist", "esm", "examples", "server");
const LISTEN_OVERRIDE = pathToFileURL(path.join(E2E_DIR, "listen-override.mjs")).href;
const VERBOSE = !!process.env.E2E_VERBOSE;

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads `read()` every 100 ms until two reads agree (at most 2 s), and returns the last. */
export async function settledValue(read) {
  let prev = await read();
  for (let i = 0; i < 20; i++) {
    await sleep(100);
    const now = await read();
    if (JSON.stringify(now) === JSON.stringify(prev)) return now;
    prev = now;
  }
  return prev;
}

/** Polls `predicate` until it returns a truthy value (returned) or `timeoutMs` passes (throws). */
export async function waitFor(predicate, { timeoutMs = 10000, intervalMs = 50, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function closeServer(server, sockets) {
  return new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** Starts `server` on a free 127.0.0.1 port; `stop()` closes it and every open socket. */
export async function listenLocal(server, port = undefined) {
  const sockets = trackSockets(server);
  port ??= await freePort();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return { origin: `http://127.0.0.1:${port}`, port, stop: () => closeServer(server, sockets) };
}

function trackSockets(server) {
  const sockets = new Set();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return sockets;
}

// ---------------------------------------------------------------------------------------------
// Static files

export const MIME = {
  ".wasm": "application/wasm",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/** Serves `root` over http on 127.0.0.1 (free port). Returns `{ origin, port, stop() }`. */
export async function startStatic({ root = REPO_ROOT } = {}) {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" });
      res.end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      res.writeHead(400);
      res.end();
      return;
    }
    let file = path.resolve(base, "." + pathname);
    if (file !== base && !file.startsWith(base + path.sep)) {
      res.writeHead(403);
      res.end();
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        file = path.join(file, "index.html");
        try {
          st = fs.statSync(file);
        } catch (e) {
          err = e;
        }
      }
      if (err || !st.isFile()) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
        res.end(`not found: ${pathname}\n`);
        return;
      }
      res.writeHead(200, {
        "content-type": MIME[path.extname(file).toLowerCase()] || "application/octet-stream",
        "content-length": st.size,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      });
      if (req.method === "HEAD") {
        res.end();
        return;
      }
      fs.createReadStream(file).pipe(res);
    });
  });
  return listenLocal(server);
}

// ---------------------------------------------------------------------------------------------
// Browser

/** Headless Chromium (Debian's), popup blocking left ON. */
export async function launchBrowser({ disableWebSecurity = false, extraArgs = [] } = {}) {
  const { chromium } = await import("playwright-core");
  const args = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ];
  if (disableWebSecurity) args.push("--disable-web-security");
  args.push(...extraArgs);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args,
    ignoreDefaultArgs: ["--disable-popup-blocking"],
    timeout: 30000,
  });
  // E2E_PACKAGE=/pkg/full/mcp_web_client.js runs the pages on another build of the package
  // (the one with OAuth bundled in): the test pages import globalThis.E2E_PACKAGE when set.
  const entry = process.env.E2E_PACKAGE;
  if (entry) {
    const newContext = browser.newContext.bind(browser);
    browser.newContext = async (...a) => {
      const context = await newContext(...a);
      await context.addInitScript((e) => (globalThis.E2E_PACKAGE = e), entry);
      return context;
    };
  }
  return browser;
}

/**
 * A new page (own context) at the client page, once `window.ready` is set. Console errors and page
 * errors are collected on `page.consoleErrors` / `page.pageErrors` (all console lines on
 * `page.consoleLines`) for debugging.
 */
export async function openClientPage(browser, origin, { path: pagePath = CLIENT_PAGE, timeoutMs = 20000, requirePkg = true } = {}) {
  if (requirePkg && !fs.existsSync(PKG_JS)) {
    throw new Error(`${path.relative(REPO_ROOT, PKG_JS)} does not exist: build the package first (make pkg)`);
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  page.consoleErrors = [];
  page.pageErrors = [];
  page.consoleLines = [];
  page.on("console", (msg) => {
    const line = `[${msg.type()}] ${msg.text()}`;
    if (page.consoleLines.length < 2000) page.consoleLines.push(line);
    if (msg.type() === "error") page.consoleErrors.push(msg.text());
    if (VERBOSE) process.stderr.write(`page ${line}\n`);
  });
  page.on("pageerror", (err) => {
    page.pageErrors.push(String(err?.stack || err));
    if (VERBOSE) process.stderr.write(`page error: ${err}\n`);
  });
  await page.goto(origin + pagePath, { timeout: timeoutMs });
  const state = await page.waitForFunction(() => window.ready === true || window.loadError, null, { timeout: timeoutMs });
  const loadError = await state.jsonValue();
  if (loadError !== true) throw new Error(`client page failed to load the package: ${loadError}`);
  return page;
}

/** A short text of what the page logged, for assertion messages. */
export function pageDiagnostics(page) {
  if (!page) return "";
  const parts = [];
  if (page.pageErrors?.length) parts.push(`page errors:\n  ${page.pageErrors.join("\n  ")}`);
  if (page.consoleErrors?.length) parts.push(`console errors:\n  ${page.consoleErrors.slice(-20).join("\n  ")}`);
  return parts.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Processes

const liveChildren = new Set();
let hooksInstalled = false;

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", () => {
    for (const child of liveChildren) killGroup(child, "SIGKILL");
  });
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]]) {
    process.on(signal, () => {
      for (const child of liveChildren) killGroup(child, "SIGKILL");
      process.exit(code);
    });
  }
}

const MAX_OUTPUT = 1 << 20;

/**
 * Spawns `cmd args` in its own process group. Resolves, once its stdout/stderr matches
 * `readyPattern` (or at once without one), to `{ child, pid, output(), stop() }`; rejects with the
 * captured output if it exits first or is not ready within `timeoutMs`.
 */
export async function startProcess(cmd, args = [], { env = {}, readyPattern, cwd = E2E_DIR, timeoutMs = 20000, name } = {}) {
  installExitHooks();
  const label = name || path.basename(String(args[args.length - 1] ?? cmd));
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  liveChildren.add(child);
  let output = "";
  let exited = null;
  const listeners = new Set();
  const onData = (chunk) => {
    const text = chunk.toString("utf8");
    output += text;
    if (output.length > MAX_OUTPUT) output = output.slice(-MAX_OUTPUT / 2);
    if (VERBOSE) process.stderr.write(text.replace(/^(?=.)/gm, `[${label}] `));
    for (const l of listeners) l();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exitPromise = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      liveChildren.delete(child);
      for (const l of listeners) l();
      resolve(exited);
    });
  });
  child.on("error", (err) => {
    output += `\n[spawn error] ${err.message}\n`;
    exited = exited || { code: null, signal: null, error: err };
    liveChildren.delete(child);
    for (const l of listeners) l();
  });

  const stop = async () => {
    if (exited || child.pid === undefined) return;
    killGroup(child, "SIGTERM");
    const done = await Promise.race([exitPromise, sleep(3000).then(() => null)]);
    if (!done) {
      killGroup(child, "SIGKILL");
      await Promise.race([exitPromise, sleep(2000)]);
    }
    // Grandchildren that ignored SIGTERM: the group is ours, end it.
    killGroup(child, "SIGKILL");
    liveChildren.delete(child);
  };

  const handle = { child, pid: child.pid, output: () => output, stop, exited: () => exited };
  if (!readyPattern) return handle;

  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listeners.delete(check);
      stop().finally(() =>
        reject(new Error(`${label} was not ready within ${timeoutMs} ms (waiting for ${readyPattern}); output:\n${output}`)),
      );
    }, timeoutMs);
    function check() {
      if (readyPattern.test(output)) {
        clearTimeout(timer);
        listeners.delete(check);
        resolve();
      } else if (exited) {
        clearTimeout(timer);
        listeners.delete(check);
        reject(new Error(`${label} exited (${JSON.stringify(exited)}) before it was ready; output:\n${output}`));
      }
    }
    listeners.add(check);
    check();
  });
  return handle;
}

// ---------------------------------------------------------------------------------------------
// MCP servers

/**
 * `@modelcontextprotocol/server-everything` in mode "streamableHttp" (URL .../mcp) or "sse"
 * (URL .../sse, the 2024-11-05 HTTP+SSE transport). It sends CORS `*` itself.
 */
export async function startServerEverything(mode = "streamableHttp") {
  const modes = {
    streamableHttp: { path: "/mcp", ready: /MCP Streamable HTTP Server listening on port \d+/ },
    sse: { path: "/sse", ready: /Server is running on port \d+/ },
  };
  const m = modes[mode];
  if (!m) throw new Error(`unknown server-everything mode ${mode}`);
  const port = await freePort();
  const proc = await startProcess(process.execPath, ["--import", LISTEN_OVERRIDE, EVERYTHING_ENTRY, mode], {
    env: { PORT: String(port) },
    readyPattern: m.ready,
    name: `everything-${mode}`,
  });
  return {
    url: `http://127.0.0.1:${port}${m.path}`,
    port,
    output: proc.output,
    proc,
    stop: proc.stop,
  };
}

const EXPOSED_HEADERS = "mcp-session-id, mcp-protocol-version, last-event-id, www-authenticate";
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
]);
const MAX_LOGGED_BODY = 256 * 1024;

/**
 * A reverse proxy on 127.0.0.1 (free port) to `target` that adds CORS headers, answers
 * preflights itself, and streams bodies both ways without buffering (SSE works through it).
 * Every request is recorded in `requests` (method, url, headers, body, status, response headers,
 * response body — bodies truncated at 256 KiB — and timestamps t0 / tHeaders / tEnd, `outcome`);
 * `connections()` counts the TCP connections accepted.
 */
export async function startCorsProxy({ target, port = undefined, record = true }) {
  const upstream = new URL(target);
  const requests = [];
  const corsHeaders = {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": EXPOSED_HEADERS,
  };
  const server = http.createServer((req, res) => {
    const entry = {
      seq: requests.length + 1,
      method: req.method,
      url: req.url,
      headers: { ...req.headers },
      body: "",
      t0: Date.now(),
      status: undefined,
      responseHeaders: undefined,
      responseBody: "",
      tHeaders: undefined,
      tEnd: undefined,
      outcome: undefined,
      json() {
        try {
          return JSON.parse(this.body);
        } catch {
          return undefined;
        }
      },
    };
    if (record) requests.push(entry);
    const finish = (outcome) => {
      if (entry.outcome === undefined) entry.outcome = outcome;
      if (entry.tEnd === undefined) entry.tEnd = Date.now();
    };

    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        ...corsHeaders,
        "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
        "access-control-allow-headers": req.headers["access-control-request-headers"] || "*",
        "access-control-max-age": "600",
      });
      res.end();
      entry.status = 204;
      finish("preflight");
      req.resume();
      return;
    }

    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
    headers.host = upstream.host;
    const up = http.request({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
      agent: false,
    });
    req.on("data", (chunk) => {
      if (entry.body.length < MAX_LOGGED_BODY) entry.body += chunk.toString("utf8");
    });
    req.pipe(up);

    up.on("response", (ur) => {
      entry.status = ur.statusCode;
      entry.responseHeaders = { ...ur.headers };
      entry.tHeaders = Date.now();
      const out = {};
      for (const [k, v] of Object.entries(ur.headers)) {
        if (!HOP_BY_HOP.has(k) && !k.startsWith("access-control-")) out[k] = v;
      }
      Object.assign(out, corsHeaders);
      res.writeHead(ur.statusCode, ur.statusMessage, out);
      res.flushHeaders();
      ur.on("data", (chunk) => {
        if (entry.responseBody.length < MAX_LOGGED_BODY) entry.responseBody += chunk.toString("utf8");
      });
      ur.on("end", () => finish("complete"));
      ur.on("aborted", () => {
        finish("upstream-aborted");
        res.destroy();
      });
      ur.on("error", () => {
        finish("upstream-error");
        res.destroy();
      });
      ur.pipe(res);
    });
    up.on("error", (err) => {
      finish(`upstream-error: ${err.message}`);
      if (!res.headersSent) {
        res.writeHead(502, { ...corsHeaders, "content-type": "text/plain" });
        res.end(`proxy: ${err.message}\n`);
      } else {
        res.destroy();
      }
    });
    res.on("close", () => {
      if (!res.writableFinished) {
        finish("client-closed");
        up.destroy();
      }
    });
  });
  // TCP connections the browser opened to the proxy: a fetch aborted before its body ended
  // costs its keep-alive connection, so the next request opens a new one.
  let connections = 0;
  server.on("connection", () => connections++);
  return { ...(await listenLocal(server, port)), requests, connections: () => connections };
}

// Example servers whose MCP endpoint is not on the SDK examples' usual 3000.
const EXAMPLE_MCP_DEFAULT_PORT = { "ssePollingExample.js": 3001 };

/**
 * One of the SDK's example servers (`file` under dist/esm/examples/server/), behind the CORS proxy.
 * Ports: the examples read PORT / MCP_PORT / MCP_AUTH_PORT or hard-code 3000 / 3001; both kinds
 * are redirected to free ports (hard-coded ones by the preloaded listen-override.mjs), and the
 * listen is bound to 127.0.0.1. Returns `{ url, backendUrl, requests, output(), restart(), stop() }`;
 * `url` points at the proxy, `restart()` replaces the server process (same ports, fresh state).
 * `asProxy: true` makes the server believe it listens on the proxy's port, at `localhost`: an
 * OAuth-protected example names its own URL as the resource (RFC 8707), which must be the URL
 * the client connects to (`url` is then `http://localhost:<proxy port>/mcp`). `record: false`
 * keeps no request records (for a long-running demo).
 */
export async function startSdkExample(file, args = [], { path: mcpPath = "/mcp", readyTimeoutMs = 20000, asProxy = false, record = true } = {}) {
  const entry = path.join(SDK_EXAMPLES_DIR, file);
  if (!fs.existsSync(entry)) throw new Error(`no SDK example ${file} in ${SDK_EXAMPLES_DIR}`);
  const mcpPort = await freePort();
  const authPort = await freePort();
  const proxyPort = asProxy ? await freePort() : undefined;
  const mcpDefault = EXAMPLE_MCP_DEFAULT_PORT[file] ?? 3000;
  const authDefault = mcpDefault === 3000 ? 3001 : 3000;
  // The port the server is told; listen-override.mjs binds it to mcpPort.
  const told = proxyPort ?? mcpPort;
  const env = {
    PORT: String(told),
    MCP_PORT: String(told),
    MCP_AUTH_PORT: String(authPort),
    E2E_PORT_MAP: JSON.stringify({ [mcpDefault]: mcpPort, [authDefault]: authPort, ...(proxyPort ? { [proxyPort]: mcpPort } : {}) }),
  };
  const launch = () =>
    startProcess(process.execPath, ["--import", LISTEN_OVERRIDE, entry, ...args], {
      env,
      readyPattern: new RegExp(`E2E_LISTENING ${mcpPort}\\b`),
      timeoutMs: readyTimeoutMs,
      name: file.replace(/\.js$/, ""),
    });
  let proc = await launch();
  let earlierOutput = "";
  let proxy;
  try {
    proxy = await startCorsProxy({ target: `http://127.0.0.1:${mcpPort}`, port: proxyPort, record });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return {
    url: asProxy ? `http://localhost:${proxyPort}${mcpPath}` : `${proxy.origin}${mcpPath}`,
    backendUrl: `http://127.0.0.1:${mcpPort}${mcpPath}`,
    mcpPort,
    authPort,
    requests: proxy.requests,
    output: () => earlierOutput + proc.output(),
    async restart() {
      await proc.stop();
      earlierOutput += proc.output() + "\n--- restarted ---\n";
      proc = await launch();
    },
    async stop() {
      await proxy.stop();
      await proc.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Test helpers around a client page

/**
 * Helpers bound to a page (returned by `getPage()`) and a server's output (`getOutput()`), both
 * read lazily so they can be made before `before()` runs:
 * - `inPage(fn, arg)`: page.evaluate, with page errors and the server's output tail on failure;
 * - `expectOk(settled, what)`: the value of an `e2e.settle(...)` result, or an assertion error;
 * - `waitForEvent(name, matchSource, timeoutMs)`: waits until `window.events[name]` (filled by
 *   `e2e.track`) has a detail for which the page-side function source `matchSource` is true, and
 *   returns all matching details.
 */
export function pageHelpers(getPage, getOutput = () => "") {
  const context = () => `${pageDiagnostics(getPage())}\nserver output (tail):\n${String(getOutput()).slice(-3000)}`;
  const inPage = async (fn, arg) => {
    try {
      return await getPage().evaluate(fn, arg);
    } catch (err) {
      err.message += `\n${context()}`;
      throw err;
    }
  };
  const expectOk = (settled, what) => {
    if (!settled?.ok) {
      const err = new Error(`${what} rejected: ${JSON.stringify(settled?.error)}\n${context()}`);
      err.name = "AssertionError";
      throw err;
    }
    return settled.value;
  };
  const waitForEvent = async (name, matchSource, timeoutMs = 15000) => {
    const page = getPage();
    try {
      await page.waitForFunction(
        ([n, src]) => (window.events?.[n] ?? []).some((e) => (0, eval)(src)(e.detail)),
        [name, matchSource],
        { timeout: timeoutMs, polling: 50 },
      );
    } catch {
      const seen = await page.evaluate((n) => (window.events?.[n] ?? []).map((e) => e.detail), name);
      throw new Error(`no "${name}" event matching ${matchSource} within ${timeoutMs} ms; got ${JSON.stringify(seen)}\n${context()}`);
    }
    return page.evaluate(
      ([n, src]) => window.events[n].filter((e) => (0, eval)(src)(e.detail)).map((e) => e.detail),
      [name, matchSource],
    );
  };
  return { inPage, expectOk, waitForEvent };
}

// ---------------------------------------------------------------------------------------------
// An app page that signs in with OAuth (the popup blocker on, real clicks)

export const OAUTH_CALLBACK_PAGE = "/tests/e2e/pages/oauth-callback.html";

/** The token of a recorded request's `Authorization: Bearer` header, if any. */
export const bearerOf = (r) => /^Bearer (.+)$/.exec(r.headers.authorization ?? "")?.[1];

/**
 * A fresh page (own context, closed after `t`) of the client page at `origin`, for connections
 * to `target` (a server with a `requests` log and maybe `output()`). Not openClientPage:
 * Playwright's waitForFunction and waitForSelector give the page user activation, which would
 * let an open() outside a click through the popup blocker; so the page runs code through CDP
 * without a user gesture (`s.run(fn, arg)`) and only page.click (trusted input) is a gesture.
 * `s.button(n)` waits for sign-in button n, `s.signIn(n)` clicks it and returns the popup,
 * `s.ready()` waits for the package after a reload, `s.diag()` is text for assertion messages.
 * `context`: open the page as another tab of that browser context instead.
 */
export async function openOAuthApp(t, browser, origin, target, context = undefined) {
  if (!context) {
    context = await browser.newContext();
    t.after(() => context.close().catch(() => {}));
  }
  const page = await context.newPage();
  page.pageErrors = [];
  page.consoleErrors = [];
  page.on("pageerror", (e) => page.pageErrors.push(String(e?.stack ?? e)));
  page.on("console", (m) => m.type() === "error" && page.consoleErrors.push(m.text()));
  const cdp = await context.newCDPSession(page);
  const s = { page, target, origin };
  s.run = async (fn, arg) => {
    const expression = `(${fn})(${arg === undefined ? "" : JSON.stringify(arg)})`;
    const r = await cdp.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true, userGesture: false });
    if (r.exceptionDetails) throw new Error(`in page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  };
  s.diag = () => `${pageDiagnostics(page)}\nrequests:\n${target.requests.map((r) => `${r.method} ${r.url} auth=${r.headers.authorization ? r.headers.authorization.slice(0, 15) : "no"} -> ${r.status}`).join("\n")}${target.output ? `\nserver output (tail):\n${target.output().slice(-2000)}` : ""}`;
  s.button = (n) => waitFor(() => s.run((id) => document.getElementById(id) !== null, `authorize-${n}`), { timeoutMs: 15000, what: `sign-in button ${n}` })
    .catch((e) => Promise.reject(new Error(`${e.message}\n${s.diag()}`)));
  s.signIn = async (n) => {
    await s.button(n);
    const popup = page.waitForEvent("popup", { timeout: 10000 });
    await page.click(`#authorize-${n}`);
    return popup;
  };
  s.ready = async () => {
    let loaded;
    await waitFor(async () => (loaded = await s.run(() => window.ready === true || window.loadError || false)), { timeoutMs: 20000, what: "the package to load" });
    if (loaded !== true) throw new Error(`the client page failed to load the package: ${loaded}`);
  };
  await page.goto(origin + CLIENT_PAGE, { timeout: 20000 });
  await s.ready();
  if (await s.run(() => navigator.userActivation.hasBeenActive)) throw new Error("the page has user activation before any click");
  return s;
}

/**
 * Starts `connect()` with `auth` in an openOAuthApp page; each authorization request becomes a
 * button #authorize-N (`window.auth`: asked, opens, client). `openAtOnce` also calls req.open()
 * from the callback, without a gesture (`auth.immediate`). `storage`: the option as is,
 * "custom" for a store in the page that logs its calls (window.store: { data: Map, calls }),
 * "encrypted" for the package's encryptedStore() (window.store, made once per page load), or
 * "local": one on localStorage, which every tab of the origin shares.
 * `authOptions`: more `auth` options (plain data), e.g. `{ clientId }`.
 */
export function startOAuthConnect(s, { url = s.target.url, openAtOnce = false, storage, authOptions = { clientName: "mcp-web-client e2e" } } = {}) {
  return s.run(
    async ({ url, redirectUri, openAtOnce, storage, authOptions }) => {
      document.querySelectorAll("button[id^=authorize-]").forEach((b) => b.remove()); // an earlier connect's
      if (storage === "encrypted") window.store ??= (await import("/pkg/encrypted-store.js")).encryptedStore();
      window.auth = { asked: [], opens: [] };
      window.auth.client = e2e.settle(
        McpClient.connect(url, {
          clientInfo: { name: "mcp-web-client-e2e", version: "0.0.0" },
          auth: {
            redirectUri,
            ...authOptions,
            ...(storage === "encrypted"
              ? { storage: window.store }
              : storage === "custom"
              ? {
                storage: (window.store ??= {
                  data: new Map(),
                  calls: [],
                  async get(k) { this.calls.push(["get", k]); return this.data.get(k); },
                  set(k, v) { this.calls.push(["set", k]); this.data.set(k, v); },
                  delete(k) { this.calls.push(["delete", k]); this.data.delete(k); },
                }),
              }
              : storage === "local"
                ? { storage: { get: (k) => localStorage.getItem(k), set: (k, v) => localStorage.setItem(k, v), delete: (k) => localStorage.removeItem(k) } }
                : storage ? { storage } : {}),
            onAuthorization(req) {
              const n = auth.asked.push({ issuer: req.issuer, scopes: req.scopes, server: req.server });
              // From the network callback: no user activation, so the popup blocker refuses.
              if (openAtOnce) auth.immediate = e2e.settle(req.open());
              const b = document.createElement("button");
              b.id = `authorize-${n}`;
              b.textContent = `Sign in at ${new URL(req.issuer).host}`;
              b.onclick = () => auth.opens.push(e2e.settle(req.open()));
              document.body.append(b);
            },
          },
        }).then((c) => ((window.client = c), { protocolVersion: c.protocolVersion, serverInfo: c.serverInfo })),
      );
      return true;
    },
    { url, redirectUri: s.origin + OAUTH_CALLBACK_PAGE, openAtOnce, storage, authOptions },
  );
}

/**
 * After `client.signOut()` and one request: the POSTs to `s.target` since `before` went first
 * without a token (and met the 401), last with a new token (answered 200). Returns that token.
 */
export function assertSignedInAgain(s, before, oldToken) {
  const posts = s.target.requests.slice(before).filter((r) => r.method === "POST");
  assert.equal(posts[0].status, 401, "signed out, the request went without a token");
  assert.equal(bearerOf(posts[0]), undefined);
  const newToken = bearerOf(posts.at(-1));
  assert.ok(newToken && newToken !== oldToken, s.diag());
  assert.equal(posts.at(-1).status, 200);
  return newToken;
}
