"""End-to-end: the real site and the invented mini-book, built by the real `mkdocs build --strict`."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import BUILD_ENV, FIXTURES, ROOT, build, copy_project
from sitecheck import broken_links, external_resources, pages

pytestmark = pytest.mark.slow


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_internal_link_and_anchor_resolves(site):
    assert broken_links(site) == []


def test_no_resource_is_fetched_from_another_host(site):
    assert external_resources(site) == []
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in index and "unpkg.com" not in index
    assert 'src="assets/javascripts/iframe-worker-shim.js"' in index
    assert (site / "assets/javascripts/iframe-worker-shim.js").stat().st_size > 1000
    assert (site / "search/search_index.js").exists(), "offline search index missing"


def test_site_works_from_disk_and_under_a_sub_path(site):
    # file:// and a GitHub Pages sub-path both need page-relative URLs, never root-absolute ones.
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert 'href="/' not in text and 'src="/' not in text, page


def test_nav_lists_the_book_in_order(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    labels = ["Introduction", "Part 1", "1. The crucibles", "Part 2", "2. The revolutionary settlement",
              "5. Stalin, Trotsky and Bukharin", "Part 3", "8. Brezhnev", "Part 4", "9. Gorbachev",
              "Conclusion", "Chronology", "Glossary", "Bibliography"]
    positions = [html.index(label) for label in labels]
    assert positions == sorted(positions)


def test_the_mini_book_builds_with_the_same_hooks(minibook):
    assert broken_links(minibook) == []
    guilds = (minibook / "guilds.html").read_text(encoding="utf-8")
    assert 'href="terms.html#varnak"' in guilds and 'href="sources.html#orrin1960harbour"' in guilds
    assert "keeper@example.org" in guilds  # an e-mail address is not a citation


def test_two_builds_are_byte_identical(tmp_path, site):
    again = tmp_path / "again"
    result = build(ROOT / "mkdocs.yml", again)
    assert result.returncode == 0, result.stderr[-3000:]
    assert tree_digest(again) == tree_digest(site)


def test_a_github_pages_build_keeps_relative_links_and_dates_its_sitemap(tmp_path):
    # The Pages workflow sets SITE_URL to the repository's sub-path.
    out = tmp_path / "site"
    env = {**BUILD_ENV, "SITE_URL": "https://example.github.io/harbour-lamps/"}
    result = build(FIXTURES / "minibook" / "mkdocs.yml", out, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.github.io/harbour-lamps/guilds.html</loc>" in sitemap
    assert "<lastmod>2023-11-14</lastmod>" in sitemap  # from SOURCE_DATE_EPOCH, not the clock
    assert broken_links(out) == []
    assert 'href="terms.html#varnak"' in (out / "guilds.html").read_text(encoding="utf-8")


def test_a_failed_build_keeps_the_previous_site_and_the_sources(tmp_path):
    project = copy_project(tmp_path / "book", FIXTURES / "minibook")
    (project / "mkdocs.yml").write_text(
        (project / "mkdocs.yml").read_text(encoding="utf-8").replace("../../../", f"{ROOT}/"), encoding="utf-8")
    first = build(project / "mkdocs.yml", project / "site")
    assert first.returncode == 0, first.stderr[-3000:]
    before = tree_digest(project / "site")
    sources = {name: tree_digest(project / name) for name in ("docs", "glossary")}
    (project / "glossary" / "hlk.yml").write_text("term: [broken\n", encoding="utf-8")
    failed = build(project / "mkdocs.yml", project / "site")
    assert failed.returncode != 0
    assert "glossary/hlk.yml, line 2: invalid YAML" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert tree_digest(project / "site") == before
    assert {name: tree_digest(project / name) for name in ("docs",)} == {"docs": sources["docs"]}
    assert not list(project.glob(".site-*"))


def test_ctrl_c_keeps_the_previous_site_and_leaves_no_temporary_folder(tmp_path):
    project = copy_project(tmp_path / "book", FIXTURES / "minibook")
    (project / "mkdocs.yml").write_text(
        (project / "mkdocs.yml").read_text(encoding="utf-8").replace("../../../", f"{ROOT}/"), encoding="utf-8")
    assert build(project / "mkdocs.yml", project / "site").returncode == 0
    before = tree_digest(project / "site")
    for _attempt in range(5):
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml")],
                                cwd=project, env=BUILD_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not list(project.glob(".site-build-*")) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.002)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
        if proc.returncode != 0:
            break  # interrupted mid-build, as intended (else the build won the race: try again)
    assert proc.returncode != 0, "could not interrupt the build"
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site-*"))
