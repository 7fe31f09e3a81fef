// The client the official MCP conformance suite drives:
//
//   conformance client --command "node tests/conformance/client.mjs" --scenario <name>
//
// The suite starts a mock server for the scenario, sets MCP_CONFORMANCE_SCENARIO and appends the
// server URL as the last argument. This process serves the repository root on 127.0.0.1, opens
// tests/e2e/pages/client.html (which loads the built package) in headless Chromium, does in the
// page what the scenario expects through the package's JS API, and exits 0 on success or non-zero
// with a message. The suite itself judges the protocol (its checks on the mock server); the
// checks here only make sure the scenario really ran to its end.
//
// With CONFORMANCE_RUNTIME=node the same scenario functions run in this Node process instead,
// on the package's Node entry (pkg/node.js) and Node's own fetch: no browser, no page. Scenarios
// whose steps need the page (the auth/ popup flow) fail at once there; run.sh skips them (see
// browser-only.txt). globalThis.window stays undefined so the library sees plain Node.
//
// Chromium is started with --disable-web-security for this runner ONLY: the suite's mock servers
// send no CORS headers. Every other browser test keeps web security on.
//
// Environment: CONFORMANCE_RUNTIME "browser" (default) or "node"; CONFORMANCE_CLIENT_DEADLINE_MS
// bounds the whole run (default 25000, under the suite's default 30 s kill; run.sh passes
// --timeout 60000 and sets 55000); E2E_VERBOSE=1 echoes the page's console.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  REPO_ROOT,
  PKG_JS,
  startStatic,
  launchBrowser,
  openClientPage,
  pageDiagnostics,
} from "../e2e/harness.mjs";
import { settle, track } from "../e2e/pages/helpers.mjs";

const RUNTIME = process.env.CONFORMANCE_RUNTIME || "browser";
const DEADLINE_MS = Number(process.env.CONFORMANCE_CLIENT_DEADLINE_MS || 25000);
const scenario = process.env.MCP_CONFORMANCE_SCENARIO || "";
const serverUrl = process.argv[process.argv.length - 1];

const log = (msg) => process.stderr.write(`conformance-client[${scenario}]: ${msg}\n`);

function clientInfo() {
  let version = "0.0.0";
  try {
    version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "pkg", "package.json"), "utf8")).version || version;
  } catch {
    // the package.json is optional for this purpose
  }
  return { name: "mcp-web-client-conformance", version };
}

// ---------------------------------------------------------------------------------------------
// Scenarios. Each is a client-side function taking { url, clientInfo, context } and returning
// { ok: true, notes } or { ok: false, step, error, notes }; or a list of such functions and
// runner steps `{ node: async (ctx) => outcome }` run in order. A client-side function may only
// use what both runtimes give it: globalThis.McpClient and globalThis.e2e (the page's window, or
// this process's globals in Node mode); in the browser it runs through page.evaluate, so it
// closes over nothing. Steps share state through globalThis.

