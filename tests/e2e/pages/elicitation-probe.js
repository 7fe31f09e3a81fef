// Loaded (classic, synchronous) before the package: counts what outlives an elicitation.
// window.probe.counts() -> { windowListeners, documentListeners, channelListeners, timeouts,
// intervals, channels, onmessage }, counting only what code under /pkg/ (the package and its
// snippets, e.g. the dialog) created — Playwright's injected script adds window listeners of
// its own; probe.counts(true) counts everything. window.probe.opens records every window.open
// (URL, target, features, whether the page had transient user activation, the event being
// dispatched, whether a window came back), window.probe.windows the windows it returned;
// window.probe.fetches records fetch URLs.
(function () {
  "use strict";
  const listeners = new Map(); // target kind -> Map(key -> record)
  const ids = new WeakMap();
  let nextId = 1;
  const idOf = (fn) => {
    if (fn == null || (typeof fn !== "function" && typeof fn !== "object")) return String(fn);
    if (!ids.has(fn)) ids.set(fn, nextId++);
    return ids.get(fn);
  };
  const kindOf = (target) =>
    target === window ? "window" : target === document ? "document" : target instanceof BroadcastChannel ? "channel" : null;
  const captureOf = (options) => (typeof options === "boolean" ? options : !!(options && options.capture));
  const channelIds = new WeakMap();
  const targetId = (target) => {
    if (target === window || target === document) return "";
    if (!channelIds.has(target)) channelIds.set(target, nextId++);
    return channelIds.get(target);
  };
  const key = (target, type, fn, options) => `${targetId(target)}|${type}|${idOf(fn)}|${captureOf(options)}`;
  const table = (kind) => {
    if (!listeners.has(kind)) listeners.set(kind, new Map());
    return listeners.get(kind);
  };
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 30);
  const fromPackage = () => /\/pkg\//.test(new Error().stack || "");
  const log = [];
  const note = (what) => {
    if (log.length < 5000) log.push({ t: performance.now(), ...what });
  };

  const proto = EventTarget.prototype;
  const add = proto.addEventListener;
  const remove = proto.removeEventListener;
  proto.addEventListener = function (type, fn, options) {
    const kind = kindOf(this);
    if (kind && fn != null) {
      const k = key(this, type, fn, options);
      const t = table(kind);
      if (!t.has(k)) {
        t.set(k, { type, once: !!(options && options.once), pkg: fromPackage() });
        note({ op: "add", kind, type });
        if (options && options.once) {
          // A once listener goes away after it runs: observe that with a second once listener.
          add.call(this, type, () => queueMicrotask(() => t.delete(k)), { once: true, capture: captureOf(options) });
        }
        if (options && options.signal) {
          options.signal.aborted ? t.delete(k) : add.call(options.signal, "abort", () => t.delete(k), { once: true });
        }
      }
    }
    return add.call(this, type, fn, options);
  };
  proto.removeEventListener = function (type, fn, options) {
    const kind = kindOf(this);
    if (kind && fn != null && table(kind).delete(key(this, type, fn, options))) note({ op: "remove", kind, type });
    return remove.call(this, type, fn, options);
  };

  const timeouts = new Map(); // id -> created by the package
  const intervals = new Map();
  const setT = window.setTimeout;
  const clearT = window.clearTimeout;
  const setI = window.setInterval;
  const clearI = window.clearInterval;
  window.setTimeout = function (fn, ms, ...args) {
    let id;
    const wrapped = typeof fn === "function" ? function () { timeouts.delete(id); return fn.apply(this, arguments); } : fn;
    id = setT.call(window, wrapped, ms, ...args);
    if (typeof fn === "function") timeouts.set(id, fromPackage());
    note({ op: "setTimeout", ms });
    return id;
  };
  window.clearTimeout = function (id) {
    timeouts.delete(id);
    return clearT.call(window, id);
  };
  window.setInterval = function (fn, ms, ...args) {
    const id = setI.call(window, fn, ms, ...args);
    intervals.set(id, fromPackage());
    note({ op: "setInterval", ms });
    return id;
  };
  window.clearInterval = function (id) {
    intervals.delete(id);
    return clearI.call(window, id);
  };

  const channels = new Map(); // channel -> created by the package
  const Native = window.BroadcastChannel;
  class TrackedBroadcastChannel extends Native {
    constructor(name) {
      super(name);
      channels.set(this, fromPackage());
      note({ op: "channel", name });
    }
    close() {
      channels.delete(this);
      for (const k of [...table("channel").keys()]) if (k.startsWith(`${targetId(this)}|`)) table("channel").delete(k);
      note({ op: "channel-close" });
      return super.close();
    }
  }
  window.BroadcastChannel = TrackedBroadcastChannel;

  const opens = [];
  const windows = []; // what each window.open returned (not serialisable: kept beside `opens`)
  const open = window.open;
  window.open = function (url, target, features) {
    const activation = navigator.userActivation ? navigator.userActivation.isActive : null;
    const event = window.event ? window.event.type : null;
    const w = open.apply(window, arguments);
    opens.push({ url: String(url), target: target === undefined ? null : String(target), features: features === undefined ? null : String(features), activation, event, returned: !!w, pkg: fromPackage(), t: performance.now() });
    windows.push(w);
    return w;
  };

  const fetches = [];
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    fetches.push(typeof input === "string" ? input : input && input.url ? input.url : String(input));
    return fetch.apply(this, arguments);
  };

  window.probe = {
    log,
    opens,
    windows,
    fetches,
    counts(all = false) {
      const mine = (pkg) => all || pkg;
      const c = (kind) => (listeners.has(kind) ? [...listeners.get(kind).values()].filter((r) => mine(r.pkg)).length : 0);
      const n = (map) => [...map.values()].filter(mine).length;
      let channelHandlers = 0;
      for (const [ch, pkg] of channels) if (ch.onmessage && mine(pkg)) channelHandlers++;
      return {
        windowListeners: c("window"),
        documentListeners: c("document"),
        channelListeners: c("channel") + channelHandlers,
        timeouts: n(timeouts),
        intervals: n(intervals),
        channels: n(channels),
        onmessage: window.onmessage ? 1 : 0,
      };
    },
    listenerTypes(all = false) {
      const out = {};
      for (const [kind, t] of listeners) out[kind] = [...t.values()].filter((r) => all || r.pkg).map((r) => r.type);
      return out;
    },
  };
})();
