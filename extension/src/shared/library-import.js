// One library import from a page's file field (onboarding and dashboard): read the chosen file,
// send it through the worker's importLibrary intent, say how it went and list the skipped entries.
// Text only via textContent.
import { ask } from "./messaging.js";
import { rounds } from "./rounds.js";
import { IMPORT_FORMATS, importFormatFor, importSummary } from "../onboarding/steps.js";

/** Fill a <select> with the import formats the server reads ("tell from the file" first). */
export function fillImportFormats(select) {
  select.replaceChildren(
    ...IMPORT_FORMATS.map(({ value, label }) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      return option;
    }),
  );
}

// One round per status line: an import's late reply never overwrites what a newer import wrote.
const importRounds = new Map();

/**
 * Import the file chosen in `fileInput` (format from `formatSelect`, "auto" tells it from the name)
 * into `profile` (the worker's active one when undefined). `say(id, kind, text)` writes the page's
 * status line `statusId`; `skippedList` gets one <li> per skipped entry. Resolves to the worker's
 * reply when something was imported, else null (the status line says why). Only the newest import
 * of a status line writes to it: an earlier one still resolves to its reply, silently.
 */
export async function importChosenFile({ fileInput, formatSelect, skippedList, statusId, say: write, profile, noFile }) {
  if (!importRounds.has(statusId)) importRounds.set(statusId, rounds());
  const line = importRounds.get(statusId);
  const round = line.next();
  const say = (...args) => line.current(round) && write(...args);
  const [file] = fileInput.files;
  skippedList.replaceChildren();
  if (!file) {
    say(statusId, "bad", noFile);
    return null;
  }
  say(statusId, "muted", `Importing ${file.name}…`);
  let text;
  try {
    text = await file.text();
  } catch (error) {
    say(statusId, "bad", `Could not read ${file.name}: ${error.message}`);
    return null;
  }
  const request = { text, format: importFormatFor(file.name, formatSelect.value) };
  if (profile !== undefined) request.profile = profile;
  const reply = await ask("importLibrary", request);
  if (!reply.ok) {
    say(statusId, "bad", `Nothing imported: ${reply.error.message}`);
    return null;
  }
  const summary = importSummary(reply);
  if (!line.current(round)) return reply;
  say(statusId, reply.skippedCount > 0 ? "warn" : "ok", summary.line);
  skippedList.replaceChildren(
    ...summary.skipped.map((line) => {
      const item = document.createElement("li");
      item.textContent = line;
      return item;
    }),
  );
  return reply;
}
