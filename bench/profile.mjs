// Where one in-memory JSON `tools/call` spends its time: the built package in headless Chromium,
// an in-memory fetch (no network), the DevTools sampling profiler over 20,000 calls, self time
// per function. Not a benchmark (`make bench` is): a profile to read before cutting.
//   node bench/profile.mjs [entry=/pkg/mcp_web_client.js] [rows=40]
import * as harness from "../tests/e2e/harness.mjs";
const statics = await harness.startStatic({ root: harness.REPO_ROOT });
const browser = await harness.launchBrowser();
const page = await browser.newPage();
await page.goto(`${statics.origin}/tests/e2e/pages/blank.html`);
const cdp = await page.context().newCDPSession(page);
await page.evaluate(async (entry) => {
  const mod = await import(entry); await mod.default();
  const dec = new TextDecoder();
  const hdr = { "content-type": "application/json", "mcp-session-id": "s1" };
  const small = JSON.stringify({ content: [{ type: "text", text: "a short answer of an ordinary length" }] });
  const f = (input, init = {}) => {
    const method = (init.method || "GET").toUpperCase();
    if (method === "GET") return Promise.resolve(new Response(null, { status: 405 }));
    if (method === "DELETE") return Promise.resolve(new Response(null, { status: 200 }));
    const msg = JSON.parse(typeof init.body === "string" ? init.body : dec.decode(init.body));
    if (msg.id === undefined) return Promise.resolve(new Response(null, { status: 202 }));
    const head = `{"jsonrpc":"2.0","id":${JSON.stringify(msg.id)}`;
    if (msg.method === "initialize") return Promise.resolve(new Response(`${head},"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"m","version":"1"}}}`, { status: 200, headers: hdr }));
    return Promise.resolve(new Response(`${head},"result":${small}}`, { status: 200, headers: hdr }));
  };
  window.__c = await mod.McpClient.connect("https://mock.invalid/mcp", { fetch: f, protocolVersion: "2025-11-25" });
  window.__f = f;
}, process.argv[2] ?? "/pkg/mcp_web_client.js");
const N = 20000;
const t = await page.evaluate(async (n) => {
  const c = window.__c;
  for (let i = 0; i < 1000; i++) await c.callTool("small", {});
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await c.callTool("small", {});
  const ours = (performance.now() - t0) / n * 1000;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) { const r = await window.__f("x", { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: i, method: "tools/call", params: { name: "small", arguments: {} } }) }); JSON.parse(await r.text()); }
  return [ours, (performance.now() - t1) / n * 1000];
}, 5000);
console.log("us/call ours, floor:", t.map((x) => x.toFixed(1)).join(", "));
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
await cdp.send("Profiler.start");
await page.evaluate(async (n) => { const c = window.__c; for (let i = 0; i < n; i++) await c.callTool("small", {}); }, N);
const { profile } = await cdp.send("Profiler.stop");
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas; let total = 0;
profile.samples.forEach((id, i) => { const n = byId.get(id); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + dt[i]); total += dt[i]; });
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 40));
for (const [k, v] of rows) console.log((v / N).toFixed(2).padStart(7), "us", (100 * v / total).toFixed(1).padStart(5) + "%", k);
await browser.close(); await statics.stop();
