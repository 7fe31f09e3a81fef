// The library's own OAuth against a server and an authorization server we did not write: the
// SDK's `simpleStreamableHttp --oauth --oauth-strict` example (@modelcontextprotocol/sdk 1.x),
// whose demo authorization server (`demoInMemoryOAuthProvider.js`, on MCP_AUTH_PORT) offers
// dynamic registration, approves /authorize without a login form, checks PKCE S256 and, strict,
// that `resource` is exactly the MCP server's URL; the MCP server checks every token by
// introspection. Built package, headless Chromium, popup blocker on: the app's code runs through
// CDP without a user gesture and only page.click (trusted input) can open the popup.
//
// Then what that authorization server never does, from a fixture of ours
// (fixtures/oauth-fault-server.mjs): garbage and unusable token answers, a server that refuses
// every token, a refresh that fails. Each is a typed error or one more sign-in, never a loop.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { EXPIRING_S, NONCE_EVERY, OAUTH_FAULTS, startOAuthFaultServer } from "./fixtures/oauth-fault-server.mjs";
import { CLIENT_PAGE, OAUTH_CALLBACK_PAGE, assertSignedInAgain, bearerOf, launchBrowser, openOAuthApp, sleep, startOAuthConnect, startSdkExample, startStatic, waitFor } from "./harness.mjs";

const T = { timeout: 60_000 };
const CODE = { popupBlocked: -33011, authorizationRequired: -33020, callback: -33024, token: -33025 };

let server; // proxied, and told the proxy's port: the resource it names is the URL we connect to
let web;
let browser;

// The app's page and its connect() with auth: harness.mjs (openOAuthApp, startOAuthConnect).
const openApp = (t, target = server, context = undefined) => openOAuthApp(t, browser, web.origin, target, context);
const startConnect = startOAuthConnect;

/**
 * In the page, the raw IndexedDB under encryptedStore(), read and written with indexedDB itself:
 * `idb(s, "dump", database)` is every record of every object store as plain data (bytes as
 * { bytes: [..] }, a CryptoKey as { cryptoKey: its properties }, null when there is no such
 * database); `idb(s, "put", { database, store, key, value })` writes a dumped value back
 * (bytes as Uint8Array); `idb(s, "exportKey", database)` tries crypto.subtle.exportKey on the
 * stored key in "raw" and "jwk".
 */
async function idb(s, method, arg) {
  await s.run(() => {
    const request = (r) => new Promise((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const open = async (name) => (await indexedDB.databases()).some((d) => d.name === name) ? request(indexedDB.open(name)) : null;
    const plain = (v) =>
      v instanceof CryptoKey ? { cryptoKey: { type: v.type, extractable: v.extractable, algorithm: { ...v.algorithm }, usages: v.usages } }
      : v instanceof ArrayBuffer ? { bytes: [...new Uint8Array(v)] }
      : ArrayBuffer.isView(v) ? { bytes: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] }
      : Array.isArray(v) ? v.map(plain)
      : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
      : v;
    const unplain = (v) =>
      Array.isArray(v?.bytes) ? new Uint8Array(v.bytes)
      : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unplain(x)]))
      : v;
    window.idb ??= {
      async dump(name) {
        const db = await open(name);
        if (!db) return null;
        const out = {};
        for (const store of db.objectStoreNames) {
          const os = db.transaction(store).objectStore(store);
          const [keys, values] = await Promise.all([request(os.getAllKeys()), request(os.getAll())]);
          out[store] = keys.map((key, i) => ({ key, value: plain(values[i]) }));
        }
        db.close();
        return out;
      },
      async put({ database, store, key, value }) {
        const db = await open(database);
        const tx = db.transaction(store, "readwrite");
        tx.objectStore(store).put(unplain(value), key);
        await new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onabort = () => reject(tx.error))));
        db.close();
        return true;
      },
      async exportKey(name) {
        const db = await open(name);
        const key = await request(db.transaction("keys").objectStore("keys").get("aes-gcm"));
        db.close();
        return Promise.all(["raw", "jwk"].map((format) => e2e.settle(crypto.subtle.exportKey(format, key))));
      },
    };
    return true;
  });
  return s.run(({ method, arg }) => idb[method](arg), { method, arg });
}

/** Whether `token` is in `found` (plain data from the page) as text, base64, base64url or hex,
 *  in any string of it or in any of its byte arrays read as Latin-1 or UTF-16. */
function readable(found, token) {
  const raw = Buffer.from(token);
  const forms = [token, raw.toString("base64"), raw.toString("base64url"), raw.toString("hex"), raw.toString("hex").toUpperCase()];
  const texts = [];
  (function walk(v) {
    if (typeof v === "string") texts.push(v);
    else if (Array.isArray(v?.bytes)) texts.push(Buffer.from(v.bytes).toString("latin1"), Buffer.from(v.bytes).toString("utf16le"), Buffer.from(v.bytes.slice(1)).toString("utf16le"));
    else if (v && typeof v === "object") Object.entries(v).forEach(([k, x]) => (walk(k), walk(x)));
  })(found);
  return texts.some((text) => forms.some((form) => text.includes(form)));
}

