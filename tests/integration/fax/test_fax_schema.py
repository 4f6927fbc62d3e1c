"""Migration 0012 matches the fax model, and goes down and up again (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from crm_core.db import alembic_config
from crm_core.models import Customer
from crm_core.models_fax import Fax
from tests.crm_conftest_helpers import Db


def test_given_migration_0012_then_it_matches_the_model_and_downgrades_and_upgrades(db: Db) -> None:
    ours = MetaData()
    for model in (Customer, Fax):  # the customer is the foreign key's target
        model.__table__.to_metadata(ours)  # type: ignore[attr-defined]
    db.engine.dispose()
    with db.engine.begin() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, ours) if "faxes" in repr(d)]
        assert differences == []
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0011")
        assert "faxes" not in inspect(conn).get_table_names()
        command.upgrade(config, "head")
        assert "faxes" in inspect(conn).get_table_names()
