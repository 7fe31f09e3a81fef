// The package in a bundler: tests/bundler is a plain-JS Vite app that depends on
// "mcp-web-client": "file:../../pkg". Its .npmrc sets install-links=true, so npm installs a copy
// of the package made the way `npm pack` would (only the files listed in pkg/package.json), not
// a symlink to pkg/: the app sees what a registry install would give it.
//
// Steps: `npm ci` in tests/bundler when its node_modules is missing or older than its lock file;
// otherwise only the package copy is replaced, so every run bundles the pkg/ just built. Then
// `vite build`, the dist/ served by the harness's static server, server-everything
// (streamableHttp), and the built page in Chromium with ?server=<url>: the page connects, lists
// tools, calls echo, gets a form elicitation that the library shows in its own dialog (loaded on
// demand by the library's dynamic import, through the bundle) which the test declines with a real
// click, then imports "mcp-web-client/elicitation-dialog.js" itself. Every result is read from the
// DOM. Last, the same app under `vite` (the dev server, dependencies pre-bundled) runs the same way.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  PKG_JS,
  REPO_ROOT,
  freePort,
  launchBrowser,
  pageDiagnostics,
  startProcess,
  startServerEverything,
  startStatic,
  waitFor,
} from "./harness.mjs";

const APP_DIR = path.join(REPO_ROOT, "tests", "bundler");
const NODE_MODULES = path.join(APP_DIR, "node_modules");
const DIST = path.join(APP_DIR, "dist");
const PKG_DIR = path.join(REPO_ROOT, "pkg");
const INSTALLED = path.join(NODE_MODULES, "mcp-web-client");
const VITE_BIN = path.join(NODE_MODULES, "vite", "bin", "vite.js");
const NPM_TIMEOUT_MS = 180_000;
const BUILD_TIMEOUT_MS = 120_000;
const T = { timeout: 60_000 };

let viteOutput = "";
let stat;
let everything;
let browser;

/** Runs `cmd args` in `cwd` to its end (own process group, stopped after `timeoutMs`); throws unless it exits 0. */
async function run(cmd, args, { cwd = APP_DIR, timeoutMs, env = {} }) {
  const what = `${cmd} ${args.join(" ")}`;
  const proc = await startProcess(cmd, args, { cwd, env, name: path.basename(cmd) });
  try {
    await waitFor(() => proc.exited(), { timeoutMs, intervalMs: 100, what: `${what} to finish` });
  } catch (err) {
    await proc.stop();
    throw new Error(`${err.message}; output:\n${proc.output()}`);
  }
  const { code, signal, error } = proc.exited();
  if (code !== 0) throw new Error(`${what} (in ${path.relative(REPO_ROOT, cwd)}) failed: code ${code}, signal ${signal}${error ? `, ${error.message}` : ""}; output:\n${proc.output()}`);
  return proc.output();
}

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** npm ci when node_modules is missing or older than the lock; else a fresh copy of pkg/ only. */
async function install() {
  const npmState = path.join(NODE_MODULES, ".package-lock.json");
  const lock = path.join(APP_DIR, "package-lock.json");
  const npmEnv = { npm_config_update_notifier: "false" };
  if (mtimeMs(npmState) < 0 || mtimeMs(lock) > mtimeMs(npmState) || !fs.existsSync(VITE_BIN)) {
    await run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { timeoutMs: NPM_TIMEOUT_MS, env: npmEnv });
  } else {
    // npm keeps an installed file: dependency as it is, so remove it to have it copied again.
    fs.rmSync(INSTALLED, { recursive: true, force: true });
    await run("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error"], { timeoutMs: NPM_TIMEOUT_MS, env: npmEnv });
  }
  // The copy is the package just built, not an older one.
  for (const f of ["mcp_web_client.js", "mcp_web_client_bg.wasm", "elicitation-dialog.js", "package.json"]) {
    const a = fs.readFileSync(path.join(PKG_DIR, f));
    const b = fs.readFileSync(path.join(INSTALLED, f));
    assert.ok(a.equals(b), `tests/bundler/node_modules/mcp-web-client/${f} differs from pkg/${f}`);
  }
  assert.ok(!fs.lstatSync(INSTALLED).isSymbolicLink(), "mcp-web-client was linked, not copied (is install-links=true in tests/bundler/.npmrc?)");
}

before(async () => {
  if (!fs.existsSync(PKG_JS)) throw new Error("pkg/mcp_web_client.js does not exist: build the package first (make pkg)");
  await install();
  viteOutput = await run(process.execPath, [VITE_BIN, "build"], { timeoutMs: BUILD_TIMEOUT_MS, env: { NO_COLOR: "1" } });
  stat = await startStatic({ root: DIST });
  everything = await startServerEverything("streamableHttp");
  browser = await launchBrowser();
}, { timeout: NPM_TIMEOUT_MS + BUILD_TIMEOUT_MS + 60_000 });

