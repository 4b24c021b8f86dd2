"""Error codes every app may raise; each app adds its own enum beside its code."""

from enum import StrEnum


class CoreErrorCode(StrEnum):
    INVALID_CURSOR = "INVALID_CURSOR"
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
