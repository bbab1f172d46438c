"""CI's second run really is on PostgreSQL: the suite uses the database DATABASE_URL names."""

import os

from django.db import connection


def test_suite_runs_on_postgresql_exactly_when_database_url_names_it(db):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    assert (connection.vendor == "postgresql") == on_postgres
