// mcp-web-client: the MCP skills extension (SEP-2640, `io.modelcontextprotocol/skills`) over
// the public McpClient API; no wasm of its own.
//
//   import { listSkills, readSkill, readSkillFile } from "mcp-web-client/skills.js";
//   const { skills } = await listSkills(client);              // skills/list, every page; reads nothing
//   const skill = await readSkill(client, skills[0]);         // SKILL.md, verified: { text, body, frontmatter }
//   const file = await readSkillFile(client, skills[0], "references/FORMS.md"); // verified too
//
// Files are read only when asked (the extension forbids prefetching). Every read is checked
// against the entry before anything is returned: the URI must be listed in `resources`, the
// byte length must equal `size`, the SHA-256 must equal `digest`, and SKILL.md's YAML
// frontmatter must equal the entry's `frontmatter` field by field. Any failure rejects with
// code -33030 and the content is dropped. A skill whose `resources` is "dynamic" has nothing to
// verify bytes against: it is refused unless `{ allowDynamic: true }`. The YAML reader takes
// only a strict subset (block maps, plain and quoted scalars, `|` and `>` blocks) and refuses
// the rest rather than guess.
//
// Errors (`name` "McpError", numeric `code`, `data`):
//   -33030  a read failed verification; data: { uri, check: "unlisted" | "dynamic" | "content"
//           | "size" | "digest" | "frontmatter", expected?, actual?, field?, line? }
//   -33031  an invalid skill entry, or a skills/list / skills/get answer of the wrong shape
//   -33032  the server does not declare the extension (nothing is sent)
//   -33033  listSkills gave up: more than maxPages pages, or a cursor it had already sent
//
// No dependencies; Node 20+ and browsers (crypto.subtle needs a secure context there).

export const SKILLS_EXTENSION = "io.modelcontextprotocol/skills";

class McpError extends Error {
  constructor(code, message, data) {
    super(message);
    this.name = "McpError";
    this.code = code;
    if (data !== undefined) this.data = data;
  }
}

const VERIFY = -33030;
const INVALID = -33031;
const UNDECLARED = -33032;
const PAGES = -33033;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
// A skill URI names its SKILL.md; the segment before it is the skill's name.
const SKILL_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^?#]*\/)?([^/?#]+)\/SKILL\.md$/;

const isMap = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** Whether the server declared the skills extension. */
export function supportsSkills(client) {
  const ext = client.serverCapabilities?.extensions;
  return isMap(ext) && isMap(ext[SKILLS_EXTENSION]);
}

function requireDeclared(client) {
  if (!supportsSkills(client)) throw new McpError(UNDECLARED, `the server does not declare the ${SKILLS_EXTENSION} extension`);
}

/** What is wrong with a skill entry, or undefined when it has the extension's shape. */
function entryProblem(e) {
  if (!isMap(e)) return "not an object";
  if (typeof e.uri !== "string") return "no uri";
  const fm = e.frontmatter;
  if (!isMap(fm) || typeof fm.name !== "string" || typeof fm.description !== "string") return "frontmatter needs a string name and description";
  const m = SKILL_URI.exec(e.uri);
  if (!m) return `uri ${e.uri} does not end in <name>/SKILL.md`;
  if (m[1] !== fm.name) return `the uri's skill name ${m[1]} is not frontmatter.name ${fm.name}`;
  if (e.resources === "dynamic") return undefined;
  if (!Array.isArray(e.resources)) return `resources is neither an array nor "dynamic"`;
  const root = e.uri.slice(0, -"SKILL.md".length);
  const seen = new Set();
  for (const r of e.resources) {
    if (!isMap(r) || typeof r.uri !== "string" || typeof r.digest !== "string" || !DIGEST.test(r.digest) || !Number.isSafeInteger(r.size) || r.size < 0) {
      return `a resource without a uri, a sha256:<64 hex> digest and a byte size: ${JSON.stringify(r)}`;
    }
    if (!r.uri.startsWith(root)) return `resource ${r.uri} is outside the skill`;
    if (seen.has(r.uri)) return `resource ${r.uri} is listed twice`;
    seen.add(r.uri);
  }
  if (!seen.has(e.uri)) return "resources does not list SKILL.md";
  return undefined;
}

/**
 * skills/list, every page. Resolves { skills, invalid }: the entries of the extension's shape
 * as the server gave them, and the others with what is wrong with each (never to be loaded).
 */
