// The error class every rejection of the library uses: a real Error (stack, instanceof)
// carrying the JSON-RPC or library `code` and the server's `data`.
export class McpError extends Error {
  constructor(code, message, data) {
    super(message);
    this.name = "McpError";
    this.code = code;
    if (data !== undefined) this.data = data;
  }
}
