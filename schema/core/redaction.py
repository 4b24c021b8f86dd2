"""Request-error messages that name the path and the problem, never the value.

graphql-core quotes the offending value in its validation and variable
coercion messages ("... found: {email: ..., password: ...}"), so a refused
registration would echo the password back, and into any log of responses.
Each value-carrying template graphql-core 3.3 uses is rewritten here; the
paths and type names it prints are kept. graphql-core offers no hook to build
these messages without the value, hence the rewrite.
"""

from __future__ import annotations

import re

# (pattern, replacement), applied in order; DOTALL because a value may hold
# newlines. Each pattern cuts from where the value starts to the message end.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), replacement)
    for pattern, replacement in (
        # "Expected value of type 'T', but encountered error 'E'; found: V."
        # (E is a scalar's own message and may quote V too).
        (r", but encountered error '.*\Z", "."),
        # "..., found: V." / "... Did you mean 'x'? Found: V."
        (r"(?:,|;)? [Ff]ound: .*\Z", ""),
        # Scalars and enums: "Int cannot represent non-integer value: V"
        (r"(cannot represent [^:']*?): .*\Z", r"\1."),
        # Enums: "Value 'V' does not exist in 'OrderStatus' enum."
        (
            r"Value '.*' does not exist in '(\w+)' enum",
            r"The value does not exist in '\1' enum",
        ),
    )
)


def value_free(message: str) -> str:
    """Return `message` without any input value graphql-core quoted in it."""
    redacted = message
    for pattern, replacement in _RULES:
        redacted = pattern.sub(replacement, redacted)
    if redacted != message and not redacted.endswith((".", "?")):
        redacted += "."
    return redacted
