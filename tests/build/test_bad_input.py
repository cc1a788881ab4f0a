"""Bad input and build integrity: every broken source gives one clear error and loses nothing.

Each case copies a built mini-book, changes ONE thing and runs the real
`mkdocs build --strict` again. A broken source must:

- fail the build (exit status non-zero);
- print exactly one ERROR/WARNING line, naming the file, the line where there
  is one, and what is wrong; never a Python traceback;
- leave docs/, glossary/, the .bib file and mkdocs.yml as they were;
- leave the previous site/ exactly as it was.

Awkward but valid input (markup in a definition, Cyrillic, a 10 MB chapter, …)
must build and come out right. The messages of our hooks follow the house
style of README.md, "Error messages": "<file>, line N: <problem>", or
"<file>: <problem>" where no line applies.

Not here: a build interrupted with Ctrl-C (the previous site is kept and no
temporary folder is left) is
tests/build/test_site.py::test_ctrl_c_keeps_the_previous_site_and_leaves_no_temporary_folder.
The browser half of the markup-in-a-definition case is
tests/browser/test_bad_input_browser.py.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from badinput import (
    HOUSE_STYLE, NO_PDF_ENV, XSS, Links, add_cyrillic_term, add_hostile_term, add_page, add_to_nav, append,
    edit, line_of, mini_project, problems, sources_digest, term_yaml, tree_digest,
)
from helpers import BUILD_ENV, ROOT, build, copy_project, mkdocs
from sitecheck import broken_links

pytestmark = pytest.mark.slow


# -- the previous, good build --------------------------------------------------------------

@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The mini-book, built once. Each case starts from a copy of it, site/ included:
    that is the same as building each copy once, and saves a build per case."""
    project = mini_project(tmp_path_factory.mktemp("pristine") / "book")
    result = build(project / "mkdocs.yml", project / "site", env=NO_PDF_ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    assert problems(result.stderr) == []
    return project


@pytest.fixture
def book(pristine, tmp_path) -> Path:
    project = tmp_path / "book"
    shutil.copytree(pristine, project, symlinks=True)
    return project


def rebuild(project: Path, *, strict: bool = True, env: dict | None = None):
    """Build again into the project's own site/; returns (exit status, everything printed, seconds)."""
    started = time.monotonic()
    args = ("build", "--strict") if strict else ("build",)
    result = mkdocs(*args, "-f", str(project / "mkdocs.yml"), "-d", str(project / "site"), env=env or NO_PDF_ENV)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-4000:]
    assert not list(project.glob(".site-*")), "a temporary build folder was left behind"
    return result.returncode, output, time.monotonic() - started


def assert_fails_cleanly(project: Path, expected: str, *, house_style: bool = True, env: dict | None = None
                         ) -> str:
    """Build the broken project: non-zero exit, one message matching ``expected``, nothing lost."""
    site = tree_digest(project / "site")
    sources = sources_digest(project)
    status, output, _ = rebuild(project, env=env)
    assert status != 0, output[-3000:]
    found = problems(output)
    assert len(found) == 1, f"expected one ERROR/WARNING line, got {found}"
    assert re.search(expected, found[0]), f"{found[0]!r} does not match {expected!r}"
    if house_style:
        assert HOUSE_STYLE.match(found[0]), f"not in the house style: {found[0]!r}"
    assert tree_digest(project / "site") == site, "the failed build changed the previous site/"
    assert sources_digest(project) == sources, "the build wrote into the sources"
    return found[0]


def assert_builds(project: Path, *, strict: bool = True) -> tuple[str, float]:
    sources = sources_digest(project)
    status, output, seconds = rebuild(project, strict=strict)
    assert status == 0, output[-3000:]
    assert sources_digest(project) == sources, "the build wrote into the sources"
    return output, seconds


def page(project: Path, name: str) -> str:
    return (project / "site" / name).read_text(encoding="utf-8")


# -- broken sources: one clear message, nothing lost -------------------------------------------
# Each function breaks one thing and returns the message it must produce (a regex).

def invalid_yaml(book: Path) -> str:
    (book / "glossary" / "hlk.yml").write_text("term: HLK\ncyrillic: ГЛК\nforms: [HLK\nshort: x\n", encoding="utf-8")
    return r"^glossary/hlk\.yml, line 4: invalid YAML: "


def missing_field(book: Path) -> str:
    path = book / "glossary" / "varnak.yml"
    edit(path, next(line for line in path.read_text(encoding="utf-8").splitlines(True)
                    if line.startswith("short:")), "")
    return r"^glossary/varnak\.yml, line 1: missing required field 'short'$"


