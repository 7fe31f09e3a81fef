// The official TypeScript SDK 1.x: the client and the Streamable HTTP transport, nothing else.
export { Client } from "@modelcontextprotocol/sdk/client/index.js";
export { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