before(async () => {
  web = await startStatic();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await web?.stop();
});

describe("SDK example: simpleStreamableHttp --oauth --oauth-strict (the library's OAuth)", () => {
  before(async () => {
    server = await startSdkExample("simpleStreamableHttp.js", ["--oauth", "--oauth-strict"], { asProxy: true });
    await waitFor(() => server.output().includes(`OAuth Authorization Server listening on port ${server.authPort}`), {
      timeoutMs: 10000,
      what: "the demo authorization server",
    });
  });
  after(() => server?.stop());

  test("connect: 401, discovery, dynamic registration, one click, the code exchanged; tools work with the token", T, async (t) => {
    const s = await openApp(t);
    const first = server.requests.length;
    await startConnect(s);
    await s.button(1);
    const asked = await s.run(() => auth.asked);
    assert.equal(asked.length, 1);
    assert.equal(asked[0].issuer, `http://localhost:${server.authPort}/`);
    assert.deepEqual(asked[0].scopes, ["mcp:tools"], "the scope comes from the resource's scopes_supported");
    assert.equal(asked[0].server.url, server.url);

    const popup = await s.signIn(1);
    const connected = await s.run(() => auth.client);
    assert.ok(connected.ok, `connect: ${JSON.stringify(connected.error)}\n${s.diag()}`);
    assert.equal(connected.value.protocolVersion, "2025-11-25");
    assert.equal(connected.value.serverInfo.name, "simple-streamable-http-server");
    await waitFor(() => popup.isClosed(), { timeoutMs: 5000, what: "the library to close the popup" });
    assert.deepEqual((await s.run(() => Promise.all(auth.opens))).map((o) => o.ok), [true], "req.open() resolves once authorized");

    const greeted = await s.run(() => e2e.settle(client.callTool("greet", { name: "OAuth" })));
    assert.ok(greeted.ok, JSON.stringify(greeted.error));
    assert.equal(greeted.value.content[0].text, "Hello, OAuth!");

    // The OAuth module was fetched for this connect, by the page that passed `auth`; the bundled
    // build (E2E_PACKAGE=/pkg/full/…) has OAuth inside and fetches no second module.
    const modules = await s.run(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).filter((p) => p.endsWith(".wasm")));
    const expected = process.env.E2E_PACKAGE
      ? [new URL(process.env.E2E_PACKAGE.replace(/\.js$/, "_bg.wasm"), "http://x").pathname]
      : ["/pkg/mcp_web_client_bg.wasm", "/pkg/oauth/mcp_web_client_oauth_bg.wasm"];
    assert.deepEqual(modules, expected);

    // On the wire: the first request went out without a token and got the 401; every request
    // after the authorization carried one token, which the server's introspection accepted.
    const mine = server.requests.slice(first).filter((r) => r.method !== "OPTIONS");
    assert.equal(mine[0].status, 401, s.diag());
    assert.equal(bearerOf(mine[0]), undefined);
    const signed = mine.filter((r) => r.url.startsWith("/mcp") && bearerOf(r));
    assert.ok(signed.length >= 2, s.diag());
    assert.equal(new Set(signed.map(bearerOf)).size, 1, "one token for the session");
    // The one refusal is the 2026-07-28 probe (server/discover), which this 2025-11-25 server
    // answers 400 before the client falls back to initialize.
    const refused = signed.filter((r) => r.status >= 300);
    assert.deepEqual(refused.map((r) => [r.status, r.json()?.method]), [[400, "server/discover"]], s.diag());
    await s.run(() => client.close());
  });

  test("signOut(): the next request meets the 401, asks the user again, and is sent again with a new token", T, async (t) => {
    const s = await openApp(t);
    await startConnect(s);
    await s.signIn(1);
    const connected = await s.run(() => auth.client);
    assert.ok(connected.ok, `connect: ${JSON.stringify(connected.error)}\n${s.diag()}`);
    const before = server.requests.length;
    const oldToken = bearerOf(server.requests.filter((r) => bearerOf(r)).at(-1));

    // The server forgets nothing, so make it refuse: sign out drops our token, and the next
    // request goes without one.
    await s.run(() => {
      client.signOut();
      window.listed = e2e.settle(client.listTools());
      return true;
    });
    await s.signIn(2);
    const listed = await s.run(() => window.listed);
    assert.ok(listed.ok, `${JSON.stringify(listed.error)}\n${s.diag()}`);
    assert.ok(listed.value.tools.some((tool) => tool.name === "greet"));
    assert.equal(await s.run(() => auth.asked.length), 2);

    assertSignedInAgain(s, before, oldToken);
    await s.run(() => client.close());
  });

  test("hostile: forged callbacks (wrong state, other window, BroadcastChannel from another tab) change nothing; a blocked popup is -33011 and the click still works", T, async (t) => {
    const s = await openApp(t);
    await startConnect(s, { openAtOnce: true });
    await s.button(1);

    // Without a click the popup blocker refuses: a typed error, and the request stays usable.
    const blocked = await s.run(() => auth.immediate);
    assert.equal(blocked.ok, false, JSON.stringify(blocked));
    assert.equal(blocked.error.code, CODE.popupBlocked, JSON.stringify(blocked.error));

    // Forgeries: the page itself (not the popup) posts a callback URL, and another tab of the
    // same origin sends one on the channel, with a made-up code and state.
    const forged = `${web.origin}${OAUTH_CALLBACK_PAGE}?code=forged&state=forged`;
    await s.run((url) => {
      window.postMessage({ type: "mcp:oauth-callback", url }, location.origin);
      return true;
    }, forged);
    const other = await s.page.context().newPage();
    await other.goto(`${web.origin}/tests/e2e/pages/blank.html`);
    await other.evaluate((url) => {
      const ch = new BroadcastChannel("mcp:oauth");
      ch.postMessage({ type: "mcp:oauth-callback", url });
      ch.close();
    }, forged);
    await sleep(300);
    assert.equal((await s.run(() => e2e.settle(Promise.race([auth.client, new Promise((r) => setTimeout(() => r("pending"), 50))])))).value, "pending");

    // The real flow is untouched by them.
    await s.signIn(1);
    const connected = await s.run(() => auth.client);
    assert.ok(connected.ok, `connect: ${JSON.stringify(connected.error)}\n${s.diag()}`);
    assert.equal(await s.run(() => auth.asked.length), 1);
    const called = await s.run(() => e2e.settle(client.callTool("greet", { name: "again" })));
    assert.ok(called.ok, JSON.stringify(called.error));
    await other.close();
    await s.run(() => client.close());
  });
});

