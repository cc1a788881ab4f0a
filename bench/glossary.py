"""Glossary linker throughput, outside a build.

The text of every page of a corpus (front matter removed, glossary-disabled
pages left out, as the hook does) goes

- through ``TermMatcher.find``, page by page (the matcher alone), and
- through a ``markdown.Markdown`` conversion with the site's Markdown
  extensions plus the ``GlossaryExtension`` the glossary hook configures from
  mkdocs.yml; the linker's tree processor is timed inside the conversion, and
  the same conversion without the extension gives its share.

Throughput is Markdown bytes (UTF-8, 1 MB = 10^6 bytes) over seconds. The
corpora (x1 and x10) take turns in every round, so their ratio is measured
side by side, in a fresh process (``bench.worker glossary``) like every build.
"""

from __future__ import annotations

import logging
import pickle
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .corpus import HOOKS_DIR, Corpus
from .runner import base_env, run_worker


@dataclass
class GlossaryResult:
    scale: int
    mbytes: float
    pages: int
    find_s: list[float] = field(default_factory=list)
    linker_s: list[float] = field(default_factory=list)
    convert_with_s: list[float] = field(default_factory=list)
    convert_without_s: list[float] = field(default_factory=list)
    matches: int = 0

    @property
    def find_mb_s(self) -> float:
        return self.mbytes / statistics.median(self.find_s)

    @property
    def linker_mb_s(self) -> float:
        return self.mbytes / statistics.median(self.linker_s)

    @property
    def convert_ratio(self) -> float:
        return statistics.median(self.convert_with_s) / statistics.median(self.convert_without_s)


def _glossary_extension(config_file: Path):
    """The GlossaryExtension exactly as the glossary hook builds it, and the site's extensions."""
    if str(HOOKS_DIR) not in sys.path:
        sys.path.insert(0, str(HOOKS_DIR))
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    cfg = load_config(config_file=str(config_file))
    hook = next(m for name, m in cfg["hooks"].items() if Path(name).stem == "glossary")
    names = [e for e in cfg.markdown_extensions if isinstance(e, str)]
    hook.on_config(cfg)
    ext = hook._state.ext
    return ext, names, cfg.mdx_configs


def _texts(corpus: Corpus) -> list[str]:
    from mkdocs.utils.meta import get_data

    texts = []
    for page in corpus.pages:
        markdown, meta = get_data(page.read_text(encoding="utf-8-sig"))
        if meta.get("glossary", True) is not False:
            texts.append(markdown)
    return texts


class _GlossaryRun:
    """One corpus set up for timing: its texts, the two Markdown instances and the timed linker."""

    def __init__(self, corpus: Corpus):
        import markdown

        self.ext, names, configs = _glossary_extension(corpus.config)
        self.texts = _texts(corpus)
        self.result = GlossaryResult(corpus.scale, sum(len(t.encode("utf-8")) for t in self.texts) / 1e6,
                                     len(self.texts))
        self.plain = markdown.Markdown(extensions=names, extension_configs=configs)
        self.linked = markdown.Markdown(extensions=[*names, self.ext], extension_configs=configs)
        linker = self.linked.treeprocessors["glossary"]
        original_run = linker.run
        self.spent = 0.0

        def timed_run(root):
            start = time.perf_counter()
            try:
                return original_run(root)
            finally:
                self.spent += time.perf_counter() - start

        linker.run = timed_run
        for text in self.texts:  # warm-up: imports, compiled patterns, caches
            self.ext.matcher.find(text)
        self._convert(self.plain)
        self._convert(self.linked)

    def _convert(self, md) -> float:
        start = time.perf_counter()
        for text in self.texts:
            md.reset()
            self.ext.enabled = True
            md.convert(text)
        return time.perf_counter() - start

    def once(self) -> None:
        result, find = self.result, self.ext.matcher.find
        start = time.perf_counter()
        found = [find(text) for text in self.texts]
        result.find_s.append(time.perf_counter() - start)
        result.matches = sum(len(f) for f in found)
        result.convert_without_s.append(self._convert(self.plain))
        self.spent = 0.0
        result.convert_with_s.append(self._convert(self.linked))
        result.linker_s.append(self.spent)


def measure_glossary(corpora: list[Corpus], repeats: int) -> dict[int, GlossaryResult]:
    """Every corpus measured ``repeats`` times, the corpora taking turns in each round.

    Taking turns keeps the x10 ÷ x1 ratios honest on a machine whose speed
    drifts for minutes at a time: a slow spell slows both sides alike.
    """
    runs = [_GlossaryRun(corpus) for corpus in corpora]
    for _ in range(repeats):
        for run in runs:
            run.once()
    return {run.result.scale: run.result for run in runs}


def measure_glossary_in_worker(corpora: list[Corpus], repeats: int, scratch: Path) -> dict[int, GlossaryResult]:
    """``measure_glossary`` in a fresh process; ``scratch`` holds the hand-over file."""
    handover = scratch / "glossary-corpora.pickle"
    handover.write_bytes(pickle.dumps(corpora))
    run = run_worker(["glossary", str(handover), str(repeats)], scratch, base_env())
    return {r["scale"]: GlossaryResult(**r) for r in run["results"]}


def results_as_json(results: dict[int, GlossaryResult]) -> list[dict]:
    return [asdict(r) for r in results.values()]
