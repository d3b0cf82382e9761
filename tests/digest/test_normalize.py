"""Title keys: which spellings of a title count as the same paper."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.digest import title_key

SAME = [
    pytest.param("Attention Is All You Need", "attention is all you need", id="case"),
    pytest.param("STRASSE", "straße", id="casefold-sharp-s"),
    pytest.param("ＬｏＲＡ　Ａｄａｐｔｅｒｓ", "LoRA Adapters", id="fullwidth"),
    pytest.param("\ufb01ne-tuning", "fine-tuning", id="ligature-fi"),
    pytest.param("Caf\u00e9 Models", "Cafe\u0301 Models", id="composed-vs-decomposed"),
    pytest.param("Deep\u00a0Learning", "Deep Learning", id="nbsp"),
    pytest.param("Deep\tLearning", "Deep Learning", id="tab"),
    pytest.param("Deep   Learning", "Deep Learning", id="multiple-spaces"),
    pytest.param("Deep\nLearning", "Deep Learning", id="newline"),
    pytest.param("Deep\u2003\u2028Learning", "Deep Learning", id="em-space-line-separator"),
    pytest.param("  Deep Learning \t", "Deep Learning", id="ends-stripped"),
    pytest.param("Deep\u00adLearning", "DeepLearning", id="soft-hyphen"),
    pytest.param("Zero\u200bShot", "ZeroShot", id="zero-width-space"),
    pytest.param("\ufeffTÜLU 3", "tülu 3", id="bom-and-umlaut"),
    pytest.param("S\u00b2FT", "S2FT", id="superscript-nfkc"),
    pytest.param("\u0390 test", "\u03b9\u0308\u0301 TEST", id="greek-fold-renormalised"),
]

DIFFERENT = [
    pytest.param("Deep Learning", "DeepLearning", id="space-matters"),
    pytest.param("Fine-Tuning", "Fine Tuning", id="hyphen-matters"),
    pytest.param("Fine-Tuning", "Fine\u2013Tuning", id="en-dash-is-not-hyphen"),
    pytest.param("Café", "Cafe", id="accent-matters"),
    pytest.param("TÜLU 3", "TULU 3", id="umlaut-matters"),
    pytest.param("GPT-4", "GPT-3", id="digits"),
    pytest.param("What's New?", "Whats New?", id="apostrophe"),
    pytest.param("LoRA: Low-Rank", "LoRA Low-Rank", id="colon"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_key(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_key(a: str, b: str) -> None:
    assert title_key(a) != title_key(b)


def test_key_shape() -> None:
    assert title_key("  Two\t\tWords\u00a0Here  ") == "two words here"
    assert title_key("") == ""
    assert title_key(" \t\u00a0\n") == ""


@given(st.text())
def test_key_is_idempotent(title: str) -> None:
    key = title_key(title)
    assert title_key(key) == key
    assert key == key.strip()
    assert "  " not in key
