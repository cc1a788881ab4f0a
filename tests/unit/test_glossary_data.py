"""Loading and validating glossary files: every problem names the file and line."""

from __future__ import annotations

import textwrap

import pytest
from mkdocs.exceptions import PluginError

from studykit.glossary_page import other_spellings, render_glossary, safe_markdown
from studykit.terms import load_terms, slugify

DEFINITION = " ".join(["word"] * 45)


def write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def entry(term="kombedy", forms="[kombedy]", related="[]", extra=""):
    return f"""\
term: {term}
cyrillic: комбеды
forms: {forms}
short: Committees of poor peasants.
definition: {DEFINITION}
category: agriculture
related: {related}
{extra}"""


@pytest.fixture
def gloss(tmp_path):
    folder = tmp_path / "glossary"
    folder.mkdir()
    return folder


def test_loads_sorted_terms(gloss):
    write(gloss, "b.yml", entry("kulaks", "[kulak, kulaks]", "[kombedy]"))
    write(gloss, "a.yml", entry())
    terms = load_terms(gloss)
    assert [t.term for t in terms] == ["kombedy", "kulaks"]
    assert terms[1].related == ["kombedy"]
    assert terms[1].source == "glossary/b.yml"


def test_bom_and_crlf_are_accepted(gloss):
    (gloss / "a.yml").write_bytes(("\ufeff" + entry()).replace("\n", "\r\n").encode("utf-8"))
    assert load_terms(gloss)[0].forms == ["kombedy"]


@pytest.mark.parametrize("text, message", [
    ("term: [unclosed\n", r"glossary/a\.yml, line 2: invalid YAML"),
    (entry().replace("category: agriculture\n", ""), r"glossary/a\.yml, line 1: missing required field 'category'"),
    (entry().replace(f"definition: {DEFINITION}", "definition: ''"), r"glossary/a\.yml, line 5: field 'definition' is empty"),
    (entry().replace(f"definition: {DEFINITION}", "definition: Too short."), r"line 5: definition has 2 words; 40–150 expected"),
    (entry().replace("agriculture", "farming"), r"line 6: category 'farming' is not one of"),
    (entry().replace("Committees of poor peasants.", "x" * 201), r"line 4: 'short' has 201 characters"),
    (entry(extra="colour: red\n"), r"line 8: unknown field 'colour'"),
    (entry(forms="kombedy"), r"line 3: field 'forms' must be a list"),
    (entry(related="[nowhere]"), r"glossary/a\.yml, line 7: related term 'nowhere' does not exist"),
])
def test_bad_files_fail_with_file_and_line(gloss, text, message):
    write(gloss, "a.yml", text)
    with pytest.raises(PluginError, match=message):
        load_terms(gloss)


def test_duplicate_headword(gloss):
    write(gloss, "a.yml", entry())
    write(gloss, "b.yml", entry(forms="[kombed]"))
    with pytest.raises(PluginError, match=r"glossary/b\.yml, line 1: duplicate headword 'kombedy', already defined in glossary/a\.yml"):
        load_terms(gloss)


def test_form_claimed_by_two_terms(gloss):
    write(gloss, "a.yml", entry())
    write(gloss, "b.yml", entry("kulaks", "[kulak, Kombedy]"))
    with pytest.raises(PluginError, match=r"glossary/b\.yml, line 3: form 'Kombedy' of 'kulaks' is also claimed by 'kombedy'"):
        load_terms(gloss)


def test_not_utf8(gloss):
    (gloss / "a.yml").write_bytes(entry().encode("cp1251"))
    with pytest.raises(PluginError, match=r"glossary/a\.yml, line 2: not valid UTF-8 \(byte 24 is 0xea\)"):
        load_terms(gloss)


@pytest.mark.parametrize("head, slug", [("glasnost’", "glasnost"), ("War communism", "war-communism"),
                                         ("zhenskii vopros", "zhenskii-vopros"), ("колхоз", "колхоз"),
                                         ("Prolet'kult", "proletkult")])
def test_slugs(head, slug):
    assert slugify(head) == slug


def test_definition_html_is_neutralised():
    text = 'A <script>alert(1)</script> and <img src=x onerror=alert(1)> {: onclick="x"} [x](javascript:alert(1))'
    safe = safe_markdown(text)
    assert "<script" not in safe and "<img" not in safe and "{:" not in safe and "javascript:" not in safe


def test_glossary_page_has_letters_anchors_and_placeholders(gloss):
    write(gloss, "a.yml", entry(extra="expansion: Poor peasants' committees\nnote: The book dates them wrongly.\n"))
    write(gloss, "b.yml", entry("kulaks", "[kulak, kulaks]", "[kombedy]"))
    page = render_glossary(load_terms(gloss))
    assert '<a href="#letter-k">K</a>' in page
    assert '### kombedy {#kombedy .glossary-head data-filter="poor peasants\' committees kombedy комбеды"}' in page
    assert ('### kulaks · kulak {#kulaks .glossary-head data-filter="kulak kulaks комбеды" '
            'data-toc-label="kulaks"}') in page
    assert '<div class="glossary-uses" data-term="kulaks"></div>' in page
    assert "**Related:** [kombedy](#kombedy)" in page
    assert '!!! warning "Correction to the book"' in page


def test_other_spellings_help_readers_who_romanise_differently(gloss):
    write(gloss, "a.yml", entry("sovnarkhoz", "[sovnarkhoz, sovnarkhozy]"))
    write(gloss, "b.yml", entry("VSNKh", "[VSNKh]"))
    sovnarkhoz, vsnkh = load_terms(gloss)
    assert other_spellings(sovnarkhoz) == ["sovnarhoz", "sovnarhozy"]
    assert other_spellings(vsnkh) == []
    page = render_glossary([sovnarkhoz, vsnkh])
    assert "Other spellings: sovnarhoz, sovnarhozy." in page
