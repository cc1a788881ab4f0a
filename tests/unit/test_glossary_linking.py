"""The glossary matcher and its Python-Markdown extension, without a build."""

from __future__ import annotations

import markdown
import pytest

from studykit.linker import GlossaryExtension
from studykit.matcher import TermMatcher, spelling_variants
from studykit.terms import Term


def term(head, forms, short="", match_case=False):
    return Term(term=head, cyrillic="—", forms=forms, short=short or f"{head} (short)",
                definition="d", category="ideology", match_case=match_case)


TERMS = [
    term("kombedy", ["kombedy", "kombed"], "Committees of Poor Peasants"),
    term("kulaks", ["kulak", "kulaks", "kulaki"], "Rich peasants"),
    term("glasnost’", ["glasnost’"], "Openness"),
    term("NEP", ["NEP"], "New Economic Policy"),
    term("NEPmen", ["NEPmen", "Nepmen"], "Private traders under NEP"),
    term("VSNKh", ["VSNKh", "Vesenkha"], "Supreme Council of the National Economy"),
    term("soviet", ["soviet", "soviets"], "A council", match_case=True),
    term("Gulag", ["Gulag"], "Camp administration"),
    term("kolkhoz", ["колхоз", "колхозы", "kolkhoz", "kolkhozy"], "Collective farm"),
]
MATCHER = TermMatcher(TERMS)


def found(text):
    return [(text[m.start:m.end], m.term.term) for m in MATCHER.find(text)]


@pytest.mark.parametrize("text, expected", [
    # plural and case forms
    ("The kombedy and one kombed.", [("kombedy", "kombedy"), ("kombed", "kombedy")]),
    ("kulak, kulaks, kulaki", [("kulak", "kulaks"), ("kulaks", "kulaks"), ("kulaki", "kulaks")]),
    # words match in any case, acronyms only in their own
    ("Kulaks and KULAKS", [("Kulaks", "kulaks"), ("KULAKS", "kulaks")]),
    ("NEP, not nep or Nep", [("NEP", "NEP")]),
    ("VSNKh but not VSNKH or vsnkh", [("VSNKh", "VSNKh")]),
    ("Vesenkha and vesenkha", [("Vesenkha", "VSNKh"), ("vesenkha", "VSNKh")]),
    # match_case keeps the adjective "Soviet" out
    ("Soviet power rested on the soviets", [("soviets", "soviet")]),
    # the three soft-sign spellings
    ("glasnost’ glasnost' glasnost glasnostʼ", [("glasnost’", "glasnost’"), ("glasnost'", "glasnost’"),
                                               ("glasnost", "glasnost’"), ("glasnostʼ", "glasnost’")]),
    # possessives and punctuation around terms
    ("the kulak’s land; (NEP), “kombedy”.", [("kulak", "kulaks"), ("NEP", "NEP"), ("kombedy", "kombedy")]),
    ("NEP-era trade", [("NEP", "NEP")]),
    # longest match wins where forms overlap
    ("NEPmen traded under NEP", [("NEPmen", "NEPmen"), ("NEP", "NEP")]),
    # whole words only
    ("Gulags? No: Gulagism, subkulak, kombedyx", []),
    # Cyrillic, Unicode-aware boundaries
    ("колхозы и колхоз, а не колхозник", [("колхозы", "kolkhoz"), ("колхоз", "kolkhoz")]),
    ("Колхоз", [("Колхоз", "kolkhoz")]),
])
def test_matcher(text, expected):
    assert found(text) == expected


def test_spelling_variants():
    assert spelling_variants("artel’") == {"artel’", "artel'", "artelʼ", "artel"}
    assert spelling_variants("NEP") == {"NEP"}


def render(text, mode="all"):
    ext = GlossaryExtension(MATCHER, page_path="/glossary.md", mode=mode)
    return markdown.Markdown(extensions=["toc", "footnotes", "abbr", ext]).convert(text)


def test_links_with_tooltip_and_first_anchor():
    assert render("The kombedy met; the kombed split.") == (
        '<p>The <a class="glossary-term" href="/glossary.md#kombedy" id="term-kombedy" '
        'title="Committees of Poor Peasants">kombedy</a> met; the '
        '<a class="glossary-term" href="/glossary.md#kombedy" title="Committees of Poor Peasants">kombed</a>'
        ' split.</p>'
    )


def test_code_links_headings_and_abbr_are_left_alone():
    html = render(
        "# NEP in a heading\n\n"
        "`NEP` in code and [NEP](https://example.org) in a link.\n\n"
        "    NEP in a code block\n\n"
        "The HDS is no term, but NEP is.\n\n"
        "*[HDS]: Humane Democratic Socialism\n"
    )
    assert html.count('class="glossary-term"') == 1
    assert '<h1 id="nep-in-a-heading">NEP in a heading</h1>' in html
    assert "<code>NEP</code>" in html
    assert '<a href="https://example.org">NEP</a>' in html
    assert "<pre><code>NEP in a code block" in html
    assert 'but <a class="glossary-term" href="/glossary.md#nep" id="term-nep" title="New Economic Policy">NEP</a> is.' in html


def test_footnote_markers_and_notes_are_skipped():
    html = render("Kulaks.[^NEP]\n\n[^NEP]: NEP note.")
    assert html.count('class="glossary-term"') == 1  # only the running-text "Kulaks"


def test_inline_markup_inside_text():
    assert render("*kulaks* and **NEP**") == (
        '<p><em><a class="glossary-term" href="/glossary.md#kulaks" id="term-kulaks" title="Rich peasants">'
        'kulaks</a></em> and <strong><a class="glossary-term" href="/glossary.md#nep" id="term-nep" '
        'title="New Economic Policy">NEP</a></strong></p>'
    )


def test_first_per_section_mode_links_once_per_section_and_keeps_tooltips():
    html = render("## One\n\nNEP and NEP.\n\n## Two\n\nNEP again.", mode="first-per-section")
    assert html.count("<a class=\"glossary-term\"") == 2
    assert html.count('<span class="glossary-term" title="New Economic Policy">NEP</span>') == 1
    assert html.count('id="term-nep"') == 1


def test_uses_are_recorded_per_page():
    ext = GlossaryExtension(MATCHER, mode="first-per-section")
    markdown.Markdown(extensions=[ext]).convert("NEP, NEP and kulaks.")
    uses = ext.last_uses.terms
    assert (uses["nep"].count, uses["nep"].anchor) == (2, "term-nep")
    assert (uses["kulaks"].count, uses["kulaks"].anchor) == (1, "term-kulaks")


def test_title_is_escaped():
    evil = TermMatcher([term("x", ["zzz"], short='"><script>alert(1)</script>')])
    html = markdown.Markdown(extensions=[GlossaryExtension(evil)]).convert("zzz")
    assert "<script>" not in html
    assert 'title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_disabled_extension_links_nothing():
    ext = GlossaryExtension(MATCHER)
    ext.enabled = False
    assert markdown.Markdown(extensions=[ext]).convert("NEP") == "<p>NEP</p>"


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError, match="link mode"):
        GlossaryExtension(MATCHER, mode="sometimes")
