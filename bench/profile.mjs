// Where one in-memory `tools/call` spends its time: the built package in headless Chromium, an
// in-memory fetch (no network), the DevTools sampling profiler, self time per function. Not a
// benchmark (`make bench` is): a profile to read before cutting. The case is `json` (a short
// JSON result, 20,000 calls), `small-sse` (the same as one SSE event), `big-sse` (a 1 MiB result as one SSE event in 64 KiB chunks, 200)
// or `connect` (2,000 connects, the floor still a call).
//   node bench/profile.mjs [entry=/pkg/mcp_web_client.js] [rows=40] [case=json]
import * as harness from "../tests/e2e/harness.mjs";
const statics = await harness.startStatic({ root: harness.REPO_ROOT });
const browser = await harness.launchBrowser();
const page = await browser.newPage();
await page.goto(`${statics.origin}/tests/e2e/pages/blank.html`);
const cdp = await page.context().newCDPSession(page);
const CASE = process.argv[4] ?? "json";
await page.evaluate(async (entry) => {
  const mod = await import(entry); await mod.default();
  const dec = new TextDecoder();
  const enc = new TextEncoder();
  const big = JSON.stringify({ content: [{ type: "text", text: "x".repeat(1 << 20) }] });
  const bigTail = [];
  { const b = enc.encode(`,"result":${big}}\n\n`); for (let i = 0; i < b.length; i += 65536) bigTail.push(b.subarray(i, i + 65536)); }
  const stream = (parts) => new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } });
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
    if (msg.params.name === "small-sse") {
      return Promise.resolve(new Response(`event: message\ndata: ${head},"result":${small}}\n\n`, { status: 200, headers: { ...hdr, "content-type": "text/event-stream" } }));
    }
    if (msg.params.name === "big-sse") {
      const body = stream([enc.encode(`event: message\ndata: ${head}`), ...bigTail]);
      return Promise.resolve(new Response(body, { status: 200, headers: { ...hdr, "content-type": "text/event-stream" } }));
    }
    return Promise.resolve(new Response(`${head},"result":${small}}`, { status: 200, headers: hdr }));
  };
  window.__c = await mod.McpClient.connect("https://mock.invalid/mcp", { fetch: f, protocolVersion: "2025-11-25" });
  window.__f = f;
  // The `connect` case: what a connect costs (the era is remembered after the first one, as in the bench).
  window.__connect = async () => {
    const c = await mod.McpClient.connect("https://mock.invalid/mcp/c", { fetch: f });
    (window.__open ??= []).push(c);
  };
}, process.argv[2] ?? "/pkg/mcp_web_client.js");
const TOOL = CASE === "json" ? "small" : CASE;
const N = { json: 20000, "small-sse": 20000, connect: 2000 }[CASE] ?? 200;
const t = await page.evaluate(async ([n, tool]) => {
  const c = tool === "connect" ? { callTool: () => window.__connect() } : window.__c;
  for (let i = 0; i < n / 20; i++) await c.callTool(tool, {});
  const t0 = performance.now();
  for (let i = 0; i < n / 4; i++) await c.callTool(tool, {});
  const ours = (performance.now() - t0) / (n / 4) * 1000;
  const t1 = performance.now();
  for (let i = 0; i < n / 4; i++) { const r = await window.__f("x", { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: i, method: "tools/call", params: { name: tool, arguments: {} } }) }); const text = await r.text(); JSON.parse(text.startsWith("event:") ? text.slice(text.indexOf("data: ") + 6) : text); }
  return [ours, (performance.now() - t1) / (n / 4) * 1000];
}, [N, TOOL]);
console.log("us/call ours, floor:", t.map((x) => x.toFixed(1)).join(", "));
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
await cdp.send("Profiler.start");
await page.evaluate(async ([n, tool]) => { const c = tool === "connect" ? { callTool: () => window.__connect() } : window.__c; for (let i = 0; i < n; i++) await c.callTool(tool, {}); }, [N, TOOL]);
const { profile } = await cdp.send("Profiler.stop");
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas; let total = 0;
profile.samples.forEach((id, i) => { const n = byId.get(id); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + dt[i]); total += dt[i]; });
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 40));
for (const [k, v] of rows) console.log((v / N).toFixed(2).padStart(7), "us", (100 * v / total).toFixed(1).padStart(5) + "%", k);
await browser.close(); await statics.stop();
