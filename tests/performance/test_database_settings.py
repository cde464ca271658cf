"""PostgreSQL connection settings that the pages rely on at scale (docs/performance.md)."""

import pytest
from django.db import connection

from cohorts.models import Cohort

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def test_pages_run_without_jit_compilation():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_iterating_a_queryset_declares_no_server_side_cursor(django_assert_num_queries):
    # ModelChoiceField renders its options with QuerySet.iterator(): one query, not
    # DECLARE ... WITH HOLD, FETCH and CLOSE.
    with django_assert_num_queries(1) as captured:
        list(Cohort.objects.all().iterator())
    assert "DECLARE" not in captured.captured_queries[0]["sql"].upper()