const scenarios = {
  // The handshake: initialize with clientInfo, then one ordinary request, then close.
  initialize: async ({ url, clientInfo }) => {
    const notes = [];
    const { settle } = globalThis.e2e;
    const c = await settle(globalThis.McpClient.connect(url, { clientInfo }));
    if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
    const client = c.value;
    notes.push(`negotiated ${client.protocolVersion} with ${JSON.stringify(client.serverInfo)}`);
    const t = await settle(client.listTools());
    if (!t.ok) return { ok: false, step: "listTools", error: t.error, notes };
    notes.push(`tools/list gave ${t.value.tools.length} tools`);
    const x = await settle(client.close());
    if (!x.ok) return { ok: false, step: "close", error: x.error, notes };
    return { ok: true, notes };
  },

  // tools/list, then tools/call add_numbers with numeric arguments.
  tools_call: async ({ url, clientInfo }) => {
    const notes = [];
    const { settle } = globalThis.e2e;
    const c = await settle(globalThis.McpClient.connect(url, { clientInfo }));
    if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
    const client = c.value;
    const t = await settle(client.listTools());
    if (!t.ok) return { ok: false, step: "listTools", error: t.error, notes };
    const names = t.value.tools.map((tool) => tool.name);
    notes.push(`tools: ${names.join(", ")}`);
    if (!names.includes("add_numbers")) return { ok: false, step: "listTools", error: "no add_numbers tool", notes };
    const r = await settle(client.callTool("add_numbers", { a: 5, b: 3 }));
    if (!r.ok) return { ok: false, step: "callTool add_numbers", error: r.error, notes };
    const text = r.value.content?.map((part) => part.text ?? "").join("");
    notes.push(`result: ${JSON.stringify(r.value)}`);
    if (r.value.isError || !/\b8\b/.test(text)) return { ok: false, step: "callTool add_numbers", error: `unexpected result ${JSON.stringify(r.value)}`, notes };
    const x = await settle(client.close());
    if (!x.ok) return { ok: false, step: "close", error: x.error, notes };
    return { ok: true, notes };
  },

  // Form elicitation whose schema gives a default for every field: the app "accepts the
  // pre-filled form unchanged", i.e. answers with the library's req.defaults. The suite checks
  // that each default arrived with the right type.
  "elicitation-sep1034-client-defaults": async ({ url, clientInfo }) => {
    const notes = [];
    const { settle } = globalThis.e2e;
    const seen = [];
    const c = await settle(
      globalThis.McpClient.connect(url, {
        clientInfo,
        onElicitation: async (req) => {
          seen.push(req);
          if (req.mode !== undefined && req.mode !== "form") return { action: "decline" };
          return { action: "accept", content: { ...req.defaults } };
        },
      }),
    );
    if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
    const client = c.value;
    const t = await settle(client.listTools());
    if (!t.ok) return { ok: false, step: "listTools", error: t.error, notes };
    const tool = "test_client_elicitation_defaults";
    if (!t.value.tools.some((x) => x.name === tool)) return { ok: false, step: "listTools", error: `no ${tool} tool`, notes };
    const r = await settle(client.callTool(tool, {}));
    if (!r.ok) return { ok: false, step: `callTool ${tool}`, error: r.error, notes };
    notes.push(`elicitation requests handed to the app: ${JSON.stringify(seen.map((q) => ({ mode: q.mode, message: q.message, defaults: q.defaults })))}`);
    notes.push(`result: ${JSON.stringify(r.value)}`);
    if (seen.length !== 1) return { ok: false, step: "onElicitation", error: `onElicitation called ${seen.length} times, expected once`, notes };
    const text = r.value.content?.map((part) => part.text ?? "").join("");
    if (!text.startsWith("Elicitation completed")) return { ok: false, step: `callTool ${tool}`, error: `unexpected result ${JSON.stringify(r.value)}`, notes };
    const x = await settle(client.close());
    if (!x.ok) return { ok: false, step: "close", error: x.error, notes };
    return { ok: true, notes };
  },

  // The server primes the tools/call SSE stream with an id and `retry: 500`, closes it, and
  // delivers the result only on a GET that resumes with Last-Event-ID. The suite times the GET.
  // The mock takes ANY GET for the reconnection, including the listening stream the library
  // opens right after the handshake; on a loaded machine that GET was seen arriving after the
  // tools/call POST, and the suite then judged it "-49 ms, too early, no Last-Event-ID". So this
  // scenario waits (on the client's network events: the page's, or Node's fetch) until the
  // listening GET has its response before it calls the tool. That only orders the test; the
  // library is unchanged.
  "sse-retry": [
    async ({ url, clientInfo }) => {
      const notes = [];
      const { settle } = globalThis.e2e;
      const c = await settle(globalThis.McpClient.connect(url, { clientInfo }));
      if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
      globalThis.conformanceClient = c.value;
      notes.push(`negotiated ${c.value.protocolVersion}`);
      const t = await settle(c.value.listTools());
      if (!t.ok) return { ok: false, step: "listTools", error: t.error, notes };
      return { ok: true, notes };
    },
    { node: (ctx) => ctx.waitForListeningGet(5000) },
    async () => {
      const notes = [];
      const { settle } = globalThis.e2e;
      const client = globalThis.conformanceClient;
      const t0 = performance.now();
      const r = await settle(client.callTool("test_reconnection", {}, { timeoutMs: 15000 }));
      notes.push(`callTool settled after ${Math.round(performance.now() - t0)} ms`);
      if (!r.ok) return { ok: false, step: "callTool test_reconnection", error: r.error, notes };
      notes.push(`result: ${JSON.stringify(r.value)}`);
      const text = r.value.content?.map((part) => part.text ?? "").join("");
      if (!text.includes("Reconnection test completed")) return { ok: false, step: "callTool test_reconnection", error: `unexpected result ${JSON.stringify(r.value)}`, notes };
      const x = await settle(client.close());
      if (!x.ok) return { ok: false, step: "close", error: x.error, notes };
      return { ok: true, notes };
    },
  ],

  // ---- Scenarios of the 0.2.0 alpha suite (tests/conformance/alpha): the 2026-07-28 era. ----

  // The mock rejects the first request with -32022 listing 2026-07-28; the client must retry with
  // it, then carry _meta and the MCP-Protocol-Version header on every request.
  "request-metadata": async ({ url, clientInfo }) => {
    const notes = [];
    const { settle } = globalThis.e2e;
    const c = await settle(globalThis.McpClient.connect(url, { clientInfo, onElicitation: async () => ({ action: "decline" }) }));
    if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
    notes.push(`negotiated ${c.value.protocolVersion}`);
    if (c.value.protocolVersion !== "2026-07-28") return { ok: false, step: "connect", error: `expected 2026-07-28, got ${c.value.protocolVersion}`, notes };
    const t = await settle(c.value.listTools());
    if (!t.ok) return { ok: false, step: "listTools", error: t.error, notes };
    await c.value.close();
    return { ok: true, notes };
  },

  // Multi round-trip requests: requestState echoed verbatim, omitted when absent, never carried
  // to an unrelated call, and a result without resultType is complete.
  "sep-2322-client-request-state": async ({ url, clientInfo }) => {
    const notes = [];
    const { settle } = globalThis.e2e;
    let asked = 0;
    const c = await settle(
      globalThis.McpClient.connect(url, {
        clientInfo,
        onElicitation: async () => {
          asked++;
          return { action: "accept", content: { confirmed: true } };
        },
      }),
    );
    if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
    const client = c.value;
    const expected = { test_mrtr_echo_state: "echo-state-ok", test_mrtr_no_state: "no-state-ok", test_mrtr_unrelated: "unrelated-ok", test_mrtr_no_result_type: "no-result-type-test-ok" };
    for (const [tool, text] of Object.entries(expected)) {
      const r = await settle(client.callTool(tool, {}));
      if (!r.ok) return { ok: false, step: `callTool ${tool}`, error: r.error, notes };
      const got = r.value.content?.map((part) => part.text ?? "").join("");
      if (got !== text) return { ok: false, step: `callTool ${tool}`, error: `expected "${text}", got ${JSON.stringify(r.value)}`, notes };
    }
    notes.push(`onElicitation called ${asked} times`);
    if (asked !== 2) return { ok: false, step: "onElicitation", error: `expected 2 elicitations (one per MRTR tool), got ${asked}`, notes };
    await client.close();
    return { ok: true, notes };
  },

  // Mcp-Method on every POST, Mcp-Name on tools/call, resources/read and prompts/get.
  "http-standard-headers": async ({ url, clientInfo }) => {
    const notes = [];
    const { settle } = globalThis.e2e;
    const c = await settle(globalThis.McpClient.connect(url, { clientInfo }));
    if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
    const client = c.value;
    const steps = [
      ["listTools", async () => {
        const { tools } = await client.listTools();
        if (tools[0]) await client.callTool(tools[0].name, {});
        return tools.map((t) => t.name);
      }],
      ["listResources", async () => {
        const { resources } = await client.listResources();
        if (resources[0]) await client.readResource(resources[0].uri);
        return resources.map((r) => r.uri);
      }],
      ["listPrompts", async () => {
        const { prompts } = await client.listPrompts();
        if (prompts[0]) await client.getPrompt(prompts[0].name, {});
        return prompts.map((p) => p.name);
      }],
    ];
    for (const [step, run] of steps) {
      const r = await settle(run());
      if (!r.ok) return { ok: false, step, error: r.error, notes };
      notes.push(`${step}: ${JSON.stringify(r.value)}`);
    }
    await client.close();
    return { ok: true, notes };
  },

  // The suite's context names the tool calls to make; x-mcp-header arguments are mirrored into
  // Mcp-Param-* headers (base64 sentinel for unsafe values), null ones omitted.
  "http-custom-headers": async ({ url, clientInfo, context }) => {
    const notes = [];
    const { settle } = globalThis.e2e;
    const c = await settle(globalThis.McpClient.connect(url, { clientInfo }));
    if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
    const client = c.value;
    const t = await settle(client.listTools());
    if (!t.ok) return { ok: false, step: "listTools", error: t.error, notes };
    const calls = context?.toolCalls ?? [];
    if (!calls.length) return { ok: false, step: "context", error: "MCP_CONFORMANCE_CONTEXT names no toolCalls", notes };
    for (const { name, arguments: args } of calls) {
      const r = await settle(client.callTool(name, args));
      if (!r.ok) return { ok: false, step: `callTool ${name}`, error: r.error, notes };
    }
    await client.close();
    return { ok: true, notes };
  },

  // tools/list mixes one valid tool with tools whose x-mcp-header is invalid: the library drops
  // those, so calling every tool it lists must call only valid_tool.
  "http-invalid-tool-headers": async ({ url, clientInfo }) => {
    const notes = [];
    const { settle } = globalThis.e2e;
    const c = await settle(globalThis.McpClient.connect(url, { clientInfo }));
    if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
    const client = c.value;
    const t = await settle(client.listTools());
    if (!t.ok) return { ok: false, step: "listTools", error: t.error, notes };
    const names = t.value.tools.map((tool) => tool.name);
    notes.push(`tools kept: ${names.join(", ")}`);
    if (!names.includes("valid_tool")) return { ok: false, step: "listTools", error: "valid_tool was dropped", notes };
    for (const name of names) {
      const r = await settle(client.callTool(name, { region: "us-west1" }));
      if (!r.ok) return { ok: false, step: `callTool ${name}`, error: r.error, notes };
    }
    await client.close();
    return { ok: true, notes };
  },

  // A tool's inputSchema has a network-URI $ref: listing (and calling) must not fetch it.
  "json-schema-ref-no-deref": async ({ url, clientInfo }) => {
    const notes = [];
    const { settle } = globalThis.e2e;
    const c = await settle(globalThis.McpClient.connect(url, { clientInfo }));
    if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
    const t = await settle(c.value.listAllTools());
    if (!t.ok) return { ok: false, step: "listAllTools", error: t.error, notes };
    notes.push(`tools: ${t.value.map((tool) => tool.name).join(", ")}`);
    await c.value.close();
    return { ok: true, notes };
  },

  // The focal tool's inputSchema must reach the app with every 2020-12 keyword intact: the app
  // hands it back verbatim through the echo tool and the suite compares.
  "json-schema-2020-12-preservation": async ({ url, clientInfo }) => {
    const notes = [];
    const { settle } = globalThis.e2e;
    const c = await settle(globalThis.McpClient.connect(url, { clientInfo }));
    if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
    const client = c.value;
    const t = await settle(client.listTools());
    if (!t.ok) return { ok: false, step: "listTools", error: t.error, notes };
    const focal = t.value.tools.find((tool) => tool.name === "json_schema_2020_12_tool");
    const echo = t.value.tools.find((tool) => tool.name !== "json_schema_2020_12_tool");
    if (!focal || !echo) return { ok: false, step: "listTools", error: `tools: ${t.value.tools.map((x) => x.name)}`, notes };
    const r = await settle(client.callTool(echo.name, { schema: focal.inputSchema }));
    if (!r.ok) return { ok: false, step: `callTool ${echo.name}`, error: r.error, notes };
    await client.close();
    return { ok: true, notes };
  },

  // Skills (pkg/skills.js): listing must read no skill file; the suite counts resources/read.
  "sep-2640-client-no-prefetch": async ({ url, clientInfo }) => {
    const notes = [];
    const { settle } = globalThis.e2e;
    const { listSkills } = await import(globalThis.SKILLS_MODULE ?? "/pkg/skills.js");
    const c = await settle(globalThis.McpClient.connect(url, { clientInfo }));
    if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
    const l = await settle(listSkills(c.value));
    if (!l.ok) return { ok: false, step: "listSkills", error: l.error, notes };
    notes.push(`skills: ${l.value.skills.map((s) => s.uri).join(", ")}; invalid: ${JSON.stringify(l.value.invalid)}`);
    if (l.value.skills.length !== 1 || l.value.invalid.length) return { ok: false, step: "listSkills", error: "expected one valid entry", notes };
    await c.value.close();
    return { ok: true, notes };
  },
};

