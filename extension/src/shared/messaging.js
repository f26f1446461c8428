// Extension pages (popup, options) ask the background worker for everything by named intent.

export const ext = globalThis.browser ?? globalThis.chrome;

/** Send one named intent to the worker; resolves to its reply ({ok: true, ...} or {ok: false, error}). */
export async function ask(intent, payload = {}) {
  try {
    const reply = await ext.runtime.sendMessage({ intent, ...payload });
    return reply ?? { ok: false, error: { kind: "no_reply", message: "The extension's worker did not answer." } };
  } catch (error) {
    return { ok: false, error: { kind: "no_reply", message: `The extension's worker did not answer: ${error.message}` } };
  }
}
