"""Printable PDFs: print HTML made from a page's rendered content, rendered by WeasyPrint.

WeasyPrint lays out a themed Material page as two nearly empty pages, so each
PDF is made from its own small HTML document holding only the page's content
(the HTML MkDocs renders from Markdown) and our print stylesheet.

- ``print_fragment`` parses that content with tinyhtml5 (a real HTML5 parser
  giving an ElementTree) and makes it printable: citation notes become
  WeasyPrint footnotes (``float: footnote``), glossary terms become internal
  links to a "Terms in this chapter" appendix, headerlink anchors go, and links
  to other pages become plain text (or absolute URLs when the site has a URL).
- ``chapter_document`` and ``book_document`` wrap fragments into whole
  documents with a title block and PDF metadata.
- ``plan`` lists the PDFs to make (the book, each chapter, the glossary), each
  with a digest of its inputs and a way to make its print HTML on demand.
- ``render_all`` renders them in parallel into a cache: a PDF is keyed by the
  digest of its print HTML, stylesheet and WeasyPrint version, and the digest
  of its inputs remembers that key, so an unchanged PDF is neither rendered
  nor even parsed again.

Nothing here knows about MkDocs events, and WeasyPrint is imported only by the
function that renders.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import json
import logging
import multiprocessing
import os
import re
import sys
import threading
import time
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

import tinyhtml5
from mkdocs.exceptions import PluginError

from .glossary_page import plain
from .terms import slugify, sort_key

PAPER_SIZES = ("A4", "Letter")
TERMS_HEADING = "Terms in this chapter"
TERMS_ID = "terms-in-this-chapter"
TERM_ENTRY_ID = "term-entry-{slug}"
TERM_CLASS = "print-term"
# Web-only elements: permalink anchors, the glossary's filter box, our own download link.
WEB_ONLY_CLASSES = frozenset({"headerlink", "glossary-tools", "pdf-download"})
WEB_ONLY_TAGS = frozenset({"script", "style", "noscript", "template", "meta", "link", "title", "form", "input",
                           "button", "select", "textarea", "iframe", "label"})
EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "tel"})
FETCHABLE_SCHEMES = ("file", "data")  # the renderer never goes to the network
EXPECTED_FONT = "DejaVu"
CACHE_MAX_AGE = 30 * 24 * 3600  # cache entries unused this long are deleted
INPUTS = "inputs"  # cache subfolder: digest of a PDF's inputs -> key of its print HTML


# --------------------------------------------------------------------------- print HTML

@dataclass(frozen=True)
class TermInfo:
    """What the appendix says about a glossary term."""

    slug: str
    term: str
    cyrillic: str = ""
    short: str = ""


@dataclass
class PrintFragment:
    """A page's content made printable: a ``<div>`` whose children are the content."""

    root: etree.Element
    terms: list[TermInfo] = field(default_factory=list)  # used on the page, in headword order
    notes: int = 0

    @property
    def html(self) -> str:
        return inner_html(self.root)


def parse_fragment(html: str) -> etree.Element:
    """Parse an HTML fragment into a ``<div>`` holding it (tinyhtml5, no namespaces)."""
    # A StringIO, because tinyhtml5 reads a short str that names an existing file as that file.
    document = tinyhtml5.parse(io.StringIO(html), namespace_html_elements=False)
    root = etree.Element("div")
    for part in (document.find("head"), document.find("body")):
        if part is None:
            continue
        if part.text and part.text.strip():
            _add_text(root, len(root), part.text)
        root.extend(list(part))
    return root


def inner_html(element: etree.Element) -> str:
    out = [_escape_text(element.text or "")]
    out += [etree.tostring(child, encoding="unicode", method="html") for child in element]
    return "".join(out)


def outer_html(element: etree.Element) -> str:
    return etree.tostring(element, encoding="unicode", method="html")


