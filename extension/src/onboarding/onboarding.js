// The onboarding page (opened by the worker on install; options and popup link to it): start the
// server (checked every 2 s until /health answers), pair (a code from `papersieve pair`, or the
// token pasted), import a library, open a digest page. Every server call goes through the worker
// by named intent; server text reaches the page only through textContent.
import { ask, ext } from "../shared/messaging.js";
import { fillImportFormats, importChosenFile } from "../shared/library-import.js";
import { neededOrigins } from "../shared/permissions.js";
import { rounds } from "../shared/rounds.js";
import {
  COMMANDS,
  DIGEST_PAGES,
  SERVER_RECHECK_MS,
  STEP_IDS,
  normalizePairingCode,
  pairingFailure,
  readinessText,
  stepStates,
} from "./steps.js";

const $ = (id) => document.getElementById(id);

// What the page knows; the worker and chrome.storage hold everything that must outlive the page.
const state = { server: false, paired: false, library: null, ready: false };
let serverCheck = { timer: 0, round: 0 };
// Checks of the stored token (only the newest one's answer counts), and the #pair-status messages:
// each action that writes one starts a round, and a message is written only while its round is
// the newest (a check begun before the reader paired never overwrites the pairing's message).
const tokenChecks = rounds();
const pairMessages = rounds();
const sayPair = (round, kind, message) => pairMessages.current(round) && say("pair-status", kind, message);

function say(id, kind, message) {
  const node = $(id);
  node.className = kind === "muted" ? "status muted" : `status state-${kind}`;
  node.textContent = message;
}

function render() {
  const states = stepStates(state);
  for (const id of STEP_IDS) {
    const section = $(`step-${id}`);
    section.dataset.state = states[id];
    section.querySelector("fieldset.controls").disabled = states[id] === "locked";
  }
}

function fillStatic() {
  $("serve-command").textContent = COMMANDS.serve;
  $("serve-installed-command").textContent = COMMANDS.serveInstalled;
  $("at-login-command").textContent = COMMANDS.atLogin;
  $("pair-command").textContent = COMMANDS.pair;
  $("token-command").textContent = COMMANDS.token;
  fillImportFormats($("import-format"));
  $("digest-buttons").replaceChildren(
    ...DIGEST_PAGES.map(({ url, label }) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "open-digest";
      button.dataset.url = url;
      button.textContent = `Open ${label}`;
      button.addEventListener("click", () => ext.tabs.create({ url }));
      return button;
    }),
  );
}

async function showReadiness() {
  const reply = await ask("listProfiles");
  if (!reply.ok) return;
  $("profile-name").textContent = reply.active;
  const active = reply.profiles.find((profile) => profile.name === reply.active);
  const labels = active ? active.labels : { up: 0, down: 0 };
  state.ready = labels.up > 0 && labels.down > 0;
  $("readiness").textContent = readinessText(labels);
}

/**
 * Step 2 done already? A stored token is tried with a real authenticated call. `message` is the
 * #pair-status round its words belong to (a pairing passes its own).
 */
async function checkStoredToken(message = pairMessages.next()) {
  const check = tokenChecks.next();
  const { ok, settings } = await ask("getSettings");
  if (!tokenChecks.current(check)) return;
  if (!ok || !settings.token) {
    sayPair(message, "muted", "Not paired yet: type the code from the command above.");
    return;
  }
  const reply = await ask("listProfiles");
  if (!tokenChecks.current(check)) return;
  state.paired = reply.ok;
  if (reply.ok) {
    sayPair(message, "ok", `Paired: the stored token works (${reply.profiles.length} profile(s)).`);
    await showReadiness();
  } else {
    sayPair(message, "bad", `The stored token does not work: ${reply.error.message}`);
  }
  render();
}

