// ---- MCP shapes (2025-11-25) -------------------------------------------------------------

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Meta = { [key: string]: unknown };

export interface Icon { src: string; mimeType?: string; sizes?: string[]; theme?: "light" | "dark" }

export interface Implementation {
  name: string;
  version: string;
  title?: string;
  description?: string;
  websiteUrl?: string;
  icons?: Icon[];
}

export interface ServerCapabilities {
  experimental?: { [key: string]: object };
  logging?: object;
  completions?: object;
  prompts?: { listChanged?: boolean };
  resources?: { subscribe?: boolean; listChanged?: boolean };
  tools?: { listChanged?: boolean };
  tasks?: object;
  [key: string]: unknown;
}

export type Role = "user" | "assistant";
export interface Annotations { audience?: Role[]; priority?: number; lastModified?: string }

export interface TextContent { type: "text"; text: string; annotations?: Annotations; _meta?: Meta }
export interface ImageContent { type: "image"; data: string; mimeType: string; annotations?: Annotations; _meta?: Meta }
export interface AudioContent { type: "audio"; data: string; mimeType: string; annotations?: Annotations; _meta?: Meta }
export interface ResourceLink extends Resource { type: "resource_link" }
export interface TextResourceContents { uri: string; mimeType?: string; text: string; _meta?: Meta }
export interface BlobResourceContents { uri: string; mimeType?: string; blob: string; _meta?: Meta }
export type ResourceContents = TextResourceContents | BlobResourceContents;
export interface EmbeddedResource { type: "resource"; resource: ResourceContents; annotations?: Annotations; _meta?: Meta }
export type ContentBlock = TextContent | ImageContent | AudioContent | ResourceLink | EmbeddedResource;

export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface JsonSchemaObject {
  type: "object";
  properties?: { [key: string]: object };
  required?: string[];
  [key: string]: unknown;
}

export interface Tool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JsonSchemaObject;
  outputSchema?: JsonSchemaObject;
  annotations?: ToolAnnotations;
  icons?: Icon[];
  execution?: { taskSupport?: "forbidden" | "optional" | "required" };
  _meta?: Meta;
}

export interface PaginatedParams { cursor?: string }
export interface ListToolsResult { tools: Tool[]; nextCursor?: string; _meta?: Meta }

export interface CallToolResult {
  content: ContentBlock[];
  structuredContent?: { [key: string]: unknown };
  isError?: boolean;
  _meta?: Meta;
}

export interface Resource {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
  annotations?: Annotations;
  icons?: Icon[];
  _meta?: Meta;
}
export interface ResourceTemplate {
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  annotations?: Annotations;
  icons?: Icon[];
  _meta?: Meta;
}
export interface ListResourcesResult { resources: Resource[]; nextCursor?: string; _meta?: Meta }
export interface ListResourceTemplatesResult { resourceTemplates: ResourceTemplate[]; nextCursor?: string; _meta?: Meta }
export interface ReadResourceResult { contents: ResourceContents[]; _meta?: Meta }

export interface PromptArgument { name: string; title?: string; description?: string; required?: boolean }
export interface Prompt { name: string; title?: string; description?: string; arguments?: PromptArgument[]; icons?: Icon[]; _meta?: Meta }
export interface PromptMessage { role: Role; content: ContentBlock }
export interface ListPromptsResult { prompts: Prompt[]; nextCursor?: string; _meta?: Meta }
export interface GetPromptResult { description?: string; messages: PromptMessage[]; _meta?: Meta }

export interface PromptReference { type: "ref/prompt"; name: string; title?: string }
export interface ResourceTemplateReference { type: "ref/resource"; uri: string }
export interface CompleteResult { completion: { values: string[]; total?: number; hasMore?: boolean }; _meta?: Meta }

export type LoggingLevel = "debug" | "info" | "notice" | "warning" | "error" | "critical" | "alert" | "emergency";
export interface LoggingMessage { level: LoggingLevel; logger?: string; data: unknown }
export interface Progress { progressToken: string | number; progress: number; total?: number; message?: string }
export interface ResourceUpdated { uri: string }
export interface Root { uri: string; name?: string; _meta?: Meta }

