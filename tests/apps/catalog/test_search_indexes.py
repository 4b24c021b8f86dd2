from __future__ import annotations

import pytest
from django.db import connection

from apps.catalog import models


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("column", ["name", "brand", "description"])
def test_case_insensitive_search_can_use_a_trigram_index(column):
    queryset = models.Product.objects.filter(**{f"{column}__icontains": "silk"})

    with connection.cursor() as cursor:
        # Empty tables are cheapest to scan; ask whether the index is usable.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert f"catalog_product_{column}_trgm" in plan
