"""End-to-end: the printable PDFs of the real site and the mini-book, read back with pypdf."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
import yaml

from helpers import BUILD_ENV, ROOT, build, minibook_copy
from sitecheck import broken_links

pytestmark = pytest.mark.slow

A4 = (595.28, 841.89)


def chapter_pages(docs: Path) -> dict[str, Path]:
    """PDF name -> source of every page whose front matter has a chapter number."""
    found = {}
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            meta = yaml.safe_load(text.split("\n---", 1)[0][4:]) or {}
            if "chapter" in meta:
                found[path.stem] = path
    return found


CHAPTERS = chapter_pages(ROOT / "docs")


class WebPage(HTMLParser):
    """What a built page says: its h1, its first note, its Download PDF links."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.h1, self.note, self.downloads = "", "", []
        self._in: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "h1" and not self.h1:
            self._in.append("h1")
        elif tag == "li" and attrs.get("id") == "cite-1":
            self._in.append("note")
        elif tag == "a" and ("headerlink" in classes or "footnote-backref" in classes):
            self._in.append("skip")
        elif tag == "p" and "pdf-download" in classes:
            self._in.append("download")
        elif tag == "a" and self._in and self._in[-1] == "download":
            self.downloads.append(attrs["href"])

    def handle_endtag(self, tag):
        if self._in and (tag, self._in[-1]) in {("h1", "h1"), ("li", "note"), ("a", "skip"), ("p", "download")}:
            self._in.pop()

    def handle_data(self, data):
        if self._in and self._in[-1] == "h1":
            self.h1 += data
        elif self._in and self._in[-1] == "note":
            self.note += data


def words(text: str) -> str:
    return " ".join(text.split())


def text_of(reader: pypdf.PdfReader, pages) -> str:
    return words(" ".join(reader.pages[i].extract_text() for i in pages))


def unembedded_fonts(reader: pypdf.PdfReader) -> list[str]:
    """Fonts used on any page without an embedded font program."""
    missing = []
    for number, page in enumerate(reader.pages, 1):
        fonts = page.get("/Resources", {}).get_object().get("/Font", {}).get_object()
        for name, ref in fonts.items():
            font = ref.get_object()
            parts = [d.get_object() for d in font.get("/DescendantFonts", [])] if font.get("/Subtype") == "/Type0" else [font]
            for part in parts:
                descriptor = part.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.append(f"page {number}: {name} {part.get('/BaseFont')}")
    return missing


def internal_links(reader: pypdf.PdfReader) -> tuple[list[str], list[str]]:
    """(every link destination, links to relative URLs that a PDF cannot follow)."""
    dests, relative = [], []
    for page in reader.pages:
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if "/Dest" in annot:
                dests.append(str(annot["/Dest"]))
            action = annot.get("/A")
            if action is not None and action.get("/S") == "/URI" and "://" not in action["/URI"] \
                    and not action["/URI"].startswith("mailto:"):
                relative.append(action["/URI"])
    return dests, relative


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_each_chapter_pdf_has_title_notes_terms_and_embedded_fonts(site, name):
    web = WebPage(site / Path(CHAPTERS[name].relative_to(ROOT / "docs")).with_suffix(".html"))
    reader = pypdf.PdfReader(site / "pdf" / f"{name}.pdf")
    assert len(reader.pages) > 1
    first = text_of(reader, [0])
    assert words(web.h1) in first
    assert web.note, f"{name} has no note to look for"
    assert words(web.note) in text_of(reader, range(min(3, len(reader.pages)))), "note 1 is not a footnote near the start"
    end = text_of(reader, range(max(0, len(reader.pages) - 4), len(reader.pages)))
    assert "Terms in this chapter" in end
    assert re.search("[а-яё]{3}", end), "no Cyrillic text in the terms appendix"
    assert unembedded_fonts(reader) == []
    assert all(str(font).split("+")[-1].startswith("DejaVu") for font in _base_fonts(reader))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) <= 1 and abs(height - A4[1]) <= 1
    dests, relative = internal_links(reader)
    named = set(reader.named_destinations)
    assert relative == []
    assert dests and set(dests) <= named
    assert any(d.startswith("ref-") for d in dests), "no footnote links to the References list"
    assert any(d.startswith("term-entry-") for d in dests), "no term links to the appendix"


def _base_fonts(reader):
    for page in reader.pages[:3]:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {}).get_object()
        for ref in fonts.values():
            yield ref.get_object().get("/BaseFont")


