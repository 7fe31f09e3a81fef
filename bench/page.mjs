// The benchmark page. `?client=` picks ONE client per page (so each page's JS heap holds only that
// client): "ours" (the built package from /pkg), "sdk1" / "sdk2" (the official TypeScript SDK
// clients, bundled by run.mjs into ./dist), or "raw" (hand-written fetch POSTs: the floor).
// run.mjs drives the loops below through page.evaluate; every loop runs inside the page so the
// DevTools protocol is not part of what is timed.

const CLIENT_INFO = { name: "mcp-web-client-bench", version: "1.0.0" };
const PROTOCOL_VERSION = "2025-11-25";
const MIB = 1 << 20;

const status = document.getElementById("status");
const which = new URLSearchParams(location.search).get("client");

// ------------------------------------------------------------------------------------------------
// Adapters: connect(url, fetch?) -> handle, call(handle, tool, args) -> CallToolResult, close(handle)

async function oursAdapter() {
  const mod = await import("/pkg/mcp_web_client.js");
  const wasm = await mod.default();
  return {
    wasmMemoryBytes: () => wasm.memory.buffer.byteLength,
    connect: (url, fetchImpl) =>
      mod.McpClient.connect(url, { clientInfo: CLIENT_INFO, ...(fetchImpl ? { fetch: fetchImpl } : {}) }),
    call: (client, name, args) => client.callTool(name, args),
    close: (client) => client.close(),
  };
}

async function sdkAdapter(bundle) {
  const { Client, StreamableHTTPClientTransport } = await import(bundle);
  return {
    async connect(url, fetchImpl) {
      const client = new Client(CLIENT_INFO);
      const transport = new StreamableHTTPClientTransport(new URL(url), fetchImpl ? { fetch: fetchImpl } : undefined);
      await client.connect(transport);
      return { client, transport };
    },
    call: (h, name, args) => h.client.callTool({ name, arguments: args }),
    async close(h) {
      // Like ours, end the session on the server (DELETE) before closing.
      try {
        await h.transport.terminateSession();
      } catch {
        // not fatal for a benchmark
      }
      await h.client.close();
    },
  };
}

// The floor: the same JSON-RPC POSTs with nothing but fetch, JSON.parse and a minimal SSE split.
function rawAdapter() {
  async function post(h, message) {
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    if (h.sessionId) {
      headers["mcp-session-id"] = h.sessionId;
      headers["mcp-protocol-version"] = h.protocolVersion;
    }
    const res = await h.fetch(h.url, { method: "POST", headers, body: JSON.stringify(message) });
    if (!h.sessionId) h.sessionId = res.headers.get("mcp-session-id");
    const text = await res.text();
    if (message.id === undefined) return undefined;
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    if ((res.headers.get("content-type") || "").includes("text/event-stream")) {
      for (const event of text.split(/\r?\n\r?\n/)) {
        let data = "";
        for (const line of event.split(/\r?\n/)) if (line.startsWith("data:")) data += (data ? "\n" : "") + line.slice(line[5] === " " ? 6 : 5);
        if (!data) continue;
        const msg = JSON.parse(data);
        if (msg.id === message.id) return msg;
      }
      throw new Error("no response in the SSE stream");
    }
    return JSON.parse(text);
  }
  return {
    async connect(url, fetchImpl) {
      const h = { url, fetch: fetchImpl || globalThis.fetch.bind(globalThis), sessionId: null, protocolVersion: PROTOCOL_VERSION, nextId: 0 };
      const init = await post(h, {
        jsonrpc: "2.0",
        id: h.nextId++,
        method: "initialize",
        params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
      });
      if (init.error) throw new Error(init.error.message);
      h.protocolVersion = init.result.protocolVersion;
      await post(h, { jsonrpc: "2.0", method: "notifications/initialized" });
      return h;
    },
    async call(h, name, args) {
      const msg = await post(h, { jsonrpc: "2.0", id: h.nextId++, method: "tools/call", params: { name, arguments: args } });
      if (msg.error) throw new Error(msg.error.message);
      return msg.result;
    },
    async close(h) {
      const res = await h.fetch(h.url, {
        method: "DELETE",
        headers: { "mcp-session-id": h.sessionId, "mcp-protocol-version": h.protocolVersion },
      });
      await res.arrayBuffer();
    },
  };
}

