"""Bad input in a real browser: markup in a glossary definition never runs, a Cyrillic anchor works.

The build half of these cases is tests/build/test_bad_input.py (cases 6 and 19).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from badinput import NO_PDF_ENV, XSS, add_cyrillic_term, add_hostile_term, mini_project
from browsing import OfflinePage
from helpers import build

pytestmark = pytest.mark.slow

SEARCH = "input[data-md-component='search-query']"
RESULT = ".md-search-result__item"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The mini-book with `<img onerror>` and `<script>` in a definition and tooltip, and a Cyrillic term."""
    project = mini_project(tmp_path_factory.mktemp("hostile") / "book")
    add_hostile_term(project)
    add_cyrillic_term(project)
    result = build(project / "mkdocs.yml", project / "site", env=NO_PDF_ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


class Watched(OfflinePage):
    """An offline tab that must also stay quiet: no dialog, no console or page error."""

    def assert_quiet(self):
        assert self.dialogs == [], f"script from the glossary ran: {self.dialogs}"
        assert self.console_errors == [] and self.errors == [], (self.console_errors, self.errors)
        assert self.blocked == [], f"requests to other hosts: {self.blocked}"


@pytest.fixture
def tab(browser, hostile_site):
    watched = Watched(browser, hostile_site)
    yield watched
    watched.context.close()


def test_markup_in_a_definition_is_shown_as_text_and_never_runs(tab):
    page = tab.open("terms.html")
    entry = page.locator(".glossary-entry", has_text="brenna")
    expect(entry).to_contain_text(XSS)  # visible, as text
    assert page.evaluate("document.querySelectorAll('img[onerror], img[src=\"x\"]').length") == 0
    assert page.evaluate("[...document.scripts].some(s => s.textContent.includes('alert('))") is False
    page.locator("#glossary-filter").fill("brenna")  # the filter reads the entries' text
    expect(entry).to_be_visible()

    page = tab.open("index.html")
    link = page.locator("a.glossary-term", has_text="brenna")
    link.hover()  # Material's tooltip puts the title, which holds the markup too, into the page as HTML
    tooltip = page.locator(".md-tooltip2__inner")
    expect(tooltip).to_contain_text(XSS)  # as text
    assert tooltip.evaluate("el => el.querySelector('img, script') === null")

    if page.locator(SEARCH).is_hidden():
        page.locator("label.md-search__icon[for='__search']").first.click()
    page.locator(SEARCH).fill("brenna")  # search results are built from the indexed text
    expect(page.locator(RESULT).first).to_be_visible(timeout=15000)
    page.wait_for_timeout(500)
    tab.assert_quiet()

    page.evaluate("alert(3)")  # the listener itself works: a real alert is seen
    assert tab.dialogs == ["3"]


def test_a_cyrillic_headword_link_leads_to_its_entry(tab):
    page = tab.open("index.html")
    page.locator("a.glossary-term", has_text=re.compile("^колхоз$")).click()
    expect(page).to_have_url(re.compile(r"terms\.html#%D0%BA%D0%BE%D0%BB%D1%85%D0%BE%D0%B7$"))
    expect(page.locator("[id='колхоз']")).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target')?.id") == "колхоз"
    tab.assert_quiet()