// The server tampers with SKILL.md (`check`: digest, size or frontmatter); readSkill must refuse
// it with -33030 for that check, and the runner goes on to a supporting file only if it did not
// (which the suite then fails).
// (A Node-side step because the body needs `check`: in the browser it goes through
// page.evaluate, in Node mode it runs here, on the same globals.)
const skillsVerify = (check) => ({
  node: ({ page, args }) => (page ? page.evaluate(verifySkill, { ...args, check }) : verifySkill({ ...args, check })),
});
async function verifySkill({ url, clientInfo, check }) {
  const notes = [];
  const { settle } = globalThis.e2e;
  const { listSkills, readSkill, readSkillFile } = await import(globalThis.SKILLS_MODULE ?? "/pkg/skills.js");
  const c = await settle(globalThis.McpClient.connect(url, { clientInfo }));
  if (!c.ok) return { ok: false, step: "connect", error: c.error, notes };
  const l = await settle(listSkills(c.value));
  if (!l.ok) return { ok: false, step: "listSkills", error: l.error, notes };
  const [entry] = l.value.skills;
  if (!entry) return { ok: false, step: "listSkills", error: `no valid entry: ${JSON.stringify(l.value.invalid)}`, notes };
  const r = await settle(readSkill(c.value, entry));
  if (r.ok) {
    await settle(readSkillFile(c.value, entry, "references/FORMS.md"));
    return { ok: false, step: "readSkill", error: `the tampered SKILL.md was accepted: ${JSON.stringify(r.value.text)}`, notes };
  }
  notes.push(`readSkill refused: ${r.error.code} ${r.error.message} ${JSON.stringify(r.error.data)}`);
  if (r.error.code !== -33030 || r.error.data?.check !== check) return { ok: false, step: "readSkill", error: `expected -33030 with check "${check}"`, notes };
  await c.value.close();
  return { ok: true, notes };
}
scenarios["sep-2640-client-verify-digest"] = [skillsVerify("digest")];
scenarios["sep-2640-client-verify-size"] = [skillsVerify("size")];
scenarios["sep-2640-client-verify-frontmatter"] = [skillsVerify("frontmatter")];

