"""A file's fingerprint: what identifies a digest, however it was saved."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from readinglist.digest import decode, parse, parse_bytes
from readinglist.incoming import text_fingerprint
from tests.conftest import REAL_DIGESTS

REF = dt.date(2025, 12, 20)
ABSTRACT = (
    "We study adapters in depth and compare them with strong baselines on several public "
    "benchmarks. Our method is simple, needs no extra data and improves accuracy while "
    "reducing cost; we analyse why it works and where it fails, and release everything."
)
DIGEST = f"Mar 11\n\nTÜLU 3: Open Post-Training\n\n{ABSTRACT}\n\n  • 4 authors\n·\nSep 26 2\n"

# Ways to save the same digest: (codec, byte-order mark, line ending)
SAVED = [
    pytest.param("utf-8", b"", "\n", id="utf-8"),
    pytest.param("utf-8", codecs.BOM_UTF8, "\r\n", id="utf-8-bom-crlf"),
    pytest.param("utf-8", b"", "\r", id="utf-8-cr"),
    pytest.param("utf-16-le", codecs.BOM_UTF16_LE, "\r\n", id="utf-16-le-bom-crlf"),
    pytest.param("utf-16-be", b"", "\n", id="utf-16-be-no-bom"),
    pytest.param("utf-32-le", codecs.BOM_UTF32_LE, "\n", id="utf-32-bom"),
    pytest.param("utf-32-be", b"", "\r\n", id="utf-32-be-no-bom"),
    pytest.param("cp1252", b"", "\r\n", id="windows-1252"),
]


@pytest.mark.parametrize(("codec", "bom", "newline"), SAVED)
def test_one_digest_saved_any_way_has_one_fingerprint(codec: str, bom: bytes, newline: str) -> None:
    data = bom + DIGEST.replace("\n", newline).encode(codec)
    expected = text_fingerprint(DIGEST)
    assert text_fingerprint(decode(data)) == expected
    assert parse_bytes(data, reference=REF).fingerprint == expected


# Spellings of one text that are how it was saved, not what it says.
SAME = [
    pytest.param("\ufeff" + DIGEST, id="bom-in-text"),
    pytest.param(DIGEST.replace("\n\n", "\n"), id="fewer-blank-lines"),
    pytest.param(DIGEST.replace("\n", " \t\n"), id="trailing-spaces"),
    pytest.param("\n\n" + DIGEST + "\n\n\n", id="blank-ends"),
    pytest.param(DIGEST.replace("Ü", "U\u0308"), id="decomposed-umlaut"),
]
DIFFERENT = [
    pytest.param(DIGEST.replace("TÜLU 3", "TULU 3"), id="one-letter"),
    pytest.param(DIGEST.replace("Sep 26 2", "Sep 26 3"), id="upvotes"),
    pytest.param(DIGEST.replace("TÜLU 3: Open", "TÜLU 3:  Open"), id="inner-spacing"),
    pytest.param(DIGEST.replace("everything.", "every\ufffdthing."), id="a-replaced-byte"),
]


@pytest.mark.parametrize("text", SAME)
def test_saving_details_do_not_count(text: str) -> None:
    assert text_fingerprint(text) == text_fingerprint(DIGEST)


@pytest.mark.parametrize("text", DIFFERENT)
def test_content_counts(text: str) -> None:
    assert text_fingerprint(text) != text_fingerprint(DIGEST)


def test_a_fingerprint_is_a_sha256_hex_digest() -> None:
    fingerprint = text_fingerprint(DIGEST)
    assert len(fingerprint) == 64
    assert int(fingerprint, 16) >= 0
    assert parse(DIGEST, reference=REF).fingerprint == fingerprint


def test_real_digests_keep_one_fingerprint_in_utf16_with_crlf() -> None:
    prints = set()
    for path in sorted(REAL_DIGESTS.glob("*.txt")):
        text = decode(path.read_bytes())
        resaved = codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le")
        assert parse_bytes(resaved, reference=REF).fingerprint == text_fingerprint(text)
        prints.add(text_fingerprint(text))
    assert len(prints) == len(list(REAL_DIGESTS.glob("*.txt")))


LINES = st.lists(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(
    LINES,
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_text_keeps_its_fingerprint_through_any_unicode_encoding(
    lines: list[str], codec: str, newline: str
) -> None:
    text = "\n".join(lines)
    assume(text.replace("\ufeff", "").strip())  # an empty file is refused, not fingerprinted
    resaved = decode(newline.join(lines).encode(codec))  # Python's utf-16/32 write a BOM
    assert text_fingerprint(resaved) == text_fingerprint(text)
