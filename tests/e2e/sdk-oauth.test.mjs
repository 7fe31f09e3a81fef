// The library's own OAuth against a server and an authorization server we did not write: the
// SDK's `simpleStreamableHttp --oauth --oauth-strict` example (@modelcontextprotocol/sdk 1.x),
// whose demo authorization server (`demoInMemoryOAuthProvider.js`, on MCP_AUTH_PORT) offers
// dynamic registration, approves /authorize without a login form, checks PKCE S256 and, strict,
// that `resource` is exactly the MCP server's URL; the MCP server checks every token by
// introspection. Built package, headless Chromium, popup blocker on: the app's code runs through
// CDP without a user gesture and only page.click (trusted input) can open the popup.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CLIENT_PAGE, launchBrowser, pageDiagnostics, sleep, startSdkExample, startStatic, waitFor } from "./harness.mjs";

const T = { timeout: 60_000 };
const CALLBACK_PAGE = "/tests/e2e/pages/oauth-callback.html";
const CODE = { popupBlocked: -33011 };

let server; // proxied, and told the proxy's port: the resource it names is the URL we connect to
let web;
let browser;

/** Starts `connect()` with `auth`; each authorization request becomes a button #authorize-N. */
function startConnect(s, { openAtOnce = false } = {}) {
  return s.run(
    ({ url, redirectUri, openAtOnce }) => {
      window.auth = { asked: [], opens: [] };
      window.auth.client = e2e.settle(
        McpClient.connect(url, {
          clientInfo: { name: "mcp-web-client-e2e", version: "0.0.0" },
          auth: {
            redirectUri,
            clientName: "mcp-web-client e2e",
            onAuthorization(req) {
              const n = auth.asked.push({ issuer: req.issuer, scopes: req.scopes, server: req.server });
              // From the network callback: no user activation, so the popup blocker refuses.
              if (openAtOnce) auth.immediate = e2e.settle(req.open());
              const b = document.createElement("button");
              b.id = `authorize-${n}`;
              b.textContent = `Sign in at ${new URL(req.issuer).host}`;
              b.onclick = () => auth.opens.push(e2e.settle(req.open()));
              document.body.append(b);
            },
          },
        }).then((c) => ((window.client = c), { protocolVersion: c.protocolVersion, serverInfo: c.serverInfo })),
      );
      return true;
    },
    { url: server.url, redirectUri: web.origin + CALLBACK_PAGE, openAtOnce },
  );
}

async function openApp(t) {
  // Not openClientPage: Playwright's waitForFunction gives the page user activation, which
  // would let an open() outside a click through the popup blocker.
  const context = await browser.newContext();
  t.after(() => context.close().catch(() => {}));
  const page = await context.newPage();
  page.pageErrors = [];
  page.consoleErrors = [];
  page.on("pageerror", (e) => page.pageErrors.push(String(e?.stack ?? e)));
  page.on("console", (m) => m.type() === "error" && page.consoleErrors.push(m.text()));
  const cdp = await context.newCDPSession(page);
  const s = { page };
  s.run = async (fn, arg) => {
    const expression = `(${fn})(${arg === undefined ? "" : JSON.stringify(arg)})`;
    const r = await cdp.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true, userGesture: false });
    if (r.exceptionDetails) throw new Error(`in page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  };
  s.diag = () => `${pageDiagnostics(page)}\nrequests:\n${server.requests.map((r) => `${r.method} ${r.url} auth=${r.headers.authorization ? r.headers.authorization.slice(0, 15) : "no"} -> ${r.status}`).join("\n")}\nserver output (tail):\n${server.output().slice(-2000)}`;
  // Polled through CDP: Playwright's waitForSelector, like waitForFunction, activates the page.
  s.button = (n) => waitFor(() => s.run((id) => document.getElementById(id) !== null, `authorize-${n}`), { timeoutMs: 15000, what: `sign-in button ${n}` });
  /** The user's click on sign-in button n; the popup it opens (the AS redirects it back at once). */
  s.signIn = async (n) => {
    await s.button(n);
    const popup = page.waitForEvent("popup", { timeout: 10000 });
    await page.click(`#authorize-${n}`);
    return popup;
  };
  await page.goto(web.origin + CLIENT_PAGE, { timeout: 20000 });
  let loaded;
  await waitFor(async () => (loaded = await s.run(() => window.ready === true || window.loadError || false)), { timeoutMs: 20000, what: "the package to load" });
  if (loaded !== true) throw new Error(`the client page failed to load the package: ${loaded}`);
  assert.equal(await s.run(() => navigator.userActivation.hasBeenActive), false, "no user activation before the click");
  return s;
}

const bearerOf = (r) => /^Bearer (.+)$/.exec(r.headers.authorization ?? "")?.[1];

describe("SDK example: simpleStreamableHttp --oauth --oauth-strict (the library's OAuth)", () => {
  before(async () => {
    server = await startSdkExample("simpleStreamableHttp.js", ["--oauth", "--oauth-strict"], { asProxy: true });
    await waitFor(() => server.output().includes(`OAuth Authorization Server listening on port ${server.authPort}`), {
      timeoutMs: 10000,
      what: "the demo authorization server",
    });
    web = await startStatic();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await web?.stop();
    await server?.stop();
  });

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

    const after = server.requests.slice(before).filter((r) => r.method === "POST");
    assert.equal(after[0].status, 401, "signed out, the request went without a token");
    const newToken = bearerOf(after.at(-1));
    assert.ok(newToken && newToken !== oldToken, s.diag());
    assert.equal(after.at(-1).status, 200);
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
    const forged = `${web.origin}${CALLBACK_PAGE}?code=forged&state=forged`;
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
