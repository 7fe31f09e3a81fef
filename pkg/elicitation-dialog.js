// mcp-web-client: the ready-made elicitation dialog.
//
//   import { showElicitationDialog } from "mcp-web-client";   // or the option elicitationUi: "dialog"
//   onElicitation: (req) => showElicitationDialog(req, { text: { open: "Öffnen" } })
//
// showElicitationDialog(req, options?) -> Promise<{ action: "accept", content? } |
// { action: "decline" } | { action: "cancel" }>, never rejects. `req` is what onElicitation
// receives. A native <dialog> opened with showModal(), built with createElement and textContent
// only: no server string is ever parsed as HTML. The dialog is removed from the DOM when it
// settles, and it adds no listener to window or document.
//
// URL mode: says which server asks (server.title, else server.name), shows its message, the full
// URL with the host in its Unicode form and the registrable domain in <strong>, the host again on
// its own line (and its encoded form when that differs), every warning as a sentence, and Open /
// Decline / Cancel. Open calls req.open() as the first statement of its click handler (the
// popup must open inside the user's gesture), then shows "Waiting…" with "I've completed it"
// (req.done()) and Cancel (req.cancel()). open() resolving closes the dialog: status "done" ->
// accept, anything else -> cancel. open() rejecting with code -33011 (popup blocked) keeps the
// dialog and offers Open again; any other rejection -> cancel. Decline -> req.decline(), Cancel
// or Escape -> req.cancel(). Focus starts on the dialog itself, not on Open, so a stray Enter
// cannot consent; Tab reaches Open first.
//
// Form mode: one control per property of req.requestedSchema, pre-filled from req.defaults:
// string (format email/uri/date/date-time -> input type email/url/date/datetime-local), number
// and integer (number input with min/max/step), boolean (checkbox), single-select enum / oneOf /
// enumNames (select), multi-select array with items.enum / items.anyOf (checkboxes). Required
// fields are marked. Submit runs req.validate(content); violations ("<field title> <message>")
// are shown next to their fields (aria-invalid, aria-describedby) and nothing is submitted
// until it returns none. Empty optional fields are left out of content. Decline and
// Cancel/Escape as in URL mode, without calling req methods (the library answers from the
// returned action). If showModal() throws (inactive document), it resolves cancel at once.
//
// options:
//   parent   element the dialog is appended to (default document.body)
//   signal   AbortSignal: aborting closes the dialog and resolves { action: "cancel" }
//            without calling any req method (use it when the library settled it elsewhere)
//   nonce    CSP nonce for the injected <style>
//   text     overrides of the UI strings in TEXT below (translation)
//
// showAuthorizationDialog(req, options?) -> Promise<void>: the same dialog for auth's
// onAuthorization (the option elicitationUi: "dialog" uses it when auth has no onAuthorization):
// which server asks, the issuer's host, the scopes, Sign in (req.open() in the click) / Cancel.
//
// Theming: one <style id="mcp-dialog-style"> is injected once per document; every class starts
// with "mcp-dialog". Custom properties (set them on :root or on .mcp-dialog):
//   --mcp-dialog-bg, --mcp-dialog-fg, --mcp-dialog-accent, --mcp-dialog-accent-fg,
//   --mcp-dialog-border, --mcp-dialog-danger, --mcp-dialog-warning-bg, --mcp-dialog-code-bg,
//   --mcp-dialog-input-bg, --mcp-dialog-backdrop, --mcp-dialog-shadow, --mcp-dialog-radius,
//   --mcp-dialog-font, --mcp-dialog-mono, --mcp-dialog-width.
// Classes: mcp-dialog (the <dialog>), -title, -server, -message, -url, -host, -encoded,
// -warnings, -status, -form, -field, -check, -hint, -error, -req, -sr (visually hidden),
// -actions, -primary.

const P = "mcp-dialog";
const POPUP_BLOCKED = -33011;
const ACCEPT = { action: "accept" };
const CANCEL = { action: "cancel" };
const DECLINE = { action: "decline" };

