// Web Locks: resolves, once this tab holds the lock `name`, with the function that releases it.
// Where the API is missing (an old browser, an insecure context) it resolves at once: no lock.
export function acquire(name) {
  const locks = globalThis.navigator?.locks;
  if (!locks) return Promise.resolve(() => {});
  return new Promise((held) => locks.request(name, () => new Promise((release) => held(release))));
}
