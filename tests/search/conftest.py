"""A small library whose papers each exercise something the search must get right."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from readinglist.importing import Importer

if TYPE_CHECKING:
    from readinglist.library import Library
    from readinglist.records import SearchOutcome

FILLER = (
    "We evaluate the approach on several public benchmarks and report consistent gains "
    "over strong baselines, with an analysis of where the improvements come from and "
    "which design choices matter most in practice."
)


@dataclass(frozen=True)
class P:
    """A paper to import: title, the topic sentence of its abstract, its metadata."""

    title: str
    topic: str
    date: str | None = None  # "Mar 5, 2024"
    upvotes: int | None = None
    org: str | None = None

    def lines(self) -> list[str]:
        out = [self.title, f"{self.topic} {FILLER}"]
        if self.date is not None:
            out += [self.org or "  • 3 authors", "·"]
            out.append(self.date + (f" {self.upvotes}" if self.upvotes is not None else ""))
        return out


PAPERS = {
    "title_cf": P(
        "Overcoming Catastrophic Forgetting in Neural Networks",
        "Networks lose old skills when trained on new data; elastic weights keep them.",
        date="Mar 5, 2024",
        upvotes=12,
    ),
    "abstract_cf": P(
        "Elastic Consolidation for Sequential Tasks",
        "Sequential training suffers from catastrophic forgetting, which we reduce with "
        "consolidation of important weights.",
        date="Jun 20, 2024",
        upvotes=3,
    ),
    "tuning": P(
        "Proxy Methods for Language Models",
        "The model is tuned by a small proxy that tunes its logits at decoding time.",
        date="Jan 10, 2023",
        upvotes=40,
    ),
    "lora": P(
        "Low-Rank Adaptation of Large Language Models",
        "LoRA freezes the pretrained weights and injects trainable rank decomposition "
        "matrices: low-rank adaptation cuts the trainable parameters ten thousand times.",
        date="Oct 16, 2021",
        upvotes=7,
        org="Microsoft Research",
    ),
    "diffusion": P(
        "Diffusion Models Beat GANs on Image Synthesis",
        "Denoising diffusion probabilistic models reach better sample quality than GANs.",
        date="Dec 1, 2022",
    ),
    "survey": P(
        "A Survey of Diffusion Models",
        "This survey covers diffusion samplers, guidance and applications of diffusion.",
    ),
    "escape": P(
        "Attention <Is> All & You Need",
        'Transformers use self-attention only; "<b>" in a title must stay text, & so on.',
    ),
}


def digest(*papers: P, label: str = "Mar 11") -> str:
    parts = ["Daily Papers", label]
    for paper in papers:
        parts += paper.lines()
    return "\n\n".join(parts) + "\n"


@pytest.fixture
def ids(library: Library) -> dict[str, int]:
    """Import PAPERS into the library; their ids by key."""
    report = Importer(library).import_text(digest(*PAPERS.values()), name="test digest")
    assert report.ok, report.error
    by_title = {p.title: p.id for p in library.list_papers()}
    return {key: by_title[paper.title] for key, paper in PAPERS.items()}


def found(outcome: SearchOutcome) -> list[int]:
    return [hit.id for hit in outcome.hits]
