"""Printable PDFs: one per chapter, one of the glossary and one of the whole book, made with WeasyPrint.

Phases:
- on_startup: note the command: `mkdocs serve` makes no PDFs unless asked (below),
  and a `--dirty` build none at all (it reads only the changed pages).
- on_config: read options; decide whether this build makes PDFs; import WeasyPrint
  (a missing package or Pango fails here, naming what to install).
- on_files: name each page's PDF after its source file; add the downloads page
  and the download link's stylesheet.
- on_nav: remember the nav order, which is the book's order.
- on_page_content: note each chapter page (front matter `chapter: N`) and add
  its "Download PDF" link under the h1.
- on_env: fail on bad `chapter:` numbers (all pages in one message); every
  page's HTML exists (the glossary's "Used in" lines too), so make each print
  document, render the changed ones in parallel into the cache
  (`.cache/pdf`), and fill the downloads page with the page counts.
- on_post_build: copy the PDFs into site/pdf/.

Environment:
- STUDYKIT_PDF=1: make the PDFs under `mkdocs serve` too (`STUDYKIT_PDF=1 make serve`).
- STUDYKIT_PDF=0: make no PDF in any build; there are then no Download links,
  and the downloads page says how to get the PDFs.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
import types
from html import escape
from importlib.resources import files as package_files
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from studykit.options import Option, display_path, read_options, resolve
from studykit.pdf import (
    BOOK, DOWNLOADS_PLACEHOLDER, PAPER_SIZES, BookInfo, Download, PageSource, Pending, TermInfo,
    created_from_epoch, downloads_markdown, insert_after_h1, page_css, plan, render_all, render_downloads,
    unique_names,
)

log = logging.getLogger("mkdocs.hooks.pdf")

OPTIONS = {
    "enabled": Option(True),
    "paper": Option("A4", choices=PAPER_SIZES),
    "book_title": Option("", help="title on every PDF; empty: site_name"),
    "book_author": Option("", help="the PDFs' author metadata"),
    "cache": Option(".cache/pdf", help="folder of rendered PDFs kept between builds, relative to mkdocs.yml"),
    "page": Option("downloads.md", help="path of the generated downloads page inside docs/"),
    "title": Option("Printable PDFs", help="title of the downloads page"),
}
SWITCH = "STUDYKIT_PDF"
PDF_DIR = "pdf"
ASSET = "assets/studykit/pdf.css"
HERE = Path(__file__).resolve().parent
OFF_FOR_SERVE = ("The live preview skips the PDFs to stay quick: `make site` builds them "
                 "(or preview them with `STUDYKIT_PDF=1 make serve`).")
OFF_BY_SWITCH = "This build was made with `STUDYKIT_PDF=0`, so it has no PDFs: `make site` builds them."
OFF_WHEN_DIRTY = "A `--dirty` build reads only the changed pages, so it makes no PDF: `make site` builds them."
OFF_BY_OPTION = "PDFs are switched off for this site (`extra.pdf.enabled: false` in mkdocs.yml)."

_command: str | None = None
_dirty = False


class _State:
    def __init__(self):
        self.options: dict = {}
        self.off_note = ""  # why this build makes no PDF ("" when it does)
        self.engine = ""  # WeasyPrint's version
        self.glossary: types.ModuleType | None = None
        self.names: dict[str, str] = {}  # source path -> PDF name
        self.order: dict[str, int] = {}  # source path -> position in the nav
        self.chapters: list = []
        self.problems: list[str] = []  # "docs/page.md, line N: …"
        self.rendered: list = []


_state = _State()


def on_startup(command, dirty):
    global _command, _dirty
    _command, _dirty = command, dirty


def on_config(config):
    global _state
    _state = _State()  # `mkdocs serve` keeps this module between rebuilds
    options = _state.options = read_options(config, "pdf", OPTIONS)
    switch = os.environ.get(SWITCH, "")
    if switch not in ("", "0", "1"):
        raise PluginError(f"{SWITCH} must be 0 or 1, not {switch!r}")
    if not options["enabled"]:
        _state.off_note = OFF_BY_OPTION
    elif switch == "0":
        _state.off_note = OFF_BY_SWITCH
    elif _command == "serve" and switch != "1":
        _state.off_note = OFF_FOR_SERVE
    elif _dirty:
        _state.off_note = OFF_WHEN_DIRTY
    else:
        _state.engine = _import_weasyprint()
    _state.glossary = _glossary_hook(config)
    config.extra_css.append(ASSET)
    return config


def on_files(files, config):
    _state.names = unique_names([f.src_uri for f in files.documentation_pages()], reserved=(BOOK,))
    files.append(File.generated(config, _state.options["page"],
                                content=downloads_markdown(_state.options["title"], _state.off_note)))
    css = package_files("studykit").joinpath("assets", "pdf.css").read_text(encoding="utf-8")
    files.append(File.generated(config, ASSET, content=css))
    return files


def on_nav(nav, config, files):
    _state.order = {page.file.src_uri: i for i, page in enumerate(nav.pages)}
    return nav


def on_page_content(html, page, config, files):
    number = page.meta.get("chapter")
    if number is None:
        return html
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        # Reported in on_env, all pages at once: failing here makes MkDocs add an "Error reading page" line.
        _state.problems.append(f"{_where(page, config)}: front matter chapter: {number!r} is not a whole number "
                               "(0 for an introduction, then 1, 2, …)")
        return html
    _state.chapters.append(page)
    if _state.off_note:
        return html  # no PDF, so no link to one
    href = escape(get_relative_url(f"{PDF_DIR}/{_state.names[page.file.src_uri]}.pdf", page.url))
    return insert_after_h1(html, f'<p class="pdf-download"><a href="{href}" type="application/pdf">'
                                 "Download PDF</a></p>")


def on_env(env, config, files):
    if _state.problems:
        raise PluginError("; ".join(_state.problems))
    if _state.off_note:
        return env
    started = time.perf_counter()
    pending, titles = _plan(config, files)
    _state.rendered = render_all(pending, resolve(config, _state.options["cache"]))
    for result in _state.rendered:
        for warning in result.warnings:
            log.warning(warning)
    fresh = sum(not r.cached for r in _state.rendered)
    log.info("PDFs: %d rendered, %d from cache (%.1f s)", fresh, len(_state.rendered) - fresh,
             time.perf_counter() - started)
    downloads = files.get_file_from_path(_state.options["page"]).page
    rows = [Download(titles[r.name], get_relative_url(f"{PDF_DIR}/{r.name}.pdf", downloads.url), r.pages)
            for r in _state.rendered]
    downloads.content = downloads.content.replace(DOWNLOADS_PLACEHOLDER, render_downloads(rows))
    return env


def on_post_build(config):
    if not _state.rendered:
        return
    folder = Path(config.site_dir, PDF_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    for result in _state.rendered:
        shutil.copyfile(result.path, folder / f"{result.name}.pdf")


def _plan(config, files) -> tuple[list[Pending], dict[str, str]]:
    """The PDFs to make (the book first), and each one's title for the downloads page."""
    options = _state.options
    book = BookInfo(
        title=options["book_title"] or config.site_name,
        author=options["book_author"],
        description=config.site_description or "",
        lang=config.theme.get("language") or "en",
        created=created_from_epoch(os.environ.get("SOURCE_DATE_EPOCH")),
    )
    css = page_css(package_files("studykit").joinpath("assets", "print.css").read_text(encoding="utf-8"),
                   options["paper"])
    end = len(_state.order)
    chapters = sorted(_state.chapters, key=lambda p: (_state.order.get(p.file.src_uri, end), p.meta["chapter"]))
    glossary = _glossary_page(files)
    sources = [_source(page, config) for page in chapters]
    others = [_source(glossary, config)] if glossary is not None else []
    titles = {src.name: src.title for src in sources + others}
    titles[BOOK] = f"The whole book: {book.title}"
    subtitle = config.site_name if config.site_name != book.title else ""
    return plan(sources, others, book=book, css=css, engine=_state.engine, site_url=config.site_url or "",
                terms=_terms(), subtitle=subtitle), titles


