"""Entities: people with their roles, places in their hierarchy, organisations, programmes.

Method (every piece is data shipped in ``analysis/data/ner/`` or the domain
dictionary, nothing is downloaded):

- A character CRF (:mod:`analysis.ner.crf`, python-crfsuite, trained by
  ``scripts/train_ner.py`` on People's Daily 1998) proposes people, places and
  organisations, each span with the model's confidence (the lowest marginal
  probability of its characters). Spans it is sure of (``_SURE_NAME``, tuned
  on People's Daily's held-out tenth) skip the dictionary checks below.
- **People** are CRF names that look like names (a surname from
  ``surnames.txt`` + one or two characters, or a transliterated name), or that
  the CRF is sure of (周恩来, a jieba word), plus names that follow a role
  word (``党员社工何成``) and a surname with a title (江主席) when the CRF is
  sure. A run of names (``通讯员阎晋于文哲``) is split at surnames, the CRF's
  B-PER marginals choosing the boundaries. Names inside quoted programmes
  (brands such as 江小爱), in doctrines and named things (邓小平理论,
  雷锋纪念馆; see ``EntityOptions.doctrine_people``), in 、-lists of things
  (报告、讲话、贺信) and names that read as places in their
  context (太湖、洪泽湖等; 科尔蒂纳丹佩佐市) are not people.
- **Roles** come from the text right before the name, up to a clause
  boundary, when it ends with a role head (``roles.txt``): the run of places
  and organisations in front is the ``affiliation``, the rest is the
  ``role``; for an office held in a named body (书记, 部长, 常委 ...) or one
  that starts with a party organ (党委, 区委) the innermost unit stays in the
  role (``江州区江南街道沿山社区党委书记黄朝能`` → role 沿山社区党委书记,
  affiliation 江州区江南街道沿山社区). A descriptor right after the name
  (``黄秀香老人``) is used when nothing precedes it; ``A、B等党和国家领导人``
  gives the role to every name of the list. All mentions of a name in a
  document share an ``entity_id`` and the first role found.
- **Places** are matched against the administrative divisions of
  :mod:`analysis.ner.gazetteer` (full names always; short forms such as 广西,
  崇左 when the CRF agrees or a division of theirs follows), resolved to the
  full name with the parent from the gazetteer. Units below the county
  (街道/镇/乡, 社区/村, 小区) are read after a county or another unit
  (``崇左市江州区江南街道沿山社区沿山小区``: each unit's parent is the one
  before it), and later mentions of the same unit keep that parent. Other
  CRF places (美国, 亚洲) keep ``level`` None.
- **Organisations**: CRF organisations, a place + party organ
  (江州区委, 沿山社区党委), a quoted brand + group word (“江小爱”志愿服务队).
  CRF boundaries are corrected by how bodies' names are written
  (:meth:`_Doc._adjust_orgs`, :meth:`_Doc._split_org`): a body run on
  through a verb is split (中共中央|致|中国致公党), a country before a body
  joins it (智利共产党), a bare committee word takes its name (迎送委员会), a
  department joins its body (人民日报国际部), verbs and lines glued to a name go.
- **Lists of names** written without separators (李鹏乔石李瑞环...): the gaps
  between the names found are split at surnames (:meth:`_Doc._name_list_gaps`).
- **Programmes**: short quoted names (“微心愿”, “三码合一”) that are not
  common words (jieba's dictionary), speech, people, places or groups, nor
  by their quoting context nicknames (被称为“万能电工”, 速滑馆“冰丝带”), themes,
  problems (“登记难”), shapes or lettering, or emphasis next to quoted common
  words (“主战场”“炼金炉”), plus the programme terms (tag ``nz``) of the
  domain dictionary; ``name`` is the quote-free form used for counting.

Example:
    >>> recs = extract_entities("江州区委常委、组织部部长左涛说。")
    >>> [(r["label"], r["name"], r["role"]) for r in recs if r["label"] == "person"]
    [('person', '左涛', '江州区委常委、组织部部长')]
"""
from __future__ import annotations

import bisect
import collections
import dataclasses
import functools
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from .config import Config, data_path, load_config, options_from
from .errors import ExtractionError
from .ner.crf import LOC_END_CHARS, ORG_SUFFIX_WORDS, split_name_run  # light: no model is loaded

log = logging.getLogger(__name__)

#: bump when a change here changes the records (invalidates stored results)
ENTITIES_VERSION = 14

LABELS = ("person", "place", "organization", "programme")
COLUMNS = ["doc_id", "start", "end", "text", "label", "name", "role", "affiliation", "level",
           "parent", "entity_id", "sentence"]


@dataclass
class EntityOptions:
    """Options of entity extraction (the ``[entities]`` table of the config).

    Attributes:
        model: crfsuite model file ("" = packaged ``ner/pd1998_crf.model``).
        gazetteer: administrative divisions CSV ("" = packaged ``ner/adcodes.csv``).
        surnames: surname list ("" = packaged ``ner/surnames.txt``).
        roles: role lexicon ("" = packaged ``ner/roles.txt``).
        programme_dicts: dictionaries whose ``nz`` entries are programme names
            ("domain" = ``analysis/data/dict/domain.txt``).
        programme_stop: lexicon entries that are concepts, not programmes.
        max_programme_len: longest quoted text taken as a programme name.
        labels: labels to extract.
        place_names: names that read as places, not people, unless the text
            gives them a title or a verb of speech ("" = packaged
            ``ner/place_names.txt``, learned from the digest corpus and CLDR by
            ``scripts/build_place_names.py``; "none" = no such list).
        jieba_not_names: words jieba's dictionary tags as names (``nr``) that
            People's Daily 1998 never writes as one (安危, 贺信, 华丽, 乌克兰),
            read with People's Daily's tag instead ("" = packaged
            ``ner/jieba_not_names.tsv``, built by
            ``scripts/build_jieba_not_names.py``; "none" = jieba's tags as they are).
        known_names: names with a surname People's Daily 1998 hardly writes
            (谌贻琴, 尤权, 通伦), taken wherever they stand ("" = packaged
            ``ner/known_names.txt``, learned from the digest corpus by
            ``scripts/build_known_names.py``; "none" = no such list).
        doctrine_people: count the name inside a doctrine (邓小平理论,
            习近平新时代中国特色社会主义思想) or a named thing (曹禺剧本奖,
            雷锋纪念馆) as a mention of that person, as MSRA's annotators do;
            off by default (the gold's convention: a doctrine is no mention of
            its author).
    """
    model: str = ""
    gazetteer: str = ""
    surnames: str = ""
    roles: str = ""
    place_names: str = ""
    jieba_not_names: str = ""
    known_names: str = ""
    programme_dicts: list[str] = field(default_factory=lambda: ["domain"])
    programme_stop: list[str] = field(default_factory=lambda: [
        "党建引领", "志愿服务", "新时代文明实践", "网格化", "基层治理", "社区治理"])
    max_programme_len: int = 16
    labels: list[str] = field(default_factory=lambda: list(LABELS))
    doctrine_people: bool = False

    @classmethod
    def from_config(cls, cfg: Config | Mapping | None = None) -> "EntityOptions":
        cfg = cfg if cfg is not None else load_config()
        return options_from(cls, dict(cfg.get("entities", {})), "entities")


def _packaged(path: str, *default: str) -> Path:
    return Path(path) if path else data_path(*default)


# -- lexicons ----------------------------------------------------------------
class _Resources:
    """Everything extraction needs, loaded once per process per options."""

    def __init__(self, opts: EntityOptions):
        from .ner.crf import CRFTagger
        from .ner.gazetteer import get_gazetteer
        self.opts = opts
        self.tagger = CRFTagger(opts.model or None)
        self.gaz = get_gazetteer(opts.gazetteer or None)  # shared with the CRF lexicon's
        self.surnames: dict[str, int] = {}
        for line in _read_lines(_packaged(opts.surnames, "ner", "surnames.txt")):
            w, _, n = line.partition("\t")
            self.surnames[w] = int(n or 1)
        self.roles: dict[str, bool] = {}
        for line in _read_lines(_packaged(opts.roles, "ner", "roles.txt")):
            parts = line.split()
            self.roles[parts[0]] = len(parts) > 1 and parts[1] == "office"
        self.role_re = re.compile("(?:" + "|".join(sorted(map(re.escape, self.roles), key=len, reverse=True))
                                  + ")$")
        self.place_names: frozenset[str] = frozenset(
            () if opts.place_names == "none" else
            (line.split("\t")[0] for line in _read_lines(_packaged(opts.place_names, "ner", "place_names.txt"))))
        self.known_names: frozenset[str] = frozenset(
            () if opts.known_names == "none" else
            (line.split("\t")[0] for line in _read_lines(_packaged(opts.known_names, "ner", "known_names.txt"))))
        self.known_names_re = re.compile(_longest_first(self.known_names)) if self.known_names else None
        #: jieba ``nr`` words that are no names → People's Daily's tag for them
        self.not_names: dict[str, str] = {} if opts.jieba_not_names == "none" else {
            parts[0]: parts[1] for parts in (line.split("\t") for line in
                                             _read_lines(_packaged(opts.jieba_not_names, "ner", "jieba_not_names.tsv")))
            if len(parts) >= 2}
        self.programmes: set[str] = set()
        stop = set(opts.programme_stop)
        for name in opts.programme_dicts:
            path = data_path("dict", f"{name}.txt") if not name.endswith(".txt") else Path(name)
            if not path.exists():
                log.warning("programme dictionary %s not found", path)
                continue
            for line in _read_lines(path):
                parts = line.split()
                if len(parts) >= 3 and parts[2] == "nz" and parts[0] not in stop and len(parts[0]) >= 3:
                    self.programmes.add(parts[0])
        #: a role word of 2+ characters and the 2-3 Chinese characters after it (a name the CRF missed)
        self.role_names_re = re.compile(r"(?:" + _longest_first(r for r in self.roles if len(r) >= 2)
                                        + r")([" + _HAN + r"]{2,3})")
        self.programme_re = (re.compile(_longest_first(self.programmes))
                             if self.programmes else None)
        self._common: dict[str, str] | None = None
        self._rare_starts: dict[str, int] | None = None
        self._name_starts: dict[str, int] | None = None
        self.pair_freq: dict[str, int] = {}  # two-character words → frequency (with common_words)
        self.long_word_starts: frozenset[str] = frozenset()  # (with common_words)
        h = hashlib.sha1()
        h.update(json.dumps(dataclasses.asdict(opts), sort_keys=True, ensure_ascii=False).encode())
        h.update(f"v{ENTITIES_VERSION}:{self.tagger.model_hash}:{self.gaz.data_hash}".encode())
        h.update("".join(sorted(self.surnames)).encode())
        h.update(json.dumps(self.roles, sort_keys=True, ensure_ascii=False).encode())
        h.update("".join(sorted(self.programmes)).encode())
        h.update("\n".join(sorted(self.place_names)).encode())
        h.update("\n".join(sorted(self.known_names)).encode())
        h.update(json.dumps(self.not_names, sort_keys=True, ensure_ascii=False).encode())
        self.config_hash = "entities-" + h.hexdigest()[:16]

    @property
    def common_words(self) -> dict[str, str]:
        """jieba's dictionary words → tag (read from its file, not its global tokenizer)."""
        if self._common is None:
            from .jiebadict import jieba_dict
            words, freq = {}, {}
            long_starts = set()
            not_names = self.not_names
            for w, f, t in zip(*jieba_dict()):  # jieba's dict.txt, read once per process
                if 2 <= len(w) <= 6:
                    t = not_names.get(w, t)  # 安危 (jieba: nr) is People's Daily's n
                    words[w] = t
                    if len(w) == 2:
                        freq[w] = f
                    elif t[:2] not in ("nr", "ns", "nt"):
                        long_starts.add(w[:2])
            self._common = words
            self.pair_freq = freq
            #: first two characters of the words of 3+ characters that are no names,
            #: places or organisations (同仇 of 同仇敌忾; :meth:`_Doc._inside_word`)
            self.long_word_starts = frozenset(long_starts)
        return self._common

    @property
    def name_starts(self) -> dict[str, int]:
        """First characters of jieba's three-character name words (``nr*``) →
        how many such words they start (易 100, 阴 67, 区 17)."""
        if self._name_starts is None:
            self._count_name_starts()
        return self._name_starts

    @property
    def rare_surname_starts(self) -> dict[str, int]:
        """First characters of jieba's three-character ``nr`` words that are
        not in ``surnames.txt`` → how many such words they start (怀 45)."""
        if self._rare_starts is None:
            self._count_name_starts()
        return self._rare_starts

    def _count_name_starts(self) -> None:
        """Both start counts in one pass over jieba's dictionary (read once per process)."""
        from .jiebadict import jieba_dict
        starts: dict[str, int] = {}
        rare: dict[str, int] = {}
        for w, _, t in zip(*jieba_dict()):
            if len(w) == 3 and t.startswith("nr"):
                starts[w[0]] = starts.get(w[0], 0) + 1
                if t == "nr" and w[0] not in self.surnames:
                    rare[w[0]] = rare.get(w[0], 0) + 1
        self._name_starts, self._rare_starts = starts, rare

    def plain_words_in(self, s: str) -> bool:
        """Does ``s`` contain a two/three-character dictionary verb, adverb...?"""
        words = self.common_words
        for n in (2, 3):
            for i in range(len(s) - n + 1):
                if words.get(s[i:i + n]) in _NOT_NAME_TAGS:
                    return True
        return False


def _read_lines(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            return [ln.rstrip("\n") for ln in fh if ln.strip() and not ln.startswith("#")]
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot read lexicon ({exc})") from exc


def _longest_first(words: Iterable[str]) -> str:
    """A regex of literal words that, like
    ``"|".join(sorted(map(re.escape, words), key=len, reverse=True))``, tries
    the words matching at a position longest first, written as a trie
    (``党委(?:书记)?|...``): the regex engine tests each character once
    instead of once per word."""
    root: dict = {}
    for w in words:
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def branch(node: dict) -> str:
        alts = [re.escape(c) + branch(child) for c, child in sorted(node.items()) if c]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return branch(root)


_RESOURCES: dict[str, _Resources] = {}


_DEFAULT_OPTIONS: list[EntityOptions] = []


def _resources(opts: EntityOptions | None) -> _Resources:
    if opts is None:
        if not _DEFAULT_OPTIONS:
            _DEFAULT_OPTIONS.append(EntityOptions.from_config())
        opts = _DEFAULT_OPTIONS[0]
    key = getattr(opts, "_key", None) or json.dumps(dataclasses.asdict(opts), sort_keys=True)
    try:
        object.__setattr__(opts, "_key", key)
    except AttributeError:  # pragma: no cover
        pass
    if key not in _RESOURCES:
        _RESOURCES[key] = _Resources(opts)
    return _RESOURCES[key]


def entities_config_hash(options: EntityOptions | None = None) -> str:
    """Hash of everything that affects the records (model, lexicons, options, version)."""
    return _resources(options).config_hash


# -- patterns ----------------------------------------------------------------
_HAN = "\u4e00-\u9fff"
_QUOTE_PAIRS = {"“": "”", "\"": "\"", "「": "」", "『": "』", "‘": "’"}
_QUOTE_RE = re.compile(r"“([^“”\n]{1,60})”|\"([^\"\n]{1,60})\"|「([^「」\n]{1,60})」|『([^『』\n]{1,60})』"
                       r"|‘([^‘’\n]{1,30})’")
_SPEECH_PUNCT = re.compile(r"[。！？!?；;：:…]")
_STREET = "街道|镇|乡|苏木"
_COMMUNITY = "社区|村|嘎查|居委会"
_COMPOUND = "小区|花园|家园|公寓|新村|新城|苑"
_UNIT_SUFFIX = f"{_STREET}|{_COMMUNITY}|{_COMPOUND}"
_UNIT_LEVEL = [(re.compile(f"(?:{_STREET})$"), "street"), (re.compile(f"(?:{_COMMUNITY})$"), "community"),
               (re.compile(f"(?:{_COMPOUND})$"), "compound")]
#: a chained unit after a county/unit: 2-7 Chinese characters + unit word (shortest)
_CHAIN_UNIT = re.compile(f"([{_HAN}]{{1,7}}?(?:{_UNIT_SUFFIX}))(?!服务|工作|治理|干部)")
#: a county the gazetteer no longer has at the start of a chained unit (绍兴县|湖塘镇, 田阳县|百育乡)
_OLD_COUNTY = re.compile(f"原?([{_HAN}]{{2,4}}?[县旗])(?=[{_HAN}])")
#: dictionary tags of words that do not occur inside a unit's name (积极搭建社区)
_NOT_NAME_TAGS = {"v", "vn", "vd", "d", "ad", "a", "p", "c", "r", "u", "m", "q", "t", "f", "l", "i"}
#: an organisation that contains a place must end in one of these (not 党员社)
_ORG_TAIL = re.compile(r"(?:党工委|党委|党支部|党总支|居委会|村委会|委员会|委|政府|人大|政协|法院|检察院|公安局|"
                       r"局|厅|部|办|办公室|中心|学校|学院|大学|中学|小学|医院|银行|公司|集团|协会|学会|联合会|"
                       r"总工会|工会|妇联|团委|报社|日报|电视台|广播电台|党校|军区|支队|大队|服务队|志愿服务队)$")
_MEDIA_WORDS = "日报|晚报|时报|新闻社|通讯社|电视台|广播电台|报社"
_MEDIA = re.compile(f"(?<=[{_HAN}]{{2}})(?:{_MEDIA_WORDS})")
#: ... the same words without the look-behind, which keeps the regex engine
#: from trying every position (:func:`_media_matches`)
_MEDIA_WORD = re.compile(f"(?:{_MEDIA_WORDS})")
#: characters that start a "name" far more often as a function word (和国防, 都是, 经常聚)
_NOT_SURNAME_START = set("和都经同向从把被将在是也就还又与及对给让为以而但后原")
_IS_ROLE_AFTER = re.compile(r"[，,]?是(?:[^，。；,;]{0,20}?的)?一[名位个]([^，。；,;]{1,12}?)(?=[，。；,;])")
#: the end of a heading before a list of names (出席座谈会的党外人士还有|陈晓光、高云龙)
_LIST_HEADING_END = re.compile(r"(?:还有|包括)[：:]?$")
#: NAME是X的ROLE, ending the clause (王凯是机场地勤部的工作人员，): the role after 的
_IS_OF_ROLE = re.compile(r"是([^，。；,;的\n]{1,15})的([^，。；,;的是也\n]{2,8}?)(?=[，。；,;])")
#: NAME是ROLE, ending the clause (李明锦是退伍军人，): the role when it ends in a role head
_IS_ROLE_PLAIN = re.compile(r"是([^，。；,;、的\n]{1,8}?)(?=[，。；,;])")
_DOCTRINE_AFTER = re.compile(r"(?:理论|(?:经济|法治|外交|强军|生态文明|文化|党建)?思想|主义|列宁主义|"
                             r"新时代中国特色社会主义思想|精神)")  # 马克思|列宁主义, 习近平|法治思想
#: a named thing after a name (曹禺|剧本奖, 雷锋|纪念馆, 魏德友|爱国主义教育基地): no mention of
#: the person, like a doctrine (``doctrine_people`` keeps both, as MSRA does)
_THING_AFTER_NAME = re.compile(r"(?:[\u4e00-\u9fff]{0,2}(?:文学|剧本|音乐|电影|新闻|科学|科技|艺术|体育|基金|教育|和平|文化)奖|"
                               r"奖学金|纪念馆|纪念堂|纪念碑|纪念园|故居|故里|铜像|雕像|塑像|旧居|文化节|艺术节|书屋|"
                               r"(?:爱国主义|革命传统|廉政)?教育基地)")
#: prepositions right before an office (翁华给总书记看了, 向市长反映): no part of a name
_TO_BEFORE_OFFICE = frozenset("给向对为跟让请被把")
#: a body's name right before a bracket: the bracket holds its short name (…抵抗运动（哈马斯）)
_BODY_BEFORE_BRACKET = re.compile(r"(?:运动|组织|集团|联盟|武装|阵线|党|军|公司|协会|委员会|基金会|议会|国会)$")
#: 等, a count with its measure word, and the category after a list (等多棵树苗, 等30名同志)
_DENG_CATEGORY = re.compile(r"等((?:[0-9０-９一二三四五六七八九十百千两几多余数]+[名位个棵种座家所项条件只头批类])?)"
                            r"([\u4e00-\u9fff]{0,8})")
#: what may end a place's mention (访问沙特。, 在内蒙古康巴什，)
_PLACE_CLAUSE_END = frozenset("，。、；\n")
#: verbs of travel before a place at a clause end (访问沙特。)
_VISIT_VERBS = frozenset({"访问", "出访", "飞抵", "抵达", "前往", "途经"})
#: parts of a place before another place (拉法东部萨拉姆)
_DIRECTIONS = frozenset({"东部", "西部", "南部", "北部", "中部", "东南", "西南", "东北", "西北"})
#: locatives that end no two-character name after a word (农田|内)
_LOCATIVE_GIVEN = frozenset("内外上下中里旁边")
#: the end of a named place or work that may start with a name (活佛纪念馆, 现代农业产业园)
_NAMED_THING_END = re.compile(r"(?:纪念馆|纪念堂|纪念碑|陈列馆|展览馆|博物馆|故居|旧居|旧址|产业园|工业园|示范园|文化园|"
                              r"纪念园|展馆|基地|广场|大桥|大道|学校|中学|小学|中心|合作社|文化节|研究院|学院|书院|"
                              r"科学城|高新区|开发区|通道|隧道|大赛)")
#: the longest item of a list of things before 等 (杨柳青年画, 农牧区饮水安全)
_LIST_ITEM_MAX = 8
#: kinds of place before a place's name (小镇赖特伍德)
_PLACE_TYPE_BEFORE = frozenset({"小镇", "城镇", "小城", "村庄", "古镇", "港口", "海港"})
#: the second of two countries' one-character names before an office (美乌总统)
_PAIR_ABBREV = frozenset("中美日俄英法德意加澳韩朝印巴越泰菲墨乌以伊叙沙")
#: a date right after a name (委员长栗战书3月30日至4月2日)
_DATE_AFTER = re.compile(r"[0-9０-９]{1,2}[月日]")
#: titles of address after a three-character name (辛学理老人, 林占熺先生)
_ADDRESS_TITLE = re.compile(r"(?=(老人|先生|女士|大爷|大妈|奶奶|爷爷|阿姨))")
#: roads before a part of them (青藏公路唐古拉段)
_ROAD_BEFORE = frozenset({"公路", "铁路", "高速", "国道", "省道", "高铁"})
#: the end of a route after 至 (凌源至绥中段, 北京至上海高铁)
_ROUTE_END = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:段|区间|之间|高速|铁路|公路|高铁|航线)")
#: what a country says in a headline (沙特俄罗斯称)
_SPEECH_AFTER_PLACE = re.compile(r"(?:称|表示|宣布|将|同意|拒绝|呼吁)")
#: ends of a list of places that no list of people has (阿夫杰耶夫卡、马林卡等方向)
_WAR_PLACE_END = re.compile(r"(?:方向|一带|地区|等地)$")
#: a ministry right after a country's name (沙特能源部)
_MINISTRY_AFTER = re.compile(r"(?:外交|国防|能源|财政|内政|卫生|经济|司法|石油|商务|交通|教育)部(?!长)")
#: time words right after a name (总干事格罗西今天表示)
_TIME_AFTER_NAME = frozenset({"今天", "昨天", "当天", "日前", "近日", "此前", "随后", "同日", "当地"})
#: a count before a title (等|6位|代表, 等|30名|同志)
_COUNT_LEAD = re.compile(r"^[0-9０-９一二三四五六七八九十百千两几多余]+[位名个人]")
#: what ends the clause of a 、-list (:meth:`_Doc._listed_with_things`)
_LIST_CLAUSE_END = frozenset("，。；：！？,;:!?\n（）()“”\"《》")
_STRICT_TAGS = {"v", "d", "ad", "p", "r", "u", "c"}
#: a verb or preposition of one character after a named body inside a CRF
#: organisation (中共中央致中国致公党): the body ends there
_ORG_GLUE_CHARS = set("致向同和与及对给在为把被将是")
#: ... or a dictionary word of these tags (谨向 a, 博大 a)
_ORG_GLUE_TAGS = {"v", "d", "ad", "p", "c", "u", "r", "a"}
#: verbs the CRF glues to a body's name, before or after it (列席|十四届全国人大常委会,
#: 共青团中央|部署; jieba tags some of them n)
_ORG_VERBS = {"部署", "列席", "出席", "召开", "举办", "主办", "承办", "发布", "印发", "开展", "举行", "发出", "指导",
              "会同", "牵头"}
