// The official TypeScript SDK 2.x client package: the client and the Streamable HTTP transport.
export { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
