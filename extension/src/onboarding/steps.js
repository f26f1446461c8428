// The onboarding page's pure parts (no DOM, no chrome.*): the commands it shows, which step is
// open, the pairing code's shape, and the words for import results and the model's readiness.
// tests/onboarding.test.mjs imports this same file.

/** The commands as the root README tells a reader to type them in the papersieve checkout. */
export const COMMANDS = Object.freeze({
  serve: "make serve",
  serveInstalled: ".venv/bin/papersieve serve",
  pair: ".venv/bin/papersieve pair",
  token: ".venv/bin/papersieve token",
  atLogin: ".venv/bin/papersieve service install",
});

export const SERVER_RECHECK_MS = 2000;

export const DIGEST_PAGES = Object.freeze([
  { url: "https://huggingface.co/papers", label: "Hugging Face daily papers" },
  { url: "https://arxiv.org/list/cs.LG/new", label: "arXiv cs.LG new" },
]);

/** Import formats the server reads (`?format=`); "auto" lets it tell the format from the content. */
export const IMPORT_FORMATS = Object.freeze([
  { value: "auto", label: "tell from the file" },
  { value: "bibtex", label: "BibTeX / BibLaTeX (.bib)" },
  { value: "csl-json", label: "CSL-JSON (Zotero)" },
  { value: "ris", label: "RIS (.ris)" },
  { value: "arxiv-ids", label: "arXiv ids or links, one a line" },
  { value: "json", label: "papersieve export (JSON)" },
  { value: "csv", label: "papersieve export (CSV)" },
]);

export const STEP_IDS = Object.freeze(["server", "pair", "library", "digest"]);

/**
 * Each step's state from what is known: "done", "open" (its turn) or "locked" (an earlier step
 * is not done). `state` = {server: bool, paired: bool, library: "done" | "skipped" | null}.
 */
export function stepStates({ server, paired, library }) {
  const done = { server: server === true, pair: paired === true, library: library === "done" || library === "skipped" };
  const states = {};
  let blocked = false;
  for (const id of STEP_IDS) {
    if (blocked) states[id] = "locked";
    else if (done[id]) states[id] = "done";
    else {
      states[id] = "open";
      blocked = id !== "digest";
    }
  }
  return states;
}

const CODE_CHARACTERS = /^[A-Z0-9]{8}$/;

/** A typed pairing code as `papersieve pair` prints it (ABCD-EFGH), or an error that says why not. */
export function normalizePairingCode(text) {
  const bare = String(text ?? "")
    .replace(/[\s-]+/g, "")
    .toUpperCase();
  if (bare === "") return { error: "Type the code that `papersieve pair` printed, e.g. KCQ7-MW3T." };
  if (!CODE_CHARACTERS.test(bare)) {
    return {
      error:
        "A pairing code is 8 letters and digits, e.g. KCQ7-MW3T. A long token goes in the token field below.",
    };
  }
  return { code: `${bare.slice(0, 4)}-${bare.slice(4)}` };
}

/** The server's own reason for refusing a code, as the page shows it (with what to do). */
export function pairingFailure(error) {
  const message = String(error && error.message ? error.message : "The code was not accepted.");
  if (error && (error.status === 403 || error.status === 410)) {
    const reason = message.replace(/^The server refused the request: /, "");
    return `That code did not work: ${reason}. Run \`${COMMANDS.pair}\` again for a new code.`;
  }
  return message;
}

/** The `?format=` for a chosen file: the reader's choice, else told from its name, else "auto". */
export function importFormatFor(fileName, chosen) {
  if (chosen && chosen !== "auto") return chosen;
  const name = String(fileName || "").toLowerCase();
  if (name.endsWith(".bib") || name.endsWith(".bibtex")) return "bibtex";
  if (name.endsWith(".ris")) return "ris";
  return "auto";
}

const PAPERSIEVE_EXPORTS = new Set(["json", "csv"]);
const FORMAT_NAMES = Object.freeze({
  bibtex: "BibTeX",
  "csl-json": "CSL-JSON",
  ris: "RIS",
  "arxiv-ids": "arXiv id list",
  json: "papersieve JSON",
  csv: "papersieve CSV",
});

const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

/** What an import did, in words: the counts line and one line per skipped entry (by its line). */
export function importSummary(reply) {
  const imported = Number.isInteger(reply.imported) ? reply.imported : 0;
  const skippedCount = Number.isInteger(reply.skippedCount) ? reply.skippedCount : 0;
  const from = reply.format ? ` from the ${FORMAT_NAMES[reply.format] || reply.format} file` : "";
  // A papersieve export brings its own 👍 and 👎; a library's entries are all 👍.
  const what = PAPERSIEVE_EXPORTS.has(reply.format) ? plural(imported, "rating", "ratings") : `${plural(imported, "paper", "papers")} as 👍`;
  const extras = [];
  if (Number.isInteger(reply.merged) && reply.merged > 0) {
    extras.push(`${plural(reply.merged, "duplicate", "duplicates")} merged`);
  }
  extras.push(`${skippedCount} skipped`);
  const skipped = (Array.isArray(reply.skipped) ? reply.skipped : []).map((skip) => {
    const where = Number.isInteger(skip.line) ? `line ${skip.line}: ` : "";
    return `${where}${skip.entry}: ${skip.reason}`;
  });
  if (skippedCount > skipped.length) skipped.push(`… and ${skippedCount - skipped.length} more`);
  return { line: `Imported ${what}${from}; ${extras.join(", ")}.`, skipped };
}

/** When marks appear, from the profile's label counts ({up, down}). */
export function readinessText(labels) {
  const up = labels && Number.isInteger(labels.up) ? labels.up : 0;
  const down = labels && Number.isInteger(labels.down) ? labels.down : 0;
  const have = `Your profile has ${up} 👍 and ${down} 👎.`;
  if (up > 0 && down > 0) return `${have} The model is ready: digest pages are marked from now on.`;
  const wants = [up === 0 ? "one 👍" : null, down === 0 ? "one 👎" : null].filter(Boolean).join(" and ");
  return (
    `${have} Marks appear once there is one 👍 and one 👎; until then nothing is hidden or dimmed. ` +
    `Rate ${wants} on a digest page${up > 0 ? " (your import gave the 👍)" : ""}.`
  );
}
