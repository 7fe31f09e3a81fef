// The chat: a message box and a conversation whose assistant calls the MCP server's tools.
//
// One turn (send()):
//   1. the user's message joins the history (chat-completions messages);
//   2. the assistant is asked for its next message, with the server's tools as function tools:
//      the LLM endpoint configured in the page (llm.js), or without one the scripted assistant
//      (scripted.js, not an LLM);
//   3. each tool call of that message goes through the library (client.callTool, via the page's
//      runTool, which shows it as a call in the conversation, with any URL elicitation or
//      sign-in card inline), and its result text returns as a `role: "tool"` message;
//   4. back to 2, until a message without tool calls, or MAX_ROUNDS requests.
// Errors (the endpoint's, a tool's, the library's McpError) become error turns; the chat stays
// usable. The API key lives in `endpoint` below and nowhere else.
import { $, Timeline, h } from "./ui.js";
import { chatCompletion, resultText, toolsForModel } from "./llm.js";
import { SCRIPTED_NAME, scriptedReply } from "./scripted.js";

const MAX_ROUNDS = 8;

/**
 * @param {{ client(): object | null, tools(): object[], ensureConnected(): Promise<void>,
 *           runTool(tool, args, options): Promise<object>, demoArguments(tool, args): object,
 *           hints(): string[] }} page
 */
