"""Outgoing email: the console in development, SMTP when EMAIL_URL is set."""

from config import env

MAILERS = {"default": env.mailer()}
DEFAULT_FROM_EMAIL = env.default_from_email()
SERVER_EMAIL = DEFAULT_FROM_EMAIL
