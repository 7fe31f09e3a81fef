// A TypeScript app using every method and option of the package, checked against the generated
// declarations (never run). The calls follow the JS API contract in the design: options and
// pagination parameters are optional, results and event details have precise types (never
// `any`), and the `@ts-expect-error` lines are misuse the declarations must reject.

import init, {
  initSync,
  McpClient,
  McpTask,
  type Task,
  type TaskStatus,
  type CallToolResult,
  type CompleteResult,
  type ContentBlock,
  type CreateMessageRequest,
  type CreateMessageResult,
  type ElicitationRequest,
  type ElicitationResult,
  type GetPromptResult,
  type Implementation,
  type ListPromptsResult,
  type ListResourceTemplatesResult,
  type ListResourcesResult,
  type ListToolsResult,
  type LoggingLevel,
  type LoggingMessage,
  type McpClientEventMap,
  type McpClientEventType,
  type McpClientOptions,
  type McpError,
  type AuthorizationRequiredData,
  type AuthOptions,
  type TokenStore,
  type AuthorizationRequest,
  type Progress,
  type PromptReference,
  type ProtocolVersion,
  type ReadResourceResult,
  type RequestOptions,
  type ResourceTemplateReference,
  type ResourceUpdated,
  type Root,
  type ServerCapabilities,
  type Tool,
} from "../../pkg/mcp_web_client.js";
import { encryptedStore, type EncryptedStore } from "../../pkg/encrypted-store.js";
import { McpClient as FullClient } from "../../pkg/full/mcp_web_client.js";
import { getSkill, listSkills, parseFrontmatter, readSkill, readSkillFile, supportsSkills, SKILLS_EXTENSION, type Skill, type SkillDocument, type SkillVerificationErrorData, type ListSkillsResult, type FrontmatterValue } from "../../pkg/skills.js";

// ---- type-level assertions ---------------------------------------------------------------

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
const assertType = <T extends true>(_?: T): void => {};
type Result<K extends keyof McpClient> = McpClient[K] extends (...args: never[]) => Promise<infer R> ? R : never;

// Every async method resolves with the precise type of the spec (an `any` fails `Equals`).
assertType<Equals<Result<"callTool">, CallToolResult>>();
assertType<Equals<Result<"listTools">, ListToolsResult>>();
assertType<Equals<Result<"listAllTools">, Tool[]>>();
assertType<Equals<Result<"listResources">, ListResourcesResult>>();
assertType<Equals<Result<"listResourceTemplates">, ListResourceTemplatesResult>>();
assertType<Equals<Result<"readResource">, ReadResourceResult>>();
assertType<Equals<Result<"listPrompts">, ListPromptsResult>>();
assertType<Equals<Result<"getPrompt">, GetPromptResult>>();
assertType<Equals<Result<"complete">, CompleteResult>>();
assertType<Equals<Result<"request">, Record<string, unknown>>>();
assertType<Equals<Result<"subscribeResource">, void>>();
assertType<Equals<Result<"unsubscribeResource">, void>>();
assertType<Equals<Result<"setLogLevel">, void>>();
assertType<Equals<Result<"ping">, void>>();
assertType<Equals<Result<"close">, void>>();
assertType<Equals<ReturnType<McpClient["signOut"]>, void>>();
assertType<Equals<ReturnType<typeof McpClient.connect>, Promise<McpClient>>>();
assertType<Equals<McpClient["serverInfo"], Implementation>>();
assertType<Equals<McpClient["serverCapabilities"], ServerCapabilities>>();
assertType<Equals<McpClient["instructions"], string | undefined>>();
assertType<Equals<McpClient["sessionId"], string | undefined>>();
assertType<Equals<McpClient["closed"], boolean>>();
assertType<Equals<McpError["code"], number>>();
assertType<Equals<AuthorizationRequiredData["resourceMetadata"], string | undefined>>();
assertType<Equals<AuthorizationRequiredData["status"], 401 | 403>>();
assertType<Equals<AuthorizationRequest["open"], () => Promise<void>>>();
assertType<Equals<AuthOptions["redirectUri"], string>>();
const auth: AuthOptions = { redirectUri: "https://app.example/cb.html", onAuthorization: (req) => void req.open() };
void auth;
const kept = new Map<string, string>();
const store: TokenStore = { get: async (k) => kept.get(k), set: (k, v) => void kept.set(k, v), delete: (k) => void kept.delete(k) };
const encrypted: EncryptedStore = encryptedStore({ database: "my-app" });
const stored: AuthOptions[] = [{ ...auth, storage: "session" }, { ...auth, storage: "memory" }, { ...auth, storage: store }, { ...auth, storage: encryptedStore() }, { ...auth, storage: encrypted }];
assertType<Equals<ReturnType<EncryptedStore["get"]>, Promise<string | undefined>>>();
assertType<Equals<ReturnType<EncryptedStore["set"]>, Promise<void>>>();
// @ts-expect-error the database is named by a string
encryptedStore({ database: 1 });
void stored;
// @ts-expect-error: "local" is not a storage choice (refresh tokens never go to localStorage by default)
const local: AuthOptions = { ...auth, storage: "local" };
void local;
const redirected: AuthOptions = { ...auth, mode: "redirect", storage: "session" };
assertType<Equals<ReturnType<typeof McpClient.completeAuthorization>, Promise<{ serverUrl: string }>>>();
void redirected;
// @ts-expect-error: "tab" is not a mode
const tab: AuthOptions = { ...auth, mode: "tab" };
void tab;
assertType<Equals<McpClientEventType, keyof McpClientEventMap>>();
assertType<Equals<McpClientEventMap["log"], LoggingMessage>>();
assertType<Equals<McpClientEventMap["resourceupdated"], ResourceUpdated>>();
assertType<Equals<McpClientEventMap["error"], McpError>>();
// No public getter or result is `any`.
assertType<Equals<IsAny<McpClient["protocolVersion"]>, false>>();
assertType<Equals<IsAny<McpClient["transport"]>, false>>();
assertType<Equals<IsAny<McpClientEventMap[McpClientEventType]>, false>>();

