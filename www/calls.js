// One tool call as a timeline entry, shared by the tool console and the chat: the request (who
// called which tool with which arguments), then the reply with its progress bar, Cancel button,
// steps, cards (elicitation, sampling, sign-in) and, in the end, the result.
import { attachCard, errorView, h } from "./ui.js";
import { toolResult } from "./content.js";

/**
 * @param {import("./ui.js").Timeline} timeline
 * @param {{ tool: object, args: object, who: string, onCancel: () => void,
 *           actions?: { readResource?: (uri: string) => void } }} options
 */
export function callEntry(timeline, { tool, args, who, onCancel, actions }) {
  const started = performance.now();
  const state = h("span", { className: "state" }, "Running…");
  const bar = h("progress", { className: "progress", "aria-label": `progress of ${tool.name}` }); // no value: indeterminate
  const barText = h("span", { className: "progress-text" });
  const cancel = h("button", { type: "button", className: "cancel small", onclick: onCancel }, "Cancel");
  const steps = h("ol", { className: "steps" });
  const cards = h("div", { className: "cards" });
  const reply = h("div", { className: "bubble reply" }, h("div", { className: "status-row" }, state, bar, barText, cancel), steps, cards);
  const hasArgs = Object.keys(args).length > 0;
  const li = timeline.add("call",
    h("div", { className: "bubble request" },
      h("p", { className: "who" }, `${who} `, h("strong", {}, tool.title ?? tool.name), " ", h("code", {}, tool.name)),
      hasArgs ? argsList(args) : h("p", { className: "muted" }, "no arguments")),
    reply);
  li.dataset.tool = tool.name;
  li.dataset.state = "running";
  const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const settle = (kind, label) => {
    li.dataset.state = kind;
    state.textContent = `${label} · ${seconds()}`;
    cancel.remove();
    if (!bar.hasAttribute("value")) {
      bar.remove();
      barText.remove();
    }
  };
  return {
    li,
    progress({ progress, total, message }) {
      timeline.grew(() => {
        if (typeof total === "number" && total > 0) {
          bar.max = total;
          bar.value = Math.min(progress, total);
          barText.textContent = `${progress} / ${total}`;
        } else {
          barText.textContent = `${progress}`;
        }
        if (message) barText.textContent += ` · ${message}`;
      });
    },
    step(text) {
      timeline.grew(() => steps.append(h("li", {}, text)));
    },
    /** A card inside this reply, for what happens during the call (elicitation, sampling). */
    card(...args) {
      return attachCard(timeline, cards, ...args);
    },
    contains: (node) => li.contains(node),
    finish(result) {
      timeline.grew(() => {
        settle(result.isError ? "error" : "done", result.isError ? "The tool reported an error" : "Done");
        reply.append(toolResult(result, actions));
      });
    },
    failed(error) {
      timeline.grew(() => {
        settle("error", "Failed");
        reply.append(errorView(error));
      });
    },
    cancelled() {
      settle("cancelled", "Cancelled");
    },
  };
}

// The arguments as "name  value" rows: strings as they are, anything else as compact JSON.
function argsList(args) {
  return h("dl", { className: "args" }, Object.entries(args).map(([k, v]) =>
    h("div", {}, h("dt", {}, k), h("dd", {}, typeof v === "string" ? v : JSON.stringify(v)))));
}
