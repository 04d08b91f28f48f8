"""jieba's main dictionary file (``jieba/dict.txt``) as columns, read once per process.

Three stages read jieba's dictionary file for what its words are (not to
segment): the segmenter's tag and frequency table (``segment``), the
character CRF's typed words (``ner.crf``) and the entity rules' common words
and rare surnames (``entities``). Each used to read and split the 349,046
lines itself (0.3-0.4 s each, 1.3 s of every annotate process's warm-up).
:func:`jieba_dict` reads them once per process, and from a small cache file
(``<analysis cache dir>/jieba_dict/<sha1 of dict.txt>.pkl``, about 0.05 s
to load; splitting the file is 0.13 s) once the file has been read on this machine; jieba is not imported.

Example:
    >>> words, freqs, tags = jieba_dict()
    >>> i = words.index("志愿者")
    >>> tags[i], freqs[i] > 0
    ('n', True)
"""
from __future__ import annotations

import hashlib
import importlib.util
import logging
import pickle
import os
import threading
from pathlib import Path

from .config import cache_dir

log = logging.getLogger(__name__)

#: bump when what :func:`jieba_dict` returns changes for the same file
_FORMAT = 1
_LOADED: dict[str, tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]] = {}
_LOCK = threading.Lock()


def dict_path() -> Path:
    """The path of jieba's main dictionary file (jieba is not imported)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - jieba is a dependency
        raise ImportError("jieba is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "dict.txt"


def parse(text: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    """``(words, freqs, tags)`` of the lines of a jieba dictionary with exactly three
    fields, in file order: what ``for line in open(path): parts = line.split()``
    sees (lines end at ``\\n``, ``\\r\\n`` or ``\\r`` as in text mode)."""
    words: list[str] = []
    freqs: list[int] = []
    tags: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        parts = line.split()
        if len(parts) == 3:
            words.append(parts[0])
            freqs.append(int(parts[1]))
            tags.append(parts[2])
    return tuple(words), tuple(freqs), tuple(tags)


def jieba_dict(path: str | Path | None = None) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    """``(words, freqs, tags)`` of jieba's dictionary file (default: jieba's own
    ``dict.txt``): the lines with a word, its frequency and its tag, in file order.

    Read once per process; the parsed columns are kept in the user cache folder
    under the file's sha1, so a later process loads them instead of splitting
    the file again (no cache when the folder is not writable)."""
    path = Path(path) if path is not None else dict_path()
    key = str(path)
    hit = _LOADED.get(key)
    if hit is not None:
        return hit
    with _LOCK:
        hit = _LOADED.get(key)
        if hit is None:
            hit = _LOADED[key] = _read(path)
    return hit


def _read(path: Path) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    data = path.read_bytes()
    digest = hashlib.sha1(data).hexdigest()[:20]
    cached = None
    try:
        cached = cache_dir() / "jieba_dict" / f"{digest}-{_FORMAT}.pkl"
        with open(cached, "rb") as fh:
            cols = pickle.load(fh)
        if isinstance(cols, tuple) and len(cols) == 3 and len(cols[0]) == len(cols[1]) == len(cols[2]):
            return cols
    except FileNotFoundError:
        pass
    except Exception as exc:  # no cache folder, a broken file: parse
        log.debug("jieba dictionary cache unreadable (%s)", exc)
    cols = parse(data.decode("utf-8"))
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(cols, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cached)
        except OSError as exc:  # a read-only cache: parse again next time
            log.debug("jieba dictionary cache not written (%s)", exc)
    return cols
