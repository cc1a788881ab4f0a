"""Citations: ``[@key, p. 12]`` becomes a numbered note linked to a generated bibliography.

Phases:
- on_config: read options, load the formatted bibliography (from its cache
  when bibliography.bib is unchanged; bad BibTeX fails here, naming the line),
  register the citation Markdown extension.
- on_files: add the generated bibliography page.
- on_page_content: note unknown keys (page, line and key) and record which
  notes cite which works.
- on_env: every page is rendered, so fail on the unknown keys of all pages in
  one message (failing in on_page_content would make MkDocs print a second
  "Error reading page" line), fill each entry's "Cited in" line and warn about
  entries no page cites (strict mode turns that into a failure).
"""

from __future__ import annotations

import logging
from collections import defaultdict

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from studykit.bibliography import Bibliography, load_bibliography
from studykit.bibliography_page import CITED_PLACEHOLDER, DEFAULT_INTRO, CitingPage, render_bibliography, render_cited_in
from studykit.citer import CitationExtension
from studykit.options import Option, display_path, read_options, resolve

log = logging.getLogger("mkdocs.hooks.citations")

OPTIONS = {
    "source": Option("bibliography.bib", help="BibTeX file, relative to mkdocs.yml"),
    "page": Option("bibliography.md", help="path of the generated page inside docs/"),
    "title": Option("Bibliography"),
    "intro": Option(DEFAULT_INTRO, help="text under the title; {count} is the number of works"),
    "cache": Option(".cache/bibliography", help="formatted entries kept between builds, relative to mkdocs.yml"),
    "groups": Option({"primary": "Primary sources", "scholarship": "Scholarship"},
                     help="keywords field value -> section heading, in page order"),
}


class _State:
    def __init__(self):
        self.options: dict = {}
        self.registry: Bibliography | None = None
        self.ext: CitationExtension | None = None
        self.cited: dict[str, list[tuple[object, list]]] = defaultdict(list)
        self.unknown: list[str] = []  # "docs/page.md, line N: unknown citation key 'x'"


_state = _State()


def on_config(config):
    global _state
    _state = _State()  # `mkdocs serve` keeps this module between rebuilds
    options = _state.options = read_options(config, "bibliography", OPTIONS)
    _state.registry = load_bibliography(resolve(config, options["source"]), display_name=options["source"],
                                        cache_dir=resolve(config, options["cache"]))
    log.debug("%s: %d entries, %s", options["source"], len(_state.registry.keys()),
              f"{_state.registry.formattings} formatted" if _state.registry.formattings else "all from the cache")
    _state.ext = CitationExtension(_state.registry, bib_page="/" + options["page"])
    config.markdown_extensions.append(_state.ext)
    return config


def on_files(files, config):
    content = render_bibliography(_state.registry, _state.options["groups"], _state.options["title"],
                                  _state.options["intro"])
    files.append(File.generated(config, _state.options["page"], content=content))
    return files


def on_page_content(html, page, config, files):
    found = _state.ext.page
    if found.unknown:
        source = page.file.content_string
        shown = display_path(config, page.file.abs_src_path) if page.file.abs_src_path else page.file.src_uri
        _state.unknown += [f"{shown}, line {_line_of(source, raw)}: unknown citation key {key!r}"
                           for key, raw in found.unknown]
    for key in found.keys():
        notes = [(n.number, n.id) for n in found.notes if any(c.key == key for c in n.citations)]
        _state.cited[key].append((page, notes))
    return html


def on_env(env, config, files):
    if _state.unknown:
        raise PluginError("; ".join(_state.unknown))
    bib = files.get_file_from_path(_state.options["page"]).page
    content = bib.content
    for key in _state.registry.keys():
        pages = [CitingPage(page.title, get_relative_url(page.url, bib.url), notes)
                 for page, notes in _state.cited.get(key, [])]
        if not pages:
            log.warning("%s, line %d: bibliography entry %r is cited on no page",
                        _state.options["source"], _state.registry.lines.get(key, 1), key)
        content = content.replace(CITED_PLACEHOLDER.format(key=key), render_cited_in(pages))
    bib.content = content
    return env


def _line_of(source: str, raw: str) -> int:
    index = source.find(raw)
    return source.count("\n", 0, index) + 1 if index >= 0 else 1