after(async () => {
  await browser?.close();
  await everything?.stop();
  await stat?.stop();
});

const assetsOf = (ext) => fs.readdirSync(path.join(DIST, "assets")).filter((f) => f.endsWith(ext));
/** The file name of the entry chunk, from dist/index.html. */
function entryChunk() {
  const html = fs.readFileSync(path.join(DIST, "index.html"), "utf8");
  const entry = html.match(/<script type="module"[^>]*src="\/assets\/([^"]+\.js)"/)?.[1];
  assert.ok(entry, `no entry script in dist/index.html:\n${html}`);
  return entry;
}

/** The client module's .wasm among the assets (the other one is the OAuth module's). */
const clientWasm = () => assetsOf(".wasm").find((f) => f.startsWith("mcp_web_client_bg-"));

test("vite build emits both .wasm modules as assets, and the dialog and the OAuth glue as chunks of their own", T, (t) => {
  t.diagnostic(viteOutput.trim().split("\n").filter((l) => /dist\/|built in/.test(l)).join(" | "));
  const all = assetsOf(".wasm");
  assert.equal(all.length, 2, `two .wasm in dist/assets, the client's and the OAuth module's: ${JSON.stringify(all)}`);
  const wasm = [clientWasm(), all.find((f) => f.startsWith("mcp_web_client_oauth_bg-"))];
  for (const [asset, original] of [[wasm[0], "mcp_web_client_bg.wasm"], [wasm[1], "oauth/mcp_web_client_oauth_bg.wasm"]]) {
    assert.ok(asset && fs.readFileSync(path.join(DIST, "assets", asset)).equals(fs.readFileSync(path.join(PKG_DIR, original))), `dist/assets/${asset} is not pkg/${original}`);
  }

  const entry = entryChunk();
  const entryJs = fs.readFileSync(path.join(DIST, "assets", entry), "utf8");
  assert.ok(entryJs.includes(`/assets/${wasm[0]}`), `the entry chunk does not reference /assets/${wasm[0]}`);

  // Both the library's import('../../elicitation-dialog.js') and the app's
  // import("mcp-web-client/elicitation-dialog.js") must land in one chunk that is not the entry.
  const withDialog = assetsOf(".js").filter((f) => fs.readFileSync(path.join(DIST, "assets", f), "utf8").includes("mcp-dialog"));
  assert.equal(withDialog.length, 1, `the dialog code is in one chunk: ${JSON.stringify(withDialog)}`);
  assert.notEqual(withDialog[0], entry, "the dialog was bundled into the entry chunk, not loaded on demand");

  // The OAuth module's glue is a chunk of its own that the entry does not contain.
  const withOAuth = assetsOf(".js").filter((f) => fs.readFileSync(path.join(DIST, "assets", f), "utf8").includes("oauthsession_new"));
  assert.ok(withOAuth.length >= 1 && !withOAuth.includes(entry), `the OAuth glue is not in a chunk of its own: ${JSON.stringify(withOAuth)} (entry ${entry})`);
  assert.ok(!entryJs.includes(wasm[1]), "the entry chunk names the OAuth module's .wasm itself");
});

/**
 * Opens the app at `origin` with ?server=, declines the library's dialog with a real click, and
 * checks what the page wrote. Returns the app server's responses as [pathname, status,
 * content-type] and the pathnames fetched before the dialog opened.
 */
