"""Figures: every count in a report, with its value, unit, bound, what it
counts, its category and the sentence it stands in; and dates, separately.

One compiled regular expression scans a document once. At every position it
tries, in order: a date (``2023年3月28日``, ``3月25日``, ``2022年初``,
``2023-03-28``), a clock time (``16:45:44``, ``8时30分``, ``两点半``), a
relative date word (``今年以来``, ``去年底``) and finally a number
(Arabic, full-width, Chinese numerals, mixed ``3万``/``1.3万余``/``1300多万``,
``12,000``, ranges ``100—300``/``3至5``, ``百分之三十``). Dates and times
consume their characters, so ``3月25日`` never yields the figures 3 and 25.
Around each number a few cheap string checks find the unit (longest match in
the measure-word lexicon), the approximators before (约, 超过, 不到, 近, 至少,
不超过...) and after (多, 余, 以上, 左右, 以内...), the exclusions (ordinals
with 第, names/slogans/titles in quotes or in the ``[names]`` list of the
lexicon, ``1+8+N``, phone numbers and IDs, 一 as an article).

The counted noun is read from the clause around the figure: only the few
characters on each side (``counted_window``) are cut by the project's
segmenter (plain cut, no POS tagging), and word classes come from jieba's
dictionary table (the lexicon's nouns count as nouns). It is looked for after
the unit first: the noun phrase up to a clause boundary, verb or particle,
with modifiers and coordinations (``158支志愿服务队``, ``46个“江小爱”暖心站点``,
``73个国家、地区和国际组织``, ``1.25%的股权``); then before the number in the
same clause, skipping linking words (``志愿者2500多人``, ``服务群众3万多人次``,
``志愿服务队共建有158支``, ``农民人均可支配收入达18931元``). A verb right before
money is what the money is for (``签约845.3亿元``); before a count it makes the
noun before it the doer, not the thing counted (``社区居住着2000多户``: None);
a rate (``每小时``) or the base of a comparison (``比上届``) is not counted. A
clause that only says how a figure changed (``比上年增加1295万亩``,
``同比增长9.7%``) takes the counted noun of the previous figure of the same
sentence. The whole costs a fraction of a jieba pass (see the README).

Chinese numerals go through cn2an (cached) where it is right; the patterns it
gets wrong are handled before it sees them: adjacent-digit ranges (``两三个``
→ 2..3, not 23; ``五六十`` → 50..60), ``十几`` (→ more than 10, less than 20),
``两点半`` (a clock time, never a number), and a fallback parser takes over
when cn2an refuses a string.

Record fields (:data:`FIELDS`, the columns of :func:`figures`):

- ``doc_id``: the document id (None for a bare text).
- ``start``, ``end``, ``text``: character offsets into the text and the span
  (``3万多人次``; approximators before the number are in the span too).
- ``sentence``: the whole sentence the figure stands in.
- ``number``: the number as written (``3万多``, ``100—300``, ``十几``).
- ``value``: the stated value with 万/亿/千 applied (30000); None for a range.
- ``low``, ``high``: the interval it means (``2500多`` → 2500, None;
  ``不到24`` → None, 24; ``100—300`` → 100, 300; exact and about
  (``约300``) → value, value).
- ``unit``: the measure word or unit as written (人次, 支, 个, %, 元...); None
  for a bare number.
- ``approx``: exact, more_than, about, less_than, at_least, at_most, range.
- ``counted``: the thing counted as written (志愿服务队, 群众), or None.
- ``kind``: count, percent, money, duration, measure, multiple.
- ``category``: the first category of the lexicon that matches, or None.

Date records (:data:`DATE_FIELDS`): ``doc_id, start, end, text, value,
relative, sentence`` where ``value`` is ISO 8601 (``2023-03-28``, ``2023-03``,
``2023``, ``--03-25`` when the year is not given, None when a relative date
cannot be resolved without a reference date) and ``relative`` is True when the
date depends on when the report was written (``今年以来``, ``3月25日``).

Example:
    >>> recs = extract_figures("目前，江州区46个“江小爱”暖心站点为群众提供常态化志愿服务。")
    >>> [(r["value"], r["unit"], r["approx"], r["counted"], r["category"]) for r in recs]
    [(46, '个', 'exact', '暖心站点', 'stations')]
    >>> r = extract_figures("服务群众3万多人次")[0]
    >>> (r["number"], r["value"], r["low"], r["high"], r["approx"], r["counted"])
    ('3万多', 30000, 30000, None, 'more_than', '群众')
"""
from __future__ import annotations

import bisect
import dataclasses
import hashlib
import json
import logging
import re
import tomllib
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from .config import Config, data_path, load_config, options_from
from .document import content_id
from .errors import ConfigError, ExtractionError

log = logging.getLogger(__name__)

#: bump when a change in this module changes the records (invalidates caches)
EXTRACTOR_VERSION = 4

FIELDS = ["doc_id", "start", "end", "text", "sentence", "number", "value", "low", "high",
          "unit", "approx", "counted", "kind", "category"]
DATE_FIELDS = ["doc_id", "start", "end", "text", "value", "relative", "sentence"]
APPROX = ("exact", "more_than", "about", "less_than", "at_least", "at_most", "range")
KINDS = ("count", "percent", "money", "duration", "measure", "multiple")


# -- options -------------------------------------------------------------------
@dataclasses.dataclass
class FigureOptions:
    """Options of figure extraction (the ``[figures]`` table of the config).

    Attributes:
        lexicon: the category lexicon (TOML); None = the packaged
            ``analysis/data/categories.toml``.
        quote_name_max: a number inside quotes (“…”, ‘…’, 「…」) of at most this
            many characters, with no comma or full stop inside, is part of a
            name or slogan (“一年10件实事”, “543”工作法), not a figure.
        keep_unitless: keep Arabic numbers without a unit when they carry a
            magnitude or approximation (``总诊疗人次95.5亿``).
        counted_window: how many characters on each side of a figure (up to the
            clause boundary) are segmented to find the counted noun (4 more after it).
        extra_units: more measure words, as ``"词:kind"`` (``"盏:count"``).
        extra_names: more names/slogans that are never figures.
    """

    lexicon: str | None = None
    quote_name_max: int = 12
    keep_unitless: bool = True
    counted_window: int = 12
    extra_units: list[str] = dataclasses.field(default_factory=list)
    extra_names: list[str] = dataclasses.field(default_factory=list)

    @classmethod
    def from_config(cls, cfg: Config | Mapping | None = None) -> "FigureOptions":
        cfg = cfg if cfg is not None else load_config()
        return options_from(cls, dict(cfg.get("figures", {})), "figures")


# -- lexicon -------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Category:
    """One category of the lexicon (a ``[categories.NAME]`` table).

    Attributes:
        name: the label put into the ``category`` column (``teams``).
        nouns: counted nouns that select it, longest first (a counted noun
            containing one matches: 党员志愿者 → volunteers).
        cues: words right before a figure that select it when no noun does
            (``服务群众`` before ``3万多人次``).
        units: the units it applies to (empty: any unit).

    Example:
        >>> c = get_extractor().categories[0]; (c.name, "支" in c.units)
        ('teams', True)
    """

    name: str
    nouns: tuple[str, ...]
    cues: tuple[str, ...]
    units: frozenset[str]


def _any_in(words: Sequence[str]):
    """A function telling whether any of ``words`` is a substring of its
    argument (a compiled alternation's ``search``), None for no words."""
    if not words:
        return None
    return re.compile("|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))).search


def _lexicon_path(path: str | None) -> Path:
    return Path(path) if path else data_path("categories.toml")


@lru_cache(maxsize=8)
def _read_lexicon(path: str, _mtime: float) -> tuple[bytes, dict]:
    raw = Path(path).read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: invalid category lexicon ({exc})") from exc
    return raw, data


def load_lexicon(path: str | None = None) -> tuple[bytes, dict]:
    """The category lexicon as (raw bytes, parsed TOML); raises ConfigError."""
    p = _lexicon_path(path)
    try:
        mtime = p.stat().st_mtime
    except OSError as exc:
        raise ConfigError(f"{p}: category lexicon not found") from exc
    return _read_lexicon(str(p), mtime)


# -- the scanner -----------------------------------------------------------------
_FW = str.maketrans("０１２３４５６７８９．％：－～＋", "0123456789.%:-~+")
_FW_PAIRS = tuple(zip("０１２３４５６７８９．％：－～＋", "0123456789.%:-~+"))


def _normalise(text: str) -> str:
    """``text.translate(_FW)``: full-width digits and ．％：－～＋ made ASCII
    (same length). Replacing the few that occur (news text nearly always has
    a full-width colon, rarely a digit) is 10x faster than ``translate``,
    which looks every character up in a dict."""
    for fw, ascii_ in _FW_PAIRS:
        if fw in text:
            text = text.replace(fw, ascii_)
    return text
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_CHARS = _CN_DIGITS + "十百千万亿"
_CN_VAL = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_MAG_VAL = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}

# thousands separators: ASCII commas, or full-width ones (kept by ingestion) before exactly 3 digits
_AR = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:，\d{3}(?![\d.]))+|\d+(?:\.\d+)?"
_MAGS = r"(?:[十百万亿]|千(?![米克瓦卡焦伏帕]))"
_AR_NUM = rf"(?:{_AR})(?:[多余几])?(?:{_MAGS}{{1,2}})?(?:[多余])?"
# a Chinese numeral: not a lone 一 (an article), not 百/千/万/亿 without a digit
_CN_NUM = (rf"(?![百千万亿])(?!一(?![{_CN_CHARS}几]))[{_CN_CHARS}]+(?:几(?:[十百千万亿]{{0,2}}))?"
           r"(?:[多余](?:[万亿]{1,2}(?![多余]))?)?")  # 三十多万, 一千多万: 多/余 before the magnitude
_BARE_MAG = (r"(?:(?<=[近上逾超])|(?<=将近|接近|不到|不足|超过|突破))(?:百|千|万|十万|百万|千万|亿)(?=[余多]?)"
             r"|[百千万](?=余)|(?<=[几数])(?:十|百|千|万|十万|百万|千万|亿)"
             r"|(?:(?<=[近逾超])|(?<=将近|接近|不到|不足|超过))一(?![一二两三四五六七八九十百千万亿])"
             r"|一(?=个多|个半)")
