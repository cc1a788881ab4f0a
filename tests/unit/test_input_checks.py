"""The checks behind the bad-input cases (tests/build/test_bad_input.py), without a build."""

from __future__ import annotations

import html
import textwrap
from html.parser import HTMLParser
from types import SimpleNamespace

import markdown
import pytest
from mkdocs.exceptions import PluginError

from studykit.bibliography import load_bibliography
from studykit.linker import GlossaryExtension
from studykit.matcher import TermMatcher
from studykit.options import Option, config_line, display_path, read_options
from studykit.sources import decode_utf8, is_blank_page, missing_nav_entries, nav_entries, nav_lines
from studykit.terms import Term

# -- source files ------------------------------------------------------------------------------


def test_utf8_with_or_without_a_bom_is_read():
    assert decode_utf8("колхоз\n".encode(), "docs/a.md") == "колхоз\n"
    assert decode_utf8(b"\xef\xbb\xbfkolkhoz\r\n", "docs/a.md") == "kolkhoz\r\n"


@pytest.mark.parametrize("data, message", [
    (b"# Title\n\nCaf\xe9\n", "docs/a.md, line 3: not valid UTF-8 (byte 12 is 0xe9); save the file as UTF-8"),
    (b"\xef\xbb\xbf\xff", "docs/a.md, line 1: not valid UTF-8 (byte 3 is 0xff); save the file as UTF-8"),
])
def test_bytes_that_are_not_utf8_name_the_line_and_byte(data, message):
    with pytest.raises(PluginError) as caught:
        decode_utf8(data, "docs/a.md")
    assert str(caught.value) == message


@pytest.mark.parametrize("text, blank", [
    ("", True), ("  \n\n", True), ("---\nchapter: 4\n---\n\n", True),
    ("# Chapter 4\n", False), ("---\nchapter: 4\n---\nText.\n", False),
])
def test_blank_pages(text, blank):
    assert is_blank_page(text) is blank


NAV = [
    {"Home": "index.md"},
    {"Part 1": ["part-one/index.md", {"1. Crucibles": "part-one/chapter-1.md"}]},
    {"Elsewhere": "https://example.org/"},
    {"Rooted": "/glossary.md"},
    "lost.md",
]


def test_nav_entries_are_listed_in_order():
    assert list(nav_entries(NAV)) == [
        ("Home", "index.md"), (None, "part-one/index.md"), ("1. Crucibles", "part-one/chapter-1.md"),
        ("Elsewhere", "https://example.org/"), ("Rooted", "/glossary.md"), (None, "lost.md"),
    ]


def test_missing_nav_entries_skip_other_sites_and_read_rooted_paths_in_docs():
    pages = {"index.md", "part-one/index.md", "glossary.md"}
    assert missing_nav_entries(NAV, pages.__contains__) == [("1. Crucibles", "part-one/chapter-1.md"),
                                                            (None, "lost.md")]
    # Without `absolute_links: relative_to_docs`, MkDocs treats "/glossary.md" as a link elsewhere.
    assert ("Rooted", "/glossary.md") not in missing_nav_entries(NAV, set().__contains__, relative_to_docs=False)


def test_nav_lines_find_each_path_under_nav_only():
    config = textwrap.dedent("""\
        site_name: x
        site_url: !ENV SITE_URL
        extra:
          page: lost.md
        nav:
          - Home: index.md
          - Part:
              - part/index.md
              - Lost: lost.md
        """)
    assert nav_lines(config) == {"index.md": 6, "part/index.md": 8, "lost.md": 9}
    assert nav_lines("nav: [unclosed") == {}


# -- options -----------------------------------------------------------------------------------


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "mkdocs.yml"
    path.write_text(textwrap.dedent("""\
        site_name: x
        site_url: !ENV SITE_URL
        extra:
          glossary:
            link: everywhere
            colour: red
        """), encoding="utf-8")
    return SimpleNamespace(config_file_path=str(path), extra={"glossary": {"link": "everywhere", "colour": "red"}})


SCHEMA = {"link": Option("all", choices=("all", "first-per-section"))}


def test_an_unknown_option_names_its_line(config):
    with pytest.raises(PluginError) as caught:
        read_options(config, "glossary", SCHEMA)
    assert str(caught.value) == "mkdocs.yml, line 6: extra.glossary: unknown option 'colour'; known options: link"


