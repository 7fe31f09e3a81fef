// A form generated from a tool's inputSchema (JSON Schema, as the server sent it).
//
//   const form = schemaForm(tool.inputSchema, { prefill: { message: "hi" } });
//   container.replaceChildren(form.node);
//   const { args, errors } = form.read();   // args ready for client.callTool(name, args)
//
// One control per top-level property: string (input typed by `format`), number and integer
// (number input with minimum/maximum), boolean (checkbox), enum (select). Anything else —
// objects, arrays, anyOf/oneOf, several types — gets a JSON textarea, so every tool stays
// callable. Defaults pre-fill the controls; empty optional fields are left out of `args`.
import { h } from "./ui.js";

const INPUT_TYPE = { email: "email", uri: "url", url: "url", date: "date", "date-time": "datetime-local", time: "time" };
let seq = 0;

// The one JSON type of a schema, or null ("type": ["string", "null"] counts as "string").
function typeOf(s) {
  const t = Array.isArray(s.type) ? s.type.filter((x) => x !== "null") : [s.type];
  return t.length === 1 ? t[0] : null;
}

function kindOf(s) {
  if (Array.isArray(s.enum) && s.enum.length && s.enum.every((v) => ["string", "number", "boolean"].includes(typeof v))) return "enum";
  const t = typeOf(s);
  if (t === "string" || t === "number" || t === "integer" || t === "boolean") return t;
  return "json";
}

function field(key, schema, required, prefill) {
  const s = schema && typeof schema === "object" ? schema : {};
  const id = `arg-${++seq}-${key.replace(/[^\w-]/g, "_")}`;
  const kind = kindOf(s);
  const initial = prefill !== undefined ? prefill : s.default;
  const label = h("label", { htmlFor: id }, s.title ?? key,
    required ? h("span", { className: "req", title: "required" }, " *") : null,
    s.title && s.title !== key ? h("code", { className: "key" }, key) : null);
  const hint = s.description ? h("small", { className: "hint", id: id + "-hint", title: s.description }, s.description) : null;
  const err = h("small", { className: "field-error", id: id + "-error", "aria-live": "polite" });
  const describedBy = [hint?.id, err.id].filter(Boolean).join(" ");
  let control;
  let read; // () => value | undefined, or throws Error(message)

  if (kind === "boolean") {
    control = h("input", { type: "checkbox", id, name: key, checked: initial === true, "aria-describedby": describedBy });
    read = () => control.checked;
    const wrap = h("div", { className: "field check" }, h("label", { htmlFor: id, className: "check" }, control, " ", s.title ?? key,
      required ? h("span", { className: "req" }, " *") : null), hint, err);
    return { key, node: wrap, control, err, read };
  }

  if (kind === "enum") {
    control = h("select", { id, name: key, "aria-describedby": describedBy });
    const blank = !required || initial === undefined;
    if (blank) control.append(h("option", { value: "" }, "—"));
    s.enum.forEach((v, i) => control.append(h("option", { value: String(i), selected: v === initial }, String(v))));
    read = () => (control.value === "" ? undefined : s.enum[Number(control.value)]);
  } else if (kind === "json") {
    control = h("textarea", { id, name: key, rows: 3, spellcheck: false, className: "json", "aria-describedby": describedBy,
      placeholder: "JSON", value: initial === undefined ? "" : JSON.stringify(initial, null, 2) });
    read = () => {
      if (control.value.trim() === "") return undefined;
      try {
        return JSON.parse(control.value);
      } catch (e) {
        throw new Error(`is not valid JSON (${e.message})`);
      }
    };
  } else if (kind === "number" || kind === "integer") {
    control = h("input", { type: "number", id, name: key, step: kind === "integer" ? "1" : "any", "aria-describedby": describedBy,
      value: initial === undefined ? "" : String(initial) });
    if (typeof s.minimum === "number") control.min = s.minimum;
    if (typeof s.maximum === "number") control.max = s.maximum;
    read = () => {
      if (control.value.trim() === "") return undefined;
      const n = Number(control.value);
      if (!Number.isFinite(n)) throw new Error("must be a number");
      if (kind === "integer" && !Number.isInteger(n)) throw new Error("must be a whole number");
      if (typeof s.minimum === "number" && n < s.minimum) throw new Error(`must be at least ${s.minimum}`);
      if (typeof s.maximum === "number" && n > s.maximum) throw new Error(`must be at most ${s.maximum}`);
      return n;
    };
  } else {
    const type = INPUT_TYPE[s.format] ?? "text";
    control = h("input", { type, id, name: key, spellcheck: type === "text", "aria-describedby": describedBy,
      value: initial === undefined ? "" : String(initial) });
    if (typeof s.maxLength === "number") control.maxLength = s.maxLength;
    read = () => {
      const v = control.value;
      if (v === "") return undefined;
      if (typeof s.minLength === "number" && v.length < s.minLength) throw new Error(`needs at least ${s.minLength} characters`);
      if (type === "datetime-local") return new Date(v).toISOString();
      return v;
    };
  }
  control.required = required;
  return { key, node: h("div", { className: `field ${kind}` }, label, control, hint, err), control, err, read };
}

/**
 * @param {object} schema a tool's inputSchema
 * @param {{ prefill?: Record<string, unknown> }} [options] values that win over the schema's defaults
 * @returns {{ node: Element, read(): { args?: Record<string, unknown>, errors: number } }}
 */
export function schemaForm(schema, { prefill = {} } = {}) {
  const properties = schema && typeof schema.properties === "object" ? schema.properties : {};
  const required = new Set(Array.isArray(schema?.required) ? schema.required : []);
  const fields = Object.entries(properties).map(([key, s]) => field(key, s, required.has(key), prefill[key]));
  const node = h("div", { className: "schema-form" }, ...fields.map((f) => f.node));
  if (!fields.length) node.append(h("p", { className: "muted" }, "This tool takes no arguments."));

  return {
    node,
    fields,
    read() {
      const args = {};
      let errors = 0;
      let first = null;
      for (const f of fields) {
        f.err.textContent = "";
        f.control.removeAttribute("aria-invalid");
        let value;
        try {
          value = f.read();
          if (value === undefined && required.has(f.key)) throw new Error("is required");
        } catch (e) {
          errors++;
          f.err.textContent = `${f.key} ${e.message}`;
          f.control.setAttribute("aria-invalid", "true");
          first ??= f.control;
          continue;
        }
        if (value !== undefined) args[f.key] = value;
      }
      first?.focus();
      return errors ? { errors } : { args, errors: 0 };
    },
  };
}
