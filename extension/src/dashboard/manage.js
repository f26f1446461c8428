// The dashboard's import, export and profile management (create, rename, delete after a
// confirmation that counts the profile's own ratings). Every server call is a named intent to the
// worker; text only via textContent.
import { ask } from "../shared/messaging.js";
import { rounds } from "../shared/rounds.js";
import { fillImportFormats, importChosenFile } from "../shared/library-import.js";
import * as view from "./view.js";

const $ = (id) => document.getElementById(id);

/**
 * Wire the import, export and profile controls. `state` is the page's (profile, profiles,
 * labels: the shown profile's counts or null, offset), `say(id, kind, text)` its status lines,
 * `showCounts(labels)` sets state.labels, `loadProfiles(name)` re-reads the profiles and shows
 * `name`, `reload()` shows the current profile's parts again. Returns `countsChanged()`, for the
 * page to call whenever state.profile or state.labels change.
 */
export function wireManagement({ state, say, showCounts, loadProfiles, reload }) {
  // One round per profile action's #profile-status message: a message is written only while no
  // newer action began (a create still reloading never overwrites a later action's error).
  const messages = rounds();
  const tell = (round, kind, text) => messages.current(round) && say("profile-status", kind, text);

  async function importFile(event) {
    event.preventDefault();
    const reply = await importChosenFile({
      fileInput: $("import-file"),
      formatSelect: $("import-format"),
      skippedList: $("import-skipped"),
      statusId: "import-status",
      say,
      profile: state.profile,
      noFile: "Choose a file first.",
    });
    if (!reply) return;
    state.offset = 0;
    await reload();
  }

  async function exportAs(format) {
    say("export-status", "muted", "Exporting…");
    const reply = await ask("dashboardExport", { profile: state.profile, format });
    if (!reply.ok) {
      say("export-status", "bad", reply.error.message);
      return;
    }
    const url = URL.createObjectURL(new Blob([reply.text], { type: reply.contentType }));
    const link = document.createElement("a");
    link.href = url;
    link.download = view.exportFileName(state.profile, format);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say("export-status", "ok", `Saved ${link.download}.`);
  }

  async function createProfile(event) {
    event.preventDefault();
    const round = messages.next();
    const checked = view.checkProfileName($("new-profile").value, state.profiles.map((p) => p.name));
    if (checked.error) return tell(round, "bad", checked.error);
    const reply = await ask("createProfile", { name: checked.name });
    if (!reply.ok) return tell(round, "bad", reply.error.message);
    $("new-profile").value = "";
    await loadProfiles(checked.name);
    tell(round, "ok", `Created “${checked.name}”; it now marks your pages.`);
  }

  async function renameProfile(event) {
    event.preventDefault();
    const round = messages.next();
    const from = state.profile;
    const checked = view.checkProfileName($("rename-profile").value, state.profiles.map((p) => p.name));
    if (checked.error) return tell(round, "bad", checked.error);
    const reply = await ask("renameProfile", { from, to: checked.name });
    if (!reply.ok) return tell(round, "bad", reply.error.message);
    $("rename-profile").value = "";
    if (state.profile === from) showCounts(null); // "from" is gone: nothing to delete by that name
    await loadProfiles(checked.name);
    tell(round, "ok", `Renamed “${from}” to “${checked.name}”.`);
  }

  /** Delete waits for the shown profile's own counts; an open question follows them. */
  function countsChanged() {
    const isDefault = state.profile === "default";
    const button = $("delete");
    button.disabled = isDefault || !state.labels;
    button.title = isDefault
      ? "The default profile stays (its ratings can be removed)."
      : state.labels
        ? ""
        : "Waiting for this profile's counts…";
    if (!state.labels) $("delete-confirm").hidden = true;
    else if (!$("delete-confirm").hidden) $("delete-question").textContent = view.deleteQuestion(state.profile, state.labels);
  }

  function askDelete() {
    if (!state.labels) return;
    $("delete-question").textContent = view.deleteQuestion(state.profile, state.labels);
    $("delete-confirm").hidden = false;
    $("delete-no").focus();
  }

  async function deleteProfile() {
    const round = messages.next();
    const name = state.profile;
    const labels = state.labels;
    $("delete-confirm").hidden = true;
    showCounts(null); // no second delete while this one is asked
    const reply = await ask("deleteProfile", { name });
    if (!reply.ok) {
      if (state.profile === name && !state.labels) showCounts(labels);
      return tell(round, "bad", reply.error.message);
    }
    await loadProfiles();
    tell(round, "ok", `Deleted “${name}”.`);
  }

  $("import-form").addEventListener("submit", importFile);
  $("export-json").addEventListener("click", () => exportAs("json"));
  $("export-csv").addEventListener("click", () => exportAs("csv"));
  $("create-form").addEventListener("submit", createProfile);
  $("rename-form").addEventListener("submit", renameProfile);
  $("delete").addEventListener("click", askDelete);
  $("delete-yes").addEventListener("click", deleteProfile);
  $("delete-no").addEventListener("click", () => {
    $("delete-confirm").hidden = true;
  });
  fillImportFormats($("import-format"));
  return { countsChanged };
}
