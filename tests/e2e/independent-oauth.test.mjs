// The library's OAuth against an authorization server that is neither ours nor the MCP SDK's:
// `oidc-provider` from npm (fixtures/independent-oauth.mjs), on its own 127.0.0.1 origin, with its
// own login and consent pages, PKCE, resource indicators (RFC 8707), rotating refresh tokens and
// JWT access tokens; the MCP server is the official SDK's (1.x), on another origin, publishing
// RFC 9728 metadata that names that issuer and verifying every token against the issuer's JWKS.
//
// The authorization server answers CORS itself (discovery, JWKS, and the token endpoint for the
// origins of a public client's redirect URIs) and is not proxied. Its registration endpoint
// answers no CORS at all, so a page cannot register dynamically there: the app passes the
// `clientId` of a client registered with it beforehand, as such servers expect; the last test
// shows what happens without one. The MCP server sits behind the harness's CORS proxy, which
// also records its requests.
//
// Built package, headless Chromium, popup blocker on: the app's code runs through CDP without a
// user gesture, only page.click (trusted input) opens the popup, and the user signs in on the
// authorization server's own pages in that popup.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { startOidcAs, startSdkResourceServer, tokenRequests } from "./fixtures/independent-oauth.mjs";
import { OAUTH_CALLBACK_PAGE, assertSignedInAgain, bearerOf, launchBrowser, openOAuthApp, sleep, startOAuthConnect, startStatic, waitFor } from "./harness.mjs";

const T = { timeout: 90_000 };
const CODE = { network: -33002, popupBlocked: -33011 };
const SCOPE = "mcp:tools";

let web;
let browser;
let as;
let rs;

before(async () => {
  web = await startStatic();
  browser = await launchBrowser();
  as = await startOidcAs({ redirectUris: [web.origin + OAUTH_CALLBACK_PAGE] });
  rs = await startSdkResourceServer({ issuer: as.issuer, scopes: [SCOPE] });
  as.addResource(rs.url, { scope: SCOPE });
});
after(async () => {
  await browser?.close();
  await rs?.stop();
  await as?.stop();
  await web?.stop();
});

const openApp = (t) => openOAuthApp(t, browser, web.origin, rs);
const connectWithClientId = (s, opts = {}) => startOAuthConnect(s, { authOptions: { clientId: as.clientId }, ...opts });

/** The claims of a JWT, unverified (the resource server verified it). */
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));

/**
 * The user in the popup, on the authorization server's own pages: its login form (any login and
 * password), then its consent form; a page it skips (a session, a grant already given) is not
 * shown. Returns the pages seen, in order, ending with "closed" once the library closes the popup.
 */
async function signInAtProvider(popup, login) {
  const seen = [];
  const current = async () => {
    if (popup.isClosed()) return "closed";
    try {
      if (await popup.locator("input[name=login]").count()) return "login";
      if (await popup.locator("input[name=prompt][value=consent]").count()) return "consent";
    } catch {
      // between two pages, or closed meanwhile
    }
    return popup.isClosed() ? "closed" : null;
  };
  for (;;) {
    const step = await waitFor(current, { timeoutMs: 15000, what: "the authorization server's next page" }).catch(async (e) => {
      const text = popup.isClosed() ? "(closed)" : await popup.innerText("body").catch(() => "?");
      throw new Error(`${e.message}; seen: ${seen.join(", ") || "none"}; the popup at ${popup.isClosed() ? "-" : popup.url()} shows: ${text.slice(0, 600)}`);
    });
    seen.push(step);
    if (step === "closed" || seen.length > 4) return seen;
    if (step === "login") {
      await popup.fill("input[name=login]", login);
      await popup.fill("input[name=password]", "any password");
    }
    await popup.click("button[type=submit]").catch((e) => {
      if (!popup.isClosed()) throw e;
    });
    await waitFor(async () => (await current()) !== step, { timeoutMs: 15000, what: `the ${step} page to be left` });
  }
}

/** Connects with one click and a sign-in at the provider; returns what the popup showed. */
async function connectAndSignIn(s, login) {
  await connectWithClientId(s);
  const popup = await s.signIn(1);
  const seen = await signInAtProvider(popup, login);
  const connected = await s.run(() => auth.client);
  assert.ok(connected.ok, `connect: ${JSON.stringify(connected.error)}\n${s.diag()}`);
  return { connected: connected.value, seen };
}

