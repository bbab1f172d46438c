"""PostgreSQL settings that the database's CPU per request depends on."""

import pytest
from django.db import connection

from samizdat.blogs.models import Blog

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")


@pytest.mark.django_db
def test_a_statement_the_app_repeats_is_prepared_once_and_not_planned_again():
    # SAMIZDAT_POSTGRES_PREPARED (on): server-side binding alone leaves psycopg's prepare_threshold
    # at Django's None, and then PostgreSQL plans every statement afresh (0.2 ms for a comment's
    # intake query, more than it takes to run).
    query = Blog.objects.filter(slug="no-such-blog")
    for _ in range(6):
        assert not query.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ['%"blogs_blog"%'])
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"blogs_blog"."slug" = $' in statement for statement in prepared), prepared
