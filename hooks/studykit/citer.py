"""A Python-Markdown extension turning ``[@key]`` citations into numbered notes.

- The inline pattern runs inside Python-Markdown's inline phase, after code
  spans: code blocks and inline code are never searched, and an ``@`` that
  follows a letter (an e-mail address) never starts a citation.
- ``[see @a; @b, ch. 3]`` keeps its prefix ("see") and locators ("ch. 3"),
  read with mkdocs-bibtex's citation grammar (``Citation.parse``).
- A tree processor appends the "Notes" (one per citation block, numbered in
  reading order) and the page's "References" list. Every work links to
  ``/<bibliography page>#<key>``, which MkDocs resolves and validates.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .bibliography import Bibliography, Citation, format_note

# A bracket holding an @ that starts a word: "[@key]", "[see @a; @b, p. 4]".
CITATION_PATTERN = r"\[((?:[^\[\]\\]|\\.)*?(?<![\w@.])@[A-Za-z0-9_](?:[^\[\]\\]|\\.)*)\]"
_KEY_AT = re.compile(r"(?<![\w@.])@([A-Za-z0-9_][\w-]*)")


@dataclass
class Note:
    number: int
    raw: str
    citations: list[Citation]

    @property
    def id(self) -> str:
        return f"cite-{self.number}"

    @property
    def ref_id(self) -> str:
        return f"cite-ref-{self.number}"


@dataclass
class PageCitations:
    notes: list[Note] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (key, raw block)

    def keys(self) -> list[str]:
        """Cited keys in order of first citation."""
        return list(dict.fromkeys(c.key for n in self.notes for c in n.citations))


def parse_citation_block(inner: str) -> list[Citation]:
    """The citations in the text between the brackets, or [] if it is not a citation block."""
    if not _KEY_AT.search(inner):
        return []
    citations = []
    for part in inner.split(";"):
        match = _KEY_AT.search(part)
        if not match:
            return []  # "[see @a; and more]": not a citation block after all
        found = Citation.parse(part)
        if found is None:
            return []
        citations.append(found)
    return citations


class CitationInline(InlineProcessor):
    def __init__(self, ext: "CitationExtension"):
        super().__init__(CITATION_PATTERN)
        self.ext = ext

    def handleMatch(self, m, data):
        if data[m.end(0) : m.end(0) + 1] in ("(", "["):
            return None, None, None  # a link or reference link whose text has an @
        citations = parse_citation_block(m.group(1))
        if not citations:
            return None, None, None
        page = self.ext.page
        unknown = self.ext.registry.unknown_keys(citations)
        if unknown:
            page.unknown.extend((key, m.group(0)) for key in unknown)
            citations = [c for c in citations if c.key in self.ext.registry]
            if not citations:
                return None, m.start(0), m.end(0)
        note = Note(len(page.notes) + 1, m.group(0), citations)
        page.notes.append(note)
        sup = etree.Element("sup", {"id": note.ref_id, "class": "citation"})
        # Atomic: nothing inline is left to parse in the marker, and each of the other
        # patterns would otherwise be tried on its number (a third more pattern calls).
        sup.text = AtomicString("")
        link = etree.SubElement(sup, "a", {"href": f"#{note.id}", "class": "footnote-ref"})
        link.text = AtomicString(str(note.number))
        return sup, m.start(0), m.end(0)


class CitationNotes(Treeprocessor):
    """Append the notes and the page's reference list."""

    def __init__(self, md, ext: "CitationExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        page = self.ext.page
        if not page.notes:
            return
        _hug_note_markers(root)
        stash = self.md.htmlStash.store
        bib = self.ext.bib_page
        registry = self.ext.registry
        heading = etree.SubElement(root, "h2", {"id": "notes"})
        heading.text = "Notes"
        notes = etree.SubElement(root, "div", {"class": "footnote citation-notes"})
        items = etree.SubElement(notes, "ol")
        for note in page.notes:
            li = etree.SubElement(items, "li", {"id": note.id})
            para = etree.SubElement(li, "p")
            links = {}

            def link(key, links=links):
                links[key] = stash(registry.short_text(key))
                return f"\x00{key}\x00"

            # format_note builds text around the works; each work becomes a real <a>
            # element so that MkDocs rewrites and validates its href.
            pieces = format_note(note.citations, link).split("\x00")
            para.text = stash(pieces[0])
            for i in range(1, len(pieces), 2):
                a = etree.SubElement(para, "a", {"href": f"{bib}#{pieces[i]}", "class": "citation-source"})
                a.text = links[pieces[i]]
                a.tail = stash(pieces[i + 1]) + ("\u00a0" if i + 2 >= len(pieces) else "")
            back = etree.SubElement(para, "a", {"href": f"#{note.ref_id}", "class": "footnote-backref",
                                                "title": f"Back to the text of note {note.number}"})
            back.text = "↩"
        heading = etree.SubElement(root, "h2", {"id": "references"})
        heading.text = "References"
        refs = etree.SubElement(root, "ul", {"class": "references"})
        for key in sorted(page.keys(), key=registry.sort_key):
            li = etree.SubElement(refs, "li", {"id": f"ref-{key}"})
            a = etree.SubElement(li, "a", {"href": f"{bib}#{key}"})
            a.text = stash(registry.full_text(key))


def _hug_note_markers(root: etree.Element) -> None:
    """Drop the space before a note number ("word [@key]" -> "word¹"), as pandoc does."""
    for parent in root.iter():
        previous = None
        for child in parent:
            if child.tag == "sup" and child.get("class") == "citation":
                if previous is None:
                    parent.text = (parent.text or "").rstrip(" ")
                else:
                    previous.tail = (previous.tail or "").rstrip(" ")
            previous = child


class _Reset(Preprocessor):
    """Start each conversion with an empty page record (MkDocs never calls reset())."""

    def __init__(self, md, ext: "CitationExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, lines):
        self.ext.reset()
        return lines


class CitationExtension(Extension):
    def __init__(self, registry: Bibliography, bib_page: str = "/bibliography.md", **kwargs):
        super().__init__(**kwargs)
        self.registry = registry
        self.bib_page = bib_page
        self.page = PageCitations()

    def extendMarkdown(self, md):
        md.registerExtension(self)
        md.preprocessors.register(_Reset(md, self), "citation-reset", 100)
        # Above links (160) so "[see @a]" is never read as link text; below escapes (180).
        md.inlinePatterns.register(CitationInline(self), "citation", 170)
        # After the glossary linker (12), so the notes are not glossary-linked.
        md.treeprocessors.register(CitationNotes(md, self), "citation-notes", 11)

    def reset(self):
        self.page = PageCitations()
