"""A deterministic generator of realistic digests and papers, shared by every benchmark.

The same ``(n_papers, seed)`` always yields the same text, on every machine, so numbers
from different runs and different benchmarks describe the same library.

The text imitates the real "Daily Papers" digests: research-style titles (a method name,
a colon, topic phrases), abstracts of 120-260 words built from topic phrases, common
academic prose and a long tail of rare words (method and dataset names, jargon), so the
vocabulary grows with the library the way real text does.  About 60% of the entries carry
a metadata block (author count or organisation, a date, upvotes), and a share of the papers
is seen again in a later digest (so ``seen:>=2`` means something).

Typical use::

    from bench.generate import build_library, generate_digest_texts, generate_papers

    for text in generate_digest_texts(1_000, seed=1):   # digest files, as users save them
        ...
    report = build_library(tmp / "lib", 10_000, seed=1)  # a library made by the real importer
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BuildReport",
    "GeneratedPaper",
    "build_library",
    "generate_digest_texts",
    "generate_papers",
    "sample_queries",
    "write_digests",
]

TOPICS: dict[str, tuple[str, ...]] = {
    "continual": (
        "catastrophic forgetting",
        "continual learning",
        "experience replay",
        "task-incremental learning",
        "the stability-plasticity trade-off",
        "knowledge retention",
        "lifelong learning",
    ),
    "llm": (
        "large language models",
        "instruction tuning",
        "in-context learning",
        "chain-of-thought reasoning",
        "preference optimization",
        "hallucination",
        "tokenization",
        "reward modeling",
    ),
    "peft": (
        "low-rank adaptation",
        "LoRA",
        "adapters",
        "parameter-efficient fine-tuning",
        "prompt tuning",
        "quantization",
        "fine-tuning",
    ),
    "diffusion": (
        "diffusion models",
        "denoising",
        "text-to-image generation",
        "latent diffusion",
        "score matching",
        "video generation",
        "classifier-free guidance",
    ),
    "vision": (
        "vision transformers",
        "object detection",
        "semantic segmentation",
        "CLIP",
        "zero-shot classification",
        "image captioning",
        "out-of-distribution robustness",
    ),
    "rl": (
        "reinforcement learning",
        "policy gradients",
        "offline reinforcement learning",
        "exploration",
        "reward shaping",
        "world models",
    ),
    "robotics": (
        "robot manipulation",
        "embodied agents",
        "sim-to-real transfer",
        "motion planning",
        "imitation learning",
    ),
    "speech": (
        "speech recognition",
        "text-to-speech",
        "audio language models",
        "speaker diarization",
        "music generation",
    ),
    "graphs": (
        "graph neural networks",
        "message passing",
        "molecular property prediction",
        "knowledge graphs",
        "protein structure prediction",
    ),
    "efficiency": (
        "mixture of experts",
        "sparse attention",
        "KV cache compression",
        "speculative decoding",
        "knowledge distillation",
        "pruning",
        "long-context inference",
    ),
    "retrieval": (
        "retrieval-augmented generation",
        "dense retrieval",
        "reranking",
        "long-term memory",
        "question answering",
    ),
    "multimodal": (
        "vision-language models",
        "multimodal reasoning",
        "visual question answering",
        "document understanding",
        "video understanding",
    ),
    "evaluation": (
        "benchmarks",
        "evaluation protocols",
        "data contamination",
        "LLM-as-a-judge",
        "human preference studies",
    ),
    "safety": (
        "jailbreak attacks",
        "red teaming",
        "watermarking",
        "differential privacy",
        "membership inference",
        "machine unlearning",
    ),
    "reasoning": (
        "mathematical reasoning",
        "theorem proving",
        "code generation",
        "program synthesis",
        "tool use",
        "planning",
    ),
    "3d": (
        "3D reconstruction",
        "neural radiance fields",
        "Gaussian splatting",
        "point clouds",
        "novel view synthesis",
    ),
}

ADJECTIVES = (
    "scalable", "efficient", "robust", "simple", "unified", "adaptive", "generalizable",
    "lightweight", "principled", "training-free", "data-efficient", "interpretable",
    "hierarchical", "self-supervised", "multilingual", "compositional", "faithful",
)  # fmt: skip
VERBS = (
    "improves", "accelerates", "stabilizes", "aligns", "regularizes", "compresses",
    "decouples", "unifies", "bridges", "rethinks", "scales", "calibrates", "distills",
)  # fmt: skip
COMMON = (
    "the", "of", "and", "to", "in", "a", "we", "that", "for", "is", "on", "with", "model",
    "models", "our", "this", "as", "by", "are", "data", "performance", "from", "learning",
    "results", "method", "task", "tasks", "training", "approach", "show", "which", "can",
    "language", "these", "existing", "propose", "new", "while", "across", "both", "its",
    "large", "methods", "than", "such", "benchmark", "state-of-the-art", "framework",
    "experiments", "demonstrate", "significantly", "however", "paper", "work", "based",
    "network", "neural", "generation", "analysis", "accuracy", "improve", "evaluation",
    "however", "remains", "challenging", "limited", "effective", "novel", "various",
    "information", "representations", "features", "prior", "baseline", "baselines",
    "dataset", "datasets", "computational", "cost", "quality", "human", "real-world",
    "settings", "capabilities", "ability", "problem", "challenge", "key", "study",
)  # fmt: skip
METRICS = ("accuracy", "F1", "BLEU", "win rate", "success rate", "FID", "perplexity", "recall")
ORGS = (
    "UCAS ucas", "Meta AI", "Google DeepMind", "Tsinghua University", "Stanford University",
    "Allen Institute for AI", "Microsoft Research", "NVIDIA", "Hugging Face", "ETH Zurich",
)  # fmt: skip
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SYLLABLES = (
    "ka", "lo", "ra", "mi", "te", "vo", "zen", "tri", "flu", "sy", "nor", "qua", "dex",
    "ion", "pha", "gra", "mo", "ne", "sta", "lu", "vi", "ber", "tok", "xi", "pro", "ma",
)  # fmt: skip
_CHROME = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
)
_EPOCH = dt.date(2024, 12, 31)


@dataclass(frozen=True, slots=True)
class GeneratedPaper:
    """One paper as a digest shows it."""

    title: str
    abstract: str
    authors: int | None  # the "• N authors" line, when the block has one
    organization: str | None  # the organisation line, instead of the author count
    published: dt.date | None  # None: the entry has no metadata block
    upvotes: int | None


@dataclass(frozen=True, slots=True)
class BuildReport:
    papers: int
    files: int
    seconds: float


class _Words:
    """The long tail: a seeded pool of rare words, sampled Zipf-like."""

    def __init__(self, rng: random.Random, size: int) -> None:
        seen: set[str] = set()
        while len(seen) < size:
            seen.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.pool = sorted(seen)
        rng.shuffle(self.pool)

    def pick(self, rng: random.Random) -> str:
        # rank ~ size * u**3: a few rare words recur often, most almost never
        return self.pool[int(len(self.pool) * rng.random() ** 3)]


def _method_name(rng: random.Random) -> str:
    name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    style = rng.random()
    if style < 0.3:
        return name.upper()[: rng.randint(3, 6)]
    if style < 0.45:
        return f"{name}-{rng.randint(1, 9)}{rng.choice('BMK')}"
    if style < 0.5:
        return name.replace("u", "ü", 1)  # a few titles carry non-ASCII, like TÜLU 3
    return name


def _title(rng: random.Random, method: str, main: str, other: str) -> str:
    adj = rng.choice(ADJECTIVES)
    pattern = rng.randrange(7)
    if pattern == 0:
        return f"{method}: {adj.capitalize()} {_cap(main)} for {_cap(other)}"
    if pattern == 1:
        return f"{method}: Scaling {_cap(main)} via {_cap(other)}"
    if pattern == 2:
        return f"Towards {adj.capitalize()} {_cap(main)} with {method}"
    if pattern == 3:
        return f"Can {_cap(main)} Help {_cap(other)}? Evidence from {method}"
    if pattern == 4:
        return f"On the Role of {_cap(main)} in {_cap(other)}: The {method} Study"
    if pattern == 5:
        return f"{method}: {_cap(main)} Meets {_cap(other)}"
    return f"{method} -- {adj.capitalize()} {_cap(main)} at Scale"


def _cap(phrase: str) -> str:
    return " ".join(w if w[:1].isupper() else w.capitalize() for w in phrase.split())


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _abstract(
    rng: random.Random, method: str, phrases: list[str], words: _Words, dataset: str
) -> str:
    p = phrases

    def filler(n: int) -> str:
        out = []
        for _ in range(n):
            out.append(words.pick(rng) if rng.random() < 0.12 else rng.choice(COMMON))
        return " ".join(out)

    sentences = [
        f"Recent advances in {p[0]} have shown remarkable progress, yet {p[1]} remains "
        f"a major challenge for {filler(rng.randint(3, 8))}.",
        f"In this work, we propose {method}, {_a(rng.choice(ADJECTIVES))} framework that "
        f"{rng.choice(VERBS)} {p[0]} by {filler(rng.randint(4, 9))} {p[2]}.",
        f"Unlike prior work on {p[1]}, {method} {rng.choice(VERBS)} {filler(rng.randint(5, 10))}"
        f" without {filler(rng.randint(2, 5))}.",
        f"We further analyze {p[2]} and find that {filler(rng.randint(6, 14))}.",
        f"Experiments on {dataset} and {words.pick(rng).upper()}-{rng.randint(1, 99)} show "
        f"that {method} improves {rng.choice(METRICS)} by {rng.randint(1, 40)}.{rng.randint(0, 9)}"
        f"% over strong baselines in {p[0]}.",
        f"Our analysis of {filler(rng.randint(3, 7))} reveals {filler(rng.randint(8, 16))}.",
        f"These results suggest that {p[rng.randrange(3)]} {filler(rng.randint(6, 12))}.",
        f"To address this, {filler(rng.randint(10, 22))} {p[1]} {filler(rng.randint(4, 10))}.",
        f"Moreover, {method} {filler(rng.randint(10, 20))}.",
        f"We show that {filler(rng.randint(8, 18))} {p[0]} {filler(rng.randint(4, 10))}.",
    ]
    order = sentences[:2] + rng.sample(sentences[2:], k=rng.randint(3, len(sentences) - 2))
    if rng.random() < 0.5:
        user = words.pick(rng)
        order.append(f"Code is available at https://github.com/{user}/{method.lower()}.")
    return " ".join(order)


def generate_papers(n_papers: int, seed: int = 0) -> Iterator[GeneratedPaper]:
    """``n_papers`` distinct papers (distinct titles), always the same for one seed."""
    rng = random.Random(seed)
    words = _Words(random.Random(seed + 7919), size=max(2_000, n_papers // 2))
    topics = list(TOPICS)
    titles: set[str] = set()
    made = 0
    while made < n_papers:
        main_topic = rng.choice(topics)
        second = rng.choice(topics) if rng.random() < 0.6 else main_topic
        pool = list(dict.fromkeys(TOPICS[main_topic] + TOPICS[second]))
        phrases = [rng.choice(TOPICS[main_topic])]
        phrases += rng.sample([p for p in pool if p != phrases[0]], k=2)
        method = _method_name(rng)
        title = _title(rng, method, phrases[0], phrases[1])
        key = title.casefold()
        if key in titles:
            continue
        titles.add(key)
        dataset = f"{words.pick(rng).capitalize()}Bench"
        abstract = _abstract(rng, method, phrases, words, dataset)
        published: dt.date | None = None
        authors = organization = upvotes = None
        if rng.random() < 0.6:
            published = _EPOCH - dt.timedelta(days=int(rng.random() ** 2 * 1100))
            if rng.random() < 0.05:
                organization = rng.choice(ORGS)
            else:
                authors = max(1, int(rng.expovariate(1 / 7)))
            upvotes = int(rng.paretovariate(1.2)) - 1 if rng.random() < 0.8 else None
        yield GeneratedPaper(title, abstract, authors, organization, published, upvotes)
        made += 1


def _entry_lines(paper: GeneratedPaper, rng: random.Random) -> list[str]:
    lines = [paper.title, paper.abstract]
    if paper.published is None:
        return lines
    lines.append(paper.organization or f"  • {paper.authors} authors")
    lines.append("·")
    date = f"{MONTHS[paper.published.month - 1]} {paper.published.day}, {paper.published.year}"
    if paper.upvotes is not None:
        date += f" {paper.upvotes}"
    lines.append(date)
    return lines


def generate_digest_texts(
    n_papers: int, seed: int = 0, *, per_digest: int = 50, repeat_rate: float = 0.08
) -> Iterator[str]:
    """Digest files holding ``n_papers`` distinct papers, ``per_digest`` new ones per file.

    About ``repeat_rate`` of each file's entries are papers from earlier files (seen again);
    the importer merges them, so the library ends with exactly ``n_papers`` papers.
    """
    rng = random.Random(seed * 31 + 1)
    earlier: list[GeneratedPaper] = []
    batch: list[GeneratedPaper] = []
    day = 0

    def digest(papers: list[GeneratedPaper]) -> str:
        nonlocal day
        entries = list(papers)
        if earlier:
            repeats = {id(p): p for p in rng.sample(earlier, k=min(len(earlier), 64))}
            extra = list(repeats.values())[: int(len(papers) * repeat_rate)]
            for p in extra:
                entries.insert(rng.randrange(len(entries) + 1), p)
        label_day = _EPOCH - dt.timedelta(days=day % 365)
        day += 1
        chrome = [c for c in _CHROME if rng.random() < 0.8]
        lines = [*chrome, f"{MONTHS[label_day.month - 1]} {label_day.day}"]
        for p in entries:
            lines += _entry_lines(p, rng)
        return "\n\n".join(lines) + "\n"

    for paper in generate_papers(n_papers, seed):
        batch.append(paper)
        if len(batch) == per_digest:
            yield digest(batch)
            earlier.extend(batch)
            batch = []
    if batch:
        yield digest(batch)


def write_digests(
    directory: Path, n_papers: int, seed: int = 0, *, per_digest: int = 50
) -> list[Path]:
    """Write the digests as files ``digest-00000.txt``... and return their paths in order."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, text in enumerate(generate_digest_texts(n_papers, seed, per_digest=per_digest)):
        path = directory / f"digest-{n:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def build_library(
    path: Path,
    n_papers: int,
    seed: int = 0,
    *,
    per_digest: int = 50,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Create a library at ``path`` by importing generated digests with the real importer.

    ``seconds`` is the import alone (parsing, database and search index), not the
    generation of the text.
    """
    from readinglist.importing import Importer
    from readinglist.library import Library

    with tempfile.TemporaryDirectory(prefix="readinglist-digests-") as tmp:
        paths = write_digests(Path(tmp), n_papers, seed, per_digest=per_digest)
        lib = Library.open(path)
        try:
            start = time.perf_counter()
            result = Importer(lib).import_files(
                paths, progress=(lambda n, t, _p: progress(n, t)) if progress else None
            )
        finally:
            lib.close()  # closing writes what the index deferred: part of the import
        seconds = time.perf_counter() - start
        failed = result.failed
        if failed:
            raise RuntimeError(f"{failed[0].path}: {failed[0].error}")
        with Library.open(path) as lib:
            papers = lib.count()
    return BuildReport(papers=papers, files=len(paths), seconds=seconds)


def sample_queries(n: int, seed: int = 0) -> list[str]:
    """``n`` user-like queries of 1-3 words: topic words, phrases' parts, some common words."""
    rng = random.Random(seed + 104729)
    vocab = sorted(
        {w.strip(",.?").lower() for ps in TOPICS.values() for p in ps for w in p.split()}
    )
    vocab = [w for w in vocab if len(w) > 2 and w not in {"the", "and", "for", "with"}]
    out = []
    for _ in range(n):
        k = rng.choice((1, 1, 2, 2, 2, 3))
        if rng.random() < 0.4:
            phrase = rng.choice(TOPICS[rng.choice(list(TOPICS))]).lower().split()
            words = phrase[:k]
        else:
            words = rng.sample(vocab, k)
        out.append(" ".join(words))
    return out