def print_fragment(html: str, *, page_url: str = "", site_url: str = "", base_url: str = "",
                   terms: Mapping[str, TermInfo] | None = None, terms_heading: str = TERMS_HEADING) -> PrintFragment:
    """The page's content, made printable (see the module docstring).

    ``page_url`` is the page's URL inside the site (e.g. ``part-two/chapter-3.html``),
    ``site_url`` the published root (empty: links to other pages become plain
    text), ``base_url`` where relative images are found, and ``terms`` the
    glossary data by slug.
    """
    root = parse_fragment(html)
    strip_web_only(root)
    notes = inline_footnotes(root)
    used = link_terms(root, terms or {})
    if used:
        root.append(terms_appendix(used, terms_heading))
    rewrite_links(root, page_url=page_url, site_url=site_url, base_url=base_url)
    return PrintFragment(root, used, notes)


def strip_web_only(root: etree.Element) -> None:
    """Drop permalink anchors, forms, scripts and the other parts only a browser can use."""
    parents = _parents(root)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments and processing instructions
            _remove(parents[el], el)
        elif el.tag in WEB_ONLY_TAGS or WEB_ONLY_CLASSES & _classes(el):
            if el in parents:
                _remove(parents[el], el)


def inline_footnotes(root: etree.Element) -> int:
    """Replace each note marker by a footnote holding the note; drop the notes lists.

    Works for the citations' notes (``<sup class="citation">`` and
    ``<div class="footnote citation-notes">`` after an ``<h2 id="notes">``) and
    for Python-Markdown's ``[^1]`` footnotes, which share the same classes.
    """
    notes = {
        li.get("id"): li
        for box in root.iter("div") if "footnote" in _classes(box)
        for li in box.iter("li") if li.get("id")
    }
    parents = _parents(root)
    count = 0
    for sup in list(root.iter("sup")):
        link = next((a for a in sup.iter("a") if "footnote-ref" in _classes(a)), None)
        target = (link.get("href") or "").partition("#")[2] if link is not None else ""
        if target not in notes:
            continue
        number = "".join(link.itertext()).strip()
        span = etree.Element("span", {"class": "print-note", "data-n": number})
        if sup.get("id"):
            span.set("id", sup.get("id"))
        _fill_note(span, copy.deepcopy(notes[target]))  # a note may be called twice
        span.tail = sup.tail
        parent = parents[sup]
        parent[list(parent).index(sup)] = span
        count += 1
    for box in [box for box in root.iter("div") if "footnote" in _classes(box)]:
        if not any(li.get("id") in notes for li in box.iter("li")):
            continue
        parent = parents[box]
        index = list(parent).index(box)
        before = parent[index - 1] if index else None
        if before is not None and before.tag in ("h2", "h3") and before.get("id") == "notes":
            _remove(parent, before)
        _remove(parent, box)
    return count


def _fill_note(span: etree.Element, li: etree.Element) -> None:
    """Move the note's content (its paragraphs' inline content) into ``span``, minus the ↩ link."""
    first = True
    if li.text and li.text.strip():
        _add_text(span, len(span), li.text.strip())
        first = False
    for child in list(li):
        if child.tag == "p":
            if not first:
                _add_text(span, len(span), " ")
            _add_text(span, len(span), child.text or "")
            span.extend(list(child))
        else:
            span.append(child)
        first = False
    parents = _parents(span)
    for back in [a for a in span.iter("a") if "footnote-backref" in _classes(a)]:
        _remove(parents[back], back)
    _rstrip(span)


