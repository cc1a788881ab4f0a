"""The bibliography a site cites: every .bib entry formatted once, then kept on disk.

``load_bibliography(path, cache_dir=...)`` returns a ``Bibliography``: each
entry's full reference and short footnote form as HTML, its sort key, its
keywords and its line in the file. Formatting needs pybtex (``bibformat``);
importing it and formatting a hundred entries costs about a third of a second,
more than the rest of the citation machinery in a build. So the result is kept
in a JSON file keyed by the .bib file's bytes and by the formatter (its source
and the versions of pybtex, latexcodec and mkdocs-bibtex): a rebuild of an
unchanged bibliography, in ``mkdocs build`` or ``mkdocs serve``, neither
imports pybtex nor formats anything. A .bib file that fails to parse is never
cached, so it fails every build until it is fixed.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import logging
import os
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Iterable

from mkdocs.exceptions import PluginError

from .sources import decode_utf8

log = logging.getLogger("mkdocs.hooks.studykit.bibliography")

QUOTED_TYPES = frozenset({"article", "incollection", "inbook", "inproceedings"})
CACHE_FORMAT = 1  # bump when the cached JSON changes shape
_FORMATTER_PACKAGES = ("pybtex", "latexcodec", "mkdocs-bibtex")

# The grammar of one citation, as mkdocs-bibtex's Citation.from_markdown reads it
# ("see @key, p. 12"); kept here so that reading a page never imports mkdocs-bibtex.
_CITATION = re.compile(r"(?:(?P<prefix>[^@;]*?)\s*)?@(?P<key>[\w-]+)(?:,\s*(?P<suffix>[^;]+))?")
_EMAIL = re.compile(r"[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}")


@dataclass(frozen=True)
class Citation:
    key: str
    prefix: str = ""
    suffix: str = ""

    @classmethod
    def parse(cls, text: str) -> "Citation | None":
        """One citation ("see @key, p. 12"), or None if ``text`` is not one."""
        if _EMAIL.match(text):
            return None
        match = _CITATION.match(text)
        if not match:
            return None
        return cls(match["key"], match["prefix"] or "", match["suffix"] or "")


@dataclass(frozen=True)
class Entry:
    key: str
    full: str  # the full reference, HTML
    short: str  # Author, *Short title* (year), HTML
    sort_key: tuple[str, str, str]  # author surnames, year, title
    keywords: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Work:
    key: str
    sort_key: tuple
    group: str
    line: int


class Bibliography:
    """The formatted entries, in file order, with the look-ups pages and notes need."""

    def __init__(self, entries: Iterable[Entry], display_name: str = "bibliography.bib", formattings: int = 0):
        self.entries = {e.key: e for e in entries}
        self.display_name = display_name
        self.lines = {key: e.line for key, e in self.entries.items()}
        self.formattings = formattings  # entries formatted by this load: 0 when the cache was used

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def keys(self) -> list[str]:
        return list(self.entries)

    def unknown_keys(self, citations: Iterable[Citation]) -> list[str]:
        return [c.key for c in citations if c.key not in self.entries]

    def full_text(self, key: str) -> str:
        return self.entries[key].full

    def short_text(self, key: str) -> str:
        return self.entries[key].short

    def sort_key(self, key: str) -> tuple:
        return self.entries[key].sort_key

    def work(self, key: str, groups: dict[str, str]) -> Work:
        entry = self.entries[key]
        group = next((name for name in groups if name in entry.keywords), "")
        return Work(key, entry.sort_key, group, entry.line)


def load_bibliography(path: str, display_name: str | None = None, cache_dir: str | None = None) -> Bibliography:
    """The formatted bibliography of ``path``, from ``cache_dir`` when the file and formatter are unchanged."""
    shown = display_name or os.path.basename(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise PluginError(f"{shown}: bibliography file not found") from None
    text = decode_utf8(data, shown)
    digest = hashlib.sha256(data + b"\0" + formatter_fingerprint().encode()).hexdigest()
    cache = Path(cache_dir) / f"{digest}.json" if cache_dir else None
    entries = _read_cache(cache) if cache else None
    if entries is not None:
        return Bibliography(entries, shown)
    from .bibformat import format_bibliography  # pybtex: only when something must be formatted

    entries = format_bibliography(path, text, shown)
    if cache:
        _write_cache(cache, entries)
    return Bibliography(entries, shown, formattings=len(entries))


@functools.cache
def formatter_fingerprint() -> str:
    """What the formatted HTML depends on besides the .bib file: our formatter and its libraries."""
    source = Path(__file__).with_name("bibformat.py").read_bytes()
    parts = [f"format {CACHE_FORMAT}", hashlib.sha256(source).hexdigest()]
    for name in _FORMATTER_PACKAGES:
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} missing")
    return "\n".join(parts)


def _read_cache(path: Path) -> list[Entry] | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [Entry(e["key"], e["full"], e["short"], tuple(e["sort_key"]), tuple(e["keywords"]), e["line"])
                for e in raw["entries"]]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:  # unreadable or foreign: format afresh
        log.debug("Ignoring the bibliography cache %s: %s", path, exc)
        return None


def _write_cache(path: Path, entries: list[Entry]) -> None:
    """Write atomically and keep only this file: the cache holds the latest bibliography."""
    data = {"entries": [{"key": e.key, "full": e.full, "short": e.short, "sort_key": list(e.sort_key),
                         "keywords": list(e.keywords), "line": e.line} for e in entries]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)
        for old in path.parent.glob("*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only checkout still builds; it just formats every time
        log.debug("Could not write the bibliography cache %s: %s", path, exc)


_SUBTITLE = re.compile(r"(?<=[?!])\s+|:\s+")


def short_title(title: str) -> str:
    """The main title without its subtitle, unless that leaves a single word ("Capital")."""
    main = _SUBTITLE.split(title, maxsplit=1)[0]
    return main if len(main.split()) >= 2 else title


def format_note(citations: list[Citation], link) -> str:
    """One footnote's HTML: each citation as prefix + linked short form + locator.

    ``link(key)`` returns the HTML for the linked short form of ``key``.
    """
    parts = []
    for c in citations:
        text = link(c.key)
        if c.prefix.strip():
            text = f"{html.escape(c.prefix.strip())} {text}"
        if c.suffix.strip():
            text = f"{text}, {html.escape(c.suffix.strip())}"
        parts.append(text)
    note = "; ".join(parts)
    if note and note[0].isalpha():
        note = note[0].upper() + note[1:]
    return note if note.endswith((".", "?", "!")) else note + "."
