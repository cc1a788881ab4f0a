"""Chapter PDFs on the x1 corpus.

1. A cold build with PDFs (STUDYKIT_PDF=1, empty cache) renders every print
   document and saves them (the jobs the PDF hook hands to
   ``studykit.pdf.render_all``: every chapter, the glossary and the whole book).
2. Serial against parallel: ``render_all(jobs, fresh cache, workers=1)``
   against ``workers=os.cpu_count()``, alternating, each in a fresh process
   with WeasyPrint already imported (as the hook imports it in on_config).
3. No-change rebuild: builds with the warm cache, alternating with builds
   with PDFs off; the PDF hook's own time in the build (all its events: print
   documents, cache look-ups, copying into site/pdf) is the cost PDFs add.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import HOOKS_DIR, Corpus, dump_yaml, load_yaml
from .runner import Run, base_env, run_worker

PDF_HOOK = HOOKS_DIR / "pdf.py"


@dataclass
class PdfResult:
    workers: int
    note: str = ""
    documents: int = 0
    pages: int = 0
    cold: Run | None = None
    serial: list[Run] = field(default_factory=list)
    parallel: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    off: list[Run] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return (statistics.median(r["render_s"] for r in self.parallel)
                / statistics.median(r["render_s"] for r in self.serial))

    @property
    def rebuild_pdf_s(self) -> float:
        return statistics.median(r["sections_s"]["pdf"] for r in self.warm)

    @property
    def rebuild_ratio(self) -> float:
        return (statistics.median(r["build_s"] for r in self.warm)
                / statistics.median(r["build_s"] for r in self.off))


def pdf_config(corpus: Corpus) -> tuple[Path, str]:
    """The corpus config with the PDF hook (added if mkdocs.yml does not list it yet)."""
    cfg = load_yaml(corpus.config)
    hooks = cfg.get("hooks") or []
    note = ""
    if not any(Path(str(h)).name == "pdf.py" for h in hooks):
        cfg["hooks"] = [*hooks, str(PDF_HOOK)]
        note = "mkdocs.yml does not list hooks/pdf.py yet: added for this measurement"
    path = corpus.root / "mkdocs-pdf.yml"
    dump_yaml(cfg, path)
    return path, note


def measure_pdfs(corpus: Corpus, repeats: int, workers: int | None = None) -> PdfResult:
    workers = workers or os.cpu_count() or 1
    result = PdfResult(workers)
    if not PDF_HOOK.is_file():
        raise FileNotFoundError(f"{PDF_HOOK} does not exist yet")
    config, result.note = pdf_config(corpus)
    cache = corpus.root / ".cache" / "pdf"
    shutil.rmtree(cache, ignore_errors=True)
    on, off = base_env(STUDYKIT_PDF="1"), base_env(STUDYKIT_PDF="0")
    jobs = corpus.root / "pdf-jobs.pickle"

    result.cold = run_worker(["build", str(config), "--instrument", "--pdf-jobs", str(jobs)], corpus.root, on)
    if not jobs.exists():
        raise RuntimeError("the PDF hook rendered nothing (no page has `chapter:` in its front matter?)")

    for i in range(repeats):
        order = (1, workers) if i % 2 == 0 else (workers, 1)
        for n in order:
            fresh = Path(tempfile.mkdtemp(prefix="pdf-cache-", dir=corpus.root))
            try:
                run = run_worker(["render", str(jobs), str(fresh), str(n)], corpus.root, on)
            finally:
                shutil.rmtree(fresh, ignore_errors=True)
            (result.serial if n == 1 else result.parallel).append(run)
            result.documents, result.pages = run["documents"], run["pages"]

    for i in range(repeats):
        order = ("warm", "off") if i % 2 == 0 else ("off", "warm")
        for side in order:
            env = on if side == "warm" else off
            run = run_worker(["build", str(config), "--instrument"], corpus.root, env)
            getattr(result, side).append(run)
    return result
