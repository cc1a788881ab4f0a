"""Synthetic corpora made from the project's own pages.

``make_corpus(dest, n)`` writes a self-contained book project into ``dest``:

- ``glossary/``, ``bibliography.bib`` (wherever ``extra`` says they live) and
  ``docs/`` are copied unchanged, so x1 is the real site;
- for n > 1, the whole ``docs/`` tree is copied n - 1 more times into
  ``docs/copy-K/`` (K = 2..n) and each copy gets its own nav section. A copy
  keeps the tree's shape, so relative links between source pages (the chapter
  pages' ``../chronology.md``) still resolve inside the copy; links to pages
  the hooks generate (glossary, bibliography, PDFs), which exist only once,
  become docs-relative (``/glossary.md``) and absolute links to source pages
  point into the copy;
- ``mkdocs.yml`` is the project's, with hook paths, the offline shim and
  ``watch`` entries made absolute (they point back into the project), and
  ``site_dir`` set to ``site-hooks``;
- ``mkdocs-bare.yml`` is the same site for bare Material: no hooks, none of
  the hooks' ``extra`` options, no nav entries for generated pages, link
  validation at info level (its citations stay plain text, and links to the
  generated pages do not resolve), ``site_dir: site-bare``.
"""

from __future__ import annotations

import copy
import posixpath
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
HOOKS_DIR = ROOT / "hooks"

# Defaults of the hooks' data options (hooks/glossary.py, hooks/citations.py, hooks/offline.py).
DATA_DEFAULTS = {("glossary", "source"): "glossary", ("bibliography", "source"): "bibliography.bib"}
SHIM_DEFAULT = "node_modules/iframe-worker/shim/index.js"


# -- YAML that keeps tags (!ENV, !relative, !!python/name:) as they are ----------


class Tagged:
    def __init__(self, tag: str, value):
        self.tag, self.value = tag, value


class _Loader(yaml.SafeLoader):
    pass


def _construct_tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged(node.tag, value)


_Loader.add_multi_constructor("!", _construct_tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper, data: Tagged):
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_Dumper.add_representer(Tagged, _represent_tagged)


def load_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader) or {}


def dump_yaml(data: dict, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(data, fh, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


# -- hooks and their options -----------------------------------------------------


def hook_option_names(hook_paths: list[Path]) -> set[str]:
    """The ``extra.<name>`` sections our hooks read (``read_options(config, "name", ...)``)."""
    names = set()
    for path in hook_paths:
        if path.is_file():
            names |= set(re.findall(r"read_options\(\s*config\s*,\s*[\"'](\w+)[\"']", path.read_text(encoding="utf-8")))
    return names


# -- link rewriting in copies ------------------------------------------------------

_INLINE_LINK = re.compile(r"(\]\(\s*<?)([^)\s>]+)")
_REF_DEF = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*<?)(\S+?)(>?)(?=\s|$)", re.M)
_HTML_ATTR = re.compile(r"""((?:href|src)\s*=\s*["'])([^"']+)""")


def _rewrite_url(url: str, src_dir: str, prefix: str, files: set[str], dirs: set[str]) -> str:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return url
    frag = f"#{parts.fragment}" if parts.fragment else ""
    path = unquote(parts.path)
    if path.startswith("/"):
        target = path.lstrip("/")
        if target in files or target.rstrip("/") in dirs:
            return f"/{prefix}/{target}{frag}"
        return url
    target = posixpath.normpath(posixpath.join(src_dir, path))
    if target.startswith("../") or target in files or target in dirs:
        return url  # the copy has the same shape: the relative link still resolves
    return f"/{target}{frag}"  # a generated page, present once at the top of docs/


def rewrite_links(text: str, src_rel: str, prefix: str, files: set[str], dirs: set[str]) -> str:
    src_dir = posixpath.dirname(src_rel)

    def fix(m):
        return m.group(1) + _rewrite_url(m.group(2), src_dir, prefix, files, dirs)

    text = _INLINE_LINK.sub(fix, text)
    text = _REF_DEF.sub(lambda m: fix(m) + m.group(3), text)
    return _HTML_ATTR.sub(fix, text)


def _prefix_nav(nav, prefix: str, files: set[str]):
    """The nav with every source page moved under ``prefix``; generated pages and URLs dropped."""
    if isinstance(nav, str):
        return f"{prefix}/{nav}" if nav in files else None
    if isinstance(nav, list):
        items = [_prefix_nav(item, prefix, files) for item in nav]
        return [i for i in items if i is not None] or None
    if isinstance(nav, dict):
        out = {k: _prefix_nav(v, prefix, files) for k, v in nav.items()}
        out = {k: v for k, v in out.items() if v is not None}
        return out or None
    return None


def _without_missing(nav, files: set[str]):
    """The nav without entries for pages that do not exist in docs/ (generated ones)."""
    if isinstance(nav, str):
        return nav if nav in files or "://" in nav else None
    if isinstance(nav, list):
        items = [_without_missing(item, files) for item in nav]
        return [i for i in items if i is not None] or None
    if isinstance(nav, dict):
        out = {k: _without_missing(v, files) for k, v in nav.items()}
        out = {k: v for k, v in out.items() if v is not None}
        return out or None
    return None


# -- the corpus --------------------------------------------------------------------


@dataclass
class Corpus:
    root: Path
    scale: int
    config: Path  # with our hooks
    bare_config: Path  # bare Material
    pages: list[Path]  # every Markdown source page
    chapters: list[Path]  # the original pages with a `chapter:` number, chapter 1 first
    directory_urls: bool = True

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def markdown_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.pages)