export const TEXT = {
  urlTitle: "Open a link?",
  authTitle: "Sign in to continue",
  authMessage: "This server needs you to sign in before it can go on.",
  authAt: "You will sign in at ",
  authScopes: "Access asked for: ",
  authWaiting: "Waiting for you to sign in in the other window…",
  signIn: "Sign in",
  formTitle: "Information requested",
  from: "Requested by ",
  host: "Site: ",
  encoded: "Encoded as: ",
  open: "Open",
  decline: "Decline",
  cancel: "Cancel",
  submit: "Submit",
  done: "I've completed it",
  waiting: "Waiting for you to finish in the other window…",
  blocked: "Your browser blocked the window. Click Open to try again.",
  required: " (required)",
  none: "—",
  warning: "Check this address carefully",
  punycode: "The site name is written with encoded international characters (punycode): make sure it is the site you expect.",
  "mixed-script": "The site name mixes letters from different alphabets, a trick used to imitate other sites.",
  "ip-address": "The address is a bare IP address, not a site name.",
  "http-loopback": "The address is an unencrypted http:// page on this computer.",
  credentials: "The address has a user name before the site name (…@), which can disguise the real site.",
};

const R = `var(--${P}-radius,.6rem)`;
const BORDER = `1px solid var(--${P}-border,#8888)`;
const DANGER = `var(--${P}-danger,#c62828)`;
const ACCENT = `var(--${P}-accent,#2563eb)`;
const CSS = `.${P}{box-sizing:border-box;width:min(var(--${P}-width,34rem),calc(100vw - 2rem));padding:1.25rem;border:${BORDER};border-radius:${R};background:var(--${P}-bg,Canvas);color:var(--${P}-fg,CanvasText);font:var(--${P}-font,15px/1.45 system-ui,sans-serif);box-shadow:var(--${P}-shadow,0 10px 40px #0005)}
.${P}::backdrop{background:var(--${P}-backdrop,#0007)}
.${P} *{box-sizing:border-box}
.${P}:focus{outline:none}
.${P}-title{margin:0 0 .25rem;font-size:1.2em}
.${P} p{margin:.5rem 0}
.${P}-server{opacity:.8;font-size:.9em}
.${P}-message{white-space:pre-line}
.${P}-url{font-family:var(--${P}-mono,ui-monospace,monospace);font-size:.9em;overflow-wrap:anywhere;padding:.5rem .6rem;border-radius:calc(${R} / 2);background:var(--${P}-code-bg,#8882)}
.${P}-host strong{text-decoration:underline}
.${P}-warnings{margin:.5rem 0;padding:.5rem .75rem .5rem 1.75rem;border-radius:calc(${R} / 2);background:var(--${P}-warning-bg,#f59e0b26)}
.${P}-status:empty{margin:0}
.${P}-field{margin:.75rem 0;padding:0;border:0}
.${P}-field>label,.${P}-field>legend{display:block;padding:0;font-weight:600;margin-bottom:.2rem}
.${P} .${P}-check{display:flex;gap:.5rem;align-items:center;font-weight:400}
.${P} input:not([type=checkbox]),.${P} select{width:100%;padding:.45rem .55rem;font:inherit;color:inherit;background:var(--${P}-input-bg,Field);border:${BORDER};border-radius:calc(${R} / 2)}
.${P} [aria-invalid=true]{border-color:${DANGER};outline:1px solid ${DANGER}}
.${P}-hint,.${P}-error{display:block;font-size:.85em}
.${P}-hint{opacity:.8}
.${P}-error,.${P}-req{color:${DANGER}}
.${P}-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.${P}-actions{display:flex;flex-wrap:wrap;gap:.5rem;justify-content:flex-end;margin-top:1rem}
.${P} button{font:inherit;padding:.5rem 1rem;border:${BORDER};border-radius:calc(${R} / 2);background:transparent;color:inherit;cursor:pointer}
.${P} .${P}-primary{background:${ACCENT};border-color:transparent;color:var(--${P}-accent-fg,#fff)}
.${P} :focus-visible{outline:2px solid ${ACCENT};outline-offset:2px}`;

let seq = 0;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = `${P}-${cls}`;
  if (text != null) e.textContent = String(text);
  return e;
}

