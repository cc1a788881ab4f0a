"""Source-file sanity: every page is UTF-8 and not empty, every nav entry exists.

Phases:
- on_files (last, after the hooks that add generated pages): read each page
  the author wrote; a page that is not UTF-8 fails the build naming its line
  and byte (MkDocs would crash with a traceback), an empty page is a warning
  (strict mode turns it into a failure); then check the nav, naming
  mkdocs.yml and the line of each entry that points at no page. That check
  replaces MkDocs' own, which names neither, at the level
  ``validation.nav.not_found`` sets.
"""

from __future__ import annotations

import logging
import os

from mkdocs.plugins import event_priority

from studykit.options import display_path
from studykit.sources import decode_utf8, is_blank_page, missing_nav_entries, nav_lines

log = logging.getLogger("mkdocs.hooks.sources")


@event_priority(-100)
def on_files(files, config):
    for file in files.documentation_pages():
        if file.generated_by or not file.abs_src_path:
            continue
        shown = display_path(config, file.abs_src_path)
        with open(file.abs_src_path, "rb") as fh:
            text = decode_utf8(fh.read(), shown)
        if is_blank_page(text):
            log.warning("%s: the page is empty", shown)
    _check_nav(files, config)
    return files


def _check_nav(files, config) -> None:
    level = config.validation.nav.not_found
    # `absolute_links: relative_to_docs` makes MkDocs read "/x.md" as docs/x.md.
    relative = getattr(config.validation.nav.absolute_links, "name", "") == "RELATIVE_TO_DOCS"
    missing = missing_nav_entries(config.nav or [], lambda path: files.get_file_from_path(path) is not None,
                                  relative_to_docs=relative)
    if missing:
        shown = os.path.basename(config.config_file_path or "mkdocs.yml")
        try:
            with open(config.config_file_path, encoding="utf-8-sig") as fh:
                lines = nav_lines(fh.read())
        except (OSError, TypeError):
            lines = {}
        docs = display_path(config, config.docs_dir)
        for title, path in missing:
            where = f"{shown}, line {lines[path]}" if path in lines else shown
            entry = f"nav entry {title!r}" if title else "nav entry"
            log.log(level, "%s: %s points to %r, which is not a page in %s/", where, entry, path, docs)
    # MkDocs would report each of these again, naming neither file nor line.
    config.validation.nav["not_found"] = logging.DEBUG
