"""What surrounds every arXiv snapshot's listing: the page head with MathJax 2, typesetting, the footer."""

# The page templates keep the sites' markup on one line per element, as the real pages have it.
# ruff: noqa: E501

from __future__ import annotations

from training.harness.sites.markup import escape

MATHJAX_CONFIG = """<script type="text/x-mathjax-config">
  MathJax.Hub.Config({tex2jax: {inlineMath: [["$","$"], ["\\\\(","\\\\)"]], processEscapes: true},
                      messageStyle: "none"});
</script>"""

# MathJax 2 typesetting of `$…$`, as arXiv's pages show after load: a preview span, the rendered
# span (visible glyphs), and the TeX kept in a script[type="math/tex"]. Run by the snapshot when
# `mathjax="typeset"`, so adapters are tested against a page MathJax has already rewritten.
MATHJAX2_SIMULATION = """
(() => {
  let n = 0;
  for (const host of document.querySelectorAll(".mathjax")) {
    const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const text of texts) {
      const parts = text.data.split(/\\$([^$]+)\\$/);
      if (parts.length === 1) continue;
      const frag = document.createDocumentFragment();
      parts.forEach((part, i) => {
        if (i % 2 === 0) { frag.append(part); return; }
        n += 1;
        const preview = document.createElement("span");
        preview.className = "MathJax_Preview";
        const rendered = document.createElement("span");
        rendered.className = "MathJax";
        rendered.id = "MathJax-Element-" + n + "-Frame";
        rendered.setAttribute("role", "presentation");
        const glyphs = document.createElement("span");
        glyphs.className = "math";
        glyphs.textContent = part.replace(/\\\\[a-zA-Z]+|[{}^_]/g, "");
        rendered.append(glyphs);
        const script = document.createElement("script");
        script.type = "math/tex";
        script.id = "MathJax-Element-" + n;
        script.textContent = part;
        frag.append(preview, rendered, script);
      });
      text.replaceWith(frag);
    }
  }
  document.documentElement.dataset.mathjax = "typeset";
})();
"""


def arxiv_head(title: str, mathjax: str) -> str:
    typeset = (
        (
            '<script>document.addEventListener("DOMContentLoaded", () => {'
            + MATHJAX2_SIMULATION
            + "});</script>"
        )
        if mathjax == "typeset"
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <title>{escape(title)}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" type="text/css" media="screen" href="/static/browse/0.3.4/css/arXiv.css">
  {MATHJAX_CONFIG}
  {typeset}
</head>
<body class="with-cu-identity">
  <div class="flex-wrap-footer">
  <header>
    <a href="#content" class="is-sr-only">Skip to main content</a>
    <div id="cu-identity"><div id="cu-logo"><a href="https://www.cornell.edu/"><img src="/static/browse/0.3.4/images/icons/cu/cornell-reduced-white-SMALL.svg" alt="Cornell University" width="200"></a></div>
      <div id="support-ack"><a href="https://info.arxiv.org/about/ourmembers.html">We gratefully acknowledge support from the Simons Foundation, member institutions, and all contributors.</a>
      <a href="https://info.arxiv.org/about/donate.html" class="btn-header-donate">Donate</a></div></div>
    <div id="header" class="is-hidden-mobile">
      <a aria-hidden="true" tabindex="-1" href="/IgnoreMe"></a>
      <div class="header-breadcrumbs"><a href="/"><img src="/static/browse/0.3.4/images/arxiv-logo-one-color-white.svg" alt="arxiv logo" style="height:40px;"></a></div>
      <div class="search-block level-right">
        <form class="level-item mini-search" method="GET" action="https://arxiv.org/search">
          <input class="input is-small" type="text" name="query" placeholder="Search..." aria-label="Search term or terms">
          <select class="is-small" id="searchtype" name="searchtype"><option value="all" selected="selected">All fields</option><option value="title">Title</option><option value="author">Author</option><option value="abstract">Abstract</option></select>
          <button class="button is-small is-cul-darker">Search</button>
        </form>
      </div>
    </div>
  </header>
  <main>"""


ARXIV_FOOT = """
  </main>
  <footer style="clear: both;"><div class="columns is-desktop" role="navigation" aria-label="Secondary">
    <ul class="nav-spaced"><li><a href="https://info.arxiv.org/about">About</a></li><li><a href="https://info.arxiv.org/help">Help</a></li>
    <li><a href="https://info.arxiv.org/help/contact.html">Contact</a></li><li><a href="https://info.arxiv.org/help/license/index.html">Copyright</a></li>
    <li><a href="https://info.arxiv.org/help/policies/privacy_policy.html">Privacy Policy</a></li></ul></div></footer>
  </div>
</body>
</html>"""