# 万/亿 followed by a lower-order part: 13万2千, 1万2千多, 3万2000, 2亿3000万, 13万2
_WAN_LOWER = (r"\d{1,4}万(?:[1-9]千(?:[1-9]百)?|[1-9]\d{3}(?![\d.%万千百十])|[1-9](?![\d.%万千百十]))[多余]?"
              r"|\d{1,4}亿(?:[1-9]\d{0,3}万|[1-9]千万)[多余]?")
_ONE = rf"(?:{_WAN_LOWER}|{_AR_NUM}|(?:{_BARE_MAG})[多余]?|{_CN_NUM})"
_SEP = r"(?:——|[—–\-~至到])"

_Y = r"(?:(?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3})"
_M = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_D = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_YP = rf"(?P<y>{_Y})年(?:初|底|末|中|上半年|下半年)?"
_MP = rf"(?<![个\d{_CN_CHARS}])(?P<m{{i}}>{_M})月(?:份)?(?:初|底|末|中旬|上旬|下旬|中)?"
_DP = rf"(?<![\d{_CN_CHARS}])(?P<d{{i}}>{_D})[日号](?!本|元|语|常|益|用|子|记|报(?!讯|道))"
_DATE = (rf"(?P<iso>(?:19|20)\d{{2}})[-/.](?P<im>1[0-2]|0?[1-9])[-/.](?P<id>3[01]|[12]\d|0?[1-9])(?!\d)"
         rf"|{_YP}(?:{_MP.format(i=1)}(?:{_DP.format(i=1)})?)?"
         rf"|{_MP.format(i=2)}(?:{_DP.format(i=2)})?|{_DP.format(i=3)}")
_CLOCK = rf"(?:\d{{1,2}}|[零一二两三四五六七八九十]{{1,3}})"
_TIME = (r"\d{1,2}:\d{2}(?::\d{2})?"
         rf"|{_CLOCK}时(?:{_CLOCK}分)?(?!间|期|代|候|刻|尚|事|光|速|空|势|节)"
         rf"|{_CLOCK}点(?:半|整|钟|许|{_CLOCK}分)")
_REL_WORDS = {
    "今年以来": ("year", 0), "今年": ("year", 0), "去年底": ("year-end", -1), "去年同期": ("year", -1),
    "去年": ("year", -1), "前年": ("year", -2), "明年": ("year", 1), "年初以来": ("year", 0),
    "今年初": ("year-start", 0), "今年底": ("year-end", 0), "上半年": ("half", 0),
    "今天": ("day", 0), "今日": ("day", 0), "昨天": ("day", -1), "昨日": ("day", -1),
    "前天": ("day", -2), "明天": ("day", 1), "今晚": ("day", 0), "昨晚": ("day", -1),
    "本月": ("month", 0), "上个月": ("month", -1), "上月": ("month", -1), "近日": ("recent", 0),
    "本月底": ("month", 0), "本月初": ("month", 0), "上个月底": ("month", -1), "上月底": ("month", -1),
    "上月初": ("month", -1), "上个月初": ("month", -1),
}
# relative year words a month can follow (今年9月: one relative date, 2023-09)
_REL_YEAR = frozenset(["今年", "去年", "前年", "明年"])
_REL = "|".join(sorted(_REL_WORDS, key=len, reverse=True))

# Every match of the scanner starts with an ASCII digit (full-width ones are
# normalised first), a Chinese numeral character (dates, clock times, numbers,
# bare magnitudes, 百分之) or the first character of a relative date word: the
# lookahead on that set leaves the matches unchanged and lets the engine fail
# at every other position with one set test instead of trying each branch
# (3.5x faster scanning on the digest corpus). Each branch has the same kind of
# look-ahead on the characters it can start with (a further 10 %: the branches'
# own look-behinds are not tried where the branch cannot match).
_SCAN_FIRST = "".join(sorted(set("0123456789〇" + _CN_CHARS + "".join(w[0] for w in _REL_WORDS))))
_REL_FIRST = "".join(sorted({w[0] for w in _REL_WORDS}))
SCAN_RE = re.compile(
    rf"(?=[{re.escape(_SCAN_FIRST)}])(?:"
    rf"(?P<pct>百分之(?:{_AR}|[{_CN_CHARS}点]+))"
    rf"|(?=[0-9零一二两三四五六七八九十])(?P<time>{_TIME})"
    rf"|(?=[0-9〇零一二三四五六七八九十])(?P<date>{_DATE})"
    rf"|(?=[{re.escape(_REL_FIRST)}])(?P<rel>{_REL})"
    rf"|(?=[0-9{_CN_CHARS}])(?P<num>(?P<a>{_ONE})(?:(?P<sep>{_SEP})(?P<b>{_ONE}))?))")

# units: word -> kind (longest match first)
_UNITS: dict[str, str] = {}
for _kind, _words in {
    "percent": "% ‰ 个百分点 百分点 成",
    "money": "元 美元 欧元 日元 英镑 港元 港币 块钱",
    "duration": "年 个月 个多月 个半月 天 周 个星期 星期 小时 个小时 个多小时 分钟 秒 秒钟 昼夜 个工作日 工作日",
    "measure": ("平方米 平方公里 平方千米 立方米 公里/小时 千米/小时 米/秒 公里 千米 厘米 毫米 米 公顷 亩 吨 "
                "公斤 千克 克 斤 升 毫升 千瓦时 千瓦 兆瓦 瓦 平米 海里 摄氏度 ℃ 度"),
    "multiple": "倍 番",
    "count": ("人次 户次 件次 辆次 架次 车次 班次 批次 场次 个次 人 名 位 个 支 户 家 所 座 条 项 处 台 辆 张 部 "
              "批 套 间 栋 幢 株 棵 头 只 匹 艘 架 列 趟 篇 册 本 份 封 起 例 宗 单 款 种 类 层 门 根 块 片 轮 期 "
              "班 组 对 首 幅 集 节 堂 课时 学时 道 遍 场 次 粒 颗 枚 盏 床 口 尊 品 部门 省份 省市 省区市 方面 大项 "
              "小项 件"),
}.items():
    for _w in _words.split():
        _UNITS.setdefault(_w, _kind)

# what follows a number and makes it no figure: dates, ordinals, IDs, ages of eras
_NOT_UNIT = re.compile(r"月|日|号|岁|届|级|年代|年级|周年|后(?![，。、\s])|楼|版|代|大(?!约)|中全会|线|路(?!段)|栋楼|期工程")
_AFTER_APPROX = [("以上", "more_than"), ("开外", "more_than"), ("有余", "more_than"), ("左右", "about"),
                 ("上下", "about"), ("以内", "at_most"), ("之内", "at_most"), ("以下", "at_most"),
                 ("多", "more_than"), ("余", "more_than")]
_BEFORE_APPROX = [("不少于", "at_least"), ("不低于", "at_least"), ("不超过", "at_most"), ("不高于", "at_most"),
                  ("不大于", "at_most"), ("至少", "at_least"), ("最少", "at_least"), ("起码", "at_least"),
                  ("最多", "at_most"), ("至多", "at_most"), ("不到", "less_than"), ("不足", "less_than"),
                  ("不满", "less_than"), ("未满", "less_than"), ("少于", "less_than"), ("低于", "less_than"),
                  ("将近", "less_than"), ("接近", "less_than"), ("近", "less_than"), ("超过", "more_than"),
                  ("多于", "more_than"), ("高于", "more_than"), ("大于", "more_than"), ("突破", "more_than"),
                  ("逾", "more_than"), ("超", "more_than"), ("大约", "about"), ("约为", "about"),
                  ("大概", "about"), ("约", "about")]
# characters before 近/约/超 that make them part of another word (附近, 预约, 赶超)
_BEFORE_GUARD = {"近": set("附最靠邻就临亲贴走拉逼"), "约": set("预签节契邀公条制集合相特履违"),
                 "超": set("赶高"), "逾": set()}