// What the SDK's authorization server never does: garbage from the token endpoint, a server
// that refuses every token, a refresh that fails. Each ends in a typed error or a fresh sign-in,
// never a loop, and the same page then connects to a server that works.
describe("OAuth faults (fixture): typed errors, bounded retries, the page stays usable", () => {
  const faults = {};
  before(async () => {
    for (const fault of OAUTH_FAULTS) faults[fault] = await startOAuthFaultServer({ fault });
  });
  after(() => Promise.all(Object.values(faults).map((f) => f.stop())));

  const tokenRequests = (f) => f.requests.filter((r) => r.method === "POST" && r.url === "/token").map((r) => new URLSearchParams(r.body).get("grant_type"));

  /** connect() to the working server from the same page: one more sign-in, then a call. */
  async function stillUsable(s) {
    await startConnect(s, { url: faults.none.url });
    await s.signIn(1);
    const connected = await s.run(() => auth.client);
    assert.ok(connected.ok, `connect to the working server: ${JSON.stringify(connected.error)}`);
    const echoed = await s.run(() => e2e.settle(client.callTool("echo", { text: "still here" })));
    assert.equal(echoed.value?.content?.[0]?.text, "echo: still here", JSON.stringify(echoed));
    await s.run(() => client.close());
  }

  /** A fresh page of the app signed in once to the working server with `storage`; `key` is
   *  where the library keeps the grant. */
  async function signedIn(t, storage) {
    const f = faults.none;
    const s = await openApp(t, f);
    await startConnect(s, { storage });
    await s.signIn(1);
    assert.ok((await s.run(() => auth.client)).ok, s.diag());
    return { f, s, key: `mcp-web-client:oauth:${f.url}` };
  }

  /** Reloads the page and connects again with `storage`: the user is not asked, no token is
   *  requested, and a call goes out with the kept `accessToken`. */
  async function reconnectAfterReload(s, storage, accessToken) {
    const f = s.target;
    const exchanges = tokenRequests(f).length;
    await s.page.reload();
    await s.ready();
    await startConnect(s, { storage });
    const again = await s.run(() => auth.client);
    assert.ok(again.ok, `${JSON.stringify(again.error)}\n${s.diag()}`);
    assert.equal(await s.run(() => auth.asked.length), 0, "the user was asked again");
    assert.equal(tokenRequests(f).length, exchanges, "a new token was asked for");
    const echoed = await s.run(() => e2e.settle(client.callTool("echo", { text: "kept" })));
    assert.equal(echoed.value?.content?.[0]?.text, "echo: kept", JSON.stringify(echoed));
    assert.equal(bearerOf(f.requests.filter((r) => r.method === "POST").at(-1)), accessToken);
  }

  for (const [fault, why] of [["token-garbage", /not a JSON object/], ["token-unusable", /unusable token/]]) {
    test(`${fault}: connect() rejects with -33025 naming the problem; nothing is retried`, T, async (t) => {
      const f = faults[fault];
      const s = await openApp(t, f);
      await startConnect(s);
      await s.signIn(1);
      const connected = await s.run(() => auth.client);
      assert.equal(connected.ok, false, s.diag());
      assert.equal(connected.error.code, CODE.token, JSON.stringify(connected.error));
      assert.match(connected.error.message, why);
      assert.deepEqual(tokenRequests(f), ["authorization_code"], "one code, one exchange");
      assert.equal(await s.run(() => auth.asked.length), 1, "the user was asked once");
      await stillUsable(s);
    });
  }

  test("dpop: a proof at the token endpoint and on every MCP request, both servers' nonces honoured, a replayed token refused; the grant is not stored", T, async (t) => {
    const f = faults.dpop;
    const s = await openApp(t, f);
    const first = f.requests.length;
    await startConnect(s, { storage: "session" });
    await s.signIn(1);
    const connected = await s.run(() => auth.client);
    assert.ok(connected.ok, `${JSON.stringify(connected.error)}\n${s.diag()}`);
    // Enough calls for the resource server to rotate its nonce twice.
    for (let i = 0; i < 2 * NONCE_EVERY; i++) {
      const echoed = await s.run((i) => e2e.settle(client.callTool("echo", { text: `call ${i}` })), i);
      assert.equal(echoed.value?.content?.[0]?.text, `echo: call ${i}`, JSON.stringify(echoed));
    }
    const seen = f.requests.slice(first);
    const exchanges = seen.filter((r) => r.method === "POST" && r.url === "/token").map((r) => [r.dpop, r.status]);
    assert.deepEqual(exchanges, [["nonce", 400], ["ok", 200]], "the AS's nonce: asked for once, then used");
    const presented = seen.filter((r) => r.url === "/mcp" && r.method === "POST" && r.headers.authorization);
    assert.ok(presented.every((r) => r.headers.authorization.startsWith("DPoP ")), "the token was presented as Bearer");
    const verdicts = presented.map((r) => r.dpop);
    // Each new nonce costs one refused request, whose answer carries it; the retry passes.
    assert.ok(verdicts.every((v, i) => v === "ok" || (v === "nonce" && verdicts[i + 1] === "ok")), verdicts.join(" "));
    assert.ok(verdicts.filter((v) => v === "nonce").length >= 3, `nonce refusals: ${verdicts.join(" ")}`);
    assert.equal(await s.run((k) => sessionStorage.getItem(k), `mcp-web-client:oauth:${f.url}`), null, "a DPoP-bound grant was stored");

    // The token alone is useless: as Bearer, as DPoP without a proof, or with a proof already used.
    const last = presented.at(-1).headers;
    for (const headers of [{ authorization: last.authorization.replace("DPoP", "Bearer") }, { authorization: last.authorization }, { authorization: last.authorization, dpop: last.dpop }]) {
      const r = await fetch(f.url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
      assert.equal(r.status, 401, JSON.stringify(Object.keys(headers)));
    }
    await s.run(() => client.close());
  });

  test("mode \"redirect\": the click sends the page to the authorization server and back; completeAuthorization() exchanges the code once; connect() then goes on without asking", T, async (t) => {
    const f = faults.none;
    const s = await openApp(t, f);
    const back = `${web.origin}${CLIENT_PAGE}?signed-in`;
    // The same auth options on both pages (source text, evaluated in the page: a function cannot
    // travel as an argument); onAuthorization adds the sign-in button.
    const auth = `({ redirectUri: ${JSON.stringify(back)}, mode: "redirect", storage: "session", onAuthorization(req) {
      (window.asked ??= []).push(req.issuer);
      const b = document.createElement("button");
      b.id = "authorize-" + window.asked.length;
      b.onclick = () => req.open();
      document.body.append(b);
    } })`;
    const unstored = await s.run(({ a, url }) => e2e.settle(McpClient.connect(url, { auth: { ...eval(a), storage: undefined } })), { a: auth, url: f.url });
    assert.match(unstored.error?.message ?? "", /needs auth\.storage/, JSON.stringify(unstored));
    const exchanges = tokenRequests(f).length;
    await s.run(({ a, url }) => (McpClient.connect(url, { auth: eval(a) }), true), { a: auth, url: f.url });
    await s.button(1);
    const returned = s.page.waitForURL((u) => u.searchParams.has("code"), { timeout: 10000 });
    await s.page.click("#authorize-1");
    await returned;
    await s.ready();
    const pending = () => s.run(() => Object.keys(sessionStorage).filter((k) => k.startsWith("mcp-web-client:oauth-pending:")).length);
    assert.equal(await pending(), 1, "the flow waits in sessionStorage");

    const complete = () => s.run((a) => e2e.settle(McpClient.completeAuthorization(eval(a))), auth);
    const done = await complete();
    assert.deepEqual(done.value, { serverUrl: f.url }, JSON.stringify(done.error));
    assert.equal(await pending(), 0, "the flow is taken once");
    const again = await complete();
    assert.equal(again.error?.code, CODE.callback, `the same callback twice: ${JSON.stringify(again)}`);
    const forged = await s.run((a) => e2e.settle(McpClient.completeAuthorization(eval(a), location.href.replace(/state=[^&]+/, "state=forged"))), auth);
    assert.equal(forged.error?.code, CODE.callback, JSON.stringify(forged));
    assert.deepEqual(tokenRequests(f).slice(exchanges), ["authorization_code"], "one exchange");

    const called = await s.run(({ a, url }) => e2e.settle(McpClient.connect(url, { auth: eval(a) }).then((c) => c.callTool("echo", { text: "back" }))), { a: auth, url: f.url });
    assert.equal(called.value?.content?.[0]?.text, "echo: back", `${JSON.stringify(called.error)}\n${s.diag()}`);
    assert.equal(await s.run(() => window.asked?.length ?? 0), 0, "asked again after the return");
    // Popup mode's callback page is not needed: nothing but the app's page was loaded on return.
    assert.equal(s.page.context().pages().length, 1);
  });

  test("elicitationUi \"dialog\" without onAuthorization: the library's dialog names the issuer; Cancel is -33023; Sign in (a real click) connects and the dialog closes", T, async (t) => {
    const f = faults.none;
    const s = await openApp(t, f);
    const connect = () => s.run(({ url, redirectUri }) => {
      window.connected = e2e.settle(McpClient.connect(url, { elicitationUi: "dialog", auth: { redirectUri } }).then((c) => ((window.client = c), true)));
      return true;
    }, { url: f.url, redirectUri: web.origin + OAUTH_CALLBACK_PAGE });
    const dialogText = () => waitFor(() => s.run(() => document.querySelector("dialog.mcp-dialog[open]")?.textContent ?? null), { timeoutMs: 15000, what: "the authorization dialog" });

    await connect();
    const text = await dialogText();
    assert.match(text, /Sign in to continue/);
    assert.ok(text.includes(new URL(f.origin).host), `the issuer's host: ${text}`);
    assert.match(text, /mcp/, "the scope asked for");
    await s.page.click("dialog.mcp-dialog button:text-is('Cancel')");
    const cancelled = await s.run(() => window.connected);
    assert.equal(cancelled.error?.code, -33023, JSON.stringify(cancelled));

    await connect();
    await dialogText();
    const popup = s.page.waitForEvent("popup", { timeout: 10000 });
    await s.page.click("dialog.mcp-dialog button:text-is('Sign in')");
    await popup;
    const connected = await s.run(() => window.connected);
    assert.ok(connected.ok, `${JSON.stringify(connected.error)}\n${s.diag()}`);
    await waitFor(() => s.run(() => document.querySelector("dialog.mcp-dialog") === null), { timeoutMs: 5000, what: "the dialog to close" });
    const echoed = await s.run(() => e2e.settle(client.callTool("echo", { text: "via the dialog" })));
    assert.equal(echoed.value?.content?.[0]?.text, "echo: via the dialog");
    await s.run(() => client.close());
  });

  test("always-401: a server that refuses every token is -33020 after one authorization, not a loop", T, async (t) => {
    const f = faults["always-401"];
    const s = await openApp(t, f);
    await startConnect(s);
    await s.signIn(1);
    const connected = await waitFor(async () => {
      const r = await s.run(() => e2e.settle(Promise.race([auth.client, new Promise((r) => setTimeout(() => r("pending"), 20))])));
      return r.value === "pending" ? null : r.value;
    }, { timeoutMs: 15000, what: "connect() to settle" }).catch(async (e) => {
      // A second sign-in button means the client asked again: say so rather than time out.
      throw new Error(`${e.message}; asked ${await s.run(() => auth.asked.length)} times\n${s.diag()}`);
    });
    assert.equal(connected.ok, false, s.diag());
    assert.equal(connected.error.code, CODE.authorizationRequired, JSON.stringify(connected.error));
    assert.equal(connected.error.data?.status, 401, JSON.stringify(connected.error));
    assert.deepEqual(tokenRequests(f), ["authorization_code"]);
    const signed = f.requests.filter((r) => r.url === "/mcp" && r.method === "POST" && bearerOf(r));
    assert.ok(signed.length >= 1 && signed.length <= 2, `requests with the token: ${signed.length}\n${s.diag()}`);
    assert.equal(await s.run(() => auth.asked.length), 1);
    await stillUsable(s);
  });

  test("storage \"session\": after a reload connect() signs in without asking; signOut() deletes the grant; a grant for another server is ignored", T, async (t) => {
    const { f, s, key } = await signedIn(t, "session");
    const kept = JSON.parse(await s.run((k) => sessionStorage.getItem(k), key));
    assert.equal(kept.resource, f.url);
    assert.ok(kept.access_token && kept.client_id, JSON.stringify(kept));
    await s.run(() => client.close());
    await reconnectAfterReload(s, "session", kept.access_token);

    await s.run(() => client.signOut());
    await waitFor(() => s.run((k) => sessionStorage.getItem(k) === null, key), { timeoutMs: 5000, what: "signOut to delete the grant" });
    await s.run(() => client.close());

    // A grant whose resource is another server, under this server's key: not used, not sent.
    await s.run(({ k, v }) => (sessionStorage.setItem(k, v), true), { k: key, v: JSON.stringify({ ...kept, resource: faults["always-401"].url }) });
    const before = f.requests.length;
    await startConnect(s, { storage: "session" });
    await s.button(1);
    assert.ok(f.requests.slice(before).every((r) => bearerOf(r) !== kept.access_token), "the foreign grant's token was sent");
    await s.signIn(1);
    assert.ok((await s.run(() => auth.client)).ok, s.diag());
    await s.run(() => client.close());
  });

  test("storage: the app's own { get, set, delete } keeps the grant for the next connect(), and signOut() deletes it", T, async (t) => {
    const { f, s, key } = await signedIn(t, "custom");
    assert.deepEqual(await s.run(() => store.calls), [["get", key], ["set", key]]);
    assert.equal(JSON.parse(await s.run((k) => store.data.get(k), key)).resource, f.url);
    await s.run(() => client.close());

    await startConnect(s, { storage: "custom" });
    assert.ok((await s.run(() => auth.client)).ok, s.diag());
    assert.equal(await s.run(() => auth.asked.length), 0, "the user was asked again");
    await s.run(() => client.signOut());
    await waitFor(() => s.run(() => store.calls.at(-1)?.[0] === "delete"), { timeoutMs: 5000, what: "the store's delete" });
    assert.deepEqual(await s.run(() => store.calls.slice(2)), [["get", key], ["delete", key]]);
    await s.run(() => client.close());

    // A store without all three methods, or an unknown name, is refused before anything is sent.
    const before = f.requests.length;
    for (const storage of [{ get() {} }, "local"]) {
      const bad = await s.run(({ url, storage }) => e2e.settle(McpClient.connect(url, { auth: { redirectUri: location.href, onAuthorization() {}, storage } })), { url: f.url, storage });
      assert.equal(bad.ok, false, JSON.stringify(storage));
      assert.match(bad.error.message, /auth\.storage must be "memory", "session" or an object with get, set and delete/);
    }
    assert.equal(f.requests.length, before);
  });

  test("storage encryptedStore(): the grant survives a reload AES-GCM-encrypted in IndexedDB under a key the page cannot export; another tab reads it; signOut() deletes it", T, async (t) => {
    const { f, s, key } = await signedIn(t, "encrypted");
    await s.run(() => client.close());
    const issued = f.issued.at(-1);
    assert.ok(issued.access_token && issued.refresh_token, JSON.stringify(issued));

    // The store gives back the library's grant (which the search below would find)...
    const kept = await s.run((k) => store.get(k), key);
    assert.equal(JSON.parse(kept).access_token, issued.access_token);
    assert.equal(JSON.parse(kept).refresh_token, issued.refresh_token);
    assert.ok(readable(kept, issued.access_token) && readable(kept, issued.refresh_token));
    // ...while IndexedDB holds a ciphertext (the text plus GCM's 16-byte tag, a 96-bit IV) and
    // a key, and neither token in any form.
    const raw = await idb(s, "dump", "mcp-web-client");
    assert.deepEqual(raw.values.map((r) => r.key), [key]);
    const { iv, ciphertext } = raw.values[0].value;
    assert.equal(iv.bytes.length, 12);
    assert.equal(ciphertext.bytes.length, Buffer.byteLength(kept) + 16);
    assert.equal(readable(raw, issued.access_token), false, "the access token is readable in IndexedDB");
    assert.equal(readable(raw, issued.refresh_token), false, "the refresh token is readable in IndexedDB");
    assert.deepEqual(raw.keys, [{ key: "aes-gcm", value: { cryptoKey: { type: "secret", extractable: false, algorithm: { name: "AES-GCM", length: 256 }, usages: ["encrypt", "decrypt"] } } }]);
    const exported = await idb(s, "exportKey", "mcp-web-client");
    assert.deepEqual(exported.map((e) => [e.ok, e.error?.name]), [[false, "InvalidAccessError"], [false, "InvalidAccessError"]], JSON.stringify(exported));

    await reconnectAfterReload(s, "encrypted", issued.access_token);

    // Another tab of the origin: the same database, the same key.
    const other = await s.page.context().newPage();
    t.after(() => other.close().catch(() => {}));
    await other.goto(web.origin + CLIENT_PAGE);
    assert.equal(await other.evaluate(async (k) => (await import("/pkg/encrypted-store.js")).encryptedStore().get(k), key), kept);

    await s.run(() => client.signOut());
    await waitFor(async () => (await idb(s, "dump", "mcp-web-client")).values.length === 0, { timeoutMs: 5000, what: "signOut to delete the record" });
    assert.equal(await s.run((k) => store.get(k).then((v) => v === undefined), key), true);
    await s.run(() => client.close());
  });

  test("storage encryptedStore(): a tampered ciphertext, or one copied under another key name, does not decrypt; the user signs in again", T, async (t) => {
    const { f, s, key } = await signedIn(t, "encrypted");
    const elsewhere = `mcp-web-client:oauth:${faults["always-401"].url}`;
    await s.run(() => client.close());
    const get = (k) => s.run((k) => store.get(k).then((v) => v ?? "(undefined)"), k);
    const put = (k, value) => idb(s, "put", { database: "mcp-web-client", store: "values", key: k, value });
    const record = async (k) => (await idb(s, "dump", "mcp-web-client")).values.find((r) => r.key === k)?.value;
    const stored = await record(key);
    assert.equal(JSON.parse(await get(key)).access_token, f.issued.at(-1).access_token);

    // The same bytes under another server's key name: the additional data differs.
    await put(elsewhere, stored);
    assert.deepEqual(await record(elsewhere), stored);
    assert.equal(await get(elsewhere), "(undefined)");
    // Missing, not a record, another database (another key): nothing.
    assert.equal(await get("mcp-web-client:oauth:http://127.0.0.1:1/mcp"), "(undefined)");
    await put(elsewhere, "not a record");
    assert.equal(await get(elsewhere), "(undefined)");
    assert.equal(await s.run((k) => import("/pkg/encrypted-store.js").then((m) => m.encryptedStore({ database: "elsewhere" }).get(k)).then((v) => v ?? "(undefined)"), key), "(undefined)");
    // Every write has its own IV, even for the same text.
    await s.run(async () => (await store.set("probe", "same"), await store.set("probe2", "same"), true));
    const probes = (await idb(s, "dump", "mcp-web-client")).values.filter((r) => r.key.startsWith("probe")).map((r) => r.value);
    assert.equal(probes.length, 2);
    assert.notDeepEqual(probes[0].iv, probes[1].iv);
    assert.notDeepEqual(probes[0].ciphertext, probes[1].ciphertext);

    // One bit flipped in the ciphertext: the library is told there is nothing and asks the user.
    const bytes = [...stored.ciphertext.bytes];
    bytes[Math.floor(bytes.length / 2)] ^= 1;
    await put(key, { ...stored, ciphertext: { bytes } });
    assert.equal(await get(key), "(undefined)");
    const before = f.requests.length;
    const exchanges = tokenRequests(f).length;
    await startConnect(s, { storage: "encrypted" });
    await s.signIn(1);
    const connected = await s.run(() => auth.client);
    assert.ok(connected.ok, `${JSON.stringify(connected.error)}\n${s.diag()}`);
    assert.equal(await s.run(() => auth.asked.length), 1);
    const sent = f.requests.slice(before).filter((r) => r.method === "POST" && r.url === "/mcp");
    assert.equal(sent[0].status, 401, s.diag());
    assert.equal(bearerOf(sent[0]), undefined, "a token was sent before the new sign-in");
    assert.deepEqual(tokenRequests(f).slice(exchanges), ["authorization_code"]);
    // The new grant replaced the tampered record.
    assert.equal(JSON.parse(await get(key)).access_token, f.issued.at(-1).access_token);
    const echoed = await s.run(() => e2e.settle(client.callTool("echo", { text: "signed in again" })));
    assert.equal(echoed.value?.content?.[0]?.text, "echo: signed in again", JSON.stringify(echoed));
    await s.run(() => client.close());
  });

  test("storage encryptedStore(): in an app's database of the same name it adds its stores; an upgrade blocked by the app's open connection rejects, so the user signs in, and it works once that closes", T, async (t) => {
    const f = faults.none;
    const key = `mcp-web-client:oauth:${f.url}`;
    const s = await openApp(t, f);
    // The app's own "app-db" (version 1, one store), held open without a versionchange handler.
    await s.run(async () => {
      window.held = await new Promise((resolve, reject) => {
        const r = indexedDB.open("app-db", 1);
        r.onupgradeneeded = () => r.result.createObjectStore("app");
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      window.store = (await import("/pkg/encrypted-store.js")).encryptedStore({ database: "app-db" });
      return true;
    });
    const blocked = await s.run(() => e2e.settle(store.get("k")));
    assert.equal(blocked.ok, false, JSON.stringify(blocked));
    assert.match(blocked.error.message, /blocked/);

    // A store that rejects counts as empty: the user signs in, and the connection works.
    await startConnect(s, { storage: "encrypted" });
    await s.signIn(1);
    assert.ok((await s.run(() => auth.client)).ok, s.diag());
    const echoed = await s.run(() => e2e.settle(client.callTool("echo", { text: "unstored" })));
    assert.equal(echoed.value?.content?.[0]?.text, "echo: unstored", JSON.stringify(echoed));
    await s.run(() => client.close());

    // Once the app closes its connection the upgrade goes through, beside the app's store.
    await s.run(() => (held.close(), true));
    await waitFor(() => s.run(() => store.get("k").then(() => true, () => false)), { timeoutMs: 5000, what: "the upgrade to complete" });
    assert.equal(await s.run((k) => store.get(k).then((v) => v ?? "(undefined)"), key), "(undefined)", "the grant was written while blocked");
    assert.equal(await s.run(async () => (await store.set("k", "v"), store.get("k"))), "v");
    const raw = await idb(s, "dump", "app-db");
    assert.deepEqual(Object.keys(raw).sort(), ["app", "keys", "values"]);
    assert.deepEqual(raw.values.map((r) => r.key), ["k"]);
  });

  test("refresh-fails: a failed refresh is tried once before expiry, once at the 401, then the user is asked; the call goes through", T, async (t) => {
    const f = faults["refresh-fails"];
    const s = await openApp(t, f);
    await startConnect(s);
    await s.signIn(1);
    const connected = await s.run(() => auth.client);
    assert.ok(connected.ok, `connect: ${JSON.stringify(connected.error)}\n${s.diag()}`);
    const list = () => s.run(() => e2e.settle(client.listTools()));
    // The token expires inside the 30 s margin: the next request tries a refresh, which fails;
    // the token still works, and the requests after that do not hammer the token endpoint.
    for (let i = 0; i < 3; i++) assert.ok((await list()).ok, s.diag());
    assert.deepEqual(tokenRequests(f), ["authorization_code", "refresh_token"], s.diag());
    assert.equal(await s.run(() => auth.asked.length), 1);

    // Expired: the server's 401 tries the refresh once more, then asks the user.
    await sleep(EXPIRING_S * 1000 + 200);
    await s.run(() => {
      window.listed = e2e.settle(client.listTools());
      return true;
    });
    await s.signIn(2);
    const listed = await s.run(() => window.listed);
    assert.ok(listed.ok, `${JSON.stringify(listed.error)}\n${s.diag()}`);
    assert.deepEqual(listed.value.tools.map((tool) => tool.name), ["echo"]);
    // (The new grant expires as soon, so its own first refresh may follow.)
    assert.deepEqual(tokenRequests(f).slice(0, 4), ["authorization_code", "refresh_token", "refresh_token", "authorization_code"]);
    const refresh = f.requests.find((r) => r.url === "/token" && new URLSearchParams(r.body).get("grant_type") === "refresh_token");
    assert.equal(new URLSearchParams(refresh.body).get("resource"), f.url, "the refresh names the resource");
    await s.run(() => client.close());
  });

  test("refresh-rotates: two tabs sharing a store refresh one at a time (Web Locks): one refresh a round, the other tab takes the new grant; nobody signs in again", T, async (t) => {
    const f = faults["refresh-rotates"];
    const a = await openApp(t, f);
    await startConnect(a, { storage: "local" });
    await a.signIn(1);
    assert.ok((await a.run(() => auth.client)).ok, a.diag());
    const b = await openApp(t, f, a.page.context());
    await startConnect(b, { storage: "local" });
    const connected = await b.run(() => auth.client);
    assert.ok(connected.ok, `${JSON.stringify(connected.error)}\n${b.diag()}`);
    assert.deepEqual(tokenRequests(f), ["authorization_code"], "the second tab took the stored grant as it is");
    // Both tabs hold the same grant; once it is inside the refresh margin, both want to refresh it.
    for (let round = 0; round < 2; round++) {
      await sleep(EXPIRING_S * 1000 + 200);
      const before = tokenRequests(f).length;
      const calls = await Promise.all([a, b].map((s) => s.run((r) => e2e.settle(client.callTool("echo", { text: `round ${r}` })), round)));
      for (const c of calls) assert.equal(c.value?.content?.[0]?.text, `echo: round ${round}`, JSON.stringify(c));
      assert.deepEqual(tokenRequests(f).slice(before), ["refresh_token"], `round ${round}\n${a.diag()}`);
    }
    assert.deepEqual(f.requests.filter((r) => r.url === "/token" && r.status !== 200).map((r) => r.body), [], "a refresh token was used twice");
    assert.deepEqual([await a.run(() => auth.asked.length), await b.run(() => auth.asked.length)], [1, 0]);
    await Promise.all([a, b].map((s) => s.run(() => client.close())));
  });
});
