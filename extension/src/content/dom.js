// Small DOM helpers shared by the bar and the summary: elements are built with createElement and
// textContent only (never innerHTML: page text and server replies are data, not markup), and
// attributes and text are written only when they change. `[data-papersieve]` marks our own nodes.
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});

  const OURS = "data-papersieve";
  const VERDICT_CLASS = Object.freeze({ high: "papersieve-high", dim: "papersieve-dim", hide: "papersieve-hide" });
  const REVEALED_CLASS = "papersieve-revealed";

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setAttribute(node, name, value) {
    if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  /** The node is inside one of our own elements (bar, summary). */
  function isOurs(node) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return Boolean(element && element.closest(`[${OURS}]`));
  }

  ns.dom = Object.freeze({ OURS, VERDICT_CLASS, REVEALED_CLASS, make, setAttribute, setText, isOurs });
})();
