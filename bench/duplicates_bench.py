"""Versions and near-duplicates: how well they are found, and how fast at 100,000 papers.

``python -m bench duplicates [--digests DIR] [--rounds 20] [--size 100000] [--out FILE]``

Quality, on the real digests (``--digests``, by default ``tests/fixtures/digests/real``):

* **Versions**: each real title spelled the ways digests and preprint servers spell it (a
  trailing full stop, ``v2``, ``(v2)``, ``[v3]``, "version 2", case, hyphens, dashes,
  punctuation, spacing, Unicode forms, accents); folded means the same ``paper_key``.
* **Near-duplicates**: each real paper once more with its title changed one way (an
  abbreviation, a dropped subtitle, a changed word) and its abstract changed one way (the
  same, cut off, revised, reformatted), among **different papers with close titles**: a close
  title over another paper's abstract, and a follow-up ("X 2", "X++") whose abstract opens
  with the original's first sentence.  Each round splits the real papers in two halves: the
  originals, and the donors of the negatives' abstracts (so no abstract is indexed twice by
  accident).  A reported pair is right when both papers come from the same original.
* **The real digests themselves**, which hold no duplicates: every candidate is a false one.

Speed, on ``bench/generate.py`` papers: building the index, a full ``scan``, and the
import-time check (``candidates_for``) of 1,000 papers (half near-duplicates of indexed
papers, half new), beside the bare counterparts: grouping by the old exact ``title_key``
(scan), and RapidFuzz's ``process.extract`` of the closest titles (per check).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import resource
import statistics
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.generate import generate_papers
from readinglist.digest import paper_key, parse_bytes, title_key
from readinglist.duplicates import DuplicateIndex, PaperText, compare

DEFAULT_DIGESTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "digests" / "real"
REFERENCE = dt.date(2026, 3, 1)
CHECKS = 1_000

# -- the real papers ---------------------------------------------------------------------------


def real_papers(folder: Path) -> list[tuple[str, str]]:
    """Distinct (title, abstract) of the digests in ``folder``, complete entries only."""
    seen: dict[str, tuple[str, str]] = {}
    for path in sorted(folder.glob("*.txt")):
        for entry in parse_bytes(path.read_bytes(), reference=REFERENCE).entries:
            if not entry.incomplete:
                seen.setdefault(paper_key(entry.title), (entry.title, entry.abstract))
    return list(seen.values())


# -- version spellings: each must fold ---------------------------------------------------------


def version_spellings(title: str, rng: random.Random) -> dict[str, str]:
    """The title as other digests and preprint servers write it, one way per kind."""
    words = title.split()
    first = words[0]
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in first)
    accented = unicodedata.normalize("NFKD", title)
    accented = "".join(c for c in accented if unicodedata.category(c) != "Mn")
    if accented == title:  # an ASCII title: accent a vowel of its first word, as "Tülu"/"Tulu"
        accented = re.sub("[aeiou]", lambda m: m.group() + "\u0308", title, count=1)
    spellings = {
        "full stop": title + ".",
        "v2": f"{title} v2",
        "(v2)": f"{title} (v2)",
        "[v3]": f"{title} [v3]",
        "version 2": f"{title}, version 2",
        "case": title.upper() if rng.random() < 0.5 else title.lower(),
        "hyphen as space": title.replace("-", " ") if "-" in title else _hyphenate(title, rng),
        "hyphen dropped": title.replace("-", "") if "-" in title else _hyphenate(title, rng),
        "dashes": title.replace(" -- ", " \u2014 ")
        .replace("-", "\u2010")
        .replace(": ", " \u2013 "),
        "punctuation": _punctuate(title),
        "spacing": "  " + title.replace(" ", "\u00a0 ", 2) + " \t",
        "unicode forms": unicodedata.normalize("NFD", title.replace(first, fullwidth, 1)).replace(
            "fi", "\ufb01"
        ),
        "accents": accented,
    }
    spellings["combined"] = _hyphenate(title.lower(), rng).replace(":", " -") + " (v2)."
    return spellings


def _hyphenate(title: str, rng: random.Random) -> str:
    """Join two words with a hyphen (or split a hyphenated one): "Fine Tuning" / "Fine-Tuning"."""
    if "-" in title:
        return title.replace("-", " ", 1)
    words = title.split(" ")
    if len(words) < 2:
        return title
    i = rng.randrange(len(words) - 1)
    return " ".join([*words[:i], words[i] + "-" + words[i + 1], *words[i + 2 :]])


def _punctuate(title: str) -> str:
    """Quotes around the first word, a colon written as a dash, no question mark."""
    words = title.split(" ")
    words[0] = f"\u201c{words[0]}\u201d"
    return " ".join(words).replace(":", " -").replace("?", "").replace("!", "") + "?"


# -- near-duplicates: each must be a candidate -------------------------------------------------

_PHRASES = {  # common abbreviations of the field, tried when the abstract defines none
    "Large Language Models": "LLMs",
    "Large Language Model": "LLM",
    "Language Models": "LMs",
    "Vision-Language Models": "VLMs",
    "Multimodal Large Language Models": "MLLMs",
    "Reinforcement Learning": "RL",
    "Retrieval-Augmented Generation": "RAG",
    "Parameter-Efficient Fine-Tuning": "PEFT",
    "Vision Transformers": "ViTs",
    "Graph Neural Networks": "GNNs",
    "Natural Language Processing": "NLP",
    "Out-of-Distribution": "OOD",
}
_SWAPS = {
    "via": "through", "towards": "toward", "toward": "towards", "using": "with", "with": "using",
    "for": "in", "models": "model", "model": "models", "learning": "training", "efficient":
    "effective", "large": "big", "approach": "method", "method": "approach", "study": "analysis",
    "analysis": "study", "improving": "enhancing", "enhancing": "improving", "and": "&",
}  # fmt: skip
_STOP = {"a", "an", "the", "of", "in", "on", "for", "to", "and", "with", "via", "by", "from"}


def abbreviated(title: str, abstract: str) -> str | None:
    """A run of title words replaced by the abbreviation the abstract defines, e.g. (MEL)."""
    words = title.split()
    for acronym in re.findall(r"\(([A-Z][A-Za-z0-9-]{1,9}?s?)\)", abstract):
        letters = acronym.rstrip("s").upper()
        for start in range(len(words)):
            for end in range(start + 2, min(len(words), start + 8) + 1):
                parts = [p for w in words[start:end] for p in w.split("-") if p]
                initials = "".join(p[0] for p in parts if p.lower() not in _STOP).upper()
                if initials == letters.replace("-", ""):
                    return " ".join([*words[:start], acronym, *words[end:]])
    for phrase, short in _PHRASES.items():
        found = re.search(re.escape(phrase), title, flags=re.IGNORECASE)
        if found:
            return title[: found.start()] + short + title[found.end() :]
    return None


def subtitle_dropped(title: str, rng: random.Random) -> str | None:
    """The part before a colon or dash, or the part after it."""
    parts = re.split(r":\s+| -- | - ", title, maxsplit=1)
    if len(parts) < 2:
        return None
    return parts[0] if rng.random() < 0.5 else parts[1]


def word_changed(title: str, rng: random.Random, vocabulary: list[str]) -> str:
    """One word swapped for a near-synonym, or dropped, or one added."""
    words = title.split()
    swappable = [i for i, w in enumerate(words) if w.lower() in _SWAPS]
    choice = rng.random()
    if swappable and choice < 0.5:
        i = rng.choice(swappable)
        new = _SWAPS[words[i].lower()]
        words[i] = new.capitalize() if words[i][:1].isupper() else new
    elif choice < 0.75 and len(words) > 3:
        del words[rng.randrange(1, len(words))]
    else:
        words.insert(rng.randrange(1, len(words) + 1), rng.choice(vocabulary))
    return " ".join(words)


def abstract_changed(abstract: str, rng: random.Random, kind: str) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", abstract)
    if kind == "same":
        return abstract
    if kind == "cut off":  # an incomplete digest entry: cut mid-sentence, at 40-95%
        return abstract[: int(len(abstract) * rng.uniform(0.4, 0.95))].rstrip()
    if kind == "revised":  # a later version: a word changed in one or two sentences, one added
        for _ in range(rng.randint(1, 2)):
            i = rng.randrange(len(sentences))
            words = sentences[i].split()
            words[rng.randrange(len(words))] = rng.choice(["new", "further", "several", "also"])
            sentences[i] = " ".join(words)
        sentences.insert(rng.randrange(len(sentences) + 1), "We also release code and models.")
        return " ".join(sentences)
    if kind == "rewritten in part":  # a word changed in half the sentences, one sentence dropped
        for i in rng.sample(range(len(sentences)), k=max(1, len(sentences) // 2)):
            words = sentences[i].split()
            words[rng.randrange(len(words))] = rng.choice(["new", "further", "several", "also"])
            sentences[i] = " ".join(words)
        if len(sentences) > 2:
            del sentences[rng.randrange(1, len(sentences))]
        return " ".join(sentences)
    # reformatted: other quotes and spacing, an "et al." written out, a line break
    text = abstract.replace('"', "\u201c").replace("'", "\u2019").replace(". ", ".  ")
    return text.replace(" et al.", " and colleagues").replace(", ", ",\n", 1)


ABSTRACT_KINDS = ("same", "cut off", "revised", "rewritten in part", "reformatted")
TITLE_KINDS = ("abbreviation", "dropped subtitle", "changed word")


@dataclass(frozen=True, slots=True)
class Made:
    """A paper of the benchmark's library and where it came from."""

    text: PaperText
    origin: int  # index of the real paper it copies (negatives: -1 - that index)
    kind: str  # "original", "<title kind> / <abstract kind>", or the negative's kind


