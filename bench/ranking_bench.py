"""Ranking benchmark: how well "For you" puts a scripted reader's keepers first, and how fast.

``python -m bench ranking [--readers 10] [--digests DIR] [--speed 30000] [--out FILE]``

**Quality.** A scripted reader has a topical taste: three liked topics of the generator's
sixteen, two disliked ones, and no patience for surveys. It triages every new paper of
every digest (the real digests of ``--digests`` interleaved with generated ones from
``bench/generate.py``): a paper is kept when its title names a liked topic, or its abstract
names two, and no disliked topic is in the title; a paper with many upvotes gets a little
credit. Kept papers are sometimes starred or read (stronger labels). Then 7% of the calls
are flipped: readers are not consistent. For each number of decisions N (the first N in
time order) the ranking is trained once and tested on the next ``--test-digests`` digests
that start after those N decisions: ROC-AUC, average precision, precision@10 and
keep-recall@25% for the learned model, the likeness fallback, the mode ``train`` chooses,
digest order, and upvotes-then-seen-count, averaged over ``--readers`` readers (different
tastes and noise). Also the full replay of ``readinglist.ranking.evaluation`` on the first
``--replay-digests`` digests.

**Speed.** Training on ``--speed`` decisions (generated papers, the same reader), scoring
100-paper digests with that model, the model's stored size and its load time, and the
import times of the ranking package and of numpy (fresh processes).

``--compare`` also runs scikit-learn (TfidfVectorizer + LogisticRegression, if installed)
on the same decisions for the dependency choice in docs/ranking.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.generate import TOPICS, generate_digest_texts, generate_papers
from readinglist.digest import parse_bytes, title_key
from readinglist.ranking import Decision, Example, Model, Paper, train
from readinglist.ranking.evaluation import digest_order, evaluate, model_order, popularity_order
from readinglist.ranking.metrics import Figures, ListCounts, combine, count

NOISE = 0.07
CUTS = (10, 20, 50, 100, 150, 200, 300, 500, 1000)
REFERENCE = dt.date(2026, 3, 1)
# Words too common in every abstract of the field to carry a taste on their own.
GENERIC = frozenset({"fine-tuning", "benchmarks", "planning", "exploration", "pruning"})
SURVEYS = ("survey", "review", "reviewing", "overview", "guide", "tutorial")
DEFAULT_DIGESTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "digests" / "real"


# -- the reader ------------------------------------------------------------------------------


def _pattern(phrases: list[str]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alternatives = "|".join(re.escape(p.casefold()) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


@dataclass
class Reader:
    """A reader with a topical taste who is wrong ``noise`` of the time."""

    liked: list[str]
    disliked: list[str]
    noise: float
    rng: random.Random

    def __post_init__(self) -> None:
        self._liked = _pattern([p for p in self.liked if p.casefold() not in GENERIC])
        self._weak = _pattern([p for p in self.liked if p.casefold() in GENERIC])
        self._disliked = _pattern(self.disliked)
        self._surveys = _pattern(list(SURVEYS))

    @classmethod
    def with_seed(cls, seed: int, noise: float = NOISE) -> Reader:
        rng = random.Random(seed)
        topics = rng.sample(sorted(TOPICS), k=5)
        liked = [p for t in topics[:3] for p in TOPICS[t]]
        disliked = [p for t in topics[3:] for p in TOPICS[t]]
        return cls(liked, disliked, noise, rng)

    @staticmethod
    def _hits(pattern: re.Pattern[str] | None, text: str) -> int:
        return len(set(pattern.findall(text))) if pattern else 0

    def interest(self, paper: Paper) -> float:
        title, abstract = paper.title.casefold(), paper.abstract.casefold()
        score = 2.0 * self._hits(self._liked, title) + 0.5 * self._hits(self._weak, title)
        score += 1.0 * self._hits(self._liked, abstract)
        score -= 3.0 * self._hits(self._disliked, title)
        score -= 4.0 * self._hits(self._surveys, title)
        if (paper.upvotes or 0) >= 30:
            score += 1.0
        return score

    def decide(self, paper: Paper) -> float:
        """The label of the reader's call: -1 dismissed, 1 kept, 1.5 read, 2 starred."""
        interest = self.interest(paper)
        keep = interest >= 2.0
        if self.rng.random() < self.noise:
            keep = not keep
        if not keep:
            return -1.0
        if interest >= 4.0 and self.rng.random() < 0.5:
            return 2.0
        return 1.5 if self.rng.random() < 0.3 else 1.0


# -- digests and decisions -------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """A paper as one digest lists it."""

    paper: Paper
    position: int


