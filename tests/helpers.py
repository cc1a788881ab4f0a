"""Helpers shared by the test modules (import them from here, not from conftest)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
if str(ROOT / "hooks") not in sys.path:
    sys.path.insert(0, str(ROOT / "hooks"))

BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}


def mkdocs(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the real MkDocs command line from this project's virtualenv."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=cwd, env=env or BUILD_ENV, capture_output=True, text=True, timeout=timeout,
    )


def build(config: Path, site_dir: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return mkdocs("build", "--strict", "-f", str(config), "-d", str(site_dir), *extra, env=env)


def copy_project(dest: Path, source: Path = ROOT) -> Path:
    """A throwaway copy of a book project to break things in."""
    ignore = shutil.ignore_patterns(".git", ".venv", "node_modules", "site", ".site-*", ".cache",
                                    "__pycache__", ".pytest_cache", "test-artifacts")
    shutil.copytree(source, dest, ignore=ignore)
    if (source / "node_modules").exists() and source == ROOT:
        (dest / "node_modules").symlink_to(source / "node_modules")
    return dest


def minibook_copy(tmp_path: Path, cache: Path | None = None, extra: str = "") -> Path:
    """A copy of the mini-book whose paths to this project's hooks still resolve.

    ``cache``: its own PDF cache instead of the shared one; ``extra``: text appended to mkdocs.yml.
    """
    project = copy_project(tmp_path / "book", FIXTURES / "minibook")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8").replace("../../../", f"{ROOT}/")
    if cache is not None:
        config = config.replace(f"cache: {ROOT}/.cache/pdf-minibook", f"cache: {cache}")
    (project / "mkdocs.yml").write_text(config + extra, encoding="utf-8")
    return project
