import pytest

from tests.apps.accounts.clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()