def digest_stream(real: list[Path], generated: int, seed: int) -> list[list[Listed]]:
    """The real digests interleaved with generated ones (one real after each of the first).

    Paper ids follow title keys across digests, and a paper's seen count is how many of the
    digests so far listed it, as the library would show it at triage.
    """
    texts = [p.read_bytes() for p in sorted(real, key=_real_order)]
    gen = [t.encode() for t in generate_digest_texts(generated, seed=seed, per_digest=50)]
    order: list[bytes] = []
    for n, text in enumerate(gen):
        order.append(text)
        if n < len(texts):
            order.append(texts[n])
    ids: dict[str, int] = {}
    seen: dict[int, int] = {}
    out = []
    for data in order:
        listed = []
        for entry in parse_bytes(data, reference=REFERENCE).entries:
            pid = ids.setdefault(title_key(entry.title), len(ids))
            seen[pid] = seen.get(pid, 0) + 1
            paper = Paper(pid, entry.title, entry.abstract, (), entry.upvotes, seen[pid])
            listed.append(Listed(paper, entry.position))
        out.append(listed)
    return out


def _real_order(path: Path) -> tuple[dt.date, str]:
    digest = parse_bytes(path.read_bytes(), reference=REFERENCE)
    return (digest.date or REFERENCE, path.name)


@dataclass(frozen=True)
class Triaged:
    """One digest's decisions: the new papers, their labels and digest positions."""

    papers: list[Paper]
    labels: list[float]
    positions: list[int]


def triage(reader: Reader, stream: list[list[Listed]]) -> list[Triaged]:
    """The reader decides every paper the first time it is listed; repeats were decided."""
    decided: set[int] = set()
    out = []
    for listed in stream:
        new = [item for item in listed if item.paper.id not in decided]
        decided.update(item.paper.id for item in new)
        out.append(
            Triaged(
                [i.paper for i in new],
                [reader.decide(i.paper) for i in new],
                [i.position for i in new],
            )
        )
    return out


# -- quality ---------------------------------------------------------------------------------

TASTE = "reader's taste, no noise"


def rank_digest(
    name: str, models: dict[str, Model], digest: Triaged, reader: Reader | None = None
) -> list[int]:
    positions = [float(p) for p in digest.positions]
    if name == TASTE and reader is not None:
        interest = [reader.interest(p) for p in digest.papers]
        return sorted(range(len(positions)), key=lambda i: (-interest[i], positions[i]))
    if name == "digest order":
        return digest_order(digest.papers, positions)
    if name == "upvotes, seen":
        return popularity_order(digest.papers, positions)
    return model_order(models[name], digest.papers, positions)


def quality_at(
    digests: list[Triaged],
    n: int,
    test_digests: int,
    trainers: dict[str, Any],
    reader: Reader | None = None,
) -> dict[str, ListCountsList]:
    """Train on the first ``n`` decisions; rank the next ``test_digests`` whole digests."""
    examples: list[Example] = []
    start = None
    for k, d in enumerate(digests):
        if len(examples) >= n:
            start = k
            break
        room = n - len(examples)
        examples += [Example(p, y) for p, y in zip(d.papers[:room], d.labels[:room], strict=True)]
    if start is None or len(examples) < n:
        raise ValueError(f"not enough digests for {n} decisions")
    tests = [d for d in digests[start : start + test_digests] if d.papers]
    models = {name: fit(examples) for name, fit in trainers.items()}
    out: dict[str, ListCountsList] = {}
    for name in (*trainers, "digest order", "upvotes, seen", *([TASTE] if reader else [])):
        out[name] = [
            count([d.labels[i] > 0 for i in rank_digest(name, models, d, reader)]) for d in tests
        ]
    return out


ListCountsList = list[ListCounts]


def default_trainers() -> dict[str, Any]:
    """The learned model at any count, the likeness fallback at any count, and the default."""
    return {
        "learned": lambda ex: train(ex, min_decisions=0, min_each=1),
        "similar": lambda ex: train(ex, min_decisions=10**9),
        "chosen": train,
    }


def quality(
    readers: list[int],
    real: list[Path],
    generated: int,
    test_digests: int,
    cuts: tuple[int, ...] = CUTS,
    trainers: dict[str, Any] | None = None,
) -> dict[int, dict[str, dict[str, float | None]]]:
    """Mean figures over readers, per number of training decisions and ranker."""
    trainers = trainers or default_trainers()
    table: dict[int, dict[str, list[Figures]]] = {n: {} for n in cuts}
    for seed in readers:
        stream = digest_stream(real, generated, seed)
        reader = Reader.with_seed(seed)
        digests = triage(reader, stream)
        for n in cuts:
            for name, lists in quality_at(digests, n, test_digests, trainers, reader).items():
                table[n].setdefault(name, []).append(combine(lists))
    return {n: {name: _mean(figs) for name, figs in row.items()} for n, row in table.items()}


