"""Options of the study-site hooks, read from ``extra.<name>`` in mkdocs.yml.

MkDocs has no option schema for hooks, so each hook declares its options here
and a typo fails the build instead of being silently ignored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from mkdocs.exceptions import PluginError


@dataclass(frozen=True)
class Option:
    default: Any
    choices: tuple | None = None
    help: str = ""


def read_options(config, name: str, schema: dict[str, Option]) -> dict[str, Any]:
    """Validate ``config.extra[name]`` against ``schema`` and fill in defaults."""
    where = f"{os.path.basename(config.config_file_path or 'mkdocs.yml')}: extra.{name}"
    raw = config.extra.get(name) or {}
    if not isinstance(raw, dict):
        raise PluginError(f"{where}: expected a mapping of options, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(schema))
    if unknown:
        raise PluginError(
            f"{where}: unknown option {unknown[0]!r}; known options: {', '.join(sorted(schema))}"
        )
    values = {}
    for key, option in schema.items():
        value = raw.get(key, option.default)
        if option.choices is not None and value not in option.choices:
            choices = ", ".join(repr(c) for c in option.choices)
            raise PluginError(f"{where}.{key}: {value!r} is not one of {choices}")
        if option.default is not None and not isinstance(value, type(option.default)):
            raise PluginError(
                f"{where}.{key}: expected {type(option.default).__name__}, got {type(value).__name__}"
            )
        values[key] = value
    return values


def config_dir(config) -> str:
    """The folder holding mkdocs.yml: every data path is relative to it."""
    return os.path.dirname(os.path.abspath(config.config_file_path))


def resolve(config, path: str) -> str:
    return os.path.normpath(os.path.join(config_dir(config), path))
