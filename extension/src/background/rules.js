// The worker's side of the dashboard's Rules section: list, add and delete a profile's "always
// highlight" / "always hide" rules on the server. A change bumps ratingsVersion, so the cached
// scores (which carry each card's rule) are asked for again and open pages re-mark.

import { loadSettings, saveConnection, bumpRatingsVersion } from "./storage.js";
import { callServer, ServerError } from "./server-client.js";

const ACTIONS = new Set(["highlight", "hide"]);
const KINDS = new Set(["text", "regex"]);
const FIELDS = new Set(["any", "title", "abstract", "authors"]);
const MAX_PATTERN = 200;

const rulesPath = (profile) => `/profiles/${encodeURIComponent(String(profile || ""))}/rules`;
const invalid = (message) => ({ ok: false, error: { kind: "invalid", message } });

/** A rule from the server with checked fields, or null. */
export function cleanRule(rule) {
  if (!rule || typeof rule !== "object" || !Number.isInteger(rule.id) || typeof rule.pattern !== "string") return null;
  if (!ACTIONS.has(rule.action) || !KINDS.has(rule.kind) || !FIELDS.has(rule.field)) return null;
  const createdAt = typeof rule.created_at === "string" ? rule.created_at.slice(0, 40) : "";
  return { id: rule.id, action: rule.action, kind: rule.kind, pattern: rule.pattern.slice(0, MAX_PATTERN), field: rule.field, createdAt };
}

async function call(method, path, body) {
  const settings = await loadSettings();
  try {
    const reply = await callServer(settings, method, path, body);
    await saveConnection("ok");
    return { ok: true, reply };
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    await saveConnection(error.kind, error.message);
    return { ok: false, error: error.toReply() };
  }
}

/** GET /profiles/<p>/rules. */
async function listRules({ profile }) {
  const result = await call("GET", rulesPath(profile));
  if (!result.ok) return result;
  const rules = Array.isArray(result.reply.rules) ? result.reply.rules : [];
  return { ok: true, rules: rules.map(cleanRule).filter(Boolean) };
}

/** POST /profiles/<p>/rules with {action, kind, pattern, field}; the server checks the regex. */
async function addRule({ profile, action, kind, pattern, field }) {
  if (!ACTIONS.has(action)) return invalid("A rule either highlights or hides.");
  if (!KINDS.has(kind)) return invalid("A rule is a text or a regex.");
  const where = FIELDS.has(field) ? field : "any";
  const text = typeof pattern === "string" ? pattern.trim() : "";
  if (!text) return invalid("Type a word, a phrase, a name or a regex.");
  if (text.length > MAX_PATTERN) return invalid(`A rule is at most ${MAX_PATTERN} characters.`);
  const result = await call("POST", rulesPath(profile), { action, kind, pattern: text, field: where });
  if (!result.ok) return result;
  await bumpRatingsVersion();
  return { ok: true, rule: cleanRule(result.reply) };
}

/** DELETE /profiles/<p>/rules/<id>. */
async function deleteRule({ profile, id }) {
  if (!Number.isInteger(id) || id < 1) return invalid("That rule has no id.");
  const result = await call("DELETE", `${rulesPath(profile)}/${id}`);
  if (!result.ok) return result;
  await bumpRatingsVersion();
  return { ok: true, deleted: id };
}

export const ruleIntents = Object.freeze({ listRules, addRule, deleteRule });