// ------------------------------------------------------------------------------------------------
// The in-memory server: a fetch that answers from prepared responses, without any network.
// Only the request id is spliced in. Tool names select the response:
//   small       JSON, {"content":[{"type":"text","text":"Echo: hello"}]}, without Content-Length (as
//               Node's http sends a body written after writeHead, the SDK server's JSON mode)
//   small-cl    the same with Content-Length (as most Python and Rust servers send it)
//   small-sse   the same as one SSE event
//   events-sse  99 notifications/message events, then the small result (one chunk per event)
//   big         JSON, a 1 MiB text result, delivered in 64 KiB chunks
//   big-sse     the same as one SSE event, in 64 KiB chunks
// Everything else that has an id gets an empty result; notifications get 202; GET gets 405.

const MOCK_URL = "https://mock.invalid/mcp";
const MOCK_SESSION = "bench-mock-session-0001";
const SMALL_TEXT = "Echo: hello";
const LOG_EVENTS = 99;
const CHUNK = 64 * 1024;

function makeMockFetch() {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const smallResult = JSON.stringify({ content: [{ type: "text", text: SMALL_TEXT }] });
  const bigResult = JSON.stringify({ content: [{ type: "text", text: "x".repeat(MIB) }] });
  const split = (bytes) => {
    const out = [];
    for (let i = 0; i < bytes.length; i += CHUNK) out.push(bytes.subarray(i, Math.min(i + CHUNK, bytes.length)));
    return out;
  };
  const bigJsonTail = split(enc.encode(`,"result":${bigResult}}`));
  const bigSseTail = split(enc.encode(`,"result":${bigResult}}\n\n`));
  const logEvent = enc.encode(
    "event: message\ndata: " +
      JSON.stringify({
        jsonrpc: "2.0",
        method: "notifications/message",
        params: { level: "info", logger: "bench", data: "a log line of an ordinary length, about as long as a server would send" },
      }) +
      "\n\n",
  );
  const jsonHeaders = { "content-type": "application/json", "mcp-session-id": MOCK_SESSION };
  const sseHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache", "mcp-session-id": MOCK_SESSION };
  const streamOf = (chunks) =>
    new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
        controller.close();
      },
    });
  const json = (body) => new Response(body, { status: 200, headers: jsonHeaders });
  // The bodies are ASCII: their length in bytes is their length in characters.
  const sized = (body) => new Response(body, { status: 200, headers: { ...jsonHeaders, "content-length": String(body.length) } });
  const sse = (body) => new Response(body, { status: 200, headers: sseHeaders });

  return function mockFetch(input, init = {}) {
    const method = (init.method || "GET").toUpperCase();
    if (method === "GET") return Promise.resolve(new Response(null, { status: 405, headers: { allow: "POST, DELETE" } }));
    if (method === "DELETE") return Promise.resolve(new Response(null, { status: 200 }));
    const text = typeof init.body === "string" ? init.body : dec.decode(init.body);
    const msg = JSON.parse(text);
    if (msg.id === undefined) return Promise.resolve(new Response(null, { status: 202 }));
    const id = JSON.stringify(msg.id);
    const head = `{"jsonrpc":"2.0","id":${id}`;
    if (msg.method === "initialize") {
      const requested = msg.params?.protocolVersion;
      const known = ["2025-11-25", "2025-06-18", "2025-03-26"];
      const result = {
        protocolVersion: known.includes(requested) ? requested : PROTOCOL_VERSION,
        capabilities: { tools: {}, logging: {} },
        serverInfo: { name: "bench-mock", version: "1.0.0" },
      };
      return Promise.resolve(json(`${head},"result":${JSON.stringify(result)}}`));
    }
    if (msg.method === "tools/call") {
      switch (msg.params?.name) {
        case "small":
          return Promise.resolve(json(`${head},"result":${smallResult}}`));
        case "small-cl":
          return Promise.resolve(sized(`${head},"result":${smallResult}}`));
        case "small-sse":
          return Promise.resolve(sse(`event: message\ndata: ${head},"result":${smallResult}}\n\n`));
        case "events-sse": {
          const chunks = new Array(LOG_EVENTS).fill(logEvent);
          chunks.push(enc.encode(`event: message\ndata: ${head},"result":${smallResult}}\n\n`));
          return Promise.resolve(sse(streamOf(chunks)));
        }
        case "big":
          return Promise.resolve(json(streamOf([enc.encode(head), ...bigJsonTail])));
        case "big-sse":
          return Promise.resolve(sse(streamOf([enc.encode(`event: message\ndata: ${head}`), ...bigSseTail])));
        default:
          break;
      }
    }
    return Promise.resolve(json(`${head},"result":{}}`));
  };
}

