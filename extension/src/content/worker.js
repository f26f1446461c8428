// The content script's only line to the background worker (it never talks to the server itself):
// one named intent, tried again briefly (papersieve.retry's workerPausesMs), since a stopped
// worker drops the first message. Every failure becomes a {ok: false, error} reply.
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});
  const ext = globalThis.browser ?? globalThis.chrome;

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** The extension still runs (false once it was reloaded or removed under this page). */
  const alive = () => Boolean(ext && ext.runtime && ext.runtime.id);

  async function ask(message) {
    const pauses = ns.retry.POLICY.workerPausesMs;
    let lastError = "no reply";
    for (let attempt = 0; attempt < pauses.length && alive(); attempt += 1) {
      try {
        const sendStart = performance.now(); // sendMessage serializes the papers synchronously
        const pending = ext.runtime.sendMessage(message);
        performance.measure("papersieve:main", { start: sendStart, end: performance.now(), detail: "send" });
        const reply = await pending;
        if (reply) return reply;
      } catch (error) {
        lastError = error && error.message ? error.message : String(error);
      }
      await sleep(pauses[attempt]);
    }
    return { ok: false, error: { kind: "no_reply", message: `The papersieve worker did not answer (${lastError}).` } };
  }

  ns.worker = Object.freeze({ ask, alive });
})();