function button(label, cls, onClick) {
  const b = el("button", cls, label);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

// The host as text nodes, its registrable-domain suffix in <strong> (all of it when the
// suffix given does not end the host at a label boundary).
function hostNodes(host, reg) {
  const span = el("span", "host");
  const cut = reg && host.endsWith(reg) && (host.length === reg.length || host[host.length - reg.length - 1] === ".")
    ? host.length - reg.length : 0;
  span.append(host.slice(0, cut), el("strong", 0, host.slice(cut)));
  return span;
}

const pad = (n) => String(n).padStart(2, "0");
function localDateTime(v) {
  const d = new Date(v);
  return isNaN(d) ? "" : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const INPUT_TYPE = { email: "email", uri: "url", date: "date", "date-time": "datetime-local" };

// One form control (or group) for a schema property: { key, controls, err, read(), node }.
function field(key, s, required, def, uid, t) {
  const id = `${uid}-${seq++}`;
  const name = s.title ?? key;
  const hint = s.description ? el("small", "hint", s.description) : null;
  const err = el("small", "error");
  err.id = id + "-e";
  err.setAttribute("aria-live", "polite");
  if (hint) hint.id = id + "-h";
  const describedBy = (hint ? hint.id + " " : "") + err.id;
  const choices = (list) => list && list.map((o) => (typeof o === "object" && o ? [o.const, o.title ?? String(o.const)] : [o, String(o)]));
  const multi = s.type === "array" ? choices(s.items?.enum ?? s.items?.anyOf) : null;
  const single = s.enum ? s.enum.map((v, i) => [v, String(s.enumNames?.[i] ?? v)]) : choices(s.oneOf);
  const mark = () => {
    const m = el("span", "req", " *");
    m.setAttribute("aria-hidden", "true");
    return m;
  };
  let node, controls, read;
  if (multi || s.type === "boolean") {
    node = el(multi ? "fieldset" : "div", "field");
    const boxes = (multi || [[true, name]]).map(([value, text]) => {
      const box = el("input");
      box.type = "checkbox";
      box.id = `${id}-${seq++}`;
      box.checked = multi ? Array.isArray(def) && def.includes(value) : def === true;
      box.setAttribute("aria-describedby", describedBy);
      const label = el("label", "check");
      label.htmlFor = box.id;
      label.append(box, text);
      return { box, value, label };
    });
    if (multi) {
      const legend = el("legend", 0, name);
      if (required) legend.append(mark(), el("span", "sr", t.required));
      node.append(legend);
      read = () => {
        const v = boxes.filter((b) => b.box.checked).map((b) => b.value);
        return v.length ? v : undefined;
      };
    } else {
      if (required) boxes[0].label.append(mark(), el("span", "sr", t.required));
      read = () => boxes[0].box.checked;
    }
    node.append(...boxes.map((b) => b.label));
    controls = boxes.map((b) => b.box);
  } else {
    node = el("div", "field");
    const label = el("label", 0, name);
    label.htmlFor = id;
    if (required) label.append(mark());
    let c;
    if (single) {
      c = el("select");
      const blank = !required || def === undefined;
      if (blank) c.append(el("option", 0, t.none));
      for (const [value, text] of single) {
        const o = el("option", 0, text);
        o.selected = value === def;
        c.append(o);
      }
      read = () => single[c.selectedIndex - (blank ? 1 : 0)]?.[0];
    } else {
      c = el("input");
      const num = s.type === "number" || s.type === "integer";
      const dt = s.format === "date-time";
      c.type = num ? "number" : INPUT_TYPE[s.format] || "text";
      if (num) {
        c.step = s.type === "integer" ? "1" : "any";
        if (s.minimum != null) c.min = s.minimum;
        if (s.maximum != null) c.max = s.maximum;
      } else {
        if (s.minLength != null) c.minLength = s.minLength;
        if (s.maxLength != null) c.maxLength = s.maxLength;
        if (dt) c.step = "1";
      }
      if (def != null) c.value = dt ? localDateTime(def) : String(def);
      read = () => {
        const v = c.value;
        if (v === "") return undefined;
        return num ? Number(v) : dt ? new Date(v).toISOString() : v;
      };
    }
    c.id = id;
    c.required = !!required;
    c.setAttribute("aria-describedby", describedBy);
    node.append(label, c);
    controls = [c];
  }
  if (hint) node.append(hint);
  node.append(err);
  return { key, name, controls, err, read, node };
}

function injectStyle(doc, nonce) {
  if (doc.getElementById(`${P}-style`)) return;
  const style = doc.createElement("style");
  style.id = `${P}-style`;
  if (nonce) style.nonce = nonce;
  style.textContent = CSS;
  doc.head.append(style);
}

/**
 * Shows the consent (URL mode) or form (form mode) dialog for one elicitation request.
 * @param {object} req what onElicitation receives
 * @param {{ parent?: Element, signal?: AbortSignal, nonce?: string, text?: object }} [options]
 * @returns {Promise<{ action: "accept", content?: object } | { action: "decline" } | { action: "cancel" }>}
 */
export function showElicitationDialog(req, options = {}) {
  // The library aborts req.signal when the elicitation settles elsewhere (server notification,
  // the call aborted, the client closed): the dialog closes with it.
  if (!options.signal && req.signal) options = { ...options, signal: req.signal };
  const t = { ...TEXT, ...options.text };
  const { uid, dialog, title } = frame(options, req.mode === "url" ? t.urlTitle : t.formTitle);
  const message = el("p", "message", req.message ?? "");
  message.id = uid + "-m";
  dialog.setAttribute("aria-labelledby", title.id);
  dialog.setAttribute("aria-describedby", message.id);
  const server = req.server || {};
  dialog.append(title, el("p", "server", t.from + (server.title || server.name || "?")), message);
  const actions = el("div", "actions");

  return new Promise((resolve) => {
    let finished = false;
    const finish = (result, effect) => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener("abort", onAbort);
      try {
        effect?.();
      } finally {
        if (dialog.open) dialog.close();
        dialog.remove();
        resolve(result);
      }
    };
    const onAbort = () => finish(CANCEL);
    const urlMode = req.mode === "url";
    const cancel = () => finish(CANCEL, urlMode ? () => req.cancel() : null);
    const cancelButton = button(t.cancel, 0, cancel);
    const declineButton = button(t.decline, 0, () => finish(DECLINE, urlMode ? () => req.decline() : null));
    let focus = dialog;

    if (urlMode) {
      const host = String(req.host || "");
      const reg = String(req.registrableDomain || "");
      const url = el("p", "url");
      const warnings = new Set(req.warnings || []);
      let u;
      try {
        u = new URL(req.url);
      } catch {}
      if (u) {
        const shown = host || u.hostname;
        const user = u.username || u.password ? `${u.username}${u.password ? ":" + u.password : ""}@` : "";
        if (user) warnings.add("credentials");
        url.append(`${u.protocol}//${user}`, hostNodes(shown, reg), (u.port ? ":" + u.port : "") + u.pathname + u.search + u.hash);
        const hostLine = el("p", 0, t.host);
        hostLine.append(hostNodes(shown, reg));
        dialog.append(url, hostLine);
        if (u.hostname !== shown) dialog.append(el("p", "encoded", t.encoded + u.hostname));
      } else {
        url.textContent = String(req.url);
        dialog.append(url);
      }
      if (warnings.size) {
        const list = el("ul", "warnings");
        for (const w of warnings) list.append(el("li", 0, t[w] || `${t.warning} (${w}).`));
        dialog.append(list);
      }
      const status = el("p", "status");
      status.setAttribute("role", "status");
      const openButton = () => button(t.open, "primary", onOpen);
      function onOpen() {
        const opened = open(req); // first: window.open must run inside this click
        if (finished) return;
        status.textContent = t.waiting;
        const done = button(t.done, "primary", () => finish(ACCEPT, () => req.done()));
        actions.replaceChildren(done, cancelButton);
        done.focus();
        opened.then(
          (r) => finish(r && r.status === "done" ? ACCEPT : CANCEL),
          (e) => {
            if (finished) return;
            if (e && e.code === POPUP_BLOCKED) {
              status.textContent = t.blocked;
              const again = openButton();
              actions.replaceChildren(again, declineButton, cancelButton);
              again.focus();
            } else finish(CANCEL);
          },
        );
      }
      actions.append(openButton(), declineButton, cancelButton);
      dialog.append(status, actions);
    } else {
      const schema = req.requestedSchema || {};
      const required = new Set(schema.required || []);
      const defaults = req.defaults || {};
      const form = el("form", "form");
      form.noValidate = true;
      const formError = el("p", "error");
      formError.setAttribute("role", "alert");
      formError.tabIndex = -1;
      const fields = Object.entries(schema.properties || {}).map(([key, s]) =>
        field(key, s || {}, required.has(key), defaults[key] ?? s?.default, uid, t),
      );
      const submit = el("button", "primary", t.submit);
      submit.type = "submit";
      actions.append(submit, declineButton, cancelButton);
      form.append(...fields.map((f) => f.node), formError, actions);
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        const content = {};
        for (const f of fields) {
          const v = f.read();
          if (v !== undefined) content[f.key] = v;
        }
        let violations;
        try {
          violations = req.validate ? req.validate(content) || [] : [];
        } catch (x) {
          violations = [{ field: "", message: String(x?.message ?? x) }];
        }
        formError.textContent = "";
        for (const f of fields) {
          f.err.textContent = "";
          for (const c of f.controls) c.removeAttribute("aria-invalid");
        }
        let first = null;
        for (const v of violations) {
          const f = fields.find((f) => f.key === v.field);
          const target = f ? f.err : formError;
          target.textContent += (target.textContent ? " " : "") + (f ? `${f.name} ${v.message}` : v.field ? `${v.field}: ${v.message}` : v.message);
          if (f) for (const c of f.controls) c.setAttribute("aria-invalid", "true");
          first ??= f ? f.controls[0] : formError;
        }
        if (first) first.focus();
        else finish({ action: "accept", content });
      });
      dialog.append(form);
      focus = fields[0]?.controls[0] || submit;
    }

    if (options.signal?.aborted) return resolve(CANCEL);
    options.signal?.addEventListener("abort", onAbort);
    present(dialog, options, focus, cancel);
  });
}