def duplicate_headword(book: Path) -> str:
    (book / "glossary" / "zz.yml").write_text(term_yaml("Varnak", ["zzvarnak"]), encoding="utf-8")
    line = line_of(book / "glossary" / "varnak.yml", "term:")
    return (r"^glossary/zz\.yml, line 1: duplicate headword 'Varnak', already defined in "
            rf"glossary/varnak\.yml, line {line}$")


def form_of_two_terms(book: Path) -> str:
    (book / "glossary" / "zz.yml").write_text(term_yaml("zed", ["zed", "varnaks"]), encoding="utf-8")
    line = line_of(book / "glossary" / "varnak.yml", "forms:")
    return (rf"^glossary/zz\.yml, line 3: form 'varnaks' of 'zed' is also claimed by 'varnak' in "
            rf"glossary/varnak\.yml, line {line}$")


def unknown_related(book: Path) -> str:
    path = book / "glossary" / "hlk.yml"
    edit(path, "related: []", "related: [razvyorstka]")
    line = line_of(path, "related:")
    return rf"^glossary/hlk\.yml, line {line}: related term 'razvyorstka' does not exist in the glossary$"


def unclosed_bibtex_entry(book: Path) -> str:
    path = book / "sources.bib"
    edit(path, "title = {The Last Keepers},", "title = {The Last Keepers,")
    line = line_of(path, "@book{quayle1999keepers")
    return rf"^sources\.bib, line {line}: malformed BibTeX: entry 'quayle1999keepers' is never closed"


def unclosed_earlier_bibtex_entry(book: Path) -> str:
    path = book / "sources.bib"
    edit(path, "title = {Lamps of the North Quay},", "title = {Lamps of the North Quay,")
    line, following = line_of(path, "@book{tamsin1921lamps"), line_of(path, "@article{orrin1960harbour")
    return (rf"^sources\.bib, line {line}: malformed BibTeX: entry 'tamsin1921lamps' is not closed before the "
            rf"next entry on line {following} \(a brace is missing\)$")


def missing_bibtex_comma(book: Path) -> str:
    path = book / "sources.bib"
    edit(path, "  year = {1999},", "  year = {1999}")
    line = line_of(path, "year = {1999}") + 1  # pybtex notices on the next field's line
    return (rf"^sources\.bib, line {line}: malformed BibTeX: '}}' expected \(in entry 'quayle1999keepers'\); "
            r"is a comma missing after the field before\?$")


def duplicate_bibtex_key(book: Path) -> str:
    path = book / "sources.bib"
    first = line_of(path, "@book{tamsin1921lamps")
    line = append(path, "\n@book{tamsin1921lamps,\n  author = {Other, An},\n  title = {Another},\n  year = {1930}\n}\n")
    return rf"^sources\.bib, line {line + 1}: duplicate key 'tamsin1921lamps', first defined on line {first}$"


def unknown_citation_key(book: Path) -> str:
    line = append(book / "docs" / "index.md", "\nThe lamps burned whale oil [see @nosuch2000key, p. 3].\n")
    return rf"^docs/index\.md, line {line + 1}: unknown citation key 'nosuch2000key'$"


def nav_to_missing_page(book: Path) -> str:
    line = add_to_nav(book, "Lost chapter: lost.md")
    return rf"^mkdocs\.yml, line {line}: nav entry 'Lost chapter' points to 'lost\.md', which is not a page in docs/$"


def link_to_missing_anchor(book: Path) -> str:
    append(book / "docs" / "index.md", "\nSee [the origins](guilds.md#no-such-anchor).\n")
    # MkDocs' own message: it names the page and the anchor, not the line (see the report on style).
    return (r"^Doc file 'index\.md' contains a link 'guilds\.md#no-such-anchor', "
            r"but the doc 'guilds\.md' does not contain an anchor '#no-such-anchor'")


def chapter_not_utf8(book: Path) -> str:
    text = "# The harbour\n\nThe varnak met at the café.\n"
    add_page(book, "latin.md", text.encode("latin-1"), "Latin")
    return rf"^docs/latin\.md, line 3: not valid UTF-8 \(byte {text.index('é')} is 0xe9\); save the file as UTF-8$"


def empty_chapter_strict(book: Path) -> str:
    # An empty page is a warning (it builds without --strict: see test_an_empty_chapter_builds_with_a_warning);
    # like every warning it fails the strict build, as a term no page uses does.
    add_page(book, "empty.md", "", "Empty chapter")
    return r"^docs/empty\.md: the page is empty$"