def link_terms(root: etree.Element, terms: Mapping[str, TermInfo]) -> list[TermInfo]:
    """Turn glossary term links and spans into links to the appendix; return the terms used.

    A linked term names its slug in its href (``…glossary.html#slug``). A term
    that is not linked (``first-per-section`` links only the first in a
    section) is a ``<span title="short">``: it is matched through its tooltip,
    first to a linked term on the page, then to the glossary data.
    """
    found = [el for el in root.iter() if el.tag in ("a", "span") and "glossary-term" in _classes(el)]
    by_title: dict[str, str] = {}
    for el in found:
        slug = (el.get("href") or "").partition("#")[2] if el.tag == "a" else ""
        if slug and el.get("title"):
            by_title.setdefault(el.get("title"), slug)
    for info in terms.values():
        by_title.setdefault(info.short, info.slug)
    used: dict[str, TermInfo] = {}
    for el in found:
        title = el.get("title") or ""
        slug = (el.get("href") or "").partition("#")[2] if el.tag == "a" else ""
        slug = slug or by_title.get(title) or _slug_of_text(el)
        if slug not in used:
            used[slug] = terms.get(slug) or TermInfo(slug, "".join(el.itertext()).strip(), "", title)
        anchor = el.get("id")
        el.attrib.clear()
        el.tag = "a"
        el.set("class", TERM_CLASS)
        el.set("href", "#" + TERM_ENTRY_ID.format(slug=slug))
        if anchor:
            el.set("id", anchor)
    return sorted(used.values(), key=lambda t: (sort_key(t.term), t.slug))


def terms_appendix(used: Iterable[TermInfo], heading: str = TERMS_HEADING) -> etree.Element:
    """``<section>`` listing each term: headword, Cyrillic, short definition."""
    section = etree.Element("section", {"class": "terms-appendix"})
    title = etree.SubElement(section, "h2", {"id": TERMS_ID})
    title.text = heading
    entries = etree.SubElement(section, "dl")
    for info in used:
        dt = etree.SubElement(entries, "dt", {"id": TERM_ENTRY_ID.format(slug=info.slug)})
        head = etree.SubElement(dt, "span", {"class": "headword"})
        head.text = info.term
        if info.cyrillic:
            head.tail = " "
            cyr = etree.SubElement(dt, "span", {"class": "cyrillic", "lang": "ru"})
            cyr.text = info.cyrillic
        dd = etree.SubElement(entries, "dd")
        dd.text = info.short
    return section


def rewrite_links(root: etree.Element, *, page_url: str = "", site_url: str = "", base_url: str = "") -> None:
    """Make every link work inside a PDF.

    - ``#id`` stays when the id is in the document, else becomes plain text;
    - a citation's source points at its entry in the References list (``#ref-KEY``);
    - a link to another page of the site becomes an absolute URL when the site
      has one (``site_url``), else plain text; links to other sites stay;
    - relative images are resolved against ``base_url``.
    """
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    page_address = urljoin(site_url, page_url) if site_url else ""
    parents = _parents(root)
    for a in list(root.iter("a")):
        href = a.get("href")
        if href is None or TERM_CLASS in _classes(a):
            continue
        parts = urlsplit(href)
        if "citation-source" in _classes(a):
            target = f"ref-{parts.fragment}"
            if target in ids:
                a.set("href", "#" + target)
            else:
                _unwrap(parents[a], a)
        elif href.startswith("#"):
            if href[1:] not in ids:
                _unwrap(parents[a], a)
        elif parts.scheme in EXTERNAL_SCHEMES:
            continue
        elif parts.scheme or href.startswith("//"):
            _unwrap(parents[a], a)  # javascript:, data: …: nothing to follow on paper
        elif page_address:
            a.set("href", urljoin(page_address, href))
        else:
            _unwrap(parents[a], a)
    for img in root.iter("img"):
        src = img.get("src") or ""
        if base_url and src and not urlsplit(src).scheme and not src.startswith("//"):
            img.set("src", urljoin(base_url, src))


def prefix_ids(root: etree.Element, prefix: str) -> None:
    """Prefix every id and every ``#id`` link, so several pages can share one document."""
    for el in root.iter():
        if el.get("id"):
            el.set("id", prefix + el.get("id"))
        href = el.get("href")
        if el.tag == "a" and href and href.startswith("#"):
            el.set("href", "#" + prefix + href[1:])


