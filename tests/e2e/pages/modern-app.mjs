// The app of the modern-era tests (modern.test.mjs): plain app code on top of the package's JS
// API, the same for every server. Everything it records is plain data for page.evaluate.
//
// window.modern:
//   connect(key, url, opts)        McpClient.connect; opts pass through, except
//                                  elicit: false (no onElicitation), sample: false (no onSampling).
//                                  Resolves { ok, value: { protocolVersion, serverInfo, ... } | error }.
//   call(key, method, ...args)     client[method](...args) settled as plain data
//   callTool(key, name, args, { progress: true, abortOnProgress: n })   callTool, recording onProgress
//                                  into progress[key]; abortOnProgress aborts its signal at the n-th
//   start(key, method, ...args)    like call, without waiting: returns an index into pending[]
//   elicitations / samplings       what onElicitation / onSampling received (snapshots, in order)
//   elicitationPlan / samplingPlan answers to give, in order: "defaults" (accept the defaults),
//                                  { action, content } (accept merges content over the defaults),
//                                  { action: "decline" } ... Default when the plan is empty: "defaults".
//   events[key][name]              the client's events (details as plain data)
//   appFlow(url)                   the same app code for any server: connect, list, echo, close
const plain = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const plainError = (e) => ({
  isError: e instanceof Error,
  name: e?.name,
  message: e?.message ?? String(e),
  code: e?.code,
  data: plain(e?.data),
});
const EVENTS = ["log", "error", "toolslistchanged", "resourceslistchanged", "promptslistchanged", "resourceupdated", "close"];

const modern = {
  clients: {},
  events: {},
  elicitations: [],
  samplings: [],
  elicitationPlan: [],
  samplingPlan: [],
  progress: {},
  pending: [],

  async connect(key, url, opts = {}) {
    const { elicit = true, sample = true, ...rest } = opts;
    const o = { clientInfo: { name: "modern-e2e", title: "Modern E2E", version: "0.1.0" }, requestTimeoutMs: 20000, ...rest };
    if (elicit) o.onElicitation = (req) => modern.onElicitation(key, req);
    if (sample) o.onSampling = (req) => modern.onSampling(key, req);
    let client;
    try {
      client = await window.McpClient.connect(url, o);
    } catch (e) {
      return { ok: false, error: plainError(e) };
    }
    modern.clients[key] = client;
    const events = (modern.events[key] = {});
    for (const name of EVENTS) {
      events[name] = [];
      client.addEventListener(name, (e) => events[name].push(e.detail instanceof Error ? plainError(e.detail) : (plain(e.detail) ?? null)));
    }
    return {
      ok: true,
      value: {
        protocolVersion: client.protocolVersion,
        serverInfo: plain(client.serverInfo),
        serverCapabilities: plain(client.serverCapabilities),
        instructions: client.instructions,
      },
    };
  },

  async call(key, method, ...args) {
    try {
      return { ok: true, value: plain(await modern.clients[key][method](...args)) };
    } catch (e) {
      return { ok: false, error: plainError(e) };
    }
  },

  async callTool(key, name, args, { progress = false, abortOnProgress, ...opts } = {}) {
    if (progress || abortOnProgress) {
      modern.progress[key] = [];
      const controller = new AbortController();
      if (abortOnProgress) opts.signal = controller.signal;
      opts.onProgress = (p) => {
        modern.progress[key].push(plain(p));
        if (abortOnProgress && modern.progress[key].length >= abortOnProgress) controller.abort();
      };
    }
    return modern.call(key, "callTool", name, args, opts);
  },

  start(key, method, ...args) {
    const i = modern.pending.length;
    modern.pending.push({ state: "pending" });
    modern.call(key, method, ...args).then((r) => (modern.pending[i] = { state: "settled", ...r }));
    return i;
  },

  onElicitation(key, req) {
    let validateDefaults;
    try {
      validateDefaults = typeof req.validate === "function" ? plain(req.validate(req.defaults ?? {})) : undefined;
    } catch (e) {
      validateDefaults = { threw: String(e) };
    }
    modern.elicitations.push({
      key,
      mode: req.mode,
      message: req.message,
      requestedSchema: plain(req.requestedSchema),
      defaults: plain(req.defaults),
      hasValidate: typeof req.validate === "function",
      validateDefaults,
      server: plain(req.server),
      url: req.url,
      keys: Object.keys(req).sort(),
    });
    const plan = modern.elicitationPlan.length ? modern.elicitationPlan.shift() : "defaults";
    if (plan === "defaults") return Promise.resolve({ action: "accept", content: { ...(req.defaults ?? {}) } });
    if (plan.action === "accept") return Promise.resolve({ action: "accept", content: { ...(req.defaults ?? {}), ...(plan.content ?? {}) } });
    return Promise.resolve({ action: plan.action });
  },

  onSampling(key, req) {
    modern.samplings.push({ key, params: plain(req) });
    const plan = modern.samplingPlan.length ? modern.samplingPlan.shift() : null;
    return Promise.resolve(plan ?? { role: "assistant", content: { type: "text", text: "short" }, model: "test-model", stopReason: "endTurn" });
  },

  /** The same app code for any server, legacy or modern. */
  async appFlow(url) {
    const client = await window.McpClient.connect(url, { clientInfo: { name: "same-app", version: "1.0.0" } });
    try {
      const { tools } = await client.listTools();
      const echo = tools.find((t) => t.name === "echo");
      const result = await client.callTool("echo", { message: "same code" });
      let unknown;
      try {
        unknown = { rejected: false, result: plain(await client.callTool("no-such-tool", {})) };
      } catch (e) {
        unknown = { rejected: true, error: plainError(e) };
      }
      return {
        protocolVersion: client.protocolVersion,
        serverName: client.serverInfo?.name,
        hasEcho: !!echo,
        echoSchemaType: echo?.inputSchema?.type,
        text: result.content.map((c) => c.text).join(""),
        resultKeys: Object.keys(result).sort(),
        unknown,
      };
    } finally {
      await client.close();
    }
  },
};
window.modern = modern;
window.plainError = plainError;
