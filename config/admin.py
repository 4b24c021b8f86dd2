"""The admin site: its login counts against the sign-in buckets like tokenCreate.

Staff accounts are the most valuable, so /admin/login/ checks passwords
through apps.accounts.services.sign_in, as the API does: every attempt is
counted before the password is checked, and past a limit the page answers
429 with Retry-After and says when to try again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.debug import sensitive_variables

from apps.accounts import services
from apps.accounts.errors import InvalidCredentialsError, LoginThrottledError
from schema.http.client import client_address


class ThrottledLoginForm(AdminAuthenticationForm):
    """The admin login form, checking the password through `services.sign_in`."""

    retry_after_seconds: int | None = None

    @sensitive_variables()
    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is None or not password:
            return self.cleaned_data  # the field's own error says what is missing
        if self.request is None:  # no address to throttle by: never checked
            raise self.get_invalid_login_error()
        try:
            user = services.sign_in(
                email=email,
                password=password,
                client_address=client_address(self.request),
            )
        except LoginThrottledError as error:
            self.retry_after_seconds = error.retry_after_seconds
            raise ValidationError(error.message, code="throttled") from None
        except InvalidCredentialsError:
            raise self.get_invalid_login_error() from None
        # What authenticate() would set: the backend that loads the session's
        # user on later requests checks the same password hash and is_active.
        user.backend = "django.contrib.auth.backends.ModelBackend"
        self.user_cache = user
        self.confirm_login_allowed(user)
        return self.cleaned_data


class AdminSite(admin.AdminSite):
    """Django's admin site with a throttled login (config.apps.AdminConfig)."""

    login_form = ThrottledLoginForm

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().login(request, extra_context)
        form = (
            (response.context_data or {}).get("form")
            if isinstance(response, TemplateResponse)
            else None
        )
        if isinstance(form, ThrottledLoginForm) and form.retry_after_seconds:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after_seconds)
        return response
