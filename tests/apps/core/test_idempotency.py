from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from apps.core.idempotency import (
    IdempotencyError,
    IdempotencyErrorCode,
    IdempotencyScope,
    idempotency_claim,
    idempotency_lookup,
    idempotency_records_purge,
    request_fingerprint,
)
from apps.core.models import IdempotencyRecord

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SCOPE = IdempotencyScope(operation="accountRegister", owner="anon:abc", key="k1")


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"user": {"id": "VXNlcjox"}, "errors": [], "call": self.calls}


@dataclass(frozen=True)
class Result:
    response: dict[str, Any]
    replayed: bool


@transaction.atomic
def recipe(
    *,
    scope: IdempotencyScope,
    request: dict[str, Any],
    execute: Callable[[], dict[str, Any]],
    now: datetime | None = None,
) -> Result:
    """A service written to the recipe: claim, replay or work, complete."""
    claim = idempotency_claim(scope=scope, request=request, now=now)
    if claim.replay is not None:
        return Result(response=claim.replay, replayed=True)
    response = execute()
    claim.complete(response)
    return Result(response=response, replayed=False)


def test_the_fingerprint_ignores_key_order_but_not_list_order():
    assert request_fingerprint({"a": 1, "b": [1, 2]}) == request_fingerprint(
        {"b": [1, 2], "a": 1}
    )
    assert request_fingerprint({"b": [1, 2]}) != request_fingerprint({"b": [2, 1]})
    assert request_fingerprint({"p": Decimal("1.50")}) == request_fingerprint(
        {"p": "1.50"}
    )


@pytest.mark.django_db
def test_the_first_call_executes_and_stores_its_response():
    execute = Counter()

    result = recipe(scope=SCOPE, request={"email": "a@x"}, execute=execute, now=NOW)

    assert result.replayed is False
    assert result.response["call"] == 1
    record = IdempotencyRecord.objects.get()
    assert (record.operation, record.owner, record.key) == (
        "accountRegister",
        "anon:abc",
        "k1",
    )
    assert record.response == result.response
    assert record.request_hash == request_fingerprint({"email": "a@x"})
    assert record.created_at == NOW


@pytest.mark.django_db
def test_the_same_key_and_request_replay_without_executing():
    execute = Counter()
    recipe(scope=SCOPE, request={"email": "a@x"}, execute=execute, now=NOW)

    again = recipe(
        scope=SCOPE,
        request={"email": "a@x"},
        execute=execute,
        now=NOW + timedelta(hours=23),
    )

    assert again.replayed is True
    assert again.response["call"] == 1
    assert execute.calls == 1
    assert (
        idempotency_lookup(scope=SCOPE, request={"email": "a@x"}, now=NOW)
        == again.response
    )


@pytest.mark.django_db
def test_the_same_key_with_another_request_is_refused():
    execute = Counter()
    recipe(scope=SCOPE, request={"email": "a@x"}, execute=execute, now=NOW)

    with pytest.raises(IdempotencyError) as excinfo:
        recipe(scope=SCOPE, request={"email": "b@x"}, execute=execute, now=NOW)
    with pytest.raises(IdempotencyError):
        idempotency_lookup(scope=SCOPE, request={"email": "b@x"}, now=NOW)

    assert excinfo.value.code == IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED
    assert execute.calls == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "other",
    [
        IdempotencyScope(operation="orderCancel", owner="anon:abc", key="k1"),
        IdempotencyScope(operation="accountRegister", owner="anon:def", key="k1"),
    ],
    ids=["other_operation_case", "other_owner_case"],
)
def test_keys_are_scoped_by_operation_and_owner(other):
    execute = Counter()
    recipe(scope=SCOPE, request={"email": "a@x"}, execute=execute, now=NOW)

    result = recipe(scope=other, request={"email": "b@x"}, execute=execute, now=NOW)

    assert result.replayed is False
    assert execute.calls == 2


@pytest.mark.django_db
def test_a_failing_execution_stores_nothing_and_frees_the_key():
    def fail():
        IdempotencyRecord.objects.create(
            operation="side", owner="effect", key="x", request_hash="h", created_at=NOW
        )
        raise IdempotencyError(IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY, "boom")

    with pytest.raises(IdempotencyError):
        recipe(scope=SCOPE, request={"email": "a@x"}, execute=fail, now=NOW)

    assert IdempotencyRecord.objects.count() == 0
    result = recipe(scope=SCOPE, request={"email": "b@x"}, execute=Counter(), now=NOW)
    assert result.replayed is False