def unknown_option(book: Path) -> str:
    config = book / "mkdocs.yml"
    edit(config, "    link: all\n", "    link: all\n    colour: red\n")
    line = line_of(config, "colour: red")
    return rf"^mkdocs\.yml, line {line}: extra\.glossary: unknown option 'colour'; known options: "


def bad_option_value(book: Path) -> str:
    config = book / "mkdocs.yml"
    edit(config, "    link: all\n", "    link: everywhere\n")
    line = line_of(config, "link: everywhere")
    return rf"^mkdocs\.yml, line {line}: extra\.glossary\.link: 'everywhere' is not one of 'all', 'first-per-section'$"


def uncited_entry(book: Path) -> str:
    path = book / "sources.bib"
    line = append(path, "\n@book{nobody2001uncited,\n  author = {Nobody, An},\n  title = {Uncited},\n"
                        "  year = {2001}\n}\n")
    return rf"^sources\.bib, line {line + 1}: bibliography entry 'nobody2001uncited' is cited on no page$"


def unused_term(book: Path) -> str:
    (book / "glossary" / "zz.yml").write_text(term_yaml("zzunused", ["zzunused"]), encoding="utf-8")
    return r"^glossary/zz\.yml, line 1: glossary term 'zzunused' is used on no page$"


@dataclass(frozen=True)
class Broken:
    number: str  # the case's number in issue 9
    breaks: Callable[[Path], str]
    house_style: bool = True  # False: MkDocs' own message, not ours


BROKEN = [
    Broken("1", invalid_yaml),
    Broken("2", missing_field),
    Broken("3", duplicate_headword),
    Broken("4", form_of_two_terms),
    Broken("5", unknown_related),
    Broken("7", unclosed_bibtex_entry),
    Broken("7b", unclosed_earlier_bibtex_entry),
    Broken("7c", missing_bibtex_comma),
    Broken("8", duplicate_bibtex_key),
    Broken("9", unknown_citation_key),
    Broken("12", nav_to_missing_page),
    Broken("13", link_to_missing_anchor, house_style=False),
    Broken("14", chapter_not_utf8),
    Broken("15", empty_chapter_strict),
    Broken("22", unknown_option),
    Broken("22b", bad_option_value),
    Broken("dangling-bib", uncited_entry),
    Broken("dangling-term", unused_term),
]


@pytest.mark.parametrize("case", BROKEN, ids=[f"{c.number}-{c.breaks.__name__}" for c in BROKEN])
def test_a_broken_source_fails_with_one_clear_message(book, case):
    expected = case.breaks(book)
    assert_fails_cleanly(book, expected, house_style=case.house_style)


# -- awkward but valid sources: they build, and come out right ---------------------------------

def test_6_markup_in_a_definition_is_shown_as_text(book):
    add_hostile_term(book)
    assert_builds(book)
    terms = page(book, "terms.html")
    escaped = html.escape(XSS, quote=False)
    assert escaped in terms
    for live in ("<script>alert", "<img src=x", '<img src="x"', "onerror=\"alert(1)\">"):
        assert live not in terms
    tooltip = next(attrs for _, attrs, text in Links(page(book, "index.html")).glossary if text == "brenna")
    # Material's content.tooltips puts the title into the page as HTML, so the browser gets it escaped.
    assert tooltip["title"].endswith(escaped)
    assert "<script>alert" not in page(book, "index.html")


def test_10_html_in_a_bibtex_field_is_escaped(book):
    edit(book / "sources.bib", "title = {The Last Keepers},",
         f"title = {{The Last Keepers {XSS}}},\n  note = {{<b>bold</b> & more}},")
    assert_builds(book)
    for name in ("sources.html", "guilds.html"):
        text = page(book, name)
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text, name
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>bold</b>" not in text, name
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in page(book, "sources.html")


def test_11_latex_accents_in_the_bibtex_file_render_as_letters(book):
    bib = book / "sources.bib"
    edit(bib, "author = {Quayle, Tom},", "author = {Qu{\\\"u}yle, T{\\'e}m},")
    edit(bib, "title = {The Last Keepers},", "title = {The Last Keepers of M{\\\"u}nster and Caf{\\'e}s},")
    assert_builds(book)
    sources = page(book, "sources.html")
    assert "Tém Quüyle" in sources and "The Last Keepers of Münster and Cafés" in sources
    assert "Quüyle, <em>The Last Keepers of Münster and Cafés</em>" in page(book, "guilds.html")  # the note
    assert "\\\"" not in sources and "{\\'" not in sources


