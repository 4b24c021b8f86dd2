"""A realistic mix of sign-in attempts, for load tests and bench/overload.py."""

from __future__ import annotations


def sign_in_mix(count: int, emails: list[str], password: str) -> list[tuple[str, str]]:
    """Half right passwords, a quarter wrong, a quarter unknown emails."""
    attempts = []
    for n in range(count):
        email = emails[n % len(emails)]
        if n % 4 == 2:
            attempts.append((email, "a wrong password"))
        elif n % 4 == 3:
            attempts.append((f"nobody{n}@example.com", password))
        else:
            attempts.append((email, password))
    return attempts
