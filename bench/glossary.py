"""Glossary linker throughput, outside a build.

The text of every page of a corpus (front matter removed, glossary-disabled
pages left out, as the hook does) goes

- through ``TermMatcher.find``, page by page (the matcher alone), and
- through a ``markdown.Markdown`` conversion with the site's Markdown
  extensions plus the ``GlossaryExtension`` the glossary hook configures from
  mkdocs.yml; the linker's tree processor is timed inside the conversion, and
  the same conversion without the extension gives its share.

Throughput is Markdown bytes (UTF-8, 1 MB = 10^6 bytes) over seconds.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import HOOKS_DIR, Corpus


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


def measure_glossary(corpus: Corpus, repeats: int) -> GlossaryResult:
    import markdown

    ext, names, configs = _glossary_extension(corpus.config)
    texts = _texts(corpus)
    result = GlossaryResult(corpus.scale, sum(len(t.encode("utf-8")) for t in texts) / 1e6, len(texts))
    matcher = ext.matcher
    plain = markdown.Markdown(extensions=names, extension_configs=configs)
    linked = markdown.Markdown(extensions=[*names, ext], extension_configs=configs)
    linker = linked.treeprocessors["glossary"]
    original_run = linker.run
    spent = [0.0]

    def timed_run(root):
        start = time.perf_counter()
        try:
            return original_run(root)
        finally:
            spent[0] += time.perf_counter() - start

    linker.run = timed_run

    def convert(md):
        start = time.perf_counter()
        for text in texts:
            md.reset()
            ext.enabled = True
            md.convert(text)
        return time.perf_counter() - start

    for text in texts:  # warm-up: imports, compiled patterns, caches
        matcher.find(text)
    convert(plain)
    convert(linked)
    for _ in range(repeats):
        start = time.perf_counter()
        found = [matcher.find(text) for text in texts]
        result.find_s.append(time.perf_counter() - start)
        result.matches = sum(len(f) for f in found)
        result.convert_without_s.append(convert(plain))
        spent[0] = 0.0
        result.convert_with_s.append(convert(linked))
        result.linker_s.append(spent[0])
    return result
