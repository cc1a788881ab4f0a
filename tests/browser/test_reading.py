"""The reading experience (issue 7), checked in Chromium over file:// with the network cut.

Every test opens the real strict build (the session fixture `site`) through the
`offline` fixture, which blocks and counts any request that is not for a
file:// URL and fails the test on teardown if there was one.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # npm devDependency, pinned in package-lock.json
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}

SEARCH = "input[data-md-component='search-query']"
RESULT = ".md-search-result__item"
TERM_LINK = "article a.glossary-term"


def site_pages(site: Path) -> list[str]:
    """Every built HTML page, relative to the site folder, except the 404 page."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")


def glossary_uses(site: Path, slug: str) -> set[str]:
    """The pages the glossary's "Used in" line lists for a term, relative to the site."""
    html = (site / "glossary.html").read_text(encoding="utf-8")
    entry = html[html.index(f'id="{slug}"'):]
    uses = re.search(r'<p class="glossary-uses">(.*?)</p>', entry, re.S).group(1)
    return {href.split("#")[0] for href in re.findall(r'href="([^"]+)"', uses)}


def site_path(site: Path, url: str) -> str:
    """A file:// URL inside the site as a site-relative path, without query or fragment."""
    return Path(unquote(urlsplit(url).path)).relative_to(site.resolve()).as_posix()


def chapter_pages() -> list[str]:
    """The built pages of the source pages that declare a `chapter:` number in their front matter."""
    pages = []
    for md in sorted(DOCS.rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        front = re.match(r"---\n(.*?)\n---\n", text, re.S)
        if front and re.search(r"^chapter:\s*\d+\s*$", front.group(1), re.M):
            pages.append(md.relative_to(DOCS).with_suffix(".html").as_posix())
    return pages


def pdf_hook_enabled() -> bool:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return (ROOT / "hooks/pdf.py").exists() and re.search(r"^\s*-\s*hooks/pdf\.py\s*$", config, re.M) is not None


def in_viewport(locator) -> bool:
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth; }")


# --- Search -----------------------------------------------------------------------------------

def search(page, query: str):
    """Type the query as a reader would and wait until the results are for the whole of it."""
    box = page.locator(SEARCH)
    if box.is_hidden():
        page.locator("label.md-search__icon[for='__search']").first.click()
    box.press_sequentially(query, delay=20)
    # Results are redrawn as each letter arrives; a section link carries the query as ?h=.
    page.wait_for_function(
        "q => [...document.querySelectorAll('.md-search-result__item a')]"
        ".some(a => new URL(a.href).searchParams.get('h') === q)",
        arg=query, timeout=15000)
    return page.locator(RESULT)


@pytest.mark.parametrize("query, slug", [
    ("kombedy", "kombedy"),
    ("khozraschet", "khozraschet"),
    ("sovnarkhozy", "sovnarkhoz"),
])
def test_search_lists_the_glossary_entry_first_then_the_chapters_using_it(offline, site, query, slug):
    tab = offline(**DESKTOP)
    page = tab.open("index.html")
    results = search(page, query)

    first = results.first.locator("a.md-search-result__link")
    expect(first.first.locator("h1")).to_have_text("Glossary")
    assert site_path(site, first.first.evaluate("a => a.href")) == "glossary.html"
    # The glossary page's first matching section is the term's own entry.
    assert first.nth(1).evaluate("a => a.href").endswith(f"glossary.html?h={query}#{slug}")

    later = [site_path(site, results.nth(i).locator("a").first.evaluate("a => a.href"))
             for i in range(1, results.count())]
    assert later, f"search for {query!r} found only the glossary"
    uses = glossary_uses(site, slug)
    assert set(later) <= uses, f"results {later} include pages that do not use {slug!r} (used in {sorted(uses)})"
    assert any(re.search(r"chapter-\d+\.html$", p) for p in later), later
    assert tab.errors == []


def test_search_finds_a_term_from_another_romanisation(offline, site):
    """"sovnarhoz" (kh written h) finds the sovnarkhoz entry through its "Other spellings" line."""
    tab = offline(**DESKTOP)
    results = search(tab.open("index.html"), "sovnarhoz")
    links = results.first.locator("a.md-search-result__link")
    hrefs = [links.nth(i).evaluate("a => a.href") for i in range(links.count())]
    assert site_path(site, hrefs[0]) == "glossary.html"
    assert hrefs[1].endswith("glossary.html?h=sovnarhoz#sovnarkhoz"), hrefs
    assert tab.errors == []


