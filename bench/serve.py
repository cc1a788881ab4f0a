"""Live preview: from saving a chapter to the rebuilt page under ``mkdocs serve``.

``mkdocs serve`` runs on the corpus, bound to 127.0.0.1 on a free port. Each
edit writes the chapter with a new marker sentence appended, then polls the
chapter's URL every 20 ms until the served page holds the marker. MkDocs'
file watcher polls every 0.5 s and waits 0.1 s for writes to settle, so a
reader waits that, plus the rebuild. The server is stopped with Ctrl-C (SIGINT),
and killed if it has not stopped within 15 s.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

from .corpus import Corpus, page_url
from .runner import PYTHON, base_env

POLL = 0.02


@dataclass
class ServeResult:
    page: str
    latencies: list[float] = field(default_factory=list)
    startup_s: float = 0.0
    failures: int = 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 30) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def measure_serve(corpus: Corpus, edits: int, start_timeout: float = 300, edit_timeout: float = 60) -> ServeResult:
    chapter = corpus.chapters[0]
    port = _free_port()
    url = f"http://127.0.0.1:{port}{page_url(corpus, chapter)}"
    result = ServeResult(chapter.relative_to(corpus.docs).as_posix())
    env = base_env()
    env.pop("STUDYKIT_PDF", None)  # as `make serve`: the preview skips PDFs by default
    original = chapter.read_text(encoding="utf-8")
    log = open(corpus.root / "serve.log", "w", encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [PYTHON, "-m", "mkdocs", "serve", "-f", str(corpus.config), "-a", f"127.0.0.1:{port}"],
        cwd=corpus.root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        while _get(url, timeout=5) is None:
            if proc.poll() is not None:
                raise RuntimeError(f"mkdocs serve exited with {proc.returncode}; see {corpus.root / 'serve.log'}")
            if time.perf_counter() - started > start_timeout:
                raise RuntimeError(f"mkdocs serve did not answer within {start_timeout:.0f} s")
            time.sleep(0.1)
        result.startup_s = time.perf_counter() - started
        time.sleep(1.0)  # let the file watcher take its first snapshot
        for i in range(edits):
            marker = f"bench-edit-{i}-{uuid.uuid4().hex[:12]}"
            chapter.write_text(f"{original.rstrip()}\n\nLive preview check {marker}.\n", encoding="utf-8")
            saved = time.perf_counter()
            while True:
                body = _get(url)
                if body is not None and marker in body:
                    result.latencies.append(time.perf_counter() - saved)
                    break
                if time.perf_counter() - saved > edit_timeout:
                    result.failures += 1
                    break
                time.sleep(POLL)
            time.sleep(0.7)  # let the watcher settle before the next save
    finally:
        chapter.write_text(original, encoding="utf-8")
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
        log.close()
    return result
