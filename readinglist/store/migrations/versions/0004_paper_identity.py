"""paper identity: author names and the arXiv id

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-20 12:00:00

arXiv feeds, Hugging Face daily papers and reference files (BibTeX, RIS, CSL-JSON) name a
paper's authors and its arXiv id. Papers keep both: ``authors`` (a JSON list of full names,
beside ``authors_count``) and ``arxiv_id`` (without version), indexed because the importer
looks papers up by it before their title. Existing papers know neither yet.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Both columns are added in place: a default given as text (not a SQL expression) keeps
    # SQLite from rebuilding the table, which under foreign keys would cascade the old
    # table's removal into sightings, tags, notes and shelf places.
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authors", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("arxiv_id", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_papers_arxiv_id"), ["arxiv_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_papers_arxiv_id"))
        batch_op.drop_column("arxiv_id")
        batch_op.drop_column("authors")