def make_corpus(dest: Path, scale: int, project: Path = ROOT, config_name: str = "mkdocs.yml") -> Corpus:
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    cfg = load_yaml(project / config_name)
    extra = cfg.get("extra") or {}
    docs_src = project / cfg.get("docs_dir", "docs")

    # Data the hooks read, at the same relative place.
    for (section, key), default in DATA_DEFAULTS.items():
        rel = (extra.get(section) or {}).get(key, default)
        src = project / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel)
        elif src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)

    docs = dest / "docs"
    shutil.copytree(docs_src, docs)
    files = {p.relative_to(docs_src).as_posix() for p in docs_src.rglob("*") if p.is_file()}
    dirs = {p.relative_to(docs_src).as_posix() for p in docs_src.rglob("*") if p.is_dir()}
    for k in range(2, scale + 1):
        prefix = f"copy-{k}"
        for rel in sorted(files):
            src, out = docs_src / rel, docs / prefix / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            if rel.endswith(".md"):
                text = src.read_text(encoding="utf-8")
                out.write_text(rewrite_links(text, rel, prefix, files, dirs), encoding="utf-8")
            else:
                shutil.copy2(src, out)

    # mkdocs.yml for our hooks.
    hooks = cfg.get("hooks") or []
    hook_paths = [(project / h).resolve() for h in hooks]
    with_hooks = copy.deepcopy(cfg)
    with_hooks["docs_dir"] = "docs"
    with_hooks["site_dir"] = "site-hooks"
    with_hooks["hooks"] = [str(p) for p in hook_paths]
    w_extra = with_hooks.setdefault("extra", {}) or {}
    with_hooks["extra"] = w_extra
    offline = dict(w_extra.get("offline") or {})
    offline["shim"] = str((project / offline.get("shim", SHIM_DEFAULT)).resolve())
    w_extra["offline"] = offline
    watch = []
    for item in with_hooks.get("watch") or []:
        watch.append(item if isinstance(item, Tagged) or (dest / item).exists() else str((project / item).resolve()))
    if watch:
        with_hooks["watch"] = watch
    nav = cfg.get("nav")
    if nav and scale > 1:
        copies = [{f"Copy {k}": _prefix_nav(nav, f"copy-{k}", files)} for k in range(2, scale + 1)]
        with_hooks["nav"] = list(nav) + copies
    dump_yaml(with_hooks, dest / "mkdocs.yml")

    # The same pages for bare Material.
    bare = copy.deepcopy(with_hooks)
    bare.pop("hooks", None)
    bare["site_dir"] = "site-bare"
    for name in hook_option_names(hook_paths) | {"glossary", "bibliography", "pdf", "offline"}:
        bare["extra"].pop(name, None)
    if not bare["extra"]:
        bare.pop("extra")
    if bare.get("nav"):
        bare["nav"] = _without_missing(bare["nav"], {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")})
    bare["validation"] = {"omitted_files": "info", "absolute_links": "relative_to_docs",
                          "unrecognized_links": "info", "anchors": "info", "not_found": "info"}
    bare.pop("watch", None)
    dump_yaml(bare, dest / "mkdocs-bare.yml")

    pages = sorted(docs.rglob("*.md"))
    numbered = [(n, p) for p in sorted(docs.glob("**/*.md"))
                if not p.relative_to(docs).as_posix().startswith("copy-") and (n := _chapter(p)) is not None]
    # Chapters 1, 2, ... first (0 is an introduction), in order.
    chapters = [p for n, p in sorted(numbered, key=lambda np: (np[0] < 1, np[0]))]
    return Corpus(dest, scale, dest / "mkdocs.yml", dest / "mkdocs-bare.yml", pages, chapters,
                  directory_urls=_directory_urls(cfg))


def _directory_urls(cfg: dict) -> bool:
    """Whether pages are served as ``page/`` (MkDocs' default) or ``page.html``.

    Material's offline plugin switches directory URLs off when it is enabled.
    """
    for plugin in cfg.get("plugins") or []:
        name, options = (plugin, {}) if isinstance(plugin, str) else next(iter(plugin.items()))
        if name in ("offline", "material/offline") and (options or {}).get("enabled", True) is not False:
            return False
    return cfg.get("use_directory_urls", True) is not False


def _chapter(path: Path) -> int | None:
    """The page's `chapter:` number from its front matter, if it has one."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    m = re.search(r"^chapter\s*:\s*(\d+)\s*$", text[3:end], re.M) if end > 0 else None
    return int(m.group(1)) if m else None


def page_url(corpus: Corpus, page: Path) -> str:
    """The served URL path of a page, with MkDocs' default directory URLs."""
    rel = page.relative_to(corpus.docs).as_posix()[: -len(".md")]
    if not corpus.directory_urls:
        return "/" + rel + ".html"
    if rel == "index" or rel.endswith("/index"):
        rel = rel[: -len("index")]
    else:
        rel += "/"
    return "/" + rel


def _main():  # python -m bench.corpus DEST N: write one corpus to look at
    import sys

    corpus = make_corpus(Path(sys.argv[1]), int(sys.argv[2]))
    print(f"{corpus.root}: {len(corpus.pages)} pages, {corpus.markdown_bytes() / 1e6:.2f} MB of Markdown")


if __name__ == "__main__":
    _main()

