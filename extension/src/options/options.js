// The options page: server URL (loopback only) and token (checked against the server at once),
// thresholds, the marking mode, which sites to mark and which to sort by score. Every change goes through the worker,
// which validates it and stores it.
import { ask, ext } from "../shared/messaging.js";
import { neededOrigins } from "../shared/permissions.js";

const $ = (id) => document.getElementById(id);

function say(id, ok, message) {
  const node = $(id);
  node.className = ok ? "state-ok" : "state-bad";
  node.textContent = message;
}

function fill(settings, sites) {
  $("server-url").value = settings.serverUrl;
  $("token").value = settings.token;
  $("highlight-above").value = Math.round(settings.highlightAbove * 1000) / 10;
  $("dim-below").value = Math.round(settings.dimBelow * 1000) / 10;
  for (const radio of document.querySelectorAll('input[name="mode"]')) radio.checked = radio.value === settings.mode;
  siteBoxes($("sites"), "site", sites, (host) => settings.pausedSites[host] !== true);
  siteBoxes($("sorted-sites"), "sorted-site", sites, (host) => settings.sortedSites[host] === true);
}

/** One checkbox per supported site in `fieldset`, named `name`, ticked where `checked(host)`. */
function siteBoxes(fieldset, name, sites, checked) {
  fieldset.querySelectorAll("label").forEach((label) => label.remove());
  for (const site of sites) {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = name;
    box.value = site.host;
    box.checked = checked(site.host);
    label.append(box, ` ${site.label}`);
    fieldset.append(label);
  }
}

async function showGrantButton() {
  const granted = await ext.permissions.contains({ origins: neededOrigins() });
  $("grant").hidden = granted;
}

async function checkAndSave(event) {
  event.preventDefault();
  const serverUrl = $("server-url").value;
  const token = $("token").value;
  say("server-result", true, "Checking…");
  const check = await ask("checkToken", { serverUrl, token });
  const saved = await ask("saveSettings", { update: { serverUrl, token } });
  if (!saved.ok) {
    say("server-result", false, saved.error.message);
    return;
  }
  if (check.ok) say("server-result", true, `${check.message} Saved.`);
  else say("server-result", false, `Saved, but: ${check.error.message}`);
}

async function saveDisplay(event) {
  event.preventDefault();
  const mode = document.querySelector('input[name="mode"]:checked');
  const pausedSites = {};
  for (const box of document.querySelectorAll('input[name="site"]')) if (!box.checked) pausedSites[box.value] = true;
  const sortedSites = {};
  for (const box of document.querySelectorAll('input[name="sorted-site"]')) if (box.checked) sortedSites[box.value] = true;
  const reply = await ask("saveSettings", {
    update: {
      highlightAbove: Number($("highlight-above").value) / 100,
      dimBelow: Number($("dim-below").value) / 100,
      mode: mode ? mode.value : "dim",
      pausedSites,
      sortedSites,
    },
  });
  say("display-result", reply.ok, reply.ok ? "Saved: open digest pages update at once." : reply.error.message);
}

async function load() {
  const reply = await ask("getSettings");
  if (!reply.ok) {
    say("server-result", false, reply.error.message);
    return;
  }
  fill(reply.settings, reply.sites);
  await showGrantButton();
}

$("server-form").addEventListener("submit", checkAndSave);
$("token").addEventListener("paste", () => setTimeout(() => $("server-form").requestSubmit(), 0));
$("display-form").addEventListener("submit", saveDisplay);
$("grant").addEventListener("click", async () => {
  await ext.permissions.request({ origins: neededOrigins() });
  await showGrantButton();
});

load();
