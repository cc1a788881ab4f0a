"""Smoke test of `make bench`: a quick x1 run prints the whole table and writes its report.

It checks that the benchmarks run, not how fast anything is: a benchmark
prints numbers, and a slow machine is not a failure.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import BUILD_ENV, ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.main import make_rows  # noqa: E402

pytestmark = pytest.mark.slow

# Measured even by `--quick --scales 1`; the others say "not run (...)".
MEASURED_AT_X1 = ("build_x1", "build_cli_x1", "build_cold_x1", "glossary_find", "glossary_linker", "citations_x1",
                  "citations_time_x1", "serve")


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split(" | ")]


def test_quick_bench_prints_every_row(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    real = ROOT / "BENCHMARKS.md"
    before = real.read_bytes() if real.exists() else None

    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--scales", "1", "--output", str(report)],
        cwd=ROOT, env=BUILD_ENV, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    lines = [line for line in result.stdout.splitlines() if line.startswith("|")]
    assert cells(lines[0]) == ["measurement", "value", "target", "met?"]
    rows = make_rows()
    printed = [cells(line) for line in lines[2:]]
    assert [p[0] for p in printed] == [row.measurement for row in rows.values()]
    by_key = dict(zip(rows, printed))
    for key, (measurement, value, target, met) in by_key.items():
        assert value and target and met in ("yes", "**NO**", "—"), (key, value, met)
        assert not value.startswith("failed"), (key, value)
        assert value.startswith("not run") == (key not in MEASURED_AT_X1), (key, value)

    text = report.read_text(encoding="utf-8")
    for line in lines:
        assert line in text
    for heading in ("## Machine", "## Tools", "## Results", "## Details", "### Where the build time goes"):
        assert heading in text
    for tool in ("Python", "MkDocs", "Material for MkDocs", "mkdocs-bibtex", "pybtex", "ahocorasick-rs",
                 "WeasyPrint"):
        assert f"**{tool}:**" in text
    assert (real.read_bytes() if real.exists() else None) == before, "--output must leave BENCHMARKS.md alone"