// The auth/ scenarios: connect with `auth`; the library meets the 401, discovers, registers and
// hands the authorization request to onAuthorization, which shows a button. The user's click
// (page.click: trusted input, so the popup blocker lets it through) opens the popup; the suite's
// authorization server redirects it to tests/e2e/pages/oauth-callback.html, which hands the code
// back; the library exchanges it, connects, and the runner lists and calls the tools.
const authFlow = {
  node: async ({ page, args }) => {
    if (!page) return { ok: false, step: "auth", error: "this scenario signs in through a popup and needs a browser (tests/conformance/browser-only.txt)" };
    // One scenario also signs out and signs in again: the next request asks the user anew.
    const signOutAgain = scenario === "auth/metadata-default";
    await page.evaluate(({ url, clientInfo, context, signOutAgain }) => {
      const redirectUri = `${location.origin}/tests/e2e/pages/oauth-callback.html`;
      window.__auth = { asked: [] };
      window.__auth.done = window.e2e.settle(
        (async () => {
          const client = await window.McpClient.connect(url, {
            clientInfo,
            auth: {
              redirectUri,
              clientName: "mcp-web-client conformance",
              // The suite's stand-in for an app's published Client ID Metadata Document.
              clientMetadataUrl: "https://conformance-test.local/client-metadata.json",
              // auth/pre-registration hands out a pre-registered client (with a secret).
              ...(context?.client_id ? { clientId: context.client_id, clientSecret: context.client_secret } : {}),
              onAuthorization: (req) => {
                window.__auth.asked.push({ issuer: req.issuer, scopes: req.scopes, server: req.server });
                const b = document.createElement("button");
                b.id = `authorize-${window.__auth.asked.length}`;
                b.textContent = `Sign in at ${req.issuer}`;
                b.onclick = () => req.open().catch((e) => (window.__auth.openError = String(e)));
                document.body.append(b);
              },
            },
          });
          const tools = (await client.listTools()).tools;
          const called = [];
          for (const tool of tools.slice(0, 3)) {
            await client.callTool(tool.name, {});
            called.push(tool.name);
          }
          if (signOutAgain) {
            const before = window.__auth.asked.length;
            client.signOut();
            await client.listTools();
            if (window.__auth.asked.length !== before + 1) throw new Error(`after signOut(), ${window.__auth.asked.length - before} new authorizations (expected 1)`);
            called.push("tools/list after signOut");
          }
          await client.close();
          return { called, asked: window.__auth.asked };
        })(),
      );
    }, { ...args, signOutAgain });
    const notes = [];
    // One click per authorization request (a step-up asks again).
    for (let n = 1; ; n++) {
      const which = await Promise.race([
        page.waitForSelector(`#authorize-${n}`, { timeout: 20000 }).then(() => "button"),
        page.evaluate(() => window.__auth.done).then(() => "done"),
      ]);
      if (which === "done") break;
      await page.click(`#authorize-${n}`);
      notes.push(`clicked the sign-in button (#${n})`);
      if (n > 5) break;
    }
    const r = await page.evaluate(() => window.__auth.done);
    const openError = await page.evaluate(() => window.__auth.openError);
    if (openError) notes.push(`req.open() failed: ${openError}`);
    if (!r.ok) return { ok: false, step: "connect with auth", error: r.error, notes };
    notes.push(`authorized and called ${JSON.stringify(r.value)}`);
    return { ok: true, notes };
  },
};
for (const name of [
  "auth/metadata-default",
  "auth/metadata-var1",
  "auth/metadata-var2",
  "auth/metadata-var3",
  "auth/basic-cimd",
  "auth/2025-03-26-oauth-metadata-backcompat",
  "auth/2025-03-26-oauth-endpoint-fallback",
  "auth/scope-from-www-authenticate",
  "auth/scope-from-scopes-supported",
  "auth/scope-omitted-when-undefined",
  "auth/scope-step-up",
  "auth/scope-retry-limit",
  "auth/token-endpoint-auth-basic",
  "auth/token-endpoint-auth-post",
  "auth/token-endpoint-auth-none",
  "auth/pre-registration",
  "auth/resource-mismatch",
  "auth/offline-access-scope",
  "auth/offline-access-not-supported",
  // 0.2.0-alpha.12 only:
  "auth/authorization-server-migration",
  "auth/iss-supported",
  "auth/iss-not-advertised",
  "auth/iss-supported-missing",
  "auth/iss-wrong-issuer",
  "auth/iss-unexpected",
  "auth/iss-normalized",
  "auth/metadata-issuer-mismatch",
  "auth/dpop",
  "auth/dpop-nonce",
]) {
  scenarios[name] = [authFlow];
}

