"""A profile's "always highlight" / "always hide" rules: their checks, and matching them to papers.

A `text` rule is a word or phrase matched case-insensitively as whole words (its spaces match any
run of whitespace); a `regex` rule is a regular expression, also case-insensitive. Regexes run
under the `regex` module with a timeout, so that no pattern (nested quantifiers, or just `.*x.*y`
on a 50,000-character abstract) can hold a request: a static "no nested quantifiers" check would
still let polynomial backtracking through, a timeout bounds every kind. A regex that already times
out on a few hostile probe texts is refused when it is added; one that times out on a real paper
counts as not matching, and a page's regex searches share one time budget.

When several rules match a paper, a `hide` rule beats a `highlight` rule (an explicit exclusion is
the stronger wish, and deleting it is one click); among rules of one action the oldest wins.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import regex

from server.store import Paper, Rule
from server.validation import InvalidInput, check_text, normalise_paper_id, single_spaced

log = logging.getLogger(__name__)

ACTIONS = ("highlight", "hide")
KINDS = ("text", "regex")
FIELDS = ("any", "title", "abstract", "authors")
MAX_PATTERN_CHARS = 200
MAX_RULES = 200
MAX_AUTHORS_CHARS = 50_000
MAX_AUTHORS = 200
MAX_AUTHOR_CHARS = 200
SEARCH_TIMEOUT = 0.01  # seconds, per regex search of one field
PAGE_BUDGET = 0.5  # seconds, every regex search of one /score request together
PROBE_TIMEOUT = 0.05
PROBES = ("a" * 3_000 + "!", " " * 3_000 + "!", "ab" * 1_500 + "!", "a1 " * 1_000 + "!")
FLAGS = regex.IGNORECASE | regex.VERSION0


@dataclass(frozen=True)
class NewRule:
    """A checked rule not yet stored: (action, kind, pattern, field) is its identity."""

    action: str
    kind: str
    pattern: str
    field: str

    def key(self) -> tuple[str, str, str, str]:
        return self.action, self.kind, self.pattern, self.field


def _choice(body: dict, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
    value = body.get(name, default)
    if value not in choices or not isinstance(value, str):
        raise InvalidInput(f"a rule's {name!r} must be one of {', '.join(choices)}")
    return value


def compile_pattern(kind: str, pattern: str) -> regex.Pattern:
    """The compiled form of a rule's pattern (InvalidInput when a regex does not compile)."""
    if kind == "text":
        words = (regex.escape(word) for word in pattern.split())
        return regex.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", FLAGS)
    try:
        return regex.compile(pattern, FLAGS)
    except (regex.error, ValueError, OverflowError, RecursionError, MemoryError) as error:
        raise InvalidInput(f"the regex does not compile: {error}") from None


def check_rule(body: Any) -> NewRule:
    """A rule as a client sends it: {action, kind ('text'), pattern, field ('any')}."""
    if not isinstance(body, dict):
        raise InvalidInput("a rule must be an object with 'action', 'kind', 'pattern' and 'field'")
    action = _choice(body, "action", ACTIONS)
    kind = _choice(body, "kind", KINDS, "text")
    field = _choice(body, "field", FIELDS, "any")
    pattern = body.get("pattern")
    if not isinstance(pattern, str):
        raise InvalidInput("a rule needs a 'pattern': a word, a phrase, a name or a regex")
    pattern = check_text(pattern, "the rule's 'pattern'")
    if kind == "text":
        pattern = single_spaced(pattern)
    if not pattern.strip():
        raise InvalidInput("a rule's 'pattern' must not be empty")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise InvalidInput(f"a rule's 'pattern' is at most {MAX_PATTERN_CHARS} characters")
    compiled = compile_pattern(kind, pattern)
    if kind == "regex":
        if compiled.search(""):
            raise InvalidInput("the regex matches empty text, so it would match every paper")
        for probe in PROBES:
            try:
                compiled.search(probe, timeout=PROBE_TIMEOUT)
            except TimeoutError:
                raise InvalidInput(
                    "the regex takes too long on long text (nested or repeated quantifiers that "
                    "backtrack): simplify it"
                ) from None
    return NewRule(action, kind, pattern, field)


