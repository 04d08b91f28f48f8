"""Encoding detection: BOMs, strict UTF-8, then charset-normalizer.

GBK and GB2312 are read as GB18030 (a superset), so rare characters decode
too. Binary input (NUL bytes, undecodable) is refused with an
:class:`~analysis.errors.InputError`.
"""
from __future__ import annotations

import codecs
import logging

from ..errors import InputError

log = logging.getLogger(__name__)

_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
# charset-normalizer names -> the codec we decode with
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "big5": "big5hkscs",
            "big5hkscs": "big5hkscs", "cp950": "big5hkscs", "ascii": "utf-8", "utf_8": "utf-8"}
SAMPLE = 1 << 16


def is_binary(sample: bytes) -> bool:
    """True for data that is not text: NUL bytes (outside UTF-16) or mostly control bytes."""
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in sample[:8192]:
        return True
    ctrl = sum(1 for b in sample[:4096] if b < 9 or 13 < b < 32)
    return ctrl > len(sample[:4096]) * 0.05


def _utf8_ok(sample: bytes, complete: bool) -> bool:
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        dec.decode(sample, final=complete)
        return True
    except UnicodeDecodeError:
        return False


def detect_encoding(sample: bytes, name: str = "<input>", complete: bool = True) -> str:
    """The codec to decode ``sample`` (the whole data, or its start when
    ``complete`` is False) with: ``utf-8``, ``utf-8-sig``, ``utf-16``,
    ``gb18030``, ``big5hkscs``, or what charset-normalizer finds.

    Raises:
        InputError: binary or undecodable data.

    Example:
        >>> detect_encoding("志愿服务队".encode("gbk") * 20)
        'gb18030'
    """
    for bom, enc in _BOMS:
        if sample.startswith(bom):
            return enc
    if is_binary(sample):
        raise InputError(name, "binary file, not text")
    if _utf8_ok(sample, complete):
        return "utf-8"
    from charset_normalizer import from_bytes
    best = from_bytes(sample[:SAMPLE], cp_isolation=["gb18030", "big5", "utf_8", "big5hkscs", "cp950",
                                                     "gbk", "gb2312", "utf_16"]).best()
    if best is None:
        best = from_bytes(sample[:SAMPLE]).best()
    if best is None:
        # damaged text (a cut or corrupted GBK/Big5 file): the codec with few bad characters
        chunk = sample[:SAMPLE]
        scores = []
        for enc in ("gb18030", "big5hkscs"):
            text = chunk.decode(enc, errors="replace")
            scores.append((text.count("\ufffd") / max(1, len(text)), enc))
        ratio, enc = min(scores)
        if ratio < 0.02:
            log.debug("%s: damaged %s text (%.1f%% bad)", name, enc, ratio * 100)
            return enc
        raise InputError(name, "cannot detect the text encoding (binary file?)")
    enc = best.encoding.lower().replace("-", "_")
    return _ALIASES.get(enc, enc)


def decode(data: bytes, name: str = "<input>") -> tuple[str, str]:
    """Decode a whole file: returns ``(text, encoding)``.

    Undecodable bytes become U+FFFD (rather than failing the file); the
    encoding recorded is the one detected.
    """
    enc = detect_encoding(data, name)
    return data.decode(enc, errors="replace"), enc.replace("-sig", "") if enc == "utf-8-sig" else enc
