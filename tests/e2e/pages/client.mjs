// Loads the built package (wasm-pack --target web) and exposes it, plus a few helpers the
// end-to-end tests call through page.evaluate.
const status = document.getElementById("status");

// Results of a promise as plain data: page.evaluate cannot carry an Error's own fields.
async function settle(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (e) {
    return {
      ok: false,
      error: {
        isError: e instanceof Error,
        name: e?.name,
        message: e?.message ?? String(e),
        code: e?.code,
        data: e?.data,
        elicitations: e?.elicitations,
      },
    };
  }
}

// Records events of `client` by name: events[name] = [detail, ...] with a receive time.
function track(client, names) {
  const events = {};
  for (const name of names) {
    events[name] = [];
    client.addEventListener(name, (e) => {
      events[name].push({ detail: e.detail, at: performance.now() });
    });
  }
  return events;
}

try {
  const mcp = await import("/pkg/mcp_web_client.js");
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
