"""``make bench``: measure the generator, print a table, write BENCHMARKS.md.

A benchmark prints numbers; it never fails because a machine is slow. It exits
non-zero only when a measurement could not be made at all.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from . import machine
from .builds import BuildComparison, CitationResult, compare_builds, measure_citations, median
from .corpus import ROOT, Corpus, make_corpus
from .glossary import GlossaryResult, measure_glossary_in_worker
from .pdfs import PdfResult, measure_pdfs
from .report import NOT_RUN, Row, key_value, ratio, seconds, table
from .serve import ServeResult, measure_serve

DEFAULT_SCALES = (1, 10, 50)
DEFAULT_REPEATS = {1: 7, 10: 5, 50: 2}
MEASUREMENTS = ("builds", "glossary", "citations", "pdf", "serve")

BUILD_TARGET = 1.15
GLOSSARY_MB_S = 40.0
GLOSSARY_SCALING = 11.0
PDF_PARALLEL = 0.6
PDF_REBUILD_S = 1.0
SERVE_S = 1.5


def make_rows() -> dict[str, Row]:
    rows = [
        Row("build_x1", "build time, our hooks ÷ bare Material, x1 (in-process: load config + build)",
            f"≤ {BUILD_TARGET}"),
        Row("build_x10", "build time, our hooks ÷ bare Material, x10 (in-process)", f"≤ {BUILD_TARGET}"),
        Row("build_cli_x1", "build time, our hooks ÷ bare Material, x1 (whole `mkdocs build` process, "
            "start-up included)", f"≤ {BUILD_TARGET}"),
        Row("build_cli_x10", "build time, our hooks ÷ bare Material, x10 (whole process)", f"≤ {BUILD_TARGET}"),
        Row("build_x50", "build time, our hooks ÷ bare Material, x50 (in-process)", "— (for information)"),
        Row("build_cold_x1", "build time, our hooks ÷ bare Material, x1, first build: empty bibliography cache "
            "(in-process)", "— (for information)"),
        Row("glossary_find", "glossary: `TermMatcher.find` throughput on the x10 text", f"≥ {GLOSSARY_MB_S:.0f} MB/s"),
        Row("glossary_linker", "glossary: linker throughput inside a Markdown conversion (`GlossaryExtension`), "
            "x10 text", f"≥ {GLOSSARY_MB_S:.0f} MB/s"),
        Row("glossary_find_scaling", "glossary: `find` time, x10 ÷ x1", f"≤ {GLOSSARY_SCALING:.0f}"),
        Row("glossary_linker_scaling", "glossary: linker time, x10 ÷ x1", f"≤ {GLOSSARY_SCALING:.0f}"),
        Row("citations_x1", "citations: bibliography entry formattings per build, x1 (first build; later builds)",
            "each entry once, then none until the .bib changes"),
        Row("citations_x10", "citations: bibliography entry formattings per build, x10 (first build; later builds)",
            "each entry once, then none until the .bib changes"),
        Row("citations_time_x1", "citations: time in the citation machinery per build after the first, x1", "— (for information)"),
        Row("citations_time_x10", "citations: time in the citation machinery per build after the first, x10", "— (for information)"),
        Row("pdf_parallel", "PDFs: render time, parallel ÷ serial (every print document, fresh cache)",
            f"≤ {PDF_PARALLEL}"),
        Row("pdf_rebuild", "PDFs: no-change rebuild, time in the PDF hook (warm cache)", f"< {PDF_REBUILD_S:.0f} s"),
        Row("serve", "live preview (`mkdocs serve`, x1): chapter saved → rebuilt page served, median",
            f"< {SERVE_S} s"),
        Row("memory_x50", "peak memory (max RSS) of the x50 build with our hooks", "— (for information)"),
    ]
    return {row.key: row for row in rows}


GROUPS = {
    "builds": ("build_x1", "build_x10", "build_cli_x1", "build_cli_x10", "build_x50", "build_cold_x1", "memory_x50"),
    "glossary": ("glossary_find", "glossary_linker", "glossary_find_scaling", "glossary_linker_scaling"),
    "citations": ("citations_x1", "citations_x10", "citations_time_x1", "citations_time_x10"),
    "pdf": ("pdf_parallel", "pdf_rebuild"),
    "serve": ("serve",),
}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default=None,
                        help="corpus sizes, comma-separated (default: 1,10,50; with --quick: 1)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="runs per measurement at every scale (default: 5 at x1, 3 at x10, 1 at x50)")
    parser.add_argument("--quick", action="store_true",
                        help="1 run of everything, 1 live-preview edit, no PDFs (a smoke test, not a benchmark)")
    parser.add_argument("--serve-edits", type=int, default=None, help="edits timed under mkdocs serve (default 7)")
    parser.add_argument("--pdf-repeats", type=int, default=None, help="serial/parallel render pairs (default 3)")
    parser.add_argument("--pdf", action="store_true", help="measure PDFs even with --quick")
    parser.add_argument("--skip", action="append", default=[], choices=MEASUREMENTS,
                        help="leave a measurement out (repeatable)")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md",
                        help="where to write the report (default: BENCHMARKS.md)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary corpora and print where they are")
    args = parser.parse_args(argv)
    scales = args.scales or ("1" if args.quick else ",".join(map(str, DEFAULT_SCALES)))
    try:
        args.scales = sorted({int(s) for s in scales.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--scales: expected numbers like 1,10,50, not {scales!r}")
    if not args.scales or min(args.scales) < 1:
        parser.error("--scales: each scale must be 1 or more")
    if args.serve_edits is None:
        args.serve_edits = 1 if args.quick else 7
    if args.pdf_repeats is None:
        args.pdf_repeats = 1 if args.quick else 3
    if args.quick and not args.pdf:
        args.skip.append("pdf")
    return args


class Bench:
    def __init__(self, args):
        self.args = args
        self.rows = make_rows()
        self.details: list[str] = []
        self.notes: list[str] = []
        self.failures: list[str] = []
        self.tmp = Path(tempfile.mkdtemp(prefix="studykit-bench-"))
        self.corpora: dict[int, Corpus] = {}
        self.started = time.perf_counter()
        self.loads: list[str] = []  # load averages around each measurement
        self.comparisons: dict[int, BuildComparison] = {}  # scale -> builds, for the notes

    # -- helpers ---------------------------------------------------------------

    def repeats(self, scale: int) -> int:
        if self.args.quick:
            return 1
        if self.args.repeats:
            return self.args.repeats
        return DEFAULT_REPEATS.get(scale, 3 if scale <= 10 else 1)

    def corpus(self, scale: int) -> Corpus:
        if scale not in self.corpora:
            self.corpora[scale] = make_corpus(self.tmp / f"x{scale}", scale)
        return self.corpora[scale]

    def progress(self, message: str) -> None:
        elapsed = time.perf_counter() - self.started
        print(f"[bench {elapsed:6.0f} s] {message}", file=sys.stderr, flush=True)

    def set(self, key: str, value: str, met: bool | None = None) -> None:
        self.rows[key].value, self.rows[key].met = value, met

    def not_run(self, keys, why: str) -> None:
        for key in keys:
            if self.rows[key].value == NOT_RUN:
                self.rows[key].value = f"{NOT_RUN} ({why})"

    def attempt(self, group: str, fn) -> None:
        if group in self.args.skip:
            self.not_run(GROUPS[group], "--quick" if group == "pdf" and self.args.quick else f"--skip {group}")
            return
        self.progress(f"{group} …")
        before, started = machine.load(), time.perf_counter()
        try:
            fn()
        except Exception as exc:  # report it, go on with the other measurements
            message = f"{group}: {type(exc).__name__}: {exc}"
            self.failures.append(message)
            self.progress(f"FAILED {message}")
            for key in GROUPS[group]:
                if self.rows[key].value == NOT_RUN:
                    self.rows[key].value = "failed (see notes)"
        self.loads.append(f"| {group} | {time.perf_counter() - started:.0f} s | {before} | {machine.load()} |")

    # -- measurements ----------------------------------------------------------

    def builds(self) -> None:
        comparisons: dict[int, BuildComparison] = {}
        for i, scale in enumerate(self.args.scales):
            corpus = self.corpus(scale)
            self.progress(f"builds x{scale}: {len(corpus.pages)} pages, {self.repeats(scale)} run(s) per side")
            comparisons[scale] = compare_builds(corpus, self.repeats(scale), warmup=i == 0 and not self.args.quick)
        self.comparisons = comparisons
        cold = None
        if 1 in self.args.scales:
            self.progress(f"builds x1, empty bibliography cache before each hooks build: {self.repeats(1)} run(s) per side")
            cold = compare_builds(self.corpus(1), self.repeats(1), cold_cache=True)
            self.set("build_cold_x1", f"{ratio(cold.ratio('build_s'))} ({_runs(len(cold.hooks))} per side)")
        else:
            self.not_run(["build_cold_x1"], "x1 not in --scales")
        for scale in (1, 10):
            c = comparisons.get(scale)
            if c is None:
                self.not_run([f"build_x{scale}", f"build_cli_x{scale}"], f"x{scale} not in --scales")
                continue
            r, w = c.ratio("build_s"), c.ratio("wall")
            self.set(f"build_x{scale}", f"{ratio(r)} ({_runs(len(c.hooks))} per side)", r <= BUILD_TARGET)
            self.set(f"build_cli_x{scale}", f"{ratio(w)} ({_runs(len(c.hooks))} per side)", w <= BUILD_TARGET)
        c = comparisons.get(50)
        if c is None:
            self.not_run(["build_x50", "memory_x50"], "x50 not in --scales")
        else:
            self.set("build_x50", f"{ratio(c.ratio('build_s'))} ({_runs(len(c.hooks))} per side)")
            self.set("memory_x50", f"{c.maxrss('hooks'):.0f} MiB (bare Material: {c.maxrss('bare'):.0f} MiB, "
                                   f"{ratio(c.maxrss('hooks') / c.maxrss('bare'))})")
        lines = ["### Builds: our hooks against bare Material", "",
                 "Medians; *in-process* is loading mkdocs.yml plus the build (hook modules, glossary and "
                 "bibliography loading included); *whole process* adds Python's start-up and MkDocs' imports, "
                 "as `mkdocs build` does. PDFs off (`STUDYKIT_PDF=0`). Paired: median of the per-pair ratios. "
                 "Fastest: the fastest hooks run over the fastest bare run, the estimate least touched by the "
                 "slow spells this machine has (they last minutes and slow some runs by a fifth). "
                 "CPU: user + system time of the build. The hooks keep the formatted bibliography in "
                 "`.cache/bibliography`: the rows *x1, x10, x50* are builds after the first (cache filled), "
                 "the row *x1 first build* empties the cache before every hooks build, as after a clone or an "
                 "edit of the .bib file.", "",
                 "| scale | pages | Markdown | runs | in-process hooks / bare | ratio | paired | fastest | CPU ratio "
                 "| whole process hooks / bare | ratio | warnings (hooks) | peak RSS hooks / bare "
                 "| HTML written hooks / bare | search index hooks / bare |",
                 "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        rows = [(f"x{scale}", scale, c) for scale, c in comparisons.items()]
        if cold is not None:
            rows.append(("x1 first build", 1, cold))
        for label, scale, c in rows:
            corpus = self.corpora[scale]
            lines.append(
                f"| {label} | {len(corpus.pages)} | {corpus.markdown_bytes() / 1e6:.2f} MB | {len(c.hooks)} "
                f"| {seconds(median(c.times('hooks', 'build_s')))} / {seconds(median(c.times('bare', 'build_s')))} "
                f"| {ratio(c.ratio('build_s'))} | {ratio(c.paired_ratio('build_s'))} | {ratio(c.fastest_ratio('build_s'))} "
                f"| {ratio(c.ratio('cpu_s'))} "
                f"| {seconds(median(c.times('hooks', 'wall')))} / {seconds(median(c.times('bare', 'wall')))} "
                f"| {ratio(c.ratio('wall'))} | {c.warnings()} "
                f"| {c.maxrss('hooks'):.0f} / {c.maxrss('bare'):.0f} MiB "
                f"| {_mb(c.output['hooks'].html)} / {_mb(c.output['bare'].html)} "
                f"| {_mb(c.output['hooks'].search_index)} / {_mb(c.output['bare'].search_index)} |")
            if c.warnings():
                samples = "; ".join(c.hooks[0]["warning_samples"][:3])
                self.notes.append(f"The x{scale} build with our hooks logged {c.warnings()} warning(s), e.g.: "
                                  f"{samples}")
        self.details.append("\n".join(lines))
        self.details.append(self._phases_table(rows))

    def _phases_table(self, rows) -> str:
        lines = ["### Where the build time goes", "",
                 "The in-process build of each side split into phases (medians of the same runs): *Markdown → "
                 "HTML* is every page's conversion (`Page.render`: Python-Markdown with the site's extensions, "
                 "our glossary linker and citation notes included); *search* is Material's search plugin "
                 "(it parses each page's HTML for the index, and writes the index); *the rest* is loading "
                 "mkdocs.yml, the other plugin and hook events (our glossary's backlinks, bibliography page), "
                 "the theme's templates and writing files. Each cell: hooks / bare (hooks − bare; that "
                 "difference's share of the whole gap).", "",
                 "| scale | whole build | Markdown → HTML | search | the rest |", "|---|---|---|---|---|"]
        for label, _, c in rows:
            gap = c.gap()
            cells = [f"{seconds(median(c.times('hooks', 'build_s')))} / {seconds(median(c.times('bare', 'build_s')))} "
                     f"({_signed(gap)})"]
            for name in ("markdown", "search", "rest"):
                hooks, bare = c.phase("hooks", name), c.phase("bare", name)
                share = f"; {(hooks - bare) / gap:.0%}".replace("-", "−") if gap > 0 else ""
                cells.append(f"{seconds(hooks)} / {seconds(bare)} ({_signed(hooks - bare)}{share})")
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def glossary(self) -> None:
        scales = [s for s in (1, 10) if s in self.args.scales] or [min(self.args.scales)]
        self.progress("glossary " + ", ".join(f"x{scale}" for scale in scales) + " (taking turns)")
        runs = 3 if self.args.quick else 11  # cheap, and noisy: a slow spell must not make the median
        results: dict[int, GlossaryResult] = measure_glossary_in_worker(
            [self.corpus(scale) for scale in scales], runs, self.tmp)
        top = results[max(results)]
        suffix = "" if max(results) == 10 else f" (x{max(results)} text: x10 not run)"
        self.set("glossary_find", f"{top.find_mb_s:.0f} MB/s{suffix}", top.find_mb_s >= GLOSSARY_MB_S)
        self.set("glossary_linker", f"{top.linker_mb_s:.0f} MB/s{suffix}", top.linker_mb_s >= GLOSSARY_MB_S)
        if 1 in results and 10 in results:
            a, b = results[1], results[10]
            find = median(b.find_s) / median(a.find_s)
            link = median(b.linker_s) / median(a.linker_s)
            self.set("glossary_find_scaling", f"{find:.1f}", find <= GLOSSARY_SCALING)
            self.set("glossary_linker_scaling", f"{link:.1f}", link <= GLOSSARY_SCALING)
        else:
            self.not_run(["glossary_find_scaling", "glossary_linker_scaling"], "needs x1 and x10")
        lines = ["### Glossary linker", "",
                 "Every page's Markdown (front matter removed). *find*: `TermMatcher.find` on each page's text. "
                 "*linker*: the `GlossaryExtension` tree processor, timed inside `markdown.Markdown.convert` with "
                 "the site's extensions. *conversion*: whole conversion with the extension ÷ without it. The scales "
                 "take turns in every round, so a slow spell of the machine slows both alike.", "",
                 "| scale | pages | Markdown | runs | matches | find | find MB/s | linker | linker MB/s "
                 "| conversion with ÷ without |", "|---|---|---|---|---|---|---|---|---|---|"]
        for scale, r in results.items():
            lines.append(f"| x{scale} | {r.pages} | {r.mbytes:.2f} MB | {len(r.find_s)} | {r.matches} "
                         f"| {seconds(median(r.find_s))} | {r.find_mb_s:.0f} | {seconds(median(r.linker_s))} "
                         f"| {r.linker_mb_s:.0f} | {ratio(r.convert_ratio)} |")
        self.details.append("\n".join(lines))

    def citations(self) -> None:
        scales = [s for s in (1, 10) if s in self.args.scales] or [min(self.args.scales)]
        results: dict[int, CitationResult] = {}
        for scale in scales:
            self.progress(f"citations x{scale}")
            # The count is exact in one run; the times are for information.
            results[scale] = measure_citations(self.corpus(scale), min(self.repeats(scale), 3 if scale == 1 else 1))
        lines = ["### Citations", "",
                 "Builds with our machinery timed (`--instrument`; the timing wrappers add a little). "
                 "*Citation machinery*: parsing the .bib, the inline pattern, the notes and references, the "
                 "bibliography page and the citations hook's events. *Formatting*: loading a bibliography "
                 "that had to be formatted (pybtex's import, parsing and formatting every entry), which happens "
                 "only when `.cache/bibliography` holds no result for this .bib file. *First build*: the cache "
                 "emptied first; *later builds*: the cache it left. *Glossary machinery* likewise, for "
                 "comparison.", "",
                 "| scale | build | runs | entries | cited | formattings | citation machinery | share of build "
                 "| of which formatting | glossary machinery | share |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for scale in (1, 10):
            r = results.get(scale)
            if r is None:
                self.not_run([f"citations_x{scale}", f"citations_time_x{scale}"], f"x{scale} not in --scales")
                continue
            first = r.runs[0].data
            if "formattings" not in first:
                raise RuntimeError("the citations hook's `_state.registry` was not found after the build")
            entries, cited = first["entries"], first["cited_entries"]
            cold, warm = r.cold["formattings"], max(run["formattings"] for run in r.runs)
            self.set(f"citations_x{scale}", f"{cold}; {warm} ({entries} entries, {cited} cited)",
                     cold == entries and warm == 0)
            self.set(f"citations_time_x{scale}",
                     f"{seconds(r.section('citations'))} per build ({r.share('citations'):.0%} of the "
                     f"in-process build)")
        for scale, r in results.items():
            for label, runs in (("first", [r.cold]), ("later", r.runs)):
                part = CitationResult(scale, runs)
                first = runs[0].data
                lines.append(f"| x{scale} | {label} | {len(runs)} | {first['entries']} | {first['cited_entries']} "
                             f"| {first['formattings']} | {seconds(part.section('citations'))} "
                             f"| {part.share('citations'):.0%} | {seconds(part.value('formatting_s'))} "
                             f"| {seconds(part.section('glossary'))} | {part.share('glossary'):.0%} |")
        self.details.append("\n".join(lines))
        for scale, r in results.items():
            self._where_the_time_goes(scale, r)

    def _where_the_time_goes(self, scale: int, r: CitationResult) -> None:
        """How much of the gap to bare Material is our code, and how much the output it adds."""
        c = self.comparisons.get(scale)
        if c is None:
            return
        extra = c.gap()
        ours = r.section("citations") + r.section("glossary")
        hooks, bare = c.output["hooks"], c.output["bare"]
        markdown = c.phase("hooks", "markdown") - c.phase("bare", "markdown")
        search = c.phase("hooks", "search") - c.phase("bare", "search")
        self.notes.append(
            f"Where the time goes at x{scale}: a build with our hooks takes {seconds(extra)} more than bare "
            f"Material's. The glossary and citation code itself (timed in the citations builds) accounts for "
            f"{seconds(ours)} of that ({ours / extra:.0%}). By phase, Markdown → HTML takes {_signed(markdown)} "
            f"({markdown / extra:.0%} of the gap; our code runs partly inside it) and Material's search plugin "
            f"{_signed(search)} ({search / extra:.0%}): it parses every page's HTML, and ours holds more "
            f"elements (term links, note markers, notes and reference lists) and the generated glossary, "
            f"bibliography and downloads pages. Output: {_mb(hooks.html)} of HTML instead of {_mb(bare.html)} "
            f"(+{hooks.html / bare.html - 1:.0%}) and a search index of "
            f"{_mb(hooks.search_index)} instead of {_mb(bare.search_index)}.")

    def pdf(self) -> None:
        corpus = self.corpus(1)
        r: PdfResult = measure_pdfs(corpus, self.args.pdf_repeats)
        self.set("pdf_parallel", f"{ratio(r.ratio)} ({r.documents} documents, {r.workers} workers, "
                                 f"{len(r.serial)} pair(s))", r.ratio <= PDF_PARALLEL)
        self.set("pdf_rebuild", f"{seconds(r.rebuild_pdf_s)} ({_runs(len(r.warm))})", r.rebuild_pdf_s < PDF_REBUILD_S)
        if r.note:
            self.notes.append(f"PDFs: {r.note}.")
        serial = median([x["render_s"] for x in r.serial])
        parallel = median([x["render_s"] for x in r.parallel])
        lines = ["### PDFs (x1)", "",
                 f"{r.documents} print documents ({len(corpus.chapters)} pages with a `chapter:` number, the glossary "
                 f"and the whole book), {r.pages} PDF pages, rendered by the PDF hook's `render_all` into a fresh "
                 "cache, WeasyPrint imported beforehand.", "",
                 f"- serial (1 worker): {seconds(serial)}; parallel ({r.workers} workers): {seconds(parallel)}; "
                 f"ratio {ratio(r.ratio)}",
                 f"- serial CPU {seconds(median([x['cpu_s'] for x in r.serial]))}, parallel CPU "
                 f"{seconds(median([x['cpu_s'] for x in r.parallel]))} (parent and workers)",
                 f"- cold build with PDFs (empty cache): rendering took {seconds(r.cold['sections_s']['pdf_render'])} "
                 f"of a {seconds(r.cold['build_s'])} build",
                 f"- no-change rebuild (warm cache): {seconds(r.rebuild_pdf_s)} in the PDF hook's events, of which "
                 f"{seconds(median([x['sections_s']['pdf_render'] for x in r.warm]))} in `render_all` (cache "
                 f"look-ups); the whole build takes {ratio(r.rebuild_ratio)} the time of the same build with "
                 "`STUDYKIT_PDF=0`"]
        self.details.append("\n".join(lines))

    def serve(self) -> None:
        r: ServeResult = measure_serve(self.corpus(1), self.args.serve_edits)
        if not r.latencies:
            raise RuntimeError(f"no edit reached the served page within the time limit ({r.failures} tried)")
        m = statistics.median(r.latencies)
        self.set("serve", f"{seconds(m)} ({len(r.latencies)} edit(s) of {r.page})", m < SERVE_S)
        self.details.append("\n".join([
            "### Live preview (x1)", "",
            f"`mkdocs serve` on 127.0.0.1, editing `{r.page}`: answered {seconds(r.startup_s)} after start; "
            f"save → new page: {', '.join(seconds(x) for x in r.latencies)} (median {seconds(m)}). "
            "MkDocs' watcher polls every 0.5 s and waits 0.1 s for writes to settle; the rest is the rebuild.",
        ]))
        if r.failures:
            self.notes.append(f"Live preview: {r.failures} edit(s) never reached the page within 60 s.")

    # -- the report --------------------------------------------------------------

    def run(self) -> int:
        load_before = machine.load()
        try:
            for group in MEASUREMENTS:
                self.attempt(group, getattr(self, group))
        finally:
            if self.args.keep:
                self.progress(f"corpora kept in {self.tmp}")
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
        elapsed = time.perf_counter() - self.started
        self.notes.append(f"Load average (1, 5, 15 min) at the start: {load_before}; at the end: {machine.load()}. "
                          "Other work on the machine slows both sides of a ratio, but not exactly alike; "
                          "PDF parallelism suffers most, since it needs both cores free.")
        if self.loads:
            self.details.append("\n".join(["### Machine load around each measurement", "",
                                             "| measurement | took | load before (1, 5, 15 min) | load after |",
                                             "|---|---|---|---|", *self.loads]))
        for failure in self.failures:
            self.notes.append(f"FAILED: {failure}")
        text = self.document(elapsed)
        print(table(list(self.rows.values())))
        print()
        for note in self.notes:
            print(f"- {note}")
        self.args.output.parent.mkdir(parents=True, exist_ok=True)
        self.args.output.write_text(text, encoding="utf-8")
        print(f"\nwritten to {self.args.output} ({elapsed:.0f} s)")
        return 1 if self.failures else 0

    def document(self, elapsed: float) -> str:
        argv = " ".join(sys.argv[1:]) if sys.argv and Path(sys.argv[0]).parent.name == "bench" else ""
        command = "python -m bench" + (f" {argv}" if argv else "")
        when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        repeats = ", ".join(f"{self.repeats(s)} at x{s}" for s in self.args.scales)
        parts = [
            "# Benchmarks",
            "",
            f"Written by `make bench` (`{command}`) on {when}, in {elapsed / 60:.1f} minutes. "
            "Regenerate it with `make bench`; `python -m bench --help` lists the options.",
            "",
            "Corpora are made from this project's own pages in a temporary folder: x1 is the site as it is; "
            "xN adds N − 1 copies of the whole `docs/` tree in `docs/copy-K/`, each with its own nav section, "
            "with the glossary and bibliography unchanged. Every comparison was measured side by side in this "
            f"run, alternating the two sides; figures are medians ({repeats}). Ratios are the result; "
            "absolute times, in the details, only describe this machine.",
            "",
            "## Machine",
            "",
            key_value(machine.machine()),
            "",
            "## Tools",
            "",
            key_value(machine.versions()),
            "",
            "## Results",
            "",
            table(list(self.rows.values())),
            "",
            "## Details",
            "",
            "\n\n".join(self.details) if self.details else "(none)",
            "",
            "## Notes",
            "",
            "\n".join(f"- {note}" for note in self.notes),
            "",
        ]
        return "\n".join(parts)


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def _signed(x: float) -> str:
    return ("+" if x >= 0 else "−") + seconds(abs(x))


def _runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    return Bench(args).run()
