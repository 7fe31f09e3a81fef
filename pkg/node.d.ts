// The Node.js entry (node.js) loads the module on import; its API is the web glue's.
export * from "./mcp_web_client.js";
export { default } from "./mcp_web_client.js";
