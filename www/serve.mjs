// `make demo`: starts server-everything (Streamable HTTP) on a free loopback port, serves the
// repository root (the demo page under /www/ and the package under /pkg/), prints the URL.
import { spawn } from "node:child_process";
import { createReadStream, existsSync, statSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const everything = path.join(root, "tests/e2e/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
  ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png" };

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

const mcpPort = Number(process.env.MCP_PORT) || await freePort();
const child = spawn(process.execPath, [everything, "streamableHttp"], {
  env: { ...process.env, PORT: String(mcpPort) }, stdio: ["ignore", "ignore", "inherit"],
});
const stop = () => { child.kill(); process.exit(0); };
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/") {
    res.writeHead(302, { Location: `/www/index.html?server=${encodeURIComponent(`http://127.0.0.1:${mcpPort}/mcp`)}` });
    return res.end();
  }
  const file = path.join(root, path.normalize(decodeURIComponent(url.pathname)));
  if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404);
    return res.end("not found");
  }
  res.writeHead(200, { "Content-Type": types[path.extname(file)] ?? "application/octet-stream" });
  createReadStream(file).pipe(res);
});
const webPort = Number(process.env.DEMO_PORT) || await freePort();
server.listen(webPort, "127.0.0.1", () => {
  console.log(`MCP server (server-everything): http://127.0.0.1:${mcpPort}/mcp`);
  console.log(`Demo: open http://127.0.0.1:${webPort}/`);
});
