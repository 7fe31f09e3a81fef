// The browser APIs the OAuth code calls that are shorter in JS than through web-sys, in one
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
