"""Run ``bench.worker`` in a fresh process and read its result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .corpus import ROOT
from .worker import MARK

PYTHON = sys.executable


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "NO_MKDOCS_2_WARNING": "1",
        "SOURCE_DATE_EPOCH": env.get("SOURCE_DATE_EPOCH", "1700000000"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])]),
    })
    # Compiled bytecode is kept, as in everyday use: bare Material's modules come
    # precompiled from pip, and our hooks should not be compiled afresh in every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


class WorkerError(RuntimeError):
    pass


@dataclass
class Run:
    wall_s: float  # the whole process, Python start-up included
    data: dict

    def __getitem__(self, key):
        return self.data[key]


def run_worker(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 1800) -> Run:
    start = time.perf_counter()
    proc = subprocess.run([PYTHON, "-m", "bench.worker", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - start
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
    data = json.loads(lines[-1][len(MARK):]) if lines else {}
    if proc.returncode != 0 or not lines or "error" in data:
        detail = data.get("error") or proc.stderr.strip()[-2000:] or proc.stdout.strip()[-2000:]
        raise WorkerError(f"bench.worker {' '.join(args)} failed in {cwd}: {detail}")
    return Run(wall, data)