// ---- Elicitation and sampling, handed to the app -------------------------------------------

export interface ElicitationServer { name: string; title?: string }

export type PrimitiveSchema =
  | { type: "string"; title?: string; description?: string; minLength?: number; maxLength?: number;
      format?: "email" | "uri" | "date" | "date-time"; default?: string }
  | { type: "number" | "integer"; title?: string; description?: string; minimum?: number; maximum?: number; default?: number }
  | { type: "boolean"; title?: string; description?: string; default?: boolean }
  | { type: "string"; title?: string; description?: string; enum: string[]; enumNames?: string[]; default?: string }
  | { type: "string"; title?: string; description?: string; oneOf: { const: string; title: string }[]; default?: string }
  | { type: "array"; title?: string; description?: string; minItems?: number; maxItems?: number;
      items: { type: "string"; enum: string[] } | { anyOf: { const: string; title: string }[] }; default?: string[] };

export interface RequestedSchema {
  type: "object";
  properties: { [key: string]: PrimitiveSchema };
  required?: string[];
}

export type ElicitationContent = { [key: string]: string | number | boolean | string[] };

export interface FormElicitationRequest {
  mode: "form";
  server: ElicitationServer;
  message: string;
  requestedSchema: RequestedSchema;
  /** The schema's defaults, to pre-fill the form. */
  defaults: ElicitationContent;
  /** Checks content against the schema; an empty list means valid. */
  validate(content: ElicitationContent): FormViolation[];
}

export interface FormViolation { field: string; message: string }

export type UrlWarning = "punycode" | "mixed-script" | "ip-address" | "http-loopback";

export interface UrlElicitationOutcome {
  status: "done" | "cancelled";
  via: "message" | "broadcast" | "notification" | "manual" | "closed";
}

export interface UrlElicitationRequest {
  mode: "url";
  server: ElicitationServer;
  message: string;
  /** The full URL, already checked: https, or http on a loopback host. */
  url: string;
  /** The host in display (Unicode) form. */
  host: string;
  /** The suffix of `host` to emphasise (a heuristic without the Public Suffix List). */
  registrableDomain: string;
  elicitationId?: string;
  warnings: UrlWarning[];
  /**
   * Opens the URL in a popup. Call it synchronously inside a click handler. Resolves when
   * completion is detected; rejects with code -33011 if the browser blocked the popup (call
   * it again from another click), -33017 where there is no window (a Worker, Node: show `url`
   * to the user yourself and call `done()` when they say they finished), and -33012 on timeout.
   */
  open(): Promise<UrlElicitationOutcome>;
  /** The user refuses to open the URL. */
  decline(): void;
  /** The user gives up, before or after opening. */
  cancel(): void;
  /** The user says they finished in the other window ("I've completed it"). */
  done(): void;
  /** Aborted once the elicitation settles by any path, so a UI showing it can close. */
  signal: AbortSignal;
  /**
   * How it arrived: "request" (accepting answers the server, which continues on its own),
   * "url-required-error" (a -32042: the library retries the call after completion) or
   * "input-required" (2026-07-28: the library retries with the response).
   */
  delivery: "request" | "url-required-error" | "input-required";
}

export type ElicitationRequest = FormElicitationRequest | UrlElicitationRequest;

export type ElicitationResult =
  | { action: "accept"; content?: ElicitationContent }
  | { action: "decline" }
  | { action: "cancel" };

export interface SamplingMessage { role: Role; content: ContentBlock | ContentBlock[]; _meta?: Meta }
export interface CreateMessageRequest {
  messages: SamplingMessage[];
  systemPrompt?: string;
  maxTokens: number;
  temperature?: number;
  stopSequences?: string[];
  modelPreferences?: object;
  includeContext?: "none" | "thisServer" | "allServers";
  metadata?: object;
  tools?: Tool[];
  toolChoice?: object;
  _meta?: Meta;
}
export interface CreateMessageResult {
  role: Role;
  content: ContentBlock | ContentBlock[];
  model: string;
  stopReason?: string;
  _meta?: Meta;
}

