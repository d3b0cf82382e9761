"""authorship: who changed papers, notes and shelves; note versions; a library id

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:40:00

For shared libraries: notes and shelf changes say who made them (the detail pane shows it),
a note carries a version number so that two people editing it at once cannot overwrite each
other unnoticed, and the library gets an id of its own so that a client's local search index
is never mistaken for the index of another database reached by the same URL.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_by", sa.String(length=200), nullable=True))
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_by", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
    with op.batch_alter_table("shelves", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("shelf_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("added_by", sa.String(length=200), nullable=True))
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.bulk_insert(meta, [{"key": "library_id", "value": uuid.uuid4().hex}])


def downgrade() -> None:
    meta = sa.table("meta", sa.column("key", sa.String))
    op.execute(sa.delete(meta).where(meta.c.key == "library_id"))
    with op.batch_alter_table("shelf_items", schema=None) as batch_op:
        batch_op.drop_column("added_by")
    with op.batch_alter_table("shelves", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
        batch_op.drop_column("changed_by")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("updated_by")
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.drop_column("updated_by")
