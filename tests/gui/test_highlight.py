"""Marking matched words: stems, word starts, links (http and https only), escaping."""

from __future__ import annotations

import pytest

from readinglist.gui.highlight import linked_html, runs, stem, term_pattern

MARK = "<b>"


@pytest.mark.parametrize(
    ("terms", "text", "marked"),
    [
        (["models"], "Diffusion Models and a model", ["Models", "model"]),
        (["learning"], "Learned, learns, relearning", ["Learned", "learns"]),
        (["lora"], "LoRA adapters; floral", ["LoRA"]),
        (["fine-tuning"], "Fine-Tuning and fine-tuned", ["Fine-Tuning"]),
        (["a"], "a one-letter term marks nothing", []),
        ([], "nothing to mark", []),
        (["studies"], "a study, two studies", ["study", "studies"]),
    ],
)
def test_words_starting_with_a_terms_stem_are_marked(
    terms: list[str], text: str, marked: list[str]
) -> None:
    found = [piece for piece, hit in runs(text, term_pattern(terms)) if hit]
    assert found == marked


@pytest.mark.parametrize(
    ("word", "expected"),
    [("models", "model"), ("learning", "learn"), ("is", "is"), ("x-ray", "x-ray")],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_runs_cover_the_text_exactly() -> None:
    text = "LoRA and lora, LORA."
    assert "".join(p for p, _ in runs(text, term_pattern(["lora"]))) == text


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("Code: https://github.com/a/b.", ["https://github.com/a/b"]),
        ("See http://x.org/p?q=1&r=2, then stop", ["http://x.org/p?q=1&amp;r=2"]),
        ("file:///etc/passwd javascript:alert(1) smb://host/share", []),
        ("(https://example.com/x)", ["https://example.com/x"]),
    ],
)
def test_only_web_addresses_become_links(text: str, links: list[str]) -> None:
    html = linked_html(text, None, MARK)
    assert html.count("<a href=") == len(links)
    for link in links:
        assert f'<a href="{link}">' in html


def test_text_is_escaped_and_marked() -> None:
    html = linked_html("<script>alert('lora')</script> LoRA", term_pattern(["lora"]), MARK)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b>LoRA</b>" in html
    assert "<b>lora</b>" in html