async function driveApp(t, origin) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.pageErrors = [];
  page.consoleErrors = [];
  page.on("pageerror", (e) => page.pageErrors.push(String(e?.stack || e)));
  page.on("console", (m) => m.type() === "error" && page.consoleErrors.push(`${m.text()} [${m.location()?.url ?? ""}]`));
  const mcp = []; // "METHOD /path status" of the MCP server's responses
  const loaded = []; // [pathname, status, content-type] of the app server's responses
  page.on("response", (r) => {
    const u = new URL(r.url());
    if (u.origin === origin) loaded.push([u.pathname, r.status(), r.headers()["content-type"]]);
    else mcp.push(`${r.request().method()} ${u.pathname} ${r.status()}`);
  });
  const dom = () => page.evaluate(() => Object.fromEntries([...document.querySelectorAll("dd[id]")].map((d) => [d.id, d.textContent])));
  const diagnostics = async () =>
    `DOM: ${JSON.stringify(await dom().catch(() => null))}\nloaded: ${JSON.stringify(loaded)}\nMCP responses: ${mcp.join(", ")}\n` +
    `${pageDiagnostics(page)}\nserver output (tail):\n${everything.output().slice(-2000)}`;
  try {
    await page.goto(`${origin}/?server=${encodeURIComponent(everything.url)}`, { timeout: 20000 });

    // The library's own dialog, for the form the server asks for: decline it with a real click.
    await page
      .waitForFunction(
        () => document.querySelector("dialog.mcp-dialog[open]") || document.getElementById("status").textContent === "failed",
        null,
        { timeout: 20000, polling: 50 },
      )
      .catch(() => null);
    assert.ok(await page.$("dialog.mcp-dialog[open]"), `the library's dialog did not open\n${await diagnostics()}`);
    const beforeDialog = loaded.map(([p]) => p);
    await page.getByRole("button", { name: "Decline", exact: true }).click({ timeout: 10000 });

    await page
      .waitForFunction(() => ["done", "failed"].includes(document.getElementById("status").textContent), null, { timeout: 20000, polling: 50 })
      .catch(() => {});
    const d = await dom();
    t.diagnostic(`DOM: ${JSON.stringify(d)}`);
    t.diagnostic(`loaded: ${JSON.stringify(loaded)}`);
    t.diagnostic(`MCP responses: ${mcp.join(", ")}`);
    const why = await diagnostics();
    assert.equal(d.status, "done", why);
    assert.equal(d.error, "", why);
    assert.equal(d.server, "mcp-servers/everything");
    assert.match(d.protocol, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(d.tools.split(" ").includes("echo"), `echo not in the tool list: ${d.tools}`);
    assert.equal(d.echo, "Echo: hello from vite");
    assert.match(d.elicitation, /declined/);
    assert.match(d.elicitation, /"action": "decline"/);
    assert.equal(d.dialog, "showElicitationDialog is a function");

    // The wasm was fetched once, as application/wasm (what instantiateStreaming needs); the
    // OAuth module's never (this app passes no auth).
    const wasm = loaded.filter(([p]) => p.endsWith(".wasm"));
    assert.equal(wasm.length, 1, JSON.stringify(loaded));
    assert.ok(!wasm[0][0].includes("oauth"), JSON.stringify(loaded));
    assert.deepEqual(wasm[0].slice(1), [200, "application/wasm"], JSON.stringify(wasm));

    assert.deepEqual(page.pageErrors, [], why);
    // Chromium logs every 4xx as a console error; the 400 that server-everything gives the
    // `server/discover` probe (protocolVersion "auto" asks the 2026-07-28 way first) is expected.
    const probe = `Failed to load resource: the server responded with a status of 400 (Bad Request) [${everything.url}]`;
    assert.deepEqual(page.consoleErrors.filter((e) => e !== probe), [], why);
    return { loaded, beforeDialog };
  } finally {
    await context.close();
  }
}

test("the built app runs: init, connect, tools, echo, the library's dialog, the app's dialog import", T, async (t) => {
  const { loaded, beforeDialog } = await driveApp(t, stat.origin);
  const entry = entryChunk();
  const wasm = clientWasm();
  // The wasm came from the bundle's asset; the dialog chunk was fetched on demand, once, and
  // before the dialog opened (the library's import), so the app's own import reused it.
  assert.ok(loaded.some(([p]) => p === `/assets/${wasm}`), `/assets/${wasm} was not fetched: ${JSON.stringify(loaded)}`);
  const chunks = loaded.filter(([p]) => p.endsWith(".js")).map(([p]) => p);
  const dialogChunks = chunks.filter((p) => p !== `/assets/${entry}`);
  assert.equal(chunks.length, 2, `expected the entry and the dialog chunk: ${JSON.stringify(chunks)}`);
  assert.equal(dialogChunks.length, 1, JSON.stringify(chunks));
  assert.ok(beforeDialog.includes(dialogChunks[0]), `${dialogChunks[0]} was not fetched before the dialog opened`);
});

test("the dev server (vite) serves the same app and it runs", T, async (t) => {
  const port = await freePort();
  // --force: re-optimise the dependencies, whose cache is keyed by the lock file and would
  // otherwise keep a pre-bundled copy of an older pkg/.
  const dev = await startProcess(
    process.execPath,
    [VITE_BIN, "--host", "127.0.0.1", "--port", String(port), "--strictPort", "--force", "--clearScreen", "false"],
    { cwd: APP_DIR, env: { NO_COLOR: "1" }, readyPattern: /Local:\s+http:\/\/127\.0\.0\.1:\d+/, timeoutMs: 30000, name: "vite-dev" },
  );
  try {
    const { loaded } = await driveApp(t, `http://127.0.0.1:${port}`);
    t.diagnostic(`vite: ${dev.output().trim().split("\n").filter(Boolean).join(" | ")}`);
    assert.ok(loaded.some(([p]) => p.endsWith("/mcp_web_client_bg.wasm")), JSON.stringify(loaded));
    assert.doesNotMatch(dev.output(), /error/i, dev.output());
  } finally {
    await dev.stop();
  }
});
