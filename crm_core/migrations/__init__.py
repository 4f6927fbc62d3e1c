"""Alembic migration scripts shipped with crm_core."""
