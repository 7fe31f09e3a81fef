// The helpers tests call as `e2e.settle` / `e2e.track`: in the page (client.mjs puts them on
// window.e2e) and in plain Node (the conformance runner's CONFORMANCE_RUNTIME=node), one copy.

// Results of a promise as plain data: page.evaluate cannot carry an Error's own fields.
export async function settle(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (e) {
    return {
      ok: false,
      error: {
        isError: e instanceof Error,
        name: e?.name,
        message: e?.message ?? String(e),
        code: e?.code,
        data: e?.data,
        elicitations: e?.elicitations,
      },
    };
  }
}

// Records events of `client` by name: events[name] = [detail, ...] with a receive time.
export function track(client, names) {
  const events = {};
  for (const name of names) {
    events[name] = [];
    client.addEventListener(name, (e) => {
      events[name].push({ detail: e.detail, at: performance.now() });
    });
  }
  return events;
}
