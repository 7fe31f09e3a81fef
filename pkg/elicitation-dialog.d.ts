import type { AuthorizationRequest, ElicitationRequest, ElicitationResult } from "./mcp_web_client.js";

export interface ElicitationDialogOptions {
  /** Where to attach the dialog (default: document.body). */
  parent?: Element;
  /** Aborting closes the dialog with { action: "cancel" } (default: req.signal). */
  signal?: AbortSignal;
  /** A CSP nonce for the injected <style>. */
  nonce?: string;
  /** Replacement texts, by key (see the comment at the top of elicitation-dialog.js). */
  text?: Partial<Record<string, string>>;
}

/** Shows the ready-made consent dialog (a native <dialog>) and resolves with the user's answer. */
export function showElicitationDialog(req: ElicitationRequest, options?: ElicitationDialogOptions): Promise<ElicitationResult>;

/**
 * The authorization variant, for `auth.onAuthorization`: which server asks the user to sign in
 * where, Sign in (calls req.open() inside the click) and Cancel. Settles when it closes.
 */
export function showAuthorizationDialog(req: AuthorizationRequest, options?: Omit<ElicitationDialogOptions, "signal">): Promise<void>;
