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
import { EXPIRING_S, OAUTH_FAULTS, startOAuthFaultServer } from "./fixtures/oauth-fault-server.mjs";
import { OAUTH_CALLBACK_PAGE, assertSignedInAgain, bearerOf, launchBrowser, openOAuthApp, sleep, startOAuthConnect, startSdkExample, startStatic, waitFor } from "./harness.mjs";

const T = { timeout: 60_000 };
const CODE = { popupBlocked: -33011, authorizationRequired: -33020, token: -33025 };

let server; // proxied, and told the proxy's port: the resource it names is the URL we connect to
let web;
let browser;

// The app's page and its connect() with auth: harness.mjs (openOAuthApp, startOAuthConnect).
const openApp = (t, target = server) => openOAuthApp(t, browser, web.origin, target);
const startConnect = startOAuthConnect;

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
    const f = faults.none;
    const key = `mcp-web-client:oauth:${f.url}`;
    const s = await openApp(t, f);
    await startConnect(s, { storage: "session" });
    await s.signIn(1);
    assert.ok((await s.run(() => auth.client)).ok, s.diag());
    const kept = JSON.parse(await s.run((k) => sessionStorage.getItem(k), key));
    assert.equal(kept.resource, f.url);
    assert.ok(kept.access_token && kept.client_id, JSON.stringify(kept));
    await s.run(() => client.close());
    const exchanges = tokenRequests(f).length;

    await s.page.reload();
    await s.ready();
    await startConnect(s, { storage: "session" });
    const again = await s.run(() => auth.client);
    assert.ok(again.ok, `${JSON.stringify(again.error)}\n${s.diag()}`);
    assert.equal(await s.run(() => auth.asked.length), 0, "the user was asked again");
    assert.equal(tokenRequests(f).length, exchanges, "no new token");
    const echoed = await s.run(() => e2e.settle(client.callTool("echo", { text: "kept" })));
    assert.equal(echoed.value?.content?.[0]?.text, "echo: kept", JSON.stringify(echoed));
    assert.equal(bearerOf(f.requests.filter((r) => r.method === "POST").at(-1)), kept.access_token);

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
    const f = faults.none;
    const key = `mcp-web-client:oauth:${f.url}`;
    const s = await openApp(t, f);
    await startConnect(s, { storage: "custom" });
    await s.signIn(1);
    assert.ok((await s.run(() => auth.client)).ok, s.diag());
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
});
