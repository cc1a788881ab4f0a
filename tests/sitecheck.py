"""Walk a built site: every internal link, asset and anchor must resolve."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src"}


@dataclass
class PageScan:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)  # (tag, url)


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.scan.ids.add(attrs[key])
        attr = LINK_ATTRS.get(tag)
        if attr and attrs.get(attr) is not None:
            self.scan.links.append((tag, attrs[attr]))


def pages(site: Path) -> list[Path]:
    """Every page a reader reaches by a link. 404.html is left out: the server sends it
    for any missing path, so MkDocs writes it with URLs from site_url's root."""
    return [p for p in sorted(site.rglob("*.html")) if p.relative_to(site).as_posix() != "404.html"]


def scan(path: Path) -> PageScan:
    parser = _Scanner()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.scan


def external_resources(site: Path) -> list[str]:
    """Resources (not navigation links) that a browser would fetch from another host."""
    found = []
    for page in site.rglob("*.html"):  # 404.html included: it must not fetch from elsewhere either
        for tag, url in scan(page).links:
            if tag != "a" and urlsplit(url).scheme in ("http", "https", "") and url.startswith(("http", "//")):
                found.append(f"{page.relative_to(site)}: <{tag}> {url}")
    return found


def broken_links(site: Path) -> list[str]:
    """Internal links whose file or #anchor does not exist."""
    scans = {page: scan(page) for page in pages(site)}
    problems = []
    for page, result in scans.items():
        for tag, url in result.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//") or url.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{page.relative_to(site)}: {url} -> missing file")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = scans[target].ids if target in scans else scan(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{page.relative_to(site)}: {url} -> missing anchor")
    return problems
