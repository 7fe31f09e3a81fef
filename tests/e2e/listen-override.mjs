// Preloaded (`node --import`) into test servers that hard-code their port.
// E2E_PORT_MAP = JSON {"<hard-coded port>": <port to use>}; a listen() on a numeric port without
// a host is bound to E2E_LISTEN_HOST (default 127.0.0.1). Every such server prints
// "E2E_LISTENING <port>" on stderr once it listens, which the harness waits for.
import net from "node:net";

const portMap = JSON.parse(process.env.E2E_PORT_MAP || "{}");
const host = process.env.E2E_LISTEN_HOST || "127.0.0.1";
const originalListen = net.Server.prototype.listen;

function announce(server) {
  server.once("listening", () => {
    const addr = server.address();
    if (addr && typeof addr === "object") process.stderr.write(`E2E_LISTENING ${addr.port}\n`);
  });
}

net.Server.prototype.listen = function listen(...args) {
  const first = args[0];
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    const port = Number(first);
    args[0] = portMap[port] !== undefined ? Number(portMap[port]) : port;
    if (args.length === 1 || typeof args[1] === "function") args.splice(1, 0, host);
    else if (args[1] === undefined || args[1] === null) args[1] = host;
    announce(this);
  } else if (first && typeof first === "object" && !Array.isArray(first) && "port" in first) {
    const opts = { ...first };
    const port = Number(opts.port);
    if (portMap[port] !== undefined) opts.port = Number(portMap[port]);
    if (!opts.host) opts.host = host;
    args[0] = opts;
    announce(this);
  }
  return originalListen.apply(this, args);
};
