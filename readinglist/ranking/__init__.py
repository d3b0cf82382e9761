"""Ranking papers by what this reader keeps: pure, on the device, with reasons.

Importing this package loads no numerical library: numpy is imported by ``train`` (when
there is at least one decision), and scoring a stored model is plain Python.

    model = train(examples)                     # Example(paper, label_weight(signals))
    for s in model.rank(papers):                # best first, with s.score and s.reasons
        ...
    blob = model.to_bytes(); Model.from_bytes(blob)   # UnreadableModel: rebuild from the log
    report = evaluate(decisions)                # replay of the decision log, with baselines
"""

from __future__ import annotations

from readinglist.ranking.blob import FORMAT_VERSION, UnreadableModel
from readinglist.ranking.evaluation import Evaluation, evaluate
from readinglist.ranking.examples import (
    SIGNAL_WEIGHTS,
    Decision,
    Example,
    Paper,
    Signal,
    label_weight,
    paper_from_record,
)
from readinglist.ranking.metrics import Figures
from readinglist.ranking.model import Mode, Model, Reason, Scored
from readinglist.ranking.training import MIN_DECISIONS, MIN_EACH, train

__all__ = [
    "FORMAT_VERSION",
    "MIN_DECISIONS",
    "MIN_EACH",
    "SIGNAL_WEIGHTS",
    "Decision",
    "Evaluation",
    "Example",
    "Figures",
    "Mode",
    "Model",
    "Paper",
    "Reason",
    "Scored",
    "Signal",
    "UnreadableModel",
    "evaluate",
    "label_weight",
    "paper_from_record",
    "train",
]
