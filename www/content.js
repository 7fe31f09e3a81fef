// Rendering what tools return (CallToolResult) and what resources contain, as DOM.
//
// Content blocks: text, image and audio (base64 + mimeType, shown through data: URLs),
// resource_link (a pointer the app may read later: a "Read" button calls readResource),
// resource (an embedded resource: text, or a base64 blob). Plus structuredContent (pretty JSON)
// and isError. Server strings go in as text; server-chosen URIs are shown, never followed.
import { h, pretty } from "./ui.js";

const MAX_TEXT = 20000; // longer texts are cut, with a note

// A data: URL only for media types of the expected family, so a server cannot make the page
// load, say, text/html through an <img> or <audio>.
function dataUrl(family, mimeType, base64) {
  const ok = typeof mimeType === "string" && new RegExp(`^${family}/[\\w.+-]+$`, "i").test(mimeType) && typeof base64 === "string";
  return ok ? `data:${mimeType};base64,${base64.replace(/\s+/g, "")}` : null;
}

function cut(text) {
  const s = String(text ?? "");
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}\n… (${s.length - MAX_TEXT} more characters)` : s;
}

function annotationsLine(a) {
  if (!a || typeof a !== "object") return null;
  const parts = [];
  if (Array.isArray(a.audience)) parts.push(`for ${a.audience.join(" and ")}`);
  if (typeof a.priority === "number") parts.push(`priority ${a.priority}`);
  if (a.lastModified) parts.push(`modified ${a.lastModified}`);
  return parts.length ? h("small", { className: "annotations" }, parts.join(" · ")) : null;
}

function bytesOfBase64(b64) {
  const clean = String(b64).replace(/\s+/g, "");
  return Math.floor((clean.length * 3) / 4) - (clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0);
}

function fileName(uri) {
  const last = String(uri).split(/[/?#]/).filter(Boolean).pop();
  return last && /^[\w.-]{1,80}$/.test(last) ? last : "resource.bin";
}

/** One ResourceContents ({ uri, mimeType?, text } or { uri, mimeType?, blob }). */
export function resourceContents(r) {
  const head = h("div", { className: "resource-head" }, h("code", { className: "uri" }, String(r?.uri ?? "")),
    r?.mimeType ? h("span", { className: "mime" }, String(r.mimeType)) : null);
  if (typeof r?.text === "string") return h("div", { className: "resource" }, head, h("pre", { className: "resource-text" }, cut(r.text)));
  if (typeof r?.blob === "string") {
    const img = dataUrl("image", r.mimeType, r.blob);
    if (img) return h("div", { className: "resource" }, head, h("img", { src: img, alt: `image resource ${r.uri}` }));
    // Other binary content: offered as a download, typed as opaque bytes so nothing renders it.
    const download = h("a", { download: fileName(r.uri) }, "Download");
    try {
      const bytes = Uint8Array.from(atob(r.blob.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
      download.href = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
    } catch {
      return h("div", { className: "resource" }, head, h("p", { className: "muted" }, "binary content that is not valid base64"));
    }
    return h("div", { className: "resource" }, head, h("p", { className: "muted" }, `${bytesOfBase64(r.blob)} bytes of binary content · `, download));
  }
  return h("div", { className: "resource" }, head, h("pre", {}, pretty(r)));
}

/**
 * One content block.
 * @param {object} block
 * @param {{ readResource?: (uri: string) => void }} actions
 */
export function contentBlock(block, actions = {}) {
  const note = annotationsLine(block?.annotations);
  switch (block?.type) {
    case "text":
      return h("div", { className: "block text" }, h("p", { className: "text" }, cut(block.text)), note);
    case "image": {
      const src = dataUrl("image", block.mimeType, block.data);
      return h("div", { className: "block image" },
        src ? h("img", { src, alt: `image from the server (${block.mimeType})` }) : h("p", { className: "muted" }, `an image of type ${block.mimeType} that cannot be shown`),
        note);
    }
    case "audio": {
      const src = dataUrl("audio", block.mimeType, block.data);
      return h("div", { className: "block audio" },
        src ? h("audio", { controls: true, src }) : h("p", { className: "muted" }, `audio of type ${block.mimeType} that cannot be played`), note);
    }
    case "resource_link":
      return h("div", { className: "block resource-link" },
        h("div", { className: "resource-head" },
          h("span", { className: "badge" }, "link"),
          h("strong", {}, String(block.title ?? block.name ?? "resource")),
          h("code", { className: "uri" }, String(block.uri ?? "")),
          block.mimeType ? h("span", { className: "mime" }, String(block.mimeType)) : null),
        block.description ? h("p", { className: "muted" }, String(block.description)) : null,
        actions.readResource
          ? h("button", { type: "button", className: "small", onclick: () => actions.readResource(String(block.uri)) }, "Read")
          : null,
        note);
    case "resource":
      return h("div", { className: "block embedded" }, h("p", { className: "label" }, "Embedded resource"), resourceContents(block.resource), note);
    default:
      return h("div", { className: "block unknown" }, h("p", { className: "label" }, `content of type ${String(block?.type)}`), h("pre", {}, pretty(block)));
  }
}

/** A CallToolResult: its content blocks, then its structured content. */
export function toolResult(result, actions) {
  const node = h("div", { className: "result" });
  const content = Array.isArray(result?.content) ? result.content : [];
  for (const block of content) node.append(contentBlock(block, actions));
  if (result?.structuredContent !== undefined) {
    node.append(h("details", { className: "structured", open: true },
      h("summary", {}, "Structured content"), h("pre", {}, pretty(result.structuredContent))));
  }
  if (!content.length && result?.structuredContent === undefined) node.append(h("p", { className: "muted" }, "(empty result)"));
  return node;
}