export function createChat(page) {
  const log = new Timeline($("chat-log"));
  const history = []; // user, assistant and tool messages, without the system message
  let endpoint = null; // { baseUrl, model, apiKey } while an LLM is configured: memory only
  let turn = null; // the AbortController of the turn in progress

  // ---- the assistant's settings ----

  function showAssistant() {
    $("assistant-status").textContent = endpoint ? `LLM: ${endpoint.model} at ${new URL(endpoint.baseUrl).host}` : SCRIPTED_NAME;
    $("assistant-status").dataset.kind = endpoint ? "llm" : "scripted";
    $("llm-clear").disabled = !endpoint;
  }

  $("llm-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const baseUrl = $("llm-url").value.trim();
    let url;
    try {
      url = new URL(baseUrl);
    } catch {
      url = null;
    }
    if (!url || !/^https?:$/.test(url.protocol)) {
      $("llm-url").setAttribute("aria-invalid", "true");
      return;
    }
    $("llm-url").removeAttribute("aria-invalid");
    endpoint = { baseUrl, model: $("llm-model").value.trim(), apiKey: $("llm-key").value };
    $("llm-key").value = ""; // not even the field keeps it
    $("llm-key").placeholder = endpoint.apiKey ? "a key is set (in memory)" : "none";
    showAssistant();
    log.system(`The assistant is now ${endpoint.model} at ${url.origin}${endpoint.apiKey ? " (with an API key, kept in this page's memory only)" : ""}.`, "ok");
  });
  $("llm-clear").addEventListener("click", () => {
    endpoint = null;
    $("llm-key").placeholder = "";
    showAssistant();
    log.system("The assistant is now the scripted one (not an LLM). The key is forgotten.", "notice");
  });

  // ---- the message box ----

  const form = $("chat-form");
  const input = $("chat-input");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text || turn) return;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  $("chat-stop").addEventListener("click", () => turn?.abort(new Error("stopped by the user")));
  for (const b of document.querySelectorAll("#suggestions button")) {
    b.addEventListener("click", () => {
      if (turn) return;
      input.value = b.dataset.say;
      form.requestSubmit();
    });
  }

  function busy(on) {
    form.dataset.busy = String(on);
    $("chat-send").disabled = on;
    $("chat-stop").hidden = !on;
  }

  // ---- turns ----

  const userTurn = (text) => log.add("user", h("div", { className: "bubble request" }, h("p", { className: "text" }, text)));

  // who: "scripted", or "llm" with the model's name.
  function assistantTurn(text, who, model) {
    const label = who === "scripted"
      ? [h("span", { className: "badge scripted" }, "scripted"), ` ${SCRIPTED_NAME}`]
      : [h("span", { className: "badge" }, "LLM"), ` ${model || "assistant"}`];
    const li = log.add("assistant", h("div", { className: "bubble reply" }, h("p", { className: "who" }, ...label), h("p", { className: "text" }, text)));
    li.dataset.assistant = who;
    return li;
  }

  function systemMessage() {
    const c = page.client();
    const server = c ? `the MCP server "${c.serverInfo?.title ?? c.serverInfo?.name}"` : "no MCP server (the page is not connected)";
    return [
      `You are the assistant of a demo chat page that runs in the user's browser and is connected to ${server}.`,
      "Call its tools when they help with what the user asks, and answer briefly.",
      "A tool that needs the user on another web page (URL elicitation) shows them a consent button in the conversation; its result arrives once they are done.",
      ...page.hints(),
    ].join(" ");
  }

  async function send(text) {
    const controller = new AbortController();
    turn = controller;
    busy(true);
    userTurn(text);
    history.push({ role: "user", content: text });
    const llm = endpoint; // the assistant of this turn, even if the settings change while it runs
    try {
      await page.ensureConnected();
      const who = llm ? "llm" : "scripted";
      const ask = llm ? (req) => chatCompletion({ ...llm, ...req }) : async (req) => scriptedReply(req);
      for (let round = 1; ; round++) {
        if (round > MAX_ROUNDS) {
          log.system(`Stopped: the assistant was still calling tools after ${MAX_ROUNDS} rounds. Send another message to go on.`, "error");
          break;
        }
        const { defs, byName } = toolsForModel(page.tools());
        const thinking = log.add("system thinking", h("p", {}, who === "scripted" ? "The scripted assistant is reading…" : "The assistant is thinking…"));
        let message;
        try {
          message = await ask({ messages: [{ role: "system", content: systemMessage() }, ...history], tools: defs, signal: controller.signal });
        } finally {
          thinking.remove();
        }
        history.push(message);
        const calls = message.tool_calls ?? [];
        if (message.content) assistantTurn(message.content, who, llm?.model);
        else if (!calls.length) assistantTurn("(an empty answer)", who, llm?.model);
        if (!calls.length) break;
        for (const call of calls) {
          const content = controller.signal.aborted ? "Not called: the user stopped the turn." : await toolCall(call, byName, controller.signal);
          history.push({ role: "tool", tool_call_id: call.id, content });
        }
        if (controller.signal.aborted) throw controller.signal.reason;
      }
    } catch (e) {
      if (controller.signal.aborted) log.system("Stopped.", "notice");
      else log.error(e.name === "McpError" ? "The MCP server failed" : llm ? "The assistant's endpoint failed" : "The scripted assistant failed", e);
    } finally {
      turn = null;
      busy(false);
      input.focus();
    }
  }

  // One tool call of the assistant: the text of the `tool` message that answers it.
  async function toolCall(call, byName, signal) {
    const tool = byName.get(call.function.name);
    if (!tool) {
      log.system(`The assistant asked for a tool the server does not have: ${call.function.name}`, "error");
      return `Error: there is no tool named ${call.function.name}.`;
    }
    let args;
    try {
      args = call.function.arguments.trim() ? JSON.parse(call.function.arguments) : {};
      if (!args || typeof args !== "object" || Array.isArray(args)) throw new Error("not a JSON object");
    } catch (e) {
      log.error(`The assistant's arguments for ${tool.name} are not a JSON object`, e);
      return `Error: the arguments are not a JSON object (${e.message}).`;
    }
    if (!page.client()) {
      log.system(`Not connected to an MCP server: ${tool.name} was not called.`, "error");
      return "Error: the page is not connected to the MCP server.";
    }
    try {
      const result = await page.runTool(tool, page.demoArguments(tool, args), { log, who: "The assistant called", inline: true, signal });
      return resultText(result);
    } catch (e) {
      // runTool has shown the McpError in the call's entry.
      return e.code === undefined ? `Error: ${e.message}` : `Error ${e.code}: ${e.message}`;
    }
  }

  showAssistant();
  log.system("No LLM endpoint is configured, so a scripted assistant (not an LLM) answers: type help, or pick a suggestion below. Sending a message connects to the MCP server above.");
  return {
    log,
    /** Once the package has loaded: the message box sends. */
    enable: () => busy(false),
  };
}