// ---- Options and events ----------------------------------------------------------------------

export type ProtocolVersion = "2026-07-28" | "2025-11-25" | "2025-06-18" | "2025-03-26";

export interface McpClientOptions {
  clientInfo?: Implementation;
  /** "auto" (default) offers the newest version this client speaks; a pinned version must be echoed. */
  protocolVersion?: "auto" | ProtocolVersion;
  /** Extra headers for every request to the server. */
  headers?: { [name: string]: string };
  /** OAuth 2.1 with the server's authorization server when it answers 401 at connect. */
  auth?: AuthOptions;
  /** A fetch implementation to use instead of the global one. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Default per-request timeout in ms (60000); 0 disables it. */
  requestTimeoutMs?: number;
  /** Honour server/discover's ttlMs and cacheScope, and remember each server's era in sessionStorage across reloads (default true). */
  cache?: boolean;
  /** Largest message accepted from the server, in bytes (16 MiB). */
  maxMessageBytes?: number;
  /**
   * Present: the elicitation capability is declared and requests come here. Form mode: resolve
   * with the answer. URL mode: settle through `req.open()` / `decline()` / `cancel()` / `done()`;
   * resolving with a decline or cancel action also counts.
   */
  onElicitation?: (request: ElicitationRequest) => ElicitationResult | void | Promise<ElicitationResult | void>;
  /** Use the ready-made consent dialog when there is no onElicitation. */
  elicitationUi?: "dialog";
  /** Restrict the declared modes (default: both). */
  elicitationModes?: ("form" | "url")[];
  /** Origins besides the elicitation URL's own whose completion messages are accepted. */
  completionOrigins?: string[];
  /** How long a URL elicitation may take before it fails with -33012 (10 minutes). */
  elicitationTimeoutMs?: number;
  /** Wait after the popup is seen closed before it counts as cancelled (1500 ms). */
  popupClosedGraceMs?: number;
  /** Present: the sampling capability is declared and requests come here. */
  onSampling?: (request: CreateMessageRequest) => CreateMessageResult | Promise<CreateMessageResult>;
  /** Present: the roots capability is declared and `roots/list` answers with these. */
  roots?: Root[];
}

export interface RequestOptions {
  /** Aborting sends notifications/cancelled and rejects with code -32800. */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Overrides requestTimeoutMs for this request; 0 disables it. */
  timeoutMs?: number;
}

export interface TaskOptions extends RequestOptions {
  /** 2025-11-25: how long the server should keep the task and its result, in ms (its choice if absent). */
  ttl?: number;
  /**
   * 2025-11-25: also called for the progress the server reports while the task runs, until the
   * task is seen to end (status notification, refresh(), result()) or is cancelled. The 2026-07-28
   * extension has no progress on tasks: there it ends with the tools/call response.
   */
  onProgress?: (progress: Progress) => void;
}

export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled";

/** A task as the server last described it (2025-11-25 names `ttl`/`pollInterval`, the 2026-07-28 extension `ttlMs`/`pollIntervalMs`). */
export interface Task {
  /** Absent when the server ran the call at once. */
  taskId?: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt?: string;
  lastUpdatedAt?: string;
  ttl?: number | null;
  ttlMs?: number | null;
  pollInterval?: number;
  pollIntervalMs?: number;
  /** Once completed, when the server sent it with the state. */
  result?: CallToolResult;
  [key: string]: unknown;
}

export interface McpClientEventMap {
  /** notifications/tasks/status (2025-11-25) or notifications/tasks (the extension). */
  taskstatus: Task;
  toolslistchanged: undefined;
  promptslistchanged: undefined;
  resourceslistchanged: undefined;
  resourceupdated: ResourceUpdated;
  log: LoggingMessage;
  elicitationcomplete: { elicitationId: string };
  notification: { method: string; params?: { [key: string]: unknown } };
  error: McpError;
  close: undefined;
}
export type McpClientEventType = keyof McpClientEventMap;