@pytest.mark.django_db
def test_a_record_past_the_retention_no_longer_replays(settings):
    settings.IDEMPOTENCY_RETENTION = timedelta(hours=24)
    execute = Counter()
    recipe(scope=SCOPE, request={"email": "a@x"}, execute=execute, now=NOW)
    later = NOW + timedelta(hours=24, seconds=1)

    assert idempotency_lookup(scope=SCOPE, request={"email": "b@x"}, now=later) is None
    result = recipe(scope=SCOPE, request={"email": "b@x"}, execute=execute, now=later)

    assert result.replayed is False
    assert execute.calls == 2
    assert IdempotencyRecord.objects.get().created_at == later


@pytest.mark.django_db
def test_purge_deletes_only_records_older_than_the_retention(settings):
    settings.IDEMPOTENCY_RETENTION = timedelta(hours=1)
    for minutes, key in [(0, "fresh"), (59, "young"), (61, "old"), (600, "older")]:
        IdempotencyRecord.objects.create(
            operation="op",
            owner="o",
            key=key,
            request_hash="h",
            created_at=NOW - timedelta(minutes=minutes),
        )

    assert idempotency_records_purge(now=NOW) == 2
    assert set(IdempotencyRecord.objects.values_list("key", flat=True)) == {
        "fresh",
        "young",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key", ["", " ", "k" * 256], ids=["empty_case", "blank_case", "long_case"]
)
def test_a_malformed_key_is_refused(key):
    scope = IdempotencyScope(operation="op", owner="o", key=key)

    with pytest.raises(IdempotencyError) as excinfo:
        recipe(scope=scope, request={}, execute=Counter(), now=NOW)

    assert excinfo.value.code == IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY
    assert excinfo.value.message == "The idempotency key must be 1 to 255 characters."


@pytest.mark.django_db
def test_a_claim_completed_in_the_services_transaction_is_replayed_by_the_next():
    with transaction.atomic():
        first = idempotency_claim(scope=SCOPE, request={"email": "a@x"}, now=NOW)
        first.complete({"user_id": 7})

    with transaction.atomic():
        again = idempotency_claim(scope=SCOPE, request={"email": "a@x"}, now=NOW)

    assert first.replay is None
    assert again.replay == {"user_id": 7}


@pytest.mark.django_db
def test_a_claim_rolled_back_with_its_transaction_leaves_the_key_free():
    def service_that_fails():
        with transaction.atomic():
            idempotency_claim(scope=SCOPE, request={"email": "a@x"}, now=NOW)
            raise IdempotencyError(IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY, "x")

    with pytest.raises(IdempotencyError):
        service_that_fails()

    with transaction.atomic():
        claim = idempotency_claim(scope=SCOPE, request={"email": "b@x"}, now=NOW)

    assert claim.replay is None


@pytest.mark.django_db
def test_a_claim_without_a_key_stores_nothing():
    with transaction.atomic():
        claim = idempotency_claim(scope=None, request={"email": "a@x"}, now=NOW)
        claim.complete({"user_id": 7})

    assert claim.replay is None
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_claim_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        idempotency_claim(scope=SCOPE, request={"email": "a@x"}, now=NOW)


@pytest.mark.postgres
@pytest.mark.slow
def test_racing_identical_requests_execute_exactly_once(transactional_db):
    from tests.apps.core.threads import race

    executions = []
    scope = IdempotencyScope(operation="op", owner="user:1", key="race")

    def execute():
        executions.append(1)
        IdempotencyRecord.objects.create(
            operation="side",
            owner="effect",
            key=str(len(executions)),
            request_hash="h",
            created_at=NOW,
        )
        return {"n": len(executions)}

    outcome = race(
        4,
        lambda _: recipe(scope=scope, request={"a": 1}, execute=execute),
    )

    assert outcome.errors == {}
    assert len(executions) == 1
    assert {r.response["n"] for r in outcome.results.values()} == {1}
    assert sorted(r.replayed for r in outcome.results.values()) == [
        False,
        True,
        True,
        True,
    ]
    assert IdempotencyRecord.objects.filter(operation="side").count() == 1
