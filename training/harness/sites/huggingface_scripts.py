"""The scripts a Hugging Face snapshot runs in the page: late cards, and a client-side period swap."""

# The page templates keep the sites' markup on one line per element, as the real pages have it.
# ruff: noqa: E501

from __future__ import annotations

# Appends cards built with createElement/textContent from an inline JSON list (never innerHTML),
# after a delay or on a "Load more" click: cards that arrive after the first extract().
HF_LATE_CARDS_SCRIPT = """
(() => {
  const late = JSON.parse(document.getElementById("late-papers").textContent);
  const config = JSON.parse(document.getElementById("late-config").textContent);
  const grid = document.querySelector("[data-grid]");
  const card = (paper) => {
    const article = document.createElement("article");
    article.className = "relative flex flex-col overflow-hidden rounded-xl border";
    const h3 = document.createElement("h3");
    h3.className = "mb-1 text-lg/6 font-semibold";
    const link = document.createElement("a");
    link.href = "/papers/" + paper.id;
    link.className = "line-clamp-3 cursor-pointer text-balance";
    link.textContent = paper.title;
    h3.append(link);
    const votes = document.createElement("div");
    votes.className = "leading-none";
    votes.textContent = "7";
    article.append(votes, h3);
    return article;
  };
  const append = () => {
    for (const paper of late.splice(0, config.batch)) grid.append(card(paper));
    document.body.dataset.lateRemaining = String(late.length);
  };
  document.body.dataset.lateRemaining = String(late.length);
  if (config.mode === "timer") {
    const tick = () => { append(); if (late.length) setTimeout(tick, config.delayMs); };
    setTimeout(tick, config.delayMs);
  } else {
    document.getElementById("load-more").addEventListener("click", append);
  }
})();
"""

# Swaps the period client-side, like the real tabs: new cards, history.pushState, and (by default)
# the hydration JSON left stale, as a client-side navigation leaves it.
HF_PERIOD_SWAP_SCRIPT = """
(() => {
  const swap = JSON.parse(document.getElementById("swap-data").textContent);
  document.getElementById("tab-swap").addEventListener("click", () => {
    const grid = document.querySelector("[data-grid]");
    for (const old of grid.querySelectorAll("article")) old.remove();
    for (const paper of swap.papers) {
      const article = document.createElement("article");
      article.className = "relative flex flex-col overflow-hidden rounded-xl border";
      const h3 = document.createElement("h3");
      const link = document.createElement("a");
      link.href = "/papers/" + paper.id;
      link.className = "line-clamp-3 cursor-pointer text-balance";
      link.textContent = paper.title;
      h3.append(link);
      article.append(h3);
      grid.append(article);
    }
    if (swap.props !== null) {
      document.querySelector('[data-target="DailyPapers"]').setAttribute("data-props", JSON.stringify(swap.props));
    }
    history.pushState({}, "", swap.path);
  });
})();
"""
