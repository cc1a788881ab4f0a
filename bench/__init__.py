"""Benchmarks of the study-site generator (`make bench`, issue 8).

- ``corpus``: synthetic x1/x10/x50 corpora made from the project's own pages;
- ``worker``: one build (or one PDF render) in a fresh process, reported as JSON;
- ``builds``: our hooks against bare Material, citation formattings, peak memory;
- ``glossary``: glossary linker throughput outside a build;
- ``pdfs``: serial against parallel PDF rendering, and the no-change rebuild;
- ``serve``: save-to-page latency under ``mkdocs serve``;
- ``main``: runs them all, prints the table, writes BENCHMARKS.md.
"""