// A new <dialog> (not yet in the document) and its title, with ids unique in the page.
function frame(options, titleText) {
  injectStyle(document, options.nonce);
  const uid = `${P}-${++seq}`;
  const dialog = el("dialog");
  dialog.className = P;
  dialog.tabIndex = -1;
  const title = el("h2", "title", titleText);
  title.id = uid + "-t";
  return { uid, dialog, title };
}

// req.open() as a promise, also when it throws.
function open(req) {
  try {
    return Promise.resolve(req.open());
  } catch (e) {
    return Promise.reject(e);
  }
}

// Escape and close() cancel; the dialog goes modal with focus where it is safe (never on the
// consenting button).
function present(dialog, options, focus, cancel) {
  dialog.addEventListener("cancel", (e) => {
    e.preventDefault();
    cancel();
  });
  dialog.addEventListener("close", cancel);
  (options.parent || document.body || document.documentElement).append(dialog);
  try {
    dialog.showModal();
  } catch {
    return cancel(); // e.g. an inactive document: no UI, no consent
  }
  focus.focus();
}

/**
 * The authorization variant: what `auth.onAuthorization` receives, as a dialog that says which
 * server asks the user to sign in where, with Sign in (req.open(), first thing in its click:
 * the popup opens inside the gesture) and Cancel (req.cancel(); Escape too). It stays open
 * while the user signs in in the other window and closes when req.open() settles; a blocked
 * popup (-33011) offers Sign in again.
 * @param {object} req what auth.onAuthorization receives
 * @param {{ parent?: Element, nonce?: string, text?: object }} [options]
 * @returns {Promise<void>} settles when the dialog closes
 */
