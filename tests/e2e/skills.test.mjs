// pkg/skills.js (the SEP-2640 skills add-on) run directly in Node against an in-process fake
// client: it answers skills/list and resources/read from tables and records every call, so the
// tests can serve what real servers never do (tampered files, wrong sizes, bad entries). The
// conformance suite's sep-2640-client-* scenarios run the same module in Chromium.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import test from "node:test";
import { getSkill, listSkills, parseFrontmatter, readSkill, readSkillFile, supportsSkills, SKILLS_EXTENSION } from "../../pkg/skills.js";

const SKILL_MD = "---\nname: pdf-processing\ndescription: Extract, fill, and assemble PDF documents\nmetadata:\n  version: \"2.1\"\n  owner: docs # a comment\n---\n\n# PDF processing\n\nSee references/FORMS.md.\n";
const FRONTMATTER = { name: "pdf-processing", description: "Extract, fill, and assemble PDF documents", metadata: { version: "2.1", owner: "docs" } };
const FORMS = "Supporting content, ünïcödé.\n";
const LOGO = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
const ROOT = "skill://pdf-processing";

// Digests by node:crypto, independently of the module's WebCrypto.
const describe = (uri, data) => ({ uri, digest: "sha256:" + createHash("sha256").update(data).digest("hex"), size: Buffer.byteLength(data) });

/** An entry whose resources describe `files` (uri -> text or Buffer). */
function entryFor(files, frontmatter = FRONTMATTER, uri = `${ROOT}/SKILL.md`) {
  return { uri, frontmatter, resources: Object.entries(files).map(([u, data]) => describe(u, data)) };
}

/** A fake McpClient: `pages` are skills/list results in order; `served` maps a URI to what
 *  resources/read answers (text, a Buffer as blob, or a whole result object). */
function fakeClient({ pages = [], served = {}, declared = true } = {}) {
  const calls = [];
  return {
    calls,
    serverCapabilities: { resources: {}, ...(declared ? { extensions: { [SKILLS_EXTENSION]: {} } } : {}) },
    async request(method, params, options) {
      calls.push({ method, params, options });
      if (method === "skills/list") {
        const i = calls.filter((c) => c.method === "skills/list").length - 1;
        return { resultType: "complete", ttlMs: 0, cacheScope: "private", ...pages[Math.min(i, pages.length - 1)] };
      }
      if (method === "skills/get") return { resultType: "complete", skill: pages[0].skills.find((s) => s.uri === params.uri) };
      throw Object.assign(new Error(`unexpected ${method}`), { name: "McpError", code: -32601 });
    },
    async readResource(uri, options) {
      calls.push({ method: "resources/read", params: { uri }, options });
      const data = served[uri];
      if (data === undefined) throw Object.assign(new Error(`no ${uri}`), { name: "McpError", code: -32602 });
      if (Buffer.isBuffer(data)) return { contents: [{ uri, mimeType: "image/png", blob: data.toString("base64") }] };
      if (typeof data === "string") return { contents: [{ uri, mimeType: "text/markdown", text: data }] };
      return data;
    },
  };
}

const reads = (client) => client.calls.filter((c) => c.method === "resources/read").map((c) => c.params.uri);

/** Asserts `promise` rejects with an McpError of `code` (and `data.check`), whose message and
 *  data carry none of `secret` (the refused content). */
async function refuses(promise, code, check, secret = "Evil") {
  let error;
  await assert.rejects(promise, (e) => ((error = e), true));
  assert.ok(error instanceof Error, "an Error");
  assert.equal(error.name, "McpError");
  assert.equal(error.code, code, error.message);
  if (check !== undefined) assert.equal(error.data?.check, check, error.message);
  assert.ok(!JSON.stringify({ m: error.message, d: error.data }).includes(secret), "the refused content is not in the error");
  return error;
}

const good = { [`${ROOT}/SKILL.md`]: SKILL_MD, [`${ROOT}/references/FORMS.md`]: FORMS, [`${ROOT}/assets/logo.png`]: LOGO };