// ---- an app --------------------------------------------------------------------------------

function isMcpError(e: unknown): e is McpError {
  return e instanceof Error && e.name === "McpError" && typeof (e as { code?: unknown }).code === "number";
}

const roots: Root[] = [{ uri: "file:///home/me/project", name: "project" }];
const pinned: ProtocolVersion = "2025-11-25";

async function onElicitation(req: ElicitationRequest): Promise<ElicitationResult> {
  if (req.mode === "form") {
    const server: string = req.server.title ?? req.server.name;
    const fields = Object.keys(req.requestedSchema.properties);
    if (fields.length === 0) return { action: "decline" };
    return { action: "accept", content: { ...req.defaults, from: `${server}: ${req.message}` } };
  }
  return { action: "cancel" };
}

function onSampling(req: CreateMessageRequest): CreateMessageResult {
  const first = req.messages[0];
  const text = first && !Array.isArray(first.content) && first.content.type === "text" ? first.content.text : "";
  return { role: "assistant", content: { type: "text", text: `echo: ${text}` }, model: "test", stopReason: "endTurn" };
}

const options: McpClientOptions = {
  clientInfo: { name: "my-chat", version: "1.0.0", title: "My chat" },
  protocolVersion: "auto",
  headers: { "X-Tenant": "a" },
  fetch: (input, init) => fetch(input, init),
  requestTimeoutMs: 60_000,
  maxMessageBytes: 4 * 1024 * 1024,
  onElicitation,
  onSampling,
  roots,
};

