// The package as an app uses it after `npm install mcp-web-client`: the bare specifier, the
// default export `init` (which fetches the .wasm the bundler emitted as an asset), and the
// on-demand dialog module, loaded twice over: by the library itself (`elicitationUi: "dialog"`
// imports it when the first elicitation arrives) and by the app through the package's
// "exports" map. Results go into the DOM as text; the test reads them there and clicks the
// dialog. `?server=<url>` names the MCP server.
import init, { McpClient } from "mcp-web-client";

const show = (id, text) => {
  document.getElementById(id).textContent = text;
};
const texts = (result) => result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n");

async function main() {
  show("status", "initialising");
  await init();

  const server = new URLSearchParams(location.search).get("server");
  if (!server) {
    show("status", "no ?server= given");
    return;
  }
  show("status", "connecting");
  const client = await McpClient.connect(server, {
    clientInfo: { name: "vite-app", version: "1.0.0" },
    elicitationUi: "dialog",
  });
  try {
    show("server", client.serverInfo.name);
    show("protocol", client.protocolVersion);
    const { tools } = await client.listTools();
    show("tools", tools.map((t) => t.name).join(" "));
    show("echo", texts(await client.callTool("echo", { message: "hello from vite" })));

    // The server asks for a form; the library shows its dialog; the test clicks Decline.
    show("status", "eliciting");
    show("elicitation", texts(await client.callTool("trigger-elicitation-request", {})));
  } finally {
    await client.close();
  }

  const dialog = await import("mcp-web-client/elicitation-dialog.js");
  const kind = typeof dialog.showElicitationDialog;
  show("dialog", kind === "function" ? "showElicitationDialog is a function" : `showElicitationDialog is ${kind}`);
  show("status", "done");
}

main().catch((err) => {
  show("error", `${err?.name ?? "Error"}: ${err?.message ?? err}${err?.code !== undefined ? ` (code ${err.code})` : ""}`);
  show("status", "failed");
});