test("listSkills follows cursors, keeps entries as given, separates invalid ones, and reads no file", async () => {
  const a = entryFor(good);
  const b = { uri: "skill://acme/billing/refunds/SKILL.md", frontmatter: { name: "refunds", description: "Refunds", license: "MIT" }, resources: "dynamic" };
  const bad = [
    { uri: "skill://x/SKILL.md", frontmatter: { name: "x", description: "d" } }, // no resources
    { uri: "skill://x/SKILL.md", frontmatter: { name: "y", description: "d" }, resources: "dynamic" }, // name is not the last segment
    { uri: "skill://x/README.md", frontmatter: { name: "x", description: "d" }, resources: "dynamic" }, // not a SKILL.md
    { uri: "skill://x/SKILL.md", frontmatter: { name: "x" }, resources: "dynamic" }, // no description
    { ...entryFor({ "skill://x/SKILL.md": "s" }, { name: "x", description: "d" }, "skill://x/SKILL.md"), resources: [{ uri: "skill://x/SKILL.md", digest: "sha256:ABC", size: 1 }] },
    entryFor({ "skill://x/other.md": "s" }, { name: "x", description: "d" }, "skill://x/SKILL.md"), // SKILL.md not listed
    entryFor({ "skill://x/SKILL.md": "s", "skill://y/secret.md": "t" }, { name: "x", description: "d" }, "skill://x/SKILL.md"), // outside the skill
    { ...entryFor({ "skill://x/SKILL.md": "s" }, { name: "x", description: "d" }, "skill://x/SKILL.md"), resources: "static" },
    "not an object",
  ];
  const client = fakeClient({ pages: [{ skills: [a, ...bad.slice(0, 4)], nextCursor: "page-2" }, { skills: [b, ...bad.slice(4)] }] });
  assert.equal(supportsSkills(client), true);
  const { skills, invalid } = await listSkills(client, { timeoutMs: 1234 });
  assert.deepEqual(skills, [a, b]);
  assert.deepEqual(invalid.map((x) => x.entry), bad);
  for (const x of invalid) assert.equal(typeof x.problem, "string");
  assert.deepEqual(client.calls.map((c) => [c.method, c.params]), [["skills/list", {}], ["skills/list", { cursor: "page-2" }]]);
  assert.deepEqual(client.calls[0].options, { timeoutMs: 1234 }, "request options go through");
  assert.deepEqual(reads(client), [], "no file is read on listing");
});

test("listSkills: nothing is sent to a server that does not declare the extension (-33032)", async () => {
  const client = fakeClient({ declared: false, pages: [{ skills: [] }] });
  assert.equal(supportsSkills(client), false);
  await refuses(listSkills(client), -33032);
  await refuses(getSkill(client, `${ROOT}/SKILL.md`), -33032);
  assert.deepEqual(client.calls, []);
});

test("listSkills gives up on a repeated cursor and after maxPages (-33033); a listing without skills is -33031", async () => {
  const repeating = fakeClient({ pages: [{ skills: [], nextCursor: "same" }] });
  await refuses(listSkills(repeating), -33033);
  assert.equal(repeating.calls.length, 2, "stops at the first cursor it had already sent");
  const endless = fakeClient({ pages: Array.from({ length: 10 }, (_, i) => ({ skills: [], nextCursor: `c${i}` })) });
  await refuses(listSkills(endless, { maxPages: 3 }), -33033);
  assert.equal(endless.calls.length, 3);
  await refuses(listSkills(fakeClient({ pages: [{ tools: [] }] })), -33031);
});

test("getSkill returns a valid entry and refuses an invalid one (-33031)", async () => {
  const a = entryFor(good);
  const client = fakeClient({ pages: [{ skills: [a, { uri: "skill://x/SKILL.md", frontmatter: { name: "x", description: "d" } }] }] });
  assert.deepEqual(await getSkill(client, a.uri), a);
  await refuses(getSkill(client, "skill://x/SKILL.md"), -33031);
  assert.deepEqual(reads(client), []);
});

test("a good SKILL.md and good supporting files are accepted, each read only when asked", async () => {
  const entry = entryFor(good);
  const client = fakeClient({ served: good });
  const skill = await readSkill(client, entry, { timeoutMs: 99 });
  assert.deepEqual(skill, { uri: entry.uri, mimeType: "text/markdown", text: SKILL_MD, body: "\n# PDF processing\n\nSee references/FORMS.md.\n", frontmatter: FRONTMATTER });
  assert.deepEqual(reads(client), [entry.uri]);
  assert.deepEqual(client.calls[0].options, { timeoutMs: 99 }, "allowDynamic stays out, request options go through");
  assert.deepEqual(await readSkillFile(client, entry, "references/FORMS.md"), { uri: `${ROOT}/references/FORMS.md`, mimeType: "text/markdown", text: FORMS });
  const logo = await readSkillFile(client, entry, `${ROOT}/assets/logo.png`);
  assert.deepEqual(Buffer.from(logo.blob, "base64"), LOGO);
  assert.deepEqual(reads(client), [entry.uri, `${ROOT}/references/FORMS.md`, `${ROOT}/assets/logo.png`]);
  // readSkillFile on SKILL.md verifies its frontmatter too.
  assert.equal((await readSkillFile(client, entry, "SKILL.md")).text, SKILL_MD);
});