def near_duplicates(
    real: list[tuple[str, str]], rng: random.Random, vocabulary: list[str]
) -> list[tuple[int, str, str, str]]:
    """(origin, kind, title, abstract) of one near-duplicate per title kind per real paper."""
    out: list[tuple[int, str, str, str]] = []
    for origin, (title, abstract) in enumerate(real):
        titles = {
            "abbreviation": abbreviated(title, abstract),
            "dropped subtitle": subtitle_dropped(title, rng),
            "changed word": word_changed(title, rng, vocabulary),
        }
        for title_kind, new_title in titles.items():
            if new_title is None or paper_key(new_title) == paper_key(title):
                continue
            abstract_kind = rng.choice(ABSTRACT_KINDS)
            new_abstract = abstract_changed(abstract, rng, abstract_kind)
            out.append((origin, f"{title_kind} / {abstract_kind}", new_title, new_abstract))
    return out


def negatives(
    real: list[tuple[str, str]],
    pools: tuple[list[int], list[int]],
    taken: set[str],
    rng: random.Random,
    vocabulary: list[str],
) -> list[tuple[int, str, str, str]]:
    """Different papers with titles close to an original's: (origin, kind, title, abstract).

    Their titles never share a key with a paper already made (``taken``): two papers with one
    key are one paper by definition, so such a pair would be no test.
    """
    originals, donors = pools
    out: list[tuple[int, str, str, str]] = []
    for n, origin in enumerate(originals):
        title, abstract = real[origin]
        options = [
            word_changed(title, rng, vocabulary),
            word_changed(title, rng, vocabulary),
            subtitle_dropped(title, rng) or title + ": A Case Study",
            abbreviated(title, abstract) or word_changed(title, rng, vocabulary),
        ]
        close = next((t for t in options if paper_key(t) not in taken), None)
        if close is not None:
            taken.add(paper_key(close))
            donor = real[donors[n % len(donors)]][1]
            out.append((origin, "close title, other abstract", close, donor))
        suffix = rng.choice(["-2", " 2", "++"])
        name_end = len(title.split(":")[0].split()[0])
        follow_up = title[:name_end] + suffix + title[name_end:]
        if paper_key(follow_up) not in taken:
            taken.add(paper_key(follow_up))
            opening = re.split(r"(?<=[.!?])\s+", abstract)[0]
            other = real[donors[(n + 1) % len(donors)]][1]
            out.append((origin, "follow-up, shared opening", follow_up, opening + " " + other))
    return out


