// The smallest useful embedding: connect to a server and list its tools.
import init, { McpClient } from "/pkg/mcp_web_client.js";

const $ = (id) => document.getElementById(id);
$("url").value = new URLSearchParams(location.search).get("server") ?? "";
let client;

async function connect(url) {
  $("status").className = "";
  $("status").textContent = `Connecting to ${url}…`;
  $("tools").replaceChildren();
  try {
    await client?.close();
    client = await McpClient.connect(url, { clientInfo: { name: "mcp-web-client-demo", version: "0.1.0" } });
    const tools = await client.listAllTools();
    $("status").textContent =
      `Connected to ${client.serverInfo.name} ${client.serverInfo.version} (protocol ${client.protocolVersion}, ${client.transport}); ${tools.length} tools:`;
    for (const tool of tools) {
      const li = document.createElement("li");
      const name = document.createElement("code");
      name.textContent = tool.name; // server strings only ever go in as text
      li.append(name, ` ${tool.description ?? ""}`);
      $("tools").append(li);
    }
  } catch (e) {
    $("status").className = "error";
    $("status").textContent = `Error ${e.code ?? ""}: ${e.message}`;
  }
}

await init();
$("connect").addEventListener("submit", (e) => { e.preventDefault(); connect($("url").value); });
if ($("url").value) connect($("url").value);