# --- Tooltips ---------------------------------------------------------------------------------

def tooltip_of(page, term):
    """Material's tooltip for an element (feature content.tooltips): the element its aria-describedby names."""
    expect(term).to_have_attribute("aria-describedby", re.compile(r"\S"))
    return page.locator(f"[id='{term.get_attribute('aria-describedby')}']")


def expect_shown(tooltip, text: str):
    """On screen, faded fully in (Playwright counts opacity 0 as visible), with the definition."""
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_attribute("role", "tooltip")
    expect(tooltip).to_have_css("opacity", "1")
    expect(tooltip).to_have_text(text)
    assert in_viewport(tooltip)


def test_hovering_a_glossary_term_shows_its_short_definition(offline):
    tab = offline(**DESKTOP)
    page = tab.open("part-two/chapter-3.html")
    term = page.locator(TERM_LINK).first
    short = term.get_attribute("title")  # Material moves the title into its tooltip on first use
    assert short and len(short) <= 200

    expect(page.locator("[role=tooltip]:visible")).to_have_count(0)
    term.hover()
    tooltip = tooltip_of(page, term)
    expect_shown(tooltip, short)
    page.mouse.move(5, 850)  # moving away hides it again
    expect(tooltip).to_be_hidden()
    assert tab.errors == []