def _by_char(pairs: list[tuple[str, str]], at: int) -> dict[str, tuple[tuple[str, str], ...]]:
    """``(word, approx)`` pairs grouped by their first (``at=0``) or last
    (``at=-1``) character, in list order within a group."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for word, ap in pairs:
        out[word[at]] = out.get(word[at], ()) + ((word, ap),)
    return out


# the approximators that can end right before / start right at a character: the
# loops try only those, in the list's order (the same first match as trying all)
_BEFORE_BY_LAST = _by_char(_BEFORE_APPROX, -1)
_AFTER_BY_FIRST = _by_char(_AFTER_APPROX, 0)
_AFTER7_BY_FIRST = _by_char(_AFTER_APPROX[:7], 0)

_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "\"": "\""}
_QUOTE_PAIRS = (("“", "”"), ("‘", "’"), ("「", "」"), ("『", "』"), ("\"", "\""))  # the order _in_name tries
_CLAUSE_STOP = set("，,。！？!?；;：:\n、（）()【】[]《》")
_SENT_STOP = re.compile(r"[。！？!?；;\n]")
_SENT_SPLIT = re.compile(r"([。！？!?；;\n])").split
# characters/words that end a counted noun phrase after the unit
_AFTER_STOP = set("的在和与及并等为是了里都将被把对向从也还又就已则让使给由到至或均达约近超上下中，,。！？!?；;：:\n、（）()")


def _num(d: Decimal) -> int | float:
    """A Decimal as int when integral, else float."""
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def _mag(s: str) -> int:
    m = 1
    for ch in s:
        m *= _MAG_VAL[ch]
    return m


@lru_cache(maxsize=4096)
def _cn_int(s: str) -> Decimal | None:
    """A Chinese numeral as a number: cn2an where it is right, else our parser."""
    if not s:
        return None
    if "点" in s:  # 三点五
        head, _, tail = s.partition("点")
        h = _cn_int(head) if head else Decimal(0)
        if h is None or not tail or any(c not in _CN_VAL for c in tail):
            return None
        return h + Decimal("0." + "".join(str(_CN_VAL[c]) for c in tail))
    # a run of bare digits (二〇二三, 一二三) is a code or a year, not a quantity
    if len(s) >= 3 and all(c in _CN_VAL for c in s):
        return None
    try:
        import cn2an
        v = cn2an.cn2an(s, "smart")
        return Decimal(str(v))
    except Exception:  # noqa: BLE001 - cn2an raises bare ValueErrors and worse
        return _cn_parse(s)


def _cn_parse(s: str) -> Decimal | None:
    """Fallback parser: 十万零一千, 一亿两千万, 13万2-style colloquial tails."""
    total, section, digit = 0, 0, None
    last_mag = None
    for ch in s:
        if ch in _CN_VAL:
            digit = _CN_VAL[ch]
        elif ch in "十百千":
            m = _MAG_VAL[ch]
            section += (1 if digit is None else digit) * m
            digit, last_mag = None, m
        elif ch in "万亿":
            m = _MAG_VAL[ch]
            section += digit or 0
            if section == 0 and total == 0:
                section = 1  # 万 alone (上万)
            total = (total + section) * m if ch == "亿" or total < m else total + section * m
            section, digit, last_mag = 0, None, m
        else:
            return None
    if digit is not None:
        # 一万二 = 12000 (a trailing digit after a magnitude is its next place)
        if last_mag and last_mag >= 100 and s[-2] not in "零〇":
            section += digit * (last_mag // 10)
        else:
            section += digit
    return Decimal(total + section)


@dataclasses.dataclass(frozen=True)
class _Num:
    number: str
    value: int | float | None
    low: int | float | None
    high: int | float | None
    approx: str


_PAIR_NEXT = {"一": "二两", "二": "三", "两": "三", "三": "四五", "四": "五", "五": "六", "六": "七", "七": "八",
              "八": "九"}


_RANGE_RE = re.compile(rf"({_ONE}){_SEP}({_ONE})")
_WAN_TAIL_RE = re.compile(r"(\d+)([万亿])(\d+)([千百万]?)(?:(\d)百)?")
_CN_MORE_MAG_RE = re.compile(rf"([{_CN_CHARS}]+)[多余]([万亿]{{1,2}})")
_AR_PARTS_RE = re.compile(r"([\d,]+(?:\.\d+)?)([多余几])?([十百千万亿]*)")
# compiled once (not looked up in re's cache per figure)
_MAG_TAIL_RE = re.compile(r"[十百千万亿]+$")
_MAG_RE = re.compile(r"[十百千万亿]")
_DIGITS_RE = re.compile(r"\d+")
_MAG_MORE_RE = re.compile(r"[十百千万亿多余]")
_WAN_YI_RE = re.compile(r"[万亿]")


@lru_cache(maxsize=65536)
def parse_number(s: str) -> _Num | None:
    """Parse one number as written (no unit): ``3万多``, ``1.3万余``, ``十几``,
    ``两三``, ``100—300``, ``12,000``. Returns None when it is no quantity.
    Cached (numbers repeat across reports); the result is frozen.

    Example:
        >>> n = parse_number("1.3万余"); (n.value, n.low, n.high, n.approx)
        (13000, 13000, None, 'more_than')
        >>> n = parse_number("两三"); (n.value, n.low, n.high, n.approx)
        (None, 2, 3, 'range')
    """
    s = s.translate(_FW).replace("，", ",")
    m = _RANGE_RE.fullmatch(s)
    if m:
        a, b = parse_number(m.group(1)), parse_number(m.group(2))
        if a is None or b is None or a.value is None or b.value is None:
            return None
        lo, hi = a.value, b.value
        # 3—5万: the magnitude of the second applies to the first
        tail = _MAG_TAIL_RE.search(m.group(2))
        if tail and not _MAG_RE.search(m.group(1)) and m.group(1)[0].isdigit():
            lo = _num(Decimal(str(lo)) * _mag(tail.group(0)))
        if lo > hi:
            return None
        return _Num(s, None, lo, hi, "range")
    approx = "exact"
    core = s
    if core and core[-1] in "多余":
        approx, core = "more_than", core[:-1]
    if not core:
        return None
    m2 = _WAN_TAIL_RE.fullmatch(core)
    if m2:  # 13万2 = 132000, 13万2千 = 132000, 3万2000 = 32000, 2亿3000万 = 230000000
        big = _MAG_VAL[m2.group(2)]
        tail, tail_mag = int(m2.group(3)), m2.group(4)
        if tail_mag:
            lower = tail * _MAG_VAL[tail_mag] + int(m2.group(5) or 0) * 100
        elif len(m2.group(3)) == 1:
            lower = tail * big // 10  # 13万2: the next place down
        else:
            lower = tail
        if lower >= big:
            return None
        v = int(m2.group(1)) * big + lower
        return _Num(s, v, v, v if approx == "exact" else None, approx)
    m3 = _CN_MORE_MAG_RE.fullmatch(core)
    if m3:  # 三十多万 = more than 300000, 一千多万 = more than 10000000
        h = _cn_int(m3.group(1))
        if h is None:
            return None
        v = _num(h * _mag(m3.group(2)))
        return _Num(s, v, v, None, "more_than")
    if core[0].isdigit():
        mm = _AR_PARTS_RE.fullmatch(core)
        if not mm:
            return None
        try:
            base = Decimal(mm.group(1).replace(",", ""))
        except InvalidOperation:
            return None
        mag = _mag(mm.group(3)) if mm.group(3) else 1
        if mm.group(2):
            approx = "more_than"
        value = _num(base * mag)
        if mm.group(2) == "几":  # 20几 = more than 20, less than 30
            return _Num(s, value, value, _num((base + 10) * mag) if base % 10 == 0 else None, "more_than")
    else:
        if "几" in core:  # 十几, 二十几万
            head, _, tail = core.partition("几")
            if not head.endswith("十"):
                return None
            h = _cn_int(head)
            if h is None:
                return None
            mag = _mag(tail) if tail else 1
            return _Num(s, _num(h * mag), _num(h * mag), _num((h + 10) * mag), "more_than")
        pair = _cn_pair(core)
        if pair:
            return _Num(s, None, pair[0], pair[1], "range")
        v = _cn_int(core)
        if v is None:
            return None
        value = _num(v)
    low = high = None
    if approx == "exact":
        low = high = value
    elif approx == "more_than":
        low = value
    return _Num(s, value, low, high, approx)


def _cn_pair(core: str) -> tuple[int | float, int | float] | None:
    """两三 → (2, 3), 五六十 → (50, 60), 十五六 → (15, 16), 三四万 → (30000, 40000)."""
    for i in range(len(core) - 1):
        a, b = core[i], core[i + 1]
        if a in _PAIR_NEXT and b in _PAIR_NEXT.get(a, ""):
            before, after = core[:i], core[i + 2:]
            if any(c in _CN_VAL for c in after) or any(c in _CN_VAL for c in before[-1:]):
                return None
            lo, hi = _cn_int(before + a + after), _cn_int(before + b + after)
            if lo is None or hi is None:
                return None
            return _num(lo), _num(hi)
    return None


# -- the extractor -------------------------------------------------------------------
class FigureExtractor:
    """Figure and date extraction with one lexicon and one set of options.

    Args:
        options: :class:`FigureOptions` (defaults from the packaged config).
        segmenter: the :class:`~analysis.segment.Segmenter` that cuts the
            clause windows (its dictionaries decide the counted nouns): a
            corpus's :func:`~analysis.segment.corpus_segmenter`, a worker's
            own; None = the process's default segmenter (plain texts).

    Attributes:
        categories: the categories of the lexicon, in order.
        config_hash: a hash of everything that changes the records (options,
            lexicon contents, extractor version, the segmenter's
            ``tokens_hash``), the store's cache key.
    """

    def __init__(self, options: FigureOptions | None = None, segmenter: Any = None):
        self.options = options or FigureOptions()
        raw, lex = load_lexicon(self.options.lexicon)
        cats = []
        for name, table in (lex.get("categories") or {}).items():
            if not isinstance(table, dict):
                raise ConfigError(f"[categories.{name}]: must be a table")
            cats.append(Category(name, tuple(sorted(table.get("nouns", []), key=len, reverse=True)),
                                 tuple(table.get("cues", [])), frozenset(table.get("units", []))))
        self.categories = cats
        # per category: (name, units, "a noun is in" test, cues, "a cue is in" test) - one
        # regex search instead of a test per noun (the same answer as trying each)
        self._category_tests = [(c.name, c.units, _any_in(c.nouns), c.cues, _any_in(c.cues)) for c in cats]
        self._category_by_unit: dict[str | None, tuple] = {}  # unit -> the tests of the categories allowing it
        names = list((lex.get("names") or {}).get("terms", [])) + list(self.options.extra_names)
        self._names_re = None
        if names:
            names = sorted(set(names), key=len, reverse=True)
            # the alternatives grouped by first character, longest first within a group: the
            # same first match at every position as the flat longest-first list, and re scans
            # for the group characters by itself (2x faster than a look-ahead and a flat list)
            groups: dict[str, list[str]] = {}
            for n in names:
                groups.setdefault(n[0], []).append(n[1:])
            self._names_re = re.compile("|".join(re.escape(c) + "(?:" + "|".join(map(re.escape, rest)) + ")"
                                                 for c, rest in groups.items()))
        heads = set((lex.get("nouns") or {}).get("heads", []))
        for c in cats:
            heads.update(c.nouns)
        self._heads = heads
        self._tag_table: dict[str, str] | None = None
        self._classes: dict[str, str] = {}  # word -> its word class in clause windows (see _clause_words)
        self._words_cache: dict[str, tuple[tuple[str, str], ...]] = {}
        # counted noun phrases per (window, cut inside its clause, kind, unit): windows recur
        # across reports (a third of them on digest reports), the phrase rules need not run again
        self._after_cache: dict[tuple, tuple[str | None, bool]] = {}
        self._before_cache: dict[tuple, tuple[str | None, bool]] = {}
        units = dict(_UNITS)
        for item in self.options.extra_units:
            word, _, kind = item.partition(":")
            if kind and kind not in KINDS:
                raise ConfigError(f"[figures] extra_units: {item!r}: kind must be one of {', '.join(KINDS)}")
            units[word] = kind or "count"
        self._units = units
        self._unit_max = max(len(u) for u in units)
        by_first: dict[str, list[str]] = {}
        for u in sorted(units, key=len, reverse=True):
            if u:
                by_first.setdefault(u[0], []).append(u)
        self._units_by_first = {c: tuple(us) for c, us in by_first.items()}  # longest first
        if segmenter is None:
            from .segment import get_segmenter
            segmenter = get_segmenter()
        # the counted nouns depend on the segmenter's dictionaries (user dictionaries, accepted
        # terms, backend): the hash of everything that changes its words is part of the cache key
        self._segmenter = segmenter
        desc = {"version": EXTRACTOR_VERSION, "options": dataclasses.asdict(self.options),
                "lexicon_sha1": hashlib.sha1(raw).hexdigest(), "segmenter": segmenter.tokens_hash}
        self.description = desc
        self.config_hash = "figures-" + hashlib.sha1(
            json.dumps(desc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    def _clear_caches(self) -> None:
        """Forget the clause windows' words and counted noun phrases (a fresh
        worker's state; benchmarks and tests of the caches)."""
        self._words_cache.clear()
        self._after_cache.clear()
        self._before_cache.clear()

    # -- public ------------------------------------------------------------
    @property
    def tokens_hash(self) -> str | None:
        """The ``tokens_hash`` of the segmentations :meth:`extract` can reuse
        (``tokens=``), or None when it cuts every window itself (a backend
        other than jieba, HMM off, traditional-to-simplified conversion)."""
        o = self._segmenter.options
        if o.backend != "jieba" or not o.hmm or o.to_simplified:
            return None
        return self._segmenter.tokens_hash

    def extract(self, text: str, doc_id: str | None = None, tokens: Any = None) -> list[dict[str, Any]]:
        """Figures of one text (see the module docstring for the fields).

        Args:
            text: the document body.
            doc_id: put into every record.
            tokens: the document's own tokens, ``{"w": words, "s": starts}``
                (the stored ``tokens`` payload) or ``(words, starts)``, from a
                segmenter whose ``tokens_hash`` is :attr:`tokens_hash`
                (ignored when that is None). The clause windows that are whole
                jieba blocks of the document take their words from them
                instead of being cut again; the records are identical.
        """
        if not isinstance(text, str):
            raise ExtractionError(f"{doc_id or 'text'}: expected a str, got {type(text).__name__}")
        if not text:
            return []
        norm = _normalise(text)
        doc = None
        if tokens is not None and self.tokens_hash is not None:
            words, starts = (tokens["w"], tokens["s"]) if isinstance(tokens, Mapping) else tokens
            doc = _DocTokens(text, norm, words, starts, self._segmenter.backend.split_numbers)
        # what makes a number part of a name, looked up once per document: the lexicon's names,
        # whether a 《title》 can be open, which quote marks occur (_in_name tries only those)
        names = (self._name_spans(norm), "《" in norm, tuple(q for q in _QUOTE_PAIRS if q[0] in norm))
        out: list[dict[str, Any]] = []
        sent = _Sentences(text)
        prev: tuple[int, str] | None = None  # end and counted noun of the last figure with one
        for m in SCAN_RE.finditer(norm):
            # the branch that matched is the last group closed (num closes after a, sep and b)
            branch = m.lastgroup
            if branch == "num":
                if m.start() == m.end():
                    continue
                rec = self._figure(norm, m, names, prev, doc)
            elif branch == "pct":
                rec = self._percent(norm, m, prev, doc)
            else:
                continue
            if rec is None:
                continue
            s, e, number, value, low, high, unit, approx, counted, kind, category = rec
            if counted and kind != "duration":
                prev = (e, counted)
            # the FIELDS, in order (tests/test_figures.py checks the keys)
            out.append({"doc_id": doc_id, "start": s, "end": e, "text": text[s:e], "sentence": sent.sentence(s),
                        "number": number, "value": value, "low": low, "high": high, "unit": unit,
                        "approx": approx, "counted": counted, "kind": kind, "category": category})
        return out

    def dates(self, text: str, doc_id: str | None = None, reference: str | None = None) -> list[dict[str, Any]]:
        """Date records of one text (see the module docstring)."""
        if not text:
            return []
        norm = _normalise(text)
        sent = _Sentences(text)
        ref_y = int(reference[:4]) if reference and reference[:4].isdigit() else None
        out: list[dict[str, Any]] = []
        year_word: tuple[int, int] | None = None  # (end, year delta) of a 今年/去年 just before
        for m in SCAN_RE.finditer(norm):
            start = m.start()
            if m.group("date") and m.end() > m.start():
                if year_word and year_word[0] == m.start() and (m.group("m1") or m.group("m2")) \
                        and not m.group("y") and not m.group("iso"):
                    # 今年9月, 去年3月25日: the month of the relative year, one record
                    rel = out.pop()
                    start = rel["start"]
                    value, _ = _date_value(m, None if ref_y is None else ref_y + year_word[1])
                    relative = True
                else:
                    value, relative = _date_value(m, ref_y)
                    if value is None and not relative:
                        continue
            elif m.group("rel"):
                value, relative = _rel_value(m.group("rel"), reference), True
            else:
                continue
            word = m.group("rel")
            year_word = (m.end(), _REL_WORDS[word][1]) if word in _REL_YEAR else None
            out.append({"doc_id": doc_id, "start": start, "end": m.end(), "text": text[start:m.end()],
                        "value": value, "relative": relative, "sentence": sent.sentence(start)})
        return out

    # -- internals ----------------------------------------------------------
    def _name_spans(self, norm: str) -> list[tuple[int, int]]:
        if self._names_re is None:
            return []
        return [(m.start(), m.end()) for m in self._names_re.finditer(norm)]

    def _in_name(self, norm: str, s: int, e: int,
                 names: tuple[list[tuple[int, int]], bool, tuple[tuple[str, str], ...]]) -> bool:
        """Whether the number ``norm[s:e]`` is part of a name; ``names``: the
        document's lexicon name spans, whether it has a ``《``, the quote pairs
        whose opening mark it has (see :meth:`extract`)."""
        spans, titles, quotes = names
        for a, b in spans:  # few per document
            if a < e and s < b:
                return True
        # 1+8+N, 党建+网格: a number joined by + is part of a formula/name
        if (s > 0 and norm[s - 1] in "+×") or (e < len(norm) and norm[e] in "+×"):
            return True
        # inside 《title》
        if titles:
            lt = norm.rfind("《", max(0, s - 40), s)
            if lt >= 0 and norm.find("》", lt, s) < 0 and norm.find("》", e, e + 40) >= 0:
                return True
        # inside a short quote: “一年10件实事”, “543”工作法, “六个一”改革
        limit = self.options.quote_name_max
        lo = max(0, s - limit)
        for q_open, q_close in quotes:
            i = norm.rfind(q_open, lo, s)
            if i < 0 or norm.find(q_close, i + 1, s) >= 0:
                continue
            j = norm.find(q_close, e, i + limit + 2)
            if j < 0:
                continue
            inner = norm[i + 1:j]
            if len(inner) <= limit and not any(c in inner for c in "，,。！？；"):
                return True
        return False

    def _unit_at(self, norm: str, pos: int) -> str | None:
        """The longest unit that starts at ``pos``, or None."""
        for u in self._units_by_first.get(norm[pos:pos + 1], ()):
            if norm.startswith(u, pos):
                return u
        return None

    def _figure(self, norm: str, m: re.Match, names, prev: tuple[int, str] | None = None,
                doc: "_DocTokens | None" = None) -> tuple | None:
        """A figure at the scanner's ``num`` match, or None: (start, end, number,
        value, low, high, unit, approx, counted, kind, category)."""
        s, e = m.span("num")
        number = m.group("num")
        first = number[0]
        before = norm[s - 1] if s else "\0"  # the character before the number ("\0": none)
        # 一 as an article is excluded by the scanner; a number glued to Latin
        # letters or other digits (IDs, model names) is no figure
        if before.isascii() and (before.isalnum() or before in "._/#"):
            return None
        if e < len(norm) and norm[e].isascii() and (norm[e].isalpha() or norm[e] in "_/#"):
            return None
        if before in "第周星礼":  # ordinals, weekdays (每 before a number is a rate, kept)
            return None
        if not first.isdigit() and (before in _CN_CHARS or before in "这那此该"):  # 这两天: these days
            return None
        parsed = parse_number(number)
        if parsed is None:
            return None
        # phone numbers, IDs, codes: long digit runs, leading zeros
        digits = number.replace(",", "")
        if first.isdigit():
            run = _DIGITS_RE.match(digits).group(0)
            plain = "," not in number and not _MAG_MORE_RE.search(number)
            if (len(run) >= 7 and plain and self._unit_at(norm, e) is None) or \
                    (len(run) >= 2 and run[0] == "0" and "." not in digits[:len(run) + 1]):
                return None
        approx = parsed.approx
        low, high, value = parsed.low, parsed.high, parsed.value
        bare_prefix = None
        if first in "百千万亿十" and before in "上几数":  # 上万, 几十, 数百
            bare_prefix = s - 1
            if approx == "exact":
                approx, low, high = "more_than", value, None
        pos = e
        # 1个多月 / 5个多小时: 多 inside the unit
        unit = self._unit_at(norm, pos)
        if unit is None and _NOT_UNIT.match(norm, pos):
            return None
        if unit is not None:
            after = norm[pos + len(unit):pos + len(unit) + 2] or "\0"
            # 一件件, 一个个 (reduplication); 五台山 (a place)
            if after[:1] == unit[-1] and len(unit) == 1:
                return None
            if unit == "年" and (after[:1] in "级代度期" or norm.startswith("年度", pos)):
                return None
            if unit == "年" and (value or low or 0) >= 1900:  # 2021—2035年: years
                return None
            if unit == "周" and after[:1] in "岁年":
                unit = "周" + after[0]
                if unit == "周年":
                    return None
            if unit == "期" and not first.isdigit():
                return None
            if unit == "成" and (first.isdigit() or after[:1] in "为了立员果功就本"):
                return None
            if unit in ("口",) and after[:1] in "之人":
                return None
            if unit == "度" and not first.isdigit():
                return None
            pos += len(unit)
            if unit == "个多月":  # 1个多月: more than a month
                unit = unit.replace("多", "")
                if approx == "exact":
                    approx, low, high = "more_than", value, None
            elif unit in ("个小时", "个多小时"):
                if unit == "个多小时" and approx == "exact":
                    approx, low, high = "more_than", value, None
                unit = "小时"
            elif unit == "成" and norm.startswith("半", pos) and value is not None:  # 八成半
                pos += 1
                value = value + 0.5
                low = high = value
            elif unit == "个半月" and value is not None:
                unit, value = "个月", value + 0.5
                low = high = value
        elif number[-1] in "十百千万亿" and e < len(norm) and norm[e] in "家":
            return None
        # approximators after the unit (以上, 左右, 多)
        after_approx = None
        for word, ap in _AFTER_BY_FIRST.get(norm[pos:pos + 1], ()):
            if norm.startswith(word, pos):
                if word in "多余" and (unit is None or approx != "exact"):
                    continue
                if word == "多" and (norm[pos + 1:pos + 2] or "\0") in ("次", "名", "个", "种", "样", "方", "家", "元", "少", "项", "地", "措", "部", "条"):
                    continue
                if word == "上下" and norm[pos + 2:pos + 3] not in ("，", "。", "", "的", "；", "、", ","):
                    continue
                after_approx = (word, ap)
                break
        # approximators before the number (约, 超过, 不到...), with an optional 了
        before_approx = None
        b = s
        if norm[b - 1:b] == "了":
            b -= 1
        for word, ap in _BEFORE_BY_LAST.get(norm[b - 1:b], ()):  # "" at b = 0
            if norm.startswith(word, b - len(word)) and b - len(word) >= 0:
                guard = _BEFORE_GUARD.get(word)
                if guard is not None and b - len(word) - 1 >= 0 and norm[b - len(word) - 1] in guard:
                    continue
                before_approx = (word, ap, b - len(word))
                break
        if approx != "range":
            ap = None
            if after_approx:
                ap = after_approx[1]
            elif before_approx and approx == "exact":
                ap = before_approx[1]
            if ap is not None and approx == "exact":
                approx = ap
            if approx in ("more_than", "at_least"):
                low, high = value, (high if parsed.approx == "more_than" and high is not None else None)
            elif approx in ("less_than", "at_most"):
                low, high = None, value
            elif approx == "about":
                low = high = value
        if unit is None:
            kind = "count"
            if not first.isdigit() or not self.options.keep_unitless:
                return None
            if approx == "exact" and not _WAN_YI_RE.search(number):
                return None
            # a bare number followed by a noun (12345热线) is a code
            if approx == "exact" and not _WAN_YI_RE.search(number) and e < len(norm) \
                    and "\u4e00" <= norm[e] <= "\u9fff":
                return None
        else:
            kind = self._units[unit] if unit in self._units else ("measure" if unit in ("周岁",) else "count")
            if len(unit) == 1 and unit not in "人名位个支户家件项场次元岁年天倍%‰" and not first.isdigit() and \
                    (norm[pos:pos + 1] or "\0") in "山河峡湖岛江州县市镇村区路街":
                return None
        start = before_approx[2] if before_approx and approx == before_approx[1] else s
        if bare_prefix is not None:
            start = bare_prefix
        end = pos + (len(after_approx[0]) if after_approx and approx == after_approx[1] else 0)
        if self._in_name(norm, s, e, names):
            return None
        counted = self._counted(norm, start, end, unit, prev, doc)
        category = self._category(norm, start, counted, unit)
        return start, end, number, value, low, high, unit, approx, counted, kind, category

    def _percent(self, norm: str, m: re.Match, prev: tuple[int, str] | None = None,
                 doc: "_DocTokens | None" = None) -> tuple | None:
        """A percentage written 百分之… at the scanner's ``pct`` match, as :meth:`_figure`."""
        raw = m.group("pct")[3:]
        if raw[0].isdigit():
            try:
                v = _num(Decimal(raw))
            except InvalidOperation:
                return None
        else:
            d = _cn_int(raw)
            if d is None:
                return None
            v = _num(d)
        s, e = m.start(), m.end()
        approx, low, high = "exact", v, v
        for word, ap in _BEFORE_BY_LAST.get(norm[s - 1:s], ()):  # "" at s = 0
            if norm.startswith(word, s - len(word)) and s - len(word) >= 0:
                approx, s = ap, s - len(word)
                break
        for word, ap in _AFTER7_BY_FIRST.get(norm[e:e + 1], ()):
            if norm.startswith(word, e):
                approx, e = ap, e + len(word)
                break
        if approx in ("more_than", "at_least"):
            high = None
        elif approx in ("less_than", "at_most"):
            low = None
        elif approx == "about":
            low = high = v
        counted = self._counted(norm, s, e, "%", prev, doc)
        return s, e, m.group("pct"), v, low, high, "%", approx, counted, "percent", self._category(norm, s, counted, "%")

    # -- counted noun ---------------------------------------------------------
    @property
    def _tags(self) -> dict[str, str]:
        """Word → POS tag of jieba's dictionary (shared with the segmenter),
        loaded on first use; the lexicon's nouns count as ``n``."""
        if self._tag_table is None:
            backend = self._segmenter.backend
            tags, _ = backend.dict_table()
            self._cut = backend.cut
            self._tag_table = tags
        return self._tag_table

    def _clause_words(self, piece: str, doc: "_DocTokens | None" = None, at: int = 0) -> list[tuple[str, str]]:
        """``piece`` (a part of one clause) cut by the project's segmenter
        (plain cut, HMM on for unknown words), each word with a word class:
        the dictionary tag, ``n`` for lexicon nouns, ``m`` for numbers, ``un``
        for unknown Chinese words ending in a noun character, the tag of the
        last character for other unknown words. A one-character word that
        ends a compound jieba cut off is joined to it (老年人|口, 隔离|点,
        传承|人). Results are cached (clauses repeat across reports).

        ``doc`` and ``at``: the document's tokens and the offset of ``piece``
        in it; the words are taken from them when the piece is a run of whole
        jieba blocks of the document (see :class:`_DocTokens`), else cut."""
        cached = self._words_cache.get(piece)
        if cached is not None:
            return list(cached)
        tags, heads, classes = self._tags, self._heads, self._classes
        out: list[tuple[str, str]] = []
        words = doc.window(at, at + len(piece)) if doc is not None else None
        for w in (words if words is not None else self._cut(piece, True)):
            t = classes.get(w)
            if t is None:
                t = self._word_class(w)
                if len(classes) >= 200_000:
                    classes.clear()
                classes[w] = t
            if w == "比" and out and out[-1][0] == "占":  # jieba cuts 占比 into 占 比
                out[-1] = ("占比", "n")
                continue
            if len(w) == 1 and out and "\u4e00" <= w <= "\u9fff" and t not in _SKIP_TAGS:
                pw, pt = out[-1]
                if pt not in ("m", "x") and pw not in _LINK and (
                        tags.get(pw[-1] + w, "")[:1] == "n"  # 老年人 口
                        or (pw not in heads and w in _SUFFIX_CHARS and pt[:1] in ("v", "n", "b", "u"))  # 隔离 点
                        or (t in ("n", "ng", "zg") and pt[:1] in ("v", "d") and len(pw) == 2)):  # 传承 人
                    out[-1] = (pw + w, "n")
                    continue
            out.append((w, t))
        if len(self._words_cache) >= 50_000:
            self._words_cache.clear()
        self._words_cache[piece] = tuple(out)
        return out

    def _word_class(self, w: str) -> str:
        """The class of a word in a clause window (a function of the word
        alone, memoised in ``self._classes``): ``n`` for lexicon nouns and
        nominal units, the dictionary tag (with :data:`_TAG_FIX`), ``m`` for
        numbers, ``un`` for unknown Chinese words ending in a noun character,
        else the tag of the last character or ``x``."""
        tags, heads = self._tags, self._heads
        if w in heads or w in _NOMINAL_UNITS:  # 46个大项: a nominal unit word is a noun
            return "n"
        t = _TAG_FIX.get(w) or tags.get(w)
        if t is None:
            c = w[0]
            if c.isdigit() or (c in _CN_DIGITS and all(ch in _CN_CHARS for ch in w)):
                t = "m"
            elif "\u4e00" <= c <= "\u9fff" and len(w) > 1:
                last = tags.get(w[-1], "")
                t = "un" if last[:1] == "n" or w[-1] in heads else (last or "x")
            else:
                t = "x"
        return t

    def _counted(self, norm: str, start: int, end: int, unit: str | None,
                 prev: tuple[int, str] | None = None, doc: "_DocTokens | None" = None) -> str | None:
        """The counted noun: after the unit first, else before the number in
        the clause, else (for a clause that only says how a figure changed:
        ``比上年增加1295万亩``, ``同比增长9.7%``) the counted noun of the
        previous figure of the same sentence (``prev`` = its end, its noun)."""
        kind = self._units.get(unit or "", "count") if unit != "%" else "percent"
        after = self._counted_after(norm, end, kind, unit, doc)
        if unit in _NOMINAL_UNITS:  # 四部门; 10方面内容
            return after or unit
        if after or kind == "duration":
            return after
        before, inherit = self._counted_before(norm, start, kind, doc, unit)
        if before and unit in _PEOPLE_UNITS and before[-1] in _PLACE_CHARS:
            return None  # 遵义三合镇近4000人受灾: a place is where, not what people are counted
        if before:
            return before
        if inherit and prev is not None and not _SENT_STOP.search(norm, prev[0], start):
            return prev[1]
        return None

    def _counted_after(self, norm: str, pos: int, kind: str, unit: str | None,
                       doc: "_DocTokens | None" = None) -> str | None:
        """The noun phrase right after the unit: ``158支志愿服务队``,
        ``46个“江小爱”暖心站点``, ``1.25%的股权``, ``上万份热乎的饭菜``,
        ``73个国家、地区和国际组织``, ``30个省（区、市）``."""
        n = len(norm)
        if norm.startswith("的", pos):
            # 5050米的风电场: a description, not what is measured; 6省份的防汛响应: what they have
            if kind == "measure" or unit in _NOMINAL_UNITS:
                return None
            pos += 1  # 200人的青年突击队, 1.25%的股权
        # skip a quoted name: 46个“江小爱”暖心站点
        if pos < n and norm[pos] in _QUOTES:
            close = norm.find(_QUOTES[norm[pos]], pos + 1, pos + 16)
            if close < 0:
                return None
            pos = close + 1
        if pos >= n or not ("\u4e00" <= norm[pos] <= "\u9fff"):
            return None
        lim = min(n, pos + self.options.counted_window + 4)
        b = _BOUND_RE.search(norm, pos, lim)  # the window ends at the first clause boundary
        e = lim if b is None else b.start()
        paren = None  # a parenthesis right after: 省（区、市）
        if e < n and norm[e] in "（(":
            close = norm.find("）" if norm[e] == "（" else ")", e + 1, e + 8)
            paren = norm[e:close + 1] if close > 0 else None
        key = (norm[pos:e], e == lim and e < n and norm[e] not in _BOUND, kind, unit)
        found = self._after_cache.get(key)
        if found is None:
            found = _remember(self._after_cache, key, self._after_phrase(key[0], key[1], kind, unit, doc, pos))
        out, with_paren = found
        if out is not None and paren and with_paren:
            return out + paren
        return out

    def _after_phrase(self, piece: str, cut: bool, kind: str, unit: str | None,
                      doc: "_DocTokens | None", at: int) -> tuple[str | None, bool]:
        """The counted noun phrase at the start of the window ``piece`` (a
        function of the window, whether it ends inside its clause, the kind
        and the unit; cached by :meth:`_counted_after`): (phrase or None,
        whether a parenthesis right after the window belongs to it)."""
        words = self._clause_words(piece, doc, at)
        cut_off = None  # the window ends inside the clause: its last word may be cut in two
        if cut and len(words) > 1:
            cut_off = words.pop()  # kept only as the look-ahead of the word before it
        if words and len(words[0][0]) == 1 and words[0][0] in _AFTER_STOP:
            return None, False
        heads = self._heads
        # a classifier that needs a noun (家, 类, 台) may take a verb-led one: 10类高发电信网络诈骗类型
        lead_verb = kind == "count"
        people = unit in _PEOPLE_UNITS
        phrase: list[tuple[str, str]] = []  # (word, class): n noun, m modifier, c conjunction, d 的
        i, nw = 0, len(words)
        while i < nw:
            w, t = words[i]
            nxt = words[i + 1] if i + 1 < nw else cut_off
            if w in _NOT_COUNTED or w in _CURRENCY:
                if not phrase and w in _CURRENCY and kind == "money":  # 2015.1亿元人民币
                    i += 1
                    continue
                if not phrase and nxt is not None and _is_noun(*nxt, heads) and w not in _CURRENCY \
                        and (t[:1] == "n" or people and t[:1] == "v" and nxt[0][-1] in _ANIMATE):
                    phrase.append((w, "m"))  # 439名参赛运动员: a verb tagged n modifies the noun after
                    i += 1
                    continue
                break
            if t == "vn" and phrase and w not in heads and nxt is not None and nxt[1][:1] in "pd":
                break  # 志愿服务队活跃在城市乡村: a verb tagged vn after the noun is the predicate
            if _is_noun(w, t, heads):
                phrase.append((w, "n"))
            elif (t in _MOD_TAGS or t in ("t", "i", "l") or (t == "r" and w[0] == "各" and len(w) == 2)) \
                    and nxt is not None and (nxt[1] in _MOD_TAGS or nxt[0] == "的" or _is_noun(*nxt, heads)):
                phrase.append((w, "m"))  # 无症状感染者, 自然灾害救灾资金, 各国奥委会
            elif w == "的" and phrase and all(c == "m" for _, c in phrase):
                phrase.append((w, "d"))  # 热乎的饭菜
            elif w in _CONJ_WORDS and phrase and phrase[-1][1] == "n" and nxt is not None \
                    and (_is_noun(*nxt, heads) or nxt[1] in _MOD_TAGS):
                phrase.append((w, "c"))
            elif lead_verb and not phrase and t[:1] == "v" and w not in _LINK and nxt is not None \
                    and _is_noun(*nxt, heads) and (not people or nxt[0][-1] in _ANIMATE):
                phrase.append((w, "v"))  # 200多家视听企业, 2000余名参会代表 (not 2000余人参与活动)
            else:
                break
            i += 1
            if len(phrase) >= 7:
                break
        if unit in _PEOPLE_UNITS:  # people are counted: the phrase ends at its last word for people
            last = max((k for k, (w, c) in enumerate(phrase) if c == "n" and w[-1] in _ANIMATE), default=None)
            if last is not None and last < len(phrase) - 1:  # 近7000名涉奥人员入境
                del phrase[last + 1:]
                i = -1  # cut short: no parenthesis
        while phrase and phrase[-1][1] != "n":
            phrase.pop()
        if not phrase:
            # 11000多场次宣讲, 两轮巡视: an activity verb alone after the unit is what is counted
            if nw == 1 and cut_off is None and kind == "count" and not people and unit not in _NOMINAL_UNITS \
                    and words[0][1][:1] == "v" \
                    and len(words[0][0]) >= 2 and words[0][0] not in _LINK and words[0][0] not in _CHANGE:
                return words[0][0], False
            return None, False
        return "".join(w for w, _ in phrase), i >= nw

    def _counted_before(self, norm: str, start: int, kind: str,
                        doc: "_DocTokens | None" = None, unit: str | None = None) -> tuple[str | None, bool]:
        """The noun phrase before the number in its clause, skipping linking
        words (``志愿服务队共建有158支``, ``服务群众3万多人次``); for money a
        verb right before the number is what the money is for (``签约845.3亿元``,
        ``人均增收1.4万元``), for counts it means the noun before is the doer
        (``社区居住着2000多户``: None). Returns (phrase or None, whether the
        clause only says how something changed, so the previous figure's noun
        applies)."""
        lim = max(0, start - self.options.counted_window)
        s = _NO_BOUND_TO_END_RE.search(norm, lim, start).start()  # back to the last boundary (or lim)
        if s == start:
            return None, True
        key = (norm[s:start], s == lim and s > 0 and norm[s - 1] not in _BOUND, kind, unit)
        found = self._before_cache.get(key)
        if found is None:
            found = _remember(self._before_cache, key, self._before_phrase(key[0], key[1], kind, unit, doc, s))
        return found

    def _before_phrase(self, piece: str, cut: bool, kind: str, unit: str | None,
                       doc: "_DocTokens | None", at: int) -> tuple[str | None, bool]:
        """:meth:`_counted_before` of the window ``piece`` before the number (a
        function of the window, whether it starts inside its clause, the
        kind and the unit; cached by :meth:`_counted_before`)."""
        words = self._clause_words(piece, doc, at)
        if cut and len(words) > 1:
            del words[0]  # the window starts inside the clause: its first word may be cut in two
        heads = self._heads
        if words and words[-1][0] in _CONJ_WORDS:
            return None, True  # 转移安置群众超1.7万人、6.2万人: a figure in a list takes the noun before
        i = len(words)
        skipped: list[tuple[str, str]] = []
        change = False
        while i > 0 and len(skipped) < 4:
            w, t = words[i - 1]
            if w in heads:
                break
            # a number or measure word (not 首次/首批, words of class m without a numeral)
            if (t in ("m", "q") and not (t == "m" and len(w) > 1 and w[0] not in _CN_CHARS and w[0] not in "几数")) \
                    or w[0].isdigit():
                # 研发经费10年增长86.5%: a duration is an adverbial, go on
                if i >= 2 and w in _DURATION_WORDS and words[i - 2][1] == "m":
                    i -= 2
                    continue
                return None, True  # back at an earlier number: 从2015.1亿元增加到3757.6亿元
            if w in _CHANGE or w in _CMP or w.startswith(("同比", "环比")):
                change = True
            elif not (w in _LINK or w in _NOT_COUNTED or w in _CURRENCY or t in _SKIP_TAGS or t == "m"
                      or (t[:1] == "v" and t != "vn")):  # m here: 首次, 首批 (no numeral)
                break
            skipped.append((w, t))
            i -= 1
        # the word right before the number (particles and adverbs aside)
        near = None
        for wt in skipped:
            if wt[0] not in _PARTICLES and wt[1] not in _SKIP_TAGS:
                near = wt
                break
        content_verb = near is not None and near[1][:1] == "v" and near[0] not in _LINK and not change
        if content_verb and kind != "money":
            return None, False  # 钱海军已经结对帮助了100多人
        phrase: list[str] = []
        j = i
        while j > 0:
            w, t = words[j - 1]
            if phrase and t == "vn" and w not in heads:
                break  # 服务群众: the verb of a verb-object phrase
            if _is_noun(w, t, heads) and w not in _LINK and w not in _NOT_COUNTED and w not in _CURRENCY \
                    and (t not in _NAME_TAGS or w in heads):
                phrase.append(w)
            elif phrase and w in _CONJ_WORDS and j > 1 and _is_noun(*words[j - 2], heads):
                phrase.append(w)
            elif phrase and t in _MOD_TAGS:
                phrase.append(w)
            else:
                break
            j -= 1
            if len(phrase) >= 6:
                break
        while phrase and (phrase[-1] in _CONJ_WORDS or phrase[-1] in _LEAD_STRIP):
            phrase.pop()  # 规模以上工业增加值 cut at 以上
        if phrase and unit in _PEOPLE_UNITS and words[i - 1][1] == "vn" and phrase[0] not in heads:
            return None, False  # 累计服务1.3万余人次: a verb with no object, not the people counted
        if phrase and j > 0 and (words[j - 1][0] in _CMP or words[j - 1][0] == "每"):
            # 比上届增长: the base of a comparison; 每小时: a rate
            return None, words[j - 1][0] in _CMP
        noun = "".join(reversed(phrase)) or None
        if content_verb:  # money: 签约845.3亿元, 为企业减负超750亿元
            return (noun or "") + near[0], False
        if noun:
            return noun, False
        return None, change

    def _category(self, norm: str, start: int, counted: str | None, unit: str | None) -> str | None:
        """The first category whose units allow ``unit`` and one of whose nouns
        is in ``counted``, or one of whose cues ends the 8 characters before
        the figure or is in the last 6 of them."""
        tests = self._category_by_unit.get(unit)
        if tests is None:  # the categories that allow this unit, in lexicon order (once per unit)
            tests = self._category_by_unit[unit] = tuple(
                (name, nouns, cues, cue_in) for name, units, nouns, cues, cue_in in self._category_tests
                if not units or unit in units)
        if not tests:
            return None
        clause = norm[max(0, start - 8):start]
        tail = clause[-6:]
        for name, nouns, cues, cue_in in tests:
            if counted and nouns is not None and nouns(counted):
                return name
            if cues and (clause.endswith(cues) or cue_in(tail)):
                return name
        return None


