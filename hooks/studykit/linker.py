"""A Python-Markdown extension that links glossary terms in running text.

The Treeprocessor runs after inline parsing, walks the element tree and looks
only at text that a reader reads as prose: code, links, headings, abbr,
footnote markers and notes are skipped by element, never by regex over HTML.

Each match becomes ``<a class="glossary-term" href="/<page>#<slug>" title="…">``.
The leading slash makes MkDocs resolve (and validate) the link relative to
``docs/``, so one extension instance serves every page.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

from .matcher import TermMatcher

SKIP_TAGS = frozenset(
    "a abbr code pre kbd samp var script style svg math sup button textarea "
    "h1 h2 h3 h4 h5 h6 dt".split()
)
SKIP_CLASSES = frozenset({"footnote", "citation-notes", "references", "admonition-title", "glossary-skip"})
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
LINK_MODES = ("all", "first-per-section")


@dataclass
class Use:
    count: int = 0
    anchor: str = ""


@dataclass
class PageUses:
    """What the linker found on one page: term slug -> count and first anchor."""

    terms: dict[str, Use] = field(default_factory=dict)


class GlossaryLinker(Treeprocessor):
    def __init__(self, md, ext: "GlossaryExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        self.uses = PageUses()
        self.ext.last_uses = self.uses
        if not self.ext.enabled or self.ext.matcher.empty:
            return
        self.seen_in_section: set[str] = set()
        self._walk(root)

    def _skipped(self, el: etree.Element) -> bool:
        if el.tag in SKIP_TAGS:
            return True
        classes = el.get("class")
        return bool(classes) and not SKIP_CLASSES.isdisjoint(classes.split())

    def _walk(self, el: etree.Element) -> None:
        # The hot loop of the glossary: it visits every text node of every page,
        # so the no-match case stays inline (one find call, no helper call).
        find = self.ext.matcher.find
        children = list(el)  # before linking: the new links need no second look
        added = 0  # links inserted into el so far: child i now sits at i + added
        text = el.text
        if text:
            matches = find(text)
            if matches:
                el.text = self._link_into(el, 0, text, matches)
                added = len(matches)
        for i, child in enumerate(children):
            if child.tag in HEADINGS:
                self.seen_in_section = set()
            elif (child.text or len(child)) and not self._skipped(child):
                self._walk(child)
            tail = child.tail
            if tail:
                matches = find(tail)
                if matches:
                    child.tail = self._link_into(el, i + added + 1, tail, matches)
                    added += len(matches)

    def _link_into(self, parent: etree.Element, index: int, text: str, matches: list) -> str:
        """Replace ``matches`` in ``text`` (which sits before child ``index``) by elements.

        Returns the text that stays in place; the new elements carry the rest
        of the text in their tails.
        """
        for i, m in enumerate(matches):
            el = self._element_for(m.term, text[m.start : m.end])
            stop = matches[i + 1].start if i + 1 < len(matches) else len(text)
            el.tail = text[m.end : stop]
            parent.insert(index + i, el)
        return text[: matches[0].start]

    def _element_for(self, term, surface: str) -> etree.Element:
        slug = term.slug
        use = self.uses.terms.get(slug)
        if use is None:
            use = self.uses.terms[slug] = Use()
        use.count += 1
        seen = self.seen_in_section
        if self.ext.mode == "all" or slug not in seen:
            seen.add(slug)
            el = etree.Element("a", self.ext.attributes(term, link=True))
            if not use.anchor:
                use.anchor = f"{self.ext.id_prefix}{slug}"
                el.set("id", use.anchor)
        else:
            el = etree.Element("span", self.ext.attributes(term, link=False))
        el.text = surface
        return el


class GlossaryExtension(Extension):
    """Link every form of every term; record per-page uses for backlinks."""

    def __init__(self, matcher: TermMatcher, page_path: str = "/glossary.md", mode: str = "all",
                 id_prefix: str = "term-", title_is_html: bool = False, **kwargs):
        super().__init__(**kwargs)
        if mode not in LINK_MODES:
            raise ValueError(f"link mode must be one of {LINK_MODES}, not {mode!r}")
        self.matcher = matcher
        self.page_path = page_path
        self.mode = mode
        self.id_prefix = id_prefix
        self.title_is_html = title_is_html  # the theme shows a title attribute as HTML
        self.enabled = True
        self.last_uses = PageUses()
        self._attributes: dict[tuple[str, bool], dict[str, str]] = {}

    def attributes(self, term, link: bool) -> dict[str, str]:
        """A term's link (or span) attributes, made once per term and build: ElementTree copies them."""
        key = (term.slug, link)
        attrib = self._attributes.get(key)
        if attrib is None:
            title = term.short
            if self.title_is_html:
                # Material's content.tooltips puts the title into the page as HTML (innerHTML), so
                # the browser must see it escaped: "<script>" then shows as text and never runs.
                # Twice, because Python-Markdown writes an entity in an attribute as it is.
                title = html.escape(html.escape(title, quote=False), quote=False)
            attrib = {"class": "glossary-term", "title": title}
            if link:
                attrib["href"] = f"{self.page_path}#{term.slug}"
            self._attributes[key] = attrib
        return attrib

    def extendMarkdown(self, md):
        md.registerExtension(self)
        # After 'inline' (20) and footnotes (15), before 'toc' (5) and MkDocs' link rewriting (0).
        md.treeprocessors.register(GlossaryLinker(md, self), "glossary", 12)