def test_tabbing_to_a_glossary_term_shows_its_short_definition(offline):
    tab = offline(**DESKTOP)
    page = tab.open("part-two/chapter-3.html")
    term = page.locator(TERM_LINK).first
    short = term.get_attribute("title")

    # A keyboard reader: Tab to "Skip to content", Enter, then Tab through the text to the first term.
    page.keyboard.press("Tab")
    expect(page.locator("a.md-skip")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(25):
        page.keyboard.press("Tab")
        if term.evaluate("e => e === document.activeElement"):
            break
    expect(term).to_be_focused()

    expect_shown(tooltip_of(page, term), short)
    assert tab.errors == []


# --- Glossary filter --------------------------------------------------------------------------

def test_glossary_filter_narrows_the_list_and_clearing_it_restores_all(offline):
    tab = offline(**DESKTOP)
    page = tab.open("glossary.html")
    entries = page.locator(".glossary-entry")
    visible = page.locator(".glossary-entry:visible")
    total = entries.count()
    assert total > 20
    expect(visible).to_have_count(total)

    box = page.locator("#glossary-filter")
    box.click()
    box.press_sequentially("kol", delay=20)
    expect(box).to_have_value("kol")
    expect(page.locator(".glossary-filter-status")).to_have_text(re.compile(rf"^\d+ of {total} terms match$"))
    shown = visible.count()
    assert 0 < shown < total
    keys = visible.evaluate_all("es => es.map(e => e.dataset.filter)")
    assert all("kol" in key for key in keys), keys
    hidden = page.locator(".glossary-entry:not(:visible)").evaluate_all("es => es.map(e => e.dataset.filter)")
    assert not any("kol" in key for key in hidden)
    expect(page.locator(".glossary-filter-status")).to_have_text(f"{shown} of {total} terms match")
    # A letter heading stays only while one of its entries is shown.
    assert page.locator(".glossary-letter:visible").count() < page.locator(".glossary-letter").count()

    box.press("Control+a")
    box.press("Backspace")
    expect(visible).to_have_count(total)
    expect(page.locator(".glossary-letter:visible")).to_have_count(page.locator(".glossary-letter").count())
    assert tab.errors == []


def uncovered(locator) -> bool:
    """Whether the element is on screen and nothing (a sticky bar, the header) sits on top of it."""
    return locator.evaluate("""e => {
        const r = e.getBoundingClientRect();
        if (r.top < 0 || r.bottom > innerHeight) return false;
        return [0.25, 0.5, 0.75].every(f => {
            const hit = document.elementFromPoint(r.left + 4, r.top + r.height * f);
            return hit !== null && (hit === e || e.contains(hit));
        });
    }""")


@pytest.mark.parametrize("options", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_following_a_term_link_shows_its_glossary_entry_uncovered(offline, options):
    tab = offline(**options)
    page = tab.open("part-two/chapter-3.html")
    term = page.locator(TERM_LINK).first
    slug = term.get_attribute("href").split("#")[1]
    term.click()
    expect(page).to_have_url(re.compile(rf"glossary\.html#{re.escape(slug)}$"))
    heading = page.locator(f"[id='{slug}']")
    expect(heading).to_be_in_viewport()
    page.wait_for_timeout(200)  # the jump has happened; let Material settle the header
    assert uncovered(heading), f"the heading of {slug!r} is hidden behind something"
    assert tab.errors == []


# --- Citations --------------------------------------------------------------------------------

def test_a_note_leads_to_the_bibliography_and_back(offline, site):
    tab = offline(**DESKTOP)
    chapter = "part-two/chapter-3.html"
    page = tab.open(chapter)
    source = page.locator(".citation-notes a.citation-source").first
    note_id = source.evaluate("a => a.closest('li').id")
    key = source.get_attribute("href").split("#")[1]

    source.click()
    expect(page).to_have_url(re.compile(rf"/bibliography\.html#{re.escape(key)}$"))
    entry = page.locator(f"[id='{key}']")
    expect(entry).to_have_count(1)
    expect(entry).to_be_in_viewport()

    # "Cited in" names the chapter and links to the very note we came from.
    back = entry.locator(f".bib-cited a[href$='{chapter}#{note_id}']")
    expect(back).to_have_count(1)
    back.click()
    expect(page).to_have_url(re.compile(rf"/{re.escape(chapter)}#{note_id}$"))
    note = page.locator(f"[id='{note_id}']")
    expect(note).to_be_in_viewport()
    expect(note.locator(f"a.citation-source[href$='bibliography.html#{key}']").first).to_be_visible()
    assert tab.errors == []


# --- PDFs -------------------------------------------------------------------------------------

@pytest.mark.skipif(not pdf_hook_enabled(), reason="hooks/pdf.py is not yet listed under hooks: in mkdocs.yml")
def test_every_chapter_links_to_its_pdf(offline, site):
    chapters = chapter_pages()
    assert len(chapters) >= 10
    tab = offline(**DESKTOP)
    page = tab.page
    for chapter in chapters:
        tab.open(chapter)
        link = page.locator("h1 + p.pdf-download a")
        expect(link, f"{chapter}: no Download PDF link under the h1").to_have_count(1)
        expect(link).to_have_text(re.compile("Download PDF"))
        expect(link).to_be_visible()
        target = site / site_path(site, link.evaluate("a => a.href"))
        assert target.suffix == ".pdf" and target.is_file(), f"{chapter}: {target} does not exist"
        assert target.read_bytes()[:5] == b"%PDF-", target
    assert tab.errors == []


# --- Phone width ------------------------------------------------------------------------------

def test_no_page_scrolls_sideways_at_phone_width(offline, site):
    tab = offline(**PHONE)
    pages = site_pages(site)
    assert len(pages) >= 15
    wide = {}
    for relative in pages:
        page = tab.open(relative)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            wide[relative] = width
    assert wide == {}, f"pages wider than a 375 px phone (scrollWidth, clientWidth): {wide}"
    assert tab.errors == []


def test_navigation_drawer_opens_at_phone_width(offline):
    tab = offline(**PHONE)
    page = tab.open("part-two/chapter-3.html")
    drawer = page.locator("nav.md-nav--primary")
    expect(drawer).not_to_be_in_viewport()
    page.locator(".md-header label[for='__drawer']").first.click()
    expect(drawer).to_be_in_viewport()
    expect(drawer.locator("a.md-nav__link[href$='chapter-4.html']")).to_be_visible()
    assert tab.errors == []


# --- Dark mode --------------------------------------------------------------------------------

def test_dark_mode_toggle_survives_navigation(offline):
    tab = offline(**DESKTOP)
    page = tab.open("part-two/chapter-3.html")
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")

    page.locator("[data-md-component=palette] label.md-header__button:visible").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")

    page.locator("a.md-footer__link--next").click()  # a real link, followed
    expect(page).to_have_url(re.compile(r"part-two/chapter-4\.html$"))
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    tab.open("glossary.html")  # and a page opened afresh
    expect(body).to_have_attribute("data-md-color-scheme", "slate")

    page.locator("[data-md-component=palette] label.md-header__button:visible").click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    tab.open("index.html")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    assert tab.errors == []


# --- Accessibility ----------------------------------------------------------------------------

# Violations that come from Material for MkDocs itself, each excluded by rule id and exact
# target, never a whole rule:
MATERIAL_EXCLUSIONS = {
    # Material's search partial is <div class="md-search" role="dialog"> with no accessible
    # name (material/templates/partials/search.html). Fixing it needs a theme override of
    # that partial (aria-label="Search"), not our markup.
    ("aria-dialog-name", ".md-search"),
}


AXE_RUN = """async (only) => {
    const options = {resultTypes: ['violations']};
    if (only) options.runOnly = only;
    const result = await axe.run(document, options);
    return result.violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
}"""
# Only these rules depend on the colour scheme, so dark mode re-runs just them.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def axe_failures(page, where: str, only: list[str] | None = None) -> list[str]:
    failures = []
    for v in page.evaluate(AXE_RUN, only):
        nodes = [n for n in v["nodes"] if (v["id"], n["target"]) not in MATERIAL_EXCLUSIONS]
        failures += [f"{where}: {v['impact']} {v['id']} ({v['help']}) at {n['target']}: "
                     f"{' '.join(n['summary'].split())[:300]}" for n in nodes[:5]]
    return failures


def test_axe_finds_no_serious_violation_on_any_page_in_light_or_dark_mode(offline, site):
    """Every page, all of axe's rules in light mode, then its colour rules again in dark mode.

    The page is loaded once: the dark run uses Material's own toggle (and switches
    back, so the next page opens light). Transitions are switched off first so
    that axe reads the final colours, not a frame of the fade.
    """
    tab = offline(color_scheme="light", **DESKTOP)
    body = tab.page.locator("body")
    toggle = "[data-md-component=palette] label.md-header__button:visible"
    failures = []
    for relative in site_pages(site):
        page = tab.open(relative)
        expect(body).to_have_attribute("data-md-color-scheme", "default")
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
        page.add_script_tag(path=str(AXE))
        failures += axe_failures(page, f"{relative} (light)")
        page.locator(toggle).click()
        expect(body).to_have_attribute("data-md-color-scheme", "slate")
        failures += axe_failures(page, f"{relative} (dark)", COLOUR_RULES)
        page.locator(toggle).click()
        expect(body).to_have_attribute("data-md-color-scheme", "default")
    assert failures == [], "\n".join(failures)
    assert tab.errors == []


# --- Screenshots ------------------------------------------------------------------------------

def _hover_first_term(page):
    term = page.locator(TERM_LINK).first
    term.hover()
    expect(tooltip_of(page, term)).to_have_css("opacity", "1")


def _dark(page):
    page.locator("[data-md-component=palette] label.md-header__button:visible").click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    page.mouse.move(640, 600)  # off the toggle, so its own tooltip goes
    expect(page.locator(".md-tooltip2")).to_have_count(0)


def _open_drawer(page):
    page.locator(".md-header label[for='__drawer']").first.click()
    expect(page.locator("nav.md-nav--primary")).to_be_in_viewport()
    page.wait_for_timeout(300)  # let the slide-in finish


SCREENSHOTS = {  # browser: [(file name, page, what to do before the shot)], dark mode last
    "desktop": (DESKTOP, [
        ("chapter-desktop.png", "part-two/chapter-3.html", None),
        ("chapter-tooltip-desktop.png", "part-two/chapter-3.html", _hover_first_term),
        ("glossary-desktop.png", "glossary.html", None),
        ("chapter-dark-desktop.png", "part-two/chapter-3.html", _dark),
    ]),
    "phone": (PHONE, [
        ("chapter-phone.png", "part-two/chapter-3.html", None),
        ("glossary-phone.png", "glossary.html", None),
        ("drawer-phone.png", "part-two/chapter-3.html", _open_drawer),
    ]),
}


@pytest.mark.parametrize("browser_kind", SCREENSHOTS)
def test_screenshots_for_a_person_to_look_at(offline, artifacts, browser_kind):
    """test-artifacts/*.png: what a reader sees first, for a person to look over."""
    options, shots = SCREENSHOTS[browser_kind]
    tab = offline(**options)
    for name, relative, action in shots:
        page = tab.open(relative)
        expect(page.locator("h1")).to_be_visible()
        if action:
            action(page)
        page.screenshot(path=artifacts / name)
        assert (artifacts / name).stat().st_size > 10_000
    assert tab.errors == []