_NOUN_TAGS = frozenset(["n", "nr", "ns", "nt", "nz", "ng", "nrt", "nrfg", "vn", "an", "j"])
_NOMINAL_UNITS = frozenset(["部门", "省份", "省市", "省区市", "方面", "大项", "小项"])
# words jieba tags as nouns that end a counted noun phrase (adverbs, verbs)
_NOT_COUNTED = frozenset("""同比 环比 全部 全都 部署 出院 落地 生效 参赛 现场 投入使用 投入 投身 助力 参会 离岛 分别
平均 累计 总量 总数 人数 规模 大关 以上 左右 其中 均 各 实际 名义 同期 用于 全面 共同 联合 启动""".split())
_LINK = frozenset(["同比", "环比", "增长", "下降", "提高", "提升", "降低", "增加", "减少", "分别", "平均", "有", "共", "共有", "达", "达到", "为", "是", "约", "累计", "共计", "合计", "总计", "已", "已有",
                   "建有", "共建", "现有", "已达", "拥有", "新增", "增加", "增至", "了", "着", "至", "到", "超", "占", "计"])


# counted nouns: clause boundaries, word classes of the segmented clause
_BOUND = frozenset("，,。！？!?；;：:\n（）()【】[]《》 \t\u3000")
_BOUND_CLASS = "".join(map(re.escape, sorted(_BOUND)))
_BOUND_RE = re.compile(f"[{_BOUND_CLASS}]")
# searched from lim with endpos at a figure: the first position from which no boundary comes before it
_NO_BOUND_TO_END_RE = re.compile(f"[^{_BOUND_CLASS}]*\\Z")
_NOUN_CLASSES = _NOUN_TAGS | {"un"}
_MOD_TAGS = frozenset(["a", "b", "s", "z", "f", "h"])
_SKIP_TAGS = frozenset(["d", "p", "u", "uj", "ul", "uz", "ug", "uv", "ud", "c", "t", "f", "r", "y", "e"])
_NAME_TAGS = frozenset(["ns", "nr", "nrt", "nrfg", "nt"])
_CONJ_WORDS = frozenset(["和", "与", "及", "以及", "、"])
# last characters of nouns for people and groups of people (what 人/名/位/户 count)
_ANIMATE = frozenset("人员者民众工生师手官兵警士长友童孩客队团户属庭军妇娃表")
# last characters of place words (全区, 三合镇, 社区): where people are, not what is counted
_PLACE_CHARS = frozenset("省市县区镇乡村州国")
_CURRENCY = frozenset(["人民币", "美元", "欧元", "日元", "港元", "港币", "英镑"])
_PARTICLES = frozenset(["了", "着", "过", "已", "已经", "也", "都", "还", "就", "共", "再"])
# a clause that only says how a figure changed takes the noun of the previous figure
_CHANGE = frozenset(["增长", "下降", "提高", "提升", "降低", "增加", "减少", "增至", "降至", "下调", "上调",
                     "上升", "回落", "扩大", "缩小", "翻番", "提升至", "增长率", "增幅", "降幅"])
