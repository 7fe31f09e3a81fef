// The package's entry for Node.js (the "node" condition of package.json's exports). The
// --target web glue's default init() fetches the .wasm by URL, and Node's fetch cannot read
// file: URLs, so this reads the module from disk next to this file and instantiates it
// synchronously: `import { McpClient } from "mcp-web-client"` is ready with no init call
// (and works from require() of an ES module too, which top-level await would prevent).
// The web glue's init() and initSync() are re-exported: code written for the browser that
// still calls `await init()` gets the already-loaded module back.
import { readFileSync } from "node:fs";
import { initSync } from "./mcp_web_client.js";
import { initSync as initOAuth } from "./oauth/mcp_web_client_oauth.js";

initSync({ module: readFileSync(new URL("./mcp_web_client_bg.wasm", import.meta.url)) });
// The OAuth module too, now: the client module imports it only when an app passes `auth`, and
// its init() then finds it loaded instead of fetching a file: URL.
initOAuth({ module: readFileSync(new URL("./oauth/mcp_web_client_oauth_bg.wasm", import.meta.url)) });

export * from "./mcp_web_client.js";
export { default } from "./mcp_web_client.js";
