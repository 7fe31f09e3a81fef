#!/usr/bin/env node
// Benchmark: the built package (pkg/) against the official TypeScript SDK clients (1.x and 2.x),
// in ONE headless Chromium run, against the same local server-everything (Streamable HTTP), plus
// an in-memory fetch that answers from prepared responses, which isolates what each library costs.
// Prints a Markdown table and writes bench/results.md. Run from anywhere: `node bench/run.mjs`.
//
// Knobs (environment): BENCH_ROUNDS (default 4), BENCH_QUICK=1 (fewer calls, for trying it out),
// BENCH_VERBOSE=1 (per-round numbers on stderr).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(BENCH_DIR, "..");
const E2E_DIR = path.join(REPO_ROOT, "tests", "e2e");
const DIST = path.join(BENCH_DIR, "dist");
const PKG = path.join(REPO_ROOT, "pkg");
const VERBOSE = !!process.env.BENCH_VERBOSE;
const QUICK = !!process.env.BENCH_QUICK;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS || (QUICK ? 2 : 4)));
const MOCK_ROUNDS = 2 * ROUNDS; // cheap, and noisier on a shared machine

const REAL = QUICK
  ? { connects: 2, warmup: 10, calls: 60, concurrency: 50, batches: 1, bigReps: 1 }
  : { connects: 3, warmup: 20, calls: 250, concurrency: 50, batches: 3, bigReps: 3 };
const MOCK = QUICK
  ? { connects: 5, calls: 200, eventCalls: 20, bigReps: 5, blocks: 5 }
  : { connects: 20, calls: 1000, eventCalls: 100, bigReps: 10, blocks: 5 };
const MEMORY_CALLS = QUICK ? 300 : 2000;
const MEMORY_IN_FLIGHT = 10;
const MEMORY_WARMUP = 50;

const log = (...a) => process.stderr.write(a.join(" ") + "\n");

