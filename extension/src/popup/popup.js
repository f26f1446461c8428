// The toolbar popup: server connection (and what to do when it is down), active profile
// (switch or create), label counts, this page's counts, and the pause and sort switches for this site.
import { ask, ext } from "../shared/messaging.js";
import { rounds } from "../shared/rounds.js";
import { siteKeyForHost } from "../shared/settings.js";

const $ = (id) => document.getElementById(id);
// This page's part of the popup: each read of it starts a round, and so does each switch the
// reader flips (and again once the worker stored it), so a read begun earlier never re-ticks a
// switch over the reader's newer choice.
const page = rounds();
// The connection, profile list and counts: a status read begun before a newer one (a switch or a
// create reads again) never shows its older list over the newer one.
const statusReads = rounds();

function showConnection(status) {
  const connection = $("connection");
  const help = $("connection-help");
  if (status.ok) {
    connection.className = "state-ok";
    connection.textContent = `Connected to ${status.serverUrl}`;
    help.hidden = true;
  } else {
    const kind = status.error ? status.error.kind : "unknown";
    connection.className = kind === "timeout" ? "state-warn" : "state-bad";
    connection.textContent =
      kind === "no_token" || kind === "unauthorized"
        ? "Connected, but not signed in"
        : `Server not reachable at ${status.serverUrl}`;
    help.textContent = status.error ? status.error.message : "";
    help.hidden = !help.textContent;
  }
  const waiting = $("waiting");
  waiting.hidden = !(status.waitingRatings > 0);
  waiting.textContent = `${status.waitingRatings} rating(s) kept here, sent when the server is back.`;
}

function showProfiles(status) {
  $("profile-section").hidden = !status.ok;
  if (!status.ok) return;
  const select = $("profile-select");
  const names = status.profiles.map((profile) => profile.name);
  if (!names.includes(status.profile)) names.unshift(status.profile);
  select.replaceChildren(
    ...names.map((name) => {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = name;
      option.selected = name === status.profile;
      return option;
    }),
  );
  const active = status.profiles.find((profile) => profile.name === status.profile);
  const labels = active ? active.labels : { up: 0, down: 0 };
  $("labels").textContent = `Ratings: 👍 ${labels.up} · 👎 ${labels.down}`;
}

/** The tab this popup is about: the active one, or `?tab=<id>` when opened as a page (tests). */
async function activeTab() {
  const asked = Number.parseInt(new URLSearchParams(location.search).get("tab") || "", 10);
  if (Number.isInteger(asked)) return ext.tabs.get(asked);
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return tab;
}

async function showPage() {
  const round = page.next();
  const tab = await activeTab();
  let counts = null;
  if (tab && tab.id !== undefined) {
    try {
      counts = await ext.tabs.sendMessage(tab.id, { intent: "getPageCounts" });
    } catch {
      counts = null;
    }
  }
  if (!page.current(round)) return;
  const text = $("page-counts");
  const pauseRow = $("pause-row");
  const sortRow = $("sort-row");
  if (!counts || !counts.ok) {
    text.textContent = "Not a supported digest page (Hugging Face papers, arXiv listings or search).";
    pauseRow.hidden = true;
    sortRow.hidden = true;
    return;
  }
  const stored = await ask("getSettings");
  if (!page.current(round)) return;
  pauseRow.hidden = false;
  sortRow.hidden = !stored.ok;
  const site = siteKeyForHost(counts.host);
  if (stored.ok) $("site-sorted").checked = stored.settings.sortedSites[site] === true;
  $("site-sorted-label").textContent = `Sort papers by score on ${counts.host}`;
  $("site-sorted").dataset.host = counts.host;
  // The reader's stored choice (the page's own state follows it a moment later).
  $("site-enabled").checked = stored.ok ? stored.settings.pausedSites[site] !== true : counts.active;
  $("site-enabled-label").textContent = `Mark papers on ${counts.host}`;
  if (!counts.active) text.textContent = `Paused on ${counts.host}.`;
  else if (counts.ready === false) {
    text.textContent = `${counts.cards} papers; the model needs ${counts.needed || "more"} more rating(s) first.`;
  } else {
    text.textContent =
      `${counts.cards} papers: ${counts.scored} scored, ${counts.highlighted} highlighted, ` +
      `${counts.dimmed} dimmed, ${counts.hidden} hidden.`;
  }
  $("site-enabled").dataset.host = counts.host;
}

function showProfileError(reply) {
  const error = $("profile-error");
  error.hidden = reply.ok;
  error.textContent = reply.ok ? "" : reply.error.message;
}

async function refresh() {
  const round = statusReads.next();
  const status = await ask("getStatus");
  if (!statusReads.current(round)) return;
  showConnection(status);
  showProfiles(status);
  await showPage();
}

$("profile-select").addEventListener("change", async (event) => {
  showProfileError(await ask("setActiveProfile", { name: event.target.value }));
  await refresh();
});

$("create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("new-profile");
  const reply = await ask("createProfile", { name: input.value });
  showProfileError(reply);
  if (reply.ok) input.value = "";
  await refresh();
});

$("site-enabled").addEventListener("change", async (event) => {
  page.next();
  await ask("setSitePaused", { host: event.target.dataset.host, paused: !event.target.checked });
  page.next();
  setTimeout(showPage, 300);
});

$("site-sorted").addEventListener("change", async (event) => {
  page.next();
  await ask("setSiteSorted", { host: event.target.dataset.host, sorted: event.target.checked });
  showPage(); // read again what a read dropped meanwhile showed (its own round: after the store)
});

$("open-options").addEventListener("click", () => ext.runtime.openOptionsPage());
$("open-dashboard").addEventListener("click", () =>
  ext.tabs.create({ url: ext.runtime.getURL("src/dashboard/dashboard.html") }),
);
$("open-onboarding").addEventListener("click", () =>
  ext.tabs.create({ url: ext.runtime.getURL("src/onboarding/onboarding.html") }),
);

refresh();
