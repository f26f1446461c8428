// The onboarding page's pure parts (src/onboarding/steps.js): step order, the pairing code's
// shape, the import format, and the words for import results and readiness.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  COMMANDS,
  importFormatFor,
  importSummary,
  normalizePairingCode,
  pairingFailure,
  readinessText,
  stepStates,
} from "../src/onboarding/steps.js";

test("steps open in order and a later step stays locked until the earlier ones are done", () => {
  assert.deepEqual(stepStates({ server: false, paired: false, library: null }), {
    server: "open",
    pair: "locked",
    library: "locked",
    digest: "locked",
  });
  // A stored token that works does not unlock anything while the server is down.
  assert.deepEqual(stepStates({ server: false, paired: true, library: "done" }), {
    server: "open",
    pair: "locked",
    library: "locked",
    digest: "locked",
  });
  assert.deepEqual(stepStates({ server: true, paired: false, library: null }), {
    server: "done",
    pair: "open",
    library: "locked",
    digest: "locked",
  });
  assert.deepEqual(stepStates({ server: true, paired: true, library: null }), {
    server: "done",
    pair: "done",
    library: "open",
    digest: "locked",
  });
  for (const library of ["done", "skipped"]) {
    assert.deepEqual(stepStates({ server: true, paired: true, library }), {
      server: "done",
      pair: "done",
      library: "done",
      digest: "open",
    });
  }
});

test("a pairing code is read as papersieve pair prints it, whatever the case and spacing", () => {
  assert.deepEqual(normalizePairingCode("KCQ7-MW3T"), { code: "KCQ7-MW3T" });
  assert.deepEqual(normalizePairingCode(" kcq7 mw3t\n"), { code: "KCQ7-MW3T" });
  assert.deepEqual(normalizePairingCode("kcq7mw3t"), { code: "KCQ7-MW3T" });
  assert.match(normalizePairingCode("").error, /papersieve pair/);
  assert.match(normalizePairingCode("KCQ7-MW3").error, /8 letters and digits/);
  assert.match(normalizePairingCode("c2d9f0e4b8a7c6d5e4f3a2b1c0d9e8f7").error, /token field/);
  assert.match(normalizePairingCode("KCQ7_MW3T").error, /8 letters and digits/);
});

test("a refused code shows the server's reason and what to do next", () => {
  const wrong = pairingFailure({
    kind: "forbidden",
    status: 403,
    message: "The server refused the request: wrong pairing code (4 tries left)",
  });
  assert.equal(wrong, `That code did not work: wrong pairing code (4 tries left). Run \`${COMMANDS.pair}\` again for a new code.`);
  const expired = pairingFailure({
    kind: "rejected",
    status: 410,
    message: "the pairing code expired (codes last 5 minutes): run `papersieve pair` again",
  });
  assert.match(expired, /^That code did not work: the pairing code expired/);
  // Anything else (the server is down, …) is the worker's own message.
  const offline = { kind: "offline", status: 0, message: "No papersieve server answers at http://127.0.0.1:8417." };
  assert.equal(pairingFailure(offline), offline.message);
});

test("the import format is the reader's choice, else told from the file's name, else the server's guess", () => {
  assert.equal(importFormatFor("My Library.bib", "auto"), "bibtex");
  assert.equal(importFormatFor("export.RIS", "auto"), "ris");
  assert.equal(importFormatFor("zotero.json", "auto"), "auto");
  assert.equal(importFormatFor("reading-list.txt", "auto"), "auto");
  assert.equal(importFormatFor("My Library.bib", "csl-json"), "csl-json");
  assert.equal(importFormatFor("", undefined), "auto");
});

test("an import's summary counts what was imported, merged and skipped, and lists skips by line", () => {
  const summary = importSummary({
    format: "bibtex",
    imported: 3,
    merged: 1,
    skippedCount: 2,
    skipped: [
      { line: 30, entry: "@article{broken", reason: "could not be parsed" },
      { line: null, entry: "item 4", reason: "no title" },
    ],
  });
  assert.equal(summary.line, "Imported 3 papers as 👍 from the BibTeX file; 1 duplicate merged, 2 skipped.");
  assert.deepEqual(summary.skipped, ["line 30: @article{broken: could not be parsed", "item 4: no title"]);

  const one = importSummary({ format: "ris", imported: 1, merged: 0, skippedCount: 0, skipped: [] });
  assert.equal(one.line, "Imported 1 paper as 👍 from the RIS file; 0 skipped.");
  // A papersieve export brings its own 👍 and 👎.
  assert.match(importSummary({ format: "json", imported: 2, skippedCount: 0 }).line, /^Imported 2 ratings from/);
  // More skipped than the reply lists: the rest is counted.
  const many = importSummary({ format: "bibtex", imported: 5, skippedCount: 3, skipped: [{ line: 1, entry: "a", reason: "b" }] });
  assert.deepEqual(many.skipped, ["line 1: a: b", "… and 2 more"]);
});

test("readiness says when marks appear: one 👍 and one 👎", () => {
  assert.match(readinessText({ up: 0, down: 0 }), /Marks appear once there is one 👍 and one 👎/);
  assert.match(readinessText({ up: 0, down: 0 }), /Rate one 👍 and one 👎 on a digest page\.$/);
  assert.match(readinessText({ up: 12, down: 0 }), /Rate one 👎 on a digest page \(your import gave the 👍\)\.$/);
  assert.match(readinessText({ up: 0, down: 3 }), /Rate one 👍 on a digest page\.$/);
  assert.match(readinessText({ up: 12, down: 1 }), /The model is ready/);
  assert.match(readinessText(null), /0 👍 and 0 👎/);
});

test("the commands shown are the ones the README tells a reader to type", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  // The README says every command is typed from the checkout as `.venv/bin/papersieve …`.
  assert.ok(readme.includes("`.venv/bin/papersieve …`"));
  for (const command of Object.values(COMMANDS)) {
    const asListed = command.replace(/^\.venv\/bin\//, "");
    assert.ok(readme.includes(asListed), `README lacks ${asListed}`);
  }
});
