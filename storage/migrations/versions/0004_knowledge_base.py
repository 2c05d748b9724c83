"""Knowledge base: countries, roles, organizations, people, alliance facts.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _source() -> list[sa.Column[object]]:
    return [
        sa.Column("source_url", sa.String(512), nullable=False),
        sa.Column("source_date", sa.Date, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "kb_countries",
        sa.Column("code", sa.String(2), nullable=False),
        sa.Column("names", sa.JSON, nullable=False),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("in_alliance", sa.Boolean, nullable=False),
        *_source(),
        sa.PrimaryKeyConstraint("code", name="pk_kb_countries"),
    )
    op.create_table(
        "kb_roles",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("names", sa.JSON, nullable=False),
        sa.Column("aliases", sa.JSON, nullable=False),
        *_source(),
        sa.PrimaryKeyConstraint("code", name="pk_kb_roles"),
    )
    op.create_table(
        "kb_organizations",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("website", sa.String(512), nullable=True),
        sa.Column("names", sa.JSON, nullable=False),
        sa.Column("short_names", sa.JSON, nullable=False),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("description", sa.JSON, nullable=False),
        *_source(),
        sa.PrimaryKeyConstraint("key", name="pk_kb_organizations"),
        sa.ForeignKeyConstraint(["role"], ["kb_roles.code"], name="fk_kb_organizations_role_kb_roles"),
        sa.ForeignKeyConstraint(["country"], ["kb_countries.code"], name="fk_kb_organizations_country_kb_countries"),
    )
    op.create_table(
        "kb_people",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("names", sa.JSON, nullable=False),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("position", sa.JSON, nullable=False),
        sa.Column("organization", sa.String(64), nullable=True),
        sa.Column("description", sa.JSON, nullable=False),
        *_source(),
        sa.PrimaryKeyConstraint("key", name="pk_kb_people"),
        sa.ForeignKeyConstraint(
            ["organization"], ["kb_organizations.key"], name="fk_kb_people_organization_kb_organizations"
        ),
    )
    op.create_table(
        "kb_facts",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=True),
        sa.Column("text", sa.JSON, nullable=False),
        *_source(),
        sa.PrimaryKeyConstraint("key", name="pk_kb_facts"),
    )


def downgrade() -> None:
    op.drop_table("kb_facts")
    op.drop_table("kb_people")
    op.drop_table("kb_organizations")
    op.drop_table("kb_roles")
    op.drop_table("kb_countries")
