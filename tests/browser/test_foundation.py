"""What a reader does first, checked in a real browser over file:// with the network cut."""

from __future__ import annotations

import re

from playwright.sync_api import expect

SEARCH = "input[data-md-component='search-query']"
RESULT = ".md-search-result__item"


def test_home_page_loads_from_disk_with_no_other_host(offline):
    tab = offline()
    page = tab.open("index.html")
    expect(page.locator("h1")).to_contain_text("A Short History of Soviet Socialism")
    assert tab.errors == []
    # The fixture asserts on teardown that no request left file://.


def test_search_works_offline(offline):
    page = offline().open("index.html")
    page.locator("label.md-search__icon[for='__search']").first.click() if page.locator(SEARCH).is_hidden() else None
    page.locator(SEARCH).fill("bukharin")
    expect(page.locator(RESULT).first).to_be_visible(timeout=15000)
    assert page.locator(RESULT).count() >= 3


def test_next_link_leads_to_the_next_chapter(offline):
    page = offline().open("part-two/chapter-2.html")
    page.locator("a.md-footer__link--next").click()
    expect(page).to_have_url(re.compile(r"part-two/chapter-3\.html$"))
    expect(page.locator("h1")).to_contain_text("War communism")
