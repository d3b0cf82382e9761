"""journal kinds: the change journal names shelves, tags and digests as well as papers

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 23:00:00

Open windows learn what other processes changed from the journal, with exact ids; a shelf
created or a tag coloured from the command line changes no paper, so the journal says what
kind of thing each entry names. Existing entries are all about papers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("paper_changes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=8), server_default="paper", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("paper_changes", schema=None) as batch_op:
        batch_op.drop_column("kind")
