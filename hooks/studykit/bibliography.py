"""The bibliography: parsed and formatted with mkdocs-bibtex's registry.

``BookRegistry`` subclasses mkdocs-bibtex's ``SimpleRegistry`` to fix the two
problems measured with it:

- it keeps prefixes and locators (``[see @a, p. 12]``) instead of warning
  "Affixes not supported in simple mode" and dropping them;
- it formats each entry once per build and caches the HTML, where the plain
  registry re-formats every key on every page.

Formatting goes to HTML through pybtex's HTML backend, which escapes field
text, so no markup from the .bib file reaches a page; LaTeX accents
(``{\\"u}``) are decoded by pybtex.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from dataclasses import dataclass
from typing import Iterable

from mkdocs.exceptions import PluginError
from mkdocs_bibtex.citation import Citation
from mkdocs_bibtex.registry import SimpleRegistry
from pybtex.backends.html import Backend as HTMLBackend
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.database import BibliographyDataError
from pybtex.richtext import Text
from pybtex.scanner import PrematureEOF, PybtexSyntaxError
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import FieldIsMissing, field, sentence

from .sources import decode_utf8

# "@book{key," -- or "@book{key" at the end of its line: pybtex forgives the missing comma.
_ENTRY_START = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s{}()]+)\s*(?:,|$)", re.M)
QUOTED_TYPES = frozenset({"article", "incollection", "inbook", "inproceedings"})


class _Backend(HTMLBackend):
    """HTML without pybtex's <span class="bibtex-protected"> wrappers."""

    def format_protected(self, text):
        return text


class _Style(PlainStyle):
    """pybtex's plain style, but titles keep the capitals the .bib gives them."""

    def format_title(self, e, which_field, as_sentence=True):
        formatted = field(which_field)
        return sentence[formatted] if as_sentence else formatted


@dataclass(frozen=True)
class Work:
    key: str
    sort_key: tuple
    group: str
    line: int


class BookRegistry(SimpleRegistry):
    """mkdocs-bibtex's simple registry with affixes kept and one formatting per entry per build."""

    def __init__(self, bib_file: str, display_name: str | None = None):
        self.bib_file = bib_file
        self.display_name = display_name or os.path.basename(bib_file)
        text = _read_text(bib_file, self.display_name)
        self.lines = _entry_lines(text)
        _check_duplicates(text, self.display_name)
        try:
            super().__init__([bib_file])
        except PybtexSyntaxError as exc:
            raise PluginError(_syntax_error(exc, self.display_name, self.lines)) from None
        except BibliographyDataError as exc:
            raise PluginError(f"{self.display_name}: {_one_line(exc)}") from None
        self.style = _Style()
        self.backend = _Backend()
        self._full, self._short, self._sort_keys = _formatted_for(text)
        self.formattings = 0  # how many times an entry was formatted: at most once per entry per build

    # -- mkdocs-bibtex's registry interface --------------------------------------

    def validate_citation_blocks(self, citation_blocks) -> None:
        """Affixes are supported here, so only unknown keys are reported, by ``unknown_keys``."""

    def reference_text(self, citation) -> str:
        """The full reference as HTML, formatted on first use and then cached."""
        key = citation.key
        if key not in self._full:
            entry = self.bib_data.entries[key]
            self.formattings += 1
            try:
                formatted = self.style.format_entry(key, entry).text.render(self.backend)
            except FieldIsMissing:
                # The plain style insists on fields (a book's publisher) that we
                # leave out when unsure of them; never invent one to please it.
                formatted = self._format_sparse(entry)
            formatted = " ".join(formatted.split())
            original = _field_text(entry, "origdate", self.backend)
            if original and original != _field_text(entry, "year", self.backend) and original not in formatted:
                formatted += f" First published {original}."
            self._full[key] = formatted
            self._short[key] = self._format_short(entry)
        return self._full[key]

    # -- our additions -----------------------------------------------------------

    def __contains__(self, key: str) -> bool:
        return key in self.bib_data.entries

    def keys(self) -> list[str]:
        return list(self.bib_data.entries)

    def unknown_keys(self, citations: Iterable[Citation]) -> list[str]:
        return [c.key for c in citations if c.key not in self.bib_data.entries]

    def short_text(self, key: str) -> str:
        """Author, *Short title* (year), as HTML: the form used in footnotes."""
        self.reference_text(Citation(key=key))
        return self._short[key]

    def sort_key(self, key: str) -> tuple:
        """Author surnames, year, title: the order of every reference list."""
        if key not in self._sort_keys:
            entry = self.bib_data.entries[key]
            names = [_plain(" ".join(p.last_names + p.first_names)) for p in _people(entry)]
            year = entry.fields.get("origdate") or entry.fields.get("year", "")
            self._sort_keys[key] = (" ".join(names).casefold(), year, _plain(entry.fields.get("title", "")))
        return self._sort_keys[key]

    def work(self, key: str, groups: dict[str, str]) -> Work:
        entry = self.bib_data.entries[key]
        keywords = {k.strip().lower() for k in entry.fields.get("keywords", "").split(",")}
        group = next((name for name in groups if name in keywords), "")
        return Work(key, self.sort_key(key), group, self.lines.get(key, 1))

    def _format_sparse(self, entry) -> str:
        """Whatever fields the entry has, in the plain style's order."""
        def text(name):
            return _field_text(entry, name, self.backend)

        names = [Text.from_latex(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names))
                 .render(self.backend) for p in _people(entry)]
        people = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + (names[-1] if names else "")
        if "editor" in entry.persons and "author" not in entry.persons:
            people += ", editor" if len(names) == 1 else ", editors"
        title = text("title")
        title = f"<em>{title}</em>" if entry.type.lower() not in QUOTED_TYPES else title
        parts = [p for p in (people, title) if p]
        if text("booktitle"):
            parts.append(f"In <em>{text('booktitle')}</em>" + (f", volume&nbsp;{text('volume')}" if text("volume") else ""))
        elif text("journal"):
            parts.append(f"<em>{text('journal')}</em>" + (f", {text('volume')}" if text("volume") else ""))
        tail = ", ".join(t for t in (text("publisher"), text("address"), text("year")) if t)
        parts += [t for t in (tail, text("note")) if t]
        return " ".join(p if p.endswith((".", "?", "!")) else p + "." for p in parts)

    def _format_short(self, entry) -> str:
        people = _people(entry)
        surnames = [Text.from_latex(" ".join(p.last_names)).render(self.backend) for p in people]
        if len(surnames) > 2:
            author = f"{surnames[0]} et al."
        else:
            author = " and ".join(surnames)
        title = short_title(_field_text(entry, "title", self.backend))
        if entry.type.lower() in QUOTED_TYPES:
            title = "“" + title.replace("“", "‘").replace("”", "’") + "”"
        else:
            title = f"<em>{title}</em>"
        year = _field_text(entry, "origdate", self.backend) or _field_text(entry, "year", self.backend)
        parts = ", ".join(p for p in (author, title) if p)
        return f"{parts} ({year})" if year else parts


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


