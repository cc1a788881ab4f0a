"""Glossary: terms from glossary/*.yml, linked in every page, listed on a generated page.

Phases:
- on_config: read options, load and validate the terms, compile the matcher,
  register the linking Markdown extension and the page's assets.
- on_files: add the generated glossary page and its script and stylesheet.
- on_page_markdown: switch linking off on generated pages.
- on_page_content: record which terms the page used, how often, and where first.
- on_env: every page is rendered, so fill each entry's "Used in" line and warn
  about terms no page uses (strict mode turns that into a failure).
"""

from __future__ import annotations

import logging
from importlib.resources import files as package_files

from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from studykit.glossary_page import DEFAULT_INTRO, USES_PLACEHOLDER, PageUse, render_glossary, render_uses
from studykit.linker import LINK_MODES, GlossaryExtension, PageUses
from studykit.matcher import TermMatcher
from studykit.options import Option, read_options, resolve
from studykit.terms import DEFAULT_CATEGORIES, Term, load_terms

log = logging.getLogger("mkdocs.hooks.glossary")

OPTIONS = {
    "source": Option("glossary", help="folder of term files, relative to mkdocs.yml"),
    "page": Option("glossary.md", help="path of the generated page inside docs/"),
    "title": Option("Glossary"),
    "intro": Option(DEFAULT_INTRO, help="text under the title; {count} is the number of terms"),
    "link": Option("first-per-section", choices=LINK_MODES),
    "categories": Option(list(DEFAULT_CATEGORIES)),
    "definition_words": Option([40, 150]),
}
ASSETS = ("glossary.js", "glossary.css")
ASSET_DIR = "assets/studykit"


class _State:
    def __init__(self):
        self.options: dict = {}
        self.terms: list[Term] = []
        self.ext: GlossaryExtension | None = None
        self.uses: list[tuple[object, PageUses]] = []


_state = _State()


def on_config(config):
    global _state
    _state = _State()  # `mkdocs serve` keeps this module between rebuilds
    options = _state.options = read_options(config, "glossary", OPTIONS)
    _state.terms = load_terms(
        resolve(config, options["source"]),
        categories=tuple(options["categories"]),
        definition_words=tuple(options["definition_words"]),
    )
    # Material's content.tooltips renders a link's title as HTML; the linker escapes it for that.
    features = config.theme["features"] if "features" in config.theme else []
    _state.ext = GlossaryExtension(TermMatcher(_state.terms), page_path="/" + options["page"], mode=options["link"],
                                   title_is_html="content.tooltips" in (features or []))
    config.markdown_extensions.append(_state.ext)
    config.extra_css.append(f"{ASSET_DIR}/glossary.css")
    config.extra_javascript.append(f"{ASSET_DIR}/glossary.js")
    return config


def on_files(files, config):
    page = File.generated(config, _state.options["page"], content=render_glossary(_state.terms, _state.options["title"], _state.options["intro"]))
    files.append(page)
    for name in ASSETS:
        content = package_files("studykit").joinpath("assets", name).read_text(encoding="utf-8")
        files.append(File.generated(config, f"{ASSET_DIR}/{name}", content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    _state.ext.enabled = not page.file.generated_by and page.meta.get("glossary", True) is not False
    return markdown


def on_page_content(html, page, config, files):
    if _state.ext.enabled and _state.ext.last_uses.terms:
        _state.uses.append((page, _state.ext.last_uses))
    return html


def on_env(env, config, files):
    glossary = files.get_file_from_path(_state.options["page"]).page
    content = glossary.content
    for term in _state.terms:
        rows = [
            PageUse(page.title, f"{get_relative_url(page.url, glossary.url)}#{found.terms[term.slug].anchor}",
                    found.terms[term.slug].count)
            for page, found in _state.uses
            if term.slug in found.terms
        ]
        if not rows:
            log.warning("%s: glossary term %r is used on no page", term.where("term"), term.term)
        content = content.replace(USES_PLACEHOLDER.format(slug=term.slug), render_uses(rows))
    glossary.content = content
    return env


# -- read by other hooks (the PDF hook's "Terms in this chapter" appendix) ----------


def loaded_terms() -> list[Term]:
    """This build's terms, as on_config loaded and validated them."""
    return list(_state.terms)


def page_path() -> str | None:
    """Where the generated glossary page sits inside docs/ (None before on_config)."""
    return _state.options.get("page")