def quality_round(real: list[tuple[str, str]], seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    vocabulary = sorted({w for t, _ in real for w in t.split() if w.isalpha() and len(w) > 3})
    order = list(range(len(real)))
    rng.shuffle(order)
    originals, donors = sorted(order[: len(order) // 2]), order[len(order) // 2 :]
    made = [Made(PaperText(i, *real[i]), i, "original") for i in originals]
    chosen = set(originals)
    dups = [d for d in near_duplicates(real, rng, vocabulary) if d[0] in chosen]
    taken = {paper_key(m.text.title) for m in made} | {paper_key(d[2]) for d in dups}
    negs = negatives(real, (originals, donors), taken, rng, vocabulary)
    next_id = len(real)
    for origin, kind, title, abstract in dups:
        made.append(Made(PaperText(next_id, title, abstract), origin, kind))
        next_id += 1
    for origin, kind, title, abstract in negs:
        made.append(Made(PaperText(next_id, title, abstract), -1 - origin, kind))
        next_id += 1
    by_id = {m.text.id: m for m in made}
    found = {(p.a, p.b) for g in DuplicateIndex(m.text for m in made).scan() for p in g.pairs}
    right = {pair for pair in found if by_id[pair[0]].origin == by_id[pair[1]].origin >= 0}
    wrong = Counter(
        _wrong_kind(by_id[a], by_id[b]) for a, b in found - right
    )  # which made papers were paired by mistake
    expected = Counter(m.kind for m in made if m.origin >= 0 and m.kind != "original")
    hits = Counter(
        m.kind
        for m in made
        if m.kind != "original" and m.origin >= 0 and _pair(m.text.id, m.origin) in found
    )
    # the import-time check: each near-duplicate and negative against the originals alone
    index = DuplicateIndex(m.text for m in made if m.kind == "original")
    import_right = import_wrong = 0
    for m in made:
        if m.kind == "original":
            continue
        ids = {c.id for c in index.candidates_for(m.text)}
        import_right += int(m.origin >= 0 and m.origin in ids)
        import_wrong += len(ids - {m.origin})
    # the margins: each made paper against the original it comes from
    originals_by_origin = {m.origin: m.text for m in made if m.kind == "original"}
    dup_figures: list[tuple[float, float]] = []
    neg_figures: list[tuple[float, float]] = []
    for m in made:
        if m.kind == "original":
            continue
        sim = compare(m.text, originals_by_origin[m.origin if m.origin >= 0 else -1 - m.origin])
        (dup_figures if m.origin >= 0 else neg_figures).append((sim.title, sim.abstract))
    return {
        "dup_figures": dup_figures,
        "neg_figures": neg_figures,
        "found": len(found),
        "right": len(right),
        "wrong": dict(wrong),
        "expected": dict(expected),
        "hits": dict(hits),
        "negatives": len(negs),
        "import_right": import_right,
        "import_wrong": import_wrong,
        "import_checked_dups": sum(expected.values()),
    }


def _pair(a: int, b: int) -> tuple[int, int]:
    return (min(a, b), max(a, b))


def _wrong_kind(a: Made, b: Made) -> str:
    return " + ".join(sorted((a.kind.split(" / ")[0], b.kind.split(" / ")[0])))


def versions(real: list[tuple[str, str]], seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    per_kind: Counter[str] = Counter()
    folded: Counter[str] = Counter()
    misses: list[str] = []
    for title, _ in real:
        key = paper_key(title)
        for kind, spelling in version_spellings(title, rng).items():
            per_kind[kind] += 1
            if paper_key(spelling) == key:
                folded[kind] += 1
            elif len(misses) < 10:
                misses.append(f"{kind}: {spelling!r}")
    keys = Counter(paper_key(t) for t, _ in real)
    return {
        "spellings": sum(per_kind.values()),
        "folded": sum(folded.values()),
        "per_kind": {k: [folded[k], n] for k, n in per_kind.items()},
        "misses": misses,
        "real_titles": len(real),
        "real_key_collisions": sum(n - 1 for n in keys.values()),
    }


def quality(real: list[tuple[str, str]], rounds: int) -> dict[str, Any]:
    total: dict[str, Any] = {"found": 0, "right": 0, "negatives": 0, "import_right": 0}
    total |= {"import_wrong": 0, "import_checked_dups": 0}
    wrong: Counter[str] = Counter()
    dup_figures: list[tuple[float, float]] = []
    neg_figures: list[tuple[float, float]] = []
    expected: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for r in range(rounds):
        one = quality_round(real, seed=1000 + r)
        for k in total:
            total[k] += one[k]
        wrong.update(one["wrong"])
        dup_figures += one["dup_figures"]
        neg_figures += one["neg_figures"]
        expected.update(one["expected"])
        hits.update(one["hits"])
    real_groups = DuplicateIndex(PaperText(i, t, a) for i, (t, a) in enumerate(real)).scan()
    total["wrong"] = dict(wrong)
    total["per_kind"] = {k: [hits[k], n] for k, n in sorted(expected.items())}
    total["expected"] = sum(expected.values())
    total["hits"] = sum(hits.values())
    total["real_candidates"] = sum(len(g.pairs) for g in real_groups)
    total["rounds"] = rounds
    total["margins"] = _margins(dup_figures, neg_figures, real)
    return total


def _margins(
    dups: list[tuple[float, float]], negs: list[tuple[float, float]], real: list[tuple[str, str]]
) -> dict[str, Any]:
    """How far each side stays from the thresholds: low percentiles of the true pairs' figures,
    high ones of the negatives' and of every pair of distinct real papers."""
    texts = [PaperText(i, t, a) for i, (t, a) in enumerate(real)]
    pairs = [compare(a, b) for i, a in enumerate(texts) for b in texts[i + 1 :]]
    real_figures = [(p.title, p.abstract) for p in pairs]

    def pct(values: list[float], q: float) -> float:
        values = sorted(values)
        return round(values[min(len(values) - 1, int(q * len(values)))], 3)

    return {
        "duplicates title p1/p5": [
            pct([t for t, _ in dups], 0.01),
            pct([t for t, _ in dups], 0.05),
        ],
        "duplicates abstract p1/p5": [
            pct([a for _, a in dups], 0.01),
            pct([a for _, a in dups], 0.05),
        ],
        "negatives title p95/max": [pct([t for t, _ in negs], 0.95), max(t for t, _ in negs)],
        "negatives abstract p95/max": [pct([a for _, a in negs], 0.95), max(a for _, a in negs)],
        "real pairs title max": max(t for t, _ in real_figures),
        "real pairs abstract max": max(a for _, a in real_figures),
        "real pairs": len(real_figures),
    }


# -- speed ------------------------------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clock()
    return {"wall_s": round(wall - start[0], 3), "cpu_s": round(cpu - start[1], 3)}


def speed(size: int, seed: int, checks_count: int = CHECKS) -> dict[str, Any]:
    rng = random.Random(seed)
    generated = list(generate_papers(size + checks_count // 2, seed))
    papers = [PaperText(i, p.title, p.abstract) for i, p in enumerate(generated[:size])]
    fresh = [PaperText(size + i, p.title, p.abstract) for i, p in enumerate(generated[size:])]
    vocabulary = sorted({w for p in papers[:2000] for w in p.title.split() if w.isalpha()})
    near = []
    for p in rng.sample(papers, checks_count // 2):
        kind = rng.choice(ABSTRACT_KINDS)
        near.append(
            PaperText(
                -1, word_changed(p.title, rng, vocabulary), abstract_changed(p.abstract, rng, kind)
            )
        )
    rss_before = _rss_mb()
    start = _clock()
    index = DuplicateIndex(papers)
    build = _since(start)
    rss_index = _rss_mb() - rss_before
    start = _clock()
    groups = index.scan()
    scan = _since(start)
    start = _clock()
    bare_groups = Counter(title_key(p.title) for p in papers)
    bare_scan = _since(start)
    checks = [*near, *fresh]
    rng.shuffle(checks)
    times: list[float] = []
    found_near = 0
    for paper in checks:
        t0 = time.perf_counter()
        candidates = index.candidates_for(paper)
        times.append(time.perf_counter() - t0)
        found_near += int(paper.id == -1 and bool(candidates))
    result: dict[str, Any] = {
        "size": size,
        "build": build,
        "scan": scan,
        "scan_groups": len(groups),
        "scan_same_key_groups": sum(all(p.similarity.same_key for p in g.pairs) for g in groups),
        "bare_scan": bare_scan,
        "bare_scan_groups": sum(n > 1 for n in bare_groups.values()),
        "index_rss_mb": round(rss_index, 1),
        "check_ms": _spread(times),
        "checked_near_found": [found_near, len(near)],
    }
    result["bare_check_ms"] = _bare_checks(papers, checks[:200])
    return result


def _spread(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "mean": round(statistics.fmean(ms), 3),
        "p50": round(ms[len(ms) // 2], 3),
        "p95": round(ms[int(len(ms) * 0.95)], 3),
        "max": round(ms[-1], 3),
    }


def _bare_checks(papers: list[PaperText], checks: list[PaperText]) -> dict[str, float] | None:
    """RapidFuzz's closest titles among all papers: the plain way to check one title."""
    try:
        from rapidfuzz import fuzz, process, utils
    except ImportError:
        return None
    titles = [p.title for p in papers]
    times = []
    for paper in checks:
        t0 = time.perf_counter()
        process.extract(
            paper.title,
            titles,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            limit=5,
        )
        times.append(time.perf_counter() - t0)
    return _spread(times)


# -- report -----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    return {
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": dt.date.today().isoformat(),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def report(result: dict[str, Any]) -> str:
    lines = [f"machine: {json.dumps(result['machine'])}"]
    v = result.get("versions")
    if v:
        lines.append(f"versions folded: {v['folded']} of {v['spellings']} spellings")
        lines += [f"  {k}: {a}/{n}" for k, (a, n) in v["per_kind"].items()]
        lines += [f"  miss {m}" for m in v["misses"]]
        lines.append(f"  real titles {v['real_titles']}, key collisions {v['real_key_collisions']}")
    q = result.get("quality")
    if q:
        recall = q["hits"] / max(1, q["expected"])
        precision = q["right"] / max(1, q["found"])
        lines.append(
            f"candidates (scan, {q['rounds']} rounds): recall {recall:.4f} "
            f"({q['hits']}/{q['expected']}), precision {precision:.4f} "
            f"({q['right']}/{q['found']}), negatives {q['negatives']}, wrong {q['wrong']}"
        )
        lines += [f"  {k}: {a}/{n}" for k, (a, n) in q["per_kind"].items()]
        lines.append(
            f"import check: found {q['import_right']}/{q['import_checked_dups']}, "
            f"wrong candidates {q['import_wrong']}"
        )
        lines.append(f"real digests: {q['real_candidates']} candidate pairs")
        lines += [f"  {k}: {v}" for k, v in q["margins"].items()]
    s = result.get("speed")
    if s:
        lines.append(json.dumps(s))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench duplicates", description=__doc__)
    ap.add_argument("--digests", type=Path, default=DEFAULT_DIGESTS, help="real digest folder")
    ap.add_argument("--rounds", type=int, default=20, help="quality rounds (new split each)")
    ap.add_argument("--size", type=int, default=100_000, help="papers for the speed part")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    args = ap.parse_args(argv)
    result: dict[str, Any] = {"machine": machine()}
    if args.digests.is_dir():
        real = real_papers(args.digests)
        result["versions"] = versions(real, args.seed)
        result["quality"] = quality(real, args.rounds)
    else:
        print(f"{args.digests}: no such folder; quality part skipped")
    if not args.no_speed:
        result["speed"] = speed(args.size, args.seed)
    print(report(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))
    return 0