function run(cmd, args, cwd) {
  log(`bench: ${cmd} ${args.join(" ")}  (in ${path.relative(REPO_ROOT, cwd) || "."})`);
  const r = spawnSync(cmd, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal})`);
}

// ------------------------------------------------------------------------------------------------
// Prerequisites: the package, the e2e packages (server-everything, playwright-core), ours.

function prerequisites() {
  const pkgJs = path.join(PKG, "mcp_web_client.js");
  const pkgWasm = path.join(PKG, "mcp_web_client_bg.wasm");
  if (!fs.existsSync(pkgJs) || !fs.existsSync(pkgWasm)) run("make", ["pkg"], REPO_ROOT);
  const e2eReady = ["playwright-core", "@modelcontextprotocol/server-everything"].every((p) =>
    fs.existsSync(path.join(E2E_DIR, "node_modules", p, "package.json")),
  );
  if (!e2eReady) run("bash", ["scripts/install.sh"], REPO_ROOT);
  const lock = path.join(BENCH_DIR, "package-lock.json");
  const installed = path.join(BENCH_DIR, "node_modules", ".package-lock.json");
  if (!fs.existsSync(installed) || fs.statSync(lock).mtimeMs > fs.statSync(installed).mtimeMs) {
    run("npm", ["ci", "--no-audit", "--no-fund"], BENCH_DIR);
  }
}

// ------------------------------------------------------------------------------------------------
// Bundles and sizes

const SDK1_VERSION = () => readVersion("@modelcontextprotocol/sdk");
const SDK2_VERSION = () => readVersion("@modelcontextprotocol/client");
function readVersion(name) {
  return JSON.parse(fs.readFileSync(path.join(BENCH_DIR, "node_modules", name, "package.json"), "utf8")).version;
}

async function buildBundles() {
  const esbuild = await import("esbuild");
  fs.mkdirSync(DIST, { recursive: true });
  const common = {
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
    absWorkingDir: BENCH_DIR,
  };
  // One bundle per SDK with only the client and the Streamable HTTP transport (entries/).
  for (const name of ["sdk-v1", "sdk-v2"]) {
    await esbuild.build({ ...common, entryPoints: [path.join(BENCH_DIR, "entries", `${name}.mjs`)], outfile: path.join(DIST, `${name}.js`) });
  }
  // Our JS glue as an app's bundler would ship it; used for the size row only.
  // The .wasm stays a separate file, referenced by new URL(..., import.meta.url). With code
  // splitting, what the library imports on demand (the dialog, the OAuth module's glue) is in
  // chunks of its own; the row counts the entry chunk, what a page loads up front.
  await esbuild.build({ ...common, splitting: true, entryPoints: [path.join(PKG, "mcp_web_client.js")], outdir: path.join(DIST, "ours") });
}

function sizeOf(files) {
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const buf = fs.readFileSync(f);
    raw += buf.length;
    gz += zlib.gzipSync(buf, { level: 9 }).length; // gzip -9, each file compressed on its own
  }
  return { raw, gz };
}

// The .js files under `dir`, at any depth.
function jsFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) out.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

function ourJsFiles() {
  return [path.join(PKG, "mcp_web_client.js"), ...jsFiles(path.join(PKG, "snippets"))];
}

function sizes() {
  const wasm = path.join(PKG, "mcp_web_client_bg.wasm");
  return {
    oursShipped: sizeOf([wasm, ...ourJsFiles()]),
    oursWasm: sizeOf([wasm]),
    oursJs: sizeOf(ourJsFiles()),
    oursMinified: sizeOf([wasm, path.join(DIST, "ours", "mcp_web_client.js")]),
    // The OAuth module: fetched only by a connect() with the auth option.
    oauth: sizeOf([path.join(PKG, "oauth", "mcp_web_client_oauth_bg.wasm"), ...jsFiles(path.join(PKG, "oauth"))]),
    // `mcp-web-client/full`: the client with OAuth inside, one module.
    full: sizeOf([path.join(PKG, "full", "mcp_web_client_bg.wasm"), ...jsFiles(path.join(PKG, "full"))]),
    sdk1: sizeOf([path.join(DIST, "sdk-v1.js")]),
    sdk2: sizeOf([path.join(DIST, "sdk-v2.js")]),
  };
}

// ------------------------------------------------------------------------------------------------
// Statistics

const median = (xs) => {
  const s = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function medians(rounds) {
  const out = {};
  for (const key of Object.keys(rounds[0] || {})) out[key] = median(rounds.map((r) => r[key]));
  return out;
}

// ------------------------------------------------------------------------------------------------
// Main

const CLIENTS = ["ours", "sdk1", "sdk2", "raw"];

async function main() {
  const started = Date.now();
  prerequisites();
  await buildBundles();
  const size = sizes();

  const harness = await import(new URL("../tests/e2e/harness.mjs", import.meta.url).href);
  const cleanups = [];
  const pages = {};
  const results = { real: {}, mock: {}, memory: {}, pageErrors: Object.fromEntries(CLIENTS.map((c) => [c, []])) };
  let browserVersion = "?";
  try {
    const server = await harness.startServerEverything("streamableHttp");
    cleanups.push(() => server.stop());
    const statics = await harness.startStatic({ root: REPO_ROOT });
    cleanups.push(() => statics.stop());
    const browser = await harness.launchBrowser();
    cleanups.push(() => browser.close());
    browserVersion = browser.version();
    log(`bench: server-everything at ${server.url}; Chromium ${browserVersion}; ${ROUNDS} rounds${QUICK ? " (quick)" : ""}`);

    // One page (own browser context, own renderer and V8 heap) per client.
    const openPage = async (c) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = results.pageErrors[c];
      page.on("pageerror", (e) => errors.push(String(e?.stack || e)));
      await page.goto(`${statics.origin}/bench/page.html?client=${c}`);
      const state = await page.waitForFunction(() => window.ready === true || window.loadError, null, { timeout: 30000 });
      const v = await state.jsonValue();
      if (v !== true) throw new Error(`${c} page failed to load: ${v}`);
      const cdp = await context.newCDPSession(page);
      return { context, page, cdp, errors };
    };
    const inPage = async (p, fn, arg) => {
      try {
        return await p.page.evaluate(fn, arg);
      } catch (e) {
        e.message += `\n[${p.page.url()}] page errors: ${p.errors.join("\n") || "none"}\nserver output (tail): ${server.output().slice(-1500)}`;
        throw e;
      }
    };
    // Memory first, each client on a fresh page that has run nothing else: GC; heap with the
    // library loaded; connect and warm up; GC; heap; MEMORY_CALLS calls; GC; heap.
    const heap = async (p) => {
      await p.cdp.send("HeapProfiler.collectGarbage");
      await p.cdp.send("HeapProfiler.collectGarbage");
      const { usedSize } = await p.cdp.send("Runtime.getHeapUsage");
      const wasm = await inPage(p, () => window.bench.wasmMemoryBytes());
      return { js: usedSize, wasm };
    };
    for (const c of CLIENTS) {
      const p = await openPage(c);
      const loaded = await heap(p);
      await inPage(p, ([url, n]) => window.bench.memStart(url, n), [server.url, MEMORY_WARMUP]);
      const before = await heap(p);
      const ms = await inPage(p, ([n, k]) => window.bench.memRun(n, k), [MEMORY_CALLS, MEMORY_IN_FLIGHT]);
      const after = await heap(p);
      await inPage(p, () => window.bench.memEnd());
      await p.context.close();
      results.memory[c] = { loaded, before, after, ms };
      if (VERBOSE) log(`memory ${c.padEnd(4)} ${JSON.stringify(results.memory[c])}`);
    }
    log(`bench: memory phase done (${((Date.now() - started) / 1000).toFixed(0)} s)`);

    for (const c of CLIENTS) {
      pages[c] = await openPage(c);
      results.real[c] = [];
      results.mock[c] = [];
    }

    for (const c of CLIENTS) await inPage(pages[c], (url) => window.bench.check(url), server.url);
    log("bench: every client echoes correctly against the server and the in-memory fetch");

    // Rounds: the order rotates every round (and reverses every other), so drift favours none.
    const orderOf = (r) => {
      const rot = CLIENTS.slice(r % CLIENTS.length).concat(CLIENTS.slice(0, r % CLIENTS.length));
      return r % 2 ? rot.reverse() : rot;
    };
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of orderOf(r)) {
        const res = await inPage(pages[c], ([url, cfg]) => window.bench.realRound(url, cfg), [server.url, REAL]);
        results.real[c].push(res);
        if (VERBOSE) log(`real  r${r} ${c.padEnd(4)} ${JSON.stringify(res, (k, v) => (typeof v === "number" ? +v.toFixed(3) : v))}`);
      }
      log(`bench: real server, round ${r + 1}/${ROUNDS} done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    for (let r = 0; r < MOCK_ROUNDS; r++) {
      for (const c of orderOf(r)) {
        const res = await inPage(pages[c], (cfg) => window.bench.mockRound(cfg), MOCK);
        results.mock[c].push(res);
        if (VERBOSE) log(`mock  r${r} ${c.padEnd(4)} ${JSON.stringify(res, (k, v) => (typeof v === "number" ? +v.toFixed(3) : v))}`);
      }
      log(`bench: in-memory fetch, round ${r + 1}/${MOCK_ROUNDS} done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  } finally {
    for (const stop of cleanups.reverse()) {
      try {
        await stop();
      } catch (e) {
        log(`bench: cleanup: ${e.message}`);
      }
    }
  }

  const report = renderReport({ size, results, browserVersion, seconds: (Date.now() - started) / 1000 });
  process.stdout.write(report);
  fs.writeFileSync(path.join(BENCH_DIR, "results.md"), report);
  log(`bench: wrote ${path.relative(process.cwd(), path.join(BENCH_DIR, "results.md"))}`);
}

// ------------------------------------------------------------------------------------------------
// Report

function machine() {
  const load = os.loadavg().map((x) => x.toFixed(1)).join(" ");
  const sh = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : "?";
  };
  let model = "?";
  try {
    model = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "?";
  } catch {
    // not Linux
  }
  return { date: sh("date", ["-u"]), nproc: sh("nproc", []), model, load };
}

// The distinct first lines of the page errors, per client (a DevTools-attached page retains such
// errors, so they also show up in the heap figures).
function errorNotes(pageErrors, labels) {
  const out = [];
  for (const [c, errs] of Object.entries(pageErrors)) {
    if (!errs.length) continue;
    const counts = new Map();
    for (const e of errs) {
      const first = e.split("\n")[0].slice(0, 160);
      counts.set(first, (counts.get(first) || 0) + 1);
    }
    const list = [...counts].map(([msg, n]) => `${n}× \`${msg}\``).join(", ");
    out.push(`- Page errors, ${labels[c]}: ${list}.`);
  }
  return out;
}

