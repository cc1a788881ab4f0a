"""Format a .bib file with pybtex, through mkdocs-bibtex's registry.

This is the slow path of ``load_bibliography``: importing pybtex (with
mkdocs-bibtex, which pulls in requests) and formatting every entry cost about
a third of a second for a hundred entries, so it runs only when the cached
result is missing or stale.

``BookRegistry`` subclasses mkdocs-bibtex's ``SimpleRegistry`` for its
parsing of the .bib file and its pybtex style, and formats each entry once
(the plain registry formats every key again on every page). Prefixes and
locators ("see", "p. 12"), which the plain registry drops, never reach it:
the citation extension keeps them in the note around the short form.

Formatting goes to HTML through pybtex's HTML backend, which escapes field
text, so no markup from the .bib file reaches a page; LaTeX accents
(``{\\"u}``) are decoded by pybtex.
"""

from __future__ import annotations

import os
import re

from mkdocs.exceptions import PluginError
from mkdocs_bibtex.registry import SimpleRegistry
from pybtex.backends.html import Backend as HTMLBackend
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.database import BibliographyDataError
from pybtex.richtext import Text
from pybtex.scanner import PrematureEOF, PybtexSyntaxError
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import FieldIsMissing, field, sentence

from .bibliography import QUOTED_TYPES, Entry, short_title

# "@book{key," -- or "@book{key" at the end of its line: pybtex forgives the missing comma.
_ENTRY_START = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s{}()]+)\s*(?:,|$)", re.M)


class _Backend(HTMLBackend):
    """HTML without pybtex's <span class="bibtex-protected"> wrappers."""

    def format_protected(self, text):
        return text


class _Style(PlainStyle):
    """pybtex's plain style, but titles keep the capitals the .bib gives them."""

    def format_title(self, e, which_field, as_sentence=True):
        formatted = field(which_field)
        return sentence[formatted] if as_sentence else formatted


_TEXT = TextBackend()  # render_as("text") would look the backend up in entry points on every call


def format_bibliography(path: str, text: str, shown: str) -> list[Entry]:
    """Every entry of the file, formatted, in file order; bad BibTeX raises PluginError naming the line."""
    registry = BookRegistry(path, text, shown)
    return [registry.entry(key) for key in registry.bib_data.entries]


class BookRegistry(SimpleRegistry):
    """mkdocs-bibtex's simple registry, formatting each entry once into an ``Entry``."""

    def __init__(self, bib_file: str, text: str, display_name: str | None = None):
        self.display_name = display_name or os.path.basename(bib_file)
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

    def entry(self, key: str) -> Entry:
        entry = self.bib_data.entries[key]
        keywords = tuple(k.strip().lower() for k in entry.fields.get("keywords", "").split(",") if k.strip())
        return Entry(key, self._format_full(key), self._format_short(entry), self._sort_key(entry), keywords,
                     self.lines.get(key, 1))

    def _format_full(self, key: str) -> str:
        entry = self.bib_data.entries[key]
        try:
            formatted = self.style.format_entry(key, entry).text.render(self.backend)
        except FieldIsMissing:
            # The plain style insists on fields (a book's publisher) that we
            # leave out when unsure of them; never invent one to please it.
            formatted = self._format_sparse(entry)
        formatted = " ".join(formatted.split())
        note = " ".join(_field_text(entry, "note", self.backend).split())
        if note and note not in formatted:  # the plain style has no note in an @incollection
            formatted += " " + (note if note.endswith((".", "?", "!")) else note + ".")
        original = _field_text(entry, "origdate", self.backend)
        # Unless the note already tells the story ("written 1844; first published 1932").
        if original and original != _field_text(entry, "year", self.backend) and "first published" not in formatted.lower():
            formatted += f" First published {original}."
        return formatted

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
        """Author, *Short title* (year), as HTML: the form used in footnotes."""
        surnames = [Text.from_latex(" ".join(p.last_names)).render(self.backend) for p in _people(entry)]
        author = f"{surnames[0]} et al." if len(surnames) > 2 else " and ".join(surnames)
        title = short_title(_field_text(entry, "title", self.backend))
        if entry.type.lower() in QUOTED_TYPES:
            title = "“" + title.replace("“", "‘").replace("”", "’") + "”"
        else:
            title = f"<em>{title}</em>"
        year = _field_text(entry, "origdate", self.backend) or _field_text(entry, "year", self.backend)
        parts = ", ".join(p for p in (author, title) if p)
        return f"{parts} ({year})" if year else parts

    @staticmethod
    def _sort_key(entry) -> tuple[str, str, str]:
        """Author surnames, year, title: the order of every reference list."""
        names = [_plain(" ".join(p.last_names + p.first_names)) for p in _people(entry)]
        year = entry.fields.get("origdate") or entry.fields.get("year", "")
        return (" ".join(names).casefold(), year, _plain(entry.fields.get("title", "")))


def _people(entry) -> list:
    return entry.persons.get("author") or entry.persons.get("editor") or []


def _plain(latex: str) -> str:
    return Text.from_latex(latex).render(_TEXT) if latex else ""


def _field_text(entry, name: str, backend) -> str:
    value = entry.fields.get(name, "")
    return Text.from_latex(value).render(backend) if value else ""


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