// ------------------------------------------------------------------------------------------------
// Measurements

const now = () => performance.now();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function textOf(result) {
  const c = result?.content?.[0];
  if (!c || c.type !== "text") throw new Error(`unexpected tool result: ${JSON.stringify(result).slice(0, 200)}`);
  return c.text;
}

let adapter;
let mockFetch;
let memHandle;

async function connectTimed(url, fetchImpl, n) {
  const times = [];
  let last;
  for (let i = 0; i < n; i++) {
    const t0 = now();
    const h = await adapter.connect(url, fetchImpl);
    times.push(now() - t0);
    if (last) await adapter.close(last);
    last = h;
  }
  return { handle: last, times };
}

async function sequential(h, tool, args, n) {
  for (let i = 0; i < n; i++) await adapter.call(h, tool, args);
}

const bench = {
  which,

  wasmMemoryBytes: () => (adapter.wasmMemoryBytes ? adapter.wasmMemoryBytes() : null),

  /** One correct round trip against the real server and the mock, so no number measures a failure. */
  async check(url) {
    const h = await adapter.connect(url);
    const got = textOf(await adapter.call(h, "echo", { message: "hi" }));
    if (got !== "Echo: hi") throw new Error(`echo returned ${JSON.stringify(got)}`);
    const big = "y".repeat(MIB);
    const gotBig = textOf(await adapter.call(h, "echo", { message: big }));
    if (gotBig !== "Echo: " + big) throw new Error(`1 MiB echo returned ${gotBig.length} characters`);
    await adapter.close(h);
    const m = await adapter.connect(MOCK_URL, mockFetch);
    for (const tool of ["small", "small-sse", "events-sse"]) {
      const t = textOf(await adapter.call(m, tool, {}));
      if (t !== SMALL_TEXT) throw new Error(`mock ${tool} returned ${JSON.stringify(t)}`);
    }
    for (const tool of ["big", "big-sse"]) {
      const t = textOf(await adapter.call(m, tool, {}));
      if (t.length !== MIB) throw new Error(`mock ${tool} returned ${t.length} characters`);
    }
    await adapter.close(m);
    return true;
  },

  /** Against the real server: connect, sequential latency, 50-way concurrency, 1 MiB echo. */
  async realRound(url, cfg) {
    const { handle: h, times } = await connectTimed(url, undefined, cfg.connects);
    const args = { message: "hello" };
    await sequential(h, "echo", args, cfg.warmup);
    const lat = [];
    for (let i = 0; i < cfg.calls; i++) {
      const t0 = now();
      await adapter.call(h, "echo", args);
      lat.push(now() - t0);
    }
    lat.sort((a, b) => a - b);
    // Throughput: batches of `concurrency` calls in flight at once.
    await Promise.all(Array.from({ length: cfg.concurrency }, () => adapter.call(h, "echo", args)));
    const t1 = now();
    for (let b = 0; b < cfg.batches; b++) {
      await Promise.all(Array.from({ length: cfg.concurrency }, () => adapter.call(h, "echo", args)));
    }
    const throughput = (cfg.batches * cfg.concurrency) / ((now() - t1) / 1000);
    const big = { message: "z".repeat(MIB) };
    await adapter.call(h, "echo", big);
    const bigTimes = [];
    for (let i = 0; i < cfg.bigReps; i++) {
      const t0 = now();
      const r = await adapter.call(h, "echo", big);
      bigTimes.push(now() - t0);
      if (textOf(r).length !== MIB + 6) throw new Error("1 MiB echo came back truncated");
    }
    await adapter.close(h);
    return {
      connectMs: median(times),
      p50: quantile(lat, 0.5),
      p90: quantile(lat, 0.9),
      throughput,
      bigMs: median(bigTimes),
    };
  },

  /** Against the in-memory fetch: what the library itself costs per call, per MiB, per event. */
  async mockRound(cfg) {
    // Mean time per operation, as the median over `blocks` blocks (a GC pause or a neighbour's
    // burst on a shared machine spoils one block, not the figure).
    const mean = async (fn, n, blocks = cfg.blocks) => {
      const per = [];
      const k = Math.max(1, Math.round(n / blocks));
      for (let b = 0; b < blocks; b++) {
        const t0 = now();
        await fn(k);
        per.push((now() - t0) / k);
      }
      return median(per);
    };
    // Connect: blocks of connects (timed), each block's clients closed afterwards (not timed).
    const open = [];
    const connectMs = await mean(async (k) => {
      for (let i = 0; i < k; i++) open.push(await adapter.connect(MOCK_URL, mockFetch));
    }, cfg.connects, 1);
    const h = open.pop();
    for (const c of open.splice(0)) await adapter.close(c);
    const out = { connectUs: connectMs * 1000 };
    for (const [key, tool, n, unit] of [
      ["smallJsonUs", "small", cfg.calls, 1000],
      ["smallJsonLengthUs", "small-cl", cfg.calls, 1000],
      ["smallSseUs", "small-sse", cfg.calls, 1000],
      ["eventsSseUs", "events-sse", cfg.eventCalls, 1000],
      ["bigJsonMs", "big", cfg.bigReps, 1],
      ["bigSseMs", "big-sse", cfg.bigReps, 1],
    ]) {
      await sequential(h, tool, {}, Math.max(2, Math.ceil(n / 10))); // warm-up
      out[key] = (await mean((k) => sequential(h, tool, {}, k), n)) * unit;
    }
    out.perEventUs = (out.eventsSseUs - out.smallSseUs) / LOG_EVENTS;
    await adapter.close(h);
    return out;
  },

  /** Memory phase: connect and warm up (then run.mjs forces GC and reads the heap), ... */
  async memStart(url, warmup) {
    memHandle = await adapter.connect(url);
    await sequential(memHandle, "echo", { message: "hello" }, warmup);
    return true;
  },
  /** ... `n` echo calls on the same client, `inFlight` at a time (then GC and heap again), ... */
  async memRun(n, inFlight) {
    const t0 = now();
    for (let done = 0; done < n; done += inFlight) {
      const k = Math.min(inFlight, n - done);
      await Promise.all(Array.from({ length: k }, () => adapter.call(memHandle, "echo", { message: "hello" })));
    }
    return now() - t0;
  },
  /** ... and close. */
  async memEnd() {
    await adapter.close(memHandle);
    memHandle = undefined;
    return true;
  },
};

try {
  if (which === "ours") adapter = await oursAdapter();
  else if (which === "sdk1") adapter = await sdkAdapter("./dist/sdk-v1.js");
  else if (which === "sdk2") adapter = await sdkAdapter("./dist/sdk-v2.js");
  else if (which === "raw") adapter = rawAdapter();
  else throw new Error(`unknown client ${which}`);
  mockFetch = makeMockFetch();
  window.bench = bench;
  window.ready = true;
  status.textContent = `ready: ${which}`;
} catch (e) {
  window.loadError = String(e?.stack || e);
  status.textContent = "load error: " + window.loadError;
}