# one-character words that end a compound noun jieba cut off (隔离|点, 服务|站)
_SUFFIX_CHARS = frozenset("队团站点所院校馆者员户家村组会部处室区镇乡场库园车船机器厂店")
_LEAD_STRIP = frozenset(["以上", "以下", "以内", "之间", "中", "内", "外", "上", "下", "里"])
_PEOPLE_UNITS = frozenset(["人", "名", "位", "人次", "户", "户次"])
_DURATION_WORDS = frozenset(["年", "天", "个月", "月", "小时", "周", "日"])
# words jieba's dictionary tags wrongly for this use (青年 t, 占比 unknown)
_TAG_FIX = {"青年": "n", "会期": "n", "占比": "n", "比重": "n", "收入": "n", "车": "n", "亮相": "v",
            "线上": "d", "线下": "d", "同比增加": "v", "同比增长": "v", "同比下降": "v", "首发": "b"}
_CMP = frozenset(["比", "较", "同比", "环比", "比上年", "较上年", "比去年"])


class _DocTokens:
    """A document's own tokens, for the clause windows whose cut they provably are.

    The project's segmenter cuts a document in one jieba call with a
    placeholder for each number and whitespace run (``Segmenter._cut``), and
    jieba cuts text block by block: a block is a maximal run of the
    characters of ``jieba.re_han_default``, and each block's words depend on
    that block only. A window ``[a, b)`` cut alone is therefore cut exactly
    as the document was when (1) no number or whitespace run of the document
    lies in it (no placeholder inside), (2) a block of the document starts at
    ``a`` (``a`` is 0, follows a non-block character or a number/whitespace
    run) and (3) one ends at ``b`` (likewise), and (4) full-width
    normalisation left it unchanged; its words are then the document's
    tokens from ``a`` to ``b``. Other windows (a number inside, a window that
    ends mid-clause) are cut as before.
    """

    __slots__ = ("text", "norm", "words", "starts", "sep_s", "sep_e", "ends", "n")

    def __init__(self, text: str, norm: str, words: Sequence[str], starts: Sequence[int], split_numbers):
        self.text, self.norm, self.words, self.starts, self.n = text, norm, words, starts, len(text)
        self.sep_s: list[int] = []
        self.sep_e: list[int] = []
        pos = 0
        for i, part in enumerate(split_numbers(text)):
            if i & 1:
                self.sep_s.append(pos)
                self.sep_e.append(pos + len(part))
            pos += len(part)
        self.ends = frozenset(self.sep_e)

    def window(self, a: int, b: int) -> list[str] | None:
        """The words of ``text[a:b]`` as jieba cuts it alone, or None when not provable."""
        if a >= b:
            return None
        text = self.text
        k = bisect.bisect_right(self.sep_e, a)  # the first number/whitespace run ending after a
        if k < len(self.sep_s) and self.sep_s[k] < b:
            return None
        if a > 0 and _JIEBA_BLOCK(text, a - 1) and a not in self.ends:
            return None
        if b < self.n and _JIEBA_BLOCK(text, b) and not (k < len(self.sep_s) and self.sep_s[k] == b):
            return None
        if text[a:b] != self.norm[a:b]:
            return None
        starts = self.starts
        i = bisect.bisect_left(starts, a)
        j = bisect.bisect_left(starts, b, i)
        if i >= len(starts) or starts[i] != a or j == i or starts[j - 1] + len(self.words[j - 1]) != b:
            return None
        return list(self.words[i:j])


