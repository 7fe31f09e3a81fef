// The page's DOM plumbing: an element helper and the chat timeline.
//
// Everything a server sends (tool names, messages, results, log data) reaches the page as a
// text node or a DOM property, never through innerHTML: `h()` appends strings with
// Element.append(), which creates text nodes, so "<img onerror=…>" in a result is just text.

/**
 * h("p", { className: "x", "aria-label": "y", onclick: fn }, "text", child, …)
 * Keys with a dash (aria-*, data-*) become attributes; on* keys become listeners; others are
 * set as DOM properties. `null`/`false` children are skipped.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key.includes("-")) node.setAttribute(key, String(value));
    else node[key] = value;
  }
  node.append(...children.flat().filter((c) => c != null && c !== false));
  return node;
}

export const $ = (id) => document.getElementById(id);

const time = () => new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** JSON for people: 2-space indent, and no exception on cycles or BigInts. */
export function pretty(value) {
  try {
    return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? String(v) : v), 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** An McpError (or anything thrown) as "code: message" plus its data, as DOM. */
export function errorView(error) {
  const code = error?.code;
  const view = h("div", { className: "error-view" },
    h("p", {},
      code !== undefined ? h("span", { className: "code" }, String(code)) : null,
      " ", String(error?.message ?? error)));
  if (error?.data !== undefined) view.append(h("details", {}, h("summary", {}, "data"), h("pre", {}, pretty(error.data))));
  return view;
}

/** The conversation: an <ol role="log"> that keeps itself scrolled to the newest entry. */
export class Timeline {
  constructor(list) {
    this.list = list;
  }

  /** Appends an entry (an <li>) of `kind`; returns it. */
  add(kind, ...children) {
    const scroller = this.list;
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    const li = h("li", { className: `entry ${kind}`, "data-kind": kind }, h("time", {}, time()), ...children);
    this.list.append(li);
    if (atBottom) this.scroll();
    return li;
  }

  scroll() {
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** Keeps the view at the bottom when an entry grows, if it was there. */
  grew(update) {
    const s = this.list;
    const atBottom = s.scrollHeight - s.scrollTop - s.clientHeight < 80;
    update();
    if (atBottom) this.scroll();
  }

  system(text, tone = "info") {
    return this.add(`system ${tone}`, h("p", {}, text));
  }

  error(title, error) {
    return this.add("system error", h("p", {}, h("strong", {}, title)), errorView(error));
  }

  /** A card (see `card()`) as a timeline entry of its own. */
  card(kind, badge, title, ...body) {
    const c = card(kind, badge, title, ...body);
    this.add("cardbox", c);
    c.step = stepper(this, c.querySelector(".steps"));
    return c;
  }
}

function stepper(timeline, steps) {
  return (text, tone = "") => timeline.grew(() => steps.append(h("li", { className: tone }, h("time", {}, time()), " ", text)));
}

/**
 * A card with a badge, a title, a body and a list of steps that grows as things happen:
 * `c.step(text, tone)` with tone "", "ok", "warn" or "error". Put it in the timeline with
 * `timeline.card(…)`, or inside another entry with `attachCard(timeline, parent, …)`.
 */
export function card(kind, badge, title, ...body) {
  return h("div", { className: `card ${kind}`, "data-card": kind },
    h("div", { className: "card-head" }, h("span", { className: "badge" }, badge), h("strong", {}, title)),
    ...body, h("ol", { className: "steps" }));
}

export function attachCard(timeline, parent, kind, badge, title, ...body) {
  const c = card(kind, badge, title, ...body);
  timeline.grew(() => parent.append(c));
  c.step = stepper(timeline, c.querySelector(".steps"));
  return c;
}
