"""The machine and the tool versions a benchmark ran with."""

from __future__ import annotations

import os
import platform
from importlib import metadata

TOOLS = [
    ("Python", None),
    ("MkDocs", "mkdocs"),
    ("Material for MkDocs", "mkdocs-material"),
    ("mkdocs-bibtex", "mkdocs-bibtex"),
    ("pybtex", "pybtex"),
    ("ahocorasick-rs", "ahocorasick-rs"),
    ("Python-Markdown", "Markdown"),
    ("WeasyPrint", "weasyprint"),
]


def _first(path: str, prefix: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""


def machine() -> dict[str, str]:
    cpu = _first("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    kb = _first("/proc/meminfo", "MemTotal").split()
    memory = f"{int(kb[0]) / 1024 / 1024:.1f} GiB" if kb else "unknown"
    os_name = _first("/etc/os-release", "PRETTY_NAME=").strip('"') or platform.system()
    return {
        "CPU": cpu,
        "Cores": f"{os.cpu_count()} logical ({usable} usable by this process)",
        "Memory": memory,
        "OS": f"{os_name}, {platform.system()} {platform.release()} ({platform.machine()})",
    }


def versions() -> dict[str, str]:
    out = {}
    for label, dist in TOOLS:
        if dist is None:
            out[label] = platform.python_version()
            continue
        try:
            out[label] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[label] = "not installed"
    return out


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"