def _jieba_block_char():
    import jieba
    pat = jieba.re_han_default.pattern
    return re.compile(pat[pat.index("["):pat.rindex("]") + 1]).match


_JIEBA_BLOCK = _jieba_block_char()  # (text, pos) -> match when text[pos] belongs to a jieba block


def _remember(cache: dict, key: Any, value: Any, limit: int = 50_000) -> Any:
    """``cache[key] = value`` (the cache emptied first when it holds ``limit``
    entries); returns ``value``."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value


def _is_noun(word: str, tag: str, heads: frozenset[str] | set[str]) -> bool:
    return tag in _NOUN_CLASSES or word in heads


class _Sentences:
    """Sentence lookup by offset, computed on first use."""

    def __init__(self, text: str):
        self.text = text
        self._ends: list[int] | None = None

    def sentence(self, pos: int) -> str:
        if self._ends is None:  # the end of every stop character: the odd prefix sums of the split
            self._ends = list(accumulate(map(len, _SENT_SPLIT(self.text))))[1::2]
        i = bisect.bisect_right(self._ends, pos)
        s = self._ends[i - 1] if i > 0 else 0
        e = self._ends[i] if i < len(self._ends) else len(self.text)
        return self.text[s:e].strip()


def _int_or_cn(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if len(s) == 4 and all(c in _CN_VAL for c in s):  # 二〇二三
        return int("".join(str(_CN_VAL[c]) for c in s))
    v = _cn_int(s)
    return None if v is None else int(v)


def _date_value(m: re.Match, ref_y: int | None) -> tuple[str | None, bool]:
    if m.group("iso"):
        return f"{int(m.group('iso')):04d}-{int(m.group('im')):02d}-{int(m.group('id')):02d}", False
    y = _int_or_cn(m.group("y"))
    mo = _int_or_cn(m.group("m1") or m.group("m2"))
    d = _int_or_cn(m.group("d1") or m.group("d2") or m.group("d3"))
    if y is None and mo is None:
        # a bare day (17日) is a date relative to the report; no ISO value without a month
        return (None, True) if d is not None else (None, False)
    if mo is not None and not 1 <= mo <= 12 or d is not None and not 1 <= d <= 31:
        return None, False
    relative = y is None
    if y is None and ref_y is not None:
        y = ref_y
    if y is None:
        return ("--%02d-%02d" % (mo, d)) if d is not None else ("--%02d" % mo), True
    if mo is None:
        return f"{y:04d}", relative
    if d is None:
        return f"{y:04d}-{mo:02d}", relative
    return f"{y:04d}-{mo:02d}-{d:02d}", relative


def _rel_value(word: str, reference: str | None) -> str | None:
    if not reference or not reference[:4].isdigit():
        return None
    unit, delta = _REL_WORDS[word]
    y = int(reference[:4])
    if unit in ("year", "half", "year-start"):
        return f"{y + delta:04d}"
    if unit == "year-end":
        return f"{y + delta:04d}-12"
    if unit == "day" and len(reference) >= 10:
        from datetime import date, timedelta
        return (date.fromisoformat(reference[:10]) + timedelta(days=delta)).isoformat()
    if unit == "month" and len(reference) >= 7:
        mo = int(reference[5:7]) + delta
        yy = y + (mo - 1) // 12
        return f"{yy:04d}-{(mo - 1) % 12 + 1:02d}"
    return None


# -- module-level API ---------------------------------------------------------------
_EXTRACTORS: dict[tuple[str, str | None], FigureExtractor] = {}


def _extractor_key(options: FigureOptions | None, segmenter: Any = None) -> tuple[str, str | None]:
    """The key of :data:`_EXTRACTORS`: the options and the segmenter's ``tokens_hash``."""
    opts = "" if options is None else json.dumps(dataclasses.asdict(options), sort_keys=True)
    return opts, (None if segmenter is None else segmenter.tokens_hash)