export async function app(url: string): Promise<void> {
  await init();
  await init({ module_or_path: new URL("../../pkg/mcp_web_client_bg.wasm", import.meta.url) });

  const client: McpClient = await McpClient.connect(url, options);
  await McpClient.connect(url, { protocolVersion: pinned, fetch: globalThis.fetch });
  await McpClient.connect(url, {});
  await McpClient.connect(url);

  const version: string = client.protocolVersion;
  const server: Implementation = client.serverInfo;
  const caps: ServerCapabilities = client.serverCapabilities;
  const listChanged: boolean | undefined = caps.tools?.listChanged;
  const instructions: string | undefined = client.instructions;
  const session: string | undefined = client.sessionId;
  const transport: string = client.transport;
  const closed: boolean = client.closed;
  console.log(version, server.name, server.title, listChanged, instructions, session, transport, closed);

  // Tools, with every request option.
  const controller = new AbortController();
  const requestOptions: RequestOptions = {
    signal: controller.signal,
    onProgress: (p: Progress) => console.log(p.progressToken, p.progress, p.total, p.message),
    timeoutMs: 30_000,
  };
  const r: CallToolResult = await client.callTool("echo", { message: "hi" }, requestOptions);
  const first: ContentBlock | undefined = r.content[0];
  if (first?.type === "text") {
    const text: string = first.text;
    console.log(text);
  } else if (first?.type === "image" || first?.type === "audio") {
    console.log(first.mimeType, first.data.length);
  } else if (first?.type === "resource") {
    console.log("text" in first.resource ? first.resource.text : first.resource.blob);
  } else if (first?.type === "resource_link") {
    console.log(first.uri, first.name);
  }
  console.log(r.structuredContent?.["sum"], r.isError === true);
  await client.callTool("echo", { message: "hi" });
  await client.callTool("no-args");
  await client.callTool("echo", { message: "hi" }, { signal: AbortSignal.timeout(1000) });

  // Tasks.
  const task: McpTask = await client.callToolTask("research", { topic: "wasm" }, { ttl: 60_000, signal: controller.signal, onProgress: (p: Progress) => p.progress });
  const status: TaskStatus = task.status;
  const id: string | undefined = task.taskId;
  const seen: Task = await task.refresh();
  console.log(status, id, seen.statusMessage, seen.pollIntervalMs ?? seen.pollInterval);
  const taskResult: CallToolResult = await task.result({ timeoutMs: 0 });
  console.log(taskResult.content.length, (await task.cancel()).status, (await client.getTask("t-1")).status);
  const listedTasks: Task[] = (await client.listTasks()).tasks;
  client.addEventListener("taskstatus", (e) => console.log(e.detail.taskId, e.detail.status, listedTasks.length));
  // @ts-expect-error a status is one of five words
  const wrongStatus: "running" = task.status;
  console.log(wrongStatus);

  const page: ListToolsResult = await client.listTools();
  await client.listTools({ cursor: page.nextCursor ?? "" }, { timeoutMs: 5000 });
  const tools: Tool[] = await client.listAllTools();
  await client.listAllTools({ signal: controller.signal });
  for (const tool of tools) {
    console.log(tool.name, tool.inputSchema.type, tool.inputSchema.required, tool.annotations?.readOnlyHint);
  }

  // Resources.
  const resources: ListResourcesResult = await client.listResources();
  await client.listResources({ cursor: "c" }, { timeoutMs: 1000 });
  const templates: ListResourceTemplatesResult = await client.listResourceTemplates();
  await client.listResourceTemplates({}, { signal: controller.signal });
  const uri = resources.resources[0]?.uri ?? templates.resourceTemplates[0]?.uriTemplate ?? "test://a";
  const read: ReadResourceResult = await client.readResource(uri);
  await client.readResource(uri, { timeoutMs: 1000 });
  for (const c of read.contents) console.log(c.uri, "text" in c ? c.text : c.blob);
  await client.subscribeResource(uri);
  await client.unsubscribeResource(uri);

  // Prompts and completion.
  const prompts: ListPromptsResult = await client.listPrompts();
  await client.listPrompts({ cursor: "c" }, {});
  const prompt: GetPromptResult = await client.getPrompt(prompts.prompts[0]?.name ?? "simple");
  await client.getPrompt("complex", { temperature: "0.7" }, { timeoutMs: 1000 });
  for (const m of prompt.messages) console.log(m.role, m.content.type);
  const promptRef: PromptReference = { type: "ref/prompt", name: "complex" };
  const templateRef: ResourceTemplateReference = { type: "ref/resource", uri: "test://{id}" };
  const done: CompleteResult = await client.complete(promptRef, { name: "style", value: "fo" });
  await client.complete(templateRef, { name: "id", value: "1" }, { arguments: { kind: "x" } });
  console.log(done.completion.values, done.completion.hasMore);

  // Logging, ping and the raw escape hatch.
  const level: LoggingLevel = "info";
  await client.setLogLevel(level);
  await client.ping();
  const raw: Record<string, unknown> = await client.request("tools/list", { cursor: "c" }, { timeoutMs: 1000 });
  await client.request("ping");
  console.log(raw["tools"]);

  // Events: the listener's `detail` follows the event map.
  client.addEventListener("log", (e) => {
    assertType<Equals<typeof e.detail, LoggingMessage>>();
    const level: LoggingLevel = e.detail.level;
    console.log(level, e.detail.logger, e.detail.data);
  });
  client.addEventListener("resourceupdated", (e) => {
    assertType<Equals<typeof e.detail, ResourceUpdated>>();
    console.log(e.detail.uri);
  });
  client.addEventListener("error", (e) => {
    assertType<Equals<typeof e.detail, McpError>>();
    console.log(e.detail.code, e.detail.message);
  });
  client.addEventListener("notification", (e) => console.log(e.detail.method, e.detail.params));
  client.addEventListener("elicitationcomplete", (e) => console.log(e.detail.elicitationId));
  const onChange = (e: CustomEvent<McpClientEventMap["toolslistchanged"]>) => console.log(e.type);
  client.addEventListener("toolslistchanged", onChange, { once: true });
  client.addEventListener("promptslistchanged", onChange, false);
  client.addEventListener("resourceslistchanged", onChange);
  client.addEventListener("close", () => console.log("closed"));
  client.removeEventListener("toolslistchanged", onChange);

  // Errors.
  try {
    await client.callTool("fail");
  } catch (e) {
    if (isMcpError(e)) {
      const code: number = e.code;
      console.log(code === -32800 ? "cancelled" : code === -32001 ? "timed out" : e.message, e.data);
    }
  }

  client.signOut();
  await client.close();
  client.free();
  {
    using disposable = await McpClient.connect(url);
    console.log(disposable.closed);
  }
}