// ---------------------------------------------------------------------------------------------

// What the client exchanged with the scenario's server, printed when the run fails:
// "POST / initialize -> 200 application/json {...}".
const trace = [];
const bodyReads = [];
// A GET answered 200 on the scenario's server: the library's listening stream (see sse-retry).
function sawListeningGet(status, type) {
  listeningGets.push(`${status} ${type}`);
  for (const wake of listeningWaiters.splice(0)) wake();
}
function jsonRpcMethod(body) {
  try {
    return JSON.parse(body || "null")?.method ?? "(response)";
  } catch {
    return "(unparsable body)";
  }
}
function traceBody(entry, text) {
  bodyReads.push(
    text.then(
      (body) => {
        if (body) entry.line += ` ${body.length > 300 ? body.slice(0, 300) + "…" : body}`;
      },
      () => {},
    ),
  );
}

function traceNetwork(page, serverOrigin) {
  page.on("response", async (response) => {
    const request = response.request();
    if (new URL(request.url()).origin !== serverOrigin) {
      if (response.status() >= 400) trace.push({ line: `(page) ${request.method()} ${request.url()} -> ${response.status()}` });
      return;
    }
    const what = jsonRpcMethod(request.postData());
    const type = response.headers()["content-type"] || "";
    if (request.method() === "GET" && response.status() === 200) sawListeningGet(response.status(), type);
    const entry = { line: `${request.method()} ${new URL(request.url()).pathname} ${request.method() === "POST" ? what : ""} -> ${response.status()} ${type}` };
    if (request.headers()["last-event-id"]) entry.line += ` (sent Last-Event-ID ${request.headers()["last-event-id"]})`;
    trace.push(entry);
    if (!type.startsWith("text/event-stream")) traceBody(entry, response.text());
  });
  page.on("requestfailed", (request) => {
    if (new URL(request.url()).origin !== serverOrigin) return;
    let what = "";
    try {
      what = JSON.parse(request.postData() || "null")?.method ?? "";
    } catch {
      // not JSON
    }
    trace.push({ line: `${request.method()} ${new URL(request.url()).pathname} ${what} failed: ${request.failure()?.errorText}` });
  });
}