def _mean(figures: list[Figures]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key in ("roc_auc", "average_precision", "precision_at_10", "keep_recall_at_25"):
        values = [v for f in figures if (v := getattr(f, key)) is not None]
        out[key] = round(statistics.mean(values), 3) if values else None
    out["readers"] = len(figures)
    return out


def replay(readers: list[int], real: list[Path], generated: int, digests: int) -> dict[str, Any]:
    """``evaluate`` over the first ``digests`` digests of each reader's log, averaged."""
    results = []
    for seed in readers:
        stream = digest_stream(real, generated, seed)
        log = triage(Reader.with_seed(seed), stream)[:digests]
        clock = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        decisions = []
        for k, d in enumerate(log):
            for paper, label, position in zip(d.papers, d.labels, d.positions, strict=True):
                clock += dt.timedelta(seconds=5)
                decisions.append(Decision(paper, label, clock, k, position))
        results.append(evaluate(decisions))
    return {
        "digests": results[0].digests,
        "decisions": round(statistics.mean(r.decisions for r in results)),
        "model": _mean([r.model for r in results]),
        "digest order": _mean([r.digest_order for r in results]),
        "upvotes, seen": _mean([r.popularity for r in results]),
    }


# -- speed -----------------------------------------------------------------------------------


def speed(n_decisions: int, rounds: int = 3) -> dict[str, Any]:
    """Training and scoring times (wall and CPU: the machine may be shared), sizes."""
    reader = Reader.with_seed(1)
    papers = [
        Paper(i, g.title, g.abstract, (), g.upvotes, 1)
        for i, g in enumerate(generate_papers(n_decisions + 2_000, seed=11))
    ]
    examples = [Example(p, reader.decide(p)) for p in papers[:n_decisions]]
    fresh = papers[n_decisions:]
    train_wall, train_cpu = [], []
    model = train([])
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        model = train(examples)
        train_wall.append(time.perf_counter() - wall)
        train_cpu.append(time.process_time() - cpu)
    score_wall, score_cpu = [], []
    for k in range(0, len(fresh) - 100 + 1, 100):
        wall, cpu = time.perf_counter(), time.process_time()
        model.score(fresh[k : k + 100])
        score_wall.append(time.perf_counter() - wall)
        score_cpu.append(time.process_time() - cpu)
    blob = model.to_bytes()
    load_times = []
    for _ in range(rounds):
        start = time.perf_counter()
        Model.from_bytes(blob)
        load_times.append(time.perf_counter() - start)
    return {
        "decisions": n_decisions,
        "mode": str(model.mode),
        "terms": len(model.terms),
        "train_s": round(statistics.median(train_wall), 2),
        "train_cpu_s": round(statistics.median(train_cpu), 2),
        "score_100_ms": round(statistics.median(score_wall) * 1000, 1),
        "score_100_cpu_ms": round(statistics.median(score_cpu) * 1000, 1),
        "score_100_ms_max": round(max(score_wall) * 1000, 1),
        "scored_digests": len(score_wall),
        "blob_kb": round(len(blob) / 1024),
        "load_ms": round(statistics.median(load_times) * 1000),
    }


def import_times(rounds: int = 5) -> dict[str, float]:
    """Milliseconds added by importing each module set in a fresh process (median)."""
    cases = {
        "python alone": "pass",
        "readinglist.ranking": "import readinglist.ranking",
        "numpy": "import numpy",
        "readinglist.cli.main": "import readinglist.cli.main",
    }
    if _has("sklearn"):
        cases["sklearn (tf-idf + logistic regression)"] = (
            "import sklearn.feature_extraction.text, sklearn.linear_model"
        )
    out = {}
    for name, code in cases.items():
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            samples.append(time.perf_counter() - start)
        out[name] = round(statistics.median(samples) * 1000)
    base = out["python alone"]
    return {k: (v if k == "python alone" else v - base) for k, v in out.items()}


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def install_sizes() -> dict[str, float]:
    """Installed size in MB of each distribution (files as listed in its RECORD)."""
    from importlib import metadata

    out = {}
    for name in ("numpy", "scikit-learn", "scipy", "joblib", "threadpoolctl"):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        total = 0
        for f in dist.files or []:
            path = Path(str(dist.locate_file(f)))
            if path.is_file():
                total += path.stat().st_size
        out[f"{name} {dist.version}"] = round(total / 1e6, 1)
    return out


# -- scikit-learn, for the dependency choice -------------------------------------------------


def sklearn_trainer() -> Any:
    """The same job done the scikit-learn way, wrapped to look like a ranking Model."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    class Wrapped:
        mode = "sklearn"

        def __init__(self, examples: list[Example]) -> None:
            self.vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
            texts = [f"{e.paper.title} {e.paper.title} {e.paper.abstract}" for e in examples]
            x = self.vectorizer.fit_transform(texts)
            y = np.array([e.label > 0 for e in examples])
            self.model = LogisticRegression(C=1.0, max_iter=1000)
            self.model.fit(x, y, sample_weight=np.array([abs(e.label) for e in examples]))

        def score(self, papers: list[Paper]) -> list[Any]:
            texts = [f"{p.title} {p.title} {p.abstract}" for p in papers]
            margins = self.model.decision_function(self.vectorizer.transform(texts))

            @dataclass
            class S:
                score: float

            return [S(float(m)) for m in margins]

    return Wrapped


def compare(readers: list[int], real: list[Path], generated: int, test_digests: int) -> Any:
    if not _has("sklearn"):
        return {"skipped": "scikit-learn is not installed"}
    wrapped = sklearn_trainer()
    trainers = {"numpy (ours)": default_trainers()["learned"], "scikit-learn": wrapped}
    table = quality(readers, real, generated, test_digests, cuts=(50, 200, 1000), trainers=trainers)
    reader = Reader.with_seed(1)
    papers = [
        Paper(i, g.title, g.abstract, (), g.upvotes, 1)
        for i, g in enumerate(generate_papers(30_100, seed=11))
    ]
    examples = [Example(p, reader.decide(p)) for p in papers[:30_000]]
    start = time.perf_counter()
    model = wrapped(examples)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    model.score(papers[30_000:])
    score_ms = (time.perf_counter() - start) * 1000
    return {
        "quality": table,
        "sklearn_train_30000_s": round(train_s, 2),
        "sklearn_score_100_ms": round(score_ms, 1),
    }


# -- report ----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    import numpy

    return {
        "nproc": str(os.cpu_count()),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "platform": platform.platform(),
        "date": dt.date.today().isoformat(),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def markdown(table: dict[int, dict[str, dict[str, float | None]]]) -> str:
    lines = [
        "| decisions | ranker | ROC-AUC | AP | P@10 | keep-recall@25% |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for n, row in table.items():
        for name, fig in row.items():
            cells = [
                fig.get(k)
                for k in ("roc_auc", "average_precision", "precision_at_10", "keep_recall_at_25")
            ]
            shown = " | ".join("-" if v is None else f"{v:.3f}" for v in cells)
            lines.append(f"| {n} | {name} | {shown} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench ranking", description=__doc__)
    ap.add_argument("--readers", type=int, default=10, help="scripted readers (0: speed only)")
    ap.add_argument("--first-reader", type=int, default=1, help="seed of the first reader")
    ap.add_argument("--digests", type=Path, default=DEFAULT_DIGESTS, help="real digests folder")
    ap.add_argument("--generated", type=int, default=3_000, help="generated papers (50/digest)")
    ap.add_argument("--test-digests", type=int, default=10)
    ap.add_argument("--cuts", default=",".join(map(str, CUTS)))
    ap.add_argument("--replay-digests", type=int, default=12)
    ap.add_argument("--speed", type=int, default=30_000, help="decisions to train on (0: skip)")
    ap.add_argument("--rounds", type=int, default=3, help="repeats of each timing")
    ap.add_argument("--compare", action="store_true", help="also measure scikit-learn")
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    args = ap.parse_args(argv)
    real = sorted(args.digests.glob("*.txt")) if args.digests.is_dir() else []
    if not real:
        print(f"note: no real digests in {args.digests}; generated ones only", file=sys.stderr)
    readers = list(range(args.first_reader, args.first_reader + args.readers))
    cuts = tuple(int(c) for c in args.cuts.split(",") if c.strip())
    results: dict[str, Any] = {"machine": machine(), "real_digests": [p.name for p in real]}
    if readers:
        table = quality(readers, real, args.generated, args.test_digests, cuts)
        results["quality"] = table
        print(markdown(table))
    if readers and args.replay_digests:
        results["replay"] = replay(readers, real, args.generated, args.replay_digests)
        print(json.dumps(results["replay"], indent=2))
    if args.speed:
        results["speed"] = speed(args.speed, args.rounds)
        results["imports_ms"] = import_times(args.rounds)
        results["install_mb"] = install_sizes()
        print(json.dumps({k: results[k] for k in ("speed", "imports_ms", "install_mb")}, indent=2))
    if args.compare and readers:
        results["compare"] = compare(readers, real, args.generated, args.test_digests)
        print(json.dumps(results["compare"], indent=2))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
