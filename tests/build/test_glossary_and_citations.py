"""End-to-end checks of the generated glossary and bibliography pages in the real site."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from helpers import BUILD_ENV, ROOT, build, minibook_copy
from sitecheck import pages, scan
from studykit.bibliography import load_bibliography
from studykit.terms import load_terms

pytestmark = pytest.mark.slow


class _Elements(HTMLParser):
    """Collect (tag, attrs, text) for elements with a class we care about."""

    def __init__(self, classes):
        super().__init__(convert_charrefs=True)
        self.classes = classes
        self.found: list[tuple[str, dict, str]] = []
        self.open: list[list] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for item in self.open:
            item[3] += 1
        if set((attrs.get("class") or "").split()) & self.classes:
            self.open.append([tag, attrs, "", 0])

    def handle_data(self, data):
        for item in self.open:
            item[2] += data

    def handle_endtag(self, tag):
        for item in list(self.open):
            if item[3] == 0 and item[0] == tag:
                self.open.remove(item)
                self.found.append((item[0], item[1], item[2]))
            elif item[3] > 0:
                item[3] -= 1


def elements(path, *classes):
    parser = _Elements(set(classes))
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.found


@pytest.fixture(scope="module")
def terms():
    return load_terms(ROOT / "glossary")


def test_every_term_file_is_an_entry_with_its_anchor(site, terms):
    ids = scan(site / "glossary.html").ids
    assert len(terms) == len(list((ROOT / "glossary").glob("*.yml")))
    for term in terms:
        assert term.slug in ids, term.term


def test_used_in_counts_match_the_pages(site, terms):
    by_short = {t.short: t.slug for t in terms}
    actual: dict[str, Counter] = {t.slug: Counter() for t in terms}
    for page in pages(site):
        if page.name == "glossary.html":
            continue
        for tag, attrs, _ in elements(page, "glossary-term"):
            slug = attrs["href"].rsplit("#", 1)[1] if tag == "a" else by_short[attrs["title"]]
            actual[slug][page.relative_to(site).as_posix()] += 1
    glossary = (site / "glossary.html").read_text(encoding="utf-8")
    for term in terms:
        block = glossary.split(f'id="{term.slug}"', 1)[1].split('class="glossary-uses"', 1)[1].split("</p>", 1)[0]
        listed = {href.split("#")[0]: int(count) for href, count in re.findall(r'href="([^"]+)">[^<]*</a> \((\d+)×\)', block)}
        assert listed == dict(actual[term.slug]), term.term


def test_citation_notes_lead_to_entries_and_entries_lead_back(site):
    registry = load_bibliography(str(ROOT / "bibliography.bib"))
    bib_ids = scan(site / "bibliography.html").ids
    cited = set()
    for page in pages(site):
        for _, attrs, _ in elements(page, "citation-source"):
            href = attrs["href"]
            assert href.rsplit("/", 1)[-1].startswith("bibliography.html#"), href
            key = href.rsplit("#", 1)[1]
            assert key in bib_ids
            cited.add(key)
    assert cited == set(registry.keys()), "every entry is cited somewhere"
    backlinks = [a for _, a, _ in elements(site / "bibliography.html", "bib-cited")]
    assert backlinks  # the "Cited in" paragraphs exist; their links are walked by test_site


def test_each_chapter_ends_with_its_references(site):
    chapter = (site / "part-two" / "chapter-4.html").read_text(encoding="utf-8")
    notes, references = chapter.index('id="notes"'), chapter.index('id="references"')
    assert notes < references
    refs = re.findall(r'<li id="ref-([\w-]+)">', chapter)
    notes_keys = set(re.findall(r'class="citation-source" href="\.\./bibliography\.html#([\w-]+)"', chapter))
    assert set(refs) == notes_keys and len(refs) >= 5


def test_locators_survive(site):
    chapter = (site / "part-one" / "chapter-1.html").read_text(encoding="utf-8")
    assert re.search(r"Sandle, <em>A Short History of Soviet Socialism</em> \(1999\)</a>, ch\. 1", chapter)


def test_the_formatted_bibliography_is_kept_until_the_bib_file_changes(tmp_path):
    book = minibook_copy(tmp_path)
    env = {**BUILD_ENV, "STUDYKIT_PDF": "0"}
    cache = book / ".cache" / "bibliography"

    def build_into(name):
        result = build(book / "mkdocs.yml", tmp_path / name, "--verbose", env=env)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stderr, (tmp_path / name / "sources.html").read_text(encoding="utf-8")

    log, first = build_into("first")
    assert "sources.bib: 3 entries, 3 formatted" in log
    [cached] = cache.glob("*.json")

    log, second = build_into("second")
    assert "sources.bib: 3 entries, all from the cache" in log
    assert second == first

    bib = book / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Lamps of the North Quay", "Lamps of the South Quay"),
                   encoding="utf-8")
    log, third = build_into("third")
    assert "sources.bib: 3 entries, 3 formatted" in log
    assert "Lamps of the South Quay" in third and "North Quay" not in third
    assert [p.name for p in cache.glob("*.json")] != [cached.name], "the stale result is replaced"