export function syncStart(bytes: ArrayBuffer): void {
  initSync({ module: bytes });
}

// ---- the skills add-on (pkg/skills.js) -------------------------------------------------------

export async function skills(client: McpClient): Promise<void> {
  assertType<Equals<typeof SKILLS_EXTENSION, "io.modelcontextprotocol/skills">>();
  if (!supportsSkills(client)) return;
  const listed = await listSkills(client, { maxPages: 10, timeoutMs: 5000 });
  assertType<Equals<typeof listed, ListSkillsResult>>();
  const entry: Skill | undefined = listed.skills[0];
  if (!entry) return;
  if (entry.resources !== "dynamic") assertType<Equals<(typeof entry.resources)[number]["size"], number>>();
  assertType<Equals<typeof entry.frontmatter.name, string>>();
  const doc = await readSkill(client, entry, { allowDynamic: true });
  assertType<Equals<typeof doc, SkillDocument>>();
  assertType<Equals<typeof doc.body, string>>();
  const file = await readSkillFile(client, entry, "references/FORMS.md");
  assertType<Equals<typeof file, ReadResourceResult["contents"][number]>>();
  assertType<Equals<Awaited<ReturnType<typeof getSkill>>, Skill>>();
  const fm = parseFrontmatter(doc.text).frontmatter;
  assertType<Equals<(typeof fm)[string], FrontmatterValue>>();
  try {
    await readSkill(client, entry);
  } catch (e) {
    const data = (e as McpError).data as SkillVerificationErrorData;
    assertType<Equals<typeof data.check, "unlisted" | "dynamic" | "content" | "size" | "digest" | "frontmatter">>();
  }
  // A client-shaped fake is accepted too.
  await listSkills({ request: client.request.bind(client), readResource: client.readResource.bind(client), serverCapabilities: {} });
  // @ts-expect-error readSkill needs an entry, not its URI
  await readSkill(client, entry.uri);
  // @ts-expect-error maxPages is a number
  await listSkills(client, { maxPages: "10" });
}

// ---- misuse the declarations must reject ---------------------------------------------------

export async function misuse(client: McpClient, url: string): Promise<void> {
  // @ts-expect-error requestTimeoutMs is a number of milliseconds
  await McpClient.connect(url, { requestTimeoutMs: "60000" });
  // @ts-expect-error 2024-11-05 cannot be pinned (it is only accepted from old HTTP+SSE servers)
  await McpClient.connect(url, { protocolVersion: "2024-11-05" });
  // @ts-expect-error fetch must return a Promise<Response>
  await McpClient.connect(url, { fetch: (input: string) => input });
  // @ts-expect-error clientInfo needs a version
  await McpClient.connect(url, { clientInfo: { name: "x" } });
  // @ts-expect-error an elicitation answer has one of three actions
  await McpClient.connect(url, { onElicitation: () => ({ action: "ok" }) });
  // @ts-expect-error "verbose" is not a logging level
  await client.setLogLevel("verbose");
  // @ts-expect-error signal must be an AbortSignal
  await client.callTool("echo", {}, { signal: new AbortController() });
  // @ts-expect-error onProgress receives a Progress, not a string
  await client.callTool("echo", {}, { onProgress: (p: string) => p });
  // @ts-expect-error a task's onProgress receives a Progress too
  await client.callToolTask("research", {}, { onProgress: (p: string) => p });
  // @ts-expect-error "toolschanged" is not an event
  client.addEventListener("toolschanged", () => {});
  const r = await client.callTool("echo");
  // @ts-expect-error `text` exists only once the block is narrowed to type "text"
  console.log(r.content[0]?.text);
  // @ts-expect-error the constructor is private: use McpClient.connect
  new McpClient();
  // @ts-expect-error the result of a void request is not data
  const nothing: string = await client.ping();
  console.log(nothing);
}

// The bundled build (`mcp-web-client/full`) declares the same API.
export async function bundled(url: string): Promise<CallToolResult> {
  const full: McpClient = await FullClient.connect(url, { auth: { redirectUri: "https://app.example/cb", onAuthorization: (req) => req.open() } });
  return full.callTool("echo", { message: "hi" });
}