/** Merged into the class: listeners whose `detail` follows McpClientEventMap. */
export interface McpClient {
  addEventListener<K extends McpClientEventType>(
    type: K,
    listener: (event: CustomEvent<McpClientEventMap[K]>) => void,
    options?: AddEventListenerOptions | boolean,
  ): void;
  removeEventListener<K extends McpClientEventType>(type: K, listener: (event: CustomEvent<McpClientEventMap[K]>) => void): void;
}

/** Every rejection of this library. */
export interface McpError extends Error {
  name: "McpError";
  /** A JSON-RPC error code from the server, or a library code (see the README). */
  code: number;
  data?: unknown;
  /** With code -32042: the URL elicitations the request needs. */
  elicitations?: { elicitationId?: string; url: string; message: string }[];
}

export interface AuthOptions {
  /**
   * Called once discovery and registration are done: show the user who asks (req.issuer) and
   * call req.open() from their click, or req.cancel(). Optional only with
   * `elicitationUi: "dialog"`, whose dialog then asks (showAuthorizationDialog).
   */
  onAuthorization?: (req: AuthorizationRequest) => void | Promise<void>;
  /** The absolute URL of a page on the app's origin that loads oauth-callback.js. */
  redirectUri: string;
  /** A pre-registered client id (else a Client ID Metadata Document, else dynamic registration). */
  clientId?: string;
  /** Only for runtimes that can keep a secret; never in a public web page. */
  clientSecret?: string;
  /** The client_name sent with dynamic registration ("mcp-web-client"). */
  clientName?: string;
  /** The app's Client ID Metadata Document URL, used when the authorization server supports it. */
  clientMetadataUrl?: string;
  /** How long the user has to finish, in ms (10 minutes); 0 waits forever. */
  timeoutMs?: number;
  /**
   * Where the grant is kept besides memory, so a reload does not ask the user again: "memory"
   * (the default: nothing written), "session" (`sessionStorage`: this tab, until it closes), or
   * your own store. Anything with access to the store can use the tokens; see the README.
   */
  storage?: "memory" | "session" | TokenStore;
  /**
   * "popup" (the default): req.open() opens the authorization server in a popup. "redirect":
   * req.open() sends this whole page there; redirectUri is then a page of the app that calls
   * `McpClient.completeAuthorization(auth)` and connects again. Needs `storage`; no DPoP.
   */
  mode?: "popup" | "redirect";
}

/**
 * An app-provided place for OAuth grants (e.g. IndexedDB, encrypted). Keys are
 * `mcp-web-client:oauth:<server URL>` (and, in redirect mode, `mcp-web-client:oauth-pending:<state>`
 * while the user is away); values are JSON text. Each method may return a promise.
 */
export interface TokenStore {
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  set(key: string, value: string): void | Promise<void>;
  delete(key: string): void | Promise<void>;
}

export interface AuthorizationRequest {
  server: { url: string };
  /** The authorization server the user signs in at. */
  issuer: string;
  scopes: string[];
  /** The authorization URL (PKCE, state and resource included). */
  authorizationUrl: string;
  /** Opens the popup: call it inside a click. Rejects with -33011 when blocked (call again), -33017 where there is no window (a Worker, Node). */
  open(): Promise<void>;
  cancel(): void;
}

/**
 * `data` of an McpError with code -33020 (HTTP 401, or 403 `insufficient_scope`). The Bearer
 * challenge's fields are present only when the server sent them and CORS exposes
 * `WWW-Authenticate`.
 */
export interface AuthorizationRequiredData {
  status: 401 | 403;
  /** The Protected Resource Metadata URL (RFC 9728), where the authorization starts. */
  resourceMetadata?: string;
  /** The scopes the request needs, space-separated. */
  scope?: string;
  /** e.g. "invalid_token", "insufficient_scope". */
  error?: string;
  errorDescription?: string;
}