# --------------------------------------------------------------------------- documents

@dataclass
class PrintPage:
    """One page of the site, as it goes into a PDF."""

    name: str  # pdf/<name>.pdf
    title: str  # the page's title (running header, contents, downloads page)
    fragment: PrintFragment
    part: str = ""  # the Part the page belongs to, if any
    description: str = ""


@dataclass(frozen=True)
class BookInfo:
    title: str
    author: str = ""
    description: str = ""
    lang: str = "en"
    created: str = ""  # W3C date-time, e.g. 2023-11-14T22:13:20Z; empty: no date


def created_from_epoch(value: str | None) -> str:
    """``SOURCE_DATE_EPOCH`` as a W3C date-time, or "" when it is unset."""
    if not value:
        return ""
    try:
        stamp = int(value)
    except ValueError:
        raise PluginError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}") from None
    return datetime.fromtimestamp(stamp, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def chapter_article(page: PrintPage, book: BookInfo) -> etree.Element:
    """``<article>``: the title block (book title, Part, the page's h1) then the content."""
    root = page.fragment.root
    h1 = _take_h1(root, page.title)
    article = etree.Element("article", {"class": "chapter"})
    header = etree.SubElement(article, "header", {"class": "title-block", "data-running": page.title,
                                                  "data-book": book.title})
    book_title = etree.SubElement(header, "p", {"class": "book-title"})
    book_title.text = book.title
    if page.part:
        part = etree.SubElement(header, "p", {"class": "part"})
        part.text = page.part
    header.append(h1)
    body = etree.SubElement(article, "div", {"class": "content"})
    body.text = root.text
    body.extend(list(root))
    return article


def chapter_document(page: PrintPage, book: BookInfo) -> tuple[str, etree.Element]:
    """The print HTML of one page, and its article (reused by the whole book)."""
    article = chapter_article(page, book)
    title = f"{_h1_text(article)} — {book.title}"
    keywords = [t.term for t in page.fragment.terms]
    return html_document(title, [article], book, page.description, keywords), article


def book_document(pages: list[tuple[PrintPage, etree.Element]], book: BookInfo, subtitle: str = "") -> str:
    """Every chapter in order, each starting on a new page, after a title page and contents."""
    cover = etree.Element("section", {"class": "cover", "data-book": book.title})
    title = etree.SubElement(cover, "h1")
    title.text = book.title
    if subtitle:
        sub = etree.SubElement(cover, "p", {"class": "subtitle"})
        sub.text = subtitle
    if book.author:
        author = etree.SubElement(cover, "p", {"class": "author"})
        author.text = book.author
    contents = etree.Element("nav", {"class": "contents"})
    heading = etree.SubElement(contents, "h2", {"id": "contents"})
    heading.text = "Contents"
    items = etree.SubElement(contents, "ol")
    part = None
    articles = []
    for page, article in pages:
        if page.part and page.part != part:
            label = etree.SubElement(items, "li", {"class": "part"})
            label.text = page.part
        part = page.part
        li = etree.SubElement(items, "li", {"class": "chapter"})
        link = etree.SubElement(li, "a", {"href": f"#{page.name}"})
        link.text = _h1_text(article) or page.title
        prefix_ids(article, f"{page.name}--")
        article.set("id", page.name)
        articles.append(article)
    keywords = sorted({t.term for page, _ in pages for t in page.fragment.terms}, key=sort_key)
    return html_document(book.title, [cover, contents, *articles], book, book.description, keywords,
                         body_class="book")


def html_document(title: str, parts: list[etree.Element], book: BookInfo, description: str = "",
                  keywords: Iterable[str] = (), body_class: str = "single") -> str:
    """A whole HTML document whose ``<meta>`` elements become the PDF's metadata."""
    html = etree.Element("html", {"lang": book.lang})
    head = etree.SubElement(html, "head")
    etree.SubElement(head, "meta", {"charset": "utf-8"})
    etree.SubElement(head, "title").text = title
    meta = {"author": book.author, "description": description, "keywords": ", ".join(keywords),
            "dcterms.created": book.created, "dcterms.modified": book.created}
    for name, content in meta.items():
        if content:
            etree.SubElement(head, "meta", {"name": name, "content": content})
    body = etree.SubElement(html, "body", {"class": body_class})
    body.extend(parts)
    return "<!DOCTYPE html>\n" + outer_html(html) + "\n"


def page_css(css: str, paper: str) -> str:
    """Our print stylesheet plus the paper size."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"paper must be one of {PAPER_SIZES}, not {paper!r}")
    return f"{css}\n@page {{ size: {paper}; }}\n"


# --------------------------------------------------------------------------- what to render

BOOK = "book"  # the whole book's PDF name


def digest(*parts: str) -> str:
    value = hashlib.sha256()
    for part in parts:
        value.update(part.encode("utf-8"))
        value.update(b"\x00")
    return value.hexdigest()


# The code that makes print HTML: a change to any of it makes every print HTML afresh.
_CODE = digest(*(Path(__file__).with_name(name).read_text(encoding="utf-8") for name in ("pdf.py", "terms.py")),
               tinyhtml5.__version__, sys.version.split()[0])


@dataclass(frozen=True)
class PageSource:
    """What one page's PDF is made from, as MkDocs gives it."""

    name: str  # pdf/<name>.pdf
    title: str  # the page's title (running header, downloads page)
    content: str  # the page's rendered content
    page_url: str = ""
    base_url: str = ""
    part: str = ""
    description: str = ""


def plan(chapters: list[PageSource], others: list[PageSource], *, book: BookInfo, css: str, engine: str = "",
         site_url: str = "", terms: Mapping[str, TermInfo] | None = None, subtitle: str = "") -> list[Pending]:
    """The PDFs to make: the whole book (when there are chapters), each chapter, each other page.

    Nothing is parsed here: each ``Pending`` carries the digest of its inputs,
    and builds its print HTML only if ``render_all`` does not find that digest
    in the cache. Each page is made printable at most once, for its own PDF and
    the book alike.
    """
    terms = terms or {}
    common = digest(_CODE, css, engine, site_url, repr(book), subtitle,
                    *(repr(terms[slug]) for slug in sorted(terms)))
    inputs = {src.name: digest(common, repr(src)) for src in chapters + others}
    made: dict[str, tuple[PrintPage, str, etree.Element]] = {}

    def printable(src: PageSource) -> tuple[PrintPage, str, etree.Element]:
        if src.name not in made:
            fragment = print_fragment(src.content, page_url=src.page_url, site_url=site_url, base_url=src.base_url,
                                      terms=terms)
            page = PrintPage(src.name, src.title, fragment, src.part, src.description)
            made[src.name] = (page, *chapter_document(page, book))  # serialized before the book re-uses it
        return made[src.name]

    def page_job(src: PageSource) -> Job:
        return Job(src.name, printable(src)[1], css, src.base_url, engine)

    def book_job() -> Job:
        parts = [printable(src) for src in chapters]
        return Job(BOOK, book_document([(page, article) for page, _, article in parts], book, subtitle), css, "",
                   engine)

    pending = [Pending(src.name, inputs[src.name], functools.partial(page_job, src)) for src in chapters + others]
    if chapters:
        pending.insert(0, Pending(BOOK, digest(common, BOOK, *(inputs[src.name] for src in chapters)), book_job))
    return pending


# --------------------------------------------------------------------------- the web page

class _FirstEndTag(HTMLParser):
    def __init__(self, tag: str):
        super().__init__(convert_charrefs=False)
        self.tag = tag
        self.position: tuple[int, int] | None = None

    def handle_endtag(self, tag):
        if tag == self.tag and self.position is None:
            self.position = self.getpos()


def insert_after_h1(html: str, snippet: str) -> str:
    """``snippet`` right after the first ``</h1>`` (or at the start if there is none).

    The position comes from the standard library's HTML tokenizer, so an
    ``</h1>`` inside a comment, a script or an attribute value is never taken
    for the end of the heading; the rest of the page is left byte for byte.
    """
    finder = _FirstEndTag("h1")
    finder.feed(html)
    finder.close()
    if finder.position is None:
        return snippet + html
    line, column = finder.position
    starts = [0] + [m.end() for m in re.finditer("\n", html)]
    start = starts[line - 1] + column
    end = html.index(">", start) + 1
    return html[:end] + "\n" + snippet + html[end:]


# --------------------------------------------------------------------------- names

def unique_names(paths: Iterable[str], reserved: Iterable[str] = ("book",)) -> dict[str, str]:
    """A file name (no extension) for each source path: its stem, made unique.

    ``part-two/chapter-3.md`` -> ``chapter-3``; two ``index.md`` become
    ``part-one-index`` and ``part-two-index``; a name already taken gets ``-2``.
    """
    paths = sorted(paths)
    stems = [PurePosixPath(p).stem for p in paths]
    taken = set(reserved)
    names = {}
    for path, stem in zip(paths, stems):
        name = stem
        if stems.count(stem) > 1 or stem in taken:
            name = str(PurePosixPath(path).with_suffix("")).replace("/", "-")
        base, n = name, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        names[path] = name
    return names


# --------------------------------------------------------------------------- rendering and cache

@dataclass(frozen=True)
class Job:
    """One PDF to make: its print HTML and stylesheet."""

    name: str
    html: str
    css: str
    base_url: str = ""
    engine: str = ""  # WeasyPrint's version: a new version renders afresh

    @property
    def key(self) -> str:
        return digest(self.engine, self.css, self.base_url, self.html)


@dataclass
class Pending:
    """A PDF to make: a digest of everything its print HTML is made from, and how to make that HTML.

    The digest lets an unchanged PDF be found without parsing its page at all;
    ``make`` runs only when the digest is not in the cache.
    """

    name: str
    inputs: str
    make: Callable[[], Job]

    @classmethod
    def ready(cls, job: Job) -> "Pending":
        return cls(job.name, job.key, lambda: job)


@dataclass
class Rendered:
    name: str
    path: Path  # in the cache
    pages: int
    cached: bool
    warnings: list[str] = field(default_factory=list)


def render_all(pending: list[Pending], cache_dir: str | os.PathLike, workers: int | None = None) -> list[Rendered]:
    """Each PDF, from the cache or rendered now (in parallel), in the order of ``pending``.

    The cache holds ``<key>.pdf`` and ``<key>.json`` (page count, warnings), where
    the key is the digest of the print HTML, stylesheet and WeasyPrint version,
    and ``inputs/<digest of the inputs>`` naming the key they gave last time.
    """
    cache = Path(cache_dir)
    (cache / INPUTS).mkdir(parents=True, exist_ok=True)
    done: dict[str, Rendered] = {}
    keys: dict[str, str] = {}
    missing: list[Job] = []
    for item in pending:
        key = _read(cache / INPUTS / item.inputs)
        hit = _from_cache(cache, key, item.name) if key else None
        if hit is None:
            job = item.make()
            key = job.key
            hit = _from_cache(cache, key, item.name)
            if hit is None:
                missing.append(job)
        keys[item.name] = key
        if hit is not None:
            done[item.name] = hit
    missing.sort(key=lambda j: len(j.html), reverse=True)  # the longest (the book) first
    workers = max(1, min(workers or os.cpu_count() or 1, len(missing)))
    if workers == 1:
        for job in missing:
            done[job.name] = _checked(job, lambda job=job: render_to_cache(job, str(cache)))
    elif missing:
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
                with _importable():  # workers start as the jobs are submitted
                    futures = {pool.submit(render_to_cache, job, str(cache)): job for job in missing}
                for future in as_completed(futures):
                    job = futures[future]
                    done[job.name] = _checked(job, future.result)
        except BrokenProcessPool:
            raise PluginError("a PDF worker process died (out of memory?); "
                              "try again, or build with fewer parallel jobs") from None
    for item in pending:
        if _read(cache / INPUTS / item.inputs) != keys[item.name]:
            _write(cache / INPUTS / item.inputs, keys[item.name])
    prune_cache(cache, keep=set(keys.values()) | {item.inputs for item in pending})
    return [done[item.name] for item in pending]


def _pool_context():
    """``fork`` when this process runs no other thread: the workers start at once and
    inherit WeasyPrint already imported. Forking beside other threads (the file
    watcher and web server of ``mkdocs serve``) can deadlock, so spawn fresh workers there."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextmanager
def _importable():
    """Let spawned workers import this package while they start: MkDocs puts ``hooks/``
    on ``sys.path`` only while it loads a hook, and a spawned worker copies ``sys.path``."""
    root = str(Path(__file__).resolve().parent.parent)
    added = root not in sys.path
    if added:
        sys.path.append(root)  # last, so that it shadows no installed module
    try:
        yield
    finally:
        if added:
            sys.path.remove(root)


def _checked(job: Job, call) -> Rendered:
    try:
        return call()
    except PluginError:
        raise
    except Exception as exc:  # WeasyPrint's own errors: say which PDF, without a traceback
        raise PluginError(f"pdf/{job.name}.pdf: WeasyPrint failed: {type(exc).__name__}: {exc}") from None


def _from_cache(cache: Path, key: str, name: str) -> Rendered | None:
    pdf, info = cache / f"{key}.pdf", cache / f"{key}.json"
    try:
        data = json.loads(info.read_text(encoding="utf-8"))
        if not pdf.is_file():
            return None
        now = time.time()
        for path in (pdf, info):
            os.utime(path, (now, now))  # recently used: kept by prune_cache
        return Rendered(name, pdf, int(data["pages"]), True, list(data.get("warnings", [])))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def render_to_cache(job: Job, cache_dir: str) -> Rendered:
    """Render one job with WeasyPrint into the cache (runs in a worker process)."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    cache = Path(cache_dir)
    pdf, info = cache / f"{job.key}.pdf", cache / f"{job.key}.json"
    logger = logging.getLogger("weasyprint")
    collect, propagate = _Collect(), logger.propagate
    logger.addHandler(collect)
    logger.propagate = False  # its messages come back to the build as warnings instead
    try:
        fetcher = URLFetcher(allowed_protocols=FETCHABLE_SCHEMES)
        document = weasyprint.HTML(string=job.html, base_url=job.base_url or None, url_fetcher=fetcher).render(
            stylesheets=[weasyprint.CSS(string=job.css, url_fetcher=fetcher)])
        tmp = cache / f".{job.key}.{os.getpid()}.tmp"
        document.write_pdf(tmp)
        os.replace(tmp, pdf)
        fonts = sorted({font.family for font in document.fonts.values()})
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    warnings = [f"pdf/{job.name}.pdf: WeasyPrint: {message}" for message in collect.messages]
    strangers = [family for family in fonts if not family.startswith(EXPECTED_FONT)]
    if strangers:
        warnings.append(
            f"pdf/{job.name}.pdf: text fell back to the font(s) {', '.join(strangers)} instead of "
            f"{EXPECTED_FONT}: install it with `apt-get install -y fonts-dejavu-core`"
        )
    pages = len(document.pages)
    tmp = cache / f".{job.key}.{os.getpid()}.json.tmp"
    tmp.write_text(json.dumps({"name": job.name, "pages": pages, "warnings": warnings}), encoding="utf-8")
    os.replace(tmp, info)
    return Rendered(job.name, pdf, pages, False, warnings)


def prune_cache(cache: Path, keep: set[str], max_age: float = CACHE_MAX_AGE) -> None:
    """Delete cache entries this build did not use and nobody used for ``max_age`` seconds."""
    limit = time.time() - max_age
    for path in [*cache.iterdir(), *(cache / INPUTS).iterdir()]:
        key = path.name.lstrip(".").split(".")[0]
        try:
            if path.is_file() and key not in keep and path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


# --------------------------------------------------------------------------- tree helpers

def _classes(el: etree.Element) -> set[str]:
    return set((el.get("class") or "").split())


def _parents(root: etree.Element) -> dict[etree.Element, etree.Element]:
    return {child: parent for parent in root.iter() for child in parent}


def _add_text(parent: etree.Element, index: int, text: str) -> None:
    """Add ``text`` where child ``index`` of ``parent`` would start."""
    if not text:
        return
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        parent[index - 1].tail = (parent[index - 1].tail or "") + text


def _remove(parent: etree.Element, el: etree.Element) -> None:
    """Remove ``el`` but keep the text that follows it."""
    index = list(parent).index(el)
    parent.remove(el)
    _add_text(parent, index, el.tail or "")


def _unwrap(parent: etree.Element, el: etree.Element) -> None:
    """Replace ``el`` by its content."""
    index = list(parent).index(el)
    children = list(el)
    parent.remove(el)
    _add_text(parent, index, el.text or "")
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    _add_text(parent, index + len(children), el.tail or "")


def _rstrip(el: etree.Element) -> None:
    """Strip trailing white space (no-break spaces too) from the end of ``el``'s content."""
    if len(el):
        el[-1].tail = (el[-1].tail or "").rstrip() or None
    elif el.text:
        el.text = el.text.rstrip()


def _take_h1(root: etree.Element, fallback: str) -> etree.Element:
    parents = _parents(root)
    h1 = next(root.iter("h1"), None)
    if h1 is None:
        h1 = etree.Element("h1")
        h1.text = fallback
        return h1
    _remove(parents[h1], h1)
    h1.tail = None
    return h1


def _h1_text(root: etree.Element) -> str:
    h1 = next(root.iter("h1"), None)
    return " ".join("".join(h1.itertext()).split()) if h1 is not None else ""


def _slug_of_text(el: etree.Element) -> str:
    return slugify("".join(el.itertext()))


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- the downloads page

DOWNLOADS_PLACEHOLDER = '<div class="pdf-downloads"></div>'
DOWNLOADS_INTRO = (
    "Each chapter as a PDF to print or read offline, the glossary, and the whole book in one file "
    "with a contents list. In the PDFs the notes sit at the foot of each page, and each chapter "
    "ends with the glossary terms it uses."
)


@dataclass(frozen=True)
class Download:
    title: str
    href: str  # relative to the downloads page
    pages: int


def downloads_markdown(title: str, note: str = "", intro: str = DOWNLOADS_INTRO) -> str:
    """Markdown of the downloads page: the list goes where the placeholder is, or ``note``
    (our own Markdown) says why there are no PDFs."""
    body = note or DOWNLOADS_PLACEHOLDER
    return "\n".join(["---", f"title: {json.dumps(title)}", "---", "", f"# {plain(title)}", "",
                      plain(intro), "", body, ""])


def render_downloads(rows: Iterable[Download]) -> str:
    items = []
    for row in rows:
        count = f"{row.pages} page" + ("" if row.pages == 1 else "s")
        items.append(
            f'<li><a href="{_escape_attr(row.href)}" type="application/pdf">{_escape_text(row.title)}</a> '
            f'<span class="pdf-pages" data-pages="{row.pages}">PDF, {count}</span></li>'
        )
    return '<ul class="pdf-list">\n' + "\n".join(items) + "\n</ul>"


def _escape_attr(text: str) -> str:
    return _escape_text(text).replace('"', "&quot;")
