#!/usr/bin/env python3
"""Write tests/fixtures/schemas/<head>.sqlite3 (+ .json): a small library at the current schema.

Run once when a schema revision is released, with the code of that release, and commit both
files; tests/store/test_migrations.py then upgrades every fixture to the newest schema and
compares what the library holds with the .json manifest.

    .venv/bin/python scripts/make_schema_fixture.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from readinglist.importing import Importer  # noqa: E402
from readinglist.layout import DB_NAME  # noqa: E402
from readinglist.library import Library  # noqa: E402
from readinglist.maintenance import sqlitefile  # noqa: E402
from readinglist.records import ReadStatus, Triage  # noqa: E402
from readinglist.shelves import Shelves  # noqa: E402
from readinglist.store import migrate  # noqa: E402
from tests.conftest import ABSTRACT, digest_text  # noqa: E402
from tests.store.schema_manifest import library_manifest  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "schemas"


def populate(lib: Library, folder: Path) -> None:
    """Every kind of row the schema has, with the awkward values real libraries hold."""
    first = folder / "2024-03-11.txt"
    first.write_text(
        digest_text(
            ("TÜLU 3: Pushing Frontiers in Open Language Model Post-Training", ABSTRACT),
            ("Sparse Adapters <script>alert(1)</script>", ABSTRACT),
            ("Catastrophic Forgetting Revisited", ABSTRACT),
            meta="  • 4 authors\n·\nMar 10, 2024 12",
        ),
        encoding="utf-8",
    )
    second = folder / "2024-03-12.txt"
    second.write_text(
        digest_text(
            ("Sparse Adapters <script>alert(1)</script>", ABSTRACT),
            ("A Paper Cut Off", "We propose a method that"),
            label="Mar 12",
        ),
        encoding="utf-8",
    )
    # 0004: a listing that names authors and arXiv ids (one paper known by its title).
    daily = folder / "daily-papers.json"
    daily.write_text(
        json.dumps(
            [
                {
                    "paper": {
                        "id": "2411.15124v2",
                        "title": "Catastrophic Forgetting Revisited",
                        "authors": [{"name": "Nathan Lambert"}, {"name": "Jörg Müller"}],
                        "upvotes": 30,
                    },
                    "publishedAt": "2024-03-12T00:00:00.000Z",
                }
            ]
        ),
        encoding="utf-8",
    )
    result = Importer(lib).import_files([first, second, daily])
    assert not result.failed, [f.error for f in result.failed]
    ids = {r.title.split()[0]: r.id for r in lib.list_papers()}
    lib.add_tags([ids["TÜLU"], ids["Sparse"]], ["LoRA", "to read"])
    lib.set_tag_color("LoRA", "#cc3333")
    lib.set_starred([ids["TÜLU"]], True)
    lib.set_status([ids["Sparse"]], ReadStatus.SKIMMED)
    lib.set_triage([ids["Catastrophic"]], Triage.KEPT)
    lib.set_note(ids["TÜLU"], "# Why\nCompare with **Llama** <b>base</b>.\n- [x] read §3")
    lib.trash([ids["A"]])
    shelves = Shelves(lib)
    shelves.create("Queue")
    shelves.add("Queue", [ids["Sparse"], ids["TÜLU"], ids["Catastrophic"]])
    shelves.move("Queue", [ids["Catastrophic"]], 0)
    shelves.create("Adapters", query="adapter")


def main() -> None:
    head = migrate.head_revision()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Library.open(folder / "library", backups=False) as lib:
            populate(lib, folder)
            manifest = library_manifest(lib)
        target = OUT / f"{head}.sqlite3"
        target.unlink(missing_ok=True)
        sqlitefile.copy_database(folder / "library" / DB_NAME, target)
    conn = sqlitefile.connect(target)
    conn.execute("VACUUM")
    conn.close()
    (OUT / f"{head}.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {target} ({target.stat().st_size:,} bytes) and {head}.json")


if __name__ == "__main__":
    main()