def test_15_an_empty_chapter_builds_with_a_warning(book):
    # An empty page is a warning, not an error: the non-strict build (and `mkdocs serve`) goes on,
    # and says which page. Under --strict every warning fails the build, as in case 15 above.
    add_page(book, "empty.md", "---\ndescription: To be written.\n---\n\n", "Empty chapter")
    output, _ = assert_builds(book, strict=False)
    assert problems(output) == ["docs/empty.md: the page is empty"]
    assert (book / "site" / "empty.html").exists()


def test_16_a_10_mb_chapter_builds(book):
    # Only a generous bound: how the build time grows with the page is the benchmark's business.
    paragraph = ("The keepers of the north quay met in the varnak every evening and argued about the "
                 "ostrel' and the HLK, the lamps, the oil and the winter watches. ") * 4
    parts, size, i = ["# A very long chapter", ""], 0, 0
    while size < 10 * 1024 * 1024:
        if i % 40 == 0:
            parts.append(f"## Section {i // 40}\n")
        parts.append(paragraph + "\n")
        size += len(paragraph) + 1
        i += 1
    add_page(book, "long.md", "\n".join(parts), "A long chapter")
    _, seconds = assert_builds(book)
    print(f"10 MB chapter built in {seconds:.1f} s")
    assert seconds < 540
    links = Links(page(book, "long.html")).glossary
    assert {attrs["href"] for _, attrs, _ in links} == {"terms.html#varnak", "terms.html#ostrel", "terms.html#hlk"}
    assert len(links) >= 3 * i  # link mode "all": every occurrence
    assert "long.html#term-varnak" in page(book, "terms.html")  # its "Used in" line


SKIPPED_PLACES = """\
# The varnak heading

## Another varnak heading

Inline `varnak` code, a [varnak link](index.md), and running text about the varnak.

```text
varnak in a fenced block
```

    varnak in an indented block
"""


def test_17_a_term_in_code_links_and_headings_is_not_linked(book):
    add_page(book, "skip.md", SKIPPED_PLACES, "Skipped places")
    assert_builds(book)
    found = Links(page(book, "skip.html"))
    assert [text for _, _, text in found.glossary] == ["varnak"]  # the running text's one only
    ancestors, _, _ = found.glossary[0]
    assert ancestors[-1] == "p" and not {"h1", "h2", "code", "pre", "a"} & set(ancestors)
    for text in ("The varnak heading", "Another varnak heading", "varnak link", "varnak in a fenced block",
                 "varnak in an indented block"):
        assert text in found.article_text


AT_SIGNS = """\
# Writing to the keepers

Mail varnak@example.org or [the warden](mailto:warden@example.org); `[@tamsin1921lamps]` is code.

```python
print("[@orrin1960harbour]")
```

    [@quayle1999keepers] in an indented block
"""


def test_18_an_at_sign_in_code_or_an_e_mail_address_is_not_a_citation(book):
    add_page(book, "mail.md", AT_SIGNS, "Mail")
    assert_builds(book)
    text = page(book, "mail.html")
    found = Links(text)
    assert found.citations == 0 and 'id="notes"' not in text and 'id="references"' not in text
    for kept in ("Mail varnak@example.org or", "[@tamsin1921lamps]", "[@orrin1960harbour]", "[@quayle1999keepers]"):
        assert kept in found.article_text
    assert found.glossary == []  # "varnak" inside the address is not a term either
    assert 'href="mailto:warden@example.org"' in text


def test_19_a_cyrillic_headword_links_and_anchors(book):
    add_cyrillic_term(book)
    assert_builds(book)
    terms = page(book, "terms.html")
    assert re.search(r'<h3 [^>]*\bid="колхоз"', terms)
    links = [(attrs["href"], text) for _, attrs, text in Links(page(book, "index.html")).glossary]
    assert ("terms.html#колхоз", "колхоз") in links and ("terms.html#колхоз", "колхозы") in links
    assert broken_links(book / "site") == []


def test_20_a_title_with_markdown_special_characters_renders(book):
    heading = "Chapter 4: NEP & the *smychka* — [draft] `a<b` 2 < 3 snake_case_word"
    shown = "Chapter 4: NEP & the smychka — [draft] a<b 2 < 3 snake_case_word"
    add_page(book, "special.md", f"# {heading}\n\nText about the varnak.\n")  # nav title from the h1
    assert_builds(book)
    text = page(book, "special.html")
    h1 = re.search(r"<h1[^>]*>(.*?)<a class=\"headerlink\"", text).group(1)
    assert h1 == ("Chapter 4: NEP &amp; the <em>smychka</em> — [draft] <code>a&lt;b</code> 2 &lt; 3 "
                  "snake_case_word")
    assert f"<title>{shown} - " in text  # <title> holds text only: "<" and "&" are safe there
    assert html.escape(shown, quote=False) in page(book, "index.html")  # the nav label