def get_extractor(options: FigureOptions | None = None, segmenter: Any = None) -> FigureExtractor:
    """A shared extractor per process per options and segmenter (the lexicon is read once).

    Args:
        options: :class:`FigureOptions`; None = packaged defaults.
        segmenter: the segmenter of the clause windows (``corpus_segmenter(corpus)``,
            a worker's); None = the process's default segmenter.
    """
    key = _extractor_key(options, segmenter)
    ext = _EXTRACTORS.get(key)
    if ext is None:
        ext = _EXTRACTORS[key] = FigureExtractor(options or FigureOptions(), segmenter)
    return ext


def corpus_extractor(corpus, options: FigureOptions | None = None) -> FigureExtractor:
    """The extractor of a corpus: its ``[figures]`` options and its segmenter
    (:func:`~analysis.segment.corpus_segmenter`: dictionaries, accepted terms,
    backend); its ``config_hash`` keys the corpus's stored figures."""
    from .segment import corpus_segmenter
    return get_extractor(options or FigureOptions.from_config(corpus.config), corpus_segmenter(corpus))


def extract_figures(text: str, doc_id: str | None = None,
                    options: FigureOptions | None = None, tokens: Any = None,
                    segmenter: Any = None) -> list[dict[str, Any]]:
    """Every figure of one text, as records with the fields of :data:`FIELDS`.

    Args:
        text: the document body.
        doc_id: put into every record.
        options: :class:`FigureOptions`; None = packaged defaults.
        tokens: the text's stored token payload (``{"w", "s"}``) when its
            segmenter's ``tokens_hash`` is the extractor's
            (:attr:`FigureExtractor.tokens_hash`): fewer clause windows are
            cut again; the records are the same.
        segmenter: the segmenter of the clause windows; None = the default.

    Example:
        >>> [(r["value"], r["unit"], r["approx"], r["counted"]) for r in
        ...  extract_figures("江州区“江小爱”志愿服务队共建有158支，志愿者2500多人。")]
        [(158, '支', 'exact', '志愿服务队'), (2500, '人', 'more_than', '志愿者')]
    """
    return get_extractor(options, segmenter).extract(text, doc_id, tokens)


