// The script of the completion site's /authorize page (served by www/serve.mjs on its own
// origin). It stands in for what an MCP server's sign-in or payment page does at the end of a
// URL elicitation: tell the app that opened this window, with /pkg/elicitation-complete.js's
// mcpElicitationComplete(), which posts { type: "mcp:elicitation-complete", elicitationId,
// status } to window.opener with an exact target origin.
(function () {
  "use strict";
  var card = document.getElementById("card");
  var status = document.getElementById("status");
  var targetOrigin = card.getAttribute("data-target-origin");
  var elicitationId = card.getAttribute("data-elicitation-id") || undefined;

  function finish(result) {
    document.getElementById("authorize").disabled = true;
    document.getElementById("deny").disabled = true;
    var sent = window.mcpElicitationComplete({
      targetOrigin: targetOrigin,
      elicitationId: elicitationId,
      status: result,
      close: true,          // the window closes itself shortly after
      closeDelayMs: 800,
    });
    status.textContent = (result === "done" ? "Authorized." : "Denied.") +
      (sent.opener ? " The app has been told; this window closes by itself." :
        " The app's window is gone (no window.opener): you can close this one.");
  }

  document.getElementById("authorize").addEventListener("click", function () { finish("done"); });
  document.getElementById("deny").addEventListener("click", function () { finish("cancelled"); });
})();
