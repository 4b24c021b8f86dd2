"""A stand-in payment provider over real HTTP, for the critical-queue tests.

It behaves as Stripe and Paystack do with idempotency keys: the first request
under a key creates a charge, any later one under the same key gets the same
charge back and creates nothing. It can be slowed down, so a worker can be
killed while it waits for the answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.support.http_standin import JSONHandler, serving


@dataclass
class Provider:
    url: str = ""
    delay: float = 0.0
    requests: list[str] = field(default_factory=list)  # idempotency keys
    charges: dict[str, str] = field(default_factory=dict)  # key -> charge id
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def running_provider() -> Iterator[Provider]:
    provider = Provider()

    class Handler(JSONHandler):
        def do_POST(self) -> None:
            key = self.headers.get("Idempotency-Key", "")
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with provider.lock:
                provider.requests.append(key)
            time.sleep(provider.delay)
            with provider.lock:
                charge = provider.charges.setdefault(
                    key, f"ch_{len(provider.charges) + 1}"
                )
            body = json.dumps({"id": charge}).encode()
            self.answer(body)

    with serving(Handler) as url:
        provider.url = url
        yield provider