def check_rules(records: Any) -> list[NewRule]:
    """The rules of an export file (a list of rule objects), each checked; at most MAX_RULES."""
    if not isinstance(records, list):
        raise InvalidInput("'rules' must be a list of rules")
    if len(records) > MAX_RULES:
        raise InvalidInput(f"{len(records)} rules; a profile has at most {MAX_RULES}")
    checked = []
    for number, record in enumerate(records, start=1):
        try:
            checked.append(check_rule(record))
        except InvalidInput as error:
            raise InvalidInput(f"rule {number}: {error}") from None
    return checked


def check_authors(value: Any) -> str:
    """A paper's optional 'authors': a string or a list of strings, kept as one "A, B" text."""
    if value is None:
        return ""
    if isinstance(value, list):
        if len(value) > MAX_AUTHORS or not all(
            isinstance(name, str) and len(name) <= MAX_AUTHOR_CHARS for name in value
        ):
            raise InvalidInput(
                f"a paper's 'authors' is a string or a list of up to {MAX_AUTHORS} names of up to "
                f"{MAX_AUTHOR_CHARS} characters"
            )
        value = ", ".join(value)
    if not isinstance(value, str):
        raise InvalidInput("a paper's 'authors' must be a string or a list of strings")
    if len(value) > MAX_AUTHORS_CHARS:
        raise InvalidInput(f"a paper's 'authors' is at most {MAX_AUTHORS_CHARS:,} characters")
    return single_spaced(check_text(value, "a paper's 'authors'"))


def authors_by_id(raw_papers: Iterable[Any]) -> dict[str, str]:
    """The authors sent with /score's papers (already checked by check_papers), by paper id."""
    authors: dict[str, str] = {}
    for index, raw in enumerate(raw_papers):
        try:
            names = check_authors(raw.get("authors"))
        except InvalidInput as error:
            raise InvalidInput(f"papers[{index}]: {error}") from None
        if names:
            authors[normalise_paper_id(raw.get("id"))] = names
    return authors


def _ordered(rules: Iterable[Rule]) -> list[Rule]:
    """Rules in the order they win: hide before highlight, then oldest first."""
    return sorted(rules, key=lambda rule: (rule.action != "hide", rule.id))


def match_page(rules: Iterable[Rule], papers: list[Paper], authors: dict[str, str]) -> dict[str, Rule]:
    """The winning rule of each paper that some rule matches, by paper id."""
    ordered = [(rule, compile_pattern(rule.kind, rule.pattern)) for rule in _ordered(rules)]
    if not ordered:
        return {}
    deadline = time.monotonic() + PAGE_BUDGET
    matched: dict[str, Rule] = {}
    for paper in papers:
        fields = {"title": paper.title, "abstract": paper.abstract, "authors": authors.get(paper.id, "")}
        for rule, compiled in ordered:
            texts = fields.values() if rule.field == "any" else (fields[rule.field],)
            if any(_search(compiled, text, rule, deadline) for text in texts if text):
                matched[paper.id] = rule
                break
    return matched


def _search(compiled: regex.Pattern, text: str, rule: Rule, deadline: float) -> bool:
    if rule.kind == "text":  # an escaped literal: linear, needs no timeout
        return compiled.search(text) is not None
    left = deadline - time.monotonic()
    if left <= 0:
        return False
    try:
        return compiled.search(text, timeout=min(SEARCH_TIMEOUT, left)) is not None
    except TimeoutError:
        log.info("rule %s (%r) timed out on a paper: counted as no match", rule.id, rule.pattern)
        return False


def rule_reason(rule: Rule) -> dict[str, Any]:
    """What /score says of a paper's winning rule."""
    return {"action": rule.action, "pattern": rule.pattern, "id": rule.id, "kind": rule.kind}
