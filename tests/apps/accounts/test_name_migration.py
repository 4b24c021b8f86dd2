"""Migration 0003 turns each full name into a first and a last name, and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.accounts.models import name_split

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0002_tokens_and_verification")]
AFTER = [("accounts", "0003_user_first_and_last_name")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0002():
    apps = migrate(BEFORE)
    yield apps
    migrate(executor_leaf_nodes())


def executor_leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.parametrize(
    ("full_name", "first", "last"),
    [
        ("Ada Lovelace", "Ada", "Lovelace"),
        ("  Gabriel  García   Márquez ", "Gabriel", "García Márquez"),
        ("Cher", "Cher", ""),
        ("", "", ""),
    ],
    ids=["two_words_case", "compound_case", "one_word_case", "empty_case"],
)
def test_forward_splits_the_full_name_at_its_first_space(
    at_0002, full_name, first, last
):
    OldUser = at_0002.get_model("accounts", "User")
    OldUser.objects.create(email="ada@example.com", full_name=full_name)

    NewUser = migrate(AFTER).get_model("accounts", "User")

    user = NewUser.objects.get(email="ada@example.com")
    assert (user.first_name, user.last_name) == (first, last)
    assert name_split(full_name) == (first, last)


def test_backward_joins_the_names_with_a_space(at_0002):
    NewUser = migrate(AFTER).get_model("accounts", "User")
    NewUser.objects.create(email="ada@example.com", first_name="Ada", last_name="")
    NewUser.objects.create(
        email="gab@example.com", first_name="Gabriel", last_name="García Márquez"
    )

    OldUser = migrate(BEFORE).get_model("accounts", "User")

    names = dict(OldUser.objects.values_list("email", "full_name"))
    assert names == {
        "ada@example.com": "Ada",
        "gab@example.com": "Gabriel García Márquez",
    }
