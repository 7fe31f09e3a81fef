// Loads the built package (wasm-pack --target web) and exposes it, plus a few helpers the
// end-to-end tests call through page.evaluate.
import { settle, track } from "./helpers.mjs";

const status = document.getElementById("status");

try {
  const mcp = await import(globalThis.E2E_PACKAGE ?? "/pkg/mcp_web_client.js");
  await mcp.default();
  window.mcp = mcp;
  window.McpClient = mcp.McpClient;
  window.e2e = { settle, track };
  window.ready = true;
  status.textContent = "ready";
} catch (e) {
  window.loadError = String(e?.stack || e);
  status.textContent = "load error: " + window.loadError;
}
