"""Which generator keeps a site folder, what its configuration says, and which of its files may be
posts: the folder side of :mod:`audioguide.ingest.sites`, whose docstring gives the rules.

Only the generators' configuration files are read (YAML, TOML, JSON; an Eleventy configuration in
JavaScript only for its input folder); a file that cannot be read leaves its defaults, with a warning.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from audioguide.ingest import facts

log = logging.getLogger(__name__)

MARKDOWN = frozenset({".md", ".markdown"})
NAMES = {"hugo": "Hugo", "jekyll": "Jekyll", "eleventy": "Eleventy", "mkdocs": "MkDocs blog", "folder": "folder"}
"""Each generator as messages name it."""

_NOT_POSTS = re.compile(r"^(readme|license|licence|changelog|contributing)(\.|$)", re.IGNORECASE)
_ELEVENTY_FOLDERS = frozenset({"posts", "post", "blog", "articles"})


@dataclass(frozen=True)
class Site:
    """A site folder and what its generator's configuration says about its posts."""

    generator: str
    """``hugo``, ``jekyll``, ``eleventy``, ``mkdocs`` or ``folder``."""
    root: Path
    """The site's own folder (where its configuration file is)."""
    content: tuple[Path, ...]
    """The folders its posts are in (Hugo's ``content/``, Eleventy's input, MkDocs' posts folders)."""
    sections: tuple[str, ...] = ()
    """Hugo's main sections, when its configuration names them."""
    authors: Mapping[str, str] = field(default_factory=dict)
    """Author ids to names (MkDocs' ``.authors.yml``, Jekyll's ``_data/authors.yml``)."""
    author: str | None = None
    """The site's author, for posts that name none (Jekyll's ``author``, Hugo's ``params.author``)."""

    @property
    def name(self) -> str:
        return NAMES[self.generator]



# --------------------------------------------------------------------------------------
# Configuration files
# --------------------------------------------------------------------------------------


