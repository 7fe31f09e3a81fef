// `make demo` (after `make pkg`): everything the demo page needs, on 127.0.0.1 only.
//
//   node www/serve.mjs            MCP_PORT, DEMO_PORT, COMPLETION_PORT override the free ports
//                                 DEMO_VERBOSE=1 echoes the MCP server's output
//
// Three origins (each port is its own origin, which is the point of the URL-elicitation demo),
// and a second MCP server that needs OAuth:
//
//   MCP server       @modelcontextprotocol/server-everything, Streamable HTTP, at /mcp
//   protected server the SDK's simpleStreamableHttp example with --oauth --oauth-strict and its
//                    demo authorization server (which approves without a login form), behind
//                    the e2e harness's CORS proxy (the example sends no CORS headers)
//   demo site        the repository's /www/ (the page) and /pkg/ (the package);
//                    /www/config.json tells the page where the other two are
//   completion site  stands in for the MCP server's own web pages: /authorize shows an
//                    "Authorize" button and then tells the app (window.opener) that the flow
//                    is done, through /pkg/elicitation-complete.js; /complete does it at once
//
// Prints "Demo: open <url>" once all three listen. SIGINT/SIGTERM stop the MCP server (by its
// PID) and then this process.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startSdkExample } from "../tests/e2e/harness.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const E2E = path.join(ROOT, "tests", "e2e");
const EVERYTHING = path.join(E2E, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
// Preloaded into server-everything: binds its listen() to 127.0.0.1 instead of every interface.
const LISTEN_OVERRIDE = path.join(E2E, "listen-override.mjs");
const HOST = "127.0.0.1";
const VERBOSE = !!process.env.DEMO_VERBOSE;

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

function fail(message) {
  console.error(`serve.mjs: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(EVERYTHING)) fail(`${path.relative(ROOT, EVERYTHING)} is missing: run \`make install\` (or npm ci in tests/e2e)`);
if (!fs.existsSync(path.join(ROOT, "pkg", "mcp_web_client.js"))) fail("pkg/mcp_web_client.js is missing: run `make pkg` (or `make demo`)");

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function portFromEnv(name) {
  const v = process.env[name];
  if (v === undefined || v === "") return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) fail(`${name}=${v} is not a port number`);
  return n;
}

const mcpPort = portFromEnv("MCP_PORT") ?? (await freePort());
const demoPort = portFromEnv("DEMO_PORT") ?? (await freePort());
const completionPort = portFromEnv("COMPLETION_PORT") ?? (await freePort());
if (new Set([mcpPort, demoPort, completionPort]).size !== 3) fail("MCP_PORT, DEMO_PORT and COMPLETION_PORT must differ");

const mcpUrl = `http://${HOST}:${mcpPort}/mcp`;
const demoOrigin = `http://${HOST}:${demoPort}`;
const completionOrigin = `http://${HOST}:${completionPort}`;
// The origins the completion page may post to. A real server knows the app's origin from the
// Origin header of the MCP requests; this one knows where it serves the demo page.
const appOrigins = [demoOrigin, `http://localhost:${demoPort}`];

// ---- the MCP server -------------------------------------------------------------------------

// Not detached: it stays in our process group, so whoever stops our group stops it too.
const mcp = spawn(process.execPath, ["--import", pathToFileURL(LISTEN_OVERRIDE).href, EVERYTHING, "streamableHttp"], {
  cwd: E2E,
  env: { ...process.env, PORT: String(mcpPort) },
  stdio: ["ignore", "pipe", "pipe"],
});
let mcpOutput = "";
let stopping = false;
const onOutput = (chunk) => {
  const text = chunk.toString("utf8");
  mcpOutput = (mcpOutput + text).slice(-20000);
  if (VERBOSE) process.stderr.write(text.replace(/^(?=.)/gm, "[server-everything] "));
};
mcp.stdout.on("data", onOutput);
mcp.stderr.on("data", onOutput);
const mcpReady = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("server-everything did not start within 30 s")), 30000);
  const check = () => {
    if (/listening on port \d+/.test(mcpOutput)) {
      clearTimeout(timer);
      resolve();
    }
  };
  mcp.stdout.on("data", check);
  mcp.stderr.on("data", check);
  mcp.on("exit", (code, signal) => {
    clearTimeout(timer);
    reject(new Error(`server-everything exited (code ${code}, signal ${signal})`));
  });
});
mcp.on("exit", (code, signal) => {
  if (stopping) return;
  console.error(`serve.mjs: server-everything exited (code ${code}, signal ${signal}); its last output:\n${mcpOutput.slice(-4000)}`);
  process.exit(1);
});

