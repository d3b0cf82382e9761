"""The stored form of a model: a versioned header, then zlib-compressed JSON.

JSON and base64-packed float arrays, never pickle: loading a model file runs no code, so a
file that was tampered with can at worst be refused. Anything that is not exactly what
``dump`` of this version writes raises ``UnreadableModel``; the caller rebuilds the model
from the decision log. Bump ``FORMAT_VERSION`` whenever the stored fields or the meaning of
a term (``readinglist.ranking.text``) change: an old file is then refused, not misread.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import sys
import zlib
from array import array
from typing import TYPE_CHECKING, Any

from readinglist.ranking.model import Mode, Model

if TYPE_CHECKING:
    from collections.abc import Sequence

MAGIC = b"readinglist-ranking-model\n"
FORMAT_VERSION = 1
MAX_UNPACKED = 64 * 1024 * 1024
"""Refuse a blob that unpacks to more than this (a model of 30,000 decisions is ~1 MB)."""


class UnreadableModel(Exception):
    """The bytes are not a model this version can read: rebuild it from the decision log."""


def dump(model: Model) -> bytes:
    payload = {
        "mode": str(model.mode),
        "decisions": model.decisions,
        "kept": model.kept,
        "dismissed": model.dismissed,
        "pairs": model.pairs,
        "terms": list(model.terms),
        # most terms are shown as written; store only the others
        "surfaces": {
            str(i): s
            for i, (t, s) in enumerate(zip(model.terms, model.surfaces, strict=True))
            if s != t
        },
        "idf": _pack(model.idf),
        "weights": _pack(model.weights),
        "numeric": list(model.numeric),
        "intercept": model.intercept,
    }
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return MAGIC + b"%d\n" % FORMAT_VERSION + zlib.compress(body.encode("utf-8"), 6)


def load(data: bytes) -> Model:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise UnreadableModel(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data.startswith(MAGIC):
        raise UnreadableModel("not a ranking model (no header)")
    version_line, newline, body = data[len(MAGIC) :].partition(b"\n")
    if not newline or not version_line.isdigit() or len(version_line) > 6:
        raise UnreadableModel("damaged header")
    if int(version_line) != FORMAT_VERSION:
        raise UnreadableModel(
            f"made by format {int(version_line)}, this version reads format {FORMAT_VERSION}"
        )
    try:
        unpacker = zlib.decompressobj()
        text = unpacker.decompress(body, MAX_UNPACKED)
        if unpacker.unconsumed_tail:
            raise UnreadableModel("unpacks to more than a model can hold")
        if not unpacker.eof:
            raise UnreadableModel("truncated")
        if unpacker.unused_data:
            raise UnreadableModel("bytes after the end of the model")
        payload = json.loads(text.decode("utf-8"), parse_constant=_no_constant)
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UnreadableModel(f"damaged: {exc}") from None
    try:
        return _model(payload)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, binascii.Error) as exc:
        raise UnreadableModel(f"damaged: {type(exc).__name__}: {exc}") from None


def _model(p: Any) -> Model:
    if not isinstance(p, dict):
        raise TypeError("payload is not an object")
    terms = p["terms"]
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise TypeError("terms")
    surfaces = list(terms)
    extra = p["surfaces"]
    if not isinstance(extra, dict):
        raise TypeError("surfaces")
    for key, surface in extra.items():
        if not isinstance(surface, str):
            raise TypeError("surfaces")
        surfaces[int(key)] = surface
    idf = _unpack(p["idf"])
    weights = _unpack(p["weights"])
    numeric = p["numeric"]
    if not isinstance(numeric, list) or len(numeric) != 2:
        raise ValueError("numeric")
    if not isinstance(p["pairs"], bool):
        raise TypeError("pairs")
    counts = [p["decisions"], p["kept"], p["dismissed"]]
    if not all(isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in counts):
        raise ValueError("counts")
    return Model(
        mode=Mode(p["mode"]),
        decisions=counts[0],
        kept=counts[1],
        dismissed=counts[2],
        pairs=p["pairs"],
        terms=tuple(terms),
        surfaces=tuple(surfaces),
        idf=idf,
        weights=weights,
        numeric=(_finite(numeric[0]), _finite(numeric[1])),
        intercept=_finite(p["intercept"]),
    )


def _pack(values: Sequence[float]) -> str:
    packed = array("d", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def _unpack(text: Any) -> tuple[float, ...]:
    if not isinstance(text, str):
        raise TypeError("float array")
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    if len(raw) % 8:
        raise ValueError("float array length")
    values = array("d")
    values.frombytes(raw)
    if sys.byteorder == "big":
        values.byteswap()
    if not all(math.isfinite(v) for v in values):
        raise ValueError("a weight is not a finite number")
    return tuple(values)


def _finite(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("not a finite number")
    return float(value)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a model holds")
