"""Serve Material's offline-search shim from the site itself.

Material's offline plugin loads ``iframe-worker/shim`` from a CDN, which is
dead when the site is opened from disk with no network. This hook ships the
copy that ``npm ci`` fetched from the registry at build time instead.

Phases:
- on_config (before Material's offline plugin): register the local shim as a polyfill.
- on_files: add the shim file to the site.
"""

from __future__ import annotations

import logging
import os

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from studykit.options import Option, display_path, read_options, resolve

log = logging.getLogger("mkdocs.hooks.offline")

SHIM_URI = "assets/javascripts/iframe-worker-shim.js"
OPTIONS = {"shim": Option("node_modules/iframe-worker/shim/index.js", help="path to the shim")}

_shim_path: str | None = None


@event_priority(100)
def on_config(config):
    global _shim_path
    _shim_path = resolve(config, read_options(config, "offline", OPTIONS)["shim"])
    if not os.path.isfile(_shim_path):
        raise PluginError(
            f"{display_path(config, _shim_path)}: offline search shim not found; "
            "run `npm ci` (or `make site`) to fetch it"
        )
    polyfills = config.extra.setdefault("polyfills", [])
    if SHIM_URI not in polyfills:
        # Any entry naming "iframe-worker" stops Material adding its CDN copy.
        polyfills.append(SHIM_URI)
    return config


def on_files(files, config):
    with open(_shim_path, encoding="utf-8") as fh:
        files.append(File.generated(config, SHIM_URI, content=fh.read()))
    return files
