"""The plan PostgreSQL makes for a query as it would at scale, for tests that a page is read
from an index rather than sorted whole."""

from django.db import connection


def plan_at_scale(queryset) -> str:
    """EXPLAIN of `queryset` with sorting discouraged, as the planner behaves when the table is
    large (a test's few rows would otherwise be sorted in memory)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
