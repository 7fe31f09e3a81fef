// Completes the package.json wasm-pack generated: the hand-written files it does not know
// about, an explicit ES-module entry, and side-effect freedom for bundlers.
import { readFileSync, writeFileSync, existsSync, copyFileSync } from "node:fs";

const path = new URL("../pkg/package.json", import.meta.url);
const pkg = JSON.parse(readFileSync(path, "utf8"));
const extras = ["elicitation-complete.js", "oauth-callback.js", "elicitation-dialog.js", "elicitation-dialog.d.ts", "encrypted-store.js", "encrypted-store.d.ts", "skills.js", "skills.d.ts"].filter((f) => existsSync(new URL(`../pkg/${f}`, import.meta.url)));
// The licences of Cargo.toml's `MIT OR Apache-2.0`, whether or not wasm-pack copied them.
const licences = ["LICENSE-MIT", "LICENSE-APACHE"];
for (const f of licences) copyFileSync(new URL(`../${f}`, import.meta.url), new URL(`../pkg/${f}`, import.meta.url));
pkg.files = [...new Set([...(pkg.files ?? []), ...extras, ...licences, "snippets"])];
pkg.type = "module";
pkg.exports = {
  ".": { types: "./mcp_web_client.d.ts", default: "./mcp_web_client.js" },
  "./mcp_web_client_bg.wasm": "./mcp_web_client_bg.wasm",
  "./elicitation-complete.js": "./elicitation-complete.js",
  "./oauth-callback.js": "./oauth-callback.js",
  "./elicitation-dialog.js": { types: "./elicitation-dialog.d.ts", default: "./elicitation-dialog.js" },
  "./encrypted-store.js": { types: "./encrypted-store.d.ts", default: "./encrypted-store.js" },
  "./skills.js": { types: "./skills.d.ts", default: "./skills.js" },
};
writeFileSync(path, JSON.stringify(pkg, null, 2) + "\n");
