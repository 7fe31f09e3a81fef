// The cards of what the server asks of the user, shared by the tool console and the chat: URL
// elicitation (consent, the popup, how it ended), form elicitation and OAuth sign-in.
//
// `place(kind, badge, title, ...body)` puts a card where it belongs (inside the call that caused
// it, or as an entry of its own) and returns it; `card.step(text, tone)` narrates. Every server
// string goes in as text. The rule of the library holds everywhere: req.open() is the first
// thing a click handler does, so the popup opens inside the user's gesture.
import { showElicitationDialog } from "../pkg/elicitation-dialog.js";
import { h, pretty } from "./ui.js";

export const POPUP_BLOCKED = -33011; // req.open() was not called inside a click, or the browser refused

// How open() learnt that the flow ended (UrlElicitationOutcome.via).
const VIA = {
  message: " (the page posted mcp:elicitation-complete to this window)",
  broadcast: " (BroadcastChannel, from a page of this origin)",
  notification: " (the server's notifications/elicitation/complete)",
  manual: " (you said so)",
  closed: " (the window was closed)",
};

const asker = (req) => req.server?.title || req.server?.name || "The server";

/** Form mode: the package's dialog, narrated in a card. Resolves with the dialog's answer. */
export async function formElicitation(req, place) {
  const card = place("elicitation", "Form", `${asker(req)} asks you for information`, h("p", { className: "message" }, req.message));
  card.step("form shown");
  const answer = await showElicitationDialog(req); // validates with req.validate() before it resolves
  if (answer.action === "accept") {
    card.step("you submitted the form");
    card.append(h("pre", { className: "args" }, pretty(answer.content ?? {})));
  } else card.step(answer.action === "decline" ? "you declined" : "you cancelled");
  return answer;
}

/** URL mode: the card that says who asks to open what. Nothing is opened yet. */
export function urlCard(req, place) {
  const card = place("elicitation", "URL", `${asker(req)} asks you to open ${req.host}`,
    h("p", { className: "message" }, req.message),
    h("p", {}, h("code", { className: "uri" }, req.url)),
    req.warnings.length ? h("p", { className: "warn-text" }, `warnings: ${req.warnings.join(", ")}`) : null);
  card.dataset.elicitationId = req.elicitationId ?? "";
  card.step("waiting for your consent");
  return card;
}

/**
 * A copy of a URL request whose methods also narrate in `card`. open() stays synchronous inside
 * the click: it calls the library first and reports afterwards.
 */
export function narrate(req, card) {
  return {
    ...req,
    open() {
      const opening = req.open();
      let blocked = false;
      opening.then(
        (outcome) => card.step(`${outcome.status === "done" ? "completed" : "cancelled"} via ${outcome.via}${VIA[outcome.via] ?? ""}`, outcome.status === "done" ? "ok" : "warn"),
        (e) => {
          if (e.code === POPUP_BLOCKED) {
            blocked = true;
            card.step("the browser blocked the popup: click Open again", "warn");
          } else card.step(`failed: ${e.code} ${e.message}`, "error");
        },
      );
      // A blocked popup rejects at once: its handler above runs before this microtask.
      queueMicrotask(() => !blocked && card.step(`popup opened on ${new URL(req.url).origin}`));
      return opening;
    },
    decline() {
      card.step("you declined", "warn");
      req.decline();
    },
    cancel() {
      card.step("you cancelled", "warn");
      req.cancel();
    },
    done() {
      card.step("you said you completed it");
      req.done();
    },
  };
}

/**
 * The consent buttons inside the card itself (the chat's way; the console uses the package's
 * dialog): Open <host> / Decline / Cancel, then "I've completed it" / Cancel while the popup is
 * open. The buttons go quiet once the library settles the request by any path (req.signal).
 */
export function inlineConsent(card, narrated, req) {
  const button = (label, className, onclick) => h("button", { type: "button", className, onclick }, label);
  const open = button(`Open ${req.host}`, "primary consent-open", () => {
    narrated.open().catch((e) => e.code === POPUP_BLOCKED && show(open, decline, cancel)); // first statement: the popup opens inside this click
    show(done, cancel);
  });
  const done = button("I've completed it", "consent-done", () => narrated.done());
  const decline = button("Decline", "consent-decline", () => narrated.decline());
  const cancel = button("Cancel", "consent-cancel", () => narrated.cancel());
  const all = [open, done, decline, cancel];
  const show = (...shown) => all.forEach((b) => (b.hidden = !shown.includes(b)));
  show(open, decline, cancel);
  const actions = h("div", { className: "card-actions" }, ...all);
  card.append(actions);
  open.scrollIntoView({ block: "nearest" }); // the button the user must see
  const settled = () => {
    all.forEach((b) => (b.disabled = true));
    actions.hidden = true; // the steps above say how it ended
  };
  if (req.signal.aborted) settled();
  else req.signal.addEventListener("abort", settled, { once: true });
  // Nothing to return: the request settles through open() / done() / decline() / cancel().
}

// The server answered 401: the library found its authorization server and registered this page
// as a client. The user decides; req.open() must run inside their click (a popup otherwise is
// blocked). The library checks the callback (state, issuer), exchanges the code and resumes.
export function authorizationCard(req, place) {
  const host = new URL(req.authorizationUrl).host;
  const card = place("elicitation", "OAuth", `${req.server.url} asks you to sign in at ${host}`,
    h("p", {}, `Authorization server: `, h("code", {}, req.issuer)),
    req.scopes.length ? h("p", {}, `Scopes: ${req.scopes.join(" ")}`) : null);
  card.step("waiting for you to sign in");
  const signIn = h("button", { type: "button", className: "primary sign-in" }, "Sign in");
  const cancel = h("button", { type: "button" }, "Cancel");
  const settle = (text, tone) => {
    card.step(text, tone);
    signIn.disabled = cancel.disabled = true;
  };
  signIn.addEventListener("click", () => {
    let blocked = false;
    req.open().then(
      () => settle("signed in: the library exchanged the code for a token", "ok"),
      (e) => {
        if (e.code !== POPUP_BLOCKED) return settle(`failed: ${e.code} ${e.message}`, "error");
        blocked = true;
        card.step("the browser blocked the popup: click Sign in again", "warn");
      },
    );
    queueMicrotask(() => !blocked && card.step(`popup opened on ${new URL(req.authorizationUrl).origin}`));
  });
  cancel.addEventListener("click", () => {
    settle("you cancelled", "warn");
    req.cancel();
  });
  card.append(h("div", { className: "card-actions" }, signIn, cancel));
  signIn.scrollIntoView({ block: "nearest" });
}
