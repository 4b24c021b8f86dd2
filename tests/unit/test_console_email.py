"""In development the console shows each email as its reader would see it."""

from __future__ import annotations

import io

from django.core import mail

from config.console_email import EmailBackend

LINK = (
    "http://127.0.0.1:3000/verify-email?token="
    "eyJ1c2VyIjo0MiwicHVycG9zZSI6InZlcmlmeSJ9.Zm9vYmFyYmF6cXV4cXV1eHF1dXg="
)


def printed(message: mail.EmailMessage) -> str:
    stream = io.StringIO()
    EmailBackend(stream=stream).send_messages([message])
    return stream.getvalue()


def verification_email() -> mail.EmailMultiAlternatives:
    message = mail.EmailMultiAlternatives(
        subject="Verify your email — Fashionistar",
        body=f"Héllo Ada,\n\nConfirm your address within 3 days:\n{LINK}\n",
        from_email="Fashionistar <shop@localhost>",
        to=["ada@example.com"],
    )
    message.attach_alternative(f'<a href="{LINK}">Verify</a>', "text/html")
    return message


def test_the_verification_link_is_printed_whole_and_decoded():
    output = printed(verification_email())

    assert LINK in output.splitlines()
    assert "=3D" not in output
    assert "Héllo Ada," in output


def test_the_headers_are_printed_decoded_and_the_html_part_named():
    output = printed(verification_email())

    assert "Subject: Verify your email — Fashionistar" in output
    assert "To: ada@example.com" in output
    assert "Other parts: text/html" in output
    assert "<a href" not in output


def test_djangos_console_printed_the_link_quoted_printable():
    """Why this backend exists: the stock one breaks the link."""
    from django.core.mail.backends.console import EmailBackend as Stock

    stream = io.StringIO()
    Stock(stream=stream).send_messages([verification_email()])

    assert LINK not in stream.getvalue().splitlines()
