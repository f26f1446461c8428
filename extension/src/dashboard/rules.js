// The dashboard's Rules section: a profile's "always highlight" / "always hide" rules, listed,
// added (action, text or regex, where to look, the pattern) and deleted, each through a worker
// intent. Text only via textContent.
import { ask } from "../shared/messaging.js";
import { rounds } from "../shared/rounds.js";

const $ = (id) => document.getElementById(id);
const ACTION_WORDS = { highlight: "Always highlight", hide: "Always hide" };
const FIELD_WORDS = { any: "anywhere", title: "in the title", abstract: "in the abstract", authors: "in the authors" };

/** One rule as a line of words: "Always hide · text “diffusion” · anywhere". */
export function ruleLine(rule) {
  const kind = rule.kind === "regex" ? `regex /${rule.pattern}/` : `text “${rule.pattern}”`;
  return `${ACTION_WORDS[rule.action]} · ${kind} · ${FIELD_WORDS[rule.field] || rule.field}`;
}

/**
 * Wire the Rules form and list. `state.profile` is the profile shown; `say(id, kind, text)` writes
 * a status line. Returns `loadRules()`, which shows the shown profile's rules.
 */
export function wireRules({ state, say }) {
  function row(rule) {
    const item = document.createElement("li");
    item.className = "rule";
    item.dataset.ruleId = String(rule.id);
    const words = document.createElement("span");
    words.textContent = ruleLine(rule);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Delete";
    remove.setAttribute("aria-label", `Delete the rule ${ruleLine(rule)}`);
    remove.addEventListener("click", () => deleteRule(rule));
    item.append(words, " ", remove);
    return item;
  }

  const lists = rounds(); // a list older than the newest one asked for is dropped

  async function loadRules() {
    const round = lists.next();
    const profile = state.profile;
    const reply = await ask("listRules", { profile });
    if (!lists.current(round) || profile !== state.profile) return;
    if (!reply.ok) {
      say("rules-status", "bad", reply.error.message);
      return;
    }
    const list = $("rules-list");
    list.replaceChildren(...reply.rules.map(row));
    $("rules-empty").hidden = reply.rules.length > 0;
  }

  async function addRule(event) {
    event.preventDefault();
    const pattern = $("rule-pattern").value.trim();
    if (!pattern) return say("rules-status", "bad", "Type a word, a phrase, a name or a regex.");
    say("rules-status", "muted", "Adding…");
    const reply = await ask("addRule", {
      profile: state.profile,
      action: $("rule-action").value,
      kind: $("rule-kind").value,
      field: $("rule-field").value,
      pattern,
    });
    if (!reply.ok) return say("rules-status", "bad", reply.error.message);
    $("rule-pattern").value = "";
    await loadRules();
    say("rules-status", "ok", `Added: ${ruleLine(reply.rule)}. Pages re-mark on their next score.`);
  }

  async function deleteRule(rule) {
    const reply = await ask("deleteRule", { profile: state.profile, id: rule.id });
    if (!reply.ok) return say("rules-status", "bad", reply.error.message);
    await loadRules();
    say("rules-status", "ok", `Deleted: ${ruleLine(rule)}.`);
  }

  $("rule-form").addEventListener("submit", addRule);
  return loadRules;
}