def _source(page, config) -> PageSource:
    return PageSource(
        name=_state.names[page.file.src_uri],
        title=page.title,
        content=page.content,
        page_url=page.url,
        base_url=_base_url(page, config),
        part=page.parent.title if page.parent is not None else "",
        description=str(page.meta.get("description", "")),
    )


def _where(page, config) -> str:
    """``docs/page.md, line N`` of the page's ``chapter:`` line."""
    shown = display_path(config, page.file.abs_src_path) if page.file.abs_src_path else page.file.src_uri
    lines = page.file.content_string.splitlines()
    line = next((i for i, text in enumerate(lines[1:], 2) if text.startswith("chapter:")), None)
    return f"{shown}, line {line}" if line else shown


def _base_url(page, config) -> str:
    """Where the page's relative images are: its URL mapped into docs/."""
    return Path(config.docs_dir).resolve().as_uri() + "/" + page.url


def _glossary_hook(config) -> types.ModuleType | None:
    """The glossary hook (hooks/glossary.py beside this file), if the site uses it.

    The "Terms in this chapter" appendix reuses the terms the glossary hook has
    already loaded and validated (its ``loaded_terms()``, called at on_env time
    because they are reloaded on every on_config) rather than calling
    ``studykit.terms.load_terms`` again: no second parse of every YAML file, no
    copy of the glossary's option schema here, and slugs that always agree with
    the links it wrote. A site without the glossary hook still gets an appendix
    made from what the page says (the term's text and tooltip).
    """
    for plugin in config.plugins.values():
        path = getattr(plugin, "__file__", None)
        if isinstance(plugin, types.ModuleType) and path and Path(path).resolve() == HERE / "glossary.py":
            return plugin
    return None


def _terms() -> dict[str, TermInfo]:
    terms = _state.glossary.loaded_terms() if _state.glossary else []
    return {t.slug: TermInfo(t.slug, t.term, t.cyrillic, t.short) for t in terms}


def _glossary_page(files):
    path = _state.glossary.page_path() if _state.glossary else None
    file = files.get_file_from_path(path) if path else None
    return file.page if file is not None else None


def _import_weasyprint() -> str:
    try:
        import weasyprint
    except ImportError:
        raise PluginError("WeasyPrint is not installed, so no PDF can be made: pip install weasyprint "
                          "(make site installs it), or build with STUDYKIT_PDF=0") from None
    except OSError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PluginError(f"WeasyPrint could not load Pango ({reason}): install it with "
                          "`apt-get install -y libpango-1.0-0 libpangoft2-1.0-0`") from None
    return weasyprint.__version__
