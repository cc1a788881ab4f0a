"""Full builds: our hooks against bare Material, citation formatting, peak memory.

Each build runs in a fresh process (``bench.worker build``), as ``mkdocs build``
does. Two times come from every run:

- *in-process*: from loading mkdocs.yml to the end of the build (what
  ``mkdocs.commands.build.build`` costs, with the hooks' imports and data
  loading, since the hooks are loaded with the config);
- *whole process*: the subprocess's wall time, which adds Python's start-up
  and importing MkDocs (about 0.3-0.5 s, the same for both sides).

The hooks and bare builds alternate (hooks first, then bare first, ...), so
both sides see the same machine load; PDFs are off (STUDYKIT_PDF=0).

The citations hook keeps the formatted bibliography in ``.cache/bibliography``
between builds. ``compare_builds`` measures the usual case, a build after the
first (cache filled beforehand), or with ``cold_cache`` the first build after
a clone or an edit of the .bib file (cache emptied before every hooks build).
"""

from __future__ import annotations

import statistics
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import Corpus
from .runner import Run, base_env, run_worker


def median(values):
    return statistics.median(values) if values else float("nan")


@dataclass
class Output:
    """What a build wrote: the HTML pages and the search index, in bytes."""

    html: int
    search_index: int

    @classmethod
    def of(cls, site: Path) -> "Output":
        index = site / "search" / "search_index.json"
        return cls(sum(p.stat().st_size for p in site.rglob("*.html")), index.stat().st_size if index.exists() else 0)


@dataclass
class BuildComparison:
    scale: int
    pages: int
    hooks: list[Run] = field(default_factory=list)
    bare: list[Run] = field(default_factory=list)
    output: dict[str, Output] = field(default_factory=dict)  # side -> what its last build wrote

    def times(self, side: str, key: str) -> list[float]:
        runs = getattr(self, side)
        return [r.wall_s if key == "wall" else r[key] for r in runs]

    def ratio(self, key: str) -> float:
        """Median hooks time over median bare time (key: 'build_s' or 'wall')."""
        return median(self.times("hooks", key)) / median(self.times("bare", key))

    def fastest_ratio(self, key: str) -> float:
        """Fastest hooks run over fastest bare run: the estimate least touched by a slow spell of the machine."""
        return min(self.times("hooks", key)) / min(self.times("bare", key))

    def paired_ratio(self, key: str) -> float:
        return median([h / b for h, b in zip(self.times("hooks", key), self.times("bare", key))])

    def gap(self) -> float:
        """Median hooks build minus median bare build, in seconds (in-process)."""
        return median(self.times("hooks", "build_s")) - median(self.times("bare", "build_s"))

    def phase(self, side: str, name: str) -> float:
        """Median seconds of one build phase ('markdown', 'search', or 'rest': the build's other work)."""
        runs = getattr(self, side)
        if name == "rest":
            return median([r["build_s"] - sum(r["phases_s"].values()) for r in runs])
        return median([r["phases_s"][name] for r in runs])

    def warnings(self) -> int:
        return max((r["warnings"] for r in self.hooks), default=0)

    def maxrss(self, side: str) -> float:
        return max((r["maxrss_mib"] for r in getattr(self, side)), default=float("nan"))


def bibliography_cache(corpus: Corpus):
    return corpus.root / ".cache" / "bibliography"  # the citations hook's default `cache` option


def clear_bibliography_cache(corpus: Corpus) -> None:
    shutil.rmtree(bibliography_cache(corpus), ignore_errors=True)


def fill_bibliography_cache(corpus: Corpus) -> None:
    run_worker(["bibliography", str(corpus.config)], corpus.root, base_env())


def compare_builds(corpus: Corpus, repeats: int, warmup: bool = False, cold_cache: bool = False) -> BuildComparison:
    env = base_env(STUDYKIT_PDF="0")
    result = BuildComparison(corpus.scale, len(corpus.pages))
    if warmup:  # first contact with the files and modules; not counted
        run_worker(["build", str(corpus.config)], corpus.root, env)
        run_worker(["build", str(corpus.bare_config)], corpus.root, env)
    if not cold_cache:
        fill_bibliography_cache(corpus)
    for i in range(repeats):
        order = ("hooks", "bare") if i % 2 == 0 else ("bare", "hooks")
        for side in order:
            config = corpus.config if side == "hooks" else corpus.bare_config
            if side == "hooks" and cold_cache:
                clear_bibliography_cache(corpus)
            getattr(result, side).append(run_worker(["build", str(config)], corpus.root, env))
    for side, site in (("hooks", "site-hooks"), ("bare", "site-bare")):  # corpus.py's site_dir values
        result.output[side] = Output.of(corpus.root / site)
    if cold_cache:
        clear_bibliography_cache(corpus)
    return result


@dataclass
class CitationResult:
    scale: int
    runs: list[Run] = field(default_factory=list)  # warm bibliography cache
    cold: Run | None = None  # the first build: empty cache

    def value(self, key: str) -> float:
        return median([r[key] for r in self.runs])

    def section(self, name: str) -> float:
        return median([r["sections_s"][name] for r in self.runs])

    def share(self, name: str) -> float:
        return median([r["sections_s"][name] / r["build_s"] for r in self.runs])


def measure_citations(corpus: Corpus, repeats: int) -> CitationResult:
    """Builds with our machinery timed and the bibliography's formattings counted.

    The first build starts with an empty bibliography cache (it formats every
    entry); the ``repeats`` after it find the cache filled (they format none).
    """
    env = base_env(STUDYKIT_PDF="0")
    result = CitationResult(corpus.scale)
    clear_bibliography_cache(corpus)
    result.cold = run_worker(["build", str(corpus.config), "--instrument"], corpus.root, env)
    for _ in range(repeats):
        result.runs.append(run_worker(["build", str(corpus.config), "--instrument"], corpus.root, env))
    return result
