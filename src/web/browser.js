// The browser APIs that are shorter (or cheaper per call) in JS than through web-sys, in one
// snippet (one module the glue imports, not one per API).
//
// WebCrypto for DPoP (RFC 9449): an ECDSA P-256 key pair whose private key is not extractable,
// so a token bound to it is useless to whoever copies it out of the page.
export async function dpopKey() {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  return [pair.privateKey, jwk.x, jwk.y];
}

// The ES256 signature of a proof's signing input: r || s, as JWS wants it.
export async function dpopSign(key, input) {
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, new TextEncoder().encode(input));
  return new Uint8Array(signature);
}

// Web Locks: resolves, once this tab holds the lock `name`, with the function that releases it;
// its `waited` says whether another tab held the lock first. Where the API is missing (an old
// browser, an insecure context) it resolves at once: no lock.
export async function acquire(name) {
  const locks = globalThis.navigator?.locks;
  if (!locks) return () => {};
  const take = (options) => new Promise((held) => locks.request(name, options, (lock) => lock && new Promise((release) => held(release))).then(() => held(null)));
  const release = await take({ ifAvailable: true });
  if (release) return release;
  const waited = await take({});
  waited.waited = true;
  return waited;
}

// Calls `done(id, true, value)` or `done(id, false, error)` once `promise` settles: wasm awaits
// every promise through this one callback (see src/web/promise.rs).
export function whenSettled(promise, id, done) {
  promise.then((value) => done(id, true, value), (error) => done(id, false, error));
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

// A whole body as one string, read here rather than chunk by chunk through wasm (each chunk
// would cross the boundary twice): `null` past `limit` bytes (the read is cancelled), `false`
// when it is not UTF-8, "" when it holds only whitespace. Fetch errors reject.
export async function readText(response, limit) {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  let bytes = chunks[0] ?? new Uint8Array(0);
  if (chunks.length > 1) {
    bytes = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) bytes.set(c, (at += c.byteLength) - c.byteLength);
  }
  let text;
  try {
    text = utf8.decode(bytes);
  } catch {
    return false;
  }
  return /\S/.test(text) ? text : ""; // only whitespace: no message
}

// A response header, or null: one call from wasm instead of two (`headers`, then `get`).
export function header(response, name) {
  return response.headers.get(name);
}

// fetch() with the request's headers as one string, "name\nvalue\n…": one string crosses from
// wasm per request instead of two per header (the profile of a call put string decoding at a
// tenth of it). A header that Headers refuses throws a TypeError naming it, synchronously; the
// fetch itself (the app's, or the global one) only ever rejects.
export function send(custom, url, method, lines, body, signal) {
  const headers = new Headers();
  const parts = lines.split("\n");
  for (let i = 0; i + 1 < parts.length; i += 2) {
    try {
      headers.append(parts[i], parts[i + 1]);
    } catch {
      throw new TypeError(`header ${parts[i]} has a value that is not a valid HTTP header value`);
    }
  }
  const init = { method, headers };
  if (body !== undefined) init.body = body;
  if (signal) init.signal = signal;
  try {
    return Promise.resolve(custom ? custom(url, init) : fetch(url, init));
  } catch (e) {
    return Promise.reject(e);
  }
}
