import type { TokenStore } from "./mcp_web_client.js";

export interface EncryptedStoreOptions {
  /** The IndexedDB database the key and the ciphertexts are kept in (default: "mcp-web-client"). */
  database?: string;
}

/**
 * A store for `auth.storage`: values AES-GCM-encrypted in IndexedDB under a non-extractable
 * WebCrypto key kept beside them, shared by every tab of the origin.
 */
export interface EncryptedStore extends TokenStore {
  /** The value, or undefined when there is none or it does not decrypt (tampered, copied under
   *  another key, or made with a key that is gone). Rejects when IndexedDB cannot be opened. */
  get(key: string): Promise<string | undefined>;
  /** Encrypts the value (a fresh IV, `key` as additional data) and stores it under `key`. */
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Makes an encrypted store (nothing is opened until the first call). */
export function encryptedStore(options?: EncryptedStoreOptions): EncryptedStore;
