// An in-memory MCP server for the browser tests: a `fetch` function that answers from
// constructed `Response`s (JSON, or SSE over a `ReadableStream` cut into awkward chunks) and
// records every request it sees. No network, no timers of its own.

const encoder = new TextEncoder();

function json(message, headers = {}) {
  return new Response(JSON.stringify(message), {
    status: 200,
    headers: { "content-type": "application/json", ...headers },
  });
}

function split(bytes, cuts) {
  const chunks = [];
  let start = 0;
  for (const cut of cuts) {
    if (cut > start && cut < bytes.length) {
      chunks.push(bytes.slice(start, cut));
      start = cut;
    }
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

// Cuts between every CR and its LF, and right after the lead byte of every multi-byte UTF-8
// sequence, so no chunk boundary falls where a line or a character would end.
function awkwardChunks(bytes) {
  const cuts = [];
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] === 13 && bytes[i + 1] === 10) || bytes[i] >= 0xc0) cuts.push(i + 1);
  }
  return split(bytes, cuts);
}

function byteChunks(bytes) {
  return Array.from(bytes, (_, i) => bytes.slice(i, i + 1));
}

// An SSE response whose body hands out one chunk per read. With `hold`, the stream stays open
// after the chunks until the request's signal aborts it, as a real fetch body would.
function sseResponse(record, chunks, hold) {
  let next = 0;
  const body = new ReadableStream(
    {
      start(controller) {
        record.signal?.addEventListener(
          "abort",
          () => {
            record.released = true;
            controller.error(new DOMException("The operation was aborted.", "AbortError"));
          },
          { once: true },
        );
      },
      pull(controller) {
        if (next < chunks.length) {
          controller.enqueue(chunks[next++]);
        } else if (!hold) {
          controller.close();
        } else {
          return new Promise(() => {});
        }
      },
      cancel() {
        record.released = true;
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
}

export class FakeServer {
  constructor() {
    this.requests = [];
    this.handlers = { ping: () => ({}) };
    this.initializeCount = 0;
    this.session = null;
    this.fetch = (url, init) => this.handle(url, init);
  }

  async handle(url, init) {
    const headers = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = typeof init.body === "string" ? JSON.parse(init.body) : null;
    const record = { method: init.method, url, headers, body, signal: init.signal, released: false };
    this.requests.push(record);
    if (init.signal?.aborted) throw new DOMException("The operation was aborted.", "AbortError");
    if (init.method === "GET") return new Response(null, { status: 405 });
    if (init.method === "DELETE") return new Response(null, { status: 204 });
    if (body.method === "initialize") {
      this.initializeCount += 1;
      this.session = `s-${this.initializeCount}`;
      const result = {
        protocolVersion: body.params.protocolVersion,
        capabilities: { tools: { listChanged: true } },
        serverInfo: { name: "fake", version: "1.0.0" },
        instructions: "Be brief.",
      };
      return json({ jsonrpc: "2.0", id: body.id, result }, { "mcp-session-id": this.session });
    }
    if (headers["mcp-session-id"] !== this.session) {
      return new Response("unknown session", { status: 404 });
    }
    if (body.id === undefined || body.method === undefined) {
      return new Response(null, { status: 202 }); // a notification or an answer
    }
    const handler = this.handlers[body.method];
    if (!handler) {
      return json({ jsonrpc: "2.0", id: body.id, error: { code: -32601, message: `no ${body.method}` } });
    }
    const out = await handler(body, record);
    return out instanceof Response ? out : json({ jsonrpc: "2.0", id: body.id, result: out });
  }

  /// The server forgets every session: requests carrying the old id get 404.
  expireSession() {
    this.session = "expired";
  }

  answerJson(method, resultJson) {
    this.handlers[method] = () => JSON.parse(resultJson);
  }

  /// An HTTP error status for this method, with a WWW-Authenticate header when given.
  answerStatus(method, status, wwwAuthenticate) {
    const headers = wwwAuthenticate ? { "www-authenticate": wwwAuthenticate } : {};
    this.handlers[method] = () => new Response("denied", { status, headers });
  }

  /// A JSON response whose id is not the request's.
  answerWithId(method, id) {
    this.handlers[method] = () => json({ jsonrpc: "2.0", id, result: { content: [] } });
  }

  /// An SSE stream with a comment, a priming event, a progress notification (with a 2-byte
  /// character), then the result (with 2- and 4-byte characters) spread over two data lines;
  /// CRLF line ends; cut awkwardly ("awkward") or into single bytes ("bytes").
  answerSseWithProgress(method, how) {
    this.handlers[method] = (msg, record) => {
      const progress = {
        jsonrpc: "2.0",
        method: "notifications/progress",
        params: { progressToken: msg.params._meta.progressToken, progress: 1, total: 2, message: "halfway ½" },
      };
      const result = JSON.stringify({
        jsonrpc: "2.0",
        id: msg.id,
        result: { content: [{ type: "text", text: "héllo 😀 wörld" }] },
      });
      const cut = result.indexOf('"result"');
      const text =
        ": keep-alive\r\n\r\n" +
        "id: ev-1\r\ndata:\r\n\r\n" +
        `event: message\r\nid: ev-2\r\ndata: ${JSON.stringify(progress)}\r\n\r\n` +
        `id: ev-3\r\ndata: ${result.slice(0, cut)}\r\ndata: ${result.slice(cut)}\r\n\r\n`;
      const bytes = encoder.encode(text);
      return sseResponse(record, how === "bytes" ? byteChunks(bytes) : awkwardChunks(bytes), false);
    };
  }

  /// An SSE stream that first carries a response for an id nobody waits for, then the real one.
  answerSseWithStrayResponse(method, strayId) {
    this.handlers[method] = (msg, record) => {
      const stray = { jsonrpc: "2.0", id: strayId, result: {} };
      const real = { jsonrpc: "2.0", id: msg.id, result: { content: [{ type: "text", text: "real" }] } };
      const text = `data: ${JSON.stringify(stray)}\n\ndata: ${JSON.stringify(real)}\n\n`;
      return sseResponse(record, [encoder.encode(text)], false);
    };
  }

  /// An SSE stream with only a priming event, held open until the request is aborted.
  neverAnswer(method) {
    this.handlers[method] = (_msg, record) => sseResponse(record, [encoder.encode("id: p-1\ndata:\n\n")], true);
  }

  /// The requests so far as JSON; `aborted` is the state of each request's signal now.
  logJson() {
    return JSON.stringify(
      this.requests.map((r) => ({
        method: r.method,
        url: r.url,
        headers: r.headers,
        body: r.body,
        aborted: r.signal ? r.signal.aborted : null,
        released: r.released,
      })),
    );
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/// Wraps the global setTimeout/clearTimeout and counts live timers whose delay is `ms`
/// (a value only the code under test uses). `restore()` puts the originals back.
export class TimerTracker {
  constructor(ms) {
    const live = new Set();
    const [set, clear] = [globalThis.setTimeout, globalThis.clearTimeout];
    this.live = () => live.size;
    this.created = 0;
    globalThis.setTimeout = (callback, delay, ...args) => {
      let handle;
      const fire = (...a) => {
        live.delete(handle);
        return typeof callback === "function" ? callback(...a) : undefined;
      };
      handle = set.call(globalThis, fire, delay, ...args);
      if (delay === ms) {
        live.add(handle);
        this.created += 1;
      }
      return handle;
    };
    globalThis.clearTimeout = (handle) => {
      live.delete(handle);
      return clear.call(globalThis, handle);
    };
    this.restore = () => {
      globalThis.setTimeout = set;
      globalThis.clearTimeout = clear;
    };
  }
}