test("a tampered file (same size, other bytes) is refused: -33030 digest", async () => {
  const entry = entryFor(good);
  const evil = SKILL_MD.replace("PDF processing", "Evil processin");
  assert.equal(evil.length, SKILL_MD.length);
  const client = fakeClient({ served: { ...good, [entry.uri]: evil, [`${ROOT}/references/FORMS.md`]: FORMS.replace("Supporting", "Evil  nope") } });
  const e = await refuses(readSkill(client, entry), -33030, "digest");
  assert.match(e.data.actual, /^sha256:[0-9a-f]{64}$/);
  assert.equal(e.data.expected, entry.resources[0].digest);
  await refuses(readSkillFile(client, entry, "references/FORMS.md"), -33030, "digest");
  const blob = fakeClient({ served: { ...good, [`${ROOT}/assets/logo.png`]: Buffer.from([...LOGO].reverse()) } });
  await refuses(readSkillFile(blob, entry, "assets/logo.png"), -33030, "digest");
});

test("a read whose byte length differs from size is refused: -33030 size (UTF-8 bytes, blob bytes)", async () => {
  const entry = entryFor(good);
  const client = fakeClient({ served: { ...good, [entry.uri]: SKILL_MD + "Evil extra\n" } });
  const e = await refuses(readSkill(client, entry), -33030, "size");
  assert.deepEqual([e.data.expected, e.data.actual], [Buffer.byteLength(SKILL_MD), Buffer.byteLength(SKILL_MD) + 11]);
  // Same number of UTF-16 units, more UTF-8 bytes: the size is in bytes.
  const wide = FORMS.replace("S", "é");
  assert.equal(wide.length, FORMS.length);
  await refuses(readSkillFile(fakeClient({ served: { [`${ROOT}/references/FORMS.md`]: wide } }), entry, "references/FORMS.md"), -33030, "size");
  await refuses(readSkillFile(fakeClient({ served: { [`${ROOT}/assets/logo.png`]: Buffer.concat([LOGO, Buffer.from([0])]) } }), entry, "assets/logo.png"), -33030, "size");
});

test("a SKILL.md whose frontmatter differs from the entry's is refused: -33030 frontmatter, with the field", async () => {
  const cases = [
    ["description: Extract, fill, and assemble PDF documents", "description: Evil exfiltrate credentials", "description"],
    ["name: pdf-processing\n", "name: pdf-processing\nallowed-tools: Evil Bash\n", "allowed-tools"],
    ["  owner: docs # a comment\n", "", "metadata.owner"],
    ['  version: "2.1"', '  version: "Evil 2.2"', "metadata.version"],
    ['  version: "2.1"', "  version: 2.1", "metadata.version"], // the number 2.1 is not the string "2.1"
  ];
  for (const [from, to, field] of cases) {
    const text = SKILL_MD.replace(from, to);
    assert.notEqual(text, SKILL_MD);
    // Digest and size match the served file: only the frontmatter comparison can refuse it.
    const entry = entryFor({ [`${ROOT}/SKILL.md`]: text });
    const e = await refuses(readSkill(fakeClient({ served: { [entry.uri]: text } }), entry), -33030, "frontmatter");
    assert.equal(e.data.field, field);
  }
});

test("a SKILL.md whose frontmatter this reader cannot parse is refused: -33030 frontmatter, with the line", async () => {
  const texts = [
    "no frontmatter at all\n",
    "---\nname: pdf-processing\ndescription: never closed\n",
    "---\nname: pdf-processing\ndescription: [a, b]\n---\n",
    "---\nname: pdf-processing\ndescription: &anchor text\n---\n",
    "---\nname: pdf-processing\ndescription: a long\n  continued line\n---\n",
    "---\nname: pdf-processing\ndescription: yes\n---\n",
    "---\nname: pdf-processing\nname: pdf-processing\ndescription: d\n---\n",
    "---\nname: pdf-processing\n\tdescription: tab\n---\n",
    "---\nname: pdf-processing\ndescription: \"unterminated\n---\n",
    "---\nname: pdf-processing\ndescription: d\ntags:\n  - a\n---\n",
  ];
  for (const text of texts) {
    const entry = entryFor({ [`${ROOT}/SKILL.md`]: text });
    const e = await refuses(readSkill(fakeClient({ served: { [entry.uri]: text } }), entry), -33030, "frontmatter", "\u0000");
    assert.equal(typeof e.data.line, "number", `${JSON.stringify(text)}: ${e.message}`);
  }
});

