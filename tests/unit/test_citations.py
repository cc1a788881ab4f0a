"""Citation parsing, formatting and the notes the extension writes, without a build."""

from __future__ import annotations

import textwrap

import markdown
import pytest
from mkdocs.exceptions import PluginError

from mkdocs_bibtex.citation import Citation as BibtexCitation

from studykit import bibliography
from studykit.bibliography import Citation, format_note, load_bibliography
from studykit.bibliography_page import render_bibliography
from studykit.citer import CitationExtension, parse_citation_block

BIB = r"""
@book{malia1994soviet,
  author = {Malia, Martin},
  title = {The Soviet Tragedy: A History of Socialism in Russia, 1917--1991},
  publisher = {Free Press},
  address = {New York},
  year = {1994},
  keywords = {scholarship}
}

@incollection{lenin1902what,
  author = {Lenin, V. I.},
  title = {What Is to Be Done?},
  booktitle = {Collected Works},
  volume = {5},
  publisher = {Progress Publishers},
  address = {Moscow},
  year = {1961},
  origdate = {1902},
  note = {Written 1901--1902},
  keywords = {primary}
}

@book{engels1878anti,
  author = {Engels, Friedrich},
  title = {Anti-D{\"u}hring <b>bold</b>},
  year = {1878},
  keywords = {primary}
}
"""


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return load_bibliography(str(path), display_name="refs.bib")


@pytest.mark.parametrize("inner, expected", [
    ("@malia1994soviet", [("", "malia1994soviet", "")]),
    ("@malia1994soviet, p. 12", [("", "malia1994soviet", "p. 12")]),
    ("see @malia1994soviet; @lenin1902what, ch. 3", [("see", "malia1994soviet", ""), ("", "lenin1902what", "ch. 3")]),
    ("mail keeper@example.org", []),
    ("no citation here", []),
    ("see @a; and more", []),
])
def test_parse_citation_block(inner, expected):
    assert [(c.prefix, c.key, c.suffix) for c in parse_citation_block(inner)] == expected


def test_note_keeps_prefix_and_locator():
    cites = parse_citation_block("see @a, p. 12; @b, ch. 3")
    assert format_note(cites, lambda key: f"<{key}>") == "See <a>, p. 12; <b>, ch. 3."


def test_short_and_full_forms(registry):
    assert registry.short_text("malia1994soviet") == "Malia, <em>The Soviet Tragedy</em> (1994)"
    assert registry.short_text("lenin1902what") == "Lenin, “What Is to Be Done?” (1902)"
    full = registry.full_text("lenin1902what")
    assert full.startswith("V.&nbsp;I. Lenin. What Is to Be Done?")
    assert "volume&nbsp;5" in full and full.endswith("First published 1902.")


def test_a_note_is_kept_in_every_entry_type(registry):
    # pybtex's plain style drops the note of an @incollection; the reader still needs it.
    assert registry.full_text("lenin1902what").endswith("Moscow, 1961. Written 1901–1902. First published 1902.")


def test_latex_accents_and_html_in_fields(registry):
    assert registry.short_text("engels1878anti") == "Engels, <em>Anti-Dühring &lt;b&gt;bold&lt;/b&gt;</em> (1878)"


def test_each_entry_is_formatted_once_and_then_read_from_the_cache(tmp_path):
    path, cache = tmp_path / "refs.bib", tmp_path / "cache"
    path.write_text(BIB, encoding="utf-8")
    first = load_bibliography(str(path), cache_dir=str(cache))
    assert first.formattings == 3 and first.keys() == ["malia1994soviet", "lenin1902what", "engels1878anti"]
    assert len(list(cache.glob("*.json"))) == 1
    # An unchanged file (the next `mkdocs build`, or a rebuild under `mkdocs serve`) formats nothing ...
    again = load_bibliography(str(path), cache_dir=str(cache))
    assert again.formattings == 0
    assert again.entries == first.entries and again.lines == first.lines
    # ... and any edit to the file formats it afresh, keeping only the newest cache file.
    path.write_text(BIB.replace("Free Press", "The Free Press"), encoding="utf-8")
    edited = load_bibliography(str(path), cache_dir=str(cache))
    assert edited.formattings == 3 and "The Free Press" in edited.full_text("malia1994soviet")
    assert len(list(cache.glob("*.json"))) == 1


def test_a_new_formatter_does_not_use_the_old_cache(tmp_path, monkeypatch):
    path, cache = tmp_path / "refs.bib", tmp_path / "cache"
    path.write_text(BIB, encoding="utf-8")
    load_bibliography(str(path), cache_dir=str(cache))
    monkeypatch.setattr(bibliography, "formatter_fingerprint", lambda: "pybtex 99")
    assert load_bibliography(str(path), cache_dir=str(cache)).formattings == 3


@pytest.mark.parametrize("damage", ["", "{not json", '{"entries": [{"key": "x"}]}', '["a list"]'])
def test_a_damaged_cache_file_is_formatted_afresh(tmp_path, damage):
    path, cache = tmp_path / "refs.bib", tmp_path / "cache"
    path.write_text(BIB, encoding="utf-8")
    cached = next(iter(_cache_files(path, cache)))
    cached.write_text(damage, encoding="utf-8")
    again = load_bibliography(str(path), cache_dir=str(cache))
    assert again.formattings == 3 and again.short_text("malia1994soviet").startswith("Malia")


