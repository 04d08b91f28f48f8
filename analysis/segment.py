"""Chinese word segmentation that knows this domain: `Segmenter`, sentences,
stop words and cached corpus tokens.

A :class:`Segmenter` owns its own ``jieba.Tokenizer`` (or an ``rjieba.Jieba``),
never jieba's process-wide default, loaded with the packaged domain dictionary
(``analysis/data/dict/domain.txt``), any user dictionaries and extra words
(a corpus's accepted terms). Backends are shared per process per dictionary
set, because each jieba tokenizer holds about 74 MB.

Numbers with their magnitude, approximation and measure word stay one token
(``3万多人次``, ``2500多人``, ``1.3万余``, ``92.3%``, ``100—300户``): one
compiled regular expression splits them out first and jieba cuts the text
between them (in one call per document, a placeholder character standing for
each number), so plain and part-of-speech segmentation give the same words. Part of
speech is computed only on request (``pos=True``) by looking each word up in
jieba's dictionary tags (HMM tagging for unknown words), so it never changes
the segmentation.

Example:
    >>> seg = get_segmenter()
    >>> seg.cut("江州区志愿者2500多人")
    ['江州区', '志愿者', '2500多人']
    >>> [tuple(t) for t in seg.tokenize("服务群众3万多人次", pos=True)]
    [('服务', 0, 2, 'vn'), ('群众', 2, 4, 'n'), ('3万多人次', 4, 9, 'm')]
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import re
import threading
import unicodedata
from itertools import accumulate, islice, repeat
from operator import add
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Sequence

import numpy as np
import pandas as pd

from .config import Config, cache_dir, data_path, load_config, options_from
from .errors import SegmentError

log = logging.getLogger(__name__)

#: bump when a change in this module changes the tokens (invalidates caches)
SEGMENTER_VERSION = 1

DOMAIN_DICT = "domain"          # name of the packaged domain dictionary
DEFAULT_STOPWORDS = "default"   # name of the packaged merged stop-word list

# -- numbers with units -------------------------------------------------------
_DIG = "[0-9０-９]"
_NUM = rf"{_DIG}+(?:[,，]{_DIG}{{3}})*(?:[.．]{_DIG}+)?"
_MAG = "[十百千万亿]+"
_APPROX = "[多余来几]"
_UNITS = sorted("""
人次 场次 户次 批次 架次 车次 班次 频次 个百分点 百分点 万元 亿元 千元 元 美元 欧元
平方公里 平方米 立方米 公里 千米 厘米 毫米 米 公顷 亩 吨 千克 公斤 斤 克 升 毫升 千瓦时 千瓦 瓦
小时 分钟 秒钟 秒 周年 年度 年 个月 月 日 天 周 号 时 分 岁 人 名 位 个 支 户 家 所 座 条 项 件
次 场 批 期 届 处 间 台 辆 套 张 本 份 篇 种 类 倍 股 只 头 棵 株 栋 幢 层 床 元钱 块 部 门 架 艘
列 趟 轮 起 宗 笔 单 例 对 组 队 村 镇 乡 街 县 省 市 区 团 班 辆次 课时 学时 公顷 多
""".split(), key=len, reverse=True)
_UNIT = "(?:[%％‰]|" + "|".join(dict.fromkeys(_UNITS)) + ")"
_QTY = rf"{_NUM}(?:{_MAG})?{_APPROX}?(?:{_MAG})?"
_DATE = (rf"{_DIG}{{4}}[-/.]{_DIG}{{1,2}}[-/.]{_DIG}{{1,2}}|(?:{_DIG}{{4}}年)?{_DIG}{{1,2}}月{_DIG}{{1,2}}[日号]"
         rf"|{_DIG}{{4}}年{_DIG}{{1,2}}月|{_DIG}{{1,2}}[:：]{_DIG}{{2}}(?:[:：]{_DIG}{{2}})?")
# the same with their first digit already taken (for the split pattern below)
_QTY_REST = rf"{_DIG}*(?:[,，]{_DIG}{{3}})*(?:[.．]{_DIG}+)?(?:{_MAG})?{_APPROX}?(?:{_MAG})?"
_DATE_REST = (rf"{_DIG}{{3}}[-/.]{_DIG}{{1,2}}[-/.]{_DIG}{{1,2}}"
              rf"|(?:{_DIG}{{3}}年{_DIG}{{1,2}}|{_DIG}?)月{_DIG}{{1,2}}[日号]"
              rf"|{_DIG}{{3}}年{_DIG}{{1,2}}月|{_DIG}?[:：]{_DIG}{{2}}(?:[:：]{_DIG}{{2}})?")


def _number_pattern(unit: str, named: bool = True) -> str:
    """The number pattern (without its leading lookahead) with ``unit`` as the unit
    alternation; its groups named (``date``, ``unit``) or non-capturing."""
    date, unit_group = ("(?P<date>", "(?P<unit>") if named else ("(?:", "(?:")
    return (rf"(?<![A-Za-z0-9０-９.．_])(?:{date}{_DATE})"
            rf"|第?{_QTY}(?:\s?[—–\-~～至]\s?{_QTY})?{unit_group}{unit})?)(?![A-Za-z])")


# the leading lookahead lets re skip to candidate characters (8x faster)
NUMBER_RE = re.compile("(?=[0-9０-９第])" + _number_pattern(_UNIT))


#: the characters ``\s`` matches in a str pattern (``str.isspace``), as a class body
_WS = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"


def _split_pattern(unit: str) -> str:
    """A whitespace run or a number (as :data:`NUMBER_RE`, with ``unit`` as the unit
    alternation) in one capturing group, for ``re.split``.

    It starts by taking one character of a class, whitespace, digit or 第, and
    goes on by what it was (the number's first digit taken, the look-behind
    one character further back), because a pattern that starts with a class
    lets ``re`` jump from candidate to candidate: 2x faster than a leading
    look-ahead. The whitespace of that class is spelt out (:data:`_WS`): a
    class of plain characters is a table look-up per character where ``\\s``
    is a category test (the scan of a report 15% faster).
    """
    tail = rf"(?:\s?[—–\-~～至]\s?{_QTY})?(?:{unit})?"
    return (rf"([{_WS}0-9０-９第](?:(?<=\s)\s*|(?<![A-Za-z0-9０-９.．_].)"
            rf"(?:(?<=第){_QTY}{tail}|(?<!第)(?:{_DATE_REST}|{_QTY_REST}{tail}))(?![A-Za-z])))")
"""One compiled pass: dates/times, then number [magnitude] [多/余] [range] [unit]."""

#: a one-character unit is left out of the number when it starts a common word
#: (``8100处理器`` → 8100 / 处理器), except time units (``28日本报讯`` is rare)
_UNIT_WORD_MIN_FREQ = 1000
_TIME_UNITS = frozenset("年月日号时分秒天周")
#: first characters of units, most frequent first in the digest reports (the split
#: pattern tries the units in this order: fewer failed tries per number)
_UNIT_FIRST_ORDER = "日年%个例月亿人时名亩家公周吨项分天条美件米岁小次户届位平元立倍千万种号台斤列处多座场辆起所架部支只批张份套"
#: stands for a number in the text given to jieba: neither a Chinese character nor
#: whitespace (a private-use character), so jieba and jieba-rs end a block at it
#: and give it as a token of its own
_PLACEHOLDER = "\ue000"
#: ends one document and starts the next in the text of a batch
#: (:meth:`Segmenter.spans_many`): like the placeholder, a private-use character,
#: which no number or whitespace run of the split pattern can contain, start or
#: end with, and which jieba and jieba-rs give as a token of its own
_BOUNDARY = "\ue001"
#: characters of text cut in one call by :meth:`Segmenter.spans_many`
_BATCH_CHARS = 50_000
_PUNCT_RE = re.compile(r"^[\W_]+$")
_HAN_RE = re.compile(r"^[\u3400-\u9fff]+$")
#: a sentence end: ``(?:[。！？!?；;]+|…+|\.{3,})[”’」』）)》\"'】]*|\n``, written to start
#: with one character class (the regex engine then skips to those characters
#: instead of trying every position; the kind of end is told by a look-behind)
_SENT_END_RE = re.compile(r"[。！？!?；;….\n](?:(?<=[。！？!?；;])[。！？!?；;]*[”’」』）)》\"'】]*"
                          r"|(?<=…)…*[”’」』）)》\"'】]*|(?<=\.)\.{2,}[”’」』）)》\"'】]*|(?<=\n))")


class Token(NamedTuple):
    """One token: the word, its character offsets into the text, its POS tag (or None)."""
    word: str
    start: int
    end: int
    pos: str | None = None


@dataclasses.dataclass
class SegmentOptions:
    """Options of a :class:`Segmenter` (the ``[segment]`` table of the config).

    Attributes:
        backend: ``"jieba"`` (reference, default) or ``"rjieba"`` (Rust port, ~20× faster).
        hmm: let jieba's HMM join unknown words (names, new terms).
        dictionary: ``"domain"`` for the packaged domain dictionary, a path, or ``""``.
        user_dicts: more jieba-format dictionaries (``word [freq] [tag]`` a line).
        stopwords: stop-word lists: ``"default"`` (packaged merged list) and/or paths.
        extra_stopwords: single stop words added to the lists.
        keep_punct: :meth:`Segmenter.terms` keeps punctuation tokens.
        keep_numbers: :meth:`Segmenter.terms` keeps number tokens (``158支``).
        keep_single_chars: :meth:`Segmenter.terms` keeps one-character words.
        to_simplified: convert traditional to simplified characters (OpenCC t2s)
            before cutting; offsets still index the original text.
    """
    backend: str = "jieba"
    hmm: bool = True
    dictionary: str = DOMAIN_DICT
    user_dicts: list[str] = dataclasses.field(default_factory=list)
    stopwords: list[str] = dataclasses.field(default_factory=lambda: [DEFAULT_STOPWORDS])
    extra_stopwords: list[str] = dataclasses.field(default_factory=list)
    keep_punct: bool = False
    keep_numbers: bool = False
    keep_single_chars: bool = True
    to_simplified: bool = False

    def __post_init__(self) -> None:
        if self.backend not in ("jieba", "rjieba"):
            raise SegmentError(f"[segment] backend must be 'jieba' or 'rjieba', not {self.backend!r}")
        for name in ("user_dicts", "stopwords", "extra_stopwords"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, [value])
            else:
                setattr(self, name, list(value))

    @classmethod
    def from_config(cls, cfg: Config | dict | None = None) -> "SegmentOptions":
        """Options from the ``[segment]`` table of a config (packaged defaults when None)."""
        cfg = load_config() if cfg is None else cfg
        table = cfg.get("segment", {}) if hasattr(cfg, "get") else {}
        return options_from(cls, table, "segment")

    def key(self) -> tuple:
        return tuple((f.name, tuple(v) if isinstance(v := getattr(self, f.name), list) else v)
                     for f in dataclasses.fields(self))


# -- dictionaries ---------------------------------------------------------------
def _resolve_dict(name: str) -> Path:
    path = data_path("dict", f"{name}.txt") if name == DOMAIN_DICT else Path(name)
    if not path.is_file():
        raise SegmentError(f"{name}: dictionary file not found")
    return path


def _resolve_stoplist(name: str) -> Path:
    path = data_path("stopwords", f"{name}.txt") if name == DEFAULT_STOPWORDS else Path(name)
    if not path.is_file():
        raise SegmentError(f"{name}: stop-word list not found")
    return path


def read_dictionary(path: str | Path) -> list[tuple[str, int | None, str | None]]:
    """Entries ``(word, freq or None, tag or None)`` of a jieba-format dictionary.

    Blank lines and lines starting with ``#`` are skipped.

    Raises:
        SegmentError: a line has a non-integer frequency.
    """
    entries = []
    with open(path, encoding="utf-8-sig") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            word, freq, tag = parts[0], None, None
            if len(parts) > 1:
                if parts[1].isdigit():
                    freq = int(parts[1])
                    tag = parts[2] if len(parts) > 2 else None
                elif len(parts) == 2 and parts[1].isalpha() and parts[1].isascii():
                    tag = parts[1]
                else:
                    raise SegmentError(f"{path}:{lineno}: bad dictionary line {line!r}")
            entries.append((word, freq, tag))
    return entries


def read_stopwords(path: str | Path) -> set[str]:
    """Words of a stop-word list (one a line; lines starting ``# `` are comments)."""
    words = set()
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            w = line.strip()
            if w and not line.startswith("# "):
                words.add(w)
    return words


class _Backend:
    """A loaded tokenizer (jieba or rjieba) with its dictionaries; shared per process."""

    def __init__(self, backend: str, entries: tuple[tuple[str, int | None, str | None], ...]):
        self.backend = backend
        self.entries = entries
        self.user_tags = {w: t for w, _, t in entries if t}
        self._tags: dict[str, str] | None = None
        self._split = None
        #: whether documents can be cut together (:meth:`Segmenter.spans_many`): no
        #: unit look-ahead of the split pattern mentions the placeholder or the boundary
        self.batch_safe = True
        self._lock = threading.Lock()
        if backend == "rjieba":
            import rjieba
            self.tok = rjieba.Jieba()
            for word, freq, tag in entries:
                f = freq if freq is not None else self.tok.suggest_freq(word)
                self.tok.add_word(word, f, tag)
            self.cut = self.tok.cut  # (text, hmm), no Python frame per call
            self.freq = lambda word: self.dict_table()[1].get(word, 0)
        else:
            import jieba
            logging.getLogger("jieba").setLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.tmp_dir = str(cache_dir())
            tok.initialize()
            for word, freq, tag in entries:
                tok.add_word(word, freq, tag)
            self.tok = tok
            self.cut = lambda text, hmm: tok.lcut(text, False, hmm)
            self.freq = lambda word: tok.FREQ.get(word, 0)

    def split_numbers(self, text: str) -> list[str]:
        """``[stretch, sep, stretch, ..., sep, stretch]``: ``text`` cut around its
        number tokens and whitespace runs (the separators ``sep``).

        One ``re.split`` with :data:`NUMBER_RE`'s pattern, in which a
        one-character unit (not a time unit) is not taken when it starts a word
        of at least ``_UNIT_WORD_MIN_FREQ`` in this backend's dictionary
        (``8100处理器`` → ``8100`` / ``处理器``; ``28日本报讯`` keeps ``28日``).
        The first call builds the pattern and binds its ``split`` over this
        method on the instance, so later calls run no Python frame.
        """
        if self._split is None:
            self._split = self._number_splitter()
            self.split_numbers = self._split  # type: ignore[method-assign]
        return self._split(text)

    def _number_splitter(self):
        table = self.tok.FREQ if self.backend == "jieba" else self.dict_table()[1]
        singles = {u for u in ("%", "％", "‰", *_UNITS) if len(u) == 1 and u not in _TIME_UNITS}
        follow: dict[str, list[str]] = {}
        for word, freq in table.items():
            if len(word) == 2 and word[0] in singles and freq and freq >= _UNIT_WORD_MIN_FREQ:
                follow.setdefault(word[0], []).append(word[1])
        alts = []
        for unit in ("%", "％", "‰", *dict.fromkeys(_UNITS)):
            nxt = follow.get(unit) if len(unit) == 1 and unit not in _TIME_UNITS else None
            alts.append((unit[0], f"{re.escape(unit)}(?![{''.join(map(re.escape, sorted(nxt)))}])" if nxt
                                  else re.escape(unit)))
        # the regex engine tries the alternatives in turn: the common units first.
        # Only units of different first characters change places (a stable sort by
        # the first character), so at any position the same alternative wins
        rank = {c: i for i, c in enumerate(_UNIT_FIRST_ORDER)}
        alts.sort(key=lambda a: rank.get(a[0], len(rank)))
        self.batch_safe = not {c for chars in follow.values() for c in chars} & {_PLACEHOLDER, _BOUNDARY}
        return re.compile(_split_pattern("(?:" + "|".join(a for _, a in alts) + ")")).split

    @property
    def tags(self) -> dict[str, str]:
        """Word → POS tag from jieba's main dictionary plus the user entries (loaded once)."""
        return self.dict_table()[0]

    def dict_table(self) -> tuple[dict[str, str], dict[str, int]]:
        """(word → tag, word → freq) of jieba's main dictionary and the user entries."""
        if self._tags is None:
            with self._lock:
                if self._tags is None:
                    from .jiebadict import jieba_dict
                    words, counts, word_tags = jieba_dict()  # jieba's dict.txt, read once per process
                    tags: dict[str, str] = dict(zip(words, word_tags))
                    freqs: dict[str, int] = dict(zip(words, counts))
                    tags.update(self.user_tags)
                    for w, f, _ in self.entries:
                        freqs[w] = f or freqs.get(w) or 1
                    self._freqs = freqs
                    self._tags = tags
        return self._tags, self._freqs


_BACKENDS: dict[tuple, _Backend] = {}
_SEGMENTERS: dict[tuple, "Segmenter"] = {}
_LOCK = threading.Lock()


def _get_backend(backend: str, entries: tuple) -> _Backend:
    key = (backend, hashlib.sha1(repr(entries).encode()).hexdigest())
    with _LOCK:
        be = _BACKENDS.get(key)
        if be is None:
            log.debug("loading %s backend with %d user entries", backend, len(entries))
            be = _BACKENDS[key] = _Backend(backend, entries)
    return be


def _norm_extra(extra_words: Iterable) -> tuple[tuple[str, int | None, str | None], ...]:
    out = []
    for item in extra_words or ():
        if isinstance(item, str):
            out.append((item, None, None))
        elif isinstance(item, dict):
            out.append((item["term"], item.get("freq"), item.get("tag")))
        else:
            item = tuple(item) + (None, None)
            out.append((item[0], item[1], item[2]))
    return tuple(out)


_POS_MODEL = None


@functools.lru_cache(maxsize=200_000)
def _hmm_tag(word: str) -> str:
    """POS tag of an unknown word from jieba's POS HMM (tag of its first character)."""
    global _POS_MODEL
    if _POS_MODEL is None:
        from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P, viterbi
        _POS_MODEL = (viterbi, char_state_tab_P, start_P, trans_P, emit_P)
    viterbi, *model = _POS_MODEL
    try:
        _, states = viterbi(word, *model)
        return states[0][1]
    except (KeyError, IndexError, ValueError):
        return "x"


_INTS: np.ndarray | None = None  # the int objects 0..2**k - 1 (object array), grown on demand


def _int_list(values: np.ndarray, top: int) -> list[int]:
    """``values.tolist()`` (values in ``range(top)``), the int objects taken from a
    shared table: a look-up is about half the cost of making a new int."""
    global _INTS
    table = _INTS
    if table is None or top > len(table):
        if top > 1 << 22:
            return values.tolist()
        table = np.array(range(1 << max(top.bit_length(), 15)), dtype=object)
        if _INTS is None or len(table) > len(_INTS):  # another thread may have grown it meanwhile
            _INTS = table
    return table.take(values).tolist()


class Segmenter:
    """A configured Chinese word segmenter.

    Args:
        options: a :class:`SegmentOptions` (packaged ``[segment]`` defaults when None).
        extra_words: more words for the dictionary, as strings or
            ``(word, freq, tag)`` tuples or ``{"term", "freq", "tag"}`` dicts
            (a corpus's accepted terms).
        **overrides: fields of :class:`SegmentOptions` to change.

    The object is callable (``seg(text) == seg.terms(text)``) and picklable
    (the tokenizer is rebuilt, or reused, in the other process), so it plugs
    into ``CountVectorizer(tokenizer=seg, lowercase=False, token_pattern=None)``.

    Example:
        >>> seg = Segmenter(hmm=False)
        >>> seg.terms("江州区探索“三码合一”联动服务模式")
        ['江州区', '探索', '三码合一', '联动', '服务', '模式']
    """

    def __init__(self, options: SegmentOptions | None = None, extra_words: Iterable = (), **overrides: Any):
        opts = options if options is not None else SegmentOptions.from_config()
        if overrides:
            opts = dataclasses.replace(opts, **overrides)
        self.options = opts
        self.extra_words = _norm_extra(extra_words)
        entries: list = []
        digests = []
        dict_files = ([opts.dictionary] if opts.dictionary else []) + list(opts.user_dicts)
        for name in dict_files:
            path = _resolve_dict(name)
            entries += read_dictionary(path)
            digests.append(hashlib.sha1(path.read_bytes()).hexdigest())
        entries += self.extra_words
        self._entries = tuple(entries)
        stop: set[str] = set()
        stop_digests = []
        for name in opts.stopwords:
            path = _resolve_stoplist(name)
            stop |= read_stopwords(path)
            stop_digests.append(hashlib.sha1(path.read_bytes()).hexdigest())
        stop |= set(opts.extra_stopwords)
        self.stopwords = frozenset(stop)
        import jieba
        tokens_desc = {"version": SEGMENTER_VERSION, "jieba": jieba.__version__, "backend": opts.backend,
                       "hmm": opts.hmm, "to_simplified": opts.to_simplified, "dicts": digests,
                       "extra_words": [list(e) for e in self.extra_words]}
        self.tokens_hash = hashlib.sha1(json.dumps(tokens_desc, ensure_ascii=False, sort_keys=True)
                                        .encode()).hexdigest()[:16]
        full_desc = dict(tokens_desc, stopwords=stop_digests, extra_stopwords=sorted(opts.extra_stopwords),
                         keep_punct=opts.keep_punct, keep_numbers=opts.keep_numbers,
                         keep_single_chars=opts.keep_single_chars)
        self.config_hash = hashlib.sha1(json.dumps(full_desc, ensure_ascii=False, sort_keys=True)
                                        .encode()).hexdigest()[:16]
        self.description = dict(full_desc, dict_files=[str(d) for d in dict_files],
                                stopword_lists=list(opts.stopwords))
        self._backend: _Backend | None = None
        self._t2s = None

    # -- pickling: rebuild (or reuse) the tokenizer in the other process ------------
    def __getstate__(self) -> dict:
        return {"options": self.options, "extra_words": self.extra_words}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["options"], state["extra_words"])

    def __repr__(self) -> str:
        return (f"Segmenter(backend={self.options.backend!r}, hmm={self.options.hmm}, "
                f"entries={len(self._entries)}, config_hash={self.config_hash!r})")

    @property
    def backend(self) -> _Backend:
        if self._backend is None:
            self._backend = _get_backend(self.options.backend, self._entries)
        return self._backend

    # -- core --------------------------------------------------------------------
    def _prepare(self, text: str) -> str:
        if not self.options.to_simplified:
            return text
        if self._t2s is None:
            from opencc import OpenCC
            self._t2s = OpenCC("t2s")
        out = self._t2s.convert(text)
        if len(out) != len(text):  # phrase conversion changed the length: go char by char
            out = "".join(self._t2s.convert(c) if len(self._t2s.convert(c)) == 1 else c for c in text)
        return out

    def _cut(self, text: str) -> tuple[list[str], list[int]]:
        """Tokens covering ``text`` exactly, numbers merged, each whitespace run
        one token, and the indices of those whitespace tokens.

        The numbers and whitespace runs are split out (one ``re.split``), the
        stretches between them are cut in ONE call with :data:`_PLACEHOLDER`
        in place of each, and they are put back where the placeholders came
        out. jieba (and jieba-rs) cut the text block by block and the
        placeholder, like whitespace, ends a block, so every stretch is cut
        exactly as if it were cut alone.
        """
        be = self._backend or self.backend
        cut = be.cut
        hmm = self.options.hmm
        parts = be.split_numbers(text)
        if len(parts) == 1:  # no number, no whitespace
            return cut(text, hmm), []
        space: list[int] = []
        if _PLACEHOLDER in text:  # cannot stand for the numbers here: cut stretch by stretch
            out: list[str] = []
            for i, part in enumerate(parts):
                if not i & 1:
                    if part:
                        out += cut(part, hmm)
                    continue
                if part.isspace():
                    space.append(len(out))
                out.append(part)
            return out, space
        words = cut(_PLACEHOLDER.join(parts[::2]), hmm)
        index = words.index
        i = -1
        for sep in parts[1::2]:
            i = index(_PLACEHOLDER, i + 1)
            words[i] = sep
            if sep.isspace():
                space.append(i)
        return words, space

    @staticmethod
    def _drop(items: list, space: list[int]) -> list:
        """``items`` without the positions in ``space`` (ascending), in place when they are few.

        Copying a token list costs more than moving its pointers (every copied
        word is touched), so a few positions are deleted in place; many (a
        text full of line breaks) are dropped by copying the runs between them.
        """
        if len(space) <= 64:
            for j in reversed(space):
                del items[j]
            return items
        out: list = []
        i = 0
        for j in space:
            out += items[i:j]
            i = j + 1
        out += items[i:]
        return out

    def _spans(self, text: str) -> tuple[list[str], list[int]]:
        """Non-whitespace words of ``text`` and their start offsets."""
        # same length as text: offsets index the original
        words, space = self._cut(self._prepare(text) if self.options.to_simplified else text)
        starts = list(accumulate(map(len, words), initial=0))
        starts.pop()
        if not space:
            return words, starts
        return self._drop(words, space), self._drop(starts, space)

    def spans_many(self, texts: Iterable[str]) -> list[tuple[list[str], list[int]]]:
        """:meth:`_spans` of each text (words and start offsets, whitespace
        dropped), computed for many texts at once: the same output, faster.

        The texts are cut in batches of about :data:`_BATCH_CHARS` characters.
        A batch is one text, the documents joined by :data:`_BOUNDARY`, split
        around numbers and whitespace runs by ONE ``re.split`` and cut by ONE
        call of the tokenizer; the offsets of the whole batch are computed
        with numpy and the batch is then cut into documents. Every document
        comes out as if cut alone, because the boundary character ends
        everything that decides how a document is cut (see
        :meth:`_spans_batch`). A text that contains the boundary or the
        placeholder character is cut alone (found when a batch has more of
        them than it was given).

        Args:
            texts: document bodies.

        Returns:
            ``(words, starts)`` per text, in order, equal to ``self._spans(text)``.
        """
        texts = texts if isinstance(texts, list) else list(texts)
        be = self._backend or self.backend
        if be._split is None:
            be.split_numbers("")  # builds the split pattern, which tells batch_safe
        if not be.batch_safe:
            return [self._spans(t) for t in texts]
        prep = [self._prepare(t) for t in texts] if self.options.to_simplified else texts
        out: list = []
        start = size = 0
        for end, t in enumerate(prep, 1):
            size += len(t)
            if size >= _BATCH_CHARS or end == len(prep):
                got = self._spans_batch(prep[start:end])
                out += got if got is not None else self._spans_odd(texts[start:end], prep[start:end])
                start, size = end, 0
        return out

    def _spans_odd(self, texts: list[str], prep: list[str]) -> list[tuple[list[str], list[int]]]:
        """:meth:`_spans` of each text, some of them holding the boundary or the
        placeholder character: those cut alone, the others together."""
        odd = [_BOUNDARY in t or _PLACEHOLDER in t for t in prep]
        got = self._spans_batch([t for t, o in zip(prep, odd) if not o])
        if got is None:  # cannot happen: none of these texts holds either character
            raise SegmentError("batch segmentation lost a document boundary or a separator")
        rest = iter(got)
        return [self._spans(t) if o else next(rest) for t, o in zip(texts, odd)]

    def _spans_batch(self, texts: list[str]) -> list[tuple[list[str], list[int]]] | None:
        """:meth:`_spans` of each text, or None when a text holds :data:`_BOUNDARY`
        or :data:`_PLACEHOLDER` (more of them in the cut text than were put in).

        Why each document is cut as if alone: the split pattern cannot match
        the boundary character, take it in or look at it in any way other
        than as the start or end of the text (its look-behinds and look-aheads
        only exclude characters of numbers, Latin letters and unit words, see
        ``_Backend.batch_safe``); jieba and jieba-rs cut block by block, a
        block being a run of Chinese characters, Latin letters and digits
        (their ``re_han``), and give every other character that is not
        whitespace as a token of its own, so the boundary ends a block and
        comes out alone, as the placeholders do.

        The offsets: token lengths in the cut text (placeholders one
        character), then each placeholder's length set to its separator's and
        each boundary's to minus the length of the document before it, so one
        cumulative sum gives every token's start in its own document. Python
        work per token is one ``len`` (into a bytearray), one int taken from a
        shared table and two list copies (each document's words and starts);
        the rest is numpy over the batch or Python per separator or document.
        """
        if not texts:
            return []
        be = self._backend or self.backend
        parts = be.split_numbers(_BOUNDARY.join(texts))
        seps = parts[1::2]
        joined = _PLACEHOLDER.join(parts[::2])
        words = be.cut(joined, self.options.hmm)
        n = len(words)
        try:  # one byte per length (a token of 256 characters or more: ValueError)
            lens = np.frombuffer(bytearray(map(len, words)), np.uint8).astype(np.int32)
        except ValueError:
            lens = np.fromiter(map(len, words), np.int32, n)
        # each placeholder and boundary is a token of its own: found by where it ends
        codes = np.frombuffer(joined.encode("utf-32-le"), np.uint32)
        marks = np.flatnonzero((codes >> 1) == ord(_PLACEHOLDER) >> 1)  # the two characters differ in bit 0
        ends = np.cumsum(lens)
        at = ends.searchsorted(marks + 1)
        if len(at) and (at[-1] >= n or (ends[at] != marks + 1).any() or (lens[at] != 1).any()):
            raise SegmentError("the tokenizer joined a placeholder or boundary to a word")  # never wrong offsets
        is_doc = codes[marks] == ord(_BOUNDARY)
        at_doc = at[is_doc]
        at_sep = at[~is_doc]
        if len(at_doc) != len(texts) - 1 or len(at_sep) != len(seps):
            return None  # a text holds one of the two characters
        lens[at_sep] = np.fromiter(map(len, seps), np.int32, len(seps))
        lens[at_doc] = -np.fromiter(map(len, texts), np.int32, len(texts))[:-1]
        starts = np.zeros(n, np.int32)
        np.cumsum(lens[:-1], out=starts[1:])
        all_starts = _int_list(starts, max(map(len, texts)) + 1)
        space = at_sep[np.fromiter(map(str.isspace, seps), bool, len(seps))]
        for i, sep in zip(at_sep.tolist(), seps):  # the numbers back in
            words[i] = sep
        # each document: its tokens up to the boundary, without its whitespace runs
        firsts = np.concatenate(([0], at_doc + 1))
        lasts = at_doc.tolist()
        lasts.append(n)
        space_at = space.searchsorted(firsts).tolist()  # each document's first whitespace run
        space_at.append(len(space))
        space = space.tolist()
        out = []
        for d, first in enumerate(firsts.tolist()):
            last = lasts[d]
            doc_words = words[first:last]
            doc_starts = all_starts[first:last]
            lo, hi = space_at[d], space_at[d + 1]
            if hi - lo > 64:  # many: copy the runs between them
                drop = [j - first for j in space[lo:hi]]
                doc_words, doc_starts = self._drop(doc_words, drop), self._drop(doc_starts, drop)
            else:
                for j in reversed(space[lo:hi]):
                    del doc_words[j - first]
                    del doc_starts[j - first]
            out.append((doc_words, doc_starts))
        return out

    def tag_words(self, words: Sequence[str]) -> list[str]:
        """POS tags (jieba/ICTCLAS) for already segmented words.

        Dictionary words take their dictionary tag, number tokens ``m`` (dates
        and times ``t``), Latin words ``eng``, punctuation ``x``, unknown
        Chinese words the tag of jieba's POS HMM.
        """
        tags = self.backend.tags
        out = []
        for w in words:
            c = w[0]
            if c.isdigit() or (c == "第" and len(w) > 1 and w[1].isdigit()):
                m = NUMBER_RE.fullmatch(w)
                if m is not None or w.isdigit():
                    out.append("t" if m is not None and m.group("date") else "m")
                    continue
            t = tags.get(w)
            if t is None:
                if _HAN_RE.match(w):
                    t = _hmm_tag(w)
                elif w.isascii() and w.isalnum():
                    t = "m" if w.isdigit() else "eng"
                elif _PUNCT_RE.match(w):
                    t = "x"
                else:
                    t = "x"
            out.append(t)
        return out

    # -- public API -----------------------------------------------------------------
    def cut(self, text: str) -> list[str]:
        """All tokens of ``text`` (punctuation included, whitespace dropped)."""
        words, space = self._cut(self._prepare(text) if self.options.to_simplified else text)
        return self._drop(words, space) if space else words

    def tokenize(self, text: str, pos: bool = False) -> list[Token]:
        """Tokens with character offsets into ``text`` (and POS tags when ``pos``).

        ``text[t.start:t.end] == t.word`` for every token (unless
        ``to_simplified`` converted the character).
        """
        words, starts = self._spans(text)
        ends = list(map(add, starts, map(len, words)))
        return list(map(Token, words, starts, ends, self.tag_words(words) if pos else repeat(None)))

    def is_stopword(self, word: str) -> bool:
        """Whether ``word`` is in the configured stop-word lists."""
        return word in self.stopwords

    def in_dictionary(self, word: str) -> bool:
        """Whether ``word`` is a dictionary word (jieba's, the domain or user dictionaries, extra words)."""
        return self.backend.freq(word) > 0

    def is_number(self, word: str) -> bool:
        """Whether ``word`` is a number token (``158支``, ``92.3%``, ``2023``)."""
        return bool(word) and (word.isdigit() or NUMBER_RE.fullmatch(word) is not None)

    def filter_terms(self, words: Iterable[str]) -> list[str]:
        """Keep content terms: drop stop words, punctuation and, by option,
        numbers and single characters."""
        o = self.options
        stop = self.stopwords
        out = []
        for w in words:
            if w in stop:
                continue
            if not o.keep_punct and _PUNCT_RE.match(w):
                continue
            if not o.keep_numbers and self.is_number(w):
                continue
            if not o.keep_single_chars and len(w) == 1:
                continue
            out.append(w)
        return out

    def terms(self, text: str) -> list[str]:
        """Content terms of ``text`` (see :meth:`filter_terms`)."""
        return self.filter_terms(self.cut(text))

    __call__ = terms

    def sentences(self, text: str) -> list[tuple[int, int]]:
        """Sentence spans ``(start, end)`` of ``text``; ``text[start:end]`` is the sentence.

        A sentence ends after 。！？!?；; … (with closing quotes or brackets
        after them) or at a line break; surrounding whitespace is excluded.
        """
        return sentence_spans(text)