def test_chapter_pdfs_carry_metadata(site):
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", ""))
    reader = pypdf.PdfReader(site / "pdf" / "chapter-3.pdf")
    meta = reader.metadata
    source = (ROOT / "docs/part-two/chapter-3.md").read_text(encoding="utf-8")
    description = yaml.safe_load(source.split("\n---", 1)[0][4:])["description"]
    assert meta["/Author"] == config["extra"]["pdf"]["book_author"]
    assert meta["/Title"].startswith("Chapter 3:") and config["extra"]["pdf"]["book_title"] in meta["/Title"]
    assert meta["/Subject"] == description
    assert meta["/CreationDate"] == "D:20231114221320Z"  # SOURCE_DATE_EPOCH=1700000000
    first = text_of(reader, [0])
    assert config["extra"]["pdf"]["book_title"].upper() in first.upper()
    assert "Part 2: The emergence of a Soviet model: from the revolution to NEP" in first


def test_the_glossary_and_the_whole_book_have_pdfs(site):
    glossary = pypdf.PdfReader(site / "pdf" / "glossary.pdf")
    assert len(glossary.pages) > 5 and unembedded_fonts(glossary) == []
    book = pypdf.PdfReader(site / "pdf" / "book.pdf")
    chapters = [pypdf.PdfReader(site / "pdf" / f"{name}.pdf") for name in CHAPTERS]
    assert len(book.pages) >= sum(len(c.pages) for c in chapters)
    contents = text_of(book, [1])
    assert "Contents" in contents
    for name in CHAPTERS:
        web = WebPage(site / Path(CHAPTERS[name].relative_to(ROOT / "docs")).with_suffix(".html"))
        assert words(web.h1)[:40] in contents, f"{name} missing from the book's contents"
    dests, relative = internal_links(book)
    assert relative == [] and set(dests) <= set(book.named_destinations)
    assert {f"{name}" for name in CHAPTERS} <= set(dests), "contents entries must link to each chapter"


def test_the_downloads_page_lists_every_pdf_with_its_page_count(site):
    html = (site / "downloads.html").read_text(encoding="utf-8")
    listed = dict(re.findall(r'<a href="pdf/([\w-]+)\.pdf"[^>]*>.*?</a> <span class="pdf-pages" data-pages="(\d+)"', html))
    on_disk = {p.stem for p in (site / "pdf").glob("*.pdf")}
    assert set(listed) == on_disk == set(CHAPTERS) | {"glossary", "book"}
    for name, pages in listed.items():
        assert int(pages) == len(pypdf.PdfReader(site / "pdf" / f"{name}.pdf").pages), name
        assert f"{pages} pages" in html


def test_every_download_link_on_a_chapter_page_resolves(site):
    for name, source in CHAPTERS.items():
        page = site / Path(source.relative_to(ROOT / "docs")).with_suffix(".html")
        links = WebPage(page).downloads
        assert links == [os.path.relpath(site / "pdf" / f"{name}.pdf", page.parent)], name
        assert (page.parent / links[0]).resolve().is_file()


# --------------------------------------------------------------------------- the mini-book