def extract_dates(text: str, doc_id: str | None = None, reference: str | None = None,
                  options: FigureOptions | None = None) -> list[dict[str, Any]]:
    """Dates of one text, as records with the fields of :data:`DATE_FIELDS`.

    Args:
        text: the document body.
        doc_id: put into every record.
        reference: the report's own date (ISO); resolves 今年, 去年底, 3月25日.

    Example:
        >>> [(r["text"], r["value"], r["relative"]) for r in extract_dates("2023年3月28日，今年以来")]
        [('2023年3月28日', '2023-03-28', False), ('今年以来', None, True)]
    """
    return get_extractor(options).dates(text, doc_id, reference)


def figures_frame(records: Iterable[dict], columns: Sequence[str] = FIELDS) -> pd.DataFrame:
    """Records as a DataFrame; value/low/high stay Python ints/floats/None
    (object columns), so 158 does not print as 158.0.

    Args:
        records: figure records (:func:`extract_figures`), or date records
            with ``columns=DATE_FIELDS``.
        columns: the columns, in order (missing fields are None).

    Returns:
        DataFrame with the columns of :data:`FIELDS`: doc_id, start, end,
        text, sentence, number, value, low, high, unit, approx, counted,
        kind, category (see the module docstring).

    Example:
        >>> df = figures_frame(extract_figures("建成46个站点，志愿者2500多人"))
        >>> df[["value", "low", "high", "approx"]].values.tolist()
        [[46, 46, 46, 'exact'], [2500, 2500, None, 'more_than']]
    """
    records = list(records)
    df = pd.DataFrame(records, columns=list(columns))
    for col in ("value", "low", "high"):
        if col in df.columns:
            df[col] = pd.Series([r.get(col) for r in records], index=df.index, dtype=object)
    return df


_frame = figures_frame


def figures(text_or_corpus: Any, doc_ids: Iterable[str] | None = None, category: str | None = None,
            options: FigureOptions | None = None) -> pd.DataFrame:
    """Figures of a text, a list of texts or a :class:`~analysis.corpus.Corpus`.

    Returns:
        DataFrame with the columns of :data:`FIELDS`: doc_id (the content id
        of each text; the store id for a corpus), start, end, text, sentence,
        number, value, low, high, unit, approx, counted, kind, category.

    Example:
        >>> figures("已开展志愿服务活动110多场次")[["value", "unit", "approx", "category"]].values.tolist()
        [[110, '场次', 'more_than', 'events']]
    """
    if hasattr(text_or_corpus, "store"):
        return corpus_figures(text_or_corpus, doc_ids=doc_ids, category=category, options=options)
    texts = [text_or_corpus] if isinstance(text_or_corpus, str) else list(text_or_corpus)
    recs = []
    for t in texts:
        recs.extend(extract_figures(t, content_id(t), options))
    df = _frame(recs)
    if category:
        df = df[df["category"] == category].reset_index(drop=True)
    return df


def corpus_figures(corpus, doc_ids: Iterable[str] | None = None, category: str | None = None,
                   options: FigureOptions | None = None, batch: int = 500) -> pd.DataFrame:
    """Figures of every (selected) document of a corpus, cached in its store.

    Documents without a cached result for this configuration (options,
    lexicon, extractor version: :attr:`FigureExtractor.config_hash`) are
    extracted and stored (kind ``figures``); later calls only read. Stored
    tokens of the extractor's segmenter (:attr:`FigureExtractor.tokens_hash`)
    are reused for the clause windows (same records, less cutting).

    The extractor cuts clause windows with the corpus's segmenter
    (:func:`~analysis.segment.corpus_segmenter`: its dictionaries and the
    terms accepted with ``analysis terms add``), whose ``tokens_hash`` is part
    of the cache key: a new term recomputes the figures.

    Args:
        corpus: a :class:`~analysis.corpus.Corpus`.
        doc_ids: only these documents (default: all, in store order).
        category: keep only the figures of this category.
        options: :class:`FigureOptions` (default: the corpus's ``[figures]``).
        batch: documents extracted and stored per transaction.

    Returns:
        DataFrame with the columns of :data:`FIELDS`, in document order.

    Example:
        >>> corpus = Corpus.open("corpus.sqlite")  # doctest: +SKIP
        >>> corpus_figures(corpus, category="stations")[["doc_id", "value", "counted"]]  # doctest: +SKIP
                   doc_id  value  counted
        0  5d4c...          46     暖心站点
    """
    ext = corpus_extractor(corpus, options)
    store = corpus.store
    h = ext.config_hash
    wanted = list(doc_ids) if doc_ids is not None else None
    missing = store.missing_annotations("figures", h)
    if wanted is not None:
        ws = set(wanted)
        missing = [d for d in missing if d in ws]
    if missing:
        store.register_config(h, "figures", ext.description)
        log.info("extracting figures from %d documents", len(missing))
        th = ext.tokens_hash  # stored tokens of the extractor's own segmenter save cutting clause windows
        for i in range(0, len(missing), batch):
            part = missing[i:i + batch]
            toks = store.get_annotations("tokens", th, part) if th else {}
            items = [(d["doc_id"], ext.extract(d["body"], d["doc_id"], toks.get(d["doc_id"])))
                     for d in store.iter_documents(["doc_id", "body"], doc_ids=part)]
            store.put_annotations("figures", h, items)
    cached = store.get_annotations("figures", h, wanted)
    order = wanted if wanted is not None else store.doc_ids()
    recs = [r for d in order for r in cached.get(d, [])]
    df = _frame(recs)
    if category:
        df = df[df["category"] == category].reset_index(drop=True)
    return df


_PLACE_RE = re.compile(r"([\u4e00-\u9fff]{1,6}?(?:自治区|自治州|省|市|区|县|旗|镇|乡|街道|社区|村))(?![\u4e00-\u9fff]{0,1}[委民长])")


def figures_summary(df: pd.DataFrame, corpus=None, meta: Mapping[str, Mapping] | None = None) -> pd.DataFrame:
    """Per category, the figures with their documents, dates, sources and places.

    Args:
        df: a figures table (:func:`figures` / :func:`corpus_figures`).
        corpus: when given, each figure gets its document's date, source
            and title from the store.
        meta: or directly ``{doc_id: {"published_at", "source", "title"}}``
            (plain files read without a store).

    Returns:
        DataFrame, one row per categorised figure, sorted by category and
        date: category, value, low, high, approx, unit, counted, place (the
        nearest place name before the figure in its sentence, heuristic),
        date, source, title, doc_id, text, sentence, label (``46 (江州区,
        2023-03-28)``).

    Example:
        >>> df = figures("江州区建成46个“江小爱”暖心站点。")
        >>> figures_summary(df, meta={df["doc_id"][0]: {"published_at": "2023-03-28"}})["label"].tolist()
        ['46个 (江州区, 2023-03-28)']
    """
    cols = ["category", "value", "low", "high", "approx", "unit", "counted", "place", "date", "source",
            "title", "doc_id", "text", "sentence", "label"]
    sub = df[df["category"].notna()].copy()
    if sub.empty:
        return pd.DataFrame(columns=cols)
    meta = dict(meta or {})
    if corpus is not None:
        ids = [d for d in dict.fromkeys(sub["doc_id"]) if d]
        for d in corpus.store.iter_documents(["doc_id", "published_at", "source", "title"], doc_ids=ids):
            meta[d["doc_id"]] = d

    def place(row) -> str | None:
        sent, text = row["sentence"] or "", row["text"] or ""
        cut = sent.find(text)
        found = _PLACE_RE.findall(sent[:cut] if cut >= 0 else sent)
        return found[-1] if found else None

    sub["place"] = sub.apply(place, axis=1)
    sub["date"] = [((meta.get(d) or {}).get("published_at") or "")[:10] or None for d in sub["doc_id"]]
    sub["source"] = [(meta.get(d) or {}).get("source") for d in sub["doc_id"]]
    sub["title"] = [(meta.get(d) or {}).get("title") for d in sub["doc_id"]]

    def label(row) -> str:
        where = ", ".join(x for x in (row["place"], row["date"]) if isinstance(x, str) and x)
        return f"{row['text']}" + (f" ({where})" if where else "")

    sub["label"] = sub.apply(label, axis=1)
    sub = sub.sort_values(["category", "date", "doc_id", "start"], na_position="last", kind="stable")
    return sub[cols].reset_index(drop=True)
