"""Helpers for the bad-input cases: a throwaway mini-book, edits to it, and what a build printed.

Used by tests/build/test_bad_input.py and tests/browser/test_bad_input_browser.py.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

from helpers import BUILD_ENV, FIXTURES, ROOT, copy_project

MINI = FIXTURES / "minibook"
# The PDFs have their own tests (tests/build/test_pdfs.py); leaving them out keeps each
# build here under a second. The WeasyPrint and network cases switch them back on.
NO_PDF_ENV = {**BUILD_ENV, "STUDYKIT_PDF": "0"}
SOURCES = ("docs", "glossary", "mkdocs.yml")
# `<img src=x onerror=…>` runs as soon as it is parsed, `<script>` as soon as it is inserted.
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
PROBLEM = re.compile(r"^(ERROR|WARNING) +- +(.*)$", re.M)
# The house style (README, "Error messages"): "<file>, line N: <problem>" or "<file>: <problem>".
HOUSE_STYLE = re.compile(r"^[^\s,:]+\.(?:md|ya?ml|bib|js)(?:, line \d+)?: \S")


def mini_project(dest: Path) -> Path:
    """A copy of the mini-book whose hook paths point into this checkout."""
    project = copy_project(dest, MINI)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("../../../", f"{ROOT}/"), encoding="utf-8")
    return project


def tree_digest(path: Path) -> dict[str, str]:
    """File -> sha256 for a folder (or the one file) at ``path``."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return {p.relative_to(path.parent).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def sources_digest(project: Path) -> dict[str, str]:
    """docs/, glossary/, mkdocs.yml and every .bib file of a project."""
    digest: dict[str, str] = {}
    for path in [project / name for name in SOURCES] + sorted(project.glob("*.bib")):
        digest.update(tree_digest(path))
    return digest


def problems(output: str) -> list[str]:
    """The ERROR and WARNING messages a build printed, without the level."""
    return [m.group(2).strip() for m in PROBLEM.finditer(output)]


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path: Path, text: str) -> int:
    """Append ``text`` as new lines at the end of ``path``; returns the line number of its first line."""
    old = path.read_text(encoding="utf-8")
    if old and not old.endswith("\n"):
        old += "\n"
    path.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1


def add_to_nav(project: Path, entry: str) -> int:
    """Add ``entry`` (e.g. ``"Skip: skip.md"``) as the first item of the nav; returns its line."""
    config = project / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.rstrip() == "nav:") + 1
    indent = re.match(r"\s*", lines[at]).group(0)
    lines.insert(at, f"{indent}- {entry}\n")
    config.write_text("".join(lines), encoding="utf-8")
    return at + 1


def add_page(project: Path, name: str, text: str, title: str | None = None) -> Path:
    path = project / "docs" / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    add_to_nav(project, f"{title}: {name}" if title else name)
    return path


def term_yaml(term: str, forms: list[str], short: str = "An invented word for the tests.",
              definition: str = "An invented word, used only by the bad-input tests of the study-site hooks.",
              category: str = "society and culture", cyrillic: str = "слово") -> str:
    """A valid glossary file. Line 1: term, 2: cyrillic, 3: forms, 4: short, 5: definition, 7: category."""
    return (f"term: {term}\ncyrillic: {cyrillic}\nforms: [{', '.join(forms)}]\nshort: {short}\n"
            f"definition: |\n  {definition}\ncategory: {category}\n")


def add_hostile_term(project: Path) -> None:
    """A term whose definition and tooltip carry markup that would run script if it were not escaped."""
    (project / "glossary" / "brenna.yml").write_text(term_yaml(
        "brenna", ["brenna"], short=f"An invented oil tax {XSS}",
        definition=f"An invented oil tax, used only to test that markup in a definition is shown as text. {XSS}",
    ), encoding="utf-8")
    append(project / "docs" / "index.md", "\nThe keepers also paid the brenna on every barrel.\n")


def add_cyrillic_term(project: Path) -> None:
    """A headword written in Cyrillic, with Cyrillic forms, used on a page."""
    (project / "glossary" / "kolkhoz.yml").write_text(term_yaml(
        "колхоз", ["колхоз", "колхозы"], short="An invented collective lamp farm.",
        definition="An invented collective lamp farm, written in Cyrillic to test another script.",
        cyrillic="колхоз (коллективное хозяйство)", category="agriculture",
    ), encoding="utf-8")
    append(project / "docs" / "index.md", "\nEvery колхоз kept a lamp; the колхозы shared the oil.\n")


class Links(HTMLParser):
    """Every glossary link in a page's article, with the tags it sits inside, and the article's text."""

    VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.depth = 0  # >0 inside <article>
        self.glossary: list[tuple[tuple[str, ...], dict, str]] = []  # (ancestors, attrs, text)
        self.citations = 0
        self.text: list[str] = []
        self._open: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.depth += 1
        if self.depth and tag == "a" and "glossary-term" in (attrs.get("class") or "").split():
            self._open = [tuple(self.stack), attrs, ""]
        if self.depth and tag == "sup" and attrs.get("class") == "citation":
            self.citations += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.glossary.append(tuple(self._open))
            self._open = None
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self._open is not None:
                self._open[2] += data

    @property
    def article_text(self) -> str:
        return "".join(self.text)