test("unlisted files are refused before any read: -33030 unlisted", async () => {
  const entry = entryFor(good);
  const client = fakeClient({ served: { ...good, [`${ROOT}/references/NEW.md`]: "x", "skill://other/SKILL.md": "x" } });
  for (const uri of ["references/NEW.md", "../other/SKILL.md", "skill://other/SKILL.md", `${ROOT}/references/./FORMS.md`]) {
    await refuses(readSkillFile(client, entry, uri), -33030, "unlisted");
  }
  assert.deepEqual(reads(client), []);
});

test('"dynamic" skills: refused unless allowDynamic; then files of the skill only, SKILL.md still compared', async () => {
  const entry = { uri: `${ROOT}/SKILL.md`, frontmatter: FRONTMATTER, resources: "dynamic" };
  const client = fakeClient({ served: good });
  await refuses(readSkill(client, entry), -33030, "dynamic");
  assert.deepEqual(reads(client), []);
  assert.equal((await readSkill(client, entry, { allowDynamic: true })).text, SKILL_MD);
  assert.equal((await readSkillFile(client, entry, "references/FORMS.md", { allowDynamic: true })).text, FORMS);
  await refuses(readSkillFile(client, entry, "../other/SKILL.md", { allowDynamic: true }), -33030, "unlisted");
  const tampered = fakeClient({ served: { [entry.uri]: SKILL_MD.replace("docs", "Evil") } });
  await refuses(readSkill(tampered, entry, { allowDynamic: true }), -33030, "frontmatter");
});

test("an invalid entry, or an answer that is not exactly one text or blob, is refused", async () => {
  const client = fakeClient({ served: good });
  await refuses(readSkill(client, { uri: `${ROOT}/SKILL.md`, frontmatter: FRONTMATTER }), -33031);
  await refuses(readSkill(client, undefined), -33031);
  assert.deepEqual(reads(client), []);
  const entry = entryFor(good);
  const answers = [{ contents: [] }, { contents: [{ uri: entry.uri, text: SKILL_MD }, { uri: entry.uri, text: SKILL_MD }] }, { contents: [{ uri: entry.uri }] }, { contents: [{ uri: entry.uri, blob: "not base64!" }] }];
  for (const answer of answers) await refuses(readSkill(fakeClient({ served: { [entry.uri]: answer } }), entry), -33030, "content");
});

test("parseFrontmatter reads the subset exactly and refuses the rest", () => {
  const read = (yaml) => parseFrontmatter(`---\n${yaml}\n---\nbody`).frontmatter;
  assert.deepEqual(read("a: plain text # comment\nb: 'it''s'\nc: \"t\\tab \\u00e9 \\\"q\\\"\"\nd: 3\ne: -1.5\nf: true\ng: null\nh:\ni: https://x.example/#frag"), {
    a: "plain text", b: "it's", c: 't\tab é "q"', d: 3, e: -1.5, f: true, g: null, h: null, i: "https://x.example/#frag",
  });
  assert.deepEqual(read("m:\n  n:\n    o: 1\n  p: 2.1.0\nq: x"), { m: { n: { o: 1 }, p: "2.1.0" }, q: "x" });
  assert.deepEqual(read("l: |\n  one\n    two\n\n  three\n\nk: >-\n  folded\n  text\n\n  next"), { l: "one\n  two\n\nthree\n", k: "folded text\nnext" });
  assert.deepEqual(parseFrontmatter("\uFEFF---\r\nname: a\r\n---\r\nbody\r\n"), { frontmatter: { name: "a" }, body: "body\r\n" });
  for (const yaml of ["a: {b: 1}", "a: *alias", "a: !!str 1", "a: 0755", "a: 1e3", "a: 2024-01-01", "a: 12:30", "a: b: c", "'q': 1", "a: |+\n  x", "a: >\n  x\n    deeper", "- item", "a: \"\\q\"", "a: x\n  b: y", "m:\n    deep: 1\n  shallow: 2"]) {
    assert.throws(() => read(yaml), /frontmatter line \d+/, yaml);
  }
});
