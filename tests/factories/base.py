from __future__ import annotations

from typing import Any, TypeVar

import factory

T = TypeVar("T")


class ModelFactory[T](factory.django.DjangoModelFactory[T]):
    """A factory whose `create` is typed as returning the model."""

    class Meta:
        abstract = True

    @classmethod
    def create(cls, **kwargs: Any) -> T:
        return super().create(**kwargs)