// Node mode's counterpart of traceNetwork: the library calls the global fetch at each request,
// so a wrapper sees what the page's network events would.
function traceFetch(serverOrigin) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    if (url.origin !== serverOrigin) return realFetch(input, init);
    const method = (init?.method ?? input?.method ?? "GET").toUpperCase();
    const headers = new Headers(init?.headers);
    const what = method === "POST" ? jsonRpcMethod(typeof init?.body === "string" ? init.body : null) : "";
    const entry = { line: `${method} ${url.pathname} ${what}` };
    trace.push(entry);
    let response;
    try {
      response = await realFetch(input, init);
    } catch (e) {
      entry.line += ` failed: ${e?.cause?.message || e?.message || e}`;
      throw e;
    }
    const type = response.headers.get("content-type") || "";
    entry.line += ` -> ${response.status} ${type}`;
    if (headers.get("last-event-id")) entry.line += ` (sent Last-Event-ID ${headers.get("last-event-id")})`;
    if (method === "GET" && response.status === 200) sawListeningGet(response.status, type);
    if (!type.startsWith("text/event-stream")) traceBody(entry, response.clone().text());
    return response;
  };
}

// Resolves once the client has had a 200 answer to a GET on the scenario's server (the library's
// listening stream), or after `timeoutMs` (a client may not open one; that is noted, not failed).
const listeningGets = [];
const listeningWaiters = [];
async function waitForListeningGet(timeoutMs) {
  const t0 = Date.now();
  if (!listeningGets.length) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      listeningWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  const notes = listeningGets.length
    ? [`listening GET answered ${listeningGets[0]} (waited ${Date.now() - t0} ms)`]
    : [`no listening GET within ${timeoutMs} ms; going on`];
  return { ok: true, notes };
}

