"""The simulated provider's checkout page, served only with PAYMENTS_ADAPTER=simulated.

The simulated adapter sends the customer here (Paystack's authorization URL;
any simulated payment works with `?reference=`). The buttons post the
provider's genuinely signed webhook to this server, built by the same code
as `manage.py payment_simulate`, so the whole path runs: signature check,
storage, job, state change, email.
"""

from __future__ import annotations

import httpx
from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join
from ninja import Router

from apps.payments import selectors
from apps.payments.models import Provider
from apps.payments.providers import simulated

router = Router(tags=["development"])

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Simulated checkout</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto}}
button{{font-size:1rem;margin-right:.5rem;padding:.5rem 1rem}}</style>
</head><body>
<h1>Simulated {provider} checkout</h1>
{content}
<p><small>Development only: PAYMENTS_ADAPTER=simulated. No money moves.</small></p>
</body></html>"""


def _page(provider: str, content: str, *, status: int = 200) -> HttpResponse:
    html = format_html(_PAGE, provider=provider, content=content)
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def _unavailable() -> HttpResponse | None:
    if settings.PAYMENTS_ADAPTER != "simulated":
        return HttpResponse("Not found.", status=404, content_type="text/plain")
    return None


@router.get("/", include_in_schema=False)
async def checkout(request: HttpRequest) -> HttpResponse:
    if (refused := _unavailable()) is not None:
        return refused
    reference = request.GET.get("reference", "")
    payment = await sync_to_async(selectors.payment_by_reference)(reference)
    if payment is None:
        return _page("provider", "<p>No payment has this reference.</p>", status=404)
    buttons = format_html_join(
        "",
        '<button type="submit" name="outcome" value="{}">{}</button>',
        (
            (outcome, label)
            for outcome, label in (("succeeded", "Pay"), ("failed", "Decline"))
            if outcome in simulated.outcomes_of(Provider(payment.provider))
        ),
    )
    content = format_html(
        "<p>Order {number}: <strong>{amount} {currency}</strong> "
        "(payment {reference}, {status}).</p>"
        '<form method="post"><input type="hidden" name="reference" value="{reference}">'
        "{buttons}</form>",
        number=payment.order.number,
        amount=payment.amount,
        currency=payment.currency,
        reference=payment.reference,
        status=payment.status,
        buttons=buttons,
    )
    return _page(Provider(payment.provider).label, content)


@router.post("/", include_in_schema=False)
async def complete(request: HttpRequest) -> HttpResponse:
    if (refused := _unavailable()) is not None:
        return refused
    reference = request.POST.get("reference", "")
    outcome = request.POST.get("outcome", "")
    payment = await sync_to_async(selectors.payment_by_reference)(reference)
    if payment is None:
        return _page("provider", "<p>No payment has this reference.</p>", status=404)
    provider = Provider(payment.provider).label
    try:
        sent = simulated.delivery(payment, outcome)
    except simulated.SimulationError as error:
        return _page(provider, format_html("<p>{}</p>", error), status=400)
    # To this server, as the browser reached it: the provider's real path.
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.post(
            request.build_absolute_uri(sent.path),
            content=sent.body,
            headers=sent.headers,
        )
    content = format_html(
        "<p>Sent <code>{event}</code>; the webhook answered {status} "
        "<code>{body}</code>.</p><p>The order's status follows once the job "
        "has run (the <code>order</code> query shows it).</p>",
        event=sent.event_type,
        status=answer.status_code,
        body=answer.text,
    )
    return _page(provider, content, status=200 if answer.status_code == 200 else 502)
