"""A scripted reader's library: LoRA papers kept, surveys and other topics dismissed."""

from __future__ import annotations

import random

import pytest

from readinglist.ranking import Example, Paper

_FILLER_TEXT = (
    "we propose method results show strong performance across several benchmarks while "
    "reducing cost experiments demonstrate improvements over baselines analysis reveals "
    "training data evaluation framework approach models tasks settings"
)
FILLER = tuple(_FILLER_TEXT.split())

TOPICS = {
    "lora": ("LoRA", "low-rank adaptation", "adapters", "parameter-efficient fine-tuning"),
    "detection": ("object detection", "bounding boxes", "detectors", "anchor-free heads"),
    "speech": ("speech recognition", "acoustic models", "spoken language", "phonemes"),
    "graphs": ("graph neural networks", "message passing", "node classification", "molecules"),
    "rl": ("reinforcement learning", "policy gradients", "reward shaping", "exploration"),
}


def make_paper(pid: int, topic: str, rng: random.Random, *, survey: bool = False) -> Paper:
    phrases = TOPICS[topic]
    name = "".join(rng.choice("BCDFGKMPRSTVZ") + rng.choice("aeiou") for _ in range(3))
    if survey:
        title = f"A Survey of {phrases[0].title()}: Methods, Challenges and Future Directions"
    elif topic == "lora":
        title = f"{name}: LoRA with {rng.choice(phrases[1:]).title()} for Efficient Tuning"
    else:
        title = f"{name}: {phrases[0].title()} with {rng.choice(phrases[1:]).title()}"
    words = [rng.choice(FILLER) for _ in range(40)]
    for phrase in rng.sample(phrases, k=3):
        words.insert(rng.randrange(len(words)), phrase)
    if survey:
        words[:0] = ["this", "survey", "reviews", "the", "literature", "on"]
    return Paper(pid, title, " ".join(words) + ".", upvotes=rng.randrange(0, 30), seen_count=1)


@pytest.fixture
def lora_reader() -> tuple[list[Example], list[Paper], set[int], set[int]]:
    """30 decisions (12 LoRA kept or starred, 8 surveys and 10 others dismissed), and a new
    digest of 5 LoRA papers, 5 surveys of other topics and 10 other papers."""
    rng = random.Random(16)
    others = ["detection", "speech", "graphs", "rl"]
    examples = []
    pid = 0
    for n in range(12):
        examples.append(Example(make_paper(pid, "lora", rng), 2.0 if n % 4 == 0 else 1.0))
        pid += 1
    for n in range(8):
        examples.append(Example(make_paper(pid, others[n % 4], rng, survey=True), -1.0))
        pid += 1
    for n in range(10):
        examples.append(Example(make_paper(pid, others[n % 4], rng), -1.0))
        pid += 1
    rng.shuffle(examples)
    digest: list[Paper] = []
    lora: set[int] = set()
    surveys: set[int] = set()
    for n in range(20):
        pid += 1
        if n % 4 == 1:
            lora.add(pid)
            digest.append(make_paper(pid, "lora", rng))
        elif n % 4 == 3:
            surveys.add(pid)
            digest.append(make_paper(pid, others[n // 4 % 4], rng, survey=True))
        else:
            digest.append(make_paper(pid, others[n % 4], rng))
    return examples, digest, lora, surveys
