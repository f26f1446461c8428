// Watching the page for late cards, and timing our own work. One MutationObserver on the whole
// document; our own DOM changes are made inside timed(), with the observer disconnected, so they
// cost no observer callbacks (pending records from the page are kept and handled). Every
// synchronous chunk of work is one "papersieve:main" performance measure (training/bench/extension.py).
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});

  /** `onForeign()` runs when the page itself (not papersieve) added or removed nodes. */
  ns.createWatch = function createWatch({ onForeign }) {
    const { isOurs } = ns.dom;
    let observer = null;

    function isForeignMutation(mutation) {
      if (isOurs(mutation.target)) return false;
      for (const node of mutation.addedNodes) if (!isOurs(node)) return true;
      for (const node of mutation.removedNodes) if (!isOurs(node)) return true;
      return false;
    }

    const observe = (target) => target.observe(document.documentElement, { childList: true, subtree: true });

    function start() {
      observer = new MutationObserver((mutations) => {
        const begin = performance.now();
        if (mutations.some(isForeignMutation)) onForeign();
        performance.measure("papersieve:main", { start: begin, end: performance.now(), detail: "observe" });
      });
      observe(observer);
    }

    function stop() {
      if (observer) observer.disconnect();
      observer = null;
    }

    /** Run `work()` with the observer disconnected; one "papersieve:main" measure named `label`. */
    function timed(label, work) {
      const begin = performance.now();
      const current = observer;
      if (current) {
        if (current.takeRecords().some(isForeignMutation)) onForeign();
        current.disconnect();
      }
      try {
        return work();
      } finally {
        if (current && observer === current) observe(current);
        performance.measure("papersieve:main", { start: begin, end: performance.now(), detail: label });
      }
    }

    return { start, stop, timed };
  };
})();
