"""One measurement in a fresh process; prints one JSON line starting with ``BENCH-RESULT``.

    python -m bench.worker build CONFIG [--instrument] [--pdf-jobs FILE]
    python -m bench.worker bibliography CONFIG
    python -m bench.worker render JOBS CACHE_DIR WORKERS
    python -m bench.worker glossary CORPORA REPEATS

``build`` does what ``mkdocs build`` does (load the config, startup event,
build, shutdown event) and reports the time from loading the config to the end
of the shutdown event, this process's peak memory, and the warnings logged.
Every build also times, on either side, MkDocs turning Markdown into HTML
(``Page.render``, our Markdown extensions included) and Material's search
plugin indexing each page and writing the index: the phases where the hooks'
added output costs time. ``--instrument`` also times our hooks' machinery
(glossary, citations, PDFs) and counts bibliography entry formattings (0 when
the bibliography cache is warm); ``--pdf-jobs`` saves the print documents the
PDF hook renders, for ``render``.

``bibliography`` runs the citations hook's ``on_config``, which fills the
bibliography cache, and reports how many entries it formatted.

``render`` renders saved print documents with the PDF hook's ``render_all``
into CACHE_DIR with WORKERS processes and reports the time.

``glossary`` runs ``bench.glossary.measure_glossary`` on the pickled corpora.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import pickle  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import types  # noqa: E402
from pathlib import Path  # noqa: E402

HOOKS_DIR = Path(__file__).resolve().parent.parent / "hooks"
MARK = "BENCH-RESULT "


def emit(data: dict) -> None:
    data["maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.write(MARK + json.dumps(data) + "\n")
    sys.stdout.flush()


def _cpu() -> float:
    """CPU seconds of this process and its finished children (PDF workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Section:
    """Time spent in a group of functions, counting only the outermost call."""

    def __init__(self):
        self.seconds = 0.0
        self.depth = 0

    def wrap(self, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            if self.depth:
                return fn(*args, **kwargs)
            self.depth = 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.depth = 0

        return timed


class _Count(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0
        self.samples: list[str] = []
        self.infos: list[str] = []

    def emit(self, record):
        if record.levelno >= logging.WARNING:
            self.count += 1
            if len(self.samples) < 5:
                self.samples.append(record.getMessage()[:300])


class _Infos(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record):
        if record.levelno == logging.INFO and record.name.startswith("mkdocs.hooks"):
            self.messages.append(record.getMessage()[:300])


def _instrument(sections: dict[str, Section], misses: Section, pdf_jobs: str | None):
    """Wrap our machinery before the hooks import it (they import names from studykit)."""
    sys.path.insert(0, str(HOOKS_DIR))
    import studykit.bibliography as bib
    import studykit.bibliography_page as bib_page
    import studykit.citer as citer
    import studykit.glossary_page as glossary_page
    import studykit.linker as linker
    import studykit.matcher as matcher
    import studykit.terms as terms

    cit, glo = sections["citations"], sections["glossary"]
    original_load = bib.load_bibliography

    def load_bibliography(*args, **kwargs):
        # The formatting (pybtex's import, parse and formatting) happens only on a cache
        # miss, inside the load: a load that formatted anything counts whole as formatting.
        start = time.perf_counter()
        result = original_load(*args, **kwargs)
        if result.formattings:
            misses.seconds += time.perf_counter() - start
        return result

    bib.load_bibliography = cit.wrap(load_bibliography)
    for name in ("full_text", "short_text", "work"):
        setattr(bib.Bibliography, name, cit.wrap(getattr(bib.Bibliography, name)))
    citer.CitationInline.handleMatch = cit.wrap(citer.CitationInline.handleMatch)
    citer.CitationNotes.run = cit.wrap(citer.CitationNotes.run)
    for name in ("render_bibliography", "render_cited_in"):
        setattr(bib_page, name, cit.wrap(getattr(bib_page, name)))

    terms.load_terms = glo.wrap(terms.load_terms)
    matcher.TermMatcher.__init__ = glo.wrap(matcher.TermMatcher.__init__)
    linker.GlossaryLinker.run = glo.wrap(linker.GlossaryLinker.run)
    for name in ("render_glossary", "render_uses"):
        if hasattr(glossary_page, name):
            setattr(glossary_page, name, glo.wrap(getattr(glossary_page, name)))

    try:
        import studykit.pdf as pdf
    except ImportError:  # the PDF machinery is missing, or WeasyPrint's dependencies are
        return
    original_render_all = pdf.render_all

    def render_all(items, cache_dir, workers=None):
        start = time.perf_counter()
        if pdf_jobs:  # the print documents themselves (a ``Pending`` makes its ``Job`` on demand)
            jobs = [item.make() if hasattr(item, "make") else item for item in items]
            with open(pdf_jobs, "wb") as fh:
                pickle.dump(jobs, fh)
        try:
            return original_render_all(items, cache_dir, workers)
        finally:
            sections["pdf_render"].seconds += time.perf_counter() - start

    pdf.render_all = render_all


def _wrap_hook_events(cfg, sections: dict[str, Section]) -> dict[str, types.ModuleType]:
    """Time each of our hooks' event handlers, by hook file name (glossary, citations, pdf)."""
    modules = {Path(name).stem: module for name, module in (cfg["hooks"] or {}).items()}
    by_module = {id(module): stem for stem, module in modules.items()}
    for event, methods in cfg.plugins.events.items():
        for i, method in enumerate(methods):
            stem = by_module.get(id(sys.modules.get(getattr(method, "__module__", ""), None)))
            if stem in sections:
                methods[i] = sections[stem].wrap(method)
    return modules


def _time_phases(cfg, phases: dict[str, Section]) -> None:
    """Time Markdown conversion (every page's ``render``) and the search plugin's events."""
    from mkdocs.structure.pages import Page

    Page.render = phases["markdown"].wrap(Page.render)
    search = [plugin for name, plugin in cfg.plugins.items() if name.split("/")[-1] == "search"]
    for methods in cfg.plugins.events.values():
        for i, method in enumerate(methods):
            if any(getattr(method, "__self__", None) is plugin for plugin in search):
                methods[i] = phases["search"].wrap(method)


def build(args) -> None:
    sections = {name: Section() for name in ("glossary", "citations", "pdf", "pdf_render")}
    phases = {name: Section() for name in ("markdown", "search")}
    misses = Section()
    if args.instrument or args.pdf_jobs:
        _instrument(sections, misses, args.pdf_jobs)

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.INFO)  # as the command line does
    logger.propagate = False
    counter, infos = _Count(), _Infos()
    logger.addHandler(counter)
    logger.addHandler(infos)

    t1 = time.perf_counter()
    cpu1 = _cpu()
    cfg = load_config(config_file=args.config)
    modules = _wrap_hook_events(cfg, sections) if args.instrument else {}
    _time_phases(cfg, phases)
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(cfg)
    except BaseException as exc:  # report, then fail
        emit({"error": f"{type(exc).__name__}: {exc}"[:2000], "warning_samples": counter.samples})
        raise SystemExit(1)
    finally:
        cfg.plugins.on_shutdown()
    t2 = time.perf_counter()

    result = {
        "build_s": t2 - t1,
        "cpu_s": _cpu() - cpu1,
        "imports_s": t1 - T0,
        "warnings": counter.count,
        "warning_samples": counter.samples,
        "hook_infos": infos.messages,
        "phases_s": {name: s.seconds for name, s in phases.items()},
    }
    if args.instrument:
        result["sections_s"] = {name: s.seconds for name, s in sections.items()}
        result["formatting_s"] = misses.seconds
        state = getattr(modules.get("citations"), "_state", None)
        registry = getattr(state, "registry", None)
        if registry is not None:
            result["formattings"] = registry.formattings
            result["entries"] = len(registry.keys())
            result["cited_entries"] = len(getattr(state, "cited", {}))
    emit(result)


def bibliography(args) -> None:
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    cfg = load_config(config_file=args.config)
    hook = next(m for name, m in (cfg["hooks"] or {}).items() if Path(name).stem == "citations")
    hook.on_config(cfg)
    emit({"formattings": hook._state.registry.formattings})


def render(args) -> None:
    sys.path.insert(0, str(HOOKS_DIR))
    import weasyprint  # noqa: F401  (the hook imports it in on_config, before rendering)
    import studykit.pdf as pdf

    with open(args.jobs, "rb") as fh:
        jobs = pickle.load(fh)
    if hasattr(pdf, "Pending"):  # render_all takes Pending items (made on a cache miss)
        jobs = [pdf.Pending.ready(job) for job in jobs]
    start, cpu = time.perf_counter(), _cpu()
    results = pdf.render_all(jobs, args.cache_dir, workers=args.workers)
    seconds = time.perf_counter() - start
    emit({"render_s": seconds, "cpu_s": _cpu() - cpu, "documents": len(results), "cached": sum(r.cached for r in results),
          "pages": sum(r.pages for r in results)})


def glossary(args) -> None:
    from bench.glossary import measure_glossary, results_as_json

    with open(args.corpora, "rb") as fh:
        corpora = pickle.load(fh)
    emit({"results": results_as_json(measure_glossary(corpora, args.repeats))})


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("config")
    b.add_argument("--instrument", action="store_true")
    b.add_argument("--pdf-jobs")
    c = sub.add_parser("bibliography")
    c.add_argument("config")
    r = sub.add_parser("render")
    r.add_argument("jobs")
    r.add_argument("cache_dir")
    r.add_argument("workers", type=int)
    g = sub.add_parser("glossary")
    g.add_argument("corpora")
    g.add_argument("repeats", type=int)
    args = parser.parse_args(argv)
    {"build": build, "bibliography": bibliography, "render": render, "glossary": glossary}[args.command](args)


if __name__ == "__main__":
    main()
