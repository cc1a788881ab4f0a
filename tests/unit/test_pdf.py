"""The print HTML behind the PDFs, the downloads page and the render cache, without a build."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from studykit.pdf import (
    DOWNLOADS_PLACEHOLDER, BookInfo, Download, Job, PageSource, Pending, PrintPage, TermInfo, book_document,
    chapter_document, created_from_epoch, downloads_markdown, insert_after_h1, page_css, plan, print_fragment,
    render_all, render_downloads, unique_names,
)

NOTES = (
    '<p>Text<sup class="citation" id="cite-ref-1"><a class="footnote-ref" href="#cite-1">1</a></sup>.</p>\n'
    '<h2 id="notes">Notes<a class="headerlink" href="#notes" title="Permanent link">&para;</a></h2>\n'
    '<div class="footnote citation-notes">\n<ol>\n<li id="cite-1">\n<p>See <a class="citation-source" '
    'href="../bibliography.html#lenin1902what">Lenin, <em>What Is to Be Done?</em> (1902)</a>, p. 4.&nbsp;'
    '<a class="footnote-backref" href="#cite-ref-1" title="Back to the text of note 1">↩</a></p>\n</li>\n</ol>\n</div>\n'
    '<h2 id="references">References</h2>\n<ul class="references">\n<li id="ref-lenin1902what">'
    '<a href="../bibliography.html#lenin1902what">V. I. Lenin. <em>What Is to Be Done?</em></a></li>\n</ul>'
)

TERMS = {
    "kulak": TermInfo("kulak", "kulak", "кулак", "A better-off peasant."),
    "nep": TermInfo("nep", "NEP", "НЭП (новая экономическая политика)", "The New Economic Policy, 1921–28."),
}

BOOK = BookInfo(title="The Book", author="A. Author", description="All of it.", lang="en",
                created="2023-11-14T22:13:20Z")


def test_a_citation_marker_becomes_a_footnote_holding_its_note():
    fragment = print_fragment(NOTES, page_url="part-one/chapter-1.html")
    assert fragment.notes == 1
    assert fragment.html == (
        '<p>Text<span class="print-note" data-n="1" id="cite-ref-1">See <a class="citation-source" '
        'href="#ref-lenin1902what">Lenin, <em>What Is to Be Done?</em> (1902)</a>, p. 4.</span>.</p>\n\n\n'
        '<h2 id="references">References</h2>\n<ul class="references">\n'
        '<li id="ref-lenin1902what">V. I. Lenin. <em>What Is to Be Done?</em></li>\n</ul>'
    )


def test_markdown_footnotes_become_footnotes_too_even_when_called_twice():
    html = ('<p>A<sup id="fnref:x"><a class="footnote-ref" href="#fn:x">1</a></sup> and B'
            '<sup id="fnref2:x"><a class="footnote-ref" href="#fn:x">1</a></sup></p>\n'
            '<div class="footnote">\n<hr>\n<ol>\n<li id="fn:x">\n<p>One.</p>\n'
            '<p>Two.&#160;<a class="footnote-backref" href="#fnref:x">&#8617;</a></p>\n</li>\n</ol>\n</div>')
    assert print_fragment(html).html == (
        '<p>A<span class="print-note" data-n="1" id="fnref:x">One. Two.</span> and '
        'B<span class="print-note" data-n="1" id="fnref2:x">One. Two.</span></p>\n'
    )


def test_glossary_terms_link_to_an_appendix_of_the_terms_used():
    html = ('<p>The <a class="glossary-term" href="../glossary.html#kulak" id="term-kulak" '
            'title="A better-off peasant.">kulaks</a> and <span class="glossary-term" '
            'title="A better-off peasant.">kulak</span> under <span class="glossary-term" '
            'title="The New Economic Policy, 1921–28.">NEP</span>.</p>')
    fragment = print_fragment(html, page_url="part-two/chapter-4.html", terms=TERMS)
    assert [t.slug for t in fragment.terms] == ["kulak", "nep"]
    assert fragment.html == (
        '<p>The <a class="print-term" href="#term-entry-kulak" id="term-kulak">kulaks</a> and '
        '<a class="print-term" href="#term-entry-kulak">kulak</a> under '
        '<a class="print-term" href="#term-entry-nep">NEP</a>.</p>'
        '<section class="terms-appendix"><h2 id="terms-in-this-chapter">Terms in this chapter</h2><dl>'
        '<dt id="term-entry-kulak"><span class="headword">kulak</span> <span class="cyrillic" lang="ru">кулак</span></dt>'
        '<dd>A better-off peasant.</dd>'
        '<dt id="term-entry-nep"><span class="headword">NEP</span> '
        '<span class="cyrillic" lang="ru">НЭП (новая экономическая политика)</span></dt>'
        '<dd>The New Economic Policy, 1921–28.</dd></dl></section>'
    )


def test_a_term_missing_from_the_glossary_data_is_listed_from_the_page():
    html = '<p><a class="glossary-term" href="g.html#varnak" title="A lodge.">varnaks</a></p>'
    fragment = print_fragment(html)
    assert fragment.terms == [TermInfo("varnak", "varnaks", "", "A lodge.")]


def test_a_page_without_terms_has_no_appendix():
    assert "terms-appendix" not in print_fragment("<p>Plain.</p>", terms=TERMS).html


def test_headerlinks_and_web_only_parts_are_removed():
    html = ('<h1 id="t">Title<a class="headerlink" href="#t" title="Permanent link">&para;</a></h1>\n'
            '<p class="pdf-download"><a href="../pdf/t.pdf">Download PDF</a></p>\n'
            '<div class="glossary-tools"><input type="search"></div><script>alert(1)</script>'
            '<!-- a comment --><p>Body</p>')
    assert print_fragment(html).html == '<h1 id="t">Title</h1>\n\n<p>Body</p>'


@pytest.mark.parametrize("site_url, expected", [
    ("", '<p>See chapter 2, <a href="https://example.org/x">this</a> and <a href="#here">here</a>, gone.</p>'
         '<p id="here"><img src="file:///docs/part-one/img/map.png"></p>'),
    ("https://user.github.io/repo/",
     '<p>See <a href="https://user.github.io/repo/part-two/chapter-2.html#a">chapter 2</a>, '
     '<a href="https://example.org/x">this</a> and <a href="#here">here</a>, gone.</p>'
     '<p id="here"><img src="file:///docs/part-one/img/map.png"></p>'),
])
def test_links_to_other_pages_become_text_or_absolute_urls(site_url, expected):
    html = ('<p>See <a href="../part-two/chapter-2.html#a">chapter 2</a>, <a href="https://example.org/x">this</a> '
            'and <a href="#here">here</a>, <a href="#nowhere">gone</a>.</p><p id="here"><img src="img/map.png"></p>')
    fragment = print_fragment(html, page_url="part-one/chapter-1.html", site_url=site_url,
                              base_url="file:///docs/part-one/chapter-1.html")
    assert fragment.html == expected


def test_a_short_fragment_that_names_a_file_is_still_read_as_html(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x").write_text("<p>not me</p>", encoding="utf-8")
    assert print_fragment("x").html == "x"


def _page(html: str, name: str = "chapter-3", part: str = "Part 2: Emergence") -> PrintPage:
    return PrintPage(name, "3. War communism", print_fragment(html, terms=TERMS), part, "About war communism.")


def test_a_chapter_document_has_a_title_block_and_pdf_metadata():
    html, article = chapter_document(_page('<h1 id="c">Chapter 3: War <em>communism</em></h1><p>Text.</p>'), BOOK)
    assert html == (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Chapter 3: War communism — The Book</title>'
        '<meta name="author" content="A. Author"><meta name="description" content="About war communism.">'
        '<meta name="dcterms.created" content="2023-11-14T22:13:20Z">'
        '<meta name="dcterms.modified" content="2023-11-14T22:13:20Z"></head>'
        '<body class="single"><article class="chapter">'
        '<header class="title-block" data-running="3. War communism" data-book="The Book">'
        '<p class="book-title">The Book</p><p class="part">Part 2: Emergence</p>'
        '<h1 id="c">Chapter 3: War <em>communism</em></h1></header>'
        '<div class="content"><p>Text.</p></div></article></body></html>\n'
    )


def test_no_date_without_source_date_epoch_and_no_part_outside_a_section():
    book = BookInfo(title="The Book")
    html, _ = chapter_document(_page("<h1>Introduction</h1><p>Text.</p>", "introduction", part=""), book)
    assert "dcterms" not in html and 'class="part"' not in html and "author" not in html


def test_the_book_has_contents_and_every_chapter_with_its_own_ids():
    one = _page('<h1 id="t">Introduction</h1><p>I<sup class="citation" id="cite-ref-1"><a class="footnote-ref" '
                'href="#cite-1">1</a></sup></p><div class="footnote citation-notes"><ol><li id="cite-1"><p>N.</p>'
                '</li></ol></div>', "introduction", part="")
    two = _page('<h1 id="t">Chapter 3: War communism</h1><p><span class="glossary-term" title="A better-off '
                'peasant.">kulak</span></p>', "chapter-3")
    chapters = [(page, chapter_document(page, BOOK)[1]) for page in (one, two)]
    html = book_document(chapters, BOOK, subtitle="A study guide")
    assert '<body class="book"><section class="cover" data-book="The Book"><h1>The Book</h1>' in html
    assert ('<nav class="contents"><h2 id="contents">Contents</h2><ol>'
            '<li class="chapter"><a href="#introduction">Introduction</a></li>'
            '<li class="part">Part 2: Emergence</li>'
            '<li class="chapter"><a href="#chapter-3">Chapter 3: War communism</a></li></ol></nav>') in html
    assert '<article class="chapter" id="introduction">' in html
    assert '<h1 id="introduction--t">Introduction</h1>' in html and '<h1 id="chapter-3--t">' in html
    assert 'id="introduction--cite-ref-1"' in html
    assert '<a class="print-term" href="#chapter-3--term-entry-kulak">kulak</a>' in html
    assert '<dt id="chapter-3--term-entry-kulak">' in html
    assert '<meta name="keywords" content="kulak">' in html


def test_insert_after_h1_keeps_the_rest_of_the_page_byte_for_byte():
    html = '<!-- </h1> --><h1 id="t" title="a </h1> b">T<a href="#t">¶</a></h1 >\n<p>x &amp; y</p>'
    assert insert_after_h1(html, "<p>L</p>") == (
        '<!-- </h1> --><h1 id="t" title="a </h1> b">T<a href="#t">¶</a></h1 >\n<p>L</p>\n<p>x &amp; y</p>')
    assert insert_after_h1("<p>no title</p>", "<p>L</p>") == "<p>L</p><p>no title</p>"


def test_pdf_names_come_from_file_stems_and_are_unique():
    names = unique_names(["introduction.md", "part-one/index.md", "part-two/index.md", "part-two/chapter-3.md",
                          "book.md", "glossary.md"])
    assert names == {"introduction.md": "introduction", "part-one/index.md": "part-one-index",
                     "part-two/index.md": "part-two-index", "part-two/chapter-3.md": "chapter-3",
                     "book.md": "book-2", "glossary.md": "glossary"}


def test_the_cache_key_covers_html_stylesheet_paper_and_engine():
    job = Job("c", "<p>x</p>", page_css("p {}", "A4"), "", "70.0")
    assert job.key == Job("c", "<p>x</p>", page_css("p {}", "A4"), "", "70.0").key
    others = [Job("c", "<p>y</p>", job.css, "", "70.0"), Job("c", "<p>x</p>", page_css("p {}", "Letter"), "", "70.0"),
              Job("c", "<p>x</p>", page_css("q {}", "A4"), "", "70.0"), Job("c", "<p>x</p>", job.css, "", "71.0")]
    assert len({job.key, *(other.key for other in others)}) == 5


def test_paper_must_be_a4_or_letter():
    assert page_css("", "Letter").endswith("@page { size: Letter; }\n")
    with pytest.raises(ValueError):
        page_css("", "A5")


def test_creation_date_comes_from_source_date_epoch():
    assert created_from_epoch("1700000000") == "2023-11-14T22:13:20Z"
    assert created_from_epoch(None) == "" and created_from_epoch("") == ""
    with pytest.raises(PluginError, match="SOURCE_DATE_EPOCH"):
        created_from_epoch("yesterday")


def test_the_downloads_page_lists_each_pdf_with_its_page_count():
    markdown = downloads_markdown("Printable PDFs")
    assert markdown.startswith('---\ntitle: "Printable PDFs"\n---\n\n# Printable PDFs\n')
    assert DOWNLOADS_PLACEHOLDER in markdown
    assert DOWNLOADS_PLACEHOLDER not in downloads_markdown("Printable PDFs", "Built by `make site`.")
    assert render_downloads([Download("1. Crucibles & more", "pdf/chapter-1.pdf", 12),
                             Download("Glossary", "pdf/glossary.pdf", 1)]) == (
        '<ul class="pdf-list">\n'
        '<li><a href="pdf/chapter-1.pdf" type="application/pdf">1. Crucibles &amp; more</a> '
        '<span class="pdf-pages" data-pages="12">PDF, 12 pages</span></li>\n'
        '<li><a href="pdf/glossary.pdf" type="application/pdf">Glossary</a> '
        '<span class="pdf-pages" data-pages="1">PDF, 1 page</span></li>\n</ul>'
    )


def test_render_all_renders_once_then_serves_from_the_cache(tmp_path):
    pytest.importorskip("weasyprint")
    html, _ = chapter_document(_page("<h1>Кириллица</h1><p>Text.</p>"), BOOK)
    job = Job("chapter-3", html, page_css("body { font-family: 'DejaVu Serif' }", "A4"), "", "test")
    first = render_all([Pending.ready(job)], tmp_path, workers=1)
    second = render_all([Pending.ready(job)], tmp_path, workers=1)
    assert [(r.cached, r.pages, r.warnings) for r in first] == [(False, 1, [])]
    assert [(r.cached, r.pages) for r in second] == [(True, 1)]
    assert first[0].path == second[0].path and first[0].path.read_bytes().startswith(b"%PDF-")


def _sources(text: str = "Text.") -> tuple[list[PageSource], list[PageSource]]:
    chapters = [PageSource("introduction", "Introduction", f"<h1>Introduction</h1><p>{text}</p>", "introduction.html"),
                PageSource("chapter-1", "1. Crucibles", "<h1>Chapter 1</h1><p>One.</p>", "part-one/chapter-1.html",
                           part="Part 1: Genesis")]
    return chapters, [PageSource("glossary", "Glossary", "<h1>Glossary</h1><p>Terms.</p>", "glossary.html")]


def test_the_plan_puts_the_book_first_and_builds_print_html_only_on_demand():
    chapters, others = _sources()
    pending = plan(chapters, others, book=BOOK, css="", engine="70.0")
    assert [p.name for p in pending] == ["book", "introduction", "chapter-1", "glossary"]
    book = pending[0].make()
    assert '<a href="#chapter-1">Chapter 1</a>' in book.html and 'id="chapter-1--' not in pending[2].make().html
    again = plan(*_sources(), book=BOOK, css="", engine="70.0")
    assert [p.inputs for p in again] == [p.inputs for p in pending]
    changed = plan(*_sources("Changed."), book=BOOK, css="", engine="70.0")
    assert [a.inputs == b.inputs for a, b in zip(changed, pending)] == [False, False, True, True]
    assert plan([], others, book=BOOK, css="")[0].name == "glossary"


def test_an_unchanged_plan_is_found_in_the_cache_without_making_any_print_html(tmp_path):
    pytest.importorskip("weasyprint")
    css = page_css("body { font-family: 'DejaVu Serif' }", "A4")
    first = render_all(plan(*_sources(), book=BOOK, css=css), tmp_path, workers=1)
    assert [r.cached for r in first] == [False] * 4

    def refuse():
        raise AssertionError("the print HTML was made again")

    again = [Pending(p.name, p.inputs, refuse) for p in plan(*_sources(), book=BOOK, css=css)]
    second = render_all(again, tmp_path, workers=1)
    assert [(r.cached, r.pages) for r in second] == [(True, r.pages) for r in first]
