// mcp-web-client: an encrypted token store for `auth.storage`.
//
//   import { encryptedStore } from "mcp-web-client/encrypted-store.js";
//   McpClient.connect(url, { auth: { redirectUri, onAuthorization, storage: encryptedStore() } });
//
// encryptedStore(options?) -> { get(key), set(key, value), delete(key) }, each returning a
// promise. Values are encrypted with AES-GCM (256-bit key, a fresh random 96-bit IV for every
// write, the record's key name as additional data: a ciphertext copied under another name does
// not decrypt). The key is a WebCrypto CryptoKey made with extractable: false; it is kept in
// IndexedDB as the CryptoKey itself (structured clone), so its bytes never reach JavaScript:
// a script on the origin can use the store while the page runs, but what is on disk, or copied
// out of IndexedDB, is useless elsewhere.
//
// get(key) resolves the text, or undefined when there is no record or it does not decrypt
// (tampered, copied, or written under a key that is gone); the library then signs in again.
// An IndexedDB that cannot be opened (private modes that refuse it, opaque origins, a blocked
// upgrade) rejects, which the library treats as an empty store.
//
// Layout: database options.database (default "mcp-web-client"), object store "keys" (the
// CryptoKey under "aes-gcm"), object store "values" ({ iv: Uint8Array(12), ciphertext:
// ArrayBuffer } under each key name). Every tab of the origin shares it; a connection closes
// itself when another tab or the app needs a version change. When the database exists without
// these stores (an app's own database of that name), they are added in a version upgrade;
// while that upgrade is blocked by a connection that does not close, calls reject at once
// rather than wait (connect() would wait with them), and work again once it goes through.
//
// options:
//   database   the IndexedDB database name (default "mcp-web-client")
//
// No dependencies.

const KEYS = "keys";
const VALUES = "values";
const KEY_ID = "aes-gcm";
const ALGORITHM = { name: "AES-GCM", length: 256 };
const IV_BYTES = 12;

/** Resolves a request's result, rejects with its error. */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when a transaction commits, rejects when it fails or aborts. */
function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("encryptedStore: IndexedDB transaction aborted"));
  });
}

function hasStores(db) {
  return db.objectStoreNames.contains(KEYS) && db.objectStoreNames.contains(VALUES);
}

/** Opens the database (at `version`, when given), adding the two object stores if missing.
 *  `onBlocked` is called when the upgrade waits for another connection to close; the promise
 *  still settles when the open does. */
function open(name, version, onBlocked) {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === "undefined") throw new Error("encryptedStore: IndexedDB is unavailable");
    const request = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(KEYS)) db.createObjectStore(KEYS);
      if (!db.objectStoreNames.contains(VALUES)) db.createObjectStore(VALUES);
    };
    request.onblocked = onBlocked;
    request.onerror = () => reject(request.error);
    request.onsuccess = () => resolve(request.result);
  });
}

function validKey(key) {
  return typeof CryptoKey === "function" && key instanceof CryptoKey && key.algorithm.name === "AES-GCM"
    && key.usages.includes("encrypt") && key.usages.includes("decrypt");
}

/** Random bytes of a new IV. */
function iv() {
  return crypto.getRandomValues(new Uint8Array(IV_BYTES));
}

/** The key name as AES-GCM additional data: binds a ciphertext to the name it was written under. */
function aad(name) {
  return new TextEncoder().encode(name);
}

/** A stored { iv, ciphertext } record, or undefined when it is not one. */
function record(value) {
  if (!value || typeof value !== "object") return undefined;
  const { iv, ciphertext } = value;
  if (!(iv instanceof Uint8Array) || iv.length !== IV_BYTES) return undefined;
  if (!(ciphertext instanceof ArrayBuffer || ArrayBuffer.isView(ciphertext))) return undefined;
  return { iv, ciphertext };
}

/**
 * A `{ get, set, delete }` store for `auth.storage` that keeps values AES-GCM-encrypted in
 * IndexedDB under a non-extractable WebCrypto key.
 */
export function encryptedStore({ database = "mcp-web-client" } = {}) {
  if (typeof database !== "string" || database === "") throw new TypeError("encryptedStore: options.database must be a non-empty string");
  let connection; // Promise<IDBDatabase>: the open, however long it waits
  let refusal; // until that open succeeds: a promise that rejects if it is blocked

  function db() {
    if (!connection) {
      let refuse;
      refusal = new Promise((_, reject) => (refuse = reject));
      refusal.catch(() => {});
      const onBlocked = () => refuse(new Error(`encryptedStore: IndexedDB "${database}" is blocked: its upgrade waits for another open connection to close`));
      const opened = (async () => {
        let db = await open(database, undefined, onBlocked);
        if (!hasStores(db)) {
          const next = db.version + 1;
          db.close();
          db = await open(database, next, onBlocked);
        }
        return db;
      })();
      connection = opened;
      const forget = () => {
        if (connection === opened) connection = refusal = undefined; // the next call opens again
      };
      opened.then((db) => {
        if (connection === opened) refusal = undefined;
        // Let another tab (or the app) upgrade or delete the database.
        db.onversionchange = () => {
          db.close();
          forget();
        };
        db.onclose = forget; // closed by the browser (site data cleared)
      }, forget);
    }
    // A blocked open is not waited for (connect() would hang): callers are refused until it
    // completes, and the library treats a refusing store as empty.
    return refusal ? Promise.race([connection, refusal]) : connection;
  }

  /** The key, made and stored on first use. One read-write transaction makes the check and
   *  the add atomic across tabs: the first tab's key wins, the others use it. */
  async function key() {
    const found = await done((await db()).transaction(KEYS, "readonly").objectStore(KEYS).get(KEY_ID));
    if (validKey(found)) return found;
    const fresh = await crypto.subtle.generateKey(ALGORITHM, false, ["encrypt", "decrypt"]);
    const tx = (await db()).transaction(KEYS, "readwrite");
    const keys = tx.objectStore(KEYS);
    let chosen = fresh;
    keys.get(KEY_ID).onsuccess = (e) => {
      if (validKey(e.target.result)) chosen = e.target.result;
      else keys.put(fresh, KEY_ID);
    };
    await committed(tx);
    return chosen;
  }

  return {
    async get(name) {
      name = String(name);
      const tx = (await db()).transaction([KEYS, VALUES], "readonly");
      const [k, value] = await Promise.all([done(tx.objectStore(KEYS).get(KEY_ID)), done(tx.objectStore(VALUES).get(name))]);
      const stored = record(value);
      if (!stored || !validKey(k)) return undefined;
      try {
        const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: stored.iv, additionalData: aad(name) }, k, stored.ciphertext);
        return new TextDecoder("utf-8", { fatal: true }).decode(plain);
      } catch {
        return undefined; // tampered, copied under another name, or made with another key
      }
    },

    async set(name, value) {
      name = String(name);
      const k = await key();
      const nonce = iv();
      const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: aad(name) }, k, new TextEncoder().encode(String(value)));
      const tx = (await db()).transaction(VALUES, "readwrite");
      tx.objectStore(VALUES).put({ iv: nonce, ciphertext }, name);
      await committed(tx);
    },

    async delete(name) {
      const tx = (await db()).transaction(VALUES, "readwrite");
      tx.objectStore(VALUES).delete(String(name));
      await committed(tx);
    },
  };
}
