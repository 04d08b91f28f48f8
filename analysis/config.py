"""Configuration: packaged defaults in TOML, overridden key by key by a user file.

The defaults live in ``analysis/data/defaults.toml`` (one table per stage:
``[store]``, ``[ingest]``, ``[segment]``, ``[figures]``, ``[entities]``,
``[keywords]``, ``[topics]``, ``[plots]``, ``[report]``, ``[parallel]``).
A user file (``--config FILE`` or the ``ANALYSIS_CONFIG`` environment
variable) only needs the keys it changes::

    [segment]
    hmm = false
    user_dicts = ["my_terms.txt"]

Each stage turns its table into its own options dataclass
(``SegmentOptions.from_config(cfg)``...), so the library and the CLI share one
options object per stage, as trafilatura does.

Example:
    >>> cfg = load_config()
    >>> cfg["store"]["path"]
    'corpus/corpus.sqlite'
"""
from __future__ import annotations

import copy
import dataclasses
import logging
import os
import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError

log = logging.getLogger(__name__)

ENV_CONFIG = "ANALYSIS_CONFIG"
ENV_CORPUS = "ANALYSIS_CORPUS"
ENV_CACHE = "ANALYSIS_CACHE_DIR"


def data_path(*parts: str) -> Path:
    """Path of a file shipped in ``analysis/data`` (dictionaries, fonts, lexicons)."""
    return Path(str(resources.files("analysis").joinpath("data", *parts)))


def _merge(base: dict, over: Mapping, where: str = "") -> dict:
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, f"{where}{key}.")
        else:
            base[key] = copy.deepcopy(value)
    return base


class Config(dict):
    """The merged configuration: a dict of tables, with the files it came from."""

    sources: list[str]

    def section(self, name: str) -> dict:
        """The table for one stage (an empty dict when absent)."""
        return dict(self.get(name, {}))


def load_config(path: str | os.PathLike | None = None,
                overrides: Mapping[str, Any] | None = None) -> Config:
    """Load the packaged defaults and merge a user file and overrides on top.

    Args:
        path: a user TOML file; when None, ``$ANALYSIS_CONFIG`` if set.
        overrides: a nested mapping merged last (used by the CLI for flags).

    Raises:
        ConfigError: the user file is missing or is not valid TOML.
    """
    defaults = data_path("defaults.toml")
    with open(defaults, "rb") as fh:
        cfg = Config(tomllib.load(fh))
    cfg.sources = [str(defaults)]
    path = path or os.environ.get(ENV_CONFIG)
    if path:
        try:
            with open(path, "rb") as fh:
                user = tomllib.load(fh)
        except FileNotFoundError as exc:
            raise ConfigError(f"{path}: config file not found") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML ({exc})") from exc
        _merge(cfg, user)
        # paths in a user file are relative to that file
        cfg.sources.append(str(path))
    if overrides:
        _merge(cfg, overrides)
    return cfg


def options_from(cls, table: Mapping[str, Any], where: str):
    """Build an options dataclass from a config table, rejecting unknown keys."""
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(table) - names)
    if unknown:
        raise ConfigError(f"[{where}]: unknown option(s) {', '.join(unknown)}")
    return cls(**{k: v for k, v in table.items()})


def default_corpus_path(explicit: str | os.PathLike | None = None,
                        cfg: Mapping | None = None) -> Path:
    """The corpus store path: explicit argument > $ANALYSIS_CORPUS > config."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_CORPUS):
        return Path(os.environ[ENV_CORPUS])
    cfg = cfg or load_config()
    return Path(cfg["store"]["path"])


def cache_dir() -> Path:
    """A writable per-user cache folder (jieba's dictionary cache, models).

    ``$ANALYSIS_CACHE_DIR``, else ``$XDG_CACHE_HOME/analysis``, else
    ``~/.cache/analysis``; if none is writable, a folder under the temp dir;
    the first that can be created and written wins.
    """
    candidates = []
    if os.environ.get(ENV_CACHE):
        candidates.append(Path(os.environ[ENV_CACHE]))
    xdg = os.environ.get("XDG_CACHE_HOME")
    candidates.append(Path(xdg) / "analysis" if xdg else Path.home() / ".cache" / "analysis")
    candidates.append(Path(tempfile.gettempdir()) / f"analysis-cache-{os.getuid()}")
    for cand in candidates:
        try:
            cand.mkdir(parents=True, exist_ok=True)
            probe = cand / ".write-test"
            probe.write_text("ok")
            probe.unlink()
            return cand
        except OSError:
            continue
    raise ConfigError("no writable cache folder; set ANALYSIS_CACHE_DIR")