def test_a_bad_option_value_names_its_line(config):
    del config.extra["glossary"]["colour"]
    with pytest.raises(PluginError) as caught:
        read_options(config, "glossary", SCHEMA)
    assert str(caught.value) == ("mkdocs.yml, line 5: extra.glossary.link: 'everywhere' is not one of "
                                 "'all', 'first-per-section'")


def test_without_the_key_in_the_file_there_is_no_line(config):
    assert config_line(config, "extra", "glossary", "link") == 5
    assert config_line(config, "extra", "pdf", "paper") is None  # e.g. from an INHERIT-ed file
    config.extra = {"pdf": {"colour": "red"}}
    with pytest.raises(PluginError, match=r"^mkdocs\.yml: extra\.pdf: unknown option 'colour'"):
        read_options(config, "pdf", SCHEMA)


def test_display_path_is_relative_to_the_folder_of_mkdocs_yml(config, tmp_path):
    assert display_path(config, tmp_path / "docs" / "part-one" / "chapter-1.md") == "docs/part-one/chapter-1.md"


# -- glossary matching -------------------------------------------------------------------------


def test_a_term_inside_an_address_is_not_matched():
    matcher = TermMatcher([Term("varnak", "варнак", ["varnak"], "s", "d", "c")])

    def found(text):
        return [text[m.start:m.end] + f"@{m.start}" for m in matcher.find(text)]

    assert found("mail varnak@example.org, then the varnak") == ["varnak@34"]
    assert found("keeper@varnak.org and x.varnak@mail.example.org") == []
    assert found("see https://example.org/varnak or www.varnak.org; the varnak.") == ["varnak@54"]
    assert found("the varnak@ home") == ["varnak@4"]  # a lone @ is not an address


@pytest.mark.parametrize("title_is_html", [False, True])
def test_a_tooltip_never_carries_markup(title_is_html):
    short = 'Tax & toll <img src=x onerror="alert(1)">'
    term = Term("varnak", "варнак", ["varnak"], short, "d", "c")
    md = markdown.Markdown(extensions=[GlossaryExtension(TermMatcher([term]), title_is_html=title_is_html)])
    title = _Title(md.convert("The varnak met."))
    if title_is_html:  # Material shows it as HTML: the browser must get the text escaped once
        assert title.value == html.escape(short, quote=False)
    else:  # a plain title attribute: the browser shows it as text
        assert title.value == short


class _Title(HTMLParser):
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.value = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.value = dict(attrs)["title"]


# -- BibTeX ------------------------------------------------------------------------------------


def registry(tmp_path, text):
    path = tmp_path / "refs.bib"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_bibliography(str(path), display_name="refs.bib")


UNCLOSED = """\
    @book{a2000one,
      title = {One,
      year = {2000}
    }

    @book{b2001two,
      title = {Two},
      year = {2001}
    }
    """


def test_an_unclosed_entry_is_named_where_it_starts(tmp_path):
    with pytest.raises(PluginError) as caught:
        registry(tmp_path, UNCLOSED)
    assert str(caught.value) == ("refs.bib, line 1: malformed BibTeX: entry 'a2000one' is not closed before the "
                                 "next entry on line 6 (a brace is missing)")
    with pytest.raises(PluginError) as caught:
        registry(tmp_path, UNCLOSED.replace("{One,", "{One},").replace("{Two},", "{Two,"))
    assert str(caught.value) == ("refs.bib, line 6: malformed BibTeX: entry 'b2001two' is never closed "
                                 "(a brace is missing)")


def test_a_missing_comma_between_fields_gets_a_hint(tmp_path):
    with pytest.raises(PluginError) as caught:
        registry(tmp_path, """\
            @book{a2000one,
              title = {One}
              year = {2000}
            }
            """)
    assert str(caught.value) == ("refs.bib, line 3: malformed BibTeX: '}' expected (in entry 'a2000one'); "
                                 "is a comma missing after the field before?")


def test_an_entry_without_a_comma_after_its_key_still_has_a_line_and_a_duplicate_check(tmp_path):
    text = """\
        @book{a2000one
          title = {One},
          year = {2000}
        }

        @book{a2000one,
          title = {Again},
          year = {2000}
        }
        """
    with pytest.raises(PluginError, match=r"^refs\.bib, line 6: duplicate key 'a2000one', first defined on line 1$"):
        registry(tmp_path, text)
    assert registry(tmp_path, text.split("\n\n")[0] + "\n").lines == {"a2000one": 1}
