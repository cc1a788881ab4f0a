"""Sanity checks on the pages an author writes, before MkDocs reads them.

MkDocs itself crashes with a traceback on a page that is not UTF-8, says
nothing about an empty page, and reports a nav entry for a missing page
without naming mkdocs.yml or the line. These checks give each of those one
line naming the file, the line and the problem.
"""

from __future__ import annotations

from typing import Callable, Iterator
from urllib.parse import urlsplit

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data

BOM = b"\xef\xbb\xbf"


def decode_utf8(data: bytes, shown: str) -> str:
    """The text of a source file; a BOM is fine, anything not UTF-8 names its line and byte."""
    skipped = len(BOM) if data.startswith(BOM) else 0
    body = data[skipped:]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise PluginError(
            f"{shown}, line {line}: not valid UTF-8 (byte {exc.start + skipped} is 0x{body[exc.start]:02x}); "
            "save the file as UTF-8"
        ) from None


def is_blank_page(text: str) -> bool:
    """Nothing but white space, perhaps under front matter."""
    body, _meta = get_data(text)
    return not body.strip()


def nav_entries(nav) -> Iterator[tuple[str | None, str]]:
    """(title, path) for every page or link in an MkDocs ``nav`` value, in order."""
    if isinstance(nav, str):
        yield None, nav
    elif isinstance(nav, dict):
        for title, value in nav.items():
            if isinstance(value, str):
                yield title, value
            else:
                yield from nav_entries(value)
    elif isinstance(nav, list):
        for item in nav:
            yield from nav_entries(item)


def missing_nav_entries(nav, exists: Callable[[str], bool], relative_to_docs: bool = True
                        ) -> list[tuple[str | None, str]]:
    """Nav entries that point at no file of the site, as MkDocs would judge them.

    Links to other sites are skipped, and so is an absolute ``/path`` unless
    MkDocs reads it relative to docs/ (``validation.nav.absolute_links``).
    """
    missing = []
    for title, path in nav_entries(nav):
        parts = urlsplit(path)
        if parts.scheme or parts.netloc:
            continue
        lookup = path
        if path.startswith("/"):
            if not relative_to_docs:
                continue
            lookup = path.lstrip("/")
        if not exists(lookup):
            missing.append((title, path))
    return missing


def nav_lines(config_text: str) -> dict[str, int]:
    """Each path under the top-level ``nav:`` of mkdocs.yml -> the line of its first entry."""
    try:
        root = yaml.compose(config_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    lines: dict[str, int] = {}

    def walk(node):
        if isinstance(node, yaml.ScalarNode):
            lines.setdefault(node.value, node.start_mark.line + 1)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.MappingNode):
            for _key, value in node.value:  # titles are keys; paths are values
                walk(value)

    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "nav":
            walk(value)
    return lines