let staticServer;
let browser;
let page;
let cleaningUp;
// Node mode: rejections nobody handled. Node would end the process on the first one; they are
// reported instead, like the page's errors, and fail the run.
const unhandled = [];

function cleanup() {
  cleaningUp ??= (async () => {
    await browser?.close().catch(() => {});
    await staticServer?.stop().catch(() => {});
  })();
  return cleaningUp;
}

for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) {
  process.on(signal, () => {
    log(`got ${signal}, stopping`);
    cleanup().finally(() => process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 })[signal]));
  });
}

// Loads the package as a Node app would and gives the scenario functions the globals the page
// gives them. Nothing named window: the library must take this for Node, not a browser.
async function startNode(serverOrigin) {
  const nodeEntry = path.join(REPO_ROOT, "pkg", "node.js");
  if (!fs.existsSync(nodeEntry)) throw new Error(`${path.relative(REPO_ROOT, nodeEntry)} is missing`);
  if (typeof globalThis.window !== "undefined") throw new Error("globalThis.window is defined in Node mode");
  process.on("unhandledRejection", (reason) => {
    unhandled.push(String(reason?.stack || reason));
    log(`unhandled rejection: ${reason?.stack || reason}`);
  });
  const mcp = await import(pathToFileURL(nodeEntry).href);
  globalThis.McpClient = mcp.McpClient;
  globalThis.e2e = { settle, track };
  globalThis.SKILLS_MODULE = pathToFileURL(path.join(REPO_ROOT, "pkg", "skills.js")).href;
  traceFetch(serverOrigin);
  log(`Node ${process.version}, ${path.relative(REPO_ROOT, nodeEntry)} loaded; server ${serverUrl}`);
}