def test_an_unwritable_cache_still_builds(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    assert load_bibliography(str(path), cache_dir=str(blocker)).formattings == 3
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_a_broken_file_is_never_cached(tmp_path):
    path, cache = tmp_path / "bad.bib", tmp_path / "cache"
    path.write_text("@book{broken,\n  title = {Unclosed,\n  year = 1999\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PluginError, match=r"bad\.bib, line 1: malformed BibTeX"):
            load_bibliography(str(path), display_name="bad.bib", cache_dir=str(cache))
    assert not list(cache.glob("*.json"))


def _cache_files(path, cache):
    load_bibliography(str(path), cache_dir=str(cache))
    return cache.glob("*.json")


@pytest.mark.parametrize("part", [
    "@malia1994soviet", "see @malia1994soviet", "@malia1994soviet, p. 12", "cf. @a-b_c, pp. 3--4 ",
    "see also @x, ch. 3, n. 2", "mail keeper@example.org", "no citation", "@", "see @", "  @key ,p.1",
])
def test_citation_grammar_is_mkdocs_bibtex(part):
    theirs = BibtexCitation.from_markdown(part)
    ours = Citation.parse(part)
    assert ([(c.key, c.prefix, c.suffix) for c in theirs]
            == ([(ours.key, ours.prefix, ours.suffix)] if ours else []))


def render(registry, text):
    ext = CitationExtension(registry, bib_page="/bibliography.md")
    html = markdown.Markdown(extensions=[ext]).convert(textwrap.dedent(text))
    return html, ext


def test_notes_and_references(registry):
    html, ext = render(registry, "Socialism was meaningless [see @malia1994soviet, p. 12].")
    assert html.startswith(
        '<p>Socialism was meaningless<sup class="citation" id="cite-ref-1">'
        '<a class="footnote-ref" href="#cite-1">1</a></sup>.</p>'
    )
    assert (
        '<li id="cite-1">\n<p>See <a class="citation-source" href="/bibliography.md#malia1994soviet">'
        "Malia, <em>The Soviet Tragedy</em> (1994)</a>, p. 12.\u00a0"
        '<a class="footnote-backref" href="#cite-ref-1" title="Back to the text of note 1">↩</a></p>\n</li>'
    ) in html
    assert '<h2 id="references">References</h2>' in html
    assert '<li id="ref-malia1994soviet"><a href="/bibliography.md#malia1994soviet">Martin Malia. <em>The Soviet Tragedy' in html
    assert ext.page.keys() == ["malia1994soviet"]


def test_numbering_follows_reading_order(registry):
    html, ext = render(registry, "A [@lenin1902what]. B [@malia1994soviet; @lenin1902what, p. 4].")
    assert [n.number for n in ext.page.notes] == [1, 2]
    assert [c.key for c in ext.page.notes[1].citations] == ["malia1994soviet", "lenin1902what"]
    assert ext.page.keys() == ["lenin1902what", "malia1994soviet"]


def test_code_and_email_are_not_citations(registry):
    html, ext = render(registry, """
        Write to someone@example.org or [me@example.org].

        `[@malia1994soviet]` stays code.

            [@malia1994soviet] stays code too.

        ```
        [@lenin1902what]
        ```
        """)
    assert ext.page.notes == []
    assert "<code>[@malia1994soviet]</code>" in html


def test_unknown_key_is_recorded(registry):
    html, ext = render(registry, "Text [@nobody2000none, p. 3] more.")
    assert ext.page.unknown == [("nobody2000none", "[@nobody2000none, p. 3]")]


def test_each_conversion_starts_afresh(registry):
    ext = CitationExtension(registry)
    md = markdown.Markdown(extensions=[ext])
    md.convert("A [@lenin1902what].")
    markdown.Markdown(extensions=[ext]).convert("B [@malia1994soviet].")
    assert ext.page.keys() == ["malia1994soviet"]


def test_malformed_bibtex_names_the_line(tmp_path):
    path = tmp_path / "bad.bib"
    path.write_text("@book{ok,\n  title = {Fine},\n  year = {1999}\n}\n\n@book{broken,\n  title = {Unclosed,\n  year = 1999\n", encoding="utf-8")
    with pytest.raises(PluginError, match=r"bad\.bib, line \d+: malformed BibTeX"):
        load_bibliography(str(path), display_name="bad.bib")


def test_duplicate_key_names_the_line(tmp_path):
    path = tmp_path / "dup.bib"
    path.write_text("@book{a,\n  title = {One},\n  year = {1}\n}\n@book{a,\n  title = {Two},\n  year = {2}\n}\n", encoding="utf-8")
    with pytest.raises(PluginError, match=r"dup\.bib, line 5: duplicate key 'a', first defined on line 1"):
        load_bibliography(str(path), display_name="dup.bib")


def test_bibliography_page_groups_and_sorts(registry):
    page = render_bibliography(registry, {"primary": "Primary sources", "scholarship": "Scholarship"})
    primary, scholarship = page.split("## Primary sources")[1].split("## Scholarship")
    assert primary.index('id="engels1878anti"') < primary.index('id="lenin1902what"')
    assert 'id="malia1994soviet"' in scholarship
    assert '<p class="bib-cited" data-key="malia1994soviet"></p>' in scholarship
