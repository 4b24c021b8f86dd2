"""A stand-in for the Stripe and Paystack APIs over real HTTP, for the live
adapter's tests: it records each request (path, idempotency key, body) and
answers as the providers document, replaying the first answer for a repeated
idempotency key as they do.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from tests.support.http_standin import JSONHandler, serving


@dataclass
class ProviderAPI:
    url: str = ""
    requests: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    answers: dict[str, bytes] = field(default_factory=dict)  # idempotency key -> body
    created: int = 0


def _answer(api: ProviderAPI, path: str, form: dict[str, Any]) -> dict[str, Any]:
    if path == "/v1/payment_intents":
        api.created += 1
        intent = f"pi_live_{api.created}"
        return {
            "id": intent,
            "object": "payment_intent",
            "client_secret": f"{intent}_secret_x",
            "amount": int(form["amount"]),
            "currency": form["currency"],
            "status": "requires_payment_method",
        }
    if path.startswith("/v1/payment_intents/") and path.endswith("/capture"):
        intent = path.split("/")[3]
        return {"id": intent, "object": "payment_intent", "status": "succeeded"}
    if path.startswith("/v1/payment_intents/") and path.endswith("/cancel"):
        intent = path.split("/")[3]
        return {"id": intent, "object": "payment_intent", "status": "canceled"}
    if path == "/v1/refunds":
        api.created += 1
        return {
            "id": f"re_{api.created}",
            "object": "refund",
            "status": "succeeded",
            "payment_intent": form["payment_intent"],
            "amount": int(form["amount"]),
        }
    if path == "/refund":
        api.created += 1
        return {
            "status": True,
            "message": "Refund has been queued for processing",
            "data": {
                "transaction": {"reference": form["transaction"]},
                "amount": form["amount"],
            },
        }
    if path == "/transaction/initialize":
        api.created += 1
        return {
            "status": True,
            "message": "Authorization URL created",
            "data": {
                "authorization_url": f"https://checkout.paystack.com/{api.created}",
                "access_code": str(api.created),
                "reference": form["reference"],
            },
        }
    return {"error": "unknown path"}


@contextmanager
def running_provider_api() -> Iterator[ProviderAPI]:
    api = ProviderAPI()
    lock = threading.Lock()

    class Handler(JSONHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            is_json = self.headers.get("Content-Type", "").startswith(
                "application/json"
            )
            form = (
                json.loads(raw)
                if is_json
                else {k: v[0] for k, v in parse_qs(raw).items()}
            )
            key = self.headers.get("Idempotency-Key", "")
            with lock:
                api.requests.append((self.path, key, form))
                body = api.answers.get(key) if key else None
                if body is None:
                    body = json.dumps(_answer(api, self.path, form)).encode()
                    if key:
                        api.answers[key] = body
            self.answer(body)

    with serving(Handler) as url:
        api.url = url
        yield api
