// Minifies the JS that wasm-bindgen generates (the glue of each module and the snippets it
// copies from src/) in place, with esbuild: a third fewer gzip bytes for the package as shipped.
// The readable sources are in src/; the hand-written entries (elicitation-dialog.js, skills.js…)
// ship as written. A leading `@ts-self-types` comment, which Deno reads, is kept.
//   node scripts/minify.mjs <dir>...
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const esbuild = createRequire(new URL("../tests/e2e/package.json", import.meta.url))("esbuild");

/** The glue files in `dir` (the module's own .js, not the hand-written entries) and every snippet. */
function generated(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "snippets") out.push(...walk(path));
    else if (/^mcp_web_client(_oauth)?\.js$/.test(name)) out.push(path);
  }
  return out;
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : name.endsWith(".js") ? [path] : [];
  });
}

for (const dir of process.argv.slice(2)) {
  for (const path of generated(dir)) {
    const source = readFileSync(path, "utf8");
    const pragma = source.match(/^\/\* @ts-self-types="[^"]*" \*\/\n/)?.[0] ?? "";
    const { code } = esbuild.transformSync(source, { minify: true, format: "esm", target: "es2020", legalComments: "none" });
    writeFileSync(path, pragma + code);
  }
}
