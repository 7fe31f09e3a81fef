// Completes the package.json wasm-pack generated: the hand-written files it does not know
// about, an explicit ES-module entry (the web glue for browsers and bundlers, node.js for
// Node), and side-effect freedom for bundlers.
import { readFileSync, writeFileSync, existsSync, copyFileSync } from "node:fs";

const path = new URL("../pkg/package.json", import.meta.url);
const pkg = JSON.parse(readFileSync(path, "utf8"));
const extras = ["elicitation-complete.js", "oauth-callback.js", "elicitation-dialog.js", "elicitation-dialog.d.ts", "encrypted-store.js", "encrypted-store.d.ts", "node.js", "node.d.ts", "skills.js", "skills.d.ts"].filter((f) => existsSync(new URL(`../pkg/${f}`, import.meta.url)));
// The licences of Cargo.toml's `MIT OR Apache-2.0`, whether or not wasm-pack copied them.
const licences = ["LICENSE-MIT", "LICENSE-APACHE"];
for (const f of licences) copyFileSync(new URL(`../${f}`, import.meta.url), new URL(`../pkg/${f}`, import.meta.url));
pkg.files = [...new Set([...(pkg.files ?? []), ...extras, ...licences, "snippets", "oauth", "full"])];
pkg.type = "module";
pkg.exports = {
  // Conditions match in order: "browser" first, so a bundler that also sets "node" (Electron's
  // renderer) still gets the web glue; Node gets node.js, which loads the .wasm from disk.
  ".": {
    browser: { types: "./mcp_web_client.d.ts", default: "./mcp_web_client.js" },
    node: { types: "./node.d.ts", default: "./node.js" },
    types: "./mcp_web_client.d.ts",
    default: "./mcp_web_client.js",
  },
  // The client with OAuth in the same module, for apps that use `auth` (one download instead
  // of two). Node's entry already holds both modules.
  "./full": {
    browser: { types: "./full/mcp_web_client.d.ts", default: "./full/mcp_web_client.js" },
    node: { types: "./node.d.ts", default: "./node.js" },
    types: "./full/mcp_web_client.d.ts",
    default: "./full/mcp_web_client.js",
  },
  "./mcp_web_client_bg.wasm": "./mcp_web_client_bg.wasm",
  "./elicitation-complete.js": "./elicitation-complete.js",
  "./oauth-callback.js": "./oauth-callback.js",
  "./elicitation-dialog.js": { types: "./elicitation-dialog.d.ts", default: "./elicitation-dialog.js" },
  "./encrypted-store.js": { types: "./encrypted-store.d.ts", default: "./encrypted-store.js" },
  "./skills.js": { types: "./skills.d.ts", default: "./skills.js" },
};
// node.js loads the module when imported: a bundler targeting Node must not drop it as a bare
// re-export.
pkg.sideEffects = [...new Set([...(pkg.sideEffects ?? []), "./node.js"])];
writeFileSync(path, JSON.stringify(pkg, null, 2) + "\n");