export async function listSkills(client, options = {}) {
  requireDeclared(client);
  const { maxPages = 100, ...req } = options;
  const skills = [];
  const invalid = [];
  const sent = new Set();
  let cursor;
  for (let page = 0; ; page++) {
    if (page >= maxPages) throw new McpError(PAGES, `listSkills gave up after ${maxPages} pages`);
    const result = await client.request("skills/list", cursor === undefined ? {} : { cursor }, req);
    if (!Array.isArray(result?.skills)) throw new McpError(INVALID, "skills/list answered without a skills array");
    for (const entry of result.skills) {
      const problem = entryProblem(entry);
      if (problem) invalid.push({ entry, problem });
      else skills.push(entry);
    }
    cursor = result.nextCursor;
    if (typeof cursor !== "string" || cursor === "") return { skills, invalid };
    if (sent.has(cursor)) throw new McpError(PAGES, `skills/list repeated the cursor ${JSON.stringify(cursor)}`);
    sent.add(cursor);
  }
}

/** skills/get: the current entry of one skill, by its SKILL.md URI. */
export async function getSkill(client, uri, options = {}) {
  requireDeclared(client);
  const result = await client.request("skills/get", { uri }, options);
  const problem = entryProblem(result?.skill);
  if (problem) throw new McpError(INVALID, `skills/get ${uri}: invalid entry (${problem})`, { uri, problem });
  return result.skill;
}

/** Reads SKILL.md of `entry`, verified; resolves its content item plus text, body and frontmatter. */
export async function readSkill(client, entry, options = {}) {
  const { content, text, body } = await load(client, entry, entry?.uri, options);
  return { ...content, text, body, frontmatter: entry.frontmatter };
}

/** Reads one file of `entry` (a URI, or a path relative to the skill's root), verified. */
export async function readSkillFile(client, entry, uri, options = {}) {
  return (await load(client, entry, uri, options)).content;
}

async function load(client, entry, uri, { allowDynamic = false, ...req }) {
  const problem = entryProblem(entry);
  if (problem) throw new McpError(INVALID, `invalid skill entry (${problem})`, { uri: entry?.uri, problem });
  if (typeof uri !== "string") throw new McpError(-33006, "readSkillFile needs a URI or a relative path");
  const root = entry.uri.slice(0, -"/SKILL.md".length);
  // Relative references resolve against the skill's root, as in the filesystem form.
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) uri = `${root}/${uri}`;
  const fail = (check, message, more) => new McpError(VERIFY, `skill file ${uri} refused: ${message}`, { uri, check, ...more });
  let listed;
  if (entry.resources === "dynamic") {
    if (!allowDynamic) throw fail("dynamic", 'the skill\'s resources are "dynamic": nothing to verify against (pass allowDynamic to read it anyway)');
    const rest = uri.slice(root.length);
    if (!uri.startsWith(root + "/") || /\/\.\.?(\/|$)/.test(rest)) throw fail("unlisted", "not a file of the skill");
  } else {
    listed = entry.resources.find((r) => r.uri === uri);
    if (!listed) throw fail("unlisted", "not listed in the skill's resources");
  }

  const { contents } = await client.readResource(uri, req);
  const all = Array.isArray(contents) ? contents : [];
  const own = all.filter((c) => c?.uri === uri);
  const items = own.length ? own : all;
  const content = items.length === 1 ? items[0] : undefined;
  let bytes;
  try {
    if (typeof content?.text === "string") bytes = new TextEncoder().encode(content.text);
    else if (typeof content?.blob === "string") bytes = Uint8Array.from(atob(content.blob), (ch) => ch.charCodeAt(0));
  } catch {
    // atob: not base64
  }
  if (!bytes) throw fail("content", "resources/read did not answer exactly one text or base64 blob for it");
  if (listed) {
    // The size is checked first: a mismatch fails whether or not a digest is computed.
    if (bytes.length !== listed.size) throw fail("size", `${bytes.length} bytes, the entry says ${listed.size}`, { expected: listed.size, actual: bytes.length });
    if (!globalThis.crypto?.subtle) throw fail("digest", "crypto.subtle is unavailable (not a secure context)");
    const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const digest = "sha256:" + Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
    if (digest !== listed.digest) throw fail("digest", `digest ${digest}, the entry says ${listed.digest}`, { expected: listed.digest, actual: digest });
  }
  if (uri !== entry.uri) return { content };

  let text;
  try {
    text = typeof content.text === "string" ? content.text : new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw fail("frontmatter", "SKILL.md is not UTF-8 text");
  }
  let parsed;
  try {
    parsed = parseFrontmatter(text);
  } catch (e) {
    throw fail("frontmatter", e.message, { line: e.line });
  }
  const field = difference(parsed.frontmatter, entry.frontmatter, []);
  if (field !== undefined) throw fail("frontmatter", `frontmatter field "${field}" differs from the entry's`, { field });
  return { content, text, body: parsed.body };
}

