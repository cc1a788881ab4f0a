"""Shared fixtures: one real build of the site and one of the mini-book per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import FIXTURES, ROOT, build


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built once with `mkdocs build --strict`."""
    out = tmp_path_factory.mktemp("real") / "site"
    result = build(ROOT / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr[-4000:]
    return out


@pytest.fixture(scope="session")
def minibook(tmp_path_factory) -> Path:
    """The invented second book under tests/fixtures/minibook, built with the same hooks."""
    out = tmp_path_factory.mktemp("mini") / "site"
    result = build(FIXTURES / "minibook" / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr[-4000:]
    return out
