"""Citation parsing, formatting and the notes the extension writes, without a build."""

from __future__ import annotations

import textwrap

import markdown
import pytest
from mkdocs.exceptions import PluginError

from studykit import bibliography
from studykit.bibliography import BookRegistry, format_note
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
    return BookRegistry(str(path), display_name="refs.bib")


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
    full = registry.reference_text(parse_citation_block("@lenin1902what")[0])
    assert full.startswith("V.&nbsp;I. Lenin. What Is to Be Done?")
    assert "volume&nbsp;5" in full and full.endswith("First published 1902.")


def test_latex_accents_and_html_in_fields(registry):
    assert registry.short_text("engels1878anti") == "Engels, <em>Anti-Dühring &lt;b&gt;bold&lt;/b&gt;</em> (1878)"


def test_each_entry_is_formatted_once(tmp_path, monkeypatch):
    monkeypatch.setattr(bibliography, "_last_formatted", None)
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    registry = BookRegistry(str(path))
    for _ in range(5):
        registry.short_text("malia1994soviet")
        registry.reference_text(parse_citation_block("@malia1994soviet")[0])
    assert registry.formattings == 1
    # A rebuild under `mkdocs serve` with the same .bib formats nothing again ...
    again = BookRegistry(str(path))
    assert again.short_text("malia1994soviet") == registry.short_text("malia1994soviet")
    assert again.formattings == 0
    # ... and any edit to the file starts afresh.
    path.write_text(BIB.replace("Free Press", "The Free Press"), encoding="utf-8")
    edited = BookRegistry(str(path))
    assert "The Free Press" in edited.reference_text(parse_citation_block("@malia1994soviet")[0])
    assert edited.formattings == 1


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
        BookRegistry(str(path), display_name="bad.bib")


def test_duplicate_key_names_the_line(tmp_path):
    path = tmp_path / "dup.bib"
    path.write_text("@book{a,\n  title = {One},\n  year = {1}\n}\n@book{a,\n  title = {Two},\n  year = {2}\n}\n", encoding="utf-8")
    with pytest.raises(PluginError, match=r"dup\.bib, line 5: duplicate key 'a', first defined on line 1"):
        BookRegistry(str(path), display_name="dup.bib")


def test_bibliography_page_groups_and_sorts(registry):
    page = render_bibliography(registry, {"primary": "Primary sources", "scholarship": "Scholarship"})
    primary, scholarship = page.split("## Primary sources")[1].split("## Scholarship")
    assert primary.index('id="engels1878anti"') < primary.index('id="lenin1902what"')
    assert 'id="malia1994soviet"' in scholarship
    assert '<p class="bib-cited" data-key="malia1994soviet"></p>' in scholarship
