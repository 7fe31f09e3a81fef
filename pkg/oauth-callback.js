/*! mcp-web-client oauth-callback.js — for the page at your `auth.redirectUri`.
 *
 * The authorization server sends the user's popup back to this page with `?code=…&state=…`.
 * Include this script on it (the page must be on your app's origin):
 *
 *   <script src="oauth-callback.js"></script>
 *
 * It hands this page's URL to the window that opened it — `postMessage` to its own origin, never
 * "*" — and on BroadcastChannel("mcp:oauth") for when a Cross-Origin-Opener-Policy on the way
 * cut the opener. The client checks the origin, that the message comes from the popup it opened,
 * the redirect URI's path and the `state` it sent, then exchanges the code and closes the popup.
 * No dependencies; nothing is parsed as HTML. `window.mcpOAuthCallback` says which channels the
 * message went out on: { opener: boolean, broadcast: boolean }.
 */
(function () {
  "use strict";
  var msg = { type: "mcp:oauth-callback", url: location.href };
  var sent = { opener: false, broadcast: false };
  if (window.opener) {
    try {
      window.opener.postMessage(msg, location.origin);
      sent.opener = true;
    } catch (e) {
      console.error("mcpOAuthCallback:", e);
    }
  }
  if (typeof BroadcastChannel === "function") {
    var channel = new BroadcastChannel("mcp:oauth");
    channel.postMessage(msg);
    channel.close();
    sent.broadcast = true;
  }
  window.mcpOAuthCallback = sent;
})();
