"""Find every glossary form in a text in one pass over one Aho–Corasick automaton.

Rules:
- whole words only (Unicode-aware: Cyrillic and Latin letters and digits);
- a form with two or more capitals (NEP, VSNKh) or from a ``match_case`` term
  matches in exactly that case; any other form matches in any case;
- a soft sign written ’, ' or ʼ, or left out, matches the same form;
- leftmost match wins, and at one position the longest (NEPmen beats NEP);
- nothing inside an e-mail address or a URL written as text
  (``varnak@example.org`` stays an address).

pyahocorasick's ``iter_long`` is not used: it drops a match when the longest
candidate at a position fails the word-boundary check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, NamedTuple

import ahocorasick

from .terms import APOSTROPHES, Term


_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[A-Za-z][\w+.-]*://\S+|\bwww\.\S+")


class Match(NamedTuple):
    start: int
    end: int
    term: Term


@dataclass(frozen=True)
class _Candidate:
    term: Term
    text: str  # the exact surface text, for case-sensitive forms
    exact: bool


def is_exact_case(form: str) -> bool:
    return sum(c.isupper() for c in form) >= 2


def spelling_variants(form: str) -> set[str]:
    """The form with its soft sign as ’, ' and ʼ, and without it."""
    if not any(a in form for a in APOSTROPHES):
        return {form}
    bare = form
    for a in APOSTROPHES:
        bare = bare.replace(a, "\0")
    return {bare.replace("\0", a) for a in APOSTROPHES} | {bare.replace("\0", "")}


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters (İ) grow when lowered; keep offsets aligned with the original.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class TermMatcher:
    """All forms of all terms, compiled once per build."""

    def __init__(self, terms: Iterable[Term]):
        self.terms = list(terms)
        self._automaton = ahocorasick.Automaton()
        table: dict[str, list[_Candidate]] = {}
        for term in self.terms:
            for form in term.forms:
                exact = term.match_case or is_exact_case(form)
                for variant in spelling_variants(form):
                    key = _lower_same_length(variant)
                    table.setdefault(key, []).append(_Candidate(term, variant, exact))
        for key, candidates in table.items():
            self._automaton.add_word(key, (len(key), tuple(candidates)))
        self.empty = not table
        if not self.empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Match]:
        """Non-overlapping whole-word matches, left to right."""
        if self.empty or not text:
            return []
        lowered = _lower_same_length(text)
        found: list[Match] = []
        n = len(text)
        for end_index, (length, candidates) in self._automaton.iter(lowered):
            start, end = end_index - length + 1, end_index + 1
            if start > 0 and _is_word_char(text[start - 1]):
                continue
            if end < n and _is_word_char(text[end]):
                continue
            surface = text[start:end]
            for cand in candidates:
                if not cand.exact or surface == cand.text:
                    found.append(Match(start, end, cand.term))
                    break
        if "@" in text or "://" in text or "www." in text:
            addresses = [a.span() for a in _ADDRESS.finditer(text)]
            found = [m for m in found if not any(s < m.end and m.start < e for s, e in addresses)]
        found.sort(key=lambda m: (m.start, m.start - m.end))
        chosen: list[Match] = []
        last_end = 0
        for m in found:
            if m.start >= last_end:
                chosen.append(m)
                last_end = m.end
        return chosen
