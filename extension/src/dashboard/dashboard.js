// The dashboard page: per profile, what the model learned (ratings over time, learning curve,
// quality, top terms), papers to rate next, the rated papers (search, filter, change or undo),
// import and export, and profile management. Every server call is a named intent to the worker;
// server text reaches the page only through textContent and attributes.
import { ask, ext } from "../shared/messaging.js";
import { rounds } from "../shared/rounds.js";
import { aucDomain, curveSeries, dayLabel, labelSeries, lineChart } from "./plot.js";
import { chartSvg } from "./svg.js";
import { paperRow, ratedDetail, suggestionDetail } from "./rows.js";
import * as view from "./view.js";
import { wireManagement } from "./manage.js";
import { wireRules } from "./rules.js";

const $ = (id) => document.getElementById(id);

// What the page shows now; the worker and the server hold everything else. `labels` are the shown
// profile's counts, null until its own have arrived (the delete question counts them).
const state = { profile: "", active: "", profiles: [], labels: null, offset: 0, query: "", filter: "all" };
// One round per part of the page: a reply older than its part's newest request (a slow one, or
// one about the profile shown before) is dropped, never shown over the newer one.
const parts = { days: rounds(), curve: rounds(), overview: rounds(), suggest: rounds(), rated: rounds() };
let overviewTimer = 0;
let suggestionsDue = false; // an overview that would load the suggestions was overtaken by a newer one

function say(id, kind, message) {
  const node = $(id);
  node.className = `status ${kind === "muted" ? "muted" : `state-${kind}`}`;
  node.textContent = message;
}

/** Rate in the profile shown; the reply says which profile that was (the page may show another by then). */
async function rate(paper, rating) {
  const profile = state.profile;
  return { ...(await ask("dashboardRate", { profile, paper, rating })), profile };
}

/** The shown profile's counts (null: not in yet), and the Delete button and question that use them. */
function showCounts(labels) {
  state.labels = labels;
  management.countsChanged();
}

/** After a rating changes: the counts at once, the plots and suggestions a little later. */
function ratingChanged(reply) {
  if (reply.profile !== state.profile) return;
  if (reply.labels) {
    showCounts(reply.labels);
    $("labels-text").textContent = view.labelsText(reply.labels);
  }
  refreshSoon();
}

/**
 * The counts, plots and terms again shortly (not the lists: their rows keep their undo). A large
 * profile gets its ratings-by-day plot only, and a button for the rest (each refit and its
 * cross-validation costs the server seconds).
 */
function refreshSoon() {
  clearTimeout(overviewTimer);
  overviewTimer = setTimeout(() => {
    if (!state.labels || view.refitsOnChange(state.labels)) loadOverview(false);
    else {
      loadDays(state.profile);
      $("model-stale").hidden = false;
    }
  }, 1500);
}

function showChart(id, chart, options) {
  const box = $(id).querySelector(".chart-box");
  box.replaceChildren(chartSvg(chart, options));
}

function emptyChart(id, message) {
  const note = document.createElement("p");
  note.className = "muted empty";
  note.textContent = message;
  $(id).querySelector(".chart-box").replaceChildren(note);
}

function fillList(id, words) {
  $(id).replaceChildren(
    ...words.map((word) => {
      const item = document.createElement("li");
      item.textContent = word;
      return item;
    }),
  );
}

/** Ratings by day (at once: no model is fitted for them). */
async function loadDays(profile) {
  const round = parts.days.next();
  const days = await ask("dashboardHistory", { profile, curve: false });
  if (!parts.days.current(round) || profile !== state.profile) return;
  if (!days.ok) emptyChart("labels-chart", days.error.message);
  else if (days.days.length === 0) emptyChart("labels-chart", "No ratings yet.");
  else {
    const first = days.days[0].day;
    const chart = lineChart(labelSeries(days.days), { xFormat: (x) => dayLabel(first, x) });
    showChart("labels-chart", chart, { title: "Ratings over time: 👍 and 👎 running totals", xLabel: "day", yLabel: "ratings" });
  }
}

/** The learning curve (it fits models: seconds for thousands of ratings). */
async function loadCurve(profile) {
  if (!$("curve-chart").querySelector("svg")) emptyChart("curve-chart", "Fitting the learning curve…");
  const round = parts.curve.next();
  const history = await ask("dashboardHistory", { profile, curve: true });
  if (!parts.curve.current(round) || profile !== state.profile) return;
  if (!history.ok) {
    emptyChart("curve-chart", history.error.message);
    return;
  }
  if (history.curve.length === 0) {
    emptyChart("curve-chart", "The learning curve appears once there are 5 ratings of each kind.");
  } else {
    const chart = lineChart(curveSeries(history.curve), { yDomain: aucDomain(history.curve, history.quality), yFormat: (y) => y.toFixed(1) });
    const reference = history.quality ? { y: history.quality.mean, label: `cross-validated ${history.quality.mean.toFixed(2)}` } : null;
    showChart("curve-chart", chart, { title: "Learning curve: ROC AUC by ratings fitted", reference, xLabel: "ratings fitted", yLabel: "ROC AUC" });
  }
}