function stopMcp() {
  if (mcp.exitCode === null && mcp.signalCode === null) {
    try {
      process.kill(mcp.pid, "SIGTERM");
    } catch {}
  }
}

// ---- small HTTP helpers ----------------------------------------------------------------------

const SECURITY = { "x-content-type-options": "nosniff", "cache-control": "no-store", "referrer-policy": "no-referrer" };

function send(res, status, body, headers = {}) {
  res.writeHead(status, { ...SECURITY, "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(body);
}

// Static files under ROOT, only below the given top-level folders, never dotfiles.
function serveFile(req, res, pathname, allowed) {
  const parts = pathname.split("/").filter(Boolean);
  if (!parts.length || !allowed.includes(parts[0]) || parts.some((p) => p.startsWith("."))) return send(res, 404, "not found\n");
  let file = path.resolve(ROOT, ...parts);
  if (!file.startsWith(ROOT + path.sep)) return send(res, 403, "forbidden\n");
  fs.stat(file, (err, st) => {
    if (!err && st.isDirectory()) {
      if (!pathname.endsWith("/")) return send(res, 301, "", { location: pathname + "/" });
      file = path.join(file, "index.html");
      try {
        st = fs.statSync(file);
      } catch (e) {
        err = e;
      }
    }
    if (err || !st.isFile()) return send(res, 404, "not found\n");
    res.writeHead(200, { ...SECURITY, "content-type": MIME[path.extname(file)] ?? "application/octet-stream", "content-length": st.size });
    if (req.method === "HEAD") return res.end();
    fs.createReadStream(file).pipe(res);
  });
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once("error", (e) => reject(new Error(`cannot listen on ${HOST}:${port}: ${e.message}`)));
    server.listen(port, HOST, resolve);
  });
}

function route(handler) {
  return http.createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "", { allow: "GET, HEAD" });
    let url;
    try {
      url = new URL(req.url, "http://x");
      url.decodedPath = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, "bad request\n");
    }
    handler(req, res, url);
  });
}

// ---- the demo site ---------------------------------------------------------------------------

const demoSite = route((req, res, url) => {
  if (url.pathname === "/") return send(res, 302, "", { location: "/www/" });
  if (url.pathname === "/www/config.json") {
    // Where the page finds the MCP server and the completion site (it works without this file
    // too: the server URL field then starts empty).
    const body = JSON.stringify({ serverUrl: mcpUrl, protectedServerUrl: protectedServer?.url, completionOrigin });
    return send(res, 200, body, { "content-type": MIME[".json"] });
  }
  serveFile(req, res, url.decodedPath, ["www", "pkg"]);
});

// ---- the completion site (the MCP server's web pages) ----------------------------------------

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// The app origin to post to: the one asked for when it is one we serve the demo on.
const targetOrigin = (asked) => (appOrigins.includes(asked) ? asked : demoOrigin);

const COMPLETION_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";

