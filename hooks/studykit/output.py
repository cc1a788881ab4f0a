"""Atomic replacement of the built site folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class SiteSwap:
    """A staging folder beside ``target`` that replaces it only on success."""

    def __init__(self, target: str | os.PathLike):
        self.target = Path(target).resolve()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        # Beside the target, so the final rename never crosses file systems.
        self.staging = Path(tempfile.mkdtemp(prefix=".site-build-", dir=self.target.parent))
        os.chmod(self.staging, 0o755)  # mkdtemp's 0700 would make the site private
        self.succeeded = False

    @staticmethod
    def is_serve_tempdir(site_dir: str) -> bool:
        """`mkdocs serve --clean` reports itself as a build; it uses mkdtemp('mkdocs_')."""
        path = Path(site_dir).resolve()
        return path.parent == Path(tempfile.gettempdir()).resolve() and path.name.startswith("mkdocs_")

    def finish(self) -> bool:
        """Swap the staging folder in if the build succeeded, else discard it."""
        if not self.succeeded:
            shutil.rmtree(self.staging, ignore_errors=True)
            return False
        old = None
        if self.target.exists():
            old = Path(tempfile.mkdtemp(prefix=".site-old-", dir=self.target.parent))
            os.rmdir(old)
            os.rename(self.target, old)
        os.rename(self.staging, self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return True
