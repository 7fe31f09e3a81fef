// The app of the elicitation tests: loads the built package, connects with an onElicitation
// that renders a consent panel per URL request (buttons the test clicks with real input
// events), and records everything as plain data for the test to poll.
//
// window.app:
//   connect(url, options)     McpClient.connect; options are passed through except
//                             `handler: false` (no onElicitation). Resolves to settled data.
//   start(name, args, opts)   starts callTool without waiting; returns the call's index;
//                             app.calls[i] = { state: "pending" | "resolved" | "rejected", value | error };
//                             opts.abortable: app.controllers[i] aborts it
//   reqs[i]                   plain snapshot of the i-th onElicitation request
//   outcomes[i]               what open() did for request i: { state, value | error, opens }
//   answers[i]                what onElicitation resolved to for request i
//   handler                   optional (req, i) => result: replaces the default behaviour
//   formAnswer                (req, i) => result for form requests (default: cancel)
//   events                    client events by name, as plain data
//   clickOpen semantics: #open-<i> calls req.open() first thing in its click handler.
const status = document.getElementById("status");
const consents = document.getElementById("consents");

const plainError = (e) => ({
  isError: e instanceof Error,
  name: e?.name,
  message: e?.message ?? String(e),
  code: e?.code,
  data: e?.data === undefined ? undefined : JSON.parse(JSON.stringify(e.data)),
  elicitations: e?.elicitations === undefined ? undefined : JSON.parse(JSON.stringify(e.elicitations)),
});
const plain = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

function snapshot(req) {
  const s = {
    mode: req.mode,
    server: plain(req.server),
    message: req.message,
    keys: Object.keys(req).sort(),
  };
  if (req.mode === "url") {
    Object.assign(s, {
      url: req.url,
      host: req.host,
      registrableDomain: req.registrableDomain,
      delivery: req.delivery,
      elicitationId: req.elicitationId,
      warnings: plain(req.warnings),
      methods: ["open", "decline", "cancel", "done"].filter((m) => typeof req[m] === "function"),
    });
  } else {
    Object.assign(s, {
      requestedSchema: plain(req.requestedSchema),
      defaults: plain(req.defaults),
      hasValidate: typeof req.validate === "function",
    });
  }
  return s;
}

function button(id, text, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.id = id;
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

const app = {
  reqs: [],
  live: [],
  outcomes: [],
  answers: [],
  calls: [],
  controllers: [],
  events: {},
  handler: null,
  formAnswer: null,
  client: null,

  async connect(url, options = {}) {
    const { handler = true, ...rest } = options;
    const opts = { clientInfo: { name: "elicitation-e2e", version: "0.0.0" }, requestTimeoutMs: 30000, ...rest };
    if (handler) opts.onElicitation = (req) => app.onElicitation(req);
    try {
      app.client = await window.McpClient.connect(url, opts);
    } catch (e) {
      return { ok: false, error: plainError(e) };
    }
    for (const name of ["error", "elicitationcomplete", "notification", "close"]) {
      app.events[name] = [];
      app.client.addEventListener(name, (e) => {
        const d = e.detail;
        app.events[name].push(d instanceof Error ? plainError(d) : plain(d) ?? null);
      });
    }
    return { ok: true, value: { protocolVersion: app.client.protocolVersion, serverInfo: plain(app.client.serverInfo) } };
  },

  start(name, args = {}, opts = {}) {
    const i = app.calls.length;
    const entry = { state: "pending", name };
    app.calls.push(entry);
    const { abortable, ...rest } = opts;
    if (abortable) {
      app.controllers[i] = new AbortController();
      rest.signal = app.controllers[i].signal;
    }
    app.client.callTool(name, args, rest).then(
      (value) => Object.assign(entry, { state: "resolved", value: plain(value) }),
      (error) => Object.assign(entry, { state: "rejected", error: plainError(error) }),
    );
    return i;
  },

  async settle(promise) {
    try {
      return { ok: true, value: plain(await promise) };
    } catch (e) {
      return { ok: false, error: plainError(e) };
    }
  },

  // Calls req.open() for request i and records the outcome. Synchronous up to window.open.
  open(i) {
    const req = app.live[i];
    const outcome = { state: "pending", attempts: (app.outcomes[i]?.attempts ?? 0) + 1 };
    app.outcomes[i] = outcome;
    let p;
    try {
      p = req.open();
    } catch (e) {
      Object.assign(outcome, { state: "threw", error: plainError(e) });
      return Promise.reject(e);
    }
    p.then(
      (value) => Object.assign(outcome, { state: "resolved", value: plain(value) }),
      (error) => Object.assign(outcome, { state: "rejected", error: plainError(error) }),
    );
    return p;
  },

  onElicitation(req) {
    const i = app.reqs.length;
    app.reqs.push(snapshot(req));
    app.live.push(req);
    const record = (r) => {
      app.answers[i] = plain(r) ?? null;
      return r;
    };
    if (app.handler) return Promise.resolve(app.handler(req, i)).then(record);
    if (req.mode !== "url") return Promise.resolve(app.formAnswer ? app.formAnswer(req, i) : { action: "cancel" }).then(record);
    return new Promise((resolve) => {
      const panel = document.createElement("section");
      panel.className = "consent";
      panel.id = `consent-${i}`;
      const who = document.createElement("p");
      who.textContent = `${req.server?.title ?? req.server?.name} asks you to open ${req.url}`;
      const msg = document.createElement("p");
      msg.textContent = req.message;
      const state = document.createElement("p");
      state.className = "state";
      const finish = (r) => {
        panel.remove();
        resolve(record(r));
      };
      panel.append(
        who,
        msg,
        state,
        button(`open-${i}`, "Open", () => {
          app.open(i).then(
            (r) => finish({ action: r?.status === "done" ? "accept" : "cancel" }),
            (e) => {
              if (e?.code === -33011) state.textContent = "Your browser blocked the window; click Open again.";
              else finish({ action: "cancel" });
            },
          );
          state.textContent = "Waiting…";
        }),
        button(`done-${i}`, "I've completed it", () => req.done()),
        button(`decline-${i}`, "Decline", () => {
          req.decline();
          finish({ action: "decline" });
        }),
        button(`cancel-${i}`, "Cancel", () => {
          req.cancel();
          finish({ action: "cancel" });
        }),
      );
      consents.append(panel);
    });
  },

  // An iframe of another page, for messages that do not come from the popup.
  frame(src) {
    return new Promise((resolve) => {
      const f = document.createElement("iframe");
      f.addEventListener("load", () => resolve(true), { once: true });
      f.src = src;
      document.getElementById("frames").append(f);
    });
  },
};
window.app = app;

try {
  const mcp = await import(globalThis.E2E_PACKAGE ?? "/pkg/mcp_web_client.js");
  await mcp.default();
  window.mcp = mcp;
  window.McpClient = mcp.McpClient;
  window.ready = true;
  status.textContent = "ready";
} catch (e) {
  window.loadError = String(e?.stack || e);
  status.textContent = "load error: " + window.loadError;
}
