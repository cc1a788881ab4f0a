"""Build into a temporary folder and swap it into place only when the build succeeds.

Phases:
- on_startup: remember whether this is a clean ``mkdocs build``.
- on_config: point ``site_dir`` at a sibling temporary folder.
- on_post_build / on_build_error: record the outcome.
- on_shutdown: runs after the strict-mode check (and after Ctrl-C); swap the
  finished folder in on success, otherwise delete it and leave the previous
  ``site/`` exactly as it was.
"""

from __future__ import annotations

import logging

from mkdocs.plugins import event_priority

from studykit.output import SiteSwap

log = logging.getLogger("mkdocs.hooks.safe_output")

_swap: SiteSwap | None = None
_command: str | None = None


def on_startup(command, dirty):
    global _command
    # Only a clean build gets a temporary folder: `serve` builds into its own
    # temporary folder already, and `--dirty` builds on top of the old site.
    _command = "build" if command in ("build", "gh-deploy") and not dirty else None


@event_priority(100)
def on_config(config):
    global _swap
    if _command != "build" or SiteSwap.is_serve_tempdir(config.site_dir):
        _swap = None
        return config
    _swap = SiteSwap(config.site_dir)
    config.site_dir = str(_swap.staging)
    log.debug("Building into %s", _swap.staging)
    return config


@event_priority(-100)
def on_post_build(config):
    if _swap is not None:
        _swap.succeeded = True


def on_build_error(error):
    if _swap is not None:
        _swap.succeeded = False


def on_shutdown():
    global _swap
    if _swap is None:
        return
    if _swap.finish():
        log.info("Site written to %s", _swap.target)
    else:
        log.info("Build failed: the previous site in %s is unchanged", _swap.target)
    _swap = None