/** The first path (a.b.c) where two JSON values differ, or undefined. */
function difference(a, b, path) {
  if (isMap(a) && isMap(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!Object.hasOwn(a, k) || !Object.hasOwn(b, k)) return [...path, k].join(".");
      const d = difference(a[k], b[k], [...path, k]);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return a === b ? undefined : path.join(".");
}

// ---- the YAML subset of frontmatter ------------------------------------------------------

const DELIMITER = /^---[ \t]*$/;
const KEY = /^([A-Za-z0-9_](?:[\w .\/-]*[\w.\/-])?):(?:[ \t]+(.*))?$/;
const TAIL = /^(?:[ \t]+#.*|[ \t]*)$/;
const ESCAPES = { "0": "\0", a: "\x07", b: "\b", t: "\t", "\t": "\t", n: "\n", v: "\v", f: "\f", r: "\r", e: "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", N: "\x85", _: "\xa0", L: "\u2028", P: "\u2029" };
// Plain scalars other YAML readers (1.1, js-yaml) type differently: refused, not guessed.
const AMBIGUOUS = /^(?:[yYnN]|[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?0[xXoObB].*|[-+]?0[0-9_]+(?:\.[0-9_]*)?|[-+]?[0-9][0-9_]*_[0-9_.]*|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|\d{4}-\d\d?-\d\d?(?:[Tt \t].*)?)$/;

class YamlError extends Error {
  constructor(line, message) {
    super(`frontmatter line ${line}: ${message}`);
    this.line = line;
  }
}

/**
 * Splits a SKILL.md into its YAML frontmatter (as a JSON object) and the body after it.
 * Throws on anything outside the subset it reads.
 */
export function parseFrontmatter(text) {
  // Line breaks kept at odd indexes, so the body is returned byte for byte.
  const parts = text.replace(/^\uFEFF/, "").split(/(\r\n|\r|\n)/);
  const lines = parts.filter((_, k) => k % 2 === 0);
  if (!DELIMITER.test(lines[0])) throw new YamlError(1, "SKILL.md does not begin with ---");
  const end = lines.findIndex((l, i) => i > 0 && DELIMITER.test(l));
  if (end < 0) throw new YamlError(1, "no closing ---");
  const frontmatter = Object.create(null);
  const stack = [{ indent: 0, map: frontmatter }];
  let pending; // { map, key, indent }: a key with no value yet, whose map may follow
  for (let i = 1; i < end; i++) {
    const raw = lines[i];
    const n = i + 1;
    if (/^[ \t]*(?:#.*)?$/.test(raw)) continue;
    const indent = /^ */.exec(raw)[0].length;
    if (raw[indent] === "\t") throw new YamlError(n, "a tab in the indentation");
    if (pending) {
      if (indent > pending.indent) stack.push({ indent, map: (pending.map[pending.key] = Object.create(null)) });
      else pending.map[pending.key] = null;
      pending = undefined;
    }
    while (indent < stack.at(-1).indent) stack.pop();
    const { map, indent: at } = stack.at(-1);
    if (indent !== at) throw new YamlError(n, "unexpected indentation (multi-line scalars are not read)");
    const m = KEY.exec(raw.slice(indent));
    if (!m) throw new YamlError(n, "not a `key: value` line this reader understands");
    const key = m[1];
    if (Object.hasOwn(map, key)) throw new YamlError(n, `duplicate key ${key}`);
    const v = m[2] ?? "";
    if (v === "" || v.startsWith("#")) {
      map[key] = null;
      pending = { map, key, indent };
    } else if (v[0] === '"' || v[0] === "'") {
      const [value, rest] = v[0] === '"' ? doubleQuoted(v, n) : singleQuoted(v, n);
      if (!TAIL.test(rest)) throw new YamlError(n, "text after a quoted string");
      map[key] = value;
    } else if (v[0] === "|" || v[0] === ">") {
      const h = /^([|>])(-?)(?:[ \t]+#.*|[ \t]*)$/.exec(v);
      if (!h) throw new YamlError(n, "a block scalar header other than |, |-, > or >-");
      let j = i + 1;
      const block = [];
      for (; j < end; j++) {
        const l = lines[j];
        if (/^ *$/.test(l) || /^ */.exec(l)[0].length > indent) block.push(l);
        else break;
      }
      map[key] = blockScalar(block, h[1] === ">", h[2] === "-", n);
      i = j - 1;
    } else {
      map[key] = plain(v, n);
    }
  }
  return { frontmatter: JSON.parse(JSON.stringify(frontmatter)), body: parts.slice(2 * end + 2).join("") };
}

function plain(v, n) {
  const s = v.replace(/[ \t]+#.*$/, "").trimEnd();
  if (/^[\[\]{},#&*!%@`]|^[-?:](?:[ \t]|$)/.test(s)) throw new YamlError(n, "flow collections, anchors, aliases, tags and sequences are not read");
  if (/:(?:[ \t]|$)/.test(s)) throw new YamlError(n, "a `: ` inside a plain scalar");
  if (/^(?:null|Null|NULL|~)$/.test(s)) return null;
  if (/^(?:true|True|TRUE)$/.test(s)) return true;
  if (/^(?:false|False|FALSE)$/.test(s)) return false;
  if (AMBIGUOUS.test(s)) throw new YamlError(n, `${s} reads differently in different YAML versions: quote it`);
  if (/^[-+]?(?:0|[1-9][0-9]*)$/.test(s)) {
    const x = Number(s);
    if (!Number.isSafeInteger(x)) throw new YamlError(n, `${s} is too large an integer`);
    return x;
  }
  if (/^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$/.test(s)) {
    const x = Number(s);
    if (!Number.isFinite(x)) throw new YamlError(n, `${s} is out of range`);
    return x;
  }
  return s;
}

function doubleQuoted(v, n) {
  let out = "";
  for (let i = 1; i < v.length; i++) {
    const ch = v[i];
    if (ch === '"') return [out, v.slice(i + 1)];
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const e = v[++i];
    if (Object.hasOwn(ESCAPES, e)) {
      out += ESCAPES[e];
      continue;
    }
    const len = { x: 2, u: 4, U: 8 }[e];
    const hex = len ? v.slice(i + 1, i + 1 + len) : "";
    if (!len || !new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex) || parseInt(hex, 16) > 0x10ffff) throw new YamlError(n, `an escape \\${e ?? ""} it does not read`);
    out += String.fromCodePoint(parseInt(hex, 16));
    i += len;
  }
  throw new YamlError(n, "a double-quoted string that does not end on its line");
}

function singleQuoted(v, n) {
  let out = "";
  for (let i = 1; ; ) {
    const j = v.indexOf("'", i);
    if (j < 0) throw new YamlError(n, "a single-quoted string that does not end on its line");
    if (v[j + 1] !== "'") return [out + v.slice(i, j), v.slice(j + 1)];
    out += v.slice(i, j + 1);
    i = j + 2;
  }
}

/** A `|`/`>` block (clip or strip chomping) from its raw lines. */
function blockScalar(raw, folded, strip, n) {
  const first = raw.find((l) => !/^ *$/.test(l));
  if (first === undefined) return "";
  const indent = /^ */.exec(first)[0].length;
  const lines = raw.map((l, k) => {
    const spaces = /^ */.exec(l)[0].length;
    // Spaces past the indentation of a blank line would be content: too subtle to guess.
    if (spaces === l.length && spaces <= indent) return "";
    if (spaces < indent || spaces === l.length) throw new YamlError(n + 1 + k, "a block scalar line indented unlike its first");
    return l.slice(indent);
  });
  while (lines.at(-1) === "") lines.pop();
  if (!folded) return lines.join("\n") + (strip ? "" : "\n");
  // Folding: a line break between two lines is a space, each blank line a newline.
  if (lines.some((l) => /^[ \t]/.test(l))) throw new YamlError(n, "a more-indented line in a folded block");
  let text = "";
  lines.forEach((l, k) => (text += l === "" ? "\n" : k > 0 && lines[k - 1] !== "" ? " " + l : l));
  return strip ? text : text + "\n";
}