class _LenientLoader(yaml.SafeLoader):  # type: ignore[misc]
    """YAML for a generator's configuration: tags such as ``!!python/name:`` or ``!ENV`` read as null."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(path: Path) -> dict[str, Any]:
    """A YAML, TOML or JSON configuration file as a mapping; empty (with a warning) when unreadable."""
    try:
        text = path.read_text("utf-8-sig")
        data: object = (tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
                        if path.suffix == ".json" else yaml.load(text, Loader=_LenientLoader))
    except (OSError, ValueError, yaml.YAMLError) as error:
        log.warning("%s cannot be read (%s); its defaults are used", path, str(error).splitlines()[0])
        return {}
    return data if isinstance(data, dict) else {}


def _first_file(folder: Path, names: tuple[str, ...]) -> Path | None:
    return next((folder / n for n in names if (folder / n).is_file()), None)


def lower_keys(data: object) -> dict[str, Any]:
    """``data`` with lower-case keys (empty when it is not a mapping); Hugo's keys are not
    case-sensitive: ``contentDir`` is ``contentdir``."""
    return {str(k).lower(): v for k, v in data.items()} if isinstance(data, Mapping) else {}


def _name(value: object) -> str | None:
    """An author's name: the text, or a ``{name: …}`` mapping's."""
    name = value.get("name") if isinstance(value, dict) else value
    return " ".join(name.split()) if isinstance(name, str) and name.strip() else None


def _author_names(path: Path, key: str | None) -> dict[str, str]:
    """Author id -> name from an authors file (``{id: {name: …}}``, under ``key`` when given)."""
    data: Any = read_config(path) if path.is_file() else {}
    data = data.get(key, {}) if key and isinstance(data, dict) else data
    names = {str(author): _name(about) for author, about in (data.items() if isinstance(data, dict) else ())}
    return {author: name for author, name in names.items() if name}


def _hugo(root: Path) -> Site | None:
    names = tuple(f"{base}.{ext}" for base in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json"))
    files = [f for f in (_first_file(root, names), _first_file(root / "config" / "_default", names)) if f]
    if not files:
        return None
    config: dict[str, Any] = {}
    for path in files:
        config.update(lower_keys(read_config(path)))
    params = _first_file(root / "config" / "_default", ("params.toml", "params.yaml", "params.yml", "params.json"))
    params_data = lower_keys(read_config(params)) if params else lower_keys(config.get("params"))
    sections = params_data.get("mainsections") or config.get("mainsections") or ()
    content = root / str(config.get("contentdir") or "content")
    if not content.is_dir():
        return None
    sections = (sections,) if isinstance(sections, str) else tuple(str(s) for s in sections)
    return Site("hugo", root, (content,), sections=sections, author=_name(params_data.get("author")))


def _jekyll(root: Path) -> Site | None:
    if not (root / "_config.yml").is_file() and not (root / "_config.yaml").is_file() \
            and not (root / "_posts").is_dir():
        return None
    authors = _author_names(root / "_data" / "authors.yml", None) or _author_names(
        root / "_data" / "authors.yaml", None)
    config_file = _first_file(root, ("_config.yml", "_config.yaml"))
    config = read_config(config_file) if config_file else {}
    author = config.get("author")
    author = authors.get(author, author) if isinstance(author, str) else author
    return Site("jekyll", root, (root,), authors=authors, author=_name(author))


_ELEVENTY_CONFIGS = tuple(f"{base}.{ext}" for base in ("eleventy.config", ".eleventy")
                          for ext in ("js", "cjs", "mjs", "ts"))
_INPUT = re.compile(r"""\binput\s*:\s*["'`]([^"'`]+)["'`]|--input[= ]["']?([^\s"']+)""")


def _eleventy(root: Path) -> Site | None:
    config = _first_file(root, _ELEVENTY_CONFIGS)
    package = root / "package.json"
    declared = package.is_file() and "@11ty/eleventy" in package.read_text("utf-8", "replace")
    if config is None and not declared:
        return None
    found = None
    for path in (p for p in (config, package) if p is not None and p.is_file()):
        found = found or _INPUT.search(path.read_text("utf-8", "replace"))
    input_dir = root / ((found.group(1) or found.group(2)) if found else ".")
    return Site("eleventy", root, (input_dir.resolve() if input_dir.is_dir() else root,))


def _mkdocs(root: Path) -> Site | None:
    path = _first_file(root, ("mkdocs.yml", "mkdocs.yaml"))
    if path is None:
        return None
    config = read_config(path)
    docs = root / str(config.get("docs_dir") or "docs")
    plugins = config.get("plugins")
    listed: Iterable[tuple[Any, Any]] = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items()), ("", {})) if isinstance(p, dict) else (p, {})  # a name, or {name: options}
        for p in (plugins if isinstance(plugins, list) else ()))
    blogs = [options if isinstance(options, dict) else {} for name, options in listed
             if name in ("blog", "material/blog")]
    content, authors = [], {}
    for options in blogs or [{}]:  # no blog plugin named: its defaults, as the folders are there
        blog = str(options.get("blog_dir") or "blog").strip("/")
        content.append(docs / str(options.get("post_dir") or "{blog}/posts").replace("{blog}", blog))
        authors_file = str(options.get("authors_file") or "{blog}/.authors.yml").replace("{blog}", blog)
        authors.update(_author_names(docs / authors_file, "authors"))
    return Site("mkdocs", root, tuple(content), authors=authors)


_DETECTORS = (_mkdocs, _hugo, _eleventy, _jekyll)
"""Tried in this order: a site with two configuration files is taken as the more explicit one."""


def _covers(site: Site, folder: Path) -> bool:
    """Whether ``folder``, below a site's root, holds some of its posts."""
    if site.generator == "jekyll":
        return "_posts" in folder.parts or "_drafts" in folder.parts or any(folder.glob("**/_posts"))
    return any(folder.is_relative_to(c) or c.is_relative_to(folder) for c in site.content)


def find_site(folder: Path) -> Site:
    """The site ``folder`` belongs to: its own, one up to four folders above it that keeps posts in
    it, else a plain folder of posts."""
    folder = folder.resolve()
    for depth, root in enumerate((folder, *list(folder.parents)[:4])):
        for detect in _DETECTORS:
            site = detect(root)
            if site is not None and (depth == 0 or _covers(site, folder)):
                return site
    return Site("folder", folder, (folder,))


# --------------------------------------------------------------------------------------
# Which files are posts
# --------------------------------------------------------------------------------------


def _markdown_in(top: Path, prune: frozenset[str] = frozenset()) -> Iterator[tuple[Path, list[str], list[str]]]:
    """``os.walk`` in name order, without hidden folders, ``node_modules`` and ``prune``."""
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in prune
                             and d not in ("node_modules", "__pycache__"))
        yield Path(dirpath), dirnames, sorted(f for f in filenames if Path(f).suffix.lower() in MARKDOWN)


def is_index(path: Path) -> bool:
    return path.stem.lower() == "index"


def _hugo_pages(site: Site, scope: Path) -> list[Path]:
    """Regular pages and leaf bundles under ``scope``; when it is the whole site, those of the
    main sections only."""
    content = site.content[0]
    top = scope if scope.is_relative_to(content) else content
    pages: list[Path] = []
    for folder, dirnames, files in _markdown_in(top):
        index = next((f for f in files if is_index(Path(f))), None)
        if index is not None:  # a leaf bundle: its other files are resources, not pages
            pages.append(folder / index)
            dirnames.clear()
        else:
            pages += [folder / f for f in files if not f.lower().startswith("_index.")]
    if top != content:
        return pages

    def section(page: Path) -> str | None:
        parts = (page.parent if is_index(page) else page).relative_to(content).parts
        return parts[0] if len(parts) > 1 else None

    counts = Counter(s for s in map(section, pages) if s)
    main = set(site.sections) or {s for s, _ in counts.most_common(1)}
    return [p for p in pages if section(p) in main]


def candidates(site: Site, scope: Path) -> list[Path]:
    """The files that may be posts, in name order (drafts and undated Jekyll files included)."""
    if site.generator == "hugo":
        return _hugo_pages(site, scope)
    if site.generator == "jekyll":
        return [folder / f for folder, _, files in _markdown_in(scope, frozenset({"_site", "vendor"}))
                for f in files if {"_posts", "_drafts"} & set(folder.relative_to(site.root).parts)]
    tops = [scope] if site.generator == "folder" else [
        scope if scope.is_relative_to(c) else c for c in site.content if c.is_relative_to(scope)
        or scope.is_relative_to(c)]
    prune = frozenset({"_site", "_includes", "_data", "_layouts"}) if site.generator == "eleventy" else frozenset()
    return [folder / f for top in tops if top.is_dir() for folder, _, files in _markdown_in(top, prune)
            for f in files if not (site.generator == "folder" and _NOT_POSTS.match(f))]


def eleventy_data(site: Site, path: Path) -> dict[str, Any]:
    """What Eleventy's JSON directory and template data files say about ``path``, tags gathered."""
    data: dict[str, Any] = {}
    tags: list[str] = []
    input_dir = site.content[0]
    folders = [input_dir, *(input_dir.joinpath(*path.parent.relative_to(input_dir).parts[:i + 1])
                            for i in range(len(path.parent.relative_to(input_dir).parts)))]
    files = [f / f"{f.name}{ext}" for f in folders for ext in (".json", ".11tydata.json")]
    for file in [*files, *(path.parent / f"{path.stem}{ext}" for ext in (".json", ".11tydata.json"))]:
        found = read_config(file) if file.is_file() else {}
        tags += facts.tag_list(found.pop("tags", None))
        data.update(found)
    return {**data, "tags": tags} if tags else data


def is_post(site: Site, path: Path, data: Mapping[str, Any], scope: Path) -> bool:
    """Eleventy's test; every other generator's candidates are all posts."""
    if site.generator != "eleventy":
        return True
    input_dir = site.content[0]
    chosen = scope != input_dir and scope.is_relative_to(input_dir)
    tagged = {t.lower() for t in facts.tag_list(data.get("tags"))} & {"post", "posts"}
    return chosen or bool(tagged) or bool(_ELEVENTY_FOLDERS & set(path.relative_to(input_dir).parts[:-1]))