#: kinds of party or body, not names (参政党)
_NOT_NAMED_BODIES = {"参政党", "执政党", "在野党", "反对党", "政党", "民主党派", "国际组织"}
#: after a "body": the rest of a country's name (南斯拉夫联盟|共和国)
_COUNTRY_WORDS = ("共和国", "王国", "联邦共和国")
#: a session number before a body's name (第四届|东盟地区论坛) ...
_SESSION_PREFIX = re.compile(r"^第?[一二三四五六七八九十百0-9０-９]+[届次期]")
#: ... which stays in front of an assembly (第九届全国人民代表大会)
_SESSION_BODIES = ("大会", "委员会", "会议", "代表团", "常委会", "人大", "政协", "主席团", "立法会", "议会")
#: a committee word the CRF tags alone although its name is written before it
_BARE_BODIES = {"委员会", "联委会", "理事会", "筹委会", "主席团"}
#: a department written right after its body (人民日报国际部, 九三学社中央)
_DEPARTMENT_AFTER = re.compile(r"(?:国际部|编辑部|办公厅|宣传部|统战部|秘书处|研究室|党组|中央)(?![员长])")
#: words that end in an organisation character but name no body (政局, 当局)
_NOT_BODY_ENDINGS = {"政局", "当局", "时局", "格局", "大局", "全局", "布局", "结局", "赛局", "开局", "骗局"}
#: after 党: a compound word (党建, 党员) with the dictionary word they make, not a party
_PARTY_WORD_NEXT = set("建员性风务史课龄费纪旗徽章")
_NICKNAME_BEFORE = re.compile(r"(?:称为|称作|誉为|叫做|号称|昵称|绰号|[馆场机舰船])$")
_THEME_BEFORE = re.compile(r"(?:主题是|主题为|主题：|主题:)$")
_THEME_AFTER = re.compile(r"(?:等?主题|为主题)")
_LOOK_AFTER = re.compile(r"(?:造型|形状|图案|字样|技法|技艺|工艺|手艺|突出问题|问题|难题|现象|步伐|心态)")
#: 从“被动抢险”向“主动防护”, 由“四站一中心”升级为“六站一中心”: states compared, not names
_FROM_BEFORE = re.compile(r"[从由]$")
_FROM_TO_BEFORE = re.compile(r"[从由][“\"][^“”\"]{1,20}[”\"](?:向|到|转向|转变为|转为|升级为|变为|迈向)[“\"]$")
_TO_AFTER = re.compile(r"(?:向|到|转向|转变为|转为|升级为|变为|迈向)[“\"]")
#: how short quoted names for people end (“逆行者”, “新农人”, “灭火英雄”)
_PEOPLE_WORD_END = re.compile(r"(?:者|人|英雄|勇士|卫士|能手|达人|标兵)$")
#: ... unless the quote names things (专精特新“小巨人”企业)
_THING_AFTER = re.compile(r"(?:企业|公司|工程|项目|计划|行动|培育|产品|品牌)")
#: campaigns named without quotes (:meth:`_Doc._campaigns`)
_CAMPAIGN_END = re.compile(r"(?:学习教育|主题教育)")
_CAMPAIGN_NOT_AFTER = set("基阵中")  # 学习教育基地, 主题教育阵地, 主题教育中 (a phase, kept: 中 only after 在)
_CAMPAIGN_NOT_IN = set("在对把和与及的了将要应需被让使给向从这那此该各每")
_CAMPAIGN_NOT_LAST = {"v", "vn", "vd", "d", "ad", "p", "c", "u", "a"}
_CAMPAIGN_STOP = set("，。；：！？、,;:!?（）()《》“”\"「」 \n\t—-0123456789０１２３４５６７８９")
_CAMPAIGN_TRIM = {"v", "vd", "d", "ad", "p", "c", "r", "m", "b", "a"}
_CAMPAIGN_VERB = re.compile(r"开展|推动|推进|启动|部署|实施|抓细|抓实|抓好|做好|深化|参加|围绕|关于|结合|巩固|拓展|"
                            r"落实|总结|以|用好|搞好|办好")
_PROGRAMME_SUFFIX = re.compile(r"(?:计划|行动|工程|课堂|档案|驿站|书屋|食堂|专项行动|活动)$")
#: a standalone unit (after a boundary): the prefix may not contain these
_NOT_IN_NAME = set("的在住于和与及到从是了为把被将对向让使以由这那其各每个等我你他她们都也就还又很更最给跟请并")
_ORGAN_AFTER_PLACE = re.compile(r"(?:党工委|党委|党支部|党总支|第[一二三四五六七八九十]党支部|居委会|村委会|"
                                r"委员会|人民政府|政府|人大常委会|政协|纪委|委)")
_ORGAN_START = re.compile(r"^(?:党工委|党委|党支部|党总支|第[一二三四五六七八九十]+党支部|居委会|村委会|委|党组|支部)")
_GROUP_AFTER_QUOTE = re.compile(r"(?:志愿服务队|志愿者服务队|志愿队|服务队|宣讲团|突击队|协会|联盟|俱乐部|合作社|工作室|服务中心)")
_VENUE = re.compile(r"(?:驿站|广场|公园|服务中心|服务站|体育馆|博物馆|纪念馆|图书馆|大厦|医院|学校)$")
_ROLE_BOUNDARY = set("，。；：！？,.;:!?（）()《》“”\"「」『』【】[] \n\t的是在和与及为让对向请")
_POST_NAME_ROLE = re.compile(r"(老人|同志|女士|先生|大爷|大妈|阿姨|奶奶|爷爷|老师|医生|师傅)")
_NAME_END_OK = re.compile(r"(?:$|[^" + _HAN + r"]|说|介绍|表示|告诉|认为|称|指出|强调|谈|讲|笑|一|正|早|已|在|把|和|与|等|带|是|老|同|女|先|大|阿|奶|爷|师|医|的|也|还|就|都|又|每|今|这|那|从|对|向|给|深|感|激|高|开|分|坦|回|为|所|曾|自|便|常|率|主|刚|看|拿|作|做|将|被|会)")
_FOREIGN = re.compile(r"^[" + _HAN + r"]{1,8}·[" + _HAN + r"·]{1,12}$")
#: characters of transliterated foreign names (帕森斯, 斯卡武佐, 巴赫)
_TRANSLIT = set("阿埃艾奥欧乌伊巴贝比波布德迪多杜达法菲弗福夫伏冈戈格古哈海汉赫霍吉基加杰卡凯坎科克库拉莱兰朗劳勒雷里"
                "利莉林琳隆卢鲁路伦罗洛马迈曼梅门米密莫姆穆纳内尼妮诺努帕佩皮普齐奇乔切丘萨塞桑森沙舍圣施斯苏索塔泰"
                "坦特提托图瓦万威韦维温沃武西希谢辛休亚扬耶约泽扎詹佐茨赛蒂娜丽莎娅尔顿恩瑟克斯戴安多丹迪盖"
                "卜默瑞蒙夏尤费鲍麦廷贾京果什")
#: a verb of appointment or honour before a name (任命楼阳生为, 授予苏翊鸣等147名同志, 免去李高的),
#: or 的/走进 before a name and its home (走进四世同堂的郎素兰家中)
_HOME_AFTER = re.compile(r"家中|家里")
_NAME_BY_VERB = re.compile(r"(任命|免去|选举|推选|增补|授予|追授|表彰)|(?<=[的进到村])(?=[\u4e00-\u9fff]{2,3}(?:"
                           + _HOME_AFTER.pattern + "))")
_NAME_AFTER_VERB = re.compile(r"为|的|同志|、|等[\d一二三四五六七八九十百千万]+[名位]")
#: CRF confidence below which a name needs something beside it (a role word, a title, a verb of the
#: news, a list; :meth:`_Doc._name_supported`): the false names of the audits scored 0.45-0.71, names
#: the CRF alone finds in the genre mostly 0.74 and more
_UNSUPPORTED_NAME = 0.72
#: the category after 等 that names things, never people (林药、林蜂、林油等产业)
_THING_CATEGORY = re.compile(r"产业|产品|作物|品种|树种|树苗|花卉|药材|食品|菜品|水果|项目|行业|领域|城市|地区|国家|省份|景区|景点")
_HAN_4 = re.compile(r"[\u4e00-\u9fff]{4}")
#: what turns a known name into a place (威廉斯堡, 巴赫穆特 is caught as a transliteration)
_KNOWN_NAME_PLACE_END = frozenset("堡市州港湾岛城山河湖镇县省区")
#: numbered list marks around names (①布莱尔②史密斯③库克)
_LIST_MARKS = set("①②③④⑤⑥⑦⑧⑨⑩")
#: a sentence that starts with a name and says its post (。石强是越西县就业局局长，)
_NAME_IS_POST = re.compile(r"(?:^|(?<=[。！？\n]))([\u4e00-\u9fff]{2,3})是([^，。；！？,;\n]{2,20})(?=[，。；,;])")
#: a name introduced as one (名叫迪力木拉提的学生; not 一只名叫…的狗)
_NAMED_AS = re.compile(r"(?<![只头条匹种款棵株件])(?:名叫|名字叫)(?=([\u4e00-\u9fff·]{2,7}?)(?:的|，|。|、|；|,|$))")
#: words after the last name of a list (胡盛、余静|分别作了发言)
_AFTER_LIST_END = ("分别", "先后", "共同", "一起", "出席", "陪同", "参加")
#: "and (her) husband" before a name: the one before it is a person too (车璐和丈夫赵明昊)
_SPOUSE_BEFORE = re.compile(r"[和与同及](?:夫人|丈夫|妻子|爱人|老伴|老公|妻)$")
#: shortest run of Chinese characters read as a list of names (:meth:`_Doc._name_list_gaps`)
_LIST_MIN = 9
#: CRF confidence (lowest marginal over the span) above which a person span
#: is taken without the surname and dictionary-word checks
_SURE_NAME = 0.8
#: a surname seen fewer times in People's Daily 1998-01 is rare (惠 2, 尤 2): its names need more
_RARE_SURNAME = 5
_PLACE_SUFFIX_CHARS = frozenset("市州省县镇村岛港")
#: ... for a transliterated name (内塔尼亚胡, 德桑蒂斯), which the surname checks cannot judge
_TRANSLIT_NAME = 0.5
_UNIT_RANK = {"province": 0, "city": 1, "district": 2, "street": 3, "community": 4, "compound": 5}
#: jieba's tags of proper names (its dictionary tags many places nr: 高堡乡, 洪泽湖)
_PROPER_TAGS = {"nr", "nrt", "ns", "nt", "nz"}
#: one-character place abbreviations (中美关系, 访华, 港人), taken when the CRF is sure
_PLACE_ABBREV = set("中美日俄英法德意加澳韩朝印巴港台京沪津渝华欧亚非拉越泰新马菲墨")
#: ... or at this confidence when written next to another (中俄, 英日)
_PAIRED_ABBREV = 0.6
#: titles after a bare surname (江主席, 周总理, 何大爷): a one-character CRF person
_TITLE_AFTER_SURNAME = re.compile(r"(?:主席|总理|总统|首相|大使|先生|小姐|女士|老师|教授|大夫|医生|师傅|大爷|大妈|"
                                  r"大娘|阿姨|老伯|奶奶|爷爷|书记|主任|局长|厂长|所长|院长|校长|部长|省长|市长|县长|"
                                  r"区长|镇长|乡长|村长|经理|总|工|老|副主席|副总理)")
#: forms of address after a surname (赵女士, 王大爷): no name unless the text names the person in full
_ADDRESS_AFTER_SURNAME = re.compile(r"(?:先生|小姐|女士|老师|师傅|大爷|大妈|大娘|阿姨|老伯|奶奶|爷爷|大姐|大哥|同学)")
#: ... for a surname with a title after it (周总理, 江主席): the title is the evidence
_SURNAME_TITLE = 0.6
#: ... and above which it may even start with a function word (向兵) or end like a place (陈贵州)
_CERTAIN_NAME = 0.95
#: a "name" ending in a unit word is the tail of that unit's name (师|范学院)
_UNIT_TAIL = ("学院", "大学", "中学", "小学", "学校", "医院", "公司", "集团", "中心", "银行", "书院", "基地")
#: characters that end no name: particles and conjunctions glued to it (关切的, 阿卜杜拉和, 楼都已)
_PARTICLE_END = set("的了着过地得和与及都已也就还又是")
#: dictionary tags of a word that a name's last character may form with the next one
#: (龚正|陪同, 李星|夫妻, 任内|提升): the name ends one character earlier
#: ... when that word is at least this frequent in jieba's dictionary (陪同 547; not 友爱 203: 魏德友)
_GLUE_FREQ = 300
#: a word this frequent that a name's last character starts with the next one glues it (通电 80, 举行)
_GLUE_WORD_FREQ = 50
#: characters that start the verb after a name rather than end it (拜登|致唁电, 致电, 致信)
_GLUE_START = frozenset("致亦则")
_GLUE_TAGS = {"v", "vn", "vd", "n", "a", "ad", "an", "d", "p", "c", "u", "f", "m", "q"}
#: titles written before a foreign ruler's name (科威特埃米尔纳瓦夫, 王储米沙勒)
_FOREIGN_TITLE = re.compile(r"^(?:副埃米尔|埃米尔|王储|国王|女王|苏丹|亲王|王子|公主|酋长)")
#: after a transliterated "name": the place it is (在哈尔科夫、顿涅茨克等方向, 卢甘斯克地区)
_PLACE_LIST_END = re.compile(r"(?:[、和及与][^，。；、\n]{2,8}?)*?(?:等(?:多个|几个|[0-9０-９一二三四五六七八九十]+个)?"
                             r"(?:地|方向|城市|国|州|村|镇|乡|县|社区)|地区|附近|一带|边界|方向|境内)")
_PLACE_BEFORE = set("在赴抵")
#: a category character that ends a longer dictionary word (帕金森病, 陈列馆): a
#: candidate that ends with one, or is followed by one making a dictionary word, is no person
_WORD_TAIL = set("病症馆院厅站楼店场园节")
#: an abbreviated leader (习总书记, 李总理): surname + 总 before 书记/理/统
_ABBREV_LEADER = re.compile(r"^[" + _HAN + r"]总$")
#: verbs that lead into a role without being part of it (走进回迁居民李敬和, 帮助独居老人):
#: a role is cut after them; other verbs (退休, 独居, 回迁) stay unless text precedes them
_ROLE_LEAD_VERBS = ("通过", "听取", "走进", "来到", "帮助", "带领", "认识", "看望", "慰问", "探望", "走访", "吸引", "组织", "做好",
                    "服务", "了解", "见到", "遇到", "找到", "联系", "陪同", "会见", "会同", "邀请")
_ROLE_LEAD_RE = re.compile("|".join(sorted(_ROLE_LEAD_VERBS, key=len, reverse=True)))
_ROLE_LEAD_CHARS = set("由对向给被把将和与同跟请让因")
_HAN_RUN = re.compile(f"[{_HAN}]+")
#: a predicate right after a name (李敬和|出席): 和 before it is no conjunction
_VERB_AFTER_NAME = re.compile(r"(?:出席|表示|指出|强调|主持|讲话|致辞|介绍|说|参加|会见|会晤|陪同|率领|率团|宣布|认为|"
                              r"谈到|发表|前往|来到|视察|考察|调研|看望|慰问|带领|一行)")
#: a three-character name at a clause start before a verb of the news (。张又侠陪同)
_NEWS_VERB = re.compile(r"陪同|出席|主持|表示|指出|强调|讲话|致辞|会见")
#: a clause of names joined by 、 and a verb of attendance (。肖捷、万钢参加。)
_NAME_LIST_CLAUSE = re.compile(r"(?:^|(?<=[。；！？\n]))((?:[\u4e00-\u9fff]{2,3}、)+[\u4e00-\u9fff]{2,3})"
                               r"(?:等)?(?:参加|出席|陪同|参加会见|出席会议|参加会议|一同)")
_CLAUSE_START = frozenset("。；！？， \n\t\u3000")
_HAN_3 = re.compile(f"[{_HAN}]{{3}}")
#: an appointment before a name: 为 after the name is the verb's (任命王毅|为部长)
_APPOINT_BEFORE = re.compile(r"任命|选举|推选|推举|聘任|聘请|提名|任免|评为|授予")
_REMOVED_FROM = re.compile(r"的([^，。；,;\n]{2,40}?)职务")
#: NAME，ROLE， at a sentence start: an appositive post (朱治国，青海省委组织部原副部长，)
_APPOSITIVE_ROLE = re.compile(r"[，,]([^，。；,;、\n“”\"的是在和与及为]{3,20}?)(?=[，。；,;])")
_AS_ROLE_AFTER = re.compile(r"为([^，。；,;、\n]{1,20}?)(?=[，。；,;、\n]|$)")
#: characters no given name holds (又 may: 张又侠)
_NOT_IN_GIVEN = set("的了着过地得和与及都已也就还在是把被将对向让这那其我你他她们")
_CLAUSE_END = re.compile(r"[，。；！？,;!?\n]")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_HAN_2_3 = re.compile(f"[{_HAN}]{{2,3}}")
_HAN_2_4 = re.compile(f"[{_HAN}]{{2,4}}")
_HAN_2_6 = re.compile(f"[{_HAN}]{{2,6}}")
_HAN_LIST = re.compile(f"[{_HAN}]{{{_LIST_MIN},}}")
_UNIT_ANY = re.compile(f"(?:{_UNIT_SUFFIX})")
_UNIT_END = re.compile(f"(?:{_UNIT_SUFFIX})$")
_NUMBERED_END = re.compile(r"[0-9０-９一二三四五六七八九十]号$")
_NAME_FOLLOWED_BY_UNIT = re.compile(r"(?:小学|中学|大学|学校|村|乡|镇|社区|街道|公司|医院|市|县|区|省|"
                                    r"[东南西北中]部|境内|全境|首都|能源公司|流域|码头|水文站|机场|大桥|水库|景区|"
                                    r"高铁|铁路|高速|城际|航线|通道|武装|民兵|领事馆|总领馆|大使馆|办事处|古镇|安置点|安置区|产业|林区)")  # 郑渝高铁, 胡塞武装


@functools.lru_cache(maxsize=1 << 16)
def _translit_name(name: str) -> bool:
    """A transliterated foreign name (内塔尼亚胡, 戈尔): 2-8 Chinese
    characters, all but at most one of them transliteration characters."""
    n = len(name)
    return 2 <= n <= 8 and _HAN_RUN.fullmatch(name) is not None and \
        sum(c in _TRANSLIT for c in name) >= max(2, n - 1)


def _overlapping(regex: re.Pattern, text: str):
    """Matches of a role-and-name pattern where the next match may start in
    the name slot of the last (代表|团副团 must not hide 团长|谌贻琴)."""
    pos = 0
    while True:
        m = regex.search(text, pos)
        if m is None:
            return
        yield m
        pos = m.start(1)