async function checkServer(round) {
  const reply = await ask("checkServer");
  if (round !== serverCheck.round) return; // the address changed meanwhile
  if (reply.ok) {
    state.server = true;
    $("server-url").value = reply.serverUrl;
    say("server-status", "ok", `The papersieve server${reply.version ? ` ${reply.version}` : ""} answers at ${reply.serverUrl}.`);
    render();
    await checkStoredToken();
    return;
  }
  state.server = false;
  state.paired = false;
  render();
  const message = reply.error ? reply.error.message : "The server did not answer.";
  say("server-status", "warn", `Waiting for the server (checked every 2 s). ${message}`);
  serverCheck.timer = setTimeout(() => checkServer(round), SERVER_RECHECK_MS);
}

function restartServerCheck() {
  clearTimeout(serverCheck.timer);
  serverCheck = { timer: 0, round: serverCheck.round + 1 };
  say("server-status", "muted", "Checking…");
  checkServer(serverCheck.round);
}

async function useServerUrl() {
  const saved = await ask("saveSettings", { update: { serverUrl: $("server-url").value } });
  if (!saved.ok) {
    say("server-status", "bad", saved.error.message);
    return;
  }
  $("server-url").value = saved.settings.serverUrl;
  state.server = false;
  state.paired = false;
  render();
  restartServerCheck();
}

async function pair(event) {
  event.preventDefault();
  const message = pairMessages.next();
  const typed = normalizePairingCode($("pair-code").value);
  if (typed.error) {
    sayPair(message, "bad", typed.error);
    return;
  }
  $("pair-code").value = typed.code;
  sayPair(message, "muted", "Pairing…");
  const reply = await ask("pairWithCode", { code: typed.code });
  if (!reply.ok) {
    sayPair(message, "bad", pairingFailure(reply.error));
    return;
  }
  $("pair-code").value = "";
  await checkStoredToken(message);
  if (state.paired) sayPair(message, "ok", reply.message);
}

async function pasteToken(event) {
  event.preventDefault();
  const message = pairMessages.next();
  const token = $("token").value;
  sayPair(message, "muted", "Checking…");
  const { settings } = await ask("getSettings");
  const check = await ask("checkToken", { serverUrl: settings.serverUrl, token });
  if (!check.ok) {
    sayPair(message, "bad", check.error.message);
    return;
  }
  const saved = await ask("saveSettings", { update: { token } });
  if (!saved.ok) {
    sayPair(message, "bad", saved.error.message);
    return;
  }
  $("token").value = "";
  await checkStoredToken(message);
  if (state.paired) sayPair(message, "ok", `${check.message} Saved.`);
}

async function importFile(event) {
  event.preventDefault();
  const reply = await importChosenFile({
    fileInput: $("library-file"),
    formatSelect: $("import-format"),
    skippedList: $("import-skipped"),
    statusId: "import-status",
    say,
    noFile: "Choose your library's file first.",
  });
  if (!reply) return;
  $("readiness").textContent = readinessText(reply.labels);
  state.ready = reply.ready;
  state.library = "done";
  render();
}

function skipImport() {
  state.library = "skipped";
  say("import-status", "muted", "Skipped: your 👍 and 👎 on the pages teach papersieve instead.");
  render();
  showReadiness();
}

async function showGrantButton() {
  $("grant-row").hidden = await ext.permissions.contains({ origins: neededOrigins() });
}

async function grant() {
  await ext.permissions.request({ origins: neededOrigins() });
  await showGrantButton();
  restartServerCheck();
}

async function load() {
  fillStatic();
  render();
  const reply = await ask("getSettings");
  if (reply.ok) {
    $("server-url").value = reply.settings.serverUrl;
    $("profile-name").textContent = reply.settings.profile;
  }
  await showGrantButton();
  restartServerCheck();
}

$("grant").addEventListener("click", grant);
$("use-server-url").addEventListener("click", useServerUrl);
$("server-url").addEventListener("keydown", (event) => {
  if (event.key === "Enter") useServerUrl();
});
$("pair-form").addEventListener("submit", pair);
$("token-form").addEventListener("submit", pasteToken);
$("import-form").addEventListener("submit", importFile);
$("skip-import").addEventListener("click", skipImport);
// While the last step waits for the model: each rating the worker delivers (it bumps
// ratingsVersion) may be the one that makes it ready.
ext.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && "ratingsVersion" in changes && state.paired && state.library && !state.ready) {
    showReadiness();
  }
});

load();