def test_23_a_glossary_file_with_a_bom_and_crlf_line_endings_is_accepted(book):
    path = book / "glossary" / "varnak.yml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    assert_builds(book)
    links = {attrs["href"] for _, attrs, _ in Links(page(book, "guilds.html")).glossary}
    assert "terms.html#varnak" in links


def test_24_of_two_overlapping_forms_the_longest_wins(book):
    glossary = book / "glossary"
    (glossary / "nep.yml").write_text(term_yaml("NEP", ["NEP"]), encoding="utf-8")
    (glossary / "nepmen.yml").write_text(term_yaml("NEPmen", ["NEPmen", "NEPman"]), encoding="utf-8")
    append(book / "docs" / "index.md", "\nUnder NEP the NEPmen traded; one NEPman sold oil.\n")
    assert_builds(book)
    links = [(text, attrs["href"]) for _, attrs, text in Links(page(book, "index.html")).glossary]
    assert [link for link in links if link[0].startswith("NEP")] == [
        ("NEP", "terms.html#nep"), ("NEPmen", "terms.html#nepmen"), ("NEPman", "terms.html#nepmen")]


# -- WeasyPrint missing (needs the real project and the PDF hook) ------------------------------

FAKE_WEASYPRINT = {
    "oserror": "raise OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: "
               "cannot open shared object file: No such file or directory\")\n",
    "importerror": "raise ImportError(\"No module named 'weasyprint'\", name='weasyprint')\n",
}


@pytest.fixture(scope="module")
def real_pristine(tmp_path_factory) -> Path:
    """The real project, built once without PDFs (quicker; the failed build is the one with PDFs)."""
    project = copy_project(tmp_path_factory.mktemp("real-pristine") / "book")
    result = build(project / "mkdocs.yml", project / "site", env=NO_PDF_ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    return project


@pytest.mark.skipif(not (ROOT / "hooks" / "pdf.py").exists(), reason="the PDF hook is not written yet")
@pytest.mark.parametrize("failure", sorted(FAKE_WEASYPRINT))
def test_21_weasyprint_missing_gives_one_message_naming_the_package(real_pristine, tmp_path, failure):
    project = tmp_path / "book"
    shutil.copytree(real_pristine, project, symlinks=True)
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(FAKE_WEASYPRINT[failure], encoding="utf-8")
    env = {k: v for k, v in BUILD_ENV.items() if k != "STUDYKIT_PDF"}
    env["PYTHONPATH"] = str(fake.parent) + (f":{env['PYTHONPATH']}" if env.get("PYTHONPATH") else "")
    message = assert_fails_cleanly(project, r"(?i)weasyprint", house_style=False, env=env).lower()
    if failure == "oserror":
        assert "pango" in message and "apt-get install" in message
    else:
        assert "pip install weasyprint" in message or "apt-get install" in message


# -- no network ---------------------------------------------------------------------------------

BLOCK_NETWORK = '''\
"""Loaded at start-up (it is on PYTHONPATH): record and refuse every attempt to reach the network."""
import os
import socket

_LOG = os.environ["NETWORK_ATTEMPTS"]


def _refuse(what):
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write(what + "\\n")
    raise OSError(f"network blocked by the test: {what}")


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(f"connect {address!r}")
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(f"connect_ex {address!r}")
    return _connect_ex(self, address)


socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.create_connection = lambda address, *a, **k: _refuse(f"create_connection {address!r}")
socket.getaddrinfo = lambda host, *a, **k: _refuse(f"getaddrinfo {host!r}")
socket.gethostbyname = lambda host: _refuse(f"gethostbyname {host!r}")
'''


def test_the_build_makes_no_network_request(tmp_path):
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCK_NETWORK, encoding="utf-8")
    attempts = tmp_path / "attempts.log"
    env = {k: v for k, v in BUILD_ENV.items() if k != "STUDYKIT_PDF"}  # PDFs on: WeasyPrint could fetch too
    env.update(PYTHONPATH=str(blocker), NETWORK_ATTEMPTS=str(attempts))
    # The blocker works: a connection attempt in the same environment is recorded and refused.
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('example.org', 80))"],
                           env=env, capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0 and "create_connection ('example.org', 80)" in attempts.read_text()
    attempts.unlink()
    project = mini_project(tmp_path / "book")
    result = build(project / "mkdocs.yml", project / "site", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not attempts.exists(), attempts.read_text()
    if "pdf.py" in (project / "mkdocs.yml").read_text(encoding="utf-8"):
        assert list((project / "site" / "pdf").glob("*.pdf")), "WeasyPrint made no PDF, so it was not checked"
