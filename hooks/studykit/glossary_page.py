"""Render the generated glossary page and its "Used in" backlinks."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from itertools import groupby

from .matcher import is_exact_case
from .terms import Term, slugify, sort_key

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|])")
USES_PLACEHOLDER = '<div class="glossary-uses" data-term="{slug}"></div>'


def plain(text: str) -> str:
    """Plain text made safe to drop into Markdown: no HTML, no Markdown syntax."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def safe_markdown(text: str) -> str:
    """Author Markdown with raw HTML and attribute lists neutralised.

    Emphasis and links still work; ``<script>``, ``onerror=`` and ``{: …}``
    arrive on the page as visible text, never as markup.
    """
    text = text.replace("<", "&lt;").replace("{", "&#123;")
    return re.sub(r"\]\(\s*(?:javascript|data|vbscript):", "](#unsafe-link:", text, flags=re.I)


# Other romanisations a reader may type: Library of Congress "kh" is "h" or "ch"
# elsewhere, "ia"/"ya" and "iu"/"yu" swap, and "-ii" endings are often "-y".
_ROMANISATIONS = ((r"kh", "h"), (r"ia", "ya"), (r"ya", "ia"), (r"iu", "yu"), (r"yu", "iu"),
                  (r"ii\b", "y"), (r"shch", "sch"))


def other_spellings(term: Term) -> list[str]:
    """Romanisation variants of the term's word forms, for readers (and search) that spell it otherwise."""
    known = {_fold(f) for f in term.forms}
    out: dict[str, None] = {}
    for form in term.forms:
        if sum(c.isupper() for c in form) >= 2:
            continue  # acronyms are spelled one way
        base = _fold(form)
        for pattern, replacement in _ROMANISATIONS:
            variant = re.sub(pattern, replacement, base)
            if variant != base and variant not in known:
                out[variant] = None
    return list(out)


def inflected_forms(term: Term) -> list[str]:
    """Forms that inflect the headword (kulak, kulaki for kulaks): shown beside it so search finds them."""
    head = _fold(term.term)
    seen = {head}
    forms = []
    for form in term.forms:
        folded = _fold(form)
        if folded not in seen and folded[:4] == head[:4] and " " not in form:
            seen.add(folded)
            forms.append(form)
    return forms


def _fold(text: str) -> str:
    return re.sub("[’'ʼ]", "", text).lower()


def letter_of(term: Term) -> str:
    first = sort_key(term.term)[:1].upper()
    return first if first.isalpha() else "#"


DEFAULT_INTRO = (
    "{count} terms. Each is linked where it occurs in the text: hover over or tab to "
    "a linked term for its short definition."
)


def render_glossary(terms: list[Term], title: str = "Glossary", intro: str = DEFAULT_INTRO) -> str:
    """Markdown for the whole glossary page, in headword order, one section per letter."""
    letters = [letter for letter, _ in groupby(terms, key=letter_of)]
    bar = " ".join(f'<a href="#letter-{slugify(letter)}">{html.escape(letter)}</a>' for letter in letters)
    out = [
        "---",
        f"title: {title}",
        "search:",
        "  boost: 2",
        "---",
        "",
        f"# {title}",
        "",
        safe_markdown(intro.format(count=len(terms))),
        "",
        '<div class="glossary-tools">',
        '<label for="glossary-filter" class="glossary-filter-label">Filter terms</label>',
        f'<input type="search" id="glossary-filter" placeholder="{_example(terms)}" '
        'autocomplete="off" spellcheck="false">',
        '<p class="glossary-filter-status" aria-live="polite"></p>',
        f'<nav class="glossary-az" aria-label="Glossary letters">{bar}</nav>',
        "</div>",
        "",
    ]
    for letter, group in groupby(terms, key=letter_of):
        out += [f'<h2 class="glossary-letter" id="letter-{slugify(letter)}">{html.escape(letter)}</h2>', ""]
        for term in group:
            out += render_entry(term)
    return "\n".join(out) + "\n"


def _example(terms: list[Term]) -> str:
    """The filter box's hint, with a headword of this glossary (no book's data lives in code)."""
    words = [t.term for t in terms if not is_exact_case(t.term) and " " not in t.term] or [t.term for t in terms]
    return html.escape(f"Type to filter, e.g. {words[len(words) // 2]}" if words else "Type to filter")


def heading(term: Term) -> str:
    """The entry's heading: headword plus its inflected forms, which search weighs as title words.

    The table of contents shows the headword alone; ``data-filter`` holds what
    the glossary filter matches (headword, forms, expansion, Cyrillic).
    """
    keywords = " ".join(sorted({term.term, *term.forms, term.expansion, term.cyrillic} - {""})).lower()
    attrs = [f"#{term.slug}", ".glossary-head", f'data-filter="{_attr(keywords)}"']
    inflected = inflected_forms(term)
    if inflected:
        attrs.append(f'data-toc-label="{_attr(term.term)}"')
    shown = " · ".join(plain(f) for f in [term.term, *inflected])
    return f"### {shown} {{{' '.join(attrs)}}}"


def _attr(text: str) -> str:
    """A value for an attribute list: attr_list ends values at quotes and braces."""
    return re.sub(r'["{}]', "", text)


def render_entry(term: Term) -> list[str]:
    """One entry as plain Markdown blocks under its heading.

    No wrapping ``<div markdown>``: md_in_html made the page five times slower
    to convert; glossary.js groups each heading with its blocks in the browser.
    """
    facts = [f'<span class="glossary-cyrillic" lang="ru">{html.escape(term.cyrillic)}</span>']
    if term.expansion:
        facts.append(f'<span class="glossary-expansion">{html.escape(term.expansion)}</span>')
    facts.append(f'<span class="glossary-category">{html.escape(term.category)}</span>')
    lines = [
        heading(term),
        "",
        '<p class="glossary-facts">' + " · ".join(facts) + "</p>",
        "",
        safe_markdown(term.definition),
        "",
    ]
    if term.note:
        lines += ['!!! warning "Correction to the book"', ""]
        lines += ["    " + line for line in safe_markdown(term.note).splitlines()]
        lines.append("")
    others = [f for f in term.forms if f != term.term]
    variants = other_spellings(term)
    if others or variants:
        text = []
        if others:
            text.append(f"Also linked as: {html.escape(', '.join(others))}.")
        if variants:
            text.append(f"Other spellings: {html.escape(', '.join(variants))}.")
        lines += [f'<p class="glossary-forms">{" ".join(text)}</p>', ""]
    if term.related:
        links = ", ".join(f"[{plain(r)}](#{slugify(r)})" for r in term.related)
        lines += [f"**Related:** {links}", ""]
    lines += [USES_PLACEHOLDER.format(slug=term.slug), ""]
    return lines


@dataclass
class PageUse:
    title: str
    url: str  # relative to the glossary page, with the fragment of the first use
    count: int


def render_uses(uses: list[PageUse]) -> str:
    """The "Used in" line of one entry, as HTML."""
    if not uses:
        return '<p class="glossary-uses">Used in: no page yet.</p>'
    items = ", ".join(
        f'<a href="{html.escape(u.url)}">{html.escape(u.title)}</a> ({u.count}×)' for u in uses
    )
    total = sum(u.count for u in uses)
    pages = "page" if len(uses) == 1 else "pages"
    times = "once" if total == 1 else f"{total} times"
    return f'<p class="glossary-uses">Used in {len(uses)} {pages}, {times}: {items}</p>'
