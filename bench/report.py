"""The results table (Markdown, printed and written to BENCHMARKS.md)."""

from __future__ import annotations

from dataclasses import dataclass

NOT_RUN = "not run"


@dataclass
class Row:
    key: str  # a stable id, for the smoke test
    measurement: str
    target: str
    value: str = NOT_RUN
    met: bool | None = None  # None: no target, not run, or failed

    @property
    def met_text(self) -> str:
        if self.value.startswith(NOT_RUN):
            return "—"
        if self.value.startswith("failed"):
            return "failed"
        return {True: "yes", False: "**NO**", None: "—"}[self.met]


def table(rows: list[Row]) -> str:
    out = ["| measurement | value | target | met? |", "|---|---|---|---|"]
    for row in rows:
        cells = [row.measurement, row.value, row.target, row.met_text]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out)


def key_value(items: dict[str, str]) -> str:
    return "\n".join(f"- **{k}:** {v}" for k, v in items.items())


def ratio(x: float) -> str:
    return f"{x:.2f}×"


def seconds(x: float) -> str:
    return f"{x:.2f} s" if x >= 0.1 else f"{x * 1000:.0f} ms"