async function loadOverview(withSuggestions = true) {
  const round = parts.overview.next();
  const profile = state.profile;
  suggestionsDue ||= withSuggestions;
  $("model-stale").hidden = true;
  loadDays(profile);
  const reply = await ask("dashboardProfile", { profile });
  if (!parts.overview.current(round) || profile !== state.profile) return;
  // After the profile's reply, whose model and cross-validation the curve's request then reuses.
  loadCurve(profile);
  if (!reply.ok) {
    say("status", "bad", reply.error.message);
    return;
  }
  showCounts(reply.labels);
  $("labels-text").textContent = `${view.labelsText(reply.labels)} · ${reply.papersSeen} papers seen`;
  $("quality-text").textContent = view.qualityText(reply.labels, reply.model);
  fillList("terms-for", reply.terms.for);
  fillList("terms-against", reply.terms.against);
  if (suggestionsDue) loadSuggestions(profile);
  suggestionsDue = false;
}

async function loadSuggestions(profile) {
  const round = parts.suggest.next();
  const reply = await ask("dashboardSuggest", { profile, limit: view.SUGGESTIONS });
  if (!parts.suggest.current(round) || profile !== state.profile) return;
  const list = $("suggest-list");
  if (!reply.ok) {
    list.replaceChildren();
    $("suggest-status").textContent = reply.error.message;
    return;
  }
  list.replaceChildren(...reply.papers.map((item) => paperRow(item.paper, 0, suggestionDetail(item), rate, ratingChanged)));
  $("suggest-status").textContent = !reply.ready
    ? "Suggestions come once the model is trained (one 👍 and one 👎)."
    : reply.papers.length === 0
      ? "Nothing to suggest: every paper seen on a digest page is rated."
      : "";
}

async function loadRated() {
  const round = parts.rated.next();
  const profile = state.profile;
  const reply = await ask("dashboardRatings", {
    profile,
    query: state.query,
    rating: view.ratingFilter(state.filter),
    limit: view.PAGE_SIZE,
    offset: state.offset,
  });
  if (!parts.rated.current(round)) return; // a newer search, page or profile was asked meanwhile
  if (!reply.ok) {
    $("rated-page").textContent = reply.error.message;
    return;
  }
  $("rated-list").replaceChildren(
    ...reply.ratings.map((item) => paperRow(item.paper, item.rating, ratedDetail(item), rate, ratingChanged)),
  );
  const page = view.pageInfo(reply.total, state.offset, reply.ratings.length);
  $("rated-page").textContent = page.text;
  $("rated-prev").disabled = !page.hasPrev;
  $("rated-next").disabled = !page.hasNext;
}

function showProfiles() {
  const names = state.profiles.map((p) => p.name);
  if (!names.includes(state.profile)) names.unshift(state.profile);
  $("profile-select").replaceChildren(
    ...names.map((name) => {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = name === state.active ? `${name} (active on pages)` : name;
      option.selected = name === state.profile;
      return option;
    }),
  );
  const isActive = state.profile === state.active;
  $("active-note").textContent = isActive ? "the profile that marks your pages" : `pages are marked with “${state.active}”`;
  $("make-active").hidden = isActive;
  const isDefault = state.profile === "default";
  $("rename").disabled = isDefault;
}

/** Show one profile: everything on the page is about it. */
async function selectProfile(name) {
  state.profile = name;
  state.offset = 0;
  showCounts(null); // and the delete question closed: the counts it asks about are not in yet
  for (const id of ["labels-text", "quality-text", "suggest-status"]) $(id).textContent = "";
  for (const id of ["rated-list", "suggest-list", "terms-for", "terms-against"]) $(id).replaceChildren();
  emptyChart("labels-chart", "Loading…");
  emptyChart("curve-chart", "Loading…");
  showProfiles();
  say("status", "muted", "");
  await Promise.all([loadOverview(), loadRated(), loadRules()]);
}

async function loadProfiles(show) {
  const reply = await ask("listProfiles");
  if (!reply.ok) {
    say("status", "bad", reply.error.message);
    return false;
  }
  state.active = reply.active;
  state.profiles = reply.profiles;
  const wanted = show && reply.profiles.some((p) => p.name === show) ? show : reply.active;
  await selectProfile(wanted);
  return true;
}

$("refresh-model").addEventListener("click", () => loadOverview(false));
$("profile-select").addEventListener("change", (event) => selectProfile(event.target.value));
$("make-active").addEventListener("click", async () => {
  const reply = await ask("setActiveProfile", { name: state.profile });
  if (!reply.ok) return say("status", "bad", reply.error.message);
  await loadProfiles(state.profile);
});
$("rated-form").addEventListener("submit", (event) => {
  event.preventDefault();
  state.query = $("rated-query").value;
  state.filter = $("rated-filter").value;
  state.offset = 0;
  loadRated();
});
$("rated-filter").addEventListener("change", () => $("rated-form").requestSubmit());
$("rated-prev").addEventListener("click", () => {
  state.offset = view.nextOffset(state.offset, -1);
  loadRated();
});
$("rated-next").addEventListener("click", () => {
  state.offset = view.nextOffset(state.offset, 1);
  loadRated();
});
const loadRules = wireRules({ state, say });
const management = wireManagement({
  state,
  say,
  showCounts,
  loadProfiles,
  reload: () => Promise.all([loadOverview(), loadRated(), loadRules()]),
});
// Ratings made on digest pages meanwhile (the worker bumps ratingsVersion) refresh the counts.
ext.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && "ratingsVersion" in changes) refreshSoon();
});

loadProfiles(new URLSearchParams(location.search).get("profile"));
