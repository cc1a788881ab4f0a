"""Glossary data: one YAML file per term, loaded and validated.

Every problem raises ``PluginError`` naming the file, the line and what is
wrong, so an author never has to read a traceback.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

from .sources import decode_utf8

DEFAULT_CATEGORIES = (
    "party/state institution",
    "security organs",
    "economy and planning",
    "agriculture",
    "ideology",
    "society and culture",
)
REQUIRED = ("term", "cyrillic", "forms", "short", "definition", "category")
OPTIONAL = ("expansion", "related", "note", "match_case")
SHORT_MAX = 200
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster on 100+ files
APOSTROPHES = "’'ʼ"
_APOSTROPHE_RE = re.compile(f"[{APOSTROPHES}]")
_WORD_RE = re.compile(r"\w+(?:[’'ʼ-]\w+)*")


@dataclass
class Term:
    term: str
    cyrillic: str
    forms: list[str]
    short: str
    definition: str
    category: str
    expansion: str = ""
    related: list[str] = field(default_factory=list)
    note: str = ""
    match_case: bool = False
    source: str = ""
    line: int = 1
    lines: dict[str, int] = field(default_factory=dict)

    @cached_property
    def slug(self) -> str:
        return slugify(self.term)  # read once per match: worth caching

    def where(self, key: str | None = None) -> str:
        return f"{self.source}, line {self.lines.get(key, self.line) if key else self.line}"


def slugify(text: str) -> str:
    """A stable anchor: lower case, soft signs dropped, accents folded, Unicode letters kept."""
    text = _APOSTROPHE_RE.sub("", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^\w]+", "-", text).strip("-_") or "term"


def count_words(markdown_text: str) -> int:
    return len(_WORD_RE.findall(markdown_text))


def load_terms(
    folder: str | os.PathLike,
    *,
    categories: tuple[str, ...] = DEFAULT_CATEGORIES,
    definition_words: tuple[int, int] = (40, 150),
    display_root: str | os.PathLike | None = None,
) -> list[Term]:
    """Load and validate every ``*.yml``/``*.yaml`` file in ``folder``, sorted by headword."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PluginError(f"{folder}: glossary folder not found")
    root = Path(display_root) if display_root else folder.parent
    terms = [
        _load_file(path, _display(path, root), categories, definition_words)
        for path in sorted(folder.iterdir())
        if path.suffix in (".yml", ".yaml") and path.is_file()
    ]
    check_glossary(terms)
    return sorted(terms, key=lambda t: sort_key(t.term))


def sort_key(text: str) -> str:
    return slugify(text).replace("-", " ")


def check_glossary(terms: list[Term]) -> None:
    """Cross-file rules: unique headwords, unique forms, existing related terms."""
    by_head: dict[str, Term] = {}
    for t in terms:
        key = t.term.casefold()
        if key in by_head:
            raise PluginError(
                f"{t.where('term')}: duplicate headword {t.term!r}, already defined in {by_head[key].where('term')}"
            )
        by_head[key] = t
    slugs: dict[str, Term] = {}
    for t in terms:
        if t.slug in slugs:
            raise PluginError(
                f"{t.where('term')}: headword {t.term!r} gives the same anchor #{t.slug} as "
                f"{slugs[t.slug].term!r} in {slugs[t.slug].where('term')}"
            )
        slugs[t.slug] = t
    owners: dict[str, Term] = {}
    for t in terms:
        for form in t.forms:
            key = _APOSTROPHE_RE.sub("", form).casefold()
            other = owners.get(key)
            if other is not None and other is not t:
                raise PluginError(
                    f"{t.where('forms')}: form {form!r} of {t.term!r} is also claimed by "
                    f"{other.term!r} in {other.where('forms')}"
                )
            owners[key] = t
    for t in terms:
        for rel in t.related:
            if rel.casefold() not in by_head:
                raise PluginError(f"{t.where('related')}: related term {rel!r} does not exist in the glossary")
            if rel.casefold() == t.term.casefold():
                raise PluginError(f"{t.where('related')}: {t.term!r} lists itself as related")


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _parse_yaml(text: str):
    """The document's node tree (for line numbers) and its data, from one parse."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _load_file(path: Path, shown: str, categories, definition_words) -> Term:
    raw = decode_utf8(path.read_bytes(), shown)  # a BOM from Windows editors is fine
    try:
        node, data = _parse_yaml(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PluginError(f"{shown}{line}: invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise PluginError(f"{shown}, line 1: expected a mapping of fields (term:, forms:, …)")
    lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}

    def fail(key: str, problem: str):
        raise PluginError(f"{shown}, line {lines.get(key, 1)}: {problem}")

    for key in data:
        if key not in REQUIRED + OPTIONAL:
            fail(key, f"unknown field {key!r}; allowed: {', '.join(REQUIRED + OPTIONAL)}")
    for key in REQUIRED:
        if key not in data:
            raise PluginError(f"{shown}, line 1: missing required field {key!r}")
    for key in ("term", "cyrillic", "short", "definition", "category", "expansion", "note"):
        if key in data and not isinstance(data[key], str):
            fail(key, f"field {key!r} must be text")
        if key in data and not data[key].strip():
            fail(key, f"field {key!r} is empty")
    for key in ("forms", "related"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail(key, f"field {key!r} must be a list of non-empty text items")
    if not data["forms"]:
        fail("forms", "field 'forms' lists no forms")
    if "match_case" in data and not isinstance(data["match_case"], bool):
        fail("match_case", "field 'match_case' must be true or false")
    if len(data["short"]) > SHORT_MAX:
        fail("short", f"'short' has {len(data['short'])} characters; at most {SHORT_MAX} fit a tooltip")
    if data["category"] not in categories:
        fail("category", f"category {data['category']!r} is not one of: {', '.join(categories)}")
    low, high = definition_words
    words = count_words(data["definition"])
    if not low <= words <= high:
        fail("definition", f"definition has {words} words; {low}–{high} expected")
    forms = [f.strip() for f in data["forms"]]
    seen: set[str] = set()
    for form in forms:
        if form in seen:
            fail("forms", f"form {form!r} is listed twice")
        seen.add(form)
    return Term(
        term=data["term"].strip(),
        cyrillic=data["cyrillic"].strip(),
        forms=forms,
        short=" ".join(data["short"].split()),
        definition=data["definition"].strip(),
        category=data["category"],
        expansion=data.get("expansion", "").strip(),
        related=[r.strip() for r in data.get("related", [])],
        note=data.get("note", "").strip(),
        match_case=data.get("match_case", False),
        source=shown,
        line=lines.get("term", 1),
        lines=lines,
    )
