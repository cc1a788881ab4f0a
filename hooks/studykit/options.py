"""Options of the study-site hooks, read from ``extra.<name>`` in mkdocs.yml.

MkDocs has no option schema for hooks, so each hook declares its options here
and a typo fails the build instead of being silently ignored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import yaml
from mkdocs.exceptions import PluginError


@dataclass(frozen=True)
class Option:
    default: Any
    choices: tuple | None = None
    help: str = ""


def read_options(config, name: str, schema: dict[str, Option]) -> dict[str, Any]:
    """Validate ``config.extra[name]`` against ``schema`` and fill in defaults."""
    shown = os.path.basename(config.config_file_path or "mkdocs.yml")

    def where(*keys: str) -> str:
        line = config_line(config, "extra", name, *keys)
        return f"{shown}, line {line}" if line else shown

    raw = config.extra.get(name) or {}
    if not isinstance(raw, dict):
        raise PluginError(f"{where()}: extra.{name}: expected a mapping of options, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(schema), key=str)
    if unknown:
        raise PluginError(
            f"{where(str(unknown[0]))}: extra.{name}: unknown option {unknown[0]!r}; "
            f"known options: {', '.join(sorted(schema))}"
        )
    values = {}
    for key, option in schema.items():
        value = raw.get(key, option.default)
        if option.choices is not None and value not in option.choices:
            choices = ", ".join(repr(c) for c in option.choices)
            raise PluginError(f"{where(key)}: extra.{name}.{key}: {value!r} is not one of {choices}")
        if option.default is not None and not isinstance(value, type(option.default)):
            raise PluginError(
                f"{where(key)}: extra.{name}.{key}: expected {type(option.default).__name__}, "
                f"got {type(value).__name__}"
            )
        values[key] = value
    return values


def config_dir(config) -> str:
    """The folder holding mkdocs.yml: every data path is relative to it."""
    return os.path.dirname(os.path.abspath(config.config_file_path))


def resolve(config, path: str) -> str:
    return os.path.normpath(os.path.join(config_dir(config), path))


def display_path(config, path: str | os.PathLike) -> str:
    """``path`` as an author finds it from the folder holding mkdocs.yml: ``docs/part-one/chapter-1.md``."""
    return PurePath(os.path.relpath(os.path.abspath(path), config_dir(config))).as_posix()


def config_line(config, *keys: str) -> int | None:
    """The line of ``keys`` (e.g. extra, glossary, link) in mkdocs.yml, or None if it is not there.

    Read only when reporting a problem. Composing, unlike loading, needs no
    constructor for MkDocs' own tags (``!ENV``, ``!relative``).
    """
    try:
        with open(config.config_file_path, encoding="utf-8-sig") as fh:
            node = yaml.compose(fh, Loader=yaml.SafeLoader)
    except (OSError, TypeError, ValueError, yaml.YAMLError):
        return None
    line = None
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                line, node = k.start_mark.line + 1, v
                break
        else:
            return None  # e.g. set in an INHERIT-ed parent file: no line to give
    return line
