"""Playwright for Python driving Debian's Chromium over file://, with the network cut.

Every request that is not for a file:// URL is recorded and aborted, so a test
can assert that the site attempted none.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browsing import CHROMIUM, CHROMIUM_ARGS, OfflinePage

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
                    "(or set CHROMIUM=/path/to/chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def offline(browser, site):
    pages = []

    def make(**context_options) -> OfflinePage:
        page = OfflinePage(browser, site, **context_options)
        pages.append(page)
        return page

    yield make
    for page in pages:
        assert page.blocked == [], f"requests to other hosts: {page.blocked}"
        page.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/ at the project root (gitignored), for screenshots a person can look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