def test_unchanged_pdfs_come_from_the_cache_and_rendering_is_reproducible(tmp_path):
    project = minibook_copy(tmp_path, cache=tmp_path / "cache")
    first = build(project / "mkdocs.yml", tmp_path / "one")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "PDFs: 3 rendered, 0 from cache" in first.stderr
    second = build(project / "mkdocs.yml", tmp_path / "two")
    assert second.returncode == 0, second.stderr[-3000:]
    assert "PDFs: 0 rendered, 3 from cache" in second.stderr
    seconds = float(re.search(r"PDFs: 0 rendered, 3 from cache \(([\d.]+) s\)", second.stderr)[1])
    assert seconds < 1
    # A fresh cache renders everything again, byte for byte the same.
    project.joinpath("mkdocs.yml").write_text(
        project.joinpath("mkdocs.yml").read_text(encoding="utf-8").replace(str(tmp_path / "cache"),
                                                                             str(tmp_path / "fresh")),
        encoding="utf-8")
    third = build(project / "mkdocs.yml", tmp_path / "three")
    assert "PDFs: 3 rendered, 0 from cache" in third.stderr
    for name in ("guilds", "terms", "book"):
        assert (tmp_path / "one/pdf" / f"{name}.pdf").read_bytes() == (tmp_path / "three/pdf" / f"{name}.pdf").read_bytes()
    # Editing a chapter renders that chapter and the book again, nothing else.
    guilds = project / "docs" / "guilds.md"
    guilds.write_text(guilds.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    fourth = build(project / "mkdocs.yml", tmp_path / "four")
    assert "PDFs: 2 rendered, 1 from cache" in fourth.stderr


def test_the_mini_book_chapter_pdf_and_download_link(minibook):
    reader = pypdf.PdfReader(minibook / "pdf" / "guilds.pdf")
    text = text_of(reader, range(len(reader.pages)))
    assert "The lamp guilds" in text and "Terms in this chapter" in text and "варнак" in text
    assert "Tamsin, Lamps of the North Quay (1921), p. 4" in text
    assert WebPage(minibook / "guilds.html").downloads == ["pdf/guilds.pdf"]
    assert "Download PDF" not in (minibook / "index.html").read_text(encoding="utf-8")


def test_studykit_pdf_0_builds_no_pdf_and_leaves_no_dangling_link(tmp_path):
    project = minibook_copy(tmp_path)
    result = build(project / "mkdocs.yml", tmp_path / "site", env={**BUILD_ENV, "STUDYKIT_PDF": "0"})
    assert result.returncode == 0, result.stderr[-3000:]
    site = tmp_path / "site"
    assert not (site / "pdf").exists()
    assert "Download PDF" not in (site / "guilds.html").read_text(encoding="utf-8")
    assert "STUDYKIT_PDF=0" in (site / "downloads.html").read_text(encoding="utf-8")
    assert broken_links(site) == []


@pytest.mark.parametrize("error, expected", [
    ("OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file\")",
     "WeasyPrint could not load Pango (cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open "
     "shared object file): install it with `apt-get install -y libpango-1.0-0 libpangoft2-1.0-0`"),
    ("ImportError(\"No module named 'weasyprint'\")", "pip install weasyprint (make site installs it)"),
])
def test_a_missing_weasyprint_or_pango_fails_with_one_clear_error(tmp_path, error, expected):
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(f"raise {error}\n", encoding="utf-8")
    project = minibook_copy(tmp_path)
    env = {**BUILD_ENV, "PYTHONPATH": str(tmp_path / "fake")}
    result = build(project / "mkdocs.yml", tmp_path / "site", env=env)
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    # Without PDFs WeasyPrint is never imported, so the same machine still builds the site.
    quiet = build(project / "mkdocs.yml", tmp_path / "site", env={**env, "STUDYKIT_PDF": "0"})
    assert quiet.returncode == 0, quiet.stderr[-3000:]


def test_an_unknown_pdf_option_fails_the_build(tmp_path):
    project = minibook_copy(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  pdf:\n", "  pdf:\n    colour: red\n"),
                      encoding="utf-8")
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "extra.pdf: unknown option 'colour'" in result.stderr
    assert "Traceback" not in result.stderr


def test_mkdocs_serve_skips_the_pdfs_unless_asked(tmp_path):
    project = minibook_copy(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in BUILD_ENV.items() if key != "STUDYKIT_PDF"}
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-f", str(project / "mkdocs.yml"),
                             "-a", f"127.0.0.1:{port}"], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/downloads.html", timeout=5) as response:
                    downloads = response.read().decode("utf-8")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "mkdocs serve did not start"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/guilds.html", timeout=5) as response:
            guilds = response.read().decode("utf-8")
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    assert "make site" in downloads and "STUDYKIT_PDF=1" in downloads
    assert "Download PDF" not in guilds
    assert "PDFs:" not in stderr


def test_letter_paper_is_an_option(tmp_path):
    project = minibook_copy(tmp_path, cache=tmp_path / "cache")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  pdf:\n", "  pdf:\n    paper: Letter\n"),
                      encoding="utf-8")
    result = build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    page = pypdf.PdfReader(tmp_path / "site" / "pdf" / "guilds.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_a_chapter_number_that_is_not_a_number_fails_naming_file_and_line(tmp_path):
    project = minibook_copy(tmp_path)
    guilds = project / "docs" / "guilds.md"
    guilds.write_text(guilds.read_text(encoding="utf-8").replace("chapter: 1", "chapter: one"), encoding="utf-8")
    result = build(project / "mkdocs.yml", tmp_path / "site", env={**BUILD_ENV, "STUDYKIT_PDF": "0"})
    assert result.returncode != 0
    assert "docs/guilds.md, line 2: front matter chapter: 'one' is not a whole number" in result.stderr
    assert "Traceback" not in result.stderr and "Error reading page" not in result.stderr