async function main() {
  const run = scenarios[scenario];
  if (!run) {
    throw new Error(
      `no runner for scenario "${scenario}" (MCP_CONFORMANCE_SCENARIO); known: ${Object.keys(scenarios).join(", ")}`,
    );
  }
  if (RUNTIME !== "browser" && RUNTIME !== "node") throw new Error(`CONFORMANCE_RUNTIME must be "browser" or "node", got ${JSON.stringify(RUNTIME)}`);
  if (!/^https?:\/\//.test(serverUrl || "")) throw new Error(`the last argument must be the server URL, got ${JSON.stringify(serverUrl)}`);
  if (!fs.existsSync(PKG_JS)) throw new Error(`${path.relative(REPO_ROOT, PKG_JS)} is missing: run make pkg`);

  if (RUNTIME === "node") {
    await startNode(new URL(serverUrl).origin);
  } else {
    staticServer = await startStatic({ root: REPO_ROOT });
    browser = await launchBrowser({ disableWebSecurity: true });
    page = await openClientPage(browser, staticServer.origin);
    traceNetwork(page, new URL(serverUrl).origin);
    log(`page ${staticServer.origin} ready; server ${serverUrl}`);
  }

  // Scenarios that need data (tool arguments, credentials) get it from MCP_CONFORMANCE_CONTEXT.
  let context = null;
  if (process.env.MCP_CONFORMANCE_CONTEXT) context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT);
  const arg = JSON.stringify({ url: serverUrl, clientInfo: clientInfo(), context });
  const ctx = { page, waitForListeningGet, args: { url: serverUrl, clientInfo: clientInfo(), context } };
  for (const step of Array.isArray(run) ? run : [run]) {
    let outcome;
    if (typeof step !== "function") outcome = await step.node(ctx);
    // The same JSON the page gets, so neither runtime sees anything the other does not.
    else if (RUNTIME === "node") outcome = await step(JSON.parse(arg));
    else outcome = await page.evaluate(`(${step.toString()})(${arg})`);
    for (const note of outcome.notes ?? []) log(note);
    if (!outcome.ok) {
      const error = typeof outcome.error === "string" ? outcome.error : JSON.stringify(outcome.error);
      throw new Error(`step "${outcome.step}" failed: ${error}`);
    }
  }
  if (unhandled.length) throw new Error(`${unhandled.length} unhandled rejection(s) in Node mode`);
}

async function reportFailure(message) {
  log(`FAIL: ${message}`);
  await Promise.race([Promise.allSettled(bodyReads), new Promise((r) => setTimeout(r, 1000))]);
  if (trace.length) log(`exchanges with the server:\n  ${trace.map((e) => e.line).join("\n  ")}`);
  const diag = pageDiagnostics(page);
  if (diag) log(diag);
  if (unhandled.length) log(`unhandled rejections:\n  ${unhandled.join("\n  ")}`);
}

let timedOut = false;
const deadline = setTimeout(async () => {
  timedOut = true;
  await reportFailure(`did not finish within ${DEADLINE_MS} ms`);
  await cleanup();
  process.exit(3);
}, DEADLINE_MS);

let exitCode = 0;
try {
  await main();
  log("OK");
} catch (err) {
  exitCode = 1;
  if (!timedOut) await reportFailure(err?.message || err);
} finally {
  if (!timedOut) {
    clearTimeout(deadline);
    await cleanup();
    process.exit(exitCode);
  }
}
