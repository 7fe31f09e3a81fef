/*! mcp-web-client elicitation-complete.js — for the page that ends a URL elicitation.
 *
 * Tells the MCP client app that opened this window that the user finished (or gave up):
 *
 *   <script src="elicitation-complete.js"
 *           data-target-origin="https://app.example"   (the app's origin: exact, never "*")
 *           data-elicitation-id="…"                     (the request's elicitationId; required when it had one)
 *           data-status="done"                          ("done" | "cancelled"; default "done")
 *           data-close="true"                           (optional: close this window shortly after,
 *           data-close-delay="300"></script>             after this many ms; default 300)
 *
 * runs on load when data-target-origin or data-status is present. Or call it yourself:
 *   mcpElicitationComplete({ targetOrigin, elicitationId, status, close, closeDelayMs })
 *   -> { opener: boolean, broadcast: boolean }  (which channels the message went out on)
 *
 * Posts { type: "mcp:elicitation-complete", elicitationId?, status } to window.opener with the
 * exact target origin, and on BroadcastChannel("mcp:elicitation") (reaches the app only when
 * this page has the app's origin; it works even when Cross-Origin-Opener-Policy cut the opener).
 * A target origin of "*" lets any page that opened this one read the message: it is refused
 * unless data-allow-any-origin is present ({ allowAnyOrigin: true }), a last resort for servers
 * that cannot know the app's origin. No dependencies; nothing is parsed as HTML.
 */
(function () {
  "use strict";
  var TYPE = "mcp:elicitation-complete";

  function complete(o) {
    o = o || {};
    var status = o.status == null || o.status === "" ? "done" : o.status;
    if (status !== "done" && status !== "cancelled") throw new TypeError('mcpElicitationComplete: status must be "done" or "cancelled"');
    var msg = { type: TYPE, status: status };
    if (o.elicitationId != null && o.elicitationId !== "") msg.elicitationId = String(o.elicitationId);
    var sent = { opener: false, broadcast: false };
    var target = o.targetOrigin;
    if (target === "*" && !o.allowAnyOrigin) {
      console.error('mcpElicitationComplete: refusing target origin "*" (set data-allow-any-origin to allow it)');
      target = null;
    } else if (target && target !== "*") {
      target = new URL(target).origin; // throws on what is not a URL
      if (target === "null") throw new TypeError("mcpElicitationComplete: targetOrigin has no origin");
    }
    if (target && window.opener) {
      try {
        window.opener.postMessage(msg, target);
        sent.opener = true;
      } catch (e) {
        console.error("mcpElicitationComplete:", e);
      }
    }
    if (typeof BroadcastChannel === "function") {
      var channel = new BroadcastChannel("mcp:elicitation");
      channel.postMessage(msg);
      channel.close();
      sent.broadcast = true;
    }
    if (o.close) setTimeout(function () { window.close(); }, o.closeDelayMs == null ? 300 : o.closeDelayMs);
    return sent;
  }

  window.mcpElicitationComplete = complete;
  var s = document.currentScript;
  if (s && (s.hasAttribute("data-target-origin") || s.hasAttribute("data-status"))) {
    complete({
      targetOrigin: s.getAttribute("data-target-origin"),
      elicitationId: s.getAttribute("data-elicitation-id"),
      status: s.getAttribute("data-status"),
      allowAnyOrigin: s.hasAttribute("data-allow-any-origin"),
      close: s.getAttribute("data-close") === "true",
      closeDelayMs: s.hasAttribute("data-close-delay") ? Number(s.getAttribute("data-close-delay")) : null,
    });
  }
})();
