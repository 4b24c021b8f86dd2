"""Outgoing email: the console in development, SMTP when EMAIL_URL is set."""

from config import (
    console_email,  # noqa: F401 (registers its deploy check)
    env,
)

MAILERS = {"default": env.mailer()}
DEFAULT_FROM_EMAIL = env.default_from_email()
SERVER_EMAIL = DEFAULT_FROM_EMAIL
