"""Compiled inference for the character CRF (numba), no feature strings.

:func:`analysis.ner.crf.char_features` builds about twenty feature strings per
character and pycrfsuite looks each one up; that was two thirds of entity
extraction's time. This module reads the crfsuite model file once and compiles
its weights into arrays, then computes the same per-character scores from the
characters' code points:

- n-gram templates (:data:`analysis.ner.crf.NGRAM_TEMPLATES`: ``c=``, ``p=``,
  ``pc=``, ``pcn=``...): each character the model's n-grams use gets a dense
  id; one-character templates look the id up in a table, longer ones in one
  open-addressing hash table per template (ids packed into an int64) that
  gives a row of the weight matrix; a character no attribute has skips the
  look-up;
- the "extra" features of :func:`analysis.ner.crf._extra_features`
  (surnames, ``od``/``ld``/``sd`` distance buckets, lexicon BMES matches,
  organisation suffix words) from a code-point class table, a prefix trie of
  the :class:`~analysis.ner.crf.Lexicon` and a reversed trie of
  :data:`~analysis.ner.crf.ORG_SUFFIX_WORDS`, all walked in numba.

Scores are summed in the order crfsuite sums them (the order of the feature
list, pass by pass), so the state scores are bit-identical; Viterbi keeps
crfsuite's tie-breaking (first label wins) and the marginals use crfsuite's
scaled forward-backward. Labels are identical to pycrfsuite's and so are the
marginals (bit for bit on 6,000 digest reports; the tests check 1e-6).
Normalisation and chunking (:meth:`analysis.ner.crf.CRFTagger._chunks`) run in
numba too: one compiled call per text, and one more for the entity spans
(:func:`_bio_spans`, :meth:`CompiledCRF.entity_spans`).

Memory layout: in entity extraction the rules run between two texts and evict
the tagger's tables from the caches, so the tables are kept small: hash slots
pack key and value into one int64 (:class:`_Packed`), the lexicon trie is sized
by its nodes with its root as a direct table, per-character tables use the
smallest integer type, and each weight row fills whole cache lines.

The weights come from the model file itself (crfsuite's ``lCRF`` format: the
``FEAT`` chunk of (type, source, target, float64 weight) records and two CQDB
string tables for labels and attributes): pycrfsuite's ``Tagger.info()``
prints weights with six decimals only. Any model trained with the same feature
templates works; a model with attribute families this module does not know
raises :class:`UnsupportedModel` (the tagger then falls back to pycrfsuite).

Compiled functions are cached on disk (``@njit(cache=True)``) in
``$NUMBA_CACHE_DIR``, set to ``<analysis cache dir>/numba`` when unset so a
read-only install works (the first process compiles for about 6 s, later ones
load the machine code).

Example:
    >>> from analysis.ner.crf import get_lexicon
    >>> m = CompiledCRF.from_file(data_path("ner", "pd1998_crf.model"), get_lexicon())
    >>> m.labels[:2]
    ['O', 'B-ORG']
"""
from __future__ import annotations

import logging
import os
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..config import cache_dir, data_path  # noqa: F401  (data_path: doctest)
from ..errors import ExtractionError

log = logging.getLogger(__name__)