export function showAuthorizationDialog(req, options = {}) {
  const t = { ...TEXT, ...options.text };
  const { uid, dialog, title } = frame(options, t.authTitle);
  let issuer = String(req.issuer ?? "");
  let server = String(req.server?.url ?? "");
  try {
    issuer = new URL(issuer).host;
    server = new URL(server).host;
  } catch {}
  const message = el("p", "message", t.authMessage);
  message.id = uid + "-m";
  dialog.setAttribute("aria-labelledby", title.id);
  dialog.setAttribute("aria-describedby", message.id);
  const where = el("p", 0, t.authAt);
  where.append(el("strong", "host", issuer));
  dialog.append(title, el("p", "server", t.from + server), message, where);
  const scopes = Array.from(req.scopes ?? [], String);
  if (scopes.length) dialog.append(el("p", "hint", t.authScopes + scopes.join(", ")));
  const status = el("p", "status");
  status.setAttribute("role", "status");
  const actions = el("div", "actions");
  dialog.append(status, actions);

  return new Promise((resolve) => {
    let finished = false;
    const finish = (effect) => {
      if (finished) return;
      finished = true;
      try {
        effect?.();
      } finally {
        if (dialog.open) dialog.close();
        dialog.remove();
        resolve();
      }
    };
    const cancelButton = button(t.cancel, 0, () => finish(() => req.cancel()));
    const signIn = () => button(t.signIn, "primary", onSignIn);
    function onSignIn() {
      const opened = open(req); // first: window.open must run inside this click
      status.textContent = t.authWaiting;
      actions.replaceChildren(cancelButton);
      opened.then(
        () => finish(),
        (e) => {
          if (finished) return;
          if (e && e.code === POPUP_BLOCKED) {
            status.textContent = t.blocked;
            const again = signIn();
            actions.replaceChildren(again, cancelButton);
            again.focus();
          } else finish();
        },
      );
    }
    actions.append(signIn(), cancelButton);
    present(dialog, options, dialog, () => finish(() => req.cancel()));
  });
}