def _list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the items of ``text[start:end]`` separated by 、 (empty ones included)."""
    items, k = [], start
    for part in text[start:end].split("、"):
        items.append((k, k + len(part)))
        k += len(part) + 1
    return items


def _clause_start(text: str, pos: int) -> int:
    """Where the clause holding ``text[pos]`` starts (after the last _LIST_CLAUSE_END before it)."""
    while pos > 0 and text[pos - 1] not in _LIST_CLAUSE_END:
        pos -= 1
    return pos


def _find_all(text: str, sub: str):
    """Starts of the non-overlapping occurrences of ``sub`` in ``text``
    (``re.finditer(re.escape(sub), text)`` without compiling a regex; ``sub``
    is not empty)."""
    k = text.find(sub) if sub else -1
    while k >= 0:
        yield k
        k = text.find(sub, k + len(sub))


def _media_matches(text: str):
    """``_MEDIA.finditer(text)``: a media word after two Chinese characters."""
    m = _MEDIA_WORD.search(text)
    while m:
        p = m.start()
        if p >= 2 and "\u4e00" <= text[p - 2] <= "\u9fff" and "\u4e00" <= text[p - 1] <= "\u9fff":
            yield m
            m = _MEDIA_WORD.search(text, m.end())
        else:
            m = _MEDIA_WORD.search(text, p + 1)


def _sentences(text: str) -> list[tuple[int, int]]:
    try:
        from .segment import sentence_spans
    except ImportError:  # pragma: no cover - segment not installed
        spans, pos = [], 0
        for m in re.finditer(r"[。！？!?；;]+[”’」』）)]*|\n", text):
            spans.append((pos, m.end()))
            pos = m.end()
        if pos < len(text):
            spans.append((pos, len(text)))
        return spans
    return sentence_spans(text)


# -- the extractor -------------------------------------------------------------
class _Doc:
    """Working state for one text."""

    def __init__(self, text: str, doc_id: str | None, res: _Resources):
        self.text = text
        self.doc_id = doc_id
        self.res = res
        self.crf, conf, self.crf_prob, self.crf_begin = res.tagger.entity_spans(text)
        #: (start, end) → the model's confidence in the span (lowest marginal of its characters)
        self.crf_conf: dict[tuple[int, int], float] = {(s, e): c for (s, e, _), c in zip(self.crf, conf)}
        self.crf_at: dict[tuple[int, int], str] = {(s, e): k for s, e, k in self.crf}
        self.crf_label = [None] * (len(text) + 1)
        for s, e, k in self.crf:
            self.crf_label[s:e] = [k] * (e - s)
        self.quotes: list[tuple[int, int, str]] = []   # (start, end) incl. marks, inner text
        self.places: list[dict] = []
        self.orgs: list[dict] = []
        self.people: list[dict] = []
        self.programmes: list[dict] = []
        self.taken = [False] * (len(text) + 1)  # characters inside places (for people)
        self._inq: list[bool] | None = None

    # -- quotes and programmes ---------------------------------------------------
    def find_quotes(self) -> None:
        for m in _QUOTE_RE.finditer(self.text):
            inner = next(g for g in m.groups() if g is not None)
            self.quotes.append((m.start(), m.end(), inner))
            # single quotes nested in a double-quoted speech
            if m.group(1) and "‘" in inner:
                for mm in re.finditer(r"‘([^‘’]{1,30})’", inner):
                    s = m.start() + 1 + mm.start()
                    self.quotes.append((s, s + len(mm.group(0)), mm.group(1)))

    def find_programmes(self) -> None:
        res, text = self.res, self.text
        seen: set[tuple[int, int]] = set()
        emphasis: list[tuple[int, int]] = []
        for s, e, inner in self.quotes:
            name = inner.strip().strip("'\"‘’“”")
            if not name or len(name) > res.opts.max_programme_len or len(name) < 2:
                continue
            if _SPEECH_PUNCT.search(name) or "、" in name or not _HAN_CHAR.search(name):
                continue  # speech, or a list of principles
            if name[0] in "是的在就也都很更太越" or re.fullmatch(r"[0-9０-９]+后", name):
                continue  # a clause (“是世界上最好的赛道”, “更团结”) or a generation label (“90后”)
            if name in res.common_words and name not in res.programmes:
                emphasis.append((s, e))
                continue  # quoted emphasis: “上岗”, “主战场”
            if name not in res.programmes and (self._not_a_programme(s, e, name) or self._quoted_entity(s, e)):
                continue
            if _GROUP_AFTER_QUOTE.search(name) and _GROUP_AFTER_QUOTE.search(name).end() == len(name):
                continue  # a group (…志愿服务队) is an organisation
            if res.gaz.has(name) or _UNIT_END.search(name) and len(name) <= 5:
                continue
            if _HAN_2_3.fullmatch(name) and name[0] in res.surnames and \
                    self.crf_label[s + 1] == "PER" and name not in res.programmes and \
                    not re.search(r"[小爱心]", name):
                continue  # a quoted person's name
            para = text.rfind("\n", 0, s) + 1
            nested = any(q0 < s and e < q1 for q0, q1, _ in self.quotes) or (
                text[s] == "‘" and text.count("“", para, s) > text.count("”", para, s))
            self.programmes.append(dict(start=s, end=e, text=text[s:e], label="programme", name=name,
                                        _nested=nested))
            seen.add((s + 1, e - 1))
        # a quote side by side with quoted emphasis is emphasis too (“主战场”“炼金炉”, “线下”+“线上”)
        if emphasis:
            near = {e for _, e in emphasis} | {s for s, _ in emphasis}
            self.programmes = [p for p in self.programmes
                               if not (p["start"] in near or p["end"] in near
                                       or text[p["end"]:p["end"] + 1] in "+、" and p["end"] + 1 in near
                                       or text[p["start"] - 1:p["start"]] in "+、" and p["start"] - 1 in near)]
        # a name quoted only inside quoted speech (积‘小爱’成‘大爱’) is a figure of speech
        top = {p["name"] for p in self.programmes if not p["_nested"]}
        self.programmes = [p for p in self.programmes if not p["_nested"] or p["name"] in top]
        self._campaigns()
        if res.programme_re is not None:
            for m in res.programme_re.finditer(text):
                if (m.start(), m.end()) in seen or any(q[0] < m.start() and m.end() < q[1] for q in self.quotes):
                    continue
                if m.group(0) in top or _PROGRAMME_SUFFIX.search(m.group(0)):
                    self.programmes.append(dict(start=m.start(), end=m.end(), text=m.group(0),
                                                label="programme", name=m.group(0)))

    def _campaigns(self) -> None:
        """Campaigns named without quotes: a name ending in 学习教育 or 主题教育 (党史学习教育,
        深入贯彻中央八项规定精神学习教育, 学习贯彻…思想主题教育), from right after the verb that
        launches or carries it (开展, 推动, 抓细...) or the clause boundary before it; at least
        two characters before the ending, none of them a function character (要, 把, 在, 和...),
        and no verb right before the ending (审议|主题教育, 检验|学习教育). After a clause
        boundary, verbs and adverbs in front go (统筹|党史学习教育, 充分展示|党史学习教育)."""
        text = self.text
        if "教育" not in text:
            return
        for m in _CAMPAIGN_END.finditer(text):
            a, e = m.span()
            if text[e:e + 1] in _CAMPAIGN_NOT_AFTER or any(q0 < a < q1 for q0, q1, _ in self.quotes):
                continue
            b = a
            while b > 0 and a - b < 30 and text[b - 1] not in _CAMPAIGN_STOP:
                b -= 1
            verbs = list(_CAMPAIGN_VERB.finditer(text, b, a))
            start = verbs[-1].end() if verbs else b
            words = self.res.common_words
            while not verbs and a - start > 2 and (words.get(text[start:start + 2]) in _CAMPAIGN_TRIM
                                                   or text[start] in "由以为从"):
                start += 1 if text[start] in "由以为从" else 2  # (统筹|聚焦|充分展示) 党史学习教育
            head = text[start:a]
            if a - start < 2 or any(c in _CAMPAIGN_NOT_IN for c in head) \
                    or self.res.common_words.get(head[-2:]) in _CAMPAIGN_NOT_LAST \
                    or any(p["start"] <= start < p["end"] for p in self.programmes):
                continue  # 要加强|学习教育, 切实把学习教育, 审议|主题教育: no name before the ending
            self.programmes.append(dict(start=start, end=e, text=text[start:e], label="programme",
                                        name=text[start:e], _nested=False))

    def _not_a_programme(self, s: int, e: int, name: str) -> bool:
        """Quoted text that the context shows is no programme name.

        - a nickname: after 称为/誉为/叫做 (被称为“万能电工”), or right after
          the thing it names, a venue or machine (速滑馆“冰丝带”, 盾构机“京通号”);
        - a theme or slogan: 主题是“…”, “…”为主题, “…”等主题;
        - a whole quoted sentence with a comma (“群众有需要，我们随时到”。);
        - a problem (“登记难”, “看病难”) or a description of a shape or
          lettering (“大雪花”造型, “北京2022”字样);
        - a short name for people (“逆行者”, “新农人”, “灭火英雄”);
        - a technique or problem (“编梁”技法, “小马拉大车”突出问题); states
          compared (从“被动抢险”向“主动防护”, 由“四站一中心”升级为“六站一中心”).
        """
        text = self.text
        before = text[max(0, s - 4):s]
        after = text[e:e + 4]
        if _NICKNAME_BEFORE.search(before) or _THEME_BEFORE.search(before) or _THEME_AFTER.match(after):
            return True
        if _LOOK_AFTER.match(after) or name.endswith("难"):
            return True
        if _FROM_BEFORE.search(before) and _TO_AFTER.match(text, e + 1 if text[e:e + 1] == "”" else e):
            return True
        if _FROM_TO_BEFORE.search(text, max(0, s - 40), s + 1):
            return True
        if len(name) <= 4 and _PEOPLE_WORD_END.search(name) and not _THING_AFTER.match(after):
            return True  # a name for people (“逆行者”, “新农人”, “灭火英雄”), not for a programme
        if re.search("[，,]", name) and (s == 0 or text[s - 1] in "。！？\n ") and (e >= len(text) or text[e] in "。！？\n"):
            return True
        return False

    # -- places -----------------------------------------------------------------
    def _add_place(self, s: int, e: int, name: str, level: str | None, parent: str | None,
                   division=None) -> dict:
        rec = dict(start=s, end=e, text=self.text[s:e], label="place", name=name, level=level,
                   parent=parent, _div=division)
        self.places.append(rec)
        self.taken[s:e] = [True] * (e - s)
        return rec

    def _resolve(self, cands, prev_div=None):
        """Pick one division among homonyms: the one under the previous unit,
        else one under a division already seen in the text, else the first."""
        gaz = self.res.gaz
        if len(cands) == 1:
            return cands[0]  # what the checks below come to
        if prev_div is not None:
            for d in cands:
                if gaz.is_ancestor(prev_div, d):
                    return d
        seen = {p["_div"].code for p in self.places if p.get("_div") is not None}
        if seen:
            # d is an ancestor of a division seen, or has one of them among its ancestors
            below = set().union(*(gaz.ancestor_codes(p["_div"]) for p in self.places if p.get("_div") is not None))
            for d in cands:
                if d.code in below or not seen.isdisjoint(gaz.ancestor_codes(d)):
                    return d
        return cands[0]

    def find_places(self) -> None:
        text, gaz = self.text, self.res.gaz
        n = len(text)
        i = 0
        prev_end, prev_div = -1, None
        known_units: dict[str, tuple[str, str | None]] = {}  # name → (level, parent)
        # where a division name may start (the gazetteer's own first-two-characters
        # table): every other position is skipped one by one anyway
        starts = gaz.starts(text)
        si = 0
        while i < n:
            while si < len(starts) and starts[si] < i:
                si += 1
            if si == len(starts):
                break
            i = starts[si]
            ch = text[i]
            if not ("\u4e00" <= ch <= "\u9fff") or self.in_quote(i):
                i += 1
                continue
            m = gaz.match_at(text, i)
            if m is None:
                i += 1
                continue
            name, cands = m
            e = i + len(name)
            if i > 0 and prev_end != i and self.crf_label[i - 1] == "LOC" and self.crf_label[i] == "LOC" \
                    and not self.taken[i - 1] and "\u4e00" <= text[i - 1] <= "\u9fff" \
                    and text[i - 1] not in LOC_END_CHARS \
                    and self._crf_loc_conf(i) >= _SURE_NAME:
                i += 1  # the tail of a longer place the CRF is sure of (绍|兴县, 钓|鱼台, 法|兰西)
                continue
            div = self._resolve(cands, prev_div if prev_end == i else None)
            short = gaz.is_short(name)
            if not short and self.crf_label[i] != "LOC" and not (
                    prev_end == i and prev_div is not None and gaz.is_ancestor(prev_div, div)) and (
                    len(name) == 2 and (self.res.common_words.get(name, "ns") not in _PROPER_TAGS
                                        or text[e - 1:e + 1] in self.res.common_words and text[e] != "委")):
                i += 1  # a common word (城区, 郊区, 矿区) or a word with the next character (书记和|县长, 古|县城)
                continue
            if short:
                follows = gaz.match_at(text, e) if e < n else None
                ok = (self.crf_label[i] == "LOC" and self.crf_label[e - 1] == "LOC"
                      and (e >= n or self.crf_label[e] != "LOC" or follows is not None))
                if follows is not None and any(gaz.is_ancestor(div, d) for d in follows[1]):
                    ok = True
                if prev_end == i and prev_div is not None and gaz.is_ancestor(prev_div, div):
                    ok = True
                # a short form glued to more Chinese characters is usually another word
                if ok and e < n and "\u4e00" <= text[e] <= "\u9fff" and follows is None \
                        and self.crf_label[e] == "LOC":
                    ok = False
                if not ok:
                    i += 1
                    continue
            parent = gaz.parent(div)
            organ = _ORGAN_AFTER_PLACE.match(text, e)
            if organ and organ.group(0) == "委" or (organ and organ.group(0) in ("政府", "人民政府")):
                # 江州区委 / 崇左市人民政府: an organisation named after the place
                self.orgs.append(dict(start=i, end=organ.end(), text=text[i:organ.end()], label="organization",
                                      name=text[i:organ.end()], _place=(name, div)))
            self._add_place(i, e, div.name, div.level, parent.name if parent else None, div)
            prev_end, prev_div = e, div
            i = e
            if div.level in ("district", "city") or True:
                i = self._chain_units(e, div.name, known_units)
                if i != e:
                    prev_end, prev_div = -1, None
        self._standalone_units(known_units)
        self._crf_places()
        self.places.sort(key=lambda r: r["start"])

    def _crf_loc_conf(self, i: int) -> float:
        """The CRF's confidence in the place span that holds ``text[i - 1]`` and
        ``text[i]`` (0.0 when none)."""
        for (s, e), k in self.crf_at.items():
            if k == "LOC" and s < i < e:
                return self.crf_conf[(s, e)]
        return 0.0

    def in_quote(self, i: int) -> bool:
        """Is ``text[i]`` inside a quoted programme name or brand (“江小爱”,
        “江小爱”志愿服务队)? Other quotes (speech, emphasis, titles) and a
        quoted place or organisation the CRF is sure of (“香港”) do not count:
        the places and organisations in them are found as elsewhere. Valid
        after :meth:`find_programmes`."""
        if self._inq is None:
            self._inq = [False] * (len(self.text) + 1)
            progs = {(p["start"], p["end"]) for p in self.programmes}
            for s, e, _ in self.quotes:
                if e - s - 2 > self.res.opts.max_programme_len or self._quoted_entity(s, e):
                    continue
                if (s, e) not in progs and not _GROUP_AFTER_QUOTE.match(self.text, e):
                    continue  # quoted emphasis or a title (“中国邮政”): its places count
                for k in range(s + 1, e - 1):
                    self._inq[k] = True
        return self._inq[i]

    def _quoted_entity(self, s: int, e: int) -> bool:
        """The quote holds exactly a place or organisation the CRF is sure of."""
        kind = self.crf_at.get((s + 1, e - 1))
        return kind in ("LOC", "ORG") and self.crf_conf.get((s + 1, e - 1), 0.0) >= _SURE_NAME

    def _chain_units(self, pos: int, parent: str, known: dict) -> int:
        """Units below the county written after ``pos`` (each under the one before)."""
        text = self.text
        while pos < len(text):
            if self.res.gaz.match_at(text, pos):
                return pos
            m = _CHAIN_UNIT.match(text, pos)
            if not m:
                return pos
            name = m.group(1)
            stem = _UNIT_END.sub("", name)
            if any(c in _NOT_IN_NAME for c in stem) or self.in_quote(pos) or self.res.plain_words_in(stem):
                return pos
            county = _OLD_COUNTY.match(name)
            if county and len(name) - county.end() >= 3:
                # an old county before the unit (浙江省绍兴县湖塘镇, 原日照县): a place of its own, the unit's parent
                self._add_place(pos + county.start(1), pos + county.end(), county.group(1), "district", parent)
                parent = county.group(1)
                pos += county.end()
                name = name[county.end():]
            level = next(lv for rx, lv in _UNIT_LEVEL if rx.search(name))
            self._add_place(pos, m.end(1), name, level, parent)
            organ = _ORGAN_AFTER_PLACE.match(text, m.end(1))
            if organ and organ.group(0) != "委员会":
                self.orgs.append(dict(start=pos, end=organ.end(), text=text[pos:organ.end()],
                                      label="organization", name=text[pos:organ.end()]))
            known.setdefault(name, (level, parent))
            parent = name
            pos = m.end(1)
        return pos

    def _common_unit_word(self, name: str) -> bool:
        """Does ``name`` end in a common word made with a one-character unit word
        (顺德市|城镇, 江南|农村), not in a unit's name (高堡乡)?"""
        return len(_UNIT_END.search(name).group(0)) == 1 and len(name) >= 2 \
            and self.res.common_words.get(name[-2:], "ns") not in _PROPER_TAGS

    def _standalone_units(self, known: dict) -> None:
        text = self.text
        covered = self.taken
        # later mentions of units already placed in a chain
        for name, (level, parent) in known.items():
            for k in _find_all(text, name):
                if not covered[k]:
                    self._add_place(k, k + len(name), name, level, parent)
        # new units after a boundary, when the CRF sees a place or an organisation there
        for m in _UNIT_ANY.finditer(text):
            e = m.end()
            if covered[m.start()] or self.in_quote(m.start()):
                continue
            s = m.start()
            while s > 0 and m.start() - s < 6 and "\u4e00" <= text[s - 1] <= "\u9fff" \
                    and text[s - 1] not in _NOT_IN_NAME and not covered[s - 1]:
                s -= 1
            # the CRF's own start when it sees this unit as a place (滋润着|牧奎村, 路经|落耳坡村)
            a = s
            while a < m.start() - 1 and self.crf_label[a] != "LOC":
                a += 1
            if a > s and m.start() - a >= 2 and self.crf_label[m.start()] == "LOC" and (a, e) in self.crf_conf:
                s = a
            if m.start() - s < 2:
                continue
            name = text[s:e]
            crf = any(self.crf_label[k] == "LOC" for k in range(s, m.start()))
            if not crf and not name.endswith(("小区", "街道")):
                continue
            if self.res.common_words.get(name, "ns") not in _PROPER_TAGS or self.res.plain_words_in(text[s:m.start()]) \
                    or self._common_unit_word(name):
                continue  # a common word (农村), but 高堡乡 is a name in jieba's dictionary
            level = next(lv for rx, lv in _UNIT_LEVEL if rx.search(name))
            # right after a unit of a higher level: that unit is the parent (高堡乡凡堡村)
            before = [p for p in self.places if p["end"] == s and p.get("level") in _UNIT_RANK
                      and _UNIT_RANK[p["level"]] < _UNIT_RANK[level]]
            parent = before[0]["name"] if before else None
            county = _OLD_COUNTY.match(name)
            if county and len(name) - county.end() >= 3 and (not before or before[0]["level"] in ("province", "city")):
                # an old county before the unit (浙江省绍兴县|湖塘镇)
                self._add_place(s + county.start(1), s + county.end(), county.group(1), "district", parent)
                parent, s, name = county.group(1), s + county.end(), name[county.end():]
            self._add_place(s, e, name, level, parent)
            known.setdefault(name, (level, parent))

    def _crf_places(self) -> None:
        for s, e, k in self.crf:
            if k != "LOC" or True in self.taken[s:e]:
                continue
            quoted = self.in_quote(s)
            if quoted and (self.crf_conf[(s, e)] < _SURE_NAME or e - s < 2):
                continue  # a place the CRF is sure of counts inside a programme's name too (“苏南模式”)
            name = self.text[s:e]
            divs = self.res.gaz.lookup(name) if quoted else None
            if divs:  # (the division scan skips quotes: “冬游广西” → 广西壮族自治区)
                div = self._resolve(divs)
                parent = self.res.gaz.parent(div)
                self._add_place(s, e, div.name, div.level, parent.name if parent else None, div)
                continue
            if len(name) < 2 and not (name in _PLACE_ABBREV and self.crf_conf.get((s, e), 0.0) >= (
                    _PAIRED_ABBREV if self._paired_abbrev(s) else _SURE_NAME)):
                continue
            level = "venue" if _VENUE.search(name) else None
            self._add_place(s, e, name, level, None)["_crf"] = True

    def _paired_abbrev(self, s: int) -> bool:
        """Is the one-character place at ``s`` written next to another the CRF
        tags (中俄, 英日, 中、俄、哈)?"""
        text, lab = self.text, self.crf_label
        for k in (s - 1, s + 1, s - 2, s + 2):
            if 0 <= k < len(text) and text[k] in _PLACE_ABBREV and lab[k] == "LOC" \
                    and (abs(k - s) == 1 or text[(k + s) // 2] == "、"):
                return True
        return False

    # -- organisations -------------------------------------------------------------
    def find_orgs(self) -> None:
        text = self.text
        for s, e, inner in self.quotes:
            m = _GROUP_AFTER_QUOTE.match(text, e)
            if m and text[s] != "‘":
                self.orgs.append(dict(start=s, end=m.end(), text=text[s:m.end()], label="organization",
                                      name=inner + m.group(0)))
        for m in _media_matches(text):
            # 光明日报, 人民日报; a place before the two characters joins (广西日报, 崇左日报)
            s0 = m.start() - 2
            for k in (4, 3):
                if s0 - k >= 0 and self.res.gaz.has(text[m.start() - k:m.start()]):
                    s0 = m.start() - k
                    break
            if self.in_quote(s0) or self.res.common_words.get(text[s0:m.start()]) in _STRICT_TAGS:
                continue
            self.orgs.append(dict(start=s0, end=m.end(), text=text[s0:m.end()], label="organization",
                                  name=text[s0:m.end()]))
        # a rule-made organisation inside a longer one the CRF is sure of takes
        # the CRF's span (中国国际广播电台, 人民日报社, 中共湖南省委, 青岛市政府办公厅)
        sure_orgs = [(s, e) for s, e, k in self.crf if k == "ORG" and self.crf_conf[(s, e)] >= _SURE_NAME
                     and not self.in_quote(s)]
        for o in self.orgs:
            for s, e in sure_orgs:
                if s <= o["start"] and o["end"] <= e and e - s > o["end"] - o["start"] \
                        and text[o["start"]] not in "“\"「『‘":
                    o.update(start=s, end=e, text=text[s:e], name=text[s:e])
                    break
        uniq = {}
        for o in self.orgs:
            uniq.setdefault((o["start"], o["end"]), o)
        self.orgs = list(uniq.values())
        spans = [(o["start"], o["end"]) for o in self.orgs]
        places = [(p["start"], p["end"]) for p in self.places if not p.get("_crf")]
        for s, e, k in self.crf:
            if k != "ORG" or self.in_quote(s) or any(a < e and s < b for a, b in spans):
                continue
            if e - s >= 4 and text[s] in _ROLE_LEAD_CHARS and self.res.common_words.get(text[s:s + 2], "ns") == "ns":
                s += 1  # 同|国际大学生体育联合会: a preposition before the body (jieba: 同国 a place)
            if e - s < 2 or any(a < s < b or a < e < b for a, b in places):
                continue  # partial overlap with a place: a bad span (山社区党委)
            sure = self.crf_conf.get((s, e), 0.0) >= _SURE_NAME
            inner = [b for a, b in places if s <= a and b <= e]
            if inner and not _ORG_TAIL.search(text[max(inner):e]) and not sure:
                continue  # 丽金社区党员社
            if not sure and self._has_words(text[s:e], _STRICT_TAGS) and not self._verb_then_body(s, e):
                continue  # 党组织牵头组织 (a sure one keeps its verbs: 中国保护消费者基金会)
            if text[e - 2:e] in _NOT_BODY_ENDINGS:
                continue  # 东亚政局, 台湾当局: a situation or the authorities, no named body
            if text[e - 1] == "党" and text[e:e + 1] in _PARTY_WORD_NEXT and text[e - 1:e + 1] in self.res.common_words \
                    and self.res.common_words.get(text[s:e]) != "nt":
                continue  # 全国高校党|建, 基层党|员: the party of a compound word, no body
            for a, b in self._split_org(s, e):
                self.orgs.append(dict(start=a, end=b, text=text[a:b], label="organization", name=text[a:b],
                                      _crf=True))
        self._adjust_orgs()
        self.orgs.sort(key=lambda r: r["start"])

    def _adjust_orgs(self) -> None:
        """Boundaries of CRF organisations, by how names of bodies are written.

        - a country or place the CRF tags right before the body belongs to it
          (智利|共产党, 俄罗斯|外交部), and so does one joined by a dash
          (老挝—|中国友好协会, 中国—|东盟联合合作委员会);
        - a bare committee word takes the name written before it up to a
          function word (的迎送|委员会, 不是推选|委员会; at most 10 characters);
        - a department written right after its body joins it (人民日报|国际部,
          九三学社|中央, 中国航空工业总公司|党组);
        - a session number in front of an abbreviation goes (第四届|东盟地区论坛);
        - a "body" followed by 共和国 is part of a country's name
          (南斯拉夫联盟共和国), and a kind of party (参政党) is no body.
        """
        text = self.text
        crf_loc = {e: s for s, e, k in self.crf if k == "LOC"}
        out = []
        for o in self.orgs:
            if not o.get("_crf"):
                out.append(o)
                continue
            s, e = o["start"], o["end"]
            nl, dash = text.rfind("\n", s, e), text.rfind("——", s, e)
            if nl >= 0 or dash >= 0:
                s = max(nl + 1, dash + 2)  # 北京\n中央代表团, 海南自贸港——外交部: a line or a title part before
            if text[s:s + 2] in _ORG_VERBS and e - s >= 5:
                s += 2  # 列席|十四届全国人大常委会
            if text[e - 2:e] in _ORG_VERBS and e - s >= 5:
                e -= 2  # 共青团中央|部署
            elif text[e - 1:e + 1] in _ORG_VERBS and e - s >= 4:
                e -= 1  # 中央网信办|部|署
            if e - s < 2:
                continue
            name = text[s:e]
            if name in _NOT_NAMED_BODIES or text.startswith(_COUNTRY_WORDS, e):
                continue
            m = _SESSION_PREFIX.match(name)
            if m and 2 <= e - s - m.end() <= 4 and not name.endswith(_SESSION_BODIES):
                s += m.end()
            country = self._place_before(s, crf_loc)
            if country is not None and self._body_end(text[s:e]):
                s = country  # 智利共产党, 俄罗斯外交部
            elif text[s - 1:s] in ("—", "－") and (s - 1) in crf_loc and self._body_end(text[s:e]):
                s = crf_loc[s - 1]  # 老挝—中国友好协会
            if name in _BARE_BODIES:
                a = s
                while a > 0 and s - a < 10 and "\u4e00" <= text[a - 1] <= "\u9fff" \
                        and text[a - 1] not in _NOT_IN_NAME and self.crf_label[a - 1] not in ("PER", "ORG"):
                    a -= 1
                if s - a >= 2 and not self.res.plain_words_in(text[a:s]):
                    s = a  # 迎送委员会, 选举事务委员会
            dep = _DEPARTMENT_AFTER.match(text, e)
            if dep:
                e = dep.end()
            o.update(start=s, end=e, text=text[s:e], name=text[s:e])
            out.append(o)
        self.orgs = out

    def _place_before(self, s: int, crf_loc: dict[int, int]) -> int | None:
        """Where a place written right before ``text[s]`` starts: a CRF place, or a
        place word of jieba's dictionary (智利/ns) after a boundary; else None."""
        if s in crf_loc and s - crf_loc[s] >= 2:
            return crf_loc[s]  # (not 在京|中共中央政治局)
        text = self.text
        for k in (4, 3, 2):
            a = s - k
            if a >= 0 and self.res.common_words.get(text[a:s]) == "ns" and self.crf_label[a] is None \
                    and (a == 0 or not ("\u4e00" <= text[a - 1] <= "\u9fff") or text[a - 1] in _ROLE_BOUNDARY):
                return a
        return None

    def _body_end(self, name: str) -> bool:
        """Does ``name`` end like a named body (a party, a ministry, an association)?"""
        return name.endswith(ORG_SUFFIX_WORDS) or name.endswith("党")

    def _split_org(self, s: int, e: int) -> list[tuple[int, int]]:
        """A CRF organisation that runs on past a named body through a verb or
        preposition (中共中央|致|中国致公党, 中共中央|谨向|致公党, 中共中央|博大):
        the named body (a jieba ``nt`` word), and what follows the function
        word when it is a body too (a ``nt`` word or a name ending in an
        organisation suffix word). Otherwise the span itself."""
        text, words = self.text, self.res.common_words
        for k in range(e - 1, s + 1, -1):
            if words.get(text[s:k]) != "nt":
                continue
            if text[k] in _ORG_GLUE_CHARS and words.get(text[k:k + 2], "v") in _ORG_GLUE_TAGS:
                skip = 1  # 致, 向 (not 同 of 黄埔军校|同学会)
            elif words.get(text[k:k + 2]) in _ORG_GLUE_TAGS and text[k:k + 3] not in words:
                skip = 2  # (not 人民军|总后|勤局: 总后勤 is a word)
            else:
                return [(s, e)]
            rest = text[k + skip:e]
            if (len(rest) < 2 and text[k:e].endswith(ORG_SUFFIX_WORDS + ("组织",))) \
                    or (len(rest) == 2 and rest.endswith(ORG_SUFFIX_WORDS)):
                return [(s, e)]  # the "verb" is part of the name: 中共中央|统战部, 国际货币基金|组织, 人民军总后勤局
            out = [(s, k)]
            if len(rest) >= 3 and (words.get(rest) == "nt" or rest.endswith(ORG_SUFFIX_WORDS)):
                out.append((k + skip, e))
            return out
        return [(s, e)]

    def _verb_then_body(self, s: int, e: int) -> bool:
        """Does the last verb-like word of ``text[s:e]`` lead straight into the
        body word that ends it (菲律宾国家统计|局, 日本国际贸易促进|会), rather
        than into another verb (党组织牵头|组织)?"""
        from .ner.crf import ORG_SUFFIX_WORDS
        text, words = self.text, self.res.common_words
        last = max((i + n for n in (2, 3) for i in range(s, e - n + 1)
                    if words.get(text[i:i + n]) in _STRICT_TAGS), default=None)
        if last is None or last >= e:
            return False
        rest = text[last:e]
        return (rest in ORG_SUFFIX_WORDS or rest in ("会", "党", "团", "社", "所", "处")) \
            and words.get(rest) not in _STRICT_TAGS  # (组织 is a verb too)

    def _has_words(self, s: str, tags: set[str]) -> bool:
        words = self.res.common_words
        return any(words.get(s[i:i + n]) in tags for n in (2, 3) for i in range(len(s) - n + 1))

    # -- people ----------------------------------------------------------------------
    def _looks_like_name(self, name: str) -> bool:
        sur = self.res.surnames
        if _FOREIGN.match(name):
            return True
        if not _HAN_2_4.fullmatch(name) or name[0] in _NOT_SURNAME_START:
            return False
        if name[:2] in sur and len(name) in (3, 4):
            return True
        if name[0] in sur and len(name) in (2, 3):
            return True
        return len(name) >= 3 and sum(c in _TRANSLIT for c in name) >= 2

    def _familiar_name(self, name: str) -> bool:
        """老 or 小 and a frequent surname (老张, 小田), not a dictionary word (小康)."""
        return len(name) == 2 and name[0] in "老小" and self.res.surnames.get(name[1], 0) >= 20 \
            and name not in self.res.common_words

    def _sure_name(self, name: str, conf: float = 1.0) -> bool:
        """A name the CRF is sure of: 2-6 Chinese characters (or a foreign
        name with ·), not a common word of a function class (nor a common
        noun without a surname, unless the CRF is all but certain), not
        starting with a function word unless that is a surname and the CRF
        is all but certain (本报记者向兵)."""
        if _FOREIGN.match(name):
            return True
        if not _HAN_2_6.fullmatch(name):
            return False
        if name[0] in _NOT_SURNAME_START and not (conf >= _CERTAIN_NAME and name[0] in self.res.surnames):
            return False
        tag = self.res.common_words.get(name)
        if tag == "n" and conf < _CERTAIN_NAME and name[0] not in self.res.surnames:
            return False  # a common noun without a surname (银杏、樱花等苗木) needs a certain CRF
        return tag not in _NOT_NAME_TAGS

    def _place_word(self, name: str) -> bool:
        """A place in jieba's dictionary that reads as one: transliterated
        (卡塔尔) or ending in a place character (洪泽湖); 罗干, 安南 are kept."""
        return self.res.common_words.get(name) == "ns" and (name[-1] in LOC_END_CHARS or _translit_name(name))

    def _bad_context(self, a: int, b: int, sure: bool = False, conf: float = 0.0) -> bool:
        """The name is a word, part of a word before it, or the name of a unit
        (谢依特小学); for a name the CRF is ``sure`` of, only the last."""
        text = self.text
        nm = text[a:b]
        if self._part_of_word(a, b) or self._inside_word(a, b):
            return True  # 帕金森|病, 陈列馆, 同|仇敌忾, 关怀|让
        if a >= 2 and (self.res.common_words.get(text[a - 1:a + 1]) == "ns"
                       or any(self.res.gaz.has(text[a - 1:a + 1] + c) for c in "市县")) \
                and not self.res.role_re.search(
                text, max(0, a - 8), a):  # (not 部长|孙家正: 长孙, a place to jieba)
            return True  # 五常|大米: a place's word ends on the name's first character
        if _NUMBERED_END.search(text[max(0, a - 2):a]):
            return True  # 第2号洪峰, 3号台风: a numbered thing
        if b - a == 2 and nm[1] == "方" and nm[0] in _PLACE_ABBREV:
            return True  # 韩方, 美方: a side in talks
        if b - a == 2 and nm[0] in _PLACE_ABBREV and nm[1] in _PAIR_ABBREV and self._office_re().match(text, b):
            return True  # 美乌总统: two countries' heads
        if nm[-1] == "委" and self._office_re().match(text, b):
            return True  # 华侨委|主任委员: a committee before its office
        if self.res.common_words.get(text[a:a + 4]) in ("i", "l") and conf < _CERTAIN_NAME:
            return True  # 饶有兴致: an idiom starts there
        if nm in ("陆军", "海军", "空军"):
            return True  # 陆军司令: a service (jieba: nr)
        for k in range(a, b):
            um = _NAME_FOLLOWED_BY_UNIT.match(text, k)
            if um and um.end() - k >= 2 and (k > a or um.end() < b):
                return True  # 胡塞武|装, 京张|高铁, 高铁|云贵段: a unit word (武装, 高铁) inside or across the name
        if a >= 2 and text[a - 1] == text[a] and text[a - 2] == "一":
            return True  # 一张张网格: a repeated measure word, no surname
        # a certain CRF name that reads as a Han name wins too (记者江建国, jieba: ns; not 赵述岛)
        certain = sure and (conf >= _CERTAIN_NAME and (_translit_name(nm) or self._surname_name(nm))
                            or self._after_foreign_office(a))  # (圭亚那总统阿里, jieba: ns)
        if self._place_word(nm) and not certain \
                or nm[-1] in "湖河岛湾港宫巷庙寺" and len(nm) >= 3 or nm[-1] in "府宫庙寺" and not sure \
                or nm[-1] == "园" and len(nm) >= 3 and self.crf_label[a - 1] == "LOC":  # 武夷山朱熹园 (not 冠军邹敬园)
            return True  # 卡塔尔 (jieba: ns), 洪泽湖 (jieba: nr!); jieba tags 德桑蒂斯 ns too: a certain CRF wins
        if any(p["name"][:-1] == nm and p["name"][-1] in "区县市镇乡村旗" and not p.get("_crf") for p in self.places):
            return True  # 徐水舞狮 after 保定市徐水区: the short form of a place the text names
        k = text.find(nm)
        while k >= 0:
            after = k + len(nm)
            if text[after:after + 1] in _PLACE_SUFFIX_CHARS and text[after + 1:after + 2] not in ("长", "委", "民") \
                    and text[after:after + 1]:
                return True  # a place somewhere in the text (科尔蒂纳丹佩佐市), not 李明市长
            k = text.find(nm, after)
        if nm.endswith(("市", "省", "县", "区", "镇", "村", "乡", "州")) and not (
                sure and conf >= _CERTAIN_NAME):
            return True  # 陈贵州 in a list of names is a person all the same
        if not sure and self._plain_word(nm):
            return True
        if not sure and a > 0 and self._plain_word(text[a - 1:a + 1]) and self.crf_label[a - 1] != "PER" \
                and not (b - a >= 3 and self.res.common_words.get(nm, "").startswith("nr")):
            return True  # 行李寄存 (not 落实|习近平: a name of jieba's dictionary)
        if b - a == 2 and nm[1] in _LOCATIVE_GIVEN and self._plain_word(text[a - 1:a + 1]):
            return True  # 农田内: a word's last character and a locative, however sure the CRF
        if b - a == 2 and (nm[0] == nm[1] or nm[1] == "老"):
            return True  # 殷殷嘱托; 侯老 (a surname and an honorific: no full name)
        if text[b:b + 1] == "着" and self._plain_word(nm) is not None and nm in self.res.common_words:
            return True  # 一家人张罗着: a verb with its aspect particle
        if b - a == 4 and nm[:2] not in self.res.surnames and "·" not in nm and not _translit_name(nm) \
                and any(self._common_given(nm[i:i + 2]) or self.res.common_words.get(nm[i:i + 2], "")[:1] == "n"
                        and self.res.pair_freq.get(nm[i:i + 2], 0) >= 100 for i in range(3)):
            return True  # 杨柳荫浓: four characters, no double surname, a common word inside
        if _NAME_FOLLOWED_BY_UNIT.match(text, b) or nm.endswith(_UNIT_TAIL):
            return True
        # a foreign place: 科尔蒂纳丹佩佐市
        k = b
        while k < len(text) and text[k] in _TRANSLIT and k - b < 6:
            k += 1
        return k > b and text[k:k + 1] in ("市", "州", "省", "县", "镇", "村", "岛", "港")

    def _inside_word(self, a: int, b: int) -> bool:
        """The candidate is the end of a dictionary word that starts before it
        and covers two of its characters (同|仇敌忾), or a dictionary word and a
        function character (关怀|让老人们): no name, however sure the CRF."""
        text = self.text
        if b - a == 3 and text[b - 1] in "让把被将对向给从使" and text[a:a + 2] in self.res.common_words:
            return True
        words = self.res.common_words  # (loads long_word_starts too)
        pfx = self.res.long_word_starts
        if not (a >= 1 and text[a - 1:a + 1] in pfx or a >= 2 and text[a - 2:a] in pfx
                or a >= 3 and text[a - 3:a - 1] in pfx):
            return False
        for k in (1, 2, 3):
            if k > a or text[a - k:a - k + 2] not in pfx:
                continue
            for end in range(a + 2, min(b, a - k + 6) + 1):
                if end - (a - k) >= 3 and words.get(text[a - k:end], "nr")[:2] not in ("nr", "ns", "nt"):
                    return True
        return False

    def _surname_name(self, nm: str) -> bool:
        """A Han name of three characters after a frequent surname (江建国, 陈天湖)."""
        return len(nm) == 3 and self.res.surnames.get(nm[0], 0) >= 20 and not _translit_name(nm)

    def _part_of_word(self, a: int, b: int) -> bool:
        """The candidate ends a longer dictionary word that is not a name:
        it ends with a category character (陈列馆) or the next one makes
        such a word with it (帕金森|病). jieba tags both nr, so the tag is no
        guide; the category character is."""
        text, words = self.text, self.res.common_words
        if text[b - 1] in _WORD_TAIL and b - a >= 3 and text[a:b] in words:
            return True
        return b < len(text) and text[b] in _WORD_TAIL and text[a:b + 1] in words

    def _function_start(self, a: int, b: int, office: bool = False) -> bool:
        """A "name" next to an office that starts with a function word or
        preposition (总书记|关于党的建设), is a modifier after an ``office``
        (X的), holds a dictionary word of a function class (理解|总书记), or
        holds a dictionary word and ends with a function character (高声向|总书记)."""
        text, words = self.text, self.res.common_words
        nm = text[a:b]
        if words.get(nm[:2], "") in ("p", "c", "d", "u", "r", "v") or nm[0] in _NOT_SURNAME_START:
            return True
        if office and text[b:b + 1] == "的" and self.crf_label[a] != "PER" \
                and not (b - a == 3 and words.get(nm, "").startswith("nr")):
            return True  # (主席习近平的文章: a name of jieba's dictionary is a name)
        pairs = [nm[i:i + 2] for i in range(len(nm) - 1)]
        if any(words.get(w) in _NOT_NAME_TAGS for w in pairs):
            return True
        return nm[-1] in _NOT_IN_NAME and any(self._plain_word(w) for w in pairs)

    def _blocked(self, s: int, e: int, conf: float = 0.0, known: bool = False) -> bool:
        if True in self.taken[s:e] and any(p["start"] < e and s < p["end"] and not p.get("_crf")
                                        for p in self.places):
            return True
        for q0, q1, _ in self.quotes:
            if q0 < s and e <= q1 - 1 and q1 - q0 - 2 <= self.res.opts.max_programme_len \
                    and not (known and q1 - q0 - 2 > e - s):
                return True  # inside a short quote: a brand or nickname (a ``known`` name: only alone in it)
        name = self.text[s:e]
        if name in self.res.programmes:
            return True
        if self.res.gaz.has(name) and not (conf >= _CERTAIN_NAME and self.res.gaz.is_short(name)
                                           and self.res.surnames.get(name[0], 0) >= 20
                                           and not self._division_in_text(name)) \
                and not (conf >= _SURE_NAME and self._after_foreign_office(s)):
            return True  # (a short form the CRF is certain is a name and no place took: 王平、江华、李德生;
            # 圭亚那总统阿里: after a foreign country's office a name is no Chinese division)
        if (len(name) >= 4 or _translit_name(name)) and (self.res.gaz.has(name + "市")
                                                         or self.res.gaz.has(name + "县")):
            return True  # 霍尔果斯 (霍尔果斯市), a city written without its 市
        return self._no_person_at(s, e)

    def _name_at(self, a: int, b: int) -> bool:
        """Can ``text[a:b]``, found by its context alone, be a name: a
        surname and a given name with no function character, no word or
        place around it, no function word at its start?"""
        return self._list_name_ok(a, b) and self._looks_like_name(self.text[a:b]) \
            and not self._bad_context(a, b) and not self._function_start(a, b)

    def _names_by_context(self, found: dict) -> None:
        """Names that their context gives, whatever the CRF says: a verb of
        appointment or honour or a home (任命楼阳生为, 授予苏翊鸣等147名同志,
        走进…的郎素兰家中), the known-name list (谌贻琴), a sentence that starts
        with a name and says its post (。石强是越西县就业局局长，), 名叫X, and the
        spouse before 和丈夫 + a name (车璐和丈夫赵明昊)."""
        text, res = self.text, self.res

        def free(a: int, b: int) -> bool:
            return not any(x < b and a < y for x, y in found)

        for m in _NAME_BY_VERB.finditer(text):
            a = m.end()
            for ln in (3, 2):
                b = a + ln
                if b <= len(text) and (_NAME_AFTER_VERB.match(text, b) if m.group(1) else _HOME_AFTER.match(text, b)) \
                        and free(a, b) and self._name_at(a, b):
                    found[(a, b)] = self._mention(a, b)
                    break
        self._known_names(found)
        for m in _NAME_IS_POST.finditer(text):
            a, b = m.span(1)
            if res.role_re.search(m.group(2)) and free(a, b) and self._name_at(a, b):
                found[(a, b)] = self._mention(a, b)
        for m in _NAMED_AS.finditer(text):
            a, b = m.start(1), m.end(1)
            nm = text[a:b]
            if free(a, b) and not any(c in _NOT_IN_NAME for c in nm) \
                    and not self._plain_word(nm) and not self._blocked(a, b, 1.0) and nm not in res.roles \
                    and not self._bad_context(a, b, True, 1.0):
                found[(a, b)] = self._mention(a, b)
        for (a, b) in [k for k in found if _SPOUSE_BEFORE.search(text, max(0, k[0] - 4), k[0])]:
            k = _SPOUSE_BEFORE.search(text, max(0, a - 4), a).start()
            for ln in (3, 2):
                s0 = k - ln
                if s0 >= 0 and (s0 == 0 or text[s0 - 1] in "的，。；：、\n \u3000") and free(s0, k) \
                        and self._name_at(s0, k):
                    found[(s0, k)] = self._mention(s0, k)
                    break

    def _known_names(self, found: dict) -> None:
        """Every mention of a name of ``known_names.txt`` that is no part of
        a word, a place (阿比|让) or a longer transliteration (巴赫|穆特)."""
        rx, text, res = self.res.known_names_re, self.text, self.res
        if rx is None:
            return
        for m in rx.finditer(text):
            a, b = m.span()
            if any(x < b and a < y for x, y in found) or text[b:b + 1] in _TRANSLIT or text[a - 1:a] in _TRANSLIT \
                    or text[b:b + 1] in _KNOWN_NAME_PLACE_END:
                continue  # (威廉斯|堡: a place named after a person)
            if any(text[a:b + k] in res.place_names or res.gaz.has(text[a:b + k]) for k in (1, 2, 3)):
                continue
            if self._blocked(a, b, 1.0, known=True) or self._part_of_word(a, b) or self._inside_word(a, b):
                continue
            found[(a, b)] = self._mention(a, b)

    @functools.cached_property
    def _per_bounds(self) -> tuple[frozenset[int], frozenset[int]]:
        """Starts and ends of the CRF's person spans."""
        per = [(s0, e0) for s0, e0, k in self.crf if k == "PER"]
        return frozenset(s0 for s0, _ in per), frozenset(e0 for _, e0 in per)

    def _name_supported(self, a: int, b: int) -> bool:
        """Something beside an unsure CRF name that speaks for a person: a
        role word before it, a title, a verb of the news or 、/和 after it, a
        name of three characters with a common surname and no word inside,
        or the same name elsewhere in the text with a role word or a title."""
        text, res = self.text, self.res
        nm = text[a:b]
        per_starts, per_ends = self._per_bounds
        if "·" in nm or a in per_ends or b in per_starts \
                or text[a - 1:a] in _LIST_MARKS or text[b:b + 1] in _LIST_MARKS:
            return True  # 斯洛博丹·米洛舍维奇; 杨国屏杨国梁 (a run of names); ①布莱尔②史密斯
        if res.surnames.get(nm[0], 0) >= 20 and res.common_words.get(text[b:b + 2], "")[:1] == "v":
            return True  # 韩正|宣读
        for k in _find_all(text, nm):
            e = k + len(nm)
            if res.role_re.search(text, max(0, k - 8), k) or k > 1 and res.role_re.search(text, max(0, k - 9), k - 1) \
                    or _VERB_AFTER_NAME.match(text, e) or _DOCTRINE_AFTER.match(text, e) or _THING_AFTER_NAME.match(text, e) \
                    or self._post_role_re().match(text, e) or _POST_NAME_ROLE.match(text, e) \
                    or text[e:e + 1] in ("、", "和", "与", "及", "说", "是", "也", "在", "等", "（", "(") \
                    or text[k - 1:k] in ("、", "和", "与", "及"):
                return True
        return len(nm) == 3 and res.surnames.get(nm[0], 0) >= 20 and not any(
            nm[i:i + 2] in res.common_words and not res.common_words[nm[i:i + 2]].startswith("nr") for i in range(2))

    def _between_names(self, found: dict, a: int, b: int) -> bool:
        """Is ``text[a:b]`` an item of a 、-list between two names found
        (张升民、铁凝、吴政隆: a name whatever its surname)?"""
        text = self.text
        return text[a - 1:a] == "、" and text[b:b + 1] == "、" and any(x == b + 1 for x, _ in found) \
            and any(y == a - 1 for _, y in found) and _HAN_2_3.fullmatch(text[a:b]) is not None \
            and not any(c in _NOT_IN_NAME for c in text[a:b]) and not self._plain_word(text[a:b]) \
            and text[a:b] not in self.res.roles

    def _names_follow(self, found: dict, b: int, n: int) -> bool:
        """Do ``n`` names found follow the one ending at ``b``, each after a 、
        (主持大会，栗战书、汪洋、王沪宁: a list of names)?"""
        ends = {x: y for x, y in found}
        for _ in range(n):
            if self.text[b:b + 1] != "、" or b + 1 not in ends:
                return False
            b = ends[b + 1]
        return True

    def _in_slogan_list(self, s: int, e: int) -> bool:
        """Is the name inside an item of a 、-list of four-character phrases
        that share their first two characters (学史明理、学史增信、学史崇德)?"""
        text = self.text
        a = s
        while a > 0 and s - a < 3 and _HAN_CHAR.match(text, a - 1):
            a -= 1
        b = a + 4
        if b < e or _HAN_CHAR.match(text, b) or not (text[a - 1:a] == "、" or text[b:b + 1] == "、"):
            return False
        head = text[a:a + 2]
        return any(text[k:k + 2] == head and text[k + 4:k + 5] in ("、", "", "，", "。", "的")
                   for k in (a - 5, b + 1) if k >= 0) and _HAN_4.fullmatch(text[a:b]) is not None

    def _division_in_text(self, short: str) -> bool:
        """Is a division that ``short`` is the short form of written in full
        in the text (徐水 and 保定市徐水区: the short form is that place)?"""
        return any(d.name != short and d.name in self.text for d in self.res.gaz.lookup(short))

    def _after_foreign_office(self, s: int) -> bool:
        """Does an office of a foreign country end right before ``text[s]``
        (圭亚那总统|阿里: a place outside the gazetteer, then the office)?"""
        m = self._office_ending_at(s)
        return m is not None and any(p["end"] == m.start() and p.get("level") is None
                                     and not self.res.gaz.has(p["name"]) for p in self.places)

    def _no_person_at(self, s: int, e: int) -> bool:
        """Context that makes ``text[s:e]`` a place or a body wherever else it
        is written: 首都贝鲁特; 在舒兰， (舒兰市 in the gazetteer); the short
        name in brackets after a body (巴勒斯坦伊斯兰抵抗运动（哈马斯）)."""
        text, name = self.text, self.text[s:e]
        if text[s - 2:s] == "首都" or text[s - 1:s] == "在" and text[e:e + 1] in ("，", "。", "、") and (
                self.res.gaz.has(name + "市") or self.res.gaz.has(name + "县")):
            return True
        pm = _PLACE_LIST_END.match(text, e)
        if pm and pm.start() == e and pm.group() in ("方向", "一带", "境内") and text[s - 1:s] in ("和", "、"):
            return True  # 俄军在哈尔科夫和苏梅方向
        if pm and (text[e:e + 1] == "等" or text[s - 1:s] in _PLACE_BEFORE) and (
                self.crf_conf.get((s, e), 0.0) < _SURE_NAME or _WAR_PLACE_END.search(pm.group())):
            return True  # 在苏梅、哈尔科夫等多个方向; 杨家台等7个村
        if text[s - 2:s] in _PLACE_TYPE_BEFORE and not _VERB_AFTER_NAME.match(text, e):
            return True  # 小镇赖特伍德: a town
        if s >= 4 and text[s - 4:s].isdigit() and _HAN_CHAR.match(text, e):
            return True  # 2026斯诺克世锦赛: a year glued to it names an event (its other mentions too)
        if text[s - 2:s] in _ROAD_BEFORE or text[e:e + 1] in ("至", "到") and _ROUTE_END.match(text, e + 1) \
                and self.crf_conf.get((s, e), 0.0) < _SURE_NAME:
            return True  # 青藏公路唐古拉段; 凌源至绥中段 (a route between places; not 习近平到山西考察)
        if _MINISTRY_AFTER.match(text, e) and self.crf_conf.get((s, e), 0.0) < _SURE_NAME:
            return True  # 沙特能源部4日表示: a country's ministry
        if text[e:e + 1] == "驻" and (self.crf_label[e + 1] == "LOC" or text[e + 1:e + 2] in _PLACE_ABBREV
                                     or any(text[e + 1:e + 1 + k] in self.res.place_names for k in (2, 3, 4))):
            return True  # 沙特驻伊朗马什哈德领事馆, 中国驻美大使: a country sends envoys, a person is sent
        if self.crf_conf.get((s, e), 0.0) < _SURE_NAME and (s == 0 or text[s - 1] in " \n\u3000") and any(
                text[e:e + k] in self.res.place_names and _SPEECH_AFTER_PLACE.match(text, e + k) for k in (2, 3, 4)):
            return True  # 沙特俄罗斯称: two countries heading a headline (not 《…——习近平上海足迹》)
        at_end = e == len(text) or text[e] in _PLACE_CLAUSE_END
        if at_end and (self.crf_label[s] != "PER" or self.crf_conf.get((s, e), 0.0) < _SURE_NAME) and (
                text[s - 2:s] in _VISIT_VERBS or text[s - 2:s] in _DIRECTIONS and s >= 3 and self.crf_label[s - 3] == "LOC"
                or text[s - 1:s] and self.crf_label[s - 1] == "LOC" and self._after_at(s)):
            return True  # 访问沙特。; 拉法东部萨拉姆，; 在内蒙古康巴什，
        o = max(text.rfind("（", max(0, s - 4), s), text.rfind("(", max(0, s - 4), s))
        return o >= 0 and text[e:e + 1] in ("）", ")") and not any(c in "，。、）)" for c in text[o:s]) \
            and _BODY_BEFORE_BRACKET.search(text, 0, o) is not None  # (乌议会（最高拉达）)

    def _surname_and_address(self, a: int, b: int) -> bool:
        """Is ``text[a:b]`` a surname and a form of address (张大姐, 邵女士), not a full name?"""
        return b - a == 3 and self.text[a] in self.res.surnames \
            and _ADDRESS_AFTER_SURNAME.fullmatch(self.text, a + 1, b) is not None

    def _mention(self, a: int, b: int, name: str | None = None) -> dict:
        """A person mention of ``text[a:b]`` (``name``: the full name it stands for, 朱大爷 → 朱茂锦)."""
        t = self.text[a:b]
        return dict(start=a, end=b, text=t, label="person", name=name or t)

    def _in_named_thing(self, s: int, e: int) -> bool:
        """Is the name part of the name of a work or a thing: inside a title in
        《》 (《穆桂英挂帅》, 话剧《谷文昌》), or the head of a run of nouns that
        ends in a named place or work (朱德总司令和五世格达活佛纪念馆,
        格萨尔青稞现代农业产业园, 孔子研究院), with no verb, clause or role
        word before the name (not 汉族教师宋玉刚扎根乡村小学, 呼秀珍老人在当地一所中学)?"""
        text = self.text
        o = text.rfind("《", max(0, s - 30), s)
        if o >= 0 and "》" not in text[o:s]:
            c = text.find("》", e, e + 30)
            if c >= 0 and "《" not in text[e:c]:  # (also 《谷文昌》, a play)
                return True
        m = _HAN_RUN.match(text, e)
        t = _NAMED_THING_END.search(m.group()[:16]) if m else None
        if not t or self.res.role_re.search(text, max(0, s - 8), s):
            return False  # (汉族教师宋玉刚扎根乡村小学: a role word before it, 扎根 is jieba's ns)
        run = m.group()[:t.start()]  # between the name and the thing: 孔子||研究院 (参观 after it)
        if any(c in _NOT_IN_NAME and c not in "和与" for c in run):
            return False  # 呼秀珍老人在当地一所中学: a clause, not a name
        words = self.res.common_words
        return not any(words.get(run[i:i + n], "")[:1] in ("v", "p", "u", "r", "c")
                       for n in (2, 3) for i in range(len(run) - n + 1))

    def _predicate_after_he(self, k: int) -> bool:
        """Does a predicate start at ``k``, right after a 和 that then ends a
        name (无党派人士代表包信和|先后发言), not a conjunction before a second
        name or a clause with 的 (习近平和出席会议的代表)?"""
        text = self.text
        if not (_VERB_AFTER_NAME.match(text, k) or self.res.common_words.get(text[k:k + 2], "")[:1] in ("d", "t")):
            return False
        clause = _CLAUSE_END.search(text, k)
        return "的" not in text[k:clause.start() if clause else len(text)]

    def _title_of_name_before(self, a: int) -> bool:
        """Does an office end right before ``a`` that follows a name the CRF
        gives or a three-character name of jieba's dictionary (习近平主席|贺信)?
        Then the office is that name's title."""
        m = self._office_ending_at(a)
        if m is None:
            return False
        o = m.start()
        return any(e0 == o and k == "PER" for _, e0, k in self.crf) \
            or o >= 3 and self.res.common_words.get(self.text[o - 3:o], "").startswith("nr") \
            and self.crf_label[o - 1] is None and self.text[o - 3:o] not in self.res.place_names
        # (乌克兰外长|库列巴: jieba's nr, the CRF's place; 东帝汶副总理|黎发芳: a listed place)

    def _after_at(self, s: int) -> bool:
        """Is the CRF place that ends right before ``s`` written after 在 (在内蒙古|康巴什)?"""
        k = s - 1
        while k > 0 and self.crf_label[k - 1] == "LOC":
            k -= 1
        return self.text[k - 1:k] == "在"

    def _place_names(self, found: dict) -> None:
        """Drop the names of the place list (``place_names.txt``: 贝鲁特,
        卢甘斯克, 汗尤尼斯, 卡塔尔) unless one of their mentions has a title
        before it or a verb of speech after it (美国演员杰克逊, 杰克逊表示; not
        a title after it: 汤加首相 is the country's): the list holds names the
        digest corpus writes only as places."""
        names = self.res.place_names
        if not names:
            return
        text = self.text
        listed = {p["name"] for p in found.values() if p["name"] in names}
        if not listed:
            return
        for nm in listed:
            keys = [k for k, p in found.items() if p["name"] == nm]
            if any(self._after_office(a) or self.res.role_re.search(text, max(0, a - 8), a)
                   or _VERB_AFTER_NAME.match(text, b) for a, b in keys):
                continue
            for k in keys:
                del found[k]

    def _places_and_bodies_anywhere(self, found: dict) -> None:
        """Drop every mention of a "name" that one of its mentions shows to be a
        place or a body (:meth:`_no_person_at`: 支援舒兰 after 在舒兰，; 以色列和哈马斯
        after …抵抗运动（哈马斯）), or that is always written after the same
        character, as the inside of a place or body the CRF reads around it
        (乌|梁素海, twice or more), and never a name the CRF is sure of (not 比亚 of
        埃塞俄比亚 and 喀麦隆总统比亚)."""
        text = self.text
        outer = [(s0, e0) for s0, e0, k in self.crf if k in ("LOC", "ORG")]
        drop = set()
        gaz = self.res.gaz
        for nm in {p["name"] for p in found.values() if p["name"] == p["text"]}:
            ks = list(_find_all(text, nm))
            if any(self._no_person_at(k, k + len(nm)) for k in ks):
                drop.add(nm)
            elif "·" in nm and all(gaz.has(x) or gaz.is_short(x) for x in nm.split("·")):
                drop.add(nm)  # 数据中心集群（甘肃·庆阳）: a province and a city
            elif len(ks) >= 2 and len({text[k - 1:k] for k in ks}) == 1 and "\u4e00" <= text[ks[0] - 1:ks[0]] <= "\u9fff" \
                    and any(s0 < k and k + len(nm) <= e0 for k in ks for s0, e0 in outer) \
                    and max((self.crf_conf.get((k, k + len(nm)), 0.0) for k in ks
                             if self.crf_at.get((k, k + len(nm))) == "PER"), default=0.0) < _SURE_NAME:
                drop.add(nm)
        for key in [k for k, p in found.items() if p["name"] in drop]:
            del found[key]

    def find_people(self) -> None:
        text, res = self.text, self.res
        found: dict[tuple[int, int], dict] = {}
        for s, e, k in self.crf:
            if k != "PER":
                continue
            while e - s > 1 and text[e - 1].isspace():
                e -= 1  # 王沪宁\u3000 in a headline list: the space is no part of the name
            # a sure CRF name needs no surname and may be a dictionary word
            # (周恩来, 罗干, 安南 are words of jieba's dictionary)
            if e - s == 1:
                # a surname with a title (江主席, 何大爷), when the CRF is sure
                if text[s] in res.surnames and self.crf_conf.get((s, e), 0.0) >= _SURNAME_TITLE \
                        and _TITLE_AFTER_SURNAME.match(text, e) and not self._blocked(s, e):
                    found[(s, e)] = self._mention(s, e)
                continue
            if self._surname_and_address(s, e):
                found[(s, s + 1)] = self._mention(s, s + 1)  # 张大姐: linked to the full name or dropped below
                continue
            if self._no_person_at(s, e):
                continue  # 小镇赖特伍德: the whole run is a place (not split into 赖特 and 伍德)
            if s > 0 and self.crf_conf.get((s, e), 0.0) < 0.5 and self._plain_word(text[s - 1:s + 1]) \
                    and res.common_words.get(text[s - 1:s + 1], "")[:1] == "v":
                continue  # 实|施普惠托育: an unsure run that starts inside a verb is no name
            # a long CRF name after a role word may hold two names (通讯员阎晋于文哲)
            parts = self._split_names(s, e)
            for a, b in parts:
                if len(parts) > 1 and res.common_words.get(text[a:a + 2], "")[:1] in ("v", "d", "p", "c"):
                    continue  # 杨婧茹|包揽金: a part that starts with a verb is no name
                a, b = self._trim_name(a, b)
                if b - a == 2 and text[b:b + 1] == "和" and _HOME_AFTER.match(text, b + 1):
                    b += 1  # 居民李敬和|家中 (not 李敬|和家中)
                if b - a == 2 and res.common_words.get(text[a:b + 1], "").startswith("nr") \
                        and _HAN_CHAR.match(text, b) and not self._glued_at(b):
                    b += 1  # 王沪|宁深入: the CRF (沪宁, a railway) cuts a name of jieba's dictionary
                if b - a < 2 or text[a:b] in res.roles:
                    continue  # 王储 of 王储米沙勒 split at the surname 王
                nm = text[a:b]
                conf = min(self.crf_prob[a:b])  # each name of a run on its own
                sure = conf >= _SURE_NAME
                if not sure and a >= 2 and self.res.common_words.get(text[a - 2:a]) == "n" and nm in res.common_words \
                        and text[a - 2:a] not in res.roles and not _VERB_AFTER_NAME.match(text, b):
                    continue  # 冰雪|马拉松 (jieba: nr): the head of a compound noun (not 议员|利德索姆)
                if b - a == 2 and (a, b) == (s, e) and res.common_words.get(nm) in _NOT_NAME_TAGS \
                        and conf < _CERTAIN_NAME and self.crf_label[a - 1] != "PER" and self.crf_label[b] != "PER":
                    continue  # 牢记总书记|殷切|嘱托: an adjective needs a certain CRF (not 杨尚昆|万里|宋平, a run of names)
                if not sure and self._title_of_name_before(a):
                    continue  # 习近平主席|贺信: the office before it is the title of the name before that
                if not sure and res.surnames.get(nm[0], 0) < _RARE_SURNAME and not _translit_name(nm) \
                        and "·" not in nm \
                        and not (_VERB_AFTER_NAME.match(text, b) or self._post_role_re().match(text, b)):
                    continue  # 惠泽子孙, 惠民生: a rare surname needs a sure CRF or a verb or title after it
                if not (self._looks_like_name(nm) or sure and self._sure_name(nm, conf)
                        or conf >= _TRANSLIT_NAME and (_translit_name(nm) or self._familiar_name(nm))):
                    # trim one trailing character glued to the name (何成一脸)
                    if b - a >= 3 and self._looks_like_name(text[a:b - 1]) and \
                            _NAME_END_OK.match(text, b - 1):
                        b -= 1
                        nm = text[a:b]
                    else:
                        continue
                if self._blocked(a, b, conf) or self._bad_context(a, b, sure, conf):
                    continue
                if conf < _UNSUPPORTED_NAME and not (len(parts) > 1 and all(
                        self._looks_like_name(text[x:y]) and not self._plain_word(text[x:y]) for x, y in parts)) \
                        and not self._name_supported(a, b):
                    continue  # 满山遍野的李花连绵, 林药、林蜂、林油, 埃博拉死亡病例: an unsure name with nothing for it
                found[(a, b)] = self._mention(a, b)
        self._name_repairs(found)
        # names right after a role word that the CRF missed
        for m in _overlapping(res.role_names_re, text):
            a = m.start(1)
            if any(a0 <= a < b0 for a0, b0 in found):
                continue
            office_role = res.roles.get(m.group(0)[:a - m.start()], False)  # 委员长|栗战书出席: a name, 战书 or not
            if office_role and (any(b0 == m.start() for _, b0 in found) or self._title_of_name_before(a)):
                continue  # 习近平主席|贺信: the office is the title of the name before it
            if self._plain_word(text[m.start():a + 1]) and len(m.group(0)[:a - m.start()]) >= 2:
                continue  # 居民楼|里并没有, 成员单位: the role word is part of a longer word
            for ln in (3, 2):
                if ln > len(m.group(1)):
                    continue  # (国家主席通伦，: two characters only)
                b = a + ln
                nm = text[a:b]
                if self._surname_and_address(a, b):
                    found[(a, a + 1)] = self._mention(a, a + 1)  # 市民邵女士: linked to the full name or dropped below
                    break
                if ln == 3 and b <= len(text) and self.crf_label[b - 1] != "PER" \
                        and not res.common_words.get(nm, "").startswith("nr") and (
                        text[b - 1] in _NOT_IN_NAME or self._glued_at(b - 1)) \
                        and not (text[b - 1] == "和" and (self._predicate_after_he(b) or _HOME_AFTER.match(text, b))) \
                        and not (text[b - 1] == "为" and text[b:b + 1] == "的"):  # (种粮大户周能为的: 为 before 的 is the name's)
                    continue  # 总统拜登|通电话, 拜登|举行, 副委员长铁凝|在: the third character starts a word
                if ln == 2 and self.crf_label[a] != "PER" and (
                        self._glued_at(b - 1) and not _VERB_AFTER_NAME.match(text, b)
                        or min(self.crf_prob[a:b]) >= _CERTAIN_NAME and res.pair_freq.get(nm, 0) >= 100):
                    continue  # 党员全|参与 (参与 is the word); 受灾群众安危, 各族群众满怀 (words the CRF is sure are none)
                end_ok = _NAME_END_OK.match(text, b) or (ln == 3 and text[b:b + 2] in res.common_words) \
                    or ln == 2 and res.roles.get(m.group(0)[:a - m.start()]) \
                    and (text[b:b + 1] in _GLUE_START or self._plain_word(text[b:b + 2])
                         and res.pair_freq.get(text[b:b + 2], 0) >= _GLUE_WORD_FREQ
                         and text[b:b + 2] not in res.roles)  # 总统拜登|举行 (after an office, not 志愿者包校|支教)
                # a given name that is a province's short form (外卖小哥钟|海南): the name wins
                shadow = [p for p in self.places if ln == 3 and p["start"] == a + 1 and p["end"] == b
                          and not p.get("_crf") and res.gaz.is_short(text[a + 1:b])
                          and res.surnames.get(nm[0], 0) >= 20] if end_ok and ln == 3 else []
                for p in shadow:
                    self.places.remove(p)
                    for k in range(p["start"], p["end"]):
                        self.taken[k] = False
                if res.surnames.get(nm[0], 0) < 20 and any(self.crf_label[k] in ("LOC", "ORG") and self.crf_prob[k] >= _SURE_NAME
                                                           for k in range(a + 1, b)):  # (not 习近平率中央代表团: ORG 0.18)
                    continue  # the CRF reads a place there after a rare surname (代表|全|中国)
                if text[b:b + 1].isdigit() and self.crf_label[a] != "PER" \
                        and not (office_role and _DATE_AFTER.match(text, b)):  # (委员长栗战书3月30日)
                    continue  # 运动员|占比约86%: a number after it, and the CRF reads no name
                if self.crf_label[a] != "PER" and (
                        self._common_given(nm[:2]) and res.common_words[nm[:2]][:2] not in ("ns", "nt", "nz")
                        or any(self._plain_word(text[a:a + n]) for n in (3, 4))):
                    break  # 成员|单位要, 党员|齐聚一堂: a common word or an idiom starts there
                if b <= len(text) and (nm[0] in res.surnames or self._rare_surname_after_office(a, b, m)) \
                        and end_ok and (not self._weak_given_name(a, b) or ln == 3 and office_role
                                        and _HAN_3.fullmatch(nm) and not any(c in _PARTICLE_END for c in nm[1:])
                                        and (res.common_words.get(text[b:b + 2], "")[:1] == "v"
                                             or _DATE_AFTER.match(text, b))) \
                        and (self._looks_like_name(nm) or nm[0] not in res.surnames) and not self._blocked(a, b) \
                        and not self._plain_word(nm) and nm not in res.roles and not self._bad_context(a, b) \
                        and not self._function_start(a, b, bool(res.roles.get(m.group(0)[:m.start(1) - m.start()]))):
                    found[(a, b)] = self._mention(a, b)
                    break
                for p in shadow:  # not a name after all: the place stays
                    self.places.append(p)
                    for k in range(p["start"], p["end"]):
                        self.taken[k] = True
        # a transliterated name after an office (国际奥委会主席巴赫, 副市长斯卡武佐)
        post_starts = list(self._post_role_starts(text))  # offices start there too
        for m in self._office_matches(text, post_starts):
            a = b = m.end()
            while b < len(text) and b - a < 8 and text[b] in _TRANSLIT:
                b += 1
            # 迪亚斯-卡内尔, 马基·萨勒: the parts joined by a dot or hyphen
            while b - a >= 2 and text[b:b + 1] in ("·", "-", "－", "—") and text[b + 1:b + 3] \
                    and all(c in _TRANSLIT for c in text[b + 1:b + 3]):
                b += 1
                while b < len(text) and text[b] in _TRANSLIT:
                    b += 1
            glued = False
            while b - a > 2 and self._glued_at(b - 1) and not self.res.common_words.get(text[a:b], "").startswith("nr"):
                b -= 1  # 总统拜登|通电话, 拜登|致唁电: the last character starts a word
                glued = True
            if b - a >= 2 and not any(a0 < b and a < b0 for a0, b0 in found) and not self._blocked(a, b) \
                    and (b == len(text) or glued or not ("\u4e00" <= text[b] <= "\u9fff") or text[b] in "和与及等说在将出发的"
                         or text[b:b + 2] in ("表示", "指出", "强调", "认为", "会见", "会晤", "举行", "宣布",
                                                 "通电", "通话", "会谈", "致电", "签署", "出席", "发表", "共同")
                         or self.res.common_words.get(text[b:b + 2], "")[:1] == "v"  # 总统普京|汇报
                         or text[b:b + 2] in _TIME_AFTER_NAME or text[b:b + 1].isdigit()):  # 格罗西|今天, |29日
                for k in [k for k in found if a <= k[0] < b]:
                    del found[k]
                found[(a, b)] = self._mention(a, b)
        # a name right before an office or title (习近平总书记, 郭光灿院士)
        office_end = 0
        for b in post_starts:
            inside = b < office_end  # 书记 of 苏林总书记, 主席 of 韩正副主席: the office started before
            om = self._post_role_re().match(text, b)
            office_end = max(office_end, om.end(1) if om else b)
            if inside:
                continue
            if text[b - 1:b] in _TO_BEFORE_OFFICE:
                continue  # 教师翁华|给|总书记看了: a preposition before the office, the name ends before it
            if om and self._plain_word(text[om.start(1):om.end(1) + 1]):
                continue  # 边海防|委员会, 马什哈德|领事馆: the office is the start of a body's or building's word
            if self._common_given(text[b - 1:b + 1]):
                pm = self._post_role_re().match(text, b)
                if pm and self._common_given(text[pm.end(1) - 1:pm.end(1) + 1]):
                    continue  # 安全重|大使|命: the "office" starts and ends inside words (重大, 使命); not 李和平|常委
            for ln in (3, 2):
                a = b - ln
                nm = text[a:b]
                if a < 0 or any(a0 < b and a < b0 for a0, b0 in found):
                    continue
                if ln == 2 and _ABBREV_LEADER.match(nm) and text[b:b + 1] in ("书", "理", "统"):
                    break  # 习总书记, 李总理: an abbreviation, not a name (dropped, not resolved)
                if nm[-1] in "原前":
                    continue  # 纪委原|书记, 前|总统: "former" before the office ends no name
                if (nm[0] in res.surnames and res.surnames[nm[0]] >= 3 and self._looks_like_name(nm)
                        or self._rare_surname_at_clause_start(a, b)) \
                        and not self._blocked(a, b) and not self._bad_context(a, b) \
                        and not self._function_start(a, b) \
                        and (a == 0 or not ("\u4e00" <= text[a - 1] <= "\u9fff") or text[a - 1] in "的是和与及、以对向给为"
                             or self.crf_label[a] == "PER" or self._plain_word(text[a - 2:a])
                             or ln == 3 and res.common_words.get(nm, "").startswith("nr")
                             and not _translit_name(nm)):  # 悟透|习近平总书记 (not 格|鲁吉亚总理)
                    found[(a, b)] = self._mention(a, b)
                    break
            else:
                # a transliterated name after a boundary (，赖尔登市长; 威尔逊州长先生)
                # (none when neither of the two characters before b is a transliteration one)
                for ln in (5, 4, 3, 2) if text[b - 1:b] in _TRANSLIT or text[b - 2:b - 1] in _TRANSLIT else ():
                    a = b - ln
                    nm = text[a:b]
                    if a < 0 or not _translit_name(nm) or any(a0 < b and a < b0 for a0, b0 in found) \
                            or nm[0] in _NOT_SURNAME_START:
                        continue
                    if (a == 0 or not ("\u4e00" <= text[a - 1] <= "\u9fff") or text[a - 1] in "和与及、") \
                            and res.common_words.get(nm) not in ("ns", "nt") and not self._blocked(a, b) \
                            and not self._place_word(nm) and self.crf_label[a] not in ("LOC", "ORG") \
                            and self.crf_label[b - 1] not in ("LOC", "ORG"):
                        found[(a, b)] = self._mention(a, b)
                        break
        # a three-character name before a title of address (家住甘肃兰州的辛学理老人)
        for m in _ADDRESS_TITLE.finditer(text):
            b = m.start(1)
            a = b - 3
            nm = text[a:b]
            if a < 0 or any(a0 < b and a < b0 for a0, b0 in found) or res.surnames.get(nm[0], 0) < _RARE_SURNAME \
                    or not _HAN_3.fullmatch(nm) or not self._looks_like_name(nm):
                continue
            if (a == 0 or text[a - 1] in "的是和与及、，。；：\n ") and not self._blocked(a, b) \
                    and not self._bad_context(a, b) and not self._function_start(a, b) \
                    and not any(c in _NOT_IN_NAME for c in nm):
                found[(a, b)] = self._mention(a, b)
        # lists of names written without separators (李鹏乔石李瑞环...): the rest of the run
        self._name_list_gaps(found)
        # more names of a list: 习近平、李克强、栗战书等
        changed = True
        while changed:
            changed = False
            for (a, b) in list(found):
                if text[a - 1:a] == "/" and text[a - 5:a - 1] and (a - 4, a - 1) not in found \
                        and not any(x < a - 1 and a - 4 < y for x, y in found):
                    # 张家齐/王飞龙: the name before a slash pair (sports doubles)
                    for ln in (3, 2):
                        s0 = a - 1 - ln
                        nm = text[s0:a - 1]
                        if s0 >= 0 and not _HAN_CHAR.match(text, s0 - 1) or s0 >= 0 and self._plain_word(text[s0 - 2:s0]) \
                                or s0 >= 1 and text[s0 - 1] in "的是和与及、，。；组":
                            if self._looks_like_name(nm) and not self._blocked(s0, a - 1) \
                                    and not self._bad_context(s0, a - 1):
                                found[(s0, a - 1)] = self._mention(s0, a - 1)
                                changed = True
                                break
                if text[a - 1:a] == "、" and (a - 1, a) not in found and not any(x < a - 1 and a - 4 < y for x, y in found) \
                        and any(x == b + 1 for x, _ in found):
                    # 。兰臻、朱蓓薇、祝雪兰: the first name of a list of names, at a clause start
                    for ln in (3, 2):
                        s0 = a - 1 - ln
                        if s0 >= 0 and (s0 == 0 or text[s0 - 1] in "。；：！？\n \u3000"
                                        or text[s0 - 1] == "，" and self._names_follow(found, b, 2)) \
                                and self._list_name_ok(s0, a - 1) and self._looks_like_name(text[s0:a - 1]) \
                                and not self._bad_context(s0, a - 1):
                            found[(s0, a - 1)] = self._mention(s0, a - 1)
                            changed = True
                            break
                for nxt in (b + 1,):
                    if text[b:b + 1] not in ("、", "/"):
                        continue
                    for ln in (3, 2):
                        e = nxt + ln
                        nm = text[nxt:e]
                        if e <= len(text) and (text[e:e + 1] in ("、", "等", "和", "，", "。", "/")
                                               or text[b] == "/" and self._glued_at(e) and ln == 3
                                               or text[e:e + 2] in _AFTER_LIST_END) \
                                and nm[-1] not in "等的了在是也都还又就" and nm not in res.roles \
                                and (self._looks_like_name(nm) or self._between_names(found, nxt, e)) \
                                and (nxt, e) not in found \
                                and not self._blocked(nxt, e) and not self._bad_context(nxt, e):
                            found[(nxt, e)] = self._mention(nxt, e)
                            changed = True
                            break
        self._names_by_context(found)
        # later bare mentions of a name already found
        # longest first (林郑月娥 before 郑月娥), then by name: the same order under any hash seed
        names = sorted({p["name"] for p in found.values() if len(p["name"]) >= 2}, key=lambda s: (-len(s), s))
        for nm in names:  # (not 江 of 江主席)
            for k in _find_all(text, nm):
                if not any(a < k + len(nm) and k < b for a, b in found) \
                        and not self._blocked(k, k + len(nm), known=True):  # (“周小燕少年合唱团”)
                    found[(k, k + len(nm))] = self._mention(k, k + len(nm))
        # 李敬和告诉总书记 after 居民李敬和家中: the 和 is the name's wherever a name ends in it
        he_names = {p["name"][:-1] for p in found.values() if p["name"].endswith("和") and len(p["name"]) == 3}
        for (a, b) in [k for k, p in found.items() if p["name"] in he_names and text[k[1]:k[1] + 1] == "和"]:
            del found[(a, b)]
            found[(a, b + 1)] = self._mention(a, b + 1)
        # a name inside a doctrine (邓小平理论, 习近平新时代中国特色社会主义思想) is no mention
        # a "name" listed with places (太湖、洪泽湖) is a place
        place_spans = {(p["start"], p["end"]) for p in self.places} | {(a, b) for a, b, k in self.crf if k == "LOC"}
        place_ends = {b for _, b in place_spans}
        place_starts = {a for a, _ in place_spans}
        listed = [key for key, p in found.items()
                  if (text[p["start"] - 1:p["start"]] == "、" and p["start"] - 1 in place_ends
                      and text[p["end"]:p["end"] + 1] in ("、", "等", "和", "及"))
                  or (text[p["end"]:p["end"] + 1] == "、" and p["end"] + 1 in place_starts
                      and text[p["start"] - 1:p["start"]] in ("、", "和", "及"))]  # not 大使郑东发、赞比亚新任驻华大使
        # ... unless listed next to a person the CRF is sure of who is not in question (汤普森、戴肯、多兰)
        sure_people = [(a, b) for a, b in found if (a, b) not in listed and self.crf_at.get((a, b)) == "PER"
                       and self.crf_conf[(a, b)] >= _SURE_NAME]
        sure_ends, sure_starts = {b for _, b in sure_people}, {a for a, _ in sure_people}
        for key in listed:
            if key[0] - 1 not in sure_ends and key[1] + 1 not in sure_starts:
                del found[key]
        self._foreign_fixes(found)
        self._listed_with_things(found)
        self._listed_before_category(found)
        self._places_and_bodies_anywhere(found)
        self._place_names(found)
        self._known_name_runs_on(found)
        # 朱大爷 after 朱茂锦: a surname with a title is the one person of that surname named in the text
        full: dict[str, set[str]] = {}
        for p in found.values():
            if len(p["name"]) >= 2 and "·" not in p["name"]:
                full.setdefault(p["name"][0], set()).add(p["name"])
        for key, p in list(found.items()):
            if len(p["name"]) != 1:
                continue
            if len(full.get(p["name"], ())) == 1:
                p["name"] = next(iter(full[p["name"]]))
            elif _ADDRESS_AFTER_SURNAME.match(text, key[1]):
                del found[key]  # 赵女士, 马大爷 and no full name: a form of address names no one (江主席 stays)
        keep_doctrine = res.opts.doctrine_people
        self.people = sorted((p for p in found.values()
                              if keep_doctrine or not (_DOCTRINE_AFTER.match(text, p["end"])
                                                       or _THING_AFTER_NAME.match(text, p["end"])
                                                       or self._in_named_thing(p["start"], p["end"])
                                                       or self._in_slogan_list(p["start"], p["end"]))),
                             key=lambda r: r["start"])
        # a CRF-only place inside a person's name (黄海 in 黄海亮) goes
        in_person = [False] * (len(text) + 1)  # characters of people's names
        for q in self.people:
            in_person[q["start"]:q["end"]] = [True] * (q["end"] - q["start"])
        self.places = [p for p in self.places if not (p.get("_crf") and True in in_person[p["start"]:p["end"]])]

    def _name_repairs(self, found: dict) -> None:
        """Names the CRF cut in two or cut short, whatever their characters.

        - a name with a spouse's surname in front (Hong Kong's 林郑月娥,
          陈方安生, 范徐丽泰): the CRF gives one surname alone and a
          three-character name right after it (林|郑月娥); both characters
          before the given name are surnames, so the four are one name;
        - a dotted name the CRF starts at its dot (亚历山大|·克瓦希涅夫斯基);
        - a name cut one character short before an office (陈星|莺委员), or a
          dotted name before transliteration and an office (木亚赛尔·托乎|提委员);
        - a name at a clause start before a verb (。张又侠陪同), which the
          CRF missed or cut to its surname: a frequent surname and no
          dictionary word in the name;
        - a given name ending in 和 (李敬和): the CRF stops before 和 as if it
          joined two people, but a verb follows it (李敬和出席会议并讲话,
          李敬和表示), not another name, so 和 ends the name. 和 before a
          clause with 的 (习近平和出席会议的代表) is the preposition.
        """
        text, sur = self.text, self.res.surnames
        crf_people = [(s, e) for s, e, k in self.crf if k == "PER"]
        for s, e in crf_people:
            if e - s != 1 or self.crf_at.get((e, e + 3)) != "PER":
                continue
            if sur.get(text[s], 0) >= 20 and sur.get(text[e], 0) >= 20 and _HAN_2_4.fullmatch(text[s:e + 3]) \
                    and not self._blocked(s, e + 3):
                found.pop((e, e + 3), None)
                found[(s, e + 3)] = dict(start=s, end=e + 3, text=text[s:e + 3], label="person",
                                         name=text[s:e + 3])
        # 亚历山大|·克瓦希涅夫斯基: a dotted name the CRF starts at its dot takes the transliteration before it
        for s, e in crf_people:
            if text[s] == "·" and (s, e) not in found:
                before = [s0 for s0, e0, k0 in self.crf if e0 == s and k0 != "PER" and s - s0 <= 6]
                if before:
                    a = before[0]  # the CRF's "organisation" 亚历山大
                else:
                    a = s
                    while a > 0 and s - a < 6 and text[a - 1] in _TRANSLIT:
                        a -= 1
                if s - a >= 2 and _FOREIGN.match(text[a:e]):
                    found[(a, e)] = self._mention(a, e)
                    self.orgs = [o for o in self.orgs if not (o["start"] < s and a < o["end"])]
                    self.places = [p for p in self.places if not (p.get("_crf") and p["start"] < s and a < p["end"])]
        office = self._post_role_re()
        n = len(text)
        for (a, b), p in [item for item in found.items() if item[0][1] - item[0][0] == 2 or "·" in item[1]["text"]]:
            if b >= n or self.crf_label[b] is not None:
                continue
            if b - a == 2 and text[b] == "和":
                # 李敬|和出席: 和 before a verb ends the name, unless a clause with 的 follows (习近平和出席会议的代表);
                # 刘鹤和魏凤|和、王勇: 和 before a list separator is no conjunction either
                if sur.get(text[a], 0) >= 3 and text[b + 1:b + 2] in ("、", "等") and (a, b) in self.crf_at:
                    del found[(a, b)]
                    found[(a, b + 1)] = dict(start=a, end=b + 1, text=text[a:b + 1], label="person",
                                             name=text[a:b + 1])
                elif sur.get(text[a], 0) >= 3 and _VERB_AFTER_NAME.match(text, b + 1) and (a, b) in self.crf_at:
                    clause = _CLAUSE_END.search(text, b + 1)
                    if "的" not in text[b + 1:clause.start() if clause else n]:
                        del found[(a, b)]
                        found[(a, b + 1)] = dict(start=a, end=b + 1, text=text[a:b + 1], label="person",
                                                 name=text[a:b + 1])
            # 陈星|莺委员: one character between a two-character name and an office
            elif b - a == 2 and b + 1 < n and "\u4e00" <= text[b] <= "\u9fff" and text[b] not in _NOT_IN_NAME \
                    and office.match(text, b + 1) and not office.match(text, b) \
                    and self._looks_like_name(text[a:b + 1]) and not self._plain_word(text[b - 1:b + 1]) \
                    and not self._plain_word(text[b:b + 2]):
                del found[(a, b)]
                found[(a, b + 1)] = self._mention(a, b + 1)
            # 绍伊|古视察, 潘功|胜受国务院委托, 王光|谦围绕: the CRF cuts a third character that is no
            # name-ending word, before a verb; the three are the name
            elif b - a == 2 and b + 2 < n and _HAN_CHAR.match(text, b) and _HAN_CHAR.match(text, b + 1) \
                    and text[b] not in _NOT_IN_NAME and text[b] not in _GLUE_START and not _NAME_END_OK.match(text, b) \
                    and not self._plain_word(text[b - 1:b + 1]) \
                    and self.res.pair_freq.get(text[b:b + 2], 0) < _GLUE_WORD_FREQ \
                    and (self.res.common_words.get(text[b + 1:b + 3], "")[:1] == "v" or text[b + 1] in "作受致称说"
                         or _NAME_END_OK.match(text, b + 1) or text[b + 1:b + 3] == "近日") \
                    and not office.match(text, b) \
                    and self.crf_label[b + 1] is None and (self._looks_like_name(text[a:b + 1]) or _translit_name(text[a:b + 1])) \
                    and not any(x != a and text[x + 2:x + 3] != text[b] for x in _find_all(text, text[a:b])):
                del found[(a, b)]
                found[(a, b + 1)] = self._mention(a, b + 1)
            # 木亚赛尔·托乎|提委员: a dotted name's last part runs on over transliteration to an office
            elif "·" in p["text"] and text[b] in _TRANSLIT:
                k = b
                while k < n and k - b < 3 and text[k] in _TRANSLIT and not office.match(text, k):
                    k += 1
                if office.match(text, k) or _VERB_AFTER_NAME.match(text, k):
                    del found[(a, b)]
                    found[(a, k)] = self._mention(a, k)
        # 。张又侠陪同: a name at a clause start before a verb of the news, which the CRF missed or
        # cut to its surname; three characters, a frequent surname, no dictionary word in them
        words = self.res.common_words
        for m in _NEWS_VERB.finditer(text, 3):
            s, e = m.start() - 3, m.start()
            if s > 0 and text[s - 1] not in _CLAUSE_START:
                continue
            nm = text[s:e]
            if sur.get(nm[0], 0) < 20 or not _HAN_3.fullmatch(nm) or any(c in _NOT_IN_GIVEN for c in nm[1:]) \
                    or nm in words or nm[:2] in words or nm[1:] in words \
                    or any(self.crf_label[x] not in (None, "PER") for x in range(s, e)) \
                    or any(a < e and s < b for a, b in found) or self._blocked(s, e):
                continue
            found[(s, e)] = self._mention(s, e)
        # 。肖捷、万钢参加。: a list of names alone between a clause start and a verb of the news
        for m in _NAME_LIST_CLAUSE.finditer(text):
            items = _list_items(text, m.start(1), m.end(1))
            if len(items) < 2 or any(a < m.end(1) and m.start(1) < b for a, b in found):
                continue
            if all(sur.get(text[a], 0) >= 20 and text[a:b] not in words and text[a + 1:b] not in words
                   and not any(c in _NOT_IN_GIVEN for c in text[a + 1:b])
                   and all(self.crf_label[x] in (None, "PER") for x in range(a, b)) and not self._blocked(a, b)
                   for a, b in items):
                for a, b in items:
                    found[(a, b)] = self._mention(a, b)
        # 国会主席|赛|宋蓬: one character between an office and a two-character CRF name is the name's first
        for (a, b), p in list(found.items()):
            if b - a >= 3 and (a, b) in self.crf_at and _translit_name(p["text"]) and text[a - 1:a] in _TRANSLIT \
                    and self.crf_label[a - 1] is None and self.res.role_re.search(text, max(0, a - 9), a - 1) \
                    and not any(x < a and a - 1 < y for x, y in found):
                del found[(a, b)]  # 代表|皮|佩尔科恩: a transliterated name the CRF starts one character late
                found[(a - 1, b)] = self._mention(a - 1, b)
                continue
            if b - a == 2 and a >= 3 and (a, b) in self.crf_at and _HAN_CHAR.match(text, a - 1) \
                    and text[a - 1] not in _NOT_IN_NAME and text[a - 1] not in _TO_BEFORE_OFFICE \
                    and self._after_office(a - 1) and not self._after_office(a) and self.crf_label[a - 1] is None \
                    and not any(x < a and a - 1 < y for x, y in found):
                del found[(a, b)]
                found[(a - 1, b)] = self._mention(a - 1, b)
        # a foreign name the CRF stops inside: 拉齐尼·巴|依卡， (a dotted name), 迪亚斯|-卡内尔时 (a hyphen)
        n = len(text)
        for (a, b), p in list(found.items()):
            nm = p["text"]
            hyphen = text[b:b + 1] in ("-", "－") and _translit_name(nm)
            if not hyphen and ("·" not in nm or nm.endswith("·")):
                continue
            k = j = b + hyphen
            while j < n and text[j] in _TRANSLIT and j - k < 5:
                j += 1
            if not hyphen and j == k:  # 拉齐尼·巴|依卡，: up to three characters before punctuation
                m = _HAN_RUN.match(text, b)
                run = m.group() if m else ""
                if m and 2 <= len(run) <= 3 and m.end() < n and not any(c in _NOT_IN_NAME for c in run) \
                        and not any(run[i:i + 2] in self.res.common_words for i in range(len(run) - 1)) \
                        and not self.res.role_re.search(run):  # (not 吾哈斯·苏来曼|医生)
                    j = m.end()
            if j - k >= 1 + hyphen and (hyphen or j == n or not _HAN_CHAR.match(text, j) or _NAME_END_OK.match(text, j)
                                        or text[j] == "时") and not self._glued_at(j - 1) \
                    and not any(b <= x < j for x, _ in found):
                del found[(a, b)]
                found[(a, j)] = self._mention(a, j)

    def _listed_with_things(self, found: dict) -> None:
        """Drop "names" that are items of a 、-list of things.

        In a list of three or more items separated by 、 within one clause, a
        name that is a whole item (or the last item's head before 等/和/及) is
        kept only when an item next to it holds a person: in 报告、讲话、说明、
        贺信、回信 or 白鹤滩、溪洛渡、向家坝水电站 the neighbours are no people,
        so neither is 贺信 or 白鹤滩; in 吴政隆、穆虹、姜信治及中央和国家机关
        有关部门、... they are. A list whose every "name" is one character and
        a frequent common word (找差距、查根源、强修养) is a list of phrases. A
        name mentioned elsewhere in the text outside the list stays.
        """
        text = self.text
        if "、" not in text or not found:
            return
        n = len(text)
        groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for a, b in found:
            if text[a - 1:a] != "、" and text[b:b + 1] != "、":
                continue
            c0 = _clause_start(text, a)
            c1 = b
            while c1 < n and text[c1] not in _LIST_CLAUSE_END:
                c1 += 1
            groups.setdefault((c0, c1), []).append((a, b))
        drop = []
        for (c0, c1), keys in groups.items():
            items = _list_items(text, c0, c1)
            if len(items) < 3:
                continue
            held = [[(a, b) for a, b in found if i0 <= a and b <= i1] for i0, i1 in items]
            with_person = sum(1 for h in held if h)
            if with_person == len(items):
                continue
            # 找差距、查根源、强修养: every "name" is a character and a common word (根源, 修养);
            # 田成方、路相通、渠相连: most items are such phrases, names or not
            phrases = all(b - a == 3 and self._common_given(text[a + 1:b]) for h in held for a, b in h) \
                or 2 <= sum(i1 - i0 >= 3 and self._common_given(text[i1 - 2:i1]) for i0, i1 in items) >= len(items) - 1
            for a, b in keys:
                at = [j for j, (i0, i1) in enumerate(items)
                      if i0 == a and (b == i1 or i1 == c1)  # (the last item's head: 乔木林|构成)
                      or (b == i1 or i1 == c1 and text[b:b + 1] == "等")  # 天然|胡杨林等区域
                      and (phrases or self._plain_word(text[i0:a]))]  # (要求|查根源)
                if not at:
                    continue  # not a whole item (书记张国华、...)
                j = at[0]
                if not phrases and (j > 0 and held[j - 1] or j + 1 < len(items) and held[j + 1]):
                    continue  # a person next to it: a list of people (吴政隆、穆虹、姜信治及...)
                nm = text[a:b]
                elsewhere = any((x < c0 or x >= c1) and text[x - 1:x] != "、" and text[x + b - a:x + b - a + 1] != "、"
                                for x in _find_all(text, nm))  # (古寨、古城 again: another list)
                if not elsewhere:
                    drop.append((a, b))
        names = {text[a:b] for a, b in drop}  # its other mentions are in lists too (古寨、古城)
        for key in [k for k in found if text[k[0]:k[1]] in names]:
            del found[key]

    def _glued_at(self, k: int) -> bool:
        """Does the character at ``k`` start the word after a name rather than
        end the name: 致 (致电, 致唁电), a three-character word (通电话), or a
        frequent two-character word (举行) at least as frequent as the word one
        character on (郝明金|代表: 金代 625 < 代表 32777, so 金 ends the name)?"""
        text, res = self.text, self.res
        if text[k:k + 1] in _GLUE_START or self._plain_word(text[k:k + 3]):
            return True
        w = text[k:k + 2]
        f = res.pair_freq.get(w, 0)
        return f >= _GLUE_WORD_FREQ and self._plain_word(w) and f >= res.pair_freq.get(text[k + 1:k + 3], 0)

    def _common_given(self, w: str) -> bool:
        """A two-character "given name" that is a frequent common word, not a name (根源, 修养, 隐患)."""
        res = self.res
        tag = res.common_words.get(w)
        return tag is not None and not tag.startswith("nr") and res.pair_freq.get(w, 0) >= 100

    def _listed_before_category(self, found: dict) -> None:
        """Drop names in a 、-list that ends in 等 and a category of things:
        油松、金枝槐、美人梅、车梁木、杜仲、元宝枫等多棵树苗 (not 习近平、李克强等党和国家
        领导人, 等30名同志, nor 李干杰、何立峰等陪同考察, where a verb follows 等).
        A name with a title or mentioned outside the list stays."""
        text, res = self.text, self.res
        for m in _DENG_CATEGORY.finditer(text):
            k = m.start()  # the 等
            head = m.group(1) + m.group(2)
            if not head or m.group(1)[-1:] in ("名", "位") or res.role_re.search(head) \
                    or any(w in head for w in ("人", "同志", "领导", "嘉宾", "家庭", "代表")):
                continue
            w = res.common_words.get(m.group(2)[:2], "")
            if not m.group(1) and w[:1] in ("v", "d", "p", "c"):
                continue  # 等陪同考察
            c0 = _clause_start(text, k)
            items = _list_items(text, c0, k)
            # the list is the run of short items before 等 (委员郑军、张海华…也分别就…培养、东北振兴、社区服务等问题:
            # the names end before the long item)
            j = len(items)
            while j > 0 and items[j - 1][1] - items[j - 1][0] <= _LIST_ITEM_MAX:
                j -= 1
            items = items[j:] if m.group(1) else items[max(j, 1):]  # (a first item without a count may carry words)
            if len(items) < 2:
                continue
            people = sum(1 for i0, i1 in items if any(i0 <= a and b <= i1 for a, b in found))
            if not m.group(1) and people * 2 > len(items) and not _THING_CATEGORY.search(head):
                continue  # 习近平、李强…韩正等集体乘车: a list of people, whatever follows (not 林药、林蜂、林油等产业)
            for key in [(a, b) for (a, b) in found if any(i0 == a and i1 == b for i0, i1 in items)]:
                nm = text[key[0]:key[1]]
                if not any(x < c0 or x >= k for x in _find_all(text, nm)):
                    del found[key]

    def _known_name_runs_on(self, found: dict) -> None:
        """A name that runs on past another name found in the text, into a
        word or another name (郑芹立刻 after 郑芹; 李希韩正 in a headline
        with 李希 and 韩正), is cut back to the known name."""
        text = self.text
        names = {p["name"] for (a, b), p in found.items() if b - a >= 2}
        counts = collections.Counter(p["text"] for p in found.values())
        for (a, b), p in list(found.items()):
            nm = p["text"]
            for k in range(len(nm) - 1, 1, -1):
                short = nm[:k]
                if short not in names or short == nm:
                    continue
                rest = text[a + k:a + k + 2]
                if any(text.startswith(o, a + k) for o in names if o != nm and len(o) >= 2) \
                        or self._plain_word(rest) \
                        or len(nm) - k == 1 and counts[short] >= 2 and counts[nm] == 1:
                    # (孙聪倒|在急流中 once, 孙聪 twice or more: the name ran on into a verb)
                    del found[(a, b)]
                    if not any(a < y and x < a + k for x, y in found):
                        found[(a, a + k)] = self._mention(a, a + k)
                    break

    def _name_list_gaps(self, found: dict) -> None:
        """Names the CRF or the checks missed inside a list of names written
        without separators (治丧委员会名单: ``李鹏乔石李瑞环彭真...``).

        A list is a stretch of Chinese characters (between punctuation or
        brackets, ``（女）``) of at least :data:`_LIST_MIN` characters of
        which the CRF tags at least half as people, in at least three
        names. Each gap of 2-20 characters between the people found there
        (a name the CRF left out, tagged as an organisation or joined to its
        neighbour) is split at surnames (:func:`~analysis.ner.crf.split_name_run`);
        it is taken when every piece starts with a surname, holds no
        dictionary word of a function class and is not a place.
        """
        from .ner.crf import split_name_run
        text, res = self.text, self.res
        crf_people = [(s, e) for s, e, k in self.crf if k == "PER"]
        if len(crf_people) < 3:
            return
        people_starts = [s for s, _ in crf_people]  # in text order
        for m in _HAN_LIST.finditer(text):
            s0, e0 = m.span()
            lo, hi = bisect.bisect_left(people_starts, s0), bisect.bisect_left(people_starts, e0)
            if hi - lo < 3:
                continue  # fewer than three people start in the run
            inside = [(s, e) for s, e in crf_people[lo:hi] if e <= e0]
            if len(inside) < 3 or sum(e - s for s, e in inside) * 2 < e0 - s0:
                continue
            covered = [False] * (e0 - s0)
            for a, b in found:
                if s0 <= a and b <= e0:
                    for k in range(a, b):
                        covered[k - s0] = True
            k = s0
            while k < e0:
                if covered[k - s0]:
                    k += 1
                    continue
                g = k
                while k < e0 and not covered[k - s0]:
                    k += 1
                gap = text[g:k]
                if not 2 <= len(gap) <= 20:
                    continue
                pieces = split_name_run(gap, res.surnames) if len(gap) > 3 else [(0, len(gap))]
                names = [(g + a, g + b) for a, b in pieces]
                if all(self._list_name_ok(a, b) for a, b in names):
                    for a, b in names:
                        found[(a, b)] = self._mention(a, b)
                    # the CRF's "organisation" or "place" over these names goes (姬鹏飞黄华黄火青)
                    self.orgs = [o for o in self.orgs if not (o["start"] < k and g < o["end"])]
                    self.places = [p for p in self.places if not (p.get("_crf") and p["start"] < k and g < p["end"])]

    def _list_name_ok(self, a: int, b: int) -> bool:
        """A piece of a name list gap that can be a name (see :meth:`_name_list_gaps`)."""
        nm, sur = self.text[a:b], self.res.surnames
        if not (2 <= len(nm) <= 4) or (len(nm) == 4 and nm[:2] not in sur):
            return False
        if nm[0] not in sur and nm[:2] not in sur:
            return False
        if any(c in _NOT_IN_NAME for c in nm) or self._plain_word(nm) or self._blocked(a, b):
            return False
        return not any(self.res.common_words.get(nm[i:i + 2]) in _NOT_NAME_TAGS for i in range(len(nm) - 1))

    def _trim_name(self, a: int, b: int) -> tuple[int, int]:
        """The name without what the CRF glued to it: a foreign ruler's title
        in front (埃米尔纳瓦夫 → 纳瓦夫), the end of a word before it (小哥|钟海南), a title
        after a surname (王|先生: no full name), 为 after an appointment (任命王毅|为), a particle or conjunction at the end
        (阿卜杜拉和), or a last character that makes a dictionary word with
        the next one (龚正|陪同, 李星|夫妻, 任内|提升)."""
        text, words = self.text, self.res.common_words
        t = _FOREIGN_TITLE.match(text[a:b])
        if t and b - a - t.end() >= 2:
            a += t.end()
        elif b - a >= 4 and a > 0 and words.get(text[a - 1:a + 1], "nr")[:2] not in ("nr", "ns", "nt") \
                and (text[a + 1] in self.res.surnames and self._looks_like_name(text[a + 1:b])
                     or _translit_name(text[a + 1:b]) or b - a >= 5 and self._common_given(text[a - 1:a + 1])):
            a += 1  # 外卖小|哥钟海南, 道德模|范尼玛顿珠: the first character ends a word before the name
        if b - a == 3 and _POST_NAME_ROLE.fullmatch(text, a + 1, b):
            return a, a + 1  # 王先生, 李阿姨: a surname and a title, no full name
        if b - a >= 3 and text[b - 1] in _PARTICLE_END \
                and not (text[b - 1] == "和" and text[b:b + 1] in ("、", "等") and self.crf_prob[b - 1] >= _SURE_NAME):
            return a, b - 1  # (not 刘鹤和魏凤和、王勇: 和 before a list separator, the CRF sure)
        if b - a == 3 and text[b - 1] in "在将把被对向从" and self.crf_prob[b - 1] < 0.6:
            return a, b - 1  # 李希在|主持会议: a preposition the CRF is unsure of
        if b - a == 3 and text[b - 1] == "为" and _APPOINT_BEFORE.search(text, max(0, a - 8), a):
            return a, b - 1  # 任命王毅|为外交部部长
        glue = text[b - 1:b + 1]
        if b - a == 3 and _translit_name(text[a:b - 1]) and self._glued_at(b - 1) and self.crf_prob[b - 1] < _SURE_NAME \
                and not words.get(text[a:b], "").startswith("nr"):
            return a, b - 1  # 伊朗总统莱希|通电话: a transliterated name and a word after it
        if b - a == 3 and not words.get(text[a:b], "").startswith("nr") \
                and words.get(glue) in _GLUE_TAGS \
                and self.res.pair_freq.get(glue, 0) >= (_GLUE_FREQ if self.crf_prob[b - 1] >= 0.6 else _GLUE_WORD_FREQ * 2) \
                and self.res.pair_freq[glue] >= self.res.pair_freq.get(text[b:b + 2], 0) \
                and self.crf_prob[b - 1] < min(self.crf_prob[a:b - 1]) and self.crf_prob[b - 1] < _CERTAIN_NAME \
                and self._looks_like_name(text[a:b - 1]) \
                and not words.get(text[a:b - 1], "").startswith("nr"):
            return a, b - 1
        return a, b

    def _weak_given_name(self, a: int, b: int) -> bool:
        """A candidate after a role word whose 'given name' is a particle or a
        common word (群众|关切的, 居民|楼都已, 代表|孟人民, 人民群众|安全的)
        and that the CRF does not call a person."""
        text = self.text
        nm = text[a:b]
        if any(c in _PARTICLE_END for c in nm[1:]) and not (
                nm[-1] == "和" and not any(c in _PARTICLE_END for c in nm[1:-1]) and self._predicate_after_he(b)):
            return True  # (包信和|先后发言: 和 ends the name before a predicate)
        if self.crf_label[a] == "PER":
            return False
        if b - a == 2 and nm[1] in _NOT_IN_NAME:
            return True  # 陈子明老人|曾住在: an adverb and a verb, no surname and given name
        return b - a == 3 and self._plain_word(nm[1:]) and self.res.common_words.get(nm[1:]) in _GLUE_TAGS

    def _rare_surname_after_office(self, a: int, b: int, m) -> bool:
        """A three-character name with a surname missing from ``surnames.txt``
        (怀进鹏) right after an office (教育部部长): its first character starts
        at least 20 three-character names of jieba's dictionary, and no two
        of its characters make a dictionary word."""
        text, res = self.text, self.res
        if b - a != 3 or not res.roles.get(text[m.start():m.start(1)], False):
            return False
        nm = text[a:b]
        if res.rare_surname_starts.get(nm[0], 0) < 20 or nm[0] in _TRANSLIT or nm[0] in _NOT_IN_NAME \
                or nm[0] in _NOT_SURNAME_START:
            return False
        return not any(nm[i:i + 2] in res.common_words for i in range(2)) and \
            (b >= len(text) or text[b] in _ROLE_BOUNDARY or text[b:b + 2] in res.common_words)

    def _rare_surname_at_clause_start(self, a: int, b: int) -> bool:
        """A name with a rare surname (隋军, 易军: missing from ``surnames.txt``
        or seen there less than three times) alone between a clause start and
        an office (。隋军委员发言说, 。易军常委建议): its first character starts
        at least 20 three-character names of jieba's dictionary, it is no
        transliteration and holds no dictionary word."""
        text, res = self.text, self.res
        nm = text[a:b]
        return (a == 0 or text[a - 1] in "。；！？ \n\u3000") and _HAN_2_3.fullmatch(nm) is not None \
            and nm[1] not in "前后原新老副代总" and res.surnames.get(nm[0], 0) < 3 \
            and res.name_starts.get(nm[0], 0) >= 20 \
            and nm[0] not in _TRANSLIT and not any(c in _NOT_IN_NAME for c in nm) and nm[0] not in _NOT_SURNAME_START \
            and not any(nm[i:j] in res.common_words for i in range(len(nm)) for j in range(i + 2, len(nm) + 1))

    def _after_office(self, x: int) -> bool:
        """Does an office (总统, 部长...) end right before ``text[x]``?"""
        return self._office_ending_at(x) is not None

    def _office_ending_at(self, x: int):
        """The match of the office (总统, 部长...) that ends right before
        ``text[x]``, also one inside another (党总支|书记 → 书记, not 支书), or None."""
        if not hasattr(self.res, "_office_end_re"):
            self.res._office_end_re = re.compile("(?:" + self._office_re().pattern + ")$")
        return self.res._office_end_re.search(self.text, max(0, x - 6), x)

    def _foreign_fixes(self, found: dict) -> None:
        """Transliterated "names" that are places, and parts of longer names.

        - a name followed by an office and another person is a country
          (吉布提总统盖莱, 卡塔尔埃米尔塔米姆): every mention goes;
        - a transliterated name after 在/赴/抵 or in a list that ends with
          等方向/等地/地区 (在哈尔科夫、顿涅茨克等方向), glued to more
          transliteration the CRF calls a place (卢甘|斯克), or right after a
          state or province (得克萨斯州迪尔帕克) is a place;
        - a name that is part of a longer name found in the same text, and
          extends to it where it stands (汉|杜齐, 别|尔德穆哈梅多夫, 王沪|宁),
          becomes the longer one; a dotted foreign name takes one more
          character before it after a boundary (的吾|哈斯·苏来曼).
        """
        text = self.text
        starts = {a for a, _ in found}
        not_people: set[str] = set()
        for (a, b), p in list(found.items()):
            nm = p["name"]
            om = self._office_re().match(text, b) or (text[b:b + 1] == "副" and self._office_re().match(text, b + 1))
            if om and om.end() in starts and (_translit_name(nm) or self._place_word(nm)) \
                    or self.crf_conf.get((a, b), 0.0) < _SURE_NAME and not self._after_office(a) \
                    and not self._office_re().match(text, b) and self.res.surnames.get(nm[0], 0) < 20 and any(
                        b < s2 <= b + 6 and _HAN_RUN.fullmatch(text, b, s2) and self._after_office(s2)
                        for s2 in starts):  # 沙特外交大臣费萨尔: a country, its office and its envoy
                # a country (吉布提总统盖莱): its other mentions go too, unless one follows an office (总统比亚)
                if any(self._after_office(x) for x, y in found if found[(x, y)]["name"] == nm):
                    del found[(a, b)]
                else:
                    not_people.add(nm)
                continue
            if b + 1 < len(text) and text[b] in _TRANSLIT and (text[b + 1] in _TRANSLIT or self.crf_label[b] == "LOC") \
                    and self.crf_label[b] != "PER" and text[b:b + 2] not in self.res.common_words \
                    and not _NAME_END_OK.match(text, b):
                not_people.add(nm)  # the start of a longer transliterated word (卢甘|斯克)
                continue
            if not (_translit_name(nm) or self.res.common_words.get(nm, "").startswith("nr") and len(nm) >= 3
                    and sum(c in _TRANSLIT for c in nm) >= len(nm) - 1):
                continue
            if b < len(text) and text[b] in _TRANSLIT and (self.crf_label[b] == "LOC" or (
                    self.crf_label[b] is None and text[b:b + 2] not in self.res.common_words
                    and not _NAME_END_OK.match(text, b))):
                not_people.add(nm)  # the start of a longer transliterated word
            elif len(nm) <= 3 and self.res.surnames.get(nm[0], 0) >= 20:
                continue  # 林丹, 马兴瑞: a Chinese name of transliteration characters
            elif text[a - 1:a] in _PLACE_BEFORE or _PLACE_LIST_END.match(text, b):
                not_people.add(nm)
            elif a > 0 and text[a - 1] in "州省国" and self.crf_label[a - 1] == "LOC":
                not_people.add(nm)
        for key in [k for k, p in found.items() if p["name"] in not_people]:
            del found[key]
        # parts of longer names
        longer = sorted({p["name"] for p in found.values()}, key=lambda s: (-len(s), s))  # hash-seed free
        parts_of = {full: [full] + (full.split("·") if "·" in full else []) for full in longer}
        for (a, b), p in list(found.items()):
            nm = p["name"]
            for full in longer:
                if len(full) <= len(nm):
                    break
                for part in parts_of[full]:
                    i = part.find(nm)
                    if part == nm and part != full:
                        p["name"] = full  # 艾瑞克 of 艾瑞克·森超: a part written alone is the same person
                        break
                    if i < 0 or len(part) <= len(nm):
                        continue
                    a2, b2 = a - i, a - i + len(part)
                    if a2 >= 0 and text[a2:b2] == part:
                        del found[(a, b)]
                        found[(a2, b2)] = self._mention(a2, b2, full)
                        break
                else:
                    continue
                break
        # 王小洪、雪克来|提·扎克尔: a one-character first part runs back to the list separator
        for (a, b), p in list(found.items()):
            if p["name"] != p["text"] or "·" not in p["name"] or p["name"].index("·") != 1:
                continue
            k = a
            while k > 0 and a - k < 5 and "\u4e00" <= text[k - 1] <= "\u9fff" and text[k - 1] not in _NOT_IN_NAME \
                    and self.crf_label[k - 1] in (None, "PER"):
                k -= 1
            if a - k >= 2 and (k == 0 or text[k - 1] in "、，。；：\n （(“") \
                    and not any(x < a and k < y for x, y in found):
                new = text[k:b]
                del found[(a, b)]
                found[(k, b)] = self._mention(k, b)
        # 的吾|哈斯·苏来曼
        for (a, b), p in list(found.items()):
            if "·" in p["name"] and p["name"] == p["text"] and a >= 2 and "\u4e00" <= text[a - 1] <= "\u9fff" \
                    and text[a - 1] not in _NOT_IN_NAME and text[a - 2] in _ROLE_BOUNDARY \
                    and self.crf_label[a - 1] is None:
                old, first = p["name"], p["name"].split("·")[0]
                new = text[a - 1] + p["name"]
                del found[(a, b)]
                found[(a - 1, b)] = self._mention(a - 1, b)
                for (a3, b3), q in list(found.items()):
                    if q["name"] == old:
                        q["name"] = new  # a part written alone (哈斯 of 哈斯·苏来曼)
                    elif q["name"] == first and text[a3 - 1:a3] == text[a - 1]:
                        del found[(a3, b3)]
                        found[(a3 - 1, b3)] = dict(start=a3 - 1, end=b3, text=text[a3 - 1:b3], label="person",
                                                   name=new)

    def _plain_word(self, w: str) -> bool:
        """A dictionary word that is not a person's name (nr)."""
        tag = self.res.common_words.get(w)
        return tag is not None and not tag.startswith("nr")

    def _office_re(self):
        if not hasattr(self.res, "_office_re"):
            offices = [r for r, office in self.res.roles.items() if office]
            self.res._office_re = re.compile("|".join(sorted(map(re.escape, offices), key=len, reverse=True)))
        return self.res._office_re

    def _post_role_starts(self, text: str):
        """Where an office or title starts (``_post_role_re().finditer``'s
        ``m.start(1)``), found by a regex without the look-ahead, which the
        regex engine can scan for fast."""
        if not hasattr(self.res, "_post_plain"):
            pat = self._post_role_re().pattern  # (?=(A|B|...))
            plain = pat.startswith("(?=(") and pat.endswith("))")
            self.res._post_plain = re.compile(pat[3:-1]) if plain else None
            # every office is one of these words: it starts where one of them starts
            self.res._office_in_post = plain and set(self._office_re().pattern.split("|")) <= set(
                pat[4:-2].split("|"))
        rx = self.res._post_plain
        if rx is None:  # pragma: no cover - another form of the regex
            yield from (m.start(1) for m in self._post_role_re().finditer(text))
            return
        m = rx.search(text)
        while m:
            yield m.start()
            m = rx.search(text, m.start() + 1)

    def _office_matches(self, text: str, starts: list[int]):
        """``_office_re().finditer(text)``, tried only at ``starts`` (every
        place an office may start, in text order: :meth:`_post_role_starts`)."""
        rx = self._office_re()
        if not getattr(self.res, "_office_in_post", False):  # pragma: no cover - offices not all titles
            yield from rx.finditer(text)
            return
        end = 0
        for p in starts:
            if p >= end:
                m = rx.match(text, p)
                if m:
                    yield m
                    end = m.end()

    def _post_role_re(self):
        if not hasattr(self.res, "_post_re"):
            offices = [r for r, office in self.res.roles.items() if office or r in ("院士", "教授")] + ["同志"]
            self.res._post_re = re.compile("(?=(" + "|".join(sorted(map(re.escape, offices), key=len, reverse=True))
                                           + "))")
        return self.res._post_re

    def _split_names(self, s: int, e: int) -> list[tuple[int, int]]:
        """Split a run of names (李鹏乔石, 阎晋于文哲), not a foreign name (斯卡武佐)."""
        name = self.text[s:e]
        if all(c in _TRANSLIT for c in name):
            return [(s, e)]
        if "·" in name:
            return self._split_dotted(s, e)
        parts = split_name_run(name, self.res.surnames, self.crf_begin[s:e])
        # a transliterated name (卢卡申科) is not split: a split is kept only
        # where each piece is a Han-style name, not a surname + transliteration
        if len(parts) > 1 and sum(c in _TRANSLIT for c in name) >= len(name) - 1 \
                and any(all(c in _TRANSLIT for c in name[a + 1:b]) for a, b in parts):
            return [(s, e)]
        return [(s + a, s + b) for a, b in parts]

    def _split_dotted(self, s: int, e: int) -> list[tuple[int, int]]:
        """A dotted foreign name glued to Han names in a list (王丙乾|帕巴拉·格列朗杰,
        阿沛·阿旺晋美赛福鼎·艾则孜|洪学智): a three-character Han name (a frequent
        surname, not transliteration) is split off the front of a first part, or the
        back of a last part, of five or more characters."""
        text, sur = self.text, self.res.surnames

        def han_name(a: int) -> bool:
            nm = text[a:a + 3]
            return sur.get(nm[0], 0) >= 20 and not _translit_name(nm) and not self._plain_word(nm)

        out = []
        first, last = text.find("·", s, e), text.rfind("·", s, e)
        while first - s >= 5 and han_name(s):  # 王光英卢嘉锡|布赫铁木尔·达瓦买提
            out.append((s, s + 3))
            s += 3
        tail = None
        if e - last - 1 >= 5 and han_name(e - 3):
            tail = (e - 3, e)
            e -= 3
        out.append((s, e))
        if tail:
            out.append(tail)
        return out

    # -- roles ---------------------------------------------------------------------------
    def assign_roles(self) -> None:
        text = self.text
        units = sorted([(p["start"], p["end"], "place") for p in self.places]
                       + [(o["start"], o["end"], "org") for o in self.orgs], key=lambda u: (u[0], -u[1]))
        person_ends = sorted(p["end"] for p in self.people)
        for p in self.people:
            s = p["start"]
            k = bisect.bisect_right(person_ends, s)  # the last end of a person at or before s
            lo = person_ends[k - 1] if k else 0
            a = s
            while a > lo and s - a < 40 and text[a - 1] not in _ROLE_BOUNDARY:
                a -= 1
            chunk = text[a:s]
            role = aff = None
            if chunk:
                role, aff = self._split_role(a, s, units)
                hm = _LIST_HEADING_END.search(chunk) if role is None else None
                if hm:  # 出席座谈会的党外人士还有|陈晓光、…: the heading of a list of names
                    role, aff = self._split_role(a, a + hm.start(), units)
            if role is None:
                m = _POST_NAME_ROLE.match(text, p["end"]) or self._post_role_re().match(text, p["end"])
                if m and m.group(1) != "同志":  # 毛泽东同志: a form of address, no post
                    role = m.group(1)
            if role is None:
                m = _IS_ROLE_AFTER.match(text, p["end"])
                if m and self.res.role_re.search(m.group(1)):
                    role = m.group(1)
            if role is None and (_APPOINT_BEFORE.search(text, max(0, s - 8), s)
                                 or text[s - 1:s] == "，" and _APPOINT_BEFORE.search(text, _clause_start(text, s - 1), s)):
                m = _AS_ROLE_AFTER.match(text, p["end"])  # 任命王毅为外交部部长 (任命A为X，王蒙徽为Y)
                hm = self.res.role_re.search(m.group(1)) if m else None
                if hm and hm.end() == len(m.group(1)):
                    role = m.group(1)
            if role is None and text[s - 2:s] == "免去":
                m = _REMOVED_FROM.match(text, p["end"])  # 免去李高的全国人大环境与资源保护委员会委员职务
                hm = self.res.role_re.search(m.group(1)) if m else None
                if hm and hm.end() == len(m.group(1)):
                    role = m.group(1)
            if role is None and (s == 0 or text[s - 1] in "。：:！？\n"):
                m = _APPOSITIVE_ROLE.match(text, p["end"])  # 朱治国，青海省委组织部原副部长，从事…
                hm = self.res.role_re.search(m.group(1)) if m else None
                if hm and hm.end() == len(m.group(1)) and hm.start() > 0:
                    role = m.group(1)
            if role is None:
                m = _IS_ROLE_PLAIN.match(text, p["end"])  # 李明锦是退伍军人，
                hm = self.res.role_re.search(m.group(1)) if m else None
                if hm and hm.end() == len(m.group(1)):
                    role = m.group(1)
            if role is None:
                m = _IS_OF_ROLE.match(text, p["end"])  # 王凯是机场地勤部的工作人员，
                hm = self.res.role_re.search(m.group(2)) if m else None
                if hm and hm.end() == len(m.group(2)):
                    role = m.group(2)
            if role is None and text[s - 1:s] == "是":
                b = s - 1
                a2 = b
                while a2 > 0 and b - a2 < 12 and text[a2 - 1] not in _ROLE_BOUNDARY:
                    a2 -= 1
                hm = self.res.role_re.search(text, a2, b)
                if hm and hm.end() == b:
                    role = text[a2:b]
            p["role"], p["affiliation"] = role, aff
        # 通讯员阎晋于文哲: a name right after another shares its role
        for prev, p in zip(self.people, self.people[1:]):
            if prev["end"] == p["start"] and not p.get("role") and prev.get("role"):
                p["role"], p["affiliation"] = prev["role"], prev.get("affiliation")
        # 中共中央政治局常委李强、赵乐际、王沪宁: a title before a list joined by 、 (and a last 和/及)
        # is every listed name's (报告团成员梅玫、吴波等人), unless a title follows 等 (…等6位代表)
        for i, p in enumerate(self.people):
            if not p.get("role"):
                continue
            j = i
            while j + 1 < len(self.people) and not self.people[j + 1].get("role"):
                sep = text[self.people[j]["end"]:self.people[j + 1]["start"]]
                if sep != "、" and not (sep in ("和", "及") and j > i):
                    break
                j += 1
                if sep != "、":
                    break
            if j > i and not (text.startswith("等", self.people[j]["end"])
                              and self._title_after_list(self.people[j]["end"])):
                for q in self.people[i + 1:j + 1]:
                    q["role"], q["affiliation"] = p["role"], p.get("affiliation")
        # "A、B等党和国家领导人": the role after 等 goes to every name of the list
        i = 0
        people = self.people
        while i < len(people):
            j = i
            while j + 1 < len(people) and text[people[j]["end"]:people[j + 1]["start"]] in ("、", "，", "和"):
                j += 1
            end = people[j]["end"]
            if text.startswith("等", end):
                m = self._title_after_list(end)
                if m:
                    for p in people[i:j + 1]:
                        if not p.get("role"):
                            p["role"] = m
            i = j + 1

    def _title_after_list(self, end: int) -> str | None:
        """The title after the 等 at ``end`` that closes a list of names
        (等党和国家领导人), the longest run up to a role head, or None (等人)."""
        text = self.text
        b = end + 1
        while b < len(text) and b - end < 15 and text[b] not in "，。；：！？,.;:!?（）()“”\"\n 、":
            b += 1
        tail = text[end + 1:b]
        for k in range(len(tail), 0, -1):
            if self.res.role_re.search(tail[:k]):
                return _COUNT_LEAD.sub("", tail[:k]) or None  # 等6位代表: 代表
        return None

    def _split_role(self, a: int, s: int, units) -> tuple[str | None, str | None]:
        """(role, affiliation) from the text[a:s] before a name.

        The chunk must end with a role head (``roles.txt``). The run of
        places and organisations at its start (skipping a lead-in such as
        家住) is the affiliation, the rest the role; for an office (书记,
        部长...) or a role that starts with a party organ (党委, 委) the
        innermost unit of the run stays in the role and the affiliation ends
        at the last place.
        """
        text, res = self.text, self.res
        head = res.role_re.search(text, a, s) if s > a else None
        if head is None or head.end() != s:
            return None, None
        hs = head.start()
        inside = [u for u in units if a <= u[0] and u[1] <= hs]
        run: list[tuple[int, int, str]] = []
        if inside:
            pos = min(u[0] for u in inside)
            while True:
                nxt = [u for u in inside if u[0] == pos]
                if not nxt:
                    break
                u = max(nxt, key=lambda u: u[1])
                run.append(u)
                pos = u[1]
            if text[run[0][0] - 1:run[0][0]] not in ("", "住") and run[0][0] - a > 3:
                run = []  # the units are not at the start of the chunk: not an affiliation
        if not run:
            role = self._clean_role(text[a:s])
            if role is None:
                return None, None
            return (role if len(role) <= 20 else head.group(0)), None
        run_start, run_end = run[0][0], run[-1][1]
        raw = text[run_end:s].strip("、，, ")
        aff = text[run_start:run_end]
        # a verb between the units and the role (在香港|会见了|香港特别行政区行政长官): the role
        # starts after it, with its own units (not 组织 of 组织部)
        lead = 0
        for m in _ROLE_LEAD_RE.finditer(text, run_end, s):
            if not any(u[0] <= m.start() < u[1] for u in units):
                lead = max(lead, m.end())
        while lead and lead < s and text[lead] in "了着过":
            lead += 1
        if lead and lead < s:
            return self._split_role(lead, s, units)
        role = self._clean_role(raw) if raw else raw
        if not role:
            return None, None
        office = res.roles.get(res.role_re.search(role).group(0), False) if res.role_re.search(role) else False
        if office or _ORGAN_START.match(role):
            last = run[-1]
            places = [u for u in run if u[2] == "place"]
            inner = last[0]
            if last[2] == "org":
                # the place inside the organisation (江州区委 → 江州区)
                pl = [u for u in units if u[2] == "place" and last[0] <= u[0] and u[1] < last[1]]
                if pl:
                    aff = text[run_start:max(u[1] for u in pl)]
                elif places:
                    aff = text[run_start:places[-1][1]]
            role = text[inner:s]
        return role, aff

    def _clean_role(self, role: str) -> str | None:
        """A role is a post or a noun for people, not a verb phrase: the text
        up to a verb that leads into it goes (习近平走进回迁居民 → 回迁居民,
        帮助独居老人 → 独居老人, 由中国红十字会会长 → 中国红十字会会长);
        a verb at the very start stays only when it modifies the role
        (退休老党员). None when nothing that ends with a role word is left."""
        words = self.res.common_words
        role = role.strip("、，, ")
        cut = 0
        i = 0
        if role[:1] in _ROLE_LEAD_CHARS and words.get(role[:2]) == "ns":
            cut = i = 1  # 同|国际大学生体育联合会代理主席 (jieba: 同国 a place)
        while i < len(role):
            for n in (4, 3, 2):
                w = role[i:i + n]
                if len(w) == n and w in words:
                    if w in _ROLE_LEAD_VERBS or words[w] == "r" or (words[w] in ("v", "p", "d") and i > cut and w not in self.res.roles
                                                 and "、" not in role[cut:i]
                                                 and not self.res.role_re.search(role, cut, i)):
                        cut = i + n
                    i += n
                    break
            else:
                if role[i] in _ROLE_LEAD_CHARS and i + 1 < len(role):
                    cut = i + 1
                i += 1
        role = role[cut:].lstrip("了着过").strip("、，, ")
        if role[:1] in ("该", "此") and len(role) > 2:
            role = role[2:] if role[1] == role[2:3] else role[1:]  # 该州州长 → 州长, 该村村民 → 村民
        head = self.res.role_re.search(role) if role else None
        if not role or head is None or not any(m.end() == len(role) for m in self.res.role_re.finditer(role)):
            return None
        return role

    # -- output ------------------------------------------------------------------------------
    def records(self) -> list[dict]:
        text = self.text
        sents = _sentences(text)
        labels = set(self.res.opts.labels)
        out = []
        roles_by_name: dict[str, tuple[str | None, str | None]] = {}
        for p in self.people:
            if p.get("role") and p["name"] not in roles_by_name:
                roles_by_name[p["name"]] = (p["role"], p.get("affiliation"))
        for p in self.people:
            if not p.get("role") and p["name"] in roles_by_name:
                p["role"], p["affiliation"] = roles_by_name[p["name"]]
        sent_starts = [s for s, _ in sents]
        empty = dict.fromkeys(COLUMNS)
        for rec in self.people + self.places + self.orgs + self.programmes:
            if rec["label"] not in labels:
                continue
            r = empty.copy()  # {c: rec.get(c) for c in COLUMNS}, faster
            for c in rec:
                if c in r:
                    r[c] = rec[c]
            r["doc_id"] = self.doc_id
            r["entity_id"] = f"{rec['label']}:{rec['name']}"
            r["sentence"] = _sentence_at(text, sents, rec["start"], sent_starts)
            out.append(r)
        out.sort(key=lambda r: (r["start"], -r["end"]))
        return out


def _sentence_at(text: str, sents: list[tuple[int, int]], pos: int, starts: list[int] | None = None) -> str:
    """The sentence around ``pos`` (sentences in text order, not overlapping;
    ``starts``: their starts, for a binary search)."""
    k = bisect.bisect_right(starts if starts is not None else [s for s, _ in sents], pos) - 1
    if k >= 0 and pos < sents[k][1]:
        return text[sents[k][0]:sents[k][1]]
    return ""


def extract_entities(text: str, doc_id: str | None = None,
                     options: EntityOptions | None = None) -> list[dict[str, Any]]:
    """People, places, organisations and programmes mentioned in ``text``.

    Args:
        text: the document body.
        doc_id: copied into every record.
        options: :class:`EntityOptions` (packaged defaults when None).

    Returns:
        One dict per mention, in text order, with the keys of :data:`COLUMNS`:
        ``doc_id``; ``start``/``end`` character offsets (``text[start:end]``);
        ``text`` as written; ``label`` (person, place, organization,
        programme); ``name`` (person: the name; place: the full official name
        when in the gazetteer, 广西 → 广西壮族自治区; programme: quotes
        stripped); ``role`` and ``affiliation`` (people); ``level`` (places:
        province, city, district, street, community, compound, venue or None)
        and ``parent`` (the name of the enclosing unit); ``entity_id`` (same
        for every mention of one entity: ``person:左涛``); ``sentence``.

    Example:
        >>> [r["name"] for r in extract_entities("家住崇左市江州区群众黄海亮说。") if r["label"] == "place"]
        ['崇左市', '江州区']
    """
    if not isinstance(text, str):
        raise ExtractionError(f"extract_entities needs text, not {type(text).__name__}")
    res = _resources(options)
    doc = _Doc(text, doc_id, res)
    doc.find_quotes()
    doc.find_programmes()
    doc.find_places()
    doc.find_orgs()
    doc.find_people()
    doc.assign_roles()
    return doc.records()


# -- frames, corpus, summary ------------------------------------------------------
def _frame(records: Iterable[dict]) -> pd.DataFrame:
    df = pd.DataFrame(list(records), columns=COLUMNS)
    for col in ("start", "end"):
        df[col] = df[col].astype("int64")
    return df


def entities(text_or_corpus, doc_ids: Sequence[str] | None = None, label: str | None = None,
             options: EntityOptions | None = None) -> pd.DataFrame:
    """Entity mentions of a text, a list of texts or a :class:`~analysis.corpus.Corpus`.

    Args:
        text_or_corpus: a string, an iterable of strings (doc ids 0, 1, ...),
            a ``Document`` or a ``Corpus`` (cached in its store).
        doc_ids: with a corpus, only these documents.
        label: only this label (person, place, organization, programme).
        options: :class:`EntityOptions`.

    Returns:
        DataFrame with columns ``doc_id, start, end, text, label, name, role,
        affiliation, level, parent, entity_id, sentence`` (see
        :func:`extract_entities`).

    Example:
        >>> entities("通讯员苏晓霞报道。")[["name", "role"]].values.tolist()
        [['苏晓霞', '通讯员']]
    """
    from .corpus import Corpus
    if isinstance(text_or_corpus, Corpus):
        return corpus_entities(text_or_corpus, doc_ids=doc_ids, label=label, options=options)
    if isinstance(text_or_corpus, str):
        items = [(None, text_or_corpus)]
    elif hasattr(text_or_corpus, "body") and hasattr(text_or_corpus, "doc_id"):
        items = [(text_or_corpus.doc_id, text_or_corpus.body)]
    else:
        items = [(str(i), t) for i, t in enumerate(text_or_corpus)]
    recs = [r for did, t in items for r in extract_entities(t, did, options)]
    df = _frame(recs)
    return df[df["label"] == label].reset_index(drop=True) if label else df


def corpus_entities(corpus, doc_ids: Sequence[str] | None = None, label: str | None = None,
                    options: EntityOptions | None = None, progress: bool = False) -> pd.DataFrame:
    """Entities of every (selected) document of a corpus, cached in its store.

    Results are stored as annotations of kind ``entities`` under a config hash
    that covers the model, the gazetteer, the lexicons and the options
    (:func:`entities_config_hash`); only missing documents are computed.

    Returns:
        The DataFrame of :func:`entities`, documents in corpus order.
    """
    opts = options or EntityOptions.from_config(corpus.config)
    res = _resources(opts)
    h = res.config_hash
    store = corpus.store
    wanted = list(doc_ids) if doc_ids is not None else None
    missing = set(store.missing_annotations("entities", h))
    todo = [d for d in (wanted if wanted is not None else store.doc_ids()) if d in missing]
    if todo:
        store.register_config(h, "entities", {"version": ENTITIES_VERSION, "model": res.tagger.model_hash,
                                              "gazetteer": res.gaz.data_hash,
                                              "options": dataclasses.asdict(opts)})
        batch = []
        for doc in store.iter_documents(["doc_id", "body"], doc_ids=todo):
            batch.append((doc["doc_id"], extract_entities(doc["body"], doc["doc_id"], opts)))
            if len(batch) >= 200:
                store.put_annotations("entities", h, batch)
                batch = []
        if batch:
            store.put_annotations("entities", h, batch)
        log.info("entities: extracted %d documents", len(todo))
    cached = store.get_annotations("entities", h, doc_ids=wanted)
    order = wanted if wanted is not None else store.doc_ids()
    recs = [r for d in order for r in cached.get(d, [])]
    df = _frame(recs)
    return df[df["label"] == label].reset_index(drop=True) if label else df


def entities_summary(df: pd.DataFrame, top: int | None = None) -> dict[str, pd.DataFrame]:
    """Summaries of an entity frame, as researchers read them.

    Returns:
        ``{"people": DataFrame(name, role, affiliation, mentions, documents, doc_ids),
        "places": DataFrame(name, level, parent, depth, mentions, documents) in tree
        order (children under their parent), "organizations": DataFrame(name,
        mentions, documents), "programmes": DataFrame(name, documents, mentions)}``
        ranked by the number of documents.
    """
    out: dict[str, pd.DataFrame] = {}
    df = df.reset_index(drop=True)
    docs = df["doc_id"].fillna("")
    people = df[df["label"] == "person"].assign(doc=docs)
    rows = []
    for name, g in people.groupby("name", sort=False):
        roles = g["role"].dropna()
        affs = g["affiliation"].dropna()
        rows.append(dict(name=name, role=roles.mode().iat[0] if len(roles) else None,
                         affiliation=affs.mode().iat[0] if len(affs) else None,
                         mentions=len(g), documents=g["doc"].nunique(),
                         doc_ids=",".join(dict.fromkeys(g["doc"]))))
    out["people"] = _rank(pd.DataFrame(rows, columns=["name", "role", "affiliation", "mentions", "documents",
                                                      "doc_ids"]), top)
    places = df[df["label"] == "place"].assign(doc=docs)
    prow = []
    for name, g in places.groupby("name", sort=False):
        par = g["parent"].dropna()
        lev = g["level"].dropna()
        prow.append(dict(name=name, level=lev.mode().iat[0] if len(lev) else None,
                         parent=par.mode().iat[0] if len(par) else None,
                         mentions=len(g), documents=g["doc"].nunique()))
    out["places"] = _place_tree(pd.DataFrame(prow, columns=["name", "level", "parent", "mentions", "documents"]))
    for label, key in (("organization", "organizations"), ("programme", "programmes")):
        sub = df[df["label"] == label].assign(doc=docs)
        agg = sub.groupby("name", sort=False).agg(documents=("doc", "nunique"), mentions=("doc", "size"))
        out[key] = _rank(agg.reset_index(), top)
    return out


def _rank(df: pd.DataFrame, top: int | None) -> pd.DataFrame:
    if df.empty:
        return df
    df = df.sort_values(["documents", "mentions", "name"], ascending=[False, False, True]).reset_index(drop=True)
    return df.head(top) if top else df


def _place_tree(df: pd.DataFrame) -> pd.DataFrame:
    """Order places depth-first under their parents, with a ``depth`` column."""
    if df.empty:
        return df.assign(depth=pd.Series(dtype="int64"))
    names = set(df["name"])
    children: dict[str | None, list] = {}
    for rec in df.to_dict("records"):
        par = rec["parent"] if rec["parent"] in names else None
        children.setdefault(par, []).append(rec)
    out = []

    def walk(par, depth):
        for rec in sorted(children.get(par, []), key=lambda r: (-r["documents"], -r["mentions"], r["name"])):
            out.append({**rec, "depth": depth})
            if depth < 8:
                walk(rec["name"], depth + 1)
    walk(None, 0)
    return pd.DataFrame(out, columns=["name", "level", "parent", "depth", "mentions", "documents"])