#: the spans of the last texts asked for (``annotate`` asks twice per document: the
#: token payload, then entity extraction), at most :data:`_SPANS_KEEP` of them
_SPANS_SEEN: dict[str, tuple[tuple[int, int], ...]] = {}
_SPANS_KEEP = 256


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of Chinese text (see :meth:`Segmenter.sentences`).

    The spans of the last few hundred texts are kept: ``annotate`` needs a
    document's spans for its token payload and again inside entity
    extraction, a chunk of documents apart (a new list is returned each time)."""
    hit = _SPANS_SEEN.get(text)
    if hit is not None:
        return list(hit)
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    for m in _SENT_END_RE.finditer(text):
        _add_span(text, pos, m.end(), spans)
        pos = m.end()
    if pos < n:
        _add_span(text, pos, n, spans)
    if n > 100_000:  # a book: not kept
        return spans
    if len(_SPANS_SEEN) >= _SPANS_KEEP:
        try:
            del _SPANS_SEEN[next(iter(_SPANS_SEEN))]  # the oldest
        except (KeyError, RuntimeError, StopIteration):  # another thread got there first
            pass
    _SPANS_SEEN[text] = tuple(spans)
    return spans


def _add_span(text: str, s: int, e: int, spans: list) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


def get_segmenter(options: SegmentOptions | None = None, extra_words: Iterable = (),
                  **overrides: Any) -> Segmenter:
    """The shared :class:`Segmenter` of this process for a configuration.

    Args:
        options: the options (packaged defaults when None).
        extra_words: more dictionary words (see :class:`Segmenter`).
        **overrides: fields of :class:`SegmentOptions` to change.
    """
    opts = options if options is not None else SegmentOptions.from_config()
    if overrides:
        opts = dataclasses.replace(opts, **overrides)
    extra = _norm_extra(extra_words)
    key = (opts.key(), extra)
    with _LOCK:
        seg = _SEGMENTERS.get(key)
    if seg is None:
        seg = Segmenter(opts, extra)
        with _LOCK:
            seg = _SEGMENTERS.setdefault(key, seg)
    return seg


# -- corpus -------------------------------------------------------------------------
def corpus_segmenter(corpus, **overrides: Any) -> Segmenter:
    """The segmenter of a corpus: its configured ``[segment]`` options, the
    packaged domain dictionary and the corpus's accepted terms
    (``corpus.store.terms()``, added with ``analysis terms add``)."""
    opts = SegmentOptions.from_config(corpus.config)
    extra = [(t["term"], t["freq"], t["tag"]) for t in corpus.store.terms()]
    return get_segmenter(opts, extra, **overrides)


def _payload(seg: Segmenter, body: str, pos: bool) -> dict[str, Any]:
    words, starts = seg._spans(body)
    return {"w": words, "s": starts, "p": seg.tag_words(words) if pos else None,
            "sent": [list(s) for s in sentence_spans(body)]}


def _payloads(seg: Segmenter, bodies: list[str], pos: bool) -> list[dict[str, Any]]:
    """:func:`_payload` of each body, equal to it, the words and offsets cut
    many documents at a time (:meth:`Segmenter.spans_many`)."""
    return [{"w": words, "s": starts, "p": seg.tag_words(words) if pos else None,
             "sent": [list(s) for s in sentence_spans(body)]}
            for body, (words, starts) in zip(bodies, seg.spans_many(bodies))]


def segment_corpus(corpus, pos: bool = False, progress: bool = False, doc_ids: Iterable[str] | None = None,
                   segmenter: Segmenter | None = None, batch_size: int = 500) -> int:
    """Segment every document that has no stored tokens under the current configuration.

    Stored payload (kind ``tokens``, keyed by ``seg.tokens_hash``, the hash of
    every setting that changes tokens, dictionary contents included):
    ``{"w": words, "s": starts, "p": tags or null, "sent": [[start, end], ...]}``.
    With ``pos=True`` documents stored without tags get their tags added
    (the words do not change).

    Returns:
        The number of documents newly segmented (or newly tagged).
    """
    seg = segmenter or corpus_segmenter(corpus)
    store = corpus.store
    key = seg.tokens_hash
    store.register_config(key, "tokens", seg.description)
    wanted = None if doc_ids is None else list(dict.fromkeys(doc_ids))
    missing = store.missing_annotations("tokens", key)
    if wanted is not None:
        ws = set(wanted)
        missing = [d for d in missing if d in ws]
    retag: list[str] = []
    if pos:
        have = store.get_annotations("tokens", key, doc_ids=wanted)
        retag = [d for d, p in have.items() if p.get("p") is None]
    total = len(missing) + len(retag)
    if not total:
        return 0
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=total, unit="doc", desc="segment")
    done = 0
    buf: list[tuple[str, dict]] = []

    def flush():
        nonlocal buf
        if buf:
            store.put_annotations("tokens", key, buf)
            buf = []

    if missing:
        docs = iter(store.iter_documents(["doc_id", "body"], doc_ids=missing))
        while chunk := list(islice(docs, 100)):  # cut 100 documents at a time
            for doc, payload in zip(chunk, _payloads(seg, [d["body"] for d in chunk], pos)):
                buf.append((doc["doc_id"], payload))
                done += 1
                if bar is not None:
                    bar.update(1)
                if len(buf) >= batch_size:
                    flush()
    if retag:
        have = store.get_annotations("tokens", key, doc_ids=retag)
        for did, payload in have.items():
            payload["p"] = seg.tag_words(payload["w"])
            buf.append((did, payload))
            done += 1
            if bar is not None:
                bar.update(1)
            if len(buf) >= batch_size:
                flush()
    flush()
    if bar is not None:
        bar.close()
    log.info("segmented %d documents (config %s)", done, key)
    return done


def stored_tokens(corpus, doc_ids: Iterable[str] | None = None, pos: bool = False,
                  segmenter: Segmenter | None = None) -> dict[str, dict[str, Any]]:
    """``{doc_id: payload}`` of stored tokens, segmenting what is missing first."""
    seg = segmenter or corpus_segmenter(corpus)
    ids = None if doc_ids is None else list(doc_ids)
    segment_corpus(corpus, pos=pos, doc_ids=ids, segmenter=seg)
    got = corpus.store.get_annotations("tokens", seg.tokens_hash, doc_ids=ids)
    order = ids if ids is not None else corpus.store.doc_ids()
    return {d: got[d] for d in order if d in got}


def iter_stored_tokens(corpus, doc_ids: Iterable[str] | None = None, pos: bool = False,
                       segmenter: Segmenter | None = None, chunk: int = 500) -> Iterator[tuple[str, dict]]:
    """Stream ``(doc_id, payload)`` of stored tokens in document order (bulk reader).

    What is missing is segmented first (one check for the whole selection);
    then the whole corpus is read with ONE SQL query (a selection: one query
    per ``chunk`` ids) and each payload is decoded as it comes, so a caller
    can convert and drop payloads one by one. Same payloads as
    :func:`stored_tokens`, without its per-document queries.
    """
    from .store import unpack
    seg = segmenter or corpus_segmenter(corpus)
    ids = None if doc_ids is None else list(dict.fromkeys(doc_ids))
    segment_corpus(corpus, pos=pos, doc_ids=ids, segmenter=seg)
    conn = corpus.store.conn
    if ids is None:
        cur = conn.execute("SELECT a.doc_id, a.data FROM documents d JOIN annotations a ON a.kind='tokens' "
                           "AND a.config=? AND a.doc_id=d.doc_id ORDER BY d.rowid", (seg.tokens_hash,))
        for did, data in cur:
            yield did, unpack(data)
        return
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        rows = dict(conn.execute(f"SELECT doc_id, data FROM annotations WHERE kind='tokens' AND config=? "
                                 f"AND doc_id IN ({','.join('?' * len(part))})", (seg.tokens_hash, *part)))
        for did in part:
            if did in rows:
                yield did, unpack(rows.pop(did))


def corpus_tokens(corpus, doc_ids: Iterable[str] | None = None, pos: bool = False,
                  as_frame: bool = False, segmenter: Segmenter | None = None):
    """Tokens of the corpus documents (stored; segmenting what is missing).

    Args:
        corpus: a :class:`~analysis.corpus.Corpus`.
        doc_ids: documents to return (all, in insertion order, when None).
        pos: include POS tags (computed once and stored).
        as_frame: return a tidy DataFrame instead of lists.
        segmenter: a segmenter to use instead of :func:`corpus_segmenter`.

    Returns:
        A list of token lists (one per document), or a DataFrame with one
        row per token and columns ``doc_id`` (str), ``sentence`` (int, 0-based
        sentence number in the body), ``position`` (int, 0-based token number
        in the document), ``token`` (str), ``pos`` (str or None), ``start``,
        ``end`` (int character offsets into the body)::

            doc_id            sentence  position  token   pos  start  end
            6821ed831be0e517  0         0         天天    None 0      2
    """
    payloads = stored_tokens(corpus, doc_ids, pos=pos, segmenter=segmenter)
    if not as_frame:
        return [p["w"] for p in payloads.values()]
    frames = []
    for did, p in payloads.items():
        words, starts = p["w"], p["s"]
        ends = [s + len(w) for s, w in zip(starts, words)]
        sent_ends = [e for _, e in p.get("sent") or []]
        import bisect
        sent = [min(bisect.bisect_right(sent_ends, s), max(len(sent_ends) - 1, 0)) for s in starts]
        frames.append(pd.DataFrame({
            "doc_id": did, "sentence": sent, "position": range(len(words)), "token": words,
            "pos": p["p"] if pos and p.get("p") is not None else [None] * len(words),
            "start": starts, "end": ends}))
    cols = ["doc_id", "sentence", "position", "token", "pos", "start", "end"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def kwic(corpus, term: str, window: int = 15, doc_ids: Iterable[str] | None = None,
         segmenter: Segmenter | None = None) -> pd.DataFrame:
    """Keyword in context on the stored segmentation.

    A term that is one token matches that token; a term the segmenter cuts
    into several tokens matches that run of consecutive tokens.

    Args:
        corpus: the corpus.
        term: the word to look for.
        window: context size in tokens on each side.
        doc_ids: restrict to these documents.

    Returns:
        DataFrame with columns ``doc_id``, ``start``, ``end`` (character
        offsets of the match in the body), ``left``, ``keyword``, ``right``
        (body text of ``window`` tokens before/after, line breaks as spaces)::

            doc_id            start  end  left            keyword  right
            6821ed831be0e517  22     25   ...党建引领 “    江小爱   ”服务暖民心...
    """
    seg = segmenter or corpus_segmenter(corpus)
    cols = ["doc_id", "start", "end", "left", "keyword", "right"]
    parts = seg.cut(term) or [term]
    payloads = stored_tokens(corpus, doc_ids, segmenter=seg)
    ids = list(payloads)
    bodies = {d["doc_id"]: d["body"] for d in corpus.store.iter_documents(["doc_id", "body"], doc_ids=ids)}
    rows = []
    k = len(parts)
    for did, p in payloads.items():
        words, starts = p["w"], p["s"]
        body = bodies[did]
        first = parts[0]
        for i, w in enumerate(words):
            if w != first or words[i:i + k] != parts:
                continue
            j = i + k - 1
            s, e = starts[i], starts[j] + len(words[j])
            lo = starts[max(0, i - window)]
            hi_i = min(len(words) - 1, j + window)
            hi = starts[hi_i] + len(words[hi_i])
            rows.append((did, s, e, body[lo:s].replace("\n", " "), body[s:e],
                         body[e:hi].replace("\n", " ")))
    return pd.DataFrame(rows, columns=cols)
