// The dashboard's import, export and profile management (create, rename, delete after a
// confirmation). Every server call is a named intent to the worker; text only via textContent.
import { ask } from "../shared/messaging.js";
import { IMPORT_FORMATS } from "../onboarding/steps.js";
import { importChosenFile } from "../shared/library-import.js";
import * as view from "./view.js";

const $ = (id) => document.getElementById(id);

/**
 * Wire the import, export and profile controls. `state` is the page's (profile, profiles,
 * labels, offset), `say(id, kind, text)` its status lines, `loadProfiles(name)` re-reads the
 * profiles and shows `name`, `reload()` shows the current profile's parts again.
 */
export function wireManagement({ state, say, loadProfiles, reload }) {
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
    const checked = view.checkProfileName($("new-profile").value, state.profiles.map((p) => p.name));
    if (checked.error) return say("profile-status", "bad", checked.error);
    const reply = await ask("createProfile", { name: checked.name });
    if (!reply.ok) return say("profile-status", "bad", reply.error.message);
    $("new-profile").value = "";
    await loadProfiles(checked.name);
    say("profile-status", "ok", `Created “${checked.name}”; it now marks your pages.`);
  }

  async function renameProfile(event) {
    event.preventDefault();
    const from = state.profile;
    const checked = view.checkProfileName($("rename-profile").value, state.profiles.map((p) => p.name));
    if (checked.error) return say("profile-status", "bad", checked.error);
    const reply = await ask("renameProfile", { from, to: checked.name });
    if (!reply.ok) return say("profile-status", "bad", reply.error.message);
    $("rename-profile").value = "";
    await loadProfiles(checked.name);
    say("profile-status", "ok", `Renamed “${from}” to “${checked.name}”.`);
  }

  function askDelete() {
    $("delete-question").textContent = view.deleteQuestion(state.profile, state.labels);
    $("delete-confirm").hidden = false;
    $("delete-no").focus();
  }

  async function deleteProfile() {
    const name = state.profile;
    $("delete-confirm").hidden = true;
    const reply = await ask("deleteProfile", { name });
    if (!reply.ok) return say("profile-status", "bad", reply.error.message);
    await loadProfiles();
    say("profile-status", "ok", `Deleted “${name}”.`);
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
  $("import-format").replaceChildren(
    ...IMPORT_FORMATS.map(({ value, label }) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      return option;
    }),
  );
}