const whoami = async (s) => {
  const r = await s.run(() => e2e.settle(client.callTool("whoami", {})));
  assert.ok(r.ok, `whoami: ${JSON.stringify(r.error)}\n${s.diag()}`);
  return JSON.parse(r.value.content[0].text);
};

const s256 = (verifier) => createHash("sha256").update(verifier).digest("base64url");

describe("oidc-provider (npm) as the authorization server of an SDK MCP server", () => {
  test("connect: 401, discovery at the issuer, a blocked popup then one click, login and consent on its pages; PKCE and resource on the wire; tools work with its JWT", T, async (t) => {
    const s = await openApp(t);
    const login = `user-${randomUUID().slice(0, 8)}`;
    const firstRs = rs.requests.length;
    const firstAs = as.requests.length;
    await connectWithClientId(s, { openAtOnce: true });
    await s.button(1);

    const asked = await s.run(() => auth.asked);
    assert.equal(asked.length, 1);
    assert.equal(new URL(asked[0].issuer).href, new URL(as.issuer).href, "the issuer the resource metadata names");
    assert.ok(asked[0].scopes.includes(SCOPE), `scopes: ${JSON.stringify(asked[0].scopes)}`);
    assert.equal(asked[0].server.url, rs.url);
    const blocked = await s.run(() => auth.immediate);
    assert.equal(blocked.ok, false, "open() without a click must be blocked");
    assert.equal(blocked.error.code, CODE.popupBlocked, JSON.stringify(blocked.error));

    const popup = await s.signIn(1);
    await popup.waitForURL((u) => u.origin === as.issuer, { timeout: 10000 }); // the popup is at the authorization server
    const seen = await signInAtProvider(popup, login);
    assert.deepEqual(seen, ["login", "consent", "closed"], "the user signed in and consented on the provider's own pages");
    const connected = await s.run(() => auth.client);
    assert.ok(connected.ok, `connect: ${JSON.stringify(connected.error)}\n${s.diag()}`);
    assert.equal(connected.value.serverInfo.name, "independent-as-resource");
    assert.deepEqual((await s.run(() => Promise.all(auth.opens))).map((o) => o.ok), [true], "req.open() resolves once authorized");

    const listed = await s.run(() => e2e.settle(client.listTools()));
    assert.ok(listed.ok, JSON.stringify(listed.error));
    assert.deepEqual(listed.value.tools.map((tool) => tool.name), ["whoami"]);
    const me = await whoami(s);
    assert.equal(me.sub, login, "the token's subject is who signed in at the provider");
    assert.equal(me.clientId, as.clientId);
    assert.ok(me.scopes.includes(SCOPE), JSON.stringify(me));

    // The authorization server's side: metadata fetched by the page, one authorization request
    // with an S256 challenge and the resource, one code exchange whose verifier matches it.
    const mineAs = as.requests.slice(firstAs);
    const discovery = mineAs.filter((r) => r.method === "GET" && r.path.startsWith("/.well-known/"));
    assert.ok(discovery.some((r) => r.status === 200 && r.origin === web.origin), `discovery: ${JSON.stringify(discovery)}`);
    const authorize = mineAs.filter((r) => r.method === "GET" && r.path === "/auth");
    assert.equal(authorize.length, 1, JSON.stringify(mineAs.map((r) => `${r.method} ${r.path}`)));
    const q = authorize[0].query;
    assert.equal(q.response_type, "code");
    assert.equal(q.client_id, as.clientId);
    assert.equal(q.redirect_uri, web.origin + OAUTH_CALLBACK_PAGE);
    assert.equal(q.code_challenge_method, "S256");
    assert.match(q.code_challenge ?? "", /^[A-Za-z0-9_-]{43}$/);
    assert.equal(q.resource, rs.url, "RFC 8707 resource in the authorization request");
    assert.ok(q.state, "a state");
    const exchanges = tokenRequests(as).filter((r) => mineAs.includes(r));
    assert.equal(exchanges.length, 1, JSON.stringify(exchanges.map((r) => r.body?.grant_type)));
    const [exchange] = exchanges;
    assert.equal(exchange.body.grant_type, "authorization_code");
    assert.equal(exchange.status, 200);
    assert.equal(exchange.origin, web.origin, "the page itself called the token endpoint (CORS)");
    assert.equal(exchange.body.client_id, as.clientId);
    assert.equal(exchange.body.redirect_uri, q.redirect_uri);
    assert.match(exchange.body.code_verifier ?? "", /^[A-Za-z0-9._~-]{43,128}$/);
    assert.equal(s256(exchange.body.code_verifier), q.code_challenge, "the PKCE verifier matches the challenge");
    assert.equal(exchange.body.resource, rs.url, "RFC 8707 resource in the token request");
    assert.equal(exchange.response?.token_type, "Bearer", JSON.stringify(exchange.response && Object.keys(exchange.response)));

    // The MCP server's side: the first request went without a token and met the 401; every one
    // after the authorization carried the provider's JWT for this resource.
    const mine = rs.requests.slice(firstRs).filter((r) => r.method !== "OPTIONS");
    assert.equal(mine[0].status, 401, s.diag());
    assert.equal(bearerOf(mine[0]), undefined);
    assert.match(mine[0].responseHeaders["www-authenticate"], /^Bearer .*resource_metadata="/);
    const posts = mine.filter((r) => r.method === "POST" && r.url === "/mcp");
    assert.ok(posts.length >= 4, s.diag());
    assert.deepEqual(posts.slice(1).filter((r) => !bearerOf(r)).map((r) => r.json()?.method), [], "every request after the sign-in carried a token");
    assert.deepEqual(new Set(posts.slice(1).map(bearerOf)), new Set([exchange.response.access_token]), "the token of the code exchange, for the whole session");
    // The one refusal is the 2026-07-28 probe (server/discover), which this 2025-11-25 server
    // answers 400 before the client falls back to initialize.
    assert.deepEqual(posts.slice(1).filter((r) => r.status >= 300).map((r) => [r.status, r.json()?.method]), [[400, "server/discover"]], s.diag());
    const claims = claimsOf(exchange.response.access_token);
    assert.equal(claims.iss, as.issuer);
    assert.equal(claims.aud, rs.url);
    assert.equal(claims.sub, login);
    assert.ok(!mine.some((r) => r.url.startsWith("/.well-known/oauth-authorization-server")), "authorization server metadata was looked for at the MCP server");
    await s.run(() => client.close());
  });

  test("refresh (provider set to issue refresh tokens to public clients): once its short-lived token has expired, the next call is sent after one refresh (same resource), with no popup", T, async (t) => {
    const TTL_S = 3; // inside the client's 30 s margin: each request refreshes first
    as.setAccessTokenTtl(TTL_S);
    as.setRefreshPolicy("always");
    t.after(() => {
      as.setAccessTokenTtl(3600);
      as.setRefreshPolicy("offline_access");
    });
    const s = await openApp(t);
    let popups = 0;
    s.page.on("popup", () => popups++);
    await connectAndSignIn(s, `user-${randomUUID().slice(0, 8)}`);
    assert.equal(popups, 1);
    const granted = tokenRequests(as, "authorization_code").at(-1);
    assert.ok(granted?.response?.refresh_token, `a refresh token with the code exchange: ${JSON.stringify(granted?.response && Object.keys(granted.response))}`);

    // Let the last token the client used expire, and check the server now refuses it.
    const lastSigned = () => rs.requests.filter((r) => bearerOf(r)).at(-1);
    const oldToken = bearerOf(lastSigned());
    const { exp } = claimsOf(oldToken);
    assert.ok(exp - claimsOf(oldToken).iat <= TTL_S, "a short-lived token");
    await sleep(Math.max(0, exp * 1000 - Date.now()) + 1200);
    const refused = await fetch(rs.url, {
      method: "POST",
      headers: { authorization: `Bearer ${oldToken}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    assert.equal(refused.status, 401, "the expired token is refused by the MCP server");

    const refreshesBefore = tokenRequests(as, "refresh_token").length;
    const rsBefore = rs.requests.length;
    const me = await whoami(s);
    assert.ok(me.sub, JSON.stringify(me));
    const refreshes = tokenRequests(as, "refresh_token").slice(refreshesBefore);
    assert.equal(refreshes.length, 1, `refresh requests for one call: ${refreshes.length}`);
    const [refresh] = refreshes;
    assert.equal(refresh.status, 200, JSON.stringify(refresh));
    assert.equal(refresh.body.resource, rs.url, "the refresh names the resource");
    assert.equal(refresh.body.client_id, as.clientId);
    const rotated = tokenRequests(as).filter((r) => r.response?.refresh_token && as.requests.indexOf(r) < as.requests.indexOf(refresh)).at(-1);
    assert.equal(refresh.body.refresh_token, rotated.response.refresh_token, "the refresh token the provider issued last (it rotates them)");
    const call = rs.requests.slice(rsBefore).filter((r) => r.method === "POST");
    assert.deepEqual(call.map((r) => r.status), [200], s.diag());
    const newToken = bearerOf(call[0]);
    assert.equal(newToken, refresh.response.access_token, "the call went with the refreshed token");
    assert.ok(claimsOf(newToken).iat >= exp, "issued after the old one expired");
    assert.equal(await s.run(() => auth.asked.length), 1, "the user was not asked again");
    assert.equal(popups, 1, "no new popup");
    await s.run(() => client.close());
  });

  // The provider's defaults follow OpenID Connect Core 11: offline_access is ignored unless the
  // authorization request has prompt=consent, and without it no refresh token is issued. The
  // library sends prompt=consent whenever it asks for offline_access.
  test("refresh with the provider's default policy: offline_access with prompt=consent yields a refresh token", T, async (t) => {
    const s = await openApp(t);
    const firstAs = as.requests.length;
    await connectAndSignIn(s, `user-${randomUUID().slice(0, 8)}`);
    const mineAs = as.requests.slice(firstAs);
    const authorize = mineAs.find((r) => r.path === "/auth");
    assert.ok(authorize.query.scope.split(" ").includes("offline_access"), `the library asked for offline_access: ${authorize.query.scope}`);
    assert.equal(authorize.query.prompt, "consent", "offline_access goes with prompt=consent");
    const exchange = tokenRequests(as, "authorization_code").find((r) => mineAs.includes(r));
    assert.equal(exchange.status, 200);
    await s.run(() => client.close());
    assert.ok(
      exchange.response.refresh_token,
      `no refresh token: granted scope "${exchange.response.scope}", prompt sent: ${authorize.query.prompt ?? "none"}`,
    );
  });

  test("signOut(): the next request meets the 401, the user is asked again, and the request goes through with a new token", T, async (t) => {
    const s = await openApp(t);
    await connectAndSignIn(s, `user-${randomUUID().slice(0, 8)}`);
    const oldToken = bearerOf(rs.requests.filter((r) => bearerOf(r)).at(-1));
    const exchangesBefore = tokenRequests(as, "authorization_code").length;
    const before = rs.requests.length;

    await s.run(() => {
      client.signOut();
      window.listed = e2e.settle(client.listTools());
      return true;
    });
    const popup = await s.signIn(2);
    // The provider still has this browser's session and grant: it may skip its pages.
    const seen = await signInAtProvider(popup, "ignored");
    assert.equal(seen.at(-1), "closed", JSON.stringify(seen));
    const listed = await s.run(() => window.listed);
    assert.ok(listed.ok, `${JSON.stringify(listed.error)}\n${s.diag()}`);
    assert.deepEqual(listed.value.tools.map((tool) => tool.name), ["whoami"]);
    assert.equal(await s.run(() => auth.asked.length), 2);
    assert.equal(tokenRequests(as, "authorization_code").length, exchangesBefore + 1, "one new code exchange");

    const newToken = assertSignedInAgain(s, before, oldToken);
    assert.equal(newToken, tokenRequests(as, "authorization_code").at(-1).response.access_token, "the token of the new code exchange");
    await s.run(() => client.close());
  });

  test("without a clientId: the provider's registration endpoint answers no CORS; connect() rejects with a typed error and never asks the user", T, async (t) => {
    const s = await openApp(t);
    const firstAs = as.requests.length;
    await startOAuthConnect(s);
    const connected = await s.run(() => auth.client);
    assert.equal(connected.ok, false, s.diag());
    assert.equal(connected.error.code, CODE.network, `refused by CORS: ${JSON.stringify(connected.error)}`);
    assert.equal(await s.run(() => auth.asked.length), 0);
    const reg = as.requests.slice(firstAs).filter((r) => r.path === "/reg");
    // The JSON POST needs a preflight, which the provider does not answer for /reg: the browser
    // stops there and the registration is never sent.
    assert.deepEqual(reg.map((r) => [r.method, r.origin]), [["OPTIONS", web.origin]], "the page tried the registration endpoint");
    assert.ok(!as.requests.slice(firstAs).some((r) => r.path === "/auth"), "no authorization without a client");
  });
});
