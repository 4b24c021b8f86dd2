"""The development mail backend: each email printed as a person reads it.

Django's console backend prints the MIME source, where a long line such as
the verification link is quoted-printable: `=3D` for every `=` and a `=` at
each soft line break, so the link cannot be copied from the terminal. This
one prints the headers and the decoded text body, and names the other parts
(the HTML alternative) instead of dumping them.
"""

from __future__ import annotations

from email.message import EmailMessage as MIMEMessage
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.mail.backends import console

_SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date")


class EmailBackend(console.EmailBackend):
    """Console backend printing decoded text instead of the MIME source."""

    def write_message(self, message: Any) -> None:
        mime = message.message()
        lines = [f"{name}: {mime[name]}" for name in _SHOWN_HEADERS if mime[name]]
        text, others = _text_and_other_parts(mime)
        if others:
            lines.append(f"Other parts: {', '.join(others)}")
        lines.extend(["", text.rstrip("\n"), "-" * 79, ""])
        self.stream.write("\n".join(lines))


def _text_and_other_parts(mime: MIMEMessage) -> tuple[str, list[str]]:
    """Return the first text/plain part, decoded, and the other parts' types."""
    text: str | None = None
    others: list[str] = []
    for part in mime.walk():
        if part.is_multipart():
            continue
        if text is None and part.get_content_type() == "text/plain":
            text = str(part.get_content())
        else:
            others.append(part.get_content_type())
    return text or "", others


@register(Tags.mail, deploy=True)
def console_email_check(**kwargs: Any) -> list[CheckMessage]:
    """Refuse this backend in `check --deploy`, as Django refuses its own console."""
    backend = settings.MAILERS.get("default", {}).get("BACKEND")
    if backend != f"{__name__}.EmailBackend":
        return []
    return [
        Error(
            "Emails are printed to the console, not sent.",
            hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587.",
            id="config.E001",
        )
    ]