function renderReport({ size, results, browserVersion, seconds }) {
  const m = machine();
  const v1 = SDK1_VERSION();
  const v2 = SDK2_VERSION();
  const real = Object.fromEntries(CLIENTS.map((c) => [c, medians(results.real[c])]));
  const mock = Object.fromEntries(CLIENTS.map((c) => [c, medians(results.mock[c])]));
  const mem = results.memory;

  const fmt = (x, digits) => {
    if (x === null || x === undefined || Number.isNaN(x)) return "—";
    const d = digits ?? (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);
    return x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  };
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : "—");
  const kib = (bytes) => (bytes === null || bytes === undefined ? null : bytes / 1024);

  const rows = [];
  const header = `| | ours | SDK ${v1} | SDK ${v2} | raw fetch (floor) | ours / SDK ${v1} | ours / SDK ${v2} |`;
  const sep = "|---|--:|--:|--:|--:|--:|--:|";
  const section = (title) => rows.push(`| **${title}** | | | | | | |`);
  const row = (label, o, s1, s2, floor, digits) =>
    rows.push(`| ${label} | ${fmt(o, digits)} | ${fmt(s1, digits)} | ${fmt(s2, digits)} | ${fmt(floor, digits)} | ${ratio(o, s1)} | ${ratio(o, s2)} |`);
  const metric = (set, label, key, digits, transform = (x) => x) =>
    row(label, transform(set.ours[key]), transform(set.sdk1[key]), transform(set.sdk2[key]), transform(set.raw[key]), digits);

  section("Package size (KiB)");
  row("`.wasm` + `.js` as shipped, raw", kib(size.oursShipped.raw), kib(size.sdk1.raw), kib(size.sdk2.raw), null, 1);
  row("`.wasm` + `.js` as shipped, gzip -9", kib(size.oursShipped.gz), kib(size.sdk1.gz), kib(size.sdk2.gz), null, 1);
  row("`.wasm` + `.js` as an app's esbuild bundle (entry chunk), raw", kib(size.oursMinified.raw), kib(size.sdk1.raw), kib(size.sdk2.raw), null, 1);
  row("`.wasm` + `.js` as an app's esbuild bundle (entry chunk), gzip -9", kib(size.oursMinified.gz), kib(size.sdk1.gz), kib(size.sdk2.gz), null, 1);
  row("OAuth module (`oauth/`, fetched by the first connect with `auth`), gzip -9", kib(size.oauth.gz), null, null, null, 1);
  row("as shipped + OAuth module, gzip -9 (an app that uses `auth`)", kib(size.oursShipped.gz + size.oauth.gz), kib(size.sdk1.gz), kib(size.sdk2.gz), null, 1);
  row("`mcp-web-client/full` (OAuth inside, one module) as shipped, gzip -9", kib(size.full.gz), kib(size.sdk1.gz), kib(size.sdk2.gz), null, 1);

  section("Real server: server-everything over Streamable HTTP on 127.0.0.1");
  metric(real, "connect (initialize + initialized), ms", "connectMs");
  metric(real, `echo \`tools/call\`, sequential, p50 ms`, "p50");
  metric(real, `echo \`tools/call\`, sequential, p90 ms`, "p90");
  metric(real, `throughput, ${REAL.concurrency} calls in flight, calls/s (higher is better)`, "throughput", 0);
  metric(real, "1 MiB echo round trip (1 MiB up, 1 MiB back), ms", "bigMs", 1);

  section("In-memory fetch: prepared responses, no network (the library's own cost)");
  metric(mock, "connect, µs", "connectUs", 0);
  metric(mock, "`tools/call`, JSON response, µs per call", "smallJsonUs", 1);
  metric(mock, "`tools/call`, JSON response with Content-Length, µs per call", "smallJsonLengthUs", 1);
  metric(mock, "`tools/call`, SSE response (1 event), µs per call", "smallSseUs", 1);
  metric(mock, "  above the floor (JSON), µs per call", "smallJsonUs", 1, (x) => x - mock.raw.smallJsonUs);
  metric(mock, "  above the floor (SSE), µs per call", "smallSseUs", 1, (x) => x - mock.raw.smallSseUs);
  metric(mock, "per extra SSE event (100-event stream), µs", "perEventUs", 2);
  metric(mock, "1 MiB result, JSON, ms", "bigJsonMs", 2);
  metric(mock, "1 MiB result, SSE, ms", "bigSseMs", 2);

  section(`Memory after GC (KiB): a fresh page per client, before and after ${MEMORY_CALLS} echo calls (real server)`);
  const memRow = (label, f, digits = 0) => row(label, f(mem.ours), f(mem.sdk1), f(mem.sdk2), f(mem.raw), digits);
  memRow("JS heap, library loaded, not connected", (x) => kib(x?.loaded.js));
  memRow(`JS heap, connected + ${MEMORY_WARMUP} calls`, (x) => kib(x?.before.js));
  memRow(`JS heap, after ${MEMORY_CALLS} more calls`, (x) => kib(x?.after.js));
  memRow(`JS heap growth over ${MEMORY_CALLS} calls`, (x) => kib(x ? x.after.js - x.before.js : null), 1);
  memRow("`WebAssembly.Memory`, loaded", (x) => kib(x?.loaded.wasm));
  memRow(`\`WebAssembly.Memory\`, connected + ${MEMORY_WARMUP} calls`, (x) => kib(x?.before.wasm));
  memRow(`\`WebAssembly.Memory\`, after ${MEMORY_CALLS} more calls`, (x) => kib(x?.after.wasm));
  memRow(`JS heap + \`WebAssembly.Memory\`, after ${MEMORY_CALLS} more calls`, (x) => kib(x ? x.after.js + (x.after.wasm || 0) : null));
  section("Health");
  const errs = results.pageErrors;
  row("uncaught errors and unhandled rejections in the page, whole run", errs.ours.length, errs.sdk1.length, errs.sdk2.length, errs.raw.length, 0);

  const lines = [
    "## Benchmark",
    "",
    `${m.date} · ${m.nproc} CPUs (${m.model}) · Chromium ${browserVersion} (headless) · Node.js ${process.versions.node} · load average at the end ${m.load}`,
    "",
    `\`node bench/run.mjs\`: ours (\`pkg/\`) against \`@modelcontextprotocol/sdk\` ${v1} and \`@modelcontextprotocol/client\` ${v2} ` +
      "(each bundled by esbuild for the browser: minified ESM, only `Client` and `StreamableHTTPClientTransport`), " +
      "one page per client in the same Chromium, against the same `@modelcontextprotocol/server-everything` (`streamableHttp`, SSE responses, cross-origin). " +
      `Medians over ${ROUNDS} rounds (real server) and ${MOCK_ROUNDS} rounds (in-memory fetch); the order of the clients rotates every round and reverses every other one. ` +
      "Ratios below 1× mean ours is smaller or faster, except throughput (higher is better).",
    "",
    header,
    sep,
    ...rows,
    "",
    "Notes:",
    "",
    `- Size: ours is \`mcp_web_client_bg.wasm\` (${fmt(kib(size.oursWasm.raw), 1)} KiB, ${fmt(kib(size.oursWasm.gz), 1)} KiB gzip) plus its JS glue and snippets ` +
      `(${fmt(kib(size.oursJs.raw), 1)} KiB, ${fmt(kib(size.oursJs.gz), 1)} KiB gzip as shipped, minified by \`make pkg\`); each file gzipped on its own.`,
    `- Real server: ${REAL.connects} connects per round (median), ${REAL.warmup} warm-up calls, then ${REAL.calls} sequential echo calls (p50/p90); ` +
      `${REAL.batches} batches of ${REAL.concurrency} concurrent calls; ${REAL.bigReps} 1 MiB echoes (median). Timer resolution in the page is 0.1 ms.`,
    `- In-memory fetch: ${MOCK.calls} calls per round (${MOCK.eventCalls} for the 100-event stream, ${MOCK.bigReps} for 1 MiB, ${MOCK.connects} connects) in ${MOCK.blocks} timed blocks; a round's figure is the median block mean; ` +
      "responses are prepared once and only the request id is spliced in; JSON responses carry no Content-Length (as Node's http sends a body written after `writeHead`), except in the row that says so; 1 MiB bodies arrive in 64 KiB chunks, the 100-event stream one chunk per event. " +
      "The floor is a bare `fetch` + `JSON.parse` loop through the same in-memory fetch, so the rows \"above the floor\" are what each library adds.",
    `- Memory: each client on a fresh page (run first, before the timed rounds); DevTools \`HeapProfiler.collectGarbage\` (twice), then \`Runtime.getHeapUsage\` of that page. ` +
      `The ${MEMORY_CALLS} calls run ${MEMORY_IN_FLIGHT} at a time. The page also holds the benchmark code and the in-memory fetch's prepared responses, the same for every client ` +
      "(the floor column is that page with no client). `WebAssembly.Memory` never shrinks: its size is a high-water mark.",
    ...errorNotes(results.pageErrors, { ours: "ours", sdk1: `SDK ${v1}`, sdk2: `SDK ${v2}`, raw: "raw fetch" }),
    `- Whole run: ${seconds.toFixed(0)} s.`,
    "",
  ];
  return lines.join("\n");
}

main().catch((e) => {
  log(`bench: FAILED: ${e?.stack || e}`);
  process.exitCode = 1;
});