def _people(entry) -> list:
    return entry.persons.get("author") or entry.persons.get("editor") or []


_TEXT = TextBackend()  # render_as("text") would look the backend up in entry points on every call


def _plain(latex: str) -> str:
    return Text.from_latex(latex).render(_TEXT) if latex else ""


def _field_text(entry, name: str, backend) -> str:
    value = entry.fields.get(name, "")
    return Text.from_latex(value).render(backend) if value else ""


# The formatted entries of the last .bib text seen. `mkdocs serve` keeps this
# module between rebuilds, so an edit to a chapter does not re-format every
# entry; any change to the .bib file starts afresh.
_last_formatted: tuple[str, tuple[dict, dict, dict]] | None = None


def _formatted_for(text: str) -> tuple[dict, dict, dict]:
    global _last_formatted
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if _last_formatted is None or _last_formatted[0] != digest:
        _last_formatted = (digest, ({}, {}, {}))
    return _last_formatted[1]


def _read_text(path: str, shown: str) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise PluginError(f"{shown}: bibliography file not found") from None
    return decode_utf8(data, shown)


def _syntax_error(exc: PybtexSyntaxError, shown: str, lines: dict[str, int]) -> str:
    """One line for pybtex's syntax error, without its repeated "syntax error in line N"."""
    problem = " ".join(str(exc.args[0] if exc.args else exc).split())
    parser = getattr(exc, "parser", None)
    key = getattr(parser, "current_entry_key", None)
    start = lines.get(key) if key else None
    following = parser.text[parser.pos : parser.pos + 1] if parser is not None else ""
    # An unclosed brace swallows the rest of the entry; pybtex notices only at the end of
    # the file or at the next entry, so the entry left open is where to look.
    if start and isinstance(exc, PrematureEOF):
        return f"{shown}, line {start}: malformed BibTeX: entry {key!r} is never closed (a brace is missing)"
    if start and following == "@":
        return (f"{shown}, line {start}: malformed BibTeX: entry {key!r} is not closed before the next "
                f"entry on line {exc.lineno} (a brace is missing)")
    where = f", line {exc.lineno}" if getattr(exc, "lineno", None) else ""
    message = f"{shown}{where}: malformed BibTeX: {problem}" + (f" (in entry {key!r})" if key else "")
    if key and problem in ("'}' expected", "')' expected") and following.isalpha():
        message += "; is a comma missing after the field before?"
    return message


def _entry_lines(text: str) -> dict[str, int]:
    return {m.group(2): text.count("\n", 0, m.start(2)) + 1 for m in _ENTRY_START.finditer(text)}


def _check_duplicates(text: str, shown: str) -> None:
    seen: dict[str, int] = {}
    for m in _ENTRY_START.finditer(text):
        if m.group(1).lower() in ("comment", "preamble", "string"):
            continue
        key, line = m.group(2), text.count("\n", 0, m.start(2)) + 1
        if key.lower() in seen:
            raise PluginError(f"{shown}, line {line}: duplicate key {key!r}, first defined on line {seen[key.lower()]}")
        seen[key.lower()] = line


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