def _set_cache_dir() -> None:
    """Point numba's on-disk cache at the user cache folder unless the user chose one."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    try:
        path = str(cache_dir() / "numba")
    except Exception:  # no writable folder: numba tries its own places; if none is writable,
        return         # importing this module fails and the tagger falls back to pycrfsuite
    os.environ["NUMBA_CACHE_DIR"] = path
    import sys
    cfg = sys.modules.get("numba.core.config")
    if cfg is not None and not getattr(cfg, "CACHE_DIR", ""):
        cfg.CACHE_DIR = path  # numba was imported before us: its config read the env already


_set_cache_dir()
try:
    import numba
    from numba import njit
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - numba is a dependency; the tagger falls back to pycrfsuite
    numba = None
    HAVE_NUMBA = False

    def njit(*args, **kwargs):
        return lambda f: f


class UnsupportedModel(ExtractionError):
    """The model file has features this engine does not compute (or is no crfsuite model)."""


#: the version of :func:`analysis.ner.crf.char_features` this module computes
#: (the tagger falls back to pycrfsuite when they differ)
FEATURES_VERSION = 3

#: code-point class bits of :class:`LexiconTables`
_COMMON, _RARE, _ORG_END, _LOC_END = 1, 2, 4, 8
_NCP = 0x110000
_EMPTY = -1
_GOLDEN = 0x9E3779B97F4A7C15


# -- reading the crfsuite model file ------------------------------------------
def _cqdb_strings(buf: bytes, off: int) -> list[str]:
    """The strings of a CQDB chunk, indexed by id (crfsuite's string tables)."""
    chunk, _size, _flag, _order, bwd_size, bwd_off = struct.unpack_from("<4sIIIII", buf, off)
    if chunk != b"CQDB":
        raise UnsupportedModel(f"no CQDB chunk at {off:#x}")
    out = [""] * bwd_size
    ptrs = np.frombuffer(buf, dtype="<u4", count=bwd_size, offset=off + bwd_off)
    for i, p in enumerate(ptrs.tolist()):
        if not p:
            continue
        rid, ksize = struct.unpack_from("<II", buf, off + p)
        start = off + p + 8
        out[rid] = buf[start:start + ksize - 1].decode("utf-8")
    return out


def read_model(path: str | Path) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Labels, attributes, state features and transitions of a crfsuite model file.

    Returns:
        ``(labels, attributes, state, trans)``: label and attribute names by id;
        ``state`` a structured array with fields ``src`` (attribute id),
        ``dst`` (label id), ``w`` (float64 weight), in file order; ``trans`` the
        ``(L, L)`` transition weights (from label, to label).

    Raises:
        UnsupportedModel: not a crfsuite ``lCRF``/``FOMC`` model.
    """
    buf = Path(path).read_bytes()
    if len(buf) < 48:
        raise UnsupportedModel(f"{path}: not a crfsuite model (too short)")
    (magic, _size, mtype, _version, _nf, n_labels, n_attrs, off_feat, off_labels, off_attrs,
     _off_lref, _off_aref) = struct.unpack_from("<4sI4sIIIIIIIII", buf, 0)
    if magic != b"lCRF" or mtype != b"FOMC":
        raise UnsupportedModel(f"{path}: not a crfsuite CRF1d model ({magic!r}, {mtype!r})")
    chunk, _fsize, n_feat = struct.unpack_from("<4sII", buf, off_feat)
    if chunk != b"FEAT":
        raise UnsupportedModel(f"{path}: no feature chunk")
    feats = np.frombuffer(buf, dtype=np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")]),
                          count=n_feat, offset=off_feat + 12)
    labels = _cqdb_strings(buf, off_labels)[:n_labels]
    attrs = _cqdb_strings(buf, off_attrs)[:n_attrs]
    trans = np.zeros((n_labels, n_labels))
    tr = feats[feats["type"] == 1]
    trans[tr["src"], tr["dst"]] = tr["w"]
    state = feats[feats["type"] == 0]
    if (feats["type"] > 1).any():
        raise UnsupportedModel(f"{path}: unknown feature type")
    return labels, attrs, state, trans


# -- hash tables and tries in numba -------------------------------------------
@njit(cache=True)
def _slot(key, shift):
    return np.int64((np.uint64(key) * np.uint64(_GOLDEN)) >> np.uint64(shift))


@njit(cache=True)
def _hput(tab, base, bits, key, val):
    """Set ``key`` → ``val`` in the table ``tab[base:base + 2**bits]`` (rows of key, value);
    returns the value now stored (the old one when the key was there)."""
    mask = (1 << bits) - 1
    h = _slot(key, 64 - bits)
    while tab[base + h, 0] != _EMPTY and tab[base + h, 0] != key:
        h = (h + 1) & mask
    if tab[base + h, 0] == _EMPTY:
        tab[base + h, 0] = key
        tab[base + h, 1] = val
    return tab[base + h, 1]


@njit(cache=True)
def _hfill(tab, base, bits, keys, vals):
    for m in range(keys.size):
        _hput(tab, base, bits, keys[m], vals[m])


@njit(cache=True)
def _hget(tab, base, bits, key):
    """Value of ``key`` in the table at ``base`` (``-1`` when absent)."""
    mask = (1 << bits) - 1
    h = _slot(key, 64 - bits)
    while True:
        k = tab[base + h, 0]
        if k == key:
            return tab[base + h, 1]
        if k == _EMPTY:
            return -1
        h = (h + 1) & mask


@njit(cache=True)
def _pput(tab, base, bits, vbits, key, val):
    """Set ``key`` → ``val`` in the packed table ``tab[base:base + 2**bits]`` (one int64
    per slot: ``key << vbits | val``)."""
    mask = (1 << bits) - 1
    h = _slot(key, 64 - bits)
    while tab[base + h] != _EMPTY and (tab[base + h] >> vbits) != key:
        h = (h + 1) & mask
    tab[base + h] = (key << vbits) | val


@njit(cache=True)
def _pfill(tab, base, bits, vbits, keys, vals):
    for m in range(keys.size):
        _pput(tab, base, bits, vbits, keys[m], vals[m])


@njit(cache=True)
def _pget(tab, base, bits, vbits, key):
    """Value of ``key`` in the packed table at ``base`` (``-1`` when absent)."""
    mask = (1 << bits) - 1
    h = _slot(key, 64 - bits)
    while True:
        x = tab[base + h]
        if x == _EMPTY:
            return -1
        if (x >> vbits) == key:
            return x & ((1 << vbits) - 1)
        h = (h + 1) & mask


def _bits_for(n: int) -> int:
    """log2 of a power-of-two table size with load factor <= 1/2 (at least 8 slots)."""
    return max(3, int(2 * max(n, 1) - 1).bit_length())


class _Tables:
    """Open-addressing hash tables (int64 key → int64 value), one after the other in
    ``tab`` (rows of key, value: one cache line per probe); table ``k`` starts at
    ``base[k]`` and has ``2**bits[k]`` slots."""

    def __init__(self, parts: list[tuple[np.ndarray, np.ndarray]] = (), sizes: list[int] = ()):
        bits = [_bits_for(len(k)) for k, _ in parts] + [_bits_for(n) for n in sizes]
        base = np.cumsum([0] + [1 << b for b in bits])
        self.tab = np.full((int(base[-1]), 2), _EMPTY, dtype=np.int64)
        self.base = np.asarray(base[:-1], dtype=np.int64)
        self.bits = np.asarray(bits, dtype=np.int64)
        for k, (keys, vals) in enumerate(parts):
            _hfill(self.tab, self.base[k], self.bits[k], np.ascontiguousarray(keys, dtype=np.int64),
                   np.ascontiguousarray(vals, dtype=np.int64))


class _Packed:
    """Like :class:`_Tables` (non-negative int64 keys → non-negative values), with key
    and value packed in one int64 per slot (``key << vbits | val``): half the memory,
    one 8-byte read per probe (the tagger's big tables stay in the caches longer)."""

    def __init__(self, parts: list[tuple[np.ndarray, np.ndarray]], dense: bool = False):
        # dense: up to 0.7 of the slots used (a smaller table, a few more probes), else up to half
        bits = [max(3, int(-(-len(k) * 10 // 7) - 1).bit_length()) if dense else _bits_for(len(k)) for k, _ in parts]
        base = np.cumsum([0] + [1 << b for b in bits])
        top_val = max((int(v.max()) for _, v in parts if len(v)), default=0)
        top_key = max((int(k.max()) for k, _ in parts if len(k)), default=0)
        self.vbits = max(1, top_val.bit_length())
        if top_key.bit_length() + self.vbits > 62 or any((k < 0).any() or (v < 0).any() for k, v in parts if len(k)):
            raise UnsupportedModel(f"keys of {top_key.bit_length()} bits and values of {self.vbits} bits do not "
                                   "pack into 62 bits")
        self.tab = np.full(int(base[-1]), _EMPTY, dtype=np.int64)
        self.base = np.asarray(base[:-1], dtype=np.int64)
        self.bits = np.asarray(bits, dtype=np.int64)
        for k, (keys, vals) in enumerate(parts):
            _pfill(self.tab, self.base[k], self.bits[k], self.vbits, np.ascontiguousarray(keys, dtype=np.int64),
                   np.ascontiguousarray(vals, dtype=np.int64))


@njit(cache=True)
def _build_trie(flat, starts, vals, tab, bits, mark):
    """Insert word ``m`` (``flat[starts[m]:starts[m + 1]]``) with mark ``vals[m]``."""
    n_nodes = 1
    for m in range(starts.size - 1):
        node = 0
        for q in range(starts[m], starts[m + 1]):
            child = _hput(tab, 0, bits, (node << 21) | flat[q], n_nodes)
            if child == n_nodes:
                n_nodes += 1
            node = child
        mark[node] = vals[m]
    return n_nodes


def _trie(words: dict[str, int], reverse: bool = False) -> tuple[_Tables, np.ndarray]:
    """A trie of ``words`` (value > 0 marks a word; nodes of prefixes that are no word get 0).

    Node 0 is the root; a transition is the hash key ``node << 21 | code point``.
    With ``reverse`` the words are read from their last character.
    """
    keys = [w[::-1] if reverse else w for w in words]
    flat = code_points("".join(keys))
    starts = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, keys), dtype=np.int64, count=len(keys)), out=starts[1:])
    vals = np.fromiter(words.values(), dtype=np.int32, count=len(words))
    tables = _Tables(sizes=[flat.size])
    mark = np.zeros(flat.size + 1, dtype=np.int32)
    n_nodes = _build_trie(flat, starts, vals, tables.tab, tables.bits[0], mark)
    # the same transitions in a table sized by the nodes (a prefix trie has far fewer
    # nodes than characters): fewer cache lines per text
    used = tables.tab[tables.tab[:, 0] != _EMPTY]
    mark = mark[:n_nodes]
    # the smallest type that holds the marks (fewer cache lines per text)
    return _Tables([(used[:, 0], used[:, 1])]), mark.astype(np.int8 if mark.max(initial=0) < 127 else np.int32)


def _root_children(tables: _Tables, size: int) -> np.ndarray:
    """The trie's children of the root by code point (``-1``: none) for code points
    below ``size``: the first step of a walk without a hash look-up."""
    root = np.full(size, -1, dtype=np.int32)
    used = tables.tab[tables.tab[:, 0] != _EMPTY]
    first = used[(used[:, 0] >> 21) == 0]
    first = first[first[:, 0] < size]
    root[first[:, 0]] = first[:, 1]
    return root


class LexiconTables:
    """The text tables: normalisation, chunk cuts, a :class:`~analysis.ner.crf.Lexicon`
    and the suffix words as arrays (built once per lexicon).

    Attributes:
        shape: code point → the shape :func:`~analysis.ner.crf.normalise` gives it
            (for code points below ``shape.size``; the others stay themselves).
        cuts: code points after which a chunk may be cut (``CHUNK_CUTS``).
        cls: uint8 class per code point (common/rare surname, organisation end, place end).
        tags: the lexicon's word tags (``r``, ``s``, ``t``), index + 1 in ``pmark``.
        ptrie, pmark: the prefix trie of ``Lexicon.prefixes`` and each node's tag number.
        proot: the prefix trie's root children by code point (below U+10000; ``-1``: none).
        strie, smark: the reversed trie of ``ORG_SUFFIX_WORDS``, node → word index + 1.
        double: hash set of two-character surnames (packed code points).
        max_word: ``Lexicon.MAX_WORD``.
    """

    def __init__(self, lex):
        from .crf import _SHAPE, CHUNK_CUTS, LOC_END_CHARS, ORG_END_CHARS, ORG_SUFFIX_WORDS
        shape = np.arange(max(0x10000, max(map(ord, _SHAPE)) + 1), dtype=np.int32)
        for k, v in _SHAPE.items():
            shape[ord(k)] = ord(v)
        self.shape = shape
        self.cuts = np.array([ord(c) for c in CHUNK_CUTS], dtype=np.int64)
        cls = np.zeros(_NCP, dtype=np.uint8)
        for chars, bit in ((lex.common_surnames, _COMMON), (lex.rare_surnames, _RARE),
                           (ORG_END_CHARS, _ORG_END), (LOC_END_CHARS, _LOC_END)):
            for c in chars:
                cls[ord(c)] |= bit
        self.cls = cls
        self.tags = sorted({t for t in lex.prefixes.values() if t})
        num = {t: k + 1 for k, t in enumerate(self.tags)}
        self.ptrie, self.pmark = _trie({w: num.get(t, 0) for w, t in lex.prefixes.items()})
        self.proot = _root_children(self.ptrie, 0x10000)
        used = self.ptrie.tab[self.ptrie.tab[:, 0] != _EMPTY]
        self.ptrie_packed = _Packed([(used[:, 0], used[:, 1])], dense=True)
        self.suffix_words = list(ORG_SUFFIX_WORDS)
        self.strie, self.smark = _trie({w: k + 1 for k, w in enumerate(self.suffix_words)}, reverse=True)
        dbl = [(ord(w[0]) << 21) | ord(w[1]) for w in lex.double_surnames if len(w) == 2]
        self.double = _Tables([(np.array(dbl, dtype=np.int64), np.zeros(len(dbl), dtype=np.int64))])
        self.max_word = int(lex.MAX_WORD)

    def arrays(self) -> tuple:
        """What the compiled functions take (one tuple)."""
        return (self.shape, self.cuts, self.cls, self.ptrie_packed.tab, self.ptrie_packed.bits[0], self.pmark,
                self.strie.tab, self.strie.bits[0], self.smark, self.double.tab, self.double.bits[0],
                self.max_word, len(self.tags), self.proot, self.ptrie_packed.vbits)


# -- the compiled model ----------------------------------------------------------
def _aligned_rows(rows: int, cols: int) -> np.ndarray:
    """A zero C-contiguous float64 array of ``rows`` rows of ``cols`` rounded up to 8
    columns, starting on a 64-byte boundary: each row is whole cache lines (a row of 7
    weights read at random otherwise straddles two lines three times in four)."""
    width = -(-cols // 8) * 8
    buf = np.zeros(rows * width + 8)
    off = (-buf.ctypes.data % 64) // 8
    return buf[off:off + rows * width].reshape(rows, width)


class CompiledCRF:
    """A crfsuite model's weights as arrays for one feature set and lexicon.

    Attributes:
        labels: label names by id (crfsuite's order, which decides ties).
        W: ``(rows, L)`` state weights; row 0 is zeros (unused). The compiled code reads
            them with each row padded to a whole 64-byte cache line.
        trans: ``(L, L)`` transition weights.
        cid: code point → dense id of the characters the n-gram attributes use (0: none).
        uni: ``(templates, ids)`` rows of the one-character templates (``-1``: none).
        ngram: hash tables of the longer templates, dense ids packed ``id_bits`` each → row.
        extra_rows: rows of the extra features (``-1`` absent), see :meth:`_bind`.
    """

    def __init__(self, labels, attrs, state, trans, lex_tables: LexiconTables):
        from .crf import NGRAM_TEMPLATES
        self.labels = list(labels)
        self.label_names = np.array(self.labels, dtype=object)  # ids → names in one numpy take
        L = len(labels)
        self.trans = np.ascontiguousarray(trans, dtype=np.float64)
        # one row per attribute that has state features (row 0: zeros)
        used = np.unique(state["src"])
        row_of = np.full(len(attrs), -1, dtype=np.int64)
        row_of[used] = np.arange(1, len(used) + 1)
        W = _aligned_rows(len(used) + 1, L)
        W[row_of[state["src"]], state["dst"]] = state["w"]
        self._W_lines = W  # rows padded to whole cache lines (what the compiled code reads)
        self.W = W[:, :L]
        n_tpl = len(NGRAM_TEMPLATES)
        if any(len(offs) > 3 for _, offs in NGRAM_TEMPLATES):
            raise UnsupportedModel("n-gram templates of more than 3 characters")
        tpl_index = {name: k for k, (name, _) in enumerate(NGRAM_TEMPLATES)}
        tpl_len = [len(offs) for _, offs in NGRAM_TEMPLATES]
        ngrams: list[list[tuple[str, int]]] = [[] for _ in NGRAM_TEMPLATES]
        extra: dict[str, int] = {}
        unknown = []
        for a in used.tolist():
            name = attrs[a]
            prefix, eq, value = name.partition("=")
            k = tpl_index.get(prefix)
            if k is not None and eq:
                if len(value) == tpl_len[k]:  # other lengths can never fire
                    ngrams[k].append((value, int(row_of[a])))
            elif prefix in _EXTRA_FAMILIES:
                extra[name] = int(row_of[a])
            else:
                unknown.append(name)
        if unknown:
            raise UnsupportedModel(f"{len(unknown)} attributes of unknown templates, e.g. {unknown[:3]} "
                                   "(features changed without FEATURES_VERSION?)")
        # dense ids of the characters the n-grams use (the padding ^ and $ among them)
        chars = sorted({c for grams in ngrams for v, _ in grams for c in v} | {"^", "$"})
        cid = np.zeros(_NCP, dtype=np.int16 if len(chars) < 0x7FFF else np.int32)
        cid[[ord(c) for c in chars]] = np.arange(1, len(chars) + 1, dtype=np.int32)
        self.cid = cid
        self.id_bits = len(chars).bit_length()
        uni = np.full((n_tpl, len(chars) + 1), -1, dtype=np.int32)
        parts = []
        for k, grams in enumerate(ngrams):
            ids = [[int(cid[ord(c)]) for c in v] for v, _ in grams]
            rows = [r for _, r in grams]
            if tpl_len[k] == 1:
                uni[k, [i[0] for i in ids]] = rows
                parts.append((np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)))
            else:
                keys = []
                for i in ids:
                    key = 0
                    for d in i:
                        key = (key << self.id_bits) | d
                    keys.append(key)
                parts.append((np.array(keys, dtype=np.int64), np.array(rows, dtype=np.int64)))
        self.uni = uni
        self.ngram = _Packed(parts)
        offs = np.zeros((n_tpl, 3), dtype=np.int64)
        for k, (_, o) in enumerate(NGRAM_TEMPLATES):
            offs[k, :len(o)] = o
        self.tpl_len = np.array(tpl_len, dtype=np.int64)
        self.tpl_off = offs
        self.lex = lex_tables
        self.extra_rows = self._bind(extra, lex_tables)
        self.is_entity = np.array([lab != "O" for lab in labels], dtype=np.bool_)
        self.is_per = np.array([lab[2:] == "PER" for lab in labels], dtype=np.bool_)
        self.b_per = labels.index("B-PER") if "B-PER" in labels else -1
        #: entity types (``PER``...) by id - 1, each label's type id (0: ``O``) and B- flag (:func:`_bio_spans`)
        self.kinds = [None] + sorted({lab[2:] for lab in labels if lab != "O"})
        self.kind_of = np.array([self.kinds.index(lab[2:]) if lab != "O" else 0 for lab in labels], dtype=np.int64)
        self.is_begin = np.array([lab.startswith("B-") for lab in labels], dtype=np.bool_)
        self._bind_arrays()
        #: text → (max_chunk, entity_spans result) computed ahead by :meth:`prefetch`
        self._ready: dict[str, tuple] = {}

    def _bind_arrays(self) -> None:
        """The argument tuples of the compiled functions."""
        self._model = (self._W_lines, self.trans, self.cid, self.uni, self.ngram.tab, self.ngram.base, self.ngram.bits,
                       self.tpl_len, self.tpl_off, self.id_bits, self.extra_rows, self.is_entity, self.is_per,
                       self.b_per, self.ngram.vbits)
        self._text = self.lex.arrays()

    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if k not in ("_model", "_text", "W", "_ready")}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._ready = {}
        lines = state["_W_lines"]
        W = _aligned_rows(lines.shape[0], lines.shape[1])  # back on a 64-byte boundary
        W[:] = lines
        self._W_lines = W
        self.W = W[:, :len(self.labels)]
        self._bind_arrays()

    @classmethod
    def from_file(cls, path: str | Path, lex) -> "CompiledCRF":
        """Read and compile a crfsuite model for the lexicon ``lex``.

        The compiled tables (about 0.9 s to build: the lexicon tries, the weight
        rows, the n-gram hash tables) are kept in ``<analysis cache dir>/crf``
        as a pickle named by the hash of everything they are built from (the
        model file, the lexicon's words and surnames, this module's and
        :mod:`analysis.ner.crf`'s source, numpy's version); a later process
        loads them in about 0.05 s. Without a writable cache they are built."""
        key = _tables_key(path, lex)
        cached = _load_cached(key)
        if cached is not None:
            _LEX_TABLES[id(lex)] = (lex, cached.lex)
            return cached
        model = cls(*read_model(path), get_lexicon_tables(lex))
        _save_cached(key, model)
        return model

    @staticmethod
    def _bind(extra: dict[str, int], lt: LexiconTables) -> np.ndarray:
        """Rows of the extra features in a fixed layout (``-1`` where the model lacks one).

        ``[0:4]`` sur=1, sur=2, psur=1, sur=d; ``[4]`` oswE; ``[5:18]``, ``[18:31]``,
        ``[31:44]`` od=, ld=, sd= by distance 0-12; then L=B/M/E per lexicon tag
        (3 per tag); then osw= per suffix word.
        """
        from .crf import _LD, _OD, _SD
        rows = [extra.get(n, -1) for n in ("sur=1", "sur=2", "psur=1", "sur=d", "oswE")]
        for names in (_OD, _LD, _SD):
            rows += [-1] + [extra.get(names[d], -1) for d in range(1, 13)]
        for t in lt.tags:
            rows += [extra.get("L=" + bme + t, -1) for bme in "BME"]
        rows += [extra.get("osw=" + w, -1) for w in lt.suffix_words]
        return np.array(rows, dtype=np.int64)

    def tag(self, text: str, max_chunk: int, marginals: bool):
        """Label ids, marginal of each label (1.0 for ``O``) and of ``B-PER`` (0.0 outside
        people) of the raw ``text``: normalised, cut into chunks of at most ``max_chunk``
        characters (after the last sentence end) and tagged as ``CRFTagger`` does."""
        raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        return _tag_text(raw, max_chunk, marginals, self._model, self._text)

    def prefetch(self, texts: Sequence[str], max_chunk: int) -> None:
        """Compute :meth:`entity_spans` of many texts now, one after the other, and
        keep the results for the calls that will ask for them (each is given out
        once). Entity extraction runs the CRF and then its rules text by text, and
        the rules evict the model's tables from the CPU caches; ``annotate`` calls
        this for a chunk of documents before extracting their entities."""
        ready = self._ready
        if len(ready) > _READY_MAX:  # results nobody asked for (documents that failed before)
            ready.clear()
        for text in texts:
            ready[text] = (max_chunk, self._entity_spans(text, max_chunk))

    def entity_spans(self, text: str, max_chunk: int):
        """What :meth:`analysis.ner.crf.CRFTagger.entity_spans` returns, the spans found
        in numba (no label name per character is built); the per-character
        marginals as :class:`FloatList` (entity extraction reads a few of them:
        converting every character's to a Python float cost 3 % of annotate).
        A result computed by :meth:`prefetch` is given out instead of computed."""
        if self._ready:
            hit = self._ready.pop(text, None)
            if hit is not None and hit[0] == max_chunk:
                return hit[1]
        return self._entity_spans(text, max_chunk)

    def _entity_spans(self, text: str, max_chunk: int):
        ids, probs, begins = self.tag(text, max_chunk, True)
        spans, conf = _bio_spans(ids, probs, self.kind_of, self.is_begin)
        kinds = self.kinds
        return ([(s, e, kinds[k]) for s, e, k in spans.tolist()], conf.tolist(), FloatList(probs),
                FloatList(begins))


class FloatList(Sequence):
    """A read-only list of Python floats over a float64 array, converted on access.

    Indexing gives a ``float``, slicing a ``list`` of floats (``min(p[a:b])`` is
    what it is on the list ``array.tolist()``); it equals a list or tuple with
    the same values."""

    __slots__ = ("_a",)

    def __init__(self, array: np.ndarray):
        self._a = array

    def __len__(self) -> int:
        return self._a.shape[0]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._a[index].tolist()
        return self._a.item(index)

    def __iter__(self):
        return iter(self._a.tolist())

    def __eq__(self, other) -> bool:
        if isinstance(other, FloatList):
            other = other._a.tolist()
        return isinstance(other, (list, tuple)) and self._a.tolist() == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FloatList({self._a.tolist()!r})"

    def tolist(self) -> list[float]:
        return self._a.tolist()


_EXTRA_FAMILIES = frozenset(["sur", "psur", "od", "ld", "sd", "L", "osw", "oswE"])

#: bump when the layout of the cached tables changes without a change of this file
_CACHE_FORMAT = 1
#: compiled tables kept in the cache folder (the most recently written)
_CACHE_KEEP = 4
#: results of :meth:`CompiledCRF.prefetch` kept at most (more: forgotten)
_READY_MAX = 1024


def _tables_key(path: str | Path, lex) -> str | None:
    """The cache name of a model compiled for ``lex``: a hash of the model file, the
    lexicon's contents and the code that builds the tables (None: cannot tell)."""
    import hashlib
    try:
        h = hashlib.sha1(f"{_CACHE_FORMAT} {np.__version__} {getattr(lex, 'MAX_WORD', None)}".encode())
        h.update(Path(path).read_bytes())
        from . import crf
        for mod in (__file__, crf.__file__):
            h.update(Path(mod).read_bytes())
        h.update(repr(lex.words).encode())
        h.update(repr(lex.surnames).encode())
        return h.hexdigest()[:24]
    except (OSError, AttributeError, TypeError):
        return None


def _cache_file(key: str) -> Path:
    return cache_dir() / "crf" / f"tables-{key}.pkl"


def _load_cached(key: str | None) -> "CompiledCRF | None":
    if key is None:
        return None
    import pickle
    try:
        with open(_cache_file(key), "rb") as fh:
            model = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a broken or foreign file: build again (and overwrite it)
        log.debug("compiled CRF cache %s unreadable (%s): rebuilding", key, exc)
        return None
    return model if isinstance(model, CompiledCRF) else None


def _save_cached(key: str | None, model: "CompiledCRF") -> None:
    if key is None:
        return
    import pickle
    try:
        path = _cache_file(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        # 15-20 MB each: keep the few most recently written (other models, lexicons, versions)
        older = sorted(path.parent.glob("tables-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in older[_CACHE_KEEP:]:
            old.unlink(missing_ok=True)
    except Exception as exc:  # no writable cache: the next process builds again
        log.debug("compiled CRF cache not written (%s)", exc)

_LEX_TABLES: dict[int, tuple[object, LexiconTables]] = {}


def get_lexicon_tables(lex) -> LexiconTables:
    """The :class:`LexiconTables` of ``lex``, built once per lexicon object."""
    hit = _LEX_TABLES.get(id(lex))
    if hit is None or hit[0] is not lex:
        hit = (lex, LexiconTables(lex))
        _LEX_TABLES[id(lex)] = hit
    return hit[1]


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as int64 (lone surrogates kept as themselves)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.int64)


# -- scores, Viterbi, marginals -------------------------------------------------
@njit(cache=True)
def _add(S, t, W, r):
    if r >= 0:
        for y in range(S.shape[1]):
            S[t, y] += W[r, y]


@njit(cache=True)
def _spread(S, W, ends_mask, width, rows):
    """Add ``rows[d]`` to each character 1 <= d <= width before the next marked one."""
    n = ends_mask.size
    nxt = -1
    for i in range(n - 1, -1, -1):
        if nxt >= 0:
            d = nxt - i
            if d <= width:
                _add(S, i, W, rows[d])
        if ends_mask[i]:
            nxt = i


@njit(cache=True)
def _state_scores(cps, model, text):
    """State scores ``(n, L)`` of one chunk of normalised code points, summed in
    char_features' order (each pass adds to every character before the next pass)."""
    W, _, cid, uni, ng_tab, ng_base, ng_bits, tpl_len, tpl_off, id_bits, xr, _, _, _, ng_vb = model
    _, _, cls, pt_tab, pt_bits, pmark, st_tab, st_bits, smark, db_tab, db_bits, max_word, n_tags, proot, pt_vb = text
    n = cps.size
    L = model[1].shape[0]  # the labels (W's rows are padded)
    S = np.zeros((n, L))
    # n-grams over the text padded with ^^ and $$, by dense character id
    D = np.empty(n + 4, dtype=np.int64)
    D[0] = D[1] = cid[94]  # "^"
    D[n + 2] = D[n + 3] = cid[36]  # "$"
    for t in range(n):
        D[t + 2] = cid[cps[t]]
    # the weight row of each template at each character first (template by template:
    # the look-ups do not wait for each other), then the rows summed character by character
    n_tpl = tpl_len.size
    R = np.empty((n_tpl, n), dtype=np.int64)
    for k in range(n_tpl):
        ln = tpl_len[k]
        o0, o1, o2 = tpl_off[k, 0] + 2, tpl_off[k, 1] + 2, tpl_off[k, 2] + 2
        if ln == 1:
            for t in range(n):
                R[k, t] = uni[k, D[t + o0]]
            continue
        base, bits = ng_base[k], ng_bits[k]
        for t in range(n):
            a, b = D[t + o0], D[t + o1]
            key = (a << id_bits) | b
            ok = a != 0 and b != 0  # a character no attribute has: no row
            if ln == 3:
                c = D[t + o2]
                key = (key << id_bits) | c
                ok = ok and c != 0
            R[k, t] = _pget(ng_tab, base, bits, ng_vb, key) if ok else -1
    for t in range(n):
        for k in range(n_tpl):
            r = R[k, t]
            if r >= 0:
                for y in range(L):
                    S[t, y] += W[r, y]
    c = np.empty(n, dtype=np.uint8)
    for t in range(n):
        c[t] = cls[cps[t]]
    # surnames
    for t in range(n):
        if c[t] & 1:
            _add(S, t, W, xr[0])
        elif c[t] & 2:
            _add(S, t, W, xr[1])
    for t in range(1, n):
        if c[t - 1] & 1:
            _add(S, t, W, xr[2])
    # distance to the next organisation / place end character
    _spread(S, W, (c & 4) != 0, 12, xr[5:18])
    _spread(S, W, (c & 8) != 0, 8, xr[18:31])
    # lexicon matches (begin, middle, end of words of 2+ characters)
    lbase = 44
    for i in range(n - 1):
        node = proot[cps[i]] if cps[i] < proot.size else _pget(pt_tab, 0, pt_bits, pt_vb, cps[i])
        if node < 0:
            continue
        jmax = min(n, i + max_word)
        for j in range(i + 2, jmax + 1):
            node = _pget(pt_tab, 0, pt_bits, pt_vb, (node << 21) | cps[j - 1])
            if node < 0:
                break
            tg = pmark[node]
            if tg > 0:
                b = lbase + 3 * (tg - 1)
                _add(S, i, W, xr[b])
                for k in range(i + 1, j - 1):
                    _add(S, k, W, xr[b + 1])
                _add(S, j - 1, W, xr[b + 2])
    # organisation suffix words: the longest one ending at each character
    osw = np.zeros(n, dtype=np.int64)
    olen = np.zeros(n, dtype=np.int64)
    for i in range(n):
        node = 0
        for k in range(1, i + 2):
            node = _hget(st_tab, 0, st_bits, (node << 21) | cps[i - k + 1])
            if node < 0:
                break
            if smark[node] > 0:
                osw[i] = smark[node]
                olen[i] = k
    _spread(S, W, olen >= 2, 12, xr[31:44])
    obase = lbase + 3 * n_tags
    for i in range(n):
        if osw[i] > 0:
            _add(S, i, W, xr[obase + osw[i] - 1])
            _add(S, i, W, xr[4])
    # two-character surnames
    for k in range(n - 1):
        if _hget(db_tab, 0, db_bits, (cps[k] << 21) | cps[k + 1]) >= 0:
            _add(S, k, W, xr[3])
    return S


@njit(cache=True)
def _viterbi(S, trans, out):
    """crfsuite's Viterbi (strict ``<``: the first label wins a tie) into ``out``."""
    n, L = S.shape
    alpha = np.empty((n, L))
    back = np.zeros((n, L), dtype=np.int64)
    for j in range(L):
        alpha[0, j] = S[0, j]
    for t in range(1, n):
        for j in range(L):
            best = -np.inf
            arg = -1
            for i in range(L):
                s = alpha[t - 1, i] + trans[i, j]
                if best < s:
                    best = s
                    arg = i
            if arg >= 0:
                back[t, j] = arg
            alpha[t, j] = best + S[t, j]
    best = -np.inf
    out[n - 1] = 0
    for i in range(L):
        if best < alpha[n - 1, i]:
            best = alpha[n - 1, i]
            out[n - 1] = i
    for t in range(n - 1, 0, -1):
        out[t - 1] = back[t, out[t]]


@njit(cache=True)
def _marginals(S, trans, labels, is_entity, is_per, b_per, probs, begins):
    """crfsuite's scaled forward-backward; ``probs``/``begins`` as ``CRFTagger.tag`` wants them."""
    n, L = S.shape
    es = np.exp(S)
    et = np.exp(trans)
    alpha = np.zeros((n, L))
    beta = np.zeros((n, L))
    scale = np.empty(n)
    s = 0.0
    for j in range(L):
        alpha[0, j] = es[0, j]
        s += alpha[0, j]
    scale[0] = 1.0 / s if s != 0.0 else 1.0
    for j in range(L):
        alpha[0, j] *= scale[0]
    for t in range(1, n):
        s = 0.0
        for j in range(L):
            v = 0.0  # summed in a register, in crfsuite's order (i ascending)
            for i in range(L):
                v += alpha[t - 1, i] * et[i, j]
            v *= es[t, j]
            alpha[t, j] = v
            s += v
        scale[t] = 1.0 / s if s != 0.0 else 1.0
        for j in range(L):
            alpha[t, j] *= scale[t]
    for j in range(L):
        beta[n - 1, j] = scale[n - 1]
    row = np.empty(L)
    for t in range(n - 2, -1, -1):
        for j in range(L):
            row[j] = beta[t + 1, j] * es[t + 1, j]
        for i in range(L):
            d = 0.0
            for j in range(L):
                d += et[i, j] * row[j]
            beta[t, i] = d * scale[t]
    for t in range(n):
        lab = labels[t]
        if is_entity[lab]:
            probs[t] = alpha[t, lab] * beta[t, lab] / scale[t]
            if is_per[lab] and b_per >= 0:
                begins[t] = alpha[t, b_per] * beta[t, b_per] / scale[t]


@njit(cache=True)
def _chunk_bounds(cps, max_chunk, cuts):
    """``CRFTagger._chunks``: pieces of at most ``max_chunk`` characters, cut after the
    last of ``cuts`` in the window when there is one past its first character."""
    n = cps.size
    bounds = np.zeros(n + 1, dtype=np.int64)
    nb = 0
    i = 0
    while i < n:
        j = min(n, i + max_chunk)
        if j < n:
            cut = -1
            for q in range(j - 1, i, -1):
                for c in cuts:
                    if cps[q] == c:
                        cut = q
                        break
                if cut >= 0:
                    break
            if cut > i:
                j = cut + 1
        nb += 1
        bounds[nb] = j
        i = j
    return bounds[:nb + 1]


@njit(cache=True, nogil=True)
def _tag_text(raw, max_chunk, marginals, model, text):
    """Normalise, chunk and tag ``raw`` code points: label ids, probabilities and
    name-start probabilities (see :meth:`CompiledCRF.tag`)."""
    trans, is_entity, is_per, b_per = model[1], model[11], model[12], model[13]
    shape, cuts = text[0], text[1]
    n = raw.size
    cps = np.empty(n, dtype=np.int64)
    for t in range(n):
        cp = np.int64(raw[t])
        cps[t] = shape[cp] if cp < shape.size else cp
    labels = np.zeros(n, dtype=np.int64)
    probs = np.ones(n)
    begins = np.zeros(n)
    bounds = _chunk_bounds(cps, max_chunk, cuts)
    for k in range(bounds.size - 1):
        i, j = bounds[k], bounds[k + 1]
        S = _state_scores(cps[i:j], model, text)
        _viterbi(S, trans, labels[i:j])
        if marginals:
            for t in range(i, j):  # a chunk without entities keeps probs 1.0, begins 0.0
                if is_entity[labels[t]]:
                    _marginals(S, trans, labels[i:j], is_entity, is_per, b_per, probs[i:j], begins[i:j])
                    break
    return labels, probs, begins


@njit(cache=True)
def _bio_spans(labels, probs, kind_of, is_begin):
    """:func:`analysis.ner.crf.bio_spans` on label ids: ``(m, 3)`` rows of start, end,
    type id (``kind_of``) and each span's lowest ``probs`` (its confidence)."""
    n = labels.size
    spans = np.empty((n, 3), dtype=np.int64)
    conf = np.empty(n)
    m = 0
    start = -1
    kind = 0
    prev = -2
    for i in range(n):
        k = kind_of[labels[i]]
        if k == 0:
            continue
        if start >= 0 and i != prev + 1:  # the O at prev + 1 ended the span
            spans[m, 0], spans[m, 1], spans[m, 2] = start, prev + 1, kind
            m += 1
            start, kind = -1, 0
        if is_begin[labels[i]] or k != kind:
            if start >= 0:
                spans[m, 0], spans[m, 1], spans[m, 2] = start, i, kind
                m += 1
            start, kind = i, k
        prev = i
    if start >= 0:
        spans[m, 0], spans[m, 1], spans[m, 2] = start, prev + 1, kind
        m += 1
    for q in range(m):
        c = probs[spans[q, 0]]
        for t in range(spans[q, 0] + 1, spans[q, 1]):
            if probs[t] < c:
                c = probs[t]
        conf[q] = c
    return spans[:m], conf[:m]


@njit(cache=True)
def pair_starts(cps, first, second, pair):
    """:meth:`analysis.ner.gazetteer.Gazetteer.starts` on code points: the ``k`` where
    ``pair[first[cps[k]], second[cps[k + 1]]]`` (code points above the tables' size
    count as the last one; ``-1`` in ``first``/``second``: no such character)."""
    n = cps.size
    out = np.empty(max(n - 1, 0), dtype=np.int64)
    top = first.size - 1
    m = 0
    for k in range(n - 1):
        f = first[min(np.int64(cps[k]), top)]
        if f < 0:
            continue
        s = second[min(np.int64(cps[k + 1]), top)]
        if s >= 0 and pair[f, s]:
            out[m] = k
            m += 1
    return out[:m]
