// Loaded (classic, synchronous) before the package: counts what outlives an elicitation.
// window.probe.counts() -> { windowListeners, documentListeners, channelListeners, timeouts,
// intervals, channels, onmessage }; window.probe.opens records every window.open (URL, target,
// features, whether the page had transient user activation, whether a window came back);
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
        t.set(k, { type, once: !!(options && options.once) });
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

  const timeouts = new Set();
  const intervals = new Set();
  const setT = window.setTimeout;
  const clearT = window.clearTimeout;
  const setI = window.setInterval;
  const clearI = window.clearInterval;
  window.setTimeout = function (fn, ms, ...args) {
    let id;
    const wrapped = typeof fn === "function" ? function () { timeouts.delete(id); return fn.apply(this, arguments); } : fn;
    id = setT.call(window, wrapped, ms, ...args);
    if (typeof fn === "function") timeouts.add(id);
    note({ op: "setTimeout", ms });
    return id;
  };
  window.clearTimeout = function (id) {
    timeouts.delete(id);
    return clearT.call(window, id);
  };
  window.setInterval = function (fn, ms, ...args) {
    const id = setI.call(window, fn, ms, ...args);
    intervals.add(id);
    note({ op: "setInterval", ms });
    return id;
  };
  window.clearInterval = function (id) {
    intervals.delete(id);
    return clearI.call(window, id);
  };

  const channels = new Set();
  const Native = window.BroadcastChannel;
  class TrackedBroadcastChannel extends Native {
    constructor(name) {
      super(name);
      channels.add(this);
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
  const open = window.open;
  window.open = function (url, target, features) {
    const activation = navigator.userActivation ? navigator.userActivation.isActive : null;
    const w = open.apply(window, arguments);
    opens.push({ url: String(url), target: target === undefined ? null : String(target), features: features === undefined ? null : String(features), activation, returned: !!w, t: performance.now() });
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
    fetches,
    counts() {
      const c = (kind) => (listeners.has(kind) ? listeners.get(kind).size : 0);
      let channelHandlers = 0;
      for (const ch of channels) if (ch.onmessage) channelHandlers++;
      return {
        windowListeners: c("window"),
        documentListeners: c("document"),
        channelListeners: c("channel") + channelHandlers,
        timeouts: timeouts.size,
        intervals: intervals.size,
        channels: channels.size,
        onmessage: window.onmessage ? 1 : 0,
      };
    },
    listenerTypes() {
      const out = {};
      for (const [kind, t] of listeners) out[kind] = [...t.values()].map((r) => r.type);
      return out;
    },
  };
})();
