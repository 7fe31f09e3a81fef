// Completes the package.json wasm-pack generated: the hand-written files it does not know
// about, an explicit ES-module entry, and side-effect freedom for bundlers.
import { readFileSync, writeFileSync, existsSync } from "node:fs";

const path = new URL("../pkg/package.json", import.meta.url);
const pkg = JSON.parse(readFileSync(path, "utf8"));
const extras = ["elicitation-complete.js"].filter((f) => existsSync(new URL(`../pkg/${f}`, import.meta.url)));
pkg.files = [...new Set([...(pkg.files ?? []), ...extras, "snippets"])];
pkg.type = "module";
pkg.exports = {
  ".": { types: "./mcp_web_client.d.ts", default: "./mcp_web_client.js" },
  "./mcp_web_client_bg.wasm": "./mcp_web_client_bg.wasm",
  ...Object.fromEntries(extras.map((f) => [`./${f}`, `./${f}`])),
};
writeFileSync(path, JSON.stringify(pkg, null, 2) + "\n");
