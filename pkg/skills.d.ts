import type { McpClient, RequestOptions, ResourceContents } from "./mcp_web_client.js";

/** The extension's identifier, under `serverCapabilities.extensions`. */
export declare const SKILLS_EXTENSION: "io.modelcontextprotocol/skills";

/** What these functions use of a client: an McpClient, or anything shaped like one. */
export type SkillsClient = Pick<McpClient, "request" | "readResource" | "serverCapabilities">;

/** A file of a skill: the SHA-256 (`sha256:` + 64 lowercase hex) and byte length of its raw content. */
export interface SkillResource {
    uri: string;
    digest: string;
    size: number;
}

/** SKILL.md's YAML frontmatter as JSON: `name` and `description`, and whatever else the author wrote. */
export interface SkillFrontmatter {
    name: string;
    description: string;
    [key: string]: unknown;
}

/** A skill entry of skills/list or skills/get. */
export interface Skill {
    /** The skill's SKILL.md; its last path segment before SKILL.md is `frontmatter.name`. */
    uri: string;
    frontmatter: SkillFrontmatter;
    /** Every file of the skill, SKILL.md included; "dynamic" when the server cannot publish digests. */
    resources: SkillResource[] | "dynamic";
}

export interface ListSkillsOptions extends RequestOptions {
    /** Gives up (-33033) after this many pages (default 100). */
    maxPages?: number;
}

export interface ListSkillsResult {
    /** The entries of the extension's shape, as the server gave them, every page in order. */
    skills: Skill[];
    /** The entries that are not, with what is wrong: never to be loaded. */
    invalid: { entry: unknown; problem: string }[];
}

export interface ReadSkillOptions extends RequestOptions {
    /** Read skills whose resources are "dynamic" (nothing to verify bytes against; SKILL.md's
     *  frontmatter is still compared). Without it they are refused (-33030, check "dynamic"). */
    allowDynamic?: boolean;
}

/** A verified SKILL.md: its content item, its text, the body after the frontmatter, and the frontmatter. */
export type SkillDocument = ResourceContents & { text: string; body: string; frontmatter: SkillFrontmatter };

/** `data` of an McpError with code -33030 (a read that failed verification; its content is dropped). */
export interface SkillVerificationErrorData {
    uri: string;
    check: "unlisted" | "dynamic" | "content" | "size" | "digest" | "frontmatter";
    /** size: the entry's byte count; digest: the entry's digest. */
    expected?: number | string;
    /** size: the bytes read; digest: their digest. */
    actual?: number | string;
    /** frontmatter: the first field that differs, as a dotted path ("metadata.version"). */
    field?: string;
    /** frontmatter: the line of SKILL.md the reader could not parse. */
    line?: number;
}

/** A frontmatter value of the YAML subset parseFrontmatter reads. */
export type FrontmatterValue = string | number | boolean | null | { [key: string]: FrontmatterValue };

/** Whether the server declared the skills extension. */
export function supportsSkills(client: SkillsClient): boolean;

/** skills/list, every page (rejects with -33032 before sending anything to a server that does not declare the extension). */
export function listSkills(client: SkillsClient, options?: ListSkillsOptions): Promise<ListSkillsResult>;

/** skills/get: the current entry of the skill whose SKILL.md is `uri` (-33031 if it is invalid). */
export function getSkill(client: SkillsClient, uri: string, options?: RequestOptions): Promise<Skill>;

/** Reads the entry's SKILL.md and verifies its size, digest and frontmatter (-33030 on any mismatch). */
export function readSkill(client: SkillsClient, entry: Skill, options?: ReadSkillOptions): Promise<SkillDocument>;

/** Reads one listed file of the entry (a URI, or a path relative to the skill's root) and verifies it (-33030). */
export function readSkillFile(client: SkillsClient, entry: Skill, uri: string, options?: ReadSkillOptions): Promise<ResourceContents>;

/** Splits a SKILL.md into its frontmatter and body; throws on YAML outside the subset it reads. */
export function parseFrontmatter(text: string): { frontmatter: { [key: string]: FrontmatterValue }; body: string };