// A page that asks the user, like a real sign-in or payment page would, and then reports back.
function authorizePage({ id, target }) {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Demo service — authorize</title>
  <link rel="stylesheet" href="/completion-page.css">
</head>
<body>
  <main id="card" data-target-origin="${escapeHtml(target)}" data-elicitation-id="${escapeHtml(id)}">
    <p class="brand">Demo service <span>(${escapeHtml(completionOrigin)})</span></p>
    <h1>Authorize the MCP client?</h1>
    <p>The app at <strong>${escapeHtml(target)}</strong> asked you to finish this step here.
       Nothing is shared; this page only tells the app that you are done.</p>
    <p class="id">Elicitation <code>${escapeHtml(id || "(none)")}</code></p>
    <div class="actions">
      <button id="authorize" type="button" class="primary">Authorize</button>
      <button id="deny" type="button">Deny</button>
    </div>
    <p id="status" role="status"></p>
  </main>
  <!-- Without data-target-origin the script only defines window.mcpElicitationComplete. -->
  <script src="/pkg/elicitation-complete.js"></script>
  <script src="/completion-page.js"></script>
</body>
</html>
`;
}

// The minimal completion page: the script reports "done" as soon as the page loads.
function completePage({ id, target }) {
  const idAttr = id ? ` data-elicitation-id="${escapeHtml(id)}"` : "";
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Done</title><link rel="stylesheet" href="/completion-page.css"></head>
<body><main><h1>All set</h1><p>You can close this window.</p></main>
<script src="/pkg/elicitation-complete.js" data-target-origin="${escapeHtml(target)}"${idAttr} data-status="done" data-close="true"></script>
</body>
</html>
`;
}

const completionSite = route((req, res, url) => {
  const q = url.searchParams;
  const page = { "/authorize": authorizePage, "/complete": completePage }[url.pathname];
  if (page) {
    const body = page({ id: q.get("id") ?? "", target: targetOrigin(q.get("target")) });
    return send(res, 200, req.method === "HEAD" ? "" : body, { "content-type": MIME[".html"], "content-security-policy": COMPLETION_CSP });
  }
  if (url.pathname === "/completion-page.js" || url.pathname === "/completion-page.css") {
    return serveFile(req, res, "/www" + url.pathname, ["www"]);
  }
  if (url.pathname === "/pkg/elicitation-complete.js") return serveFile(req, res, url.pathname, ["pkg"]);
  if (url.pathname === "/") return send(res, 200, "The demo's completion site: /authorize?id=…&target=… or /complete?id=…&target=…\n");
  send(res, 404, "not found\n");
});

// ---- start, print, stop ----------------------------------------------------------------------

let protectedServer; // set once it listens
let shuttingDown = false;
function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  stopping = true;
  stopMcp();
  protectedServer?.stop();
  demoSite.close();
  completionSite.close();
  demoSite.closeAllConnections?.();
  completionSite.closeAllConnections?.();
  const exit = () => process.exit(code);
  if (mcp.exitCode !== null || mcp.signalCode !== null) return exit();
  mcp.once("exit", exit);
  setTimeout(() => {
    try {
      process.kill(mcp.pid, "SIGKILL");
    } catch {}
    exit();
  }, 3000).unref();
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));
process.on("exit", stopMcp);

try {
  await Promise.all([
    mcpReady,
    listen(demoSite, demoPort),
    listen(completionSite, completionPort),
    startSdkExample("simpleStreamableHttp.js", ["--oauth", "--oauth-strict"], { asProxy: true, record: false }).then((s) => (protectedServer = s)),
  ]);
} catch (e) {
  console.error(`serve.mjs: ${e.message}`);
  if (mcpOutput) console.error(mcpOutput.slice(-4000));
  shutdown(1);
  await new Promise(() => {});
}

console.log(`MCP server (server-everything, Streamable HTTP): ${mcpUrl}`);
console.log(`Protected MCP server (SDK example, OAuth):         ${protectedServer.url}`);
console.log(`Completion site (another origin):                 ${completionOrigin}`);
console.log(`Demo: open ${demoOrigin}/www/`);
console.log("Ctrl-C stops everything.");
