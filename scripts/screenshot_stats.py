"""Screenshot of the statistics view on the real example digests, for docs/screenshot-stats.png.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_stats.py [OUT.png]

The three real example digests (tests/fixtures/digests/real) are imported into a temporary
library through the services; then, so that the weekly charts have a history to show, the
script *backdates* the library as if each digest had been imported on its own date and
papers had been read over the following weeks (plain SQL updates of ``imported_at``,
``added_at`` and ``updated_at``, nothing else), and pins "now" to a date after the last
digest. Tags, stars, shelves and statuses are set through the services.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import select, update  # noqa: E402

from readinglist import stats  # noqa: E402
from readinglist.gui.stats_view import StatsView  # noqa: E402
from readinglist.importing import Importer  # noqa: E402
from readinglist.library import Library  # noqa: E402
from readinglist.records import ReadStatus, Triage  # noqa: E402
from readinglist.shelves import Shelves  # noqa: E402
from readinglist.store.models import Digest, Paper, Sighting  # noqa: E402

DIGESTS = ROOT / "tests" / "fixtures" / "digests" / "real"
NOW = dt.datetime(2026, 4, 24, 18, 0, tzinfo=dt.UTC)
# When each digest is pretended to have been imported (its page date, or a few days later).
IMPORTED = {
    "001_0f1b953c0851655a.txt": dt.datetime(2025, 12, 10, 9, 0, tzinfo=dt.UTC),
    "000_43621e96afd2c307.txt": dt.datetime(2026, 3, 12, 8, 30, tzinfo=dt.UTC),
    "003_4c5b079a2516bdb5.txt": dt.datetime(2026, 3, 17, 21, 0, tzinfo=dt.UTC),
}


def build(location: Path) -> Library:
    lib = Library.open(location)
    report = Importer(lib).import_files(sorted(DIGESTS.glob("*.txt")))
    assert not report.failed, report
    rng = random.Random(8)
    ids = sorted(lib.paper_ids())
    # Reading through the backlog, a few papers a week; some skimmed, a few dismissed.
    read = rng.sample(ids, 34)
    skimmed = rng.sample([i for i in ids if i not in read], 22)
    lib.set_status(read, ReadStatus.READ)
    lib.set_status(skimmed, ReadStatus.SKIMMED)
    lib.set_triage(rng.sample([i for i in ids if i not in read + skimmed], 9), Triage.DISMISSED)
    lib.set_starred(read[:8], True)
    tags = {
        "fine-tuning": 23,
        "lora": 14,
        "forgetting": 11,
        "robustness": 9,
        "data selection": 7,
        "merging": 6,
        "rag": 4,
        "evaluation": 3,
    }
    for name, count in tags.items():
        lib.add_tags(rng.sample(ids, count), [name])
    shelves = Shelves(lib)
    shelves.create("To read this week")
    shelves.add("To read this week", rng.sample(ids, 12))
    shelves.create("Thesis: chapter 3")
    shelves.add("Thesis: chapter 3", rng.sample(ids, 18))
    shelves.create("Model merging", query="merging OR soups OR interpolation")
    with lib.write() as tx:
        session = tx.session
        for digest in session.scalars(select(Digest)):
            digest.imported_at = IMPORTED[digest.file_name]
        first = dict(
            session.execute(
                select(Sighting.paper_id, Digest.file_name)
                .join(Digest, Digest.id == Sighting.digest_id)
                .order_by(Sighting.id.desc())
            ).all()
        )
        changed = set(read + skimmed)
        for paper in session.scalars(select(Paper)):
            added = IMPORTED[first[paper.id]] + dt.timedelta(minutes=paper.id % 50)
            paper.added_at = added
            paper.updated_at = added
            if paper.id in changed:
                # Read or skimmed some days to weeks after import (the service dates it so).
                span = (min(NOW, added + dt.timedelta(days=40)) - added).total_seconds()
                paper.updated_at = added + dt.timedelta(seconds=rng.uniform(0.1, 1) * span)
        session.execute(update(Paper).where(Paper.updated_at > NOW).values(updated_at=NOW))
    return lib


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot-stats.png"
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        lib = build(Path(tmp) / "library")
        try:
            figures = stats.compute(lib, now=NOW, tz=dt.UTC)
            view = StatsView()
            view.set_stats(figures)
            view.resize(1100, 1000)
            view.show()
            app.processEvents()
            if not view.grab().save(str(out)):
                print(f"{out}: cannot write", file=sys.stderr)
                return 1
            print(f"wrote {out}")
        finally:
            lib.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
