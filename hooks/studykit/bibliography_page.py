"""Render the generated bibliography page and its "Cited in" backlinks."""

from __future__ import annotations

import html
from dataclasses import dataclass

from .bibliography import Bibliography
from .glossary_page import safe_markdown
from .terms import slugify

CITED_PLACEHOLDER = '<p class="bib-cited" data-key="{key}"></p>'
OTHER_GROUP = "Other works"


DEFAULT_INTRO = "{count} works. Each entry lists the pages and notes that cite it."


def render_bibliography(registry: Bibliography, groups: dict[str, str], title: str = "Bibliography",
                        intro: str = DEFAULT_INTRO) -> str:
    """Markdown for the page: one section per group, entries sorted by author, year, title."""
    works = sorted((registry.work(key, groups) for key in registry.keys()), key=lambda w: w.sort_key)
    sections = list(groups.items()) + [("", OTHER_GROUP)]
    out = ["---", f"title: {title}", "---", "", f"# {title}", "", safe_markdown(intro.format(count=len(works))), ""]
    for keyword, heading in sections:
        members = [w for w in works if w.group == keyword]
        if not members:
            continue
        out += [f"## {heading} {{#{slugify(heading)}}}", ""]
        for work in members:
            out += [
                f'<div class="bib-entry" id="{html.escape(work.key)}">',
                f"<p>{registry.full_text(work.key)}</p>",
                CITED_PLACEHOLDER.format(key=html.escape(work.key)),
                "</div>",
                "",
            ]
    return "\n".join(out) + "\n"


@dataclass
class CitingPage:
    title: str
    url: str  # relative to the bibliography page
    notes: list[tuple[int, str]]  # (note number, note anchor)


def render_cited_in(pages: list[CitingPage]) -> str:
    if not pages:
        return '<p class="bib-cited">Cited in: no page.</p>'
    items = []
    for page in pages:
        notes = ", ".join(f'<a href="{html.escape(page.url)}#{anchor}">{number}</a>' for number, anchor in page.notes)
        label = "note" if len(page.notes) == 1 else "notes"
        items.append(f'<a href="{html.escape(page.url)}">{html.escape(page.title)}</a> ({label} {notes})')
    return '<p class="bib-cited">Cited in: ' + "; ".join(items) + "</p>"
