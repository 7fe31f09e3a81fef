// The package in plain Node, no browser: imported by name from a throwaway app whose
// node_modules/mcp-web-client is pkg/ (so Node resolves it through pkg/package.json's exports,
// as it would an installed copy), against @modelcontextprotocol/server-everything over Streamable
// HTTP. Checks that the "node" condition loads the .wasm without an init call, the calls of the
// README, and what a URL elicitation does where there is no window to open.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";
import { REPO_ROOT, startServerEverything, waitFor } from "./harness.mjs";

const PKG = path.join(REPO_ROOT, "pkg");
const T = { timeout: 30000 };
const clientInfo = { name: "mcp-web-client-node-e2e", version: "0.0.0" };
const text = (result) => result.content.map((part) => part.text ?? "").join("\n");

// Node ends the process on an unhandled rejection; count them instead and fail on any.
const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(String(reason?.stack || reason)));

describe("the package in Node", () => {
  let appDir;
  let app;
  let server;
  let client;
  const elicitations = [];
  // What the app's URL elicitation handler saw of req.open(), per request.
  const opens = [];

  before(async () => {
    assert.ok(fs.existsSync(path.join(PKG, "node.js")), "pkg/node.js is missing");
    assert.ok(fs.existsSync(path.join(PKG, "mcp_web_client_bg.wasm")), "pkg/ is not built: make pkg");
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-web-client-node-"));
    fs.mkdirSync(path.join(appDir, "node_modules"));
    fs.symlinkSync(PKG, path.join(appDir, "node_modules", "mcp-web-client"), "dir");
    // An app module: it imports the package by name, with no init() call.
    fs.writeFileSync(
      path.join(appDir, "app.mjs"),
      'export const resolved = import.meta.resolve("mcp-web-client");\nexport * from "mcp-web-client";\nexport { default } from "mcp-web-client";\n',
    );
    app = await import(pathToFileURL(path.join(appDir, "app.mjs")).href);
    server = await startServerEverything("streamableHttp");
  });

  after(async () => {
    if (client && !client.closed) await client.close().catch(() => {});
    await server?.stop();
    if (appDir) fs.rmSync(appDir, { recursive: true, force: true });
  });

  test("exports: Node gets node.js, a browser build the web glue", T, async () => {
    const realPkg = fs.realpathSync(PKG);
    assert.equal(app.resolved, pathToFileURL(path.join(realPkg, "node.js")).href);
    const manifest = JSON.parse(fs.readFileSync(path.join(PKG, "package.json"), "utf8"));
    const root = manifest.exports["."];
    assert.deepEqual(root.node, { types: "./node.d.ts", default: "./node.js" });
    for (const file of [root.node.types, root.node.default, root.browser.types, root.browser.default, root.types, root.default]) {
      assert.ok(fs.existsSync(path.join(PKG, file)), `${file} of exports["."] is missing`);
    }
    for (const file of ["node.js", "node.d.ts"]) assert.ok(manifest.files.includes(file), `files lacks ${file}`);
    // With the "browser" condition (what a bundler building for the web sets), the same name
    // resolves to the web glue: "browser" comes before "node".
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=browser", "--input-type=module", "-e", 'console.log(import.meta.resolve("mcp-web-client"))'],
      { cwd: appDir },
    );
    assert.equal(stdout.trim(), pathToFileURL(path.join(realPkg, "mcp_web_client.js")).href);
  });

  test("loaded on import: no window, no init call; init() still answers", T, async () => {
    assert.equal(typeof globalThis.window, "undefined");
    assert.equal(typeof app.McpClient?.connect, "function");
    // Browser-style code that awaits init() gets the module node.js already instantiated.
    const exports = await app.default();
    assert.ok(exports.memory instanceof WebAssembly.Memory);
  });

  // The OAuth module (pkg/oauth/) is imported by the first connect with `auth`: in Node too, where
  // node.js instantiated it from disk. Its check of the option comes back as the client's error.
  test("auth: the OAuth module loads in Node; a bad option is -33006, a good one connects", T, async () => {
    const bad = await app.McpClient.connect(server.url, { auth: { redirectUri: "not a URL", onAuthorization() {} } }).then(
      () => null,
      (e) => e,
    );
    assert.equal(bad?.name, "McpError", String(bad));
    assert.equal(bad.code, -33006);
    assert.match(bad.message, /auth\.redirectUri/);
    // server-everything asks for no token: the request goes out without one, and signOut() is harmless.
    const asked = [];
    const c = await app.McpClient.connect(server.url, { clientInfo, auth: { redirectUri: "http://127.0.0.1/cb", onAuthorization: (req) => asked.push(req) } });
    c.signOut();
    await c.ping();
    assert.equal(asked.length, 0);
    await c.close();
  });

  test("connects over Streamable HTTP", T, async () => {
    client = await app.McpClient.connect(server.url, {
      clientInfo,
      requestTimeoutMs: 20000,
      onElicitation: async (req) => {
        elicitations.push({ mode: req.mode, url: req.url, delivery: req.delivery, message: req.message });
        if (req.mode !== "url") return { action: "decline" };
        // The app's move where there is no window: try open() as a browser app would, then hand
        // the URL to the user and settle it by hand.
        const seen = { type: typeof req.open };
        if (typeof req.open === "function") {
          try {
            const outcome = await Promise.race([
              req.open(),
              new Promise((_, reject) => setTimeout(() => reject(new Error("open() neither resolved nor rejected within 5 s")), 5000)),
            ]);
            seen.resolved = outcome;
          } catch (e) {
            seen.error = { isError: e instanceof Error, name: e?.name, code: e?.code, message: e?.message };
          }
        }
        opens.push(seen);
        req.done();
      },
    });
    assert.equal(client.transport, "streamable-http");
    assert.match(client.protocolVersion, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(client.serverInfo.name, "mcp-servers/everything");
    assert.equal(typeof client.sessionId, "string");
    await client.ping();
  });

  test("lists tools and calls echo", T, async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    assert.ok(names.includes("echo"), names.join(", "));
    // Registered only for a client that declares URL elicitation: onElicitation did.
    assert.ok(names.includes("trigger-url-elicitation"), names.join(", "));
    const result = await client.callTool("echo", { message: "hello from Node" });
    assert.equal(text(result), "Echo: hello from Node");
  });

  test("lists and reads a resource", T, async () => {
    const { resources } = await client.listResources();
    const doc = resources.find((r) => r.uri === "demo://resource/static/document/architecture.md");
    assert.ok(doc, resources.map((r) => r.uri).join(", "));
    const { contents } = await client.readResource(doc.uri);
    assert.equal(contents.length, 1);
    assert.equal(contents[0].uri, doc.uri);
    assert.match(contents[0].text, /^# Everything Server/);
  });

  test("URL elicitation: the URL reaches the app; open() has no window to open", T, async (t) => {
    const url = "https://example.com/consent?from=node";
    const result = await client.callTool("trigger-url-elicitation", { url, elicitationId: "node-1" });
    assert.equal(elicitations.length, 1);
    assert.deepEqual(elicitations[0], { mode: "url", url, delivery: "request", message: "Please open the link to complete this action." });
    // req.done() after the failed open() is the user saying "I've completed it": accept.
    assert.match(text(result), /User completed the URL elicitation flow/);
    assert.match(text(result), /"action": "accept"/);
    const [seen] = opens;
    t.diagnostic(`req.open in Node: ${JSON.stringify(seen)}`);
    if (seen.type !== "undefined") {
      assert.equal(seen.type, "function");
      assert.equal(seen.resolved, undefined, "open() must not report a flow it never opened");
      assert.equal(seen.error?.isError, true, JSON.stringify(seen));
      assert.equal(seen.error.name, "McpError");
      assert.equal(typeof seen.error.code, "number");
    }
  });

  // -33011 (popup blocked) would tell the app to ask for another click, which can never help.
  test("URL elicitation: open() in Node rejects with -33017 (no window), not a blocked popup", T, () => {
    const [seen] = opens;
    assert.ok(seen, "the previous test saw no elicitation");
    assert.equal(seen.error?.code, -33017, JSON.stringify(seen));
  });

  test("URL elicitation by -32042: settled by hand, the library retries the call", T, async () => {
    const url = "https://example.com/consent?from=node-error-path";
    const before = elicitations.length;
    const result = await client.callTool("trigger-url-elicitation", { url, errorPath: true });
    const seen = elicitations.slice(before);
    // The prerequisite of the -32042 (the server's fixed URL, as the library parsed it), then, on
    // the retry, the request.
    assert.deepEqual(seen.map((e) => [e.delivery, e.url]), [["url-required-error", "https://modelcontextprotocol.io/"], ["request", url]]);
    assert.match(text(result), /User completed the URL elicitation flow/);
  });

  test("close ends the session; later calls reject", T, async () => {
    let closeEvents = 0;
    client.addEventListener("close", () => closeEvents++);
    const sid = client.sessionId;
    await client.close();
    assert.equal(client.closed, true);
    await assert.rejects(client.callTool("echo", { message: "after close" }), (e) => e instanceof Error && typeof e.code === "number");
    // The DELETE with the session id reached the server.
    await waitFor(() => server.output().includes(`Received session termination request for session ${sid}`), {
      timeoutMs: 5000,
      what: `the server to log the DELETE of session ${sid}`,
    });
    assert.equal(closeEvents, 1);
  });

  test("no unhandled rejections", T, async () => {
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(unhandled, []);
  });
});
