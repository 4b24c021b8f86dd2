"""A year of demo orders: paid, fulfilled, cancelled and refunded, deterministic.

Written in bulk (it is history, not live traffic: no stock moves, no emails),
with the audit rows and payments a real history would have, so that reports
and their roll-ups have something realistic to show. Orders are keyed by
seed and index, so a second run adds only what is missing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from apps.accounts.models import User
from apps.catalog.models import ProductVariant
from apps.core.bulk import copy_rows, reserve_ids
from apps.core.money import quantize_money
from apps.orders.models import Order, OrderLine, OrderStatusChange
from apps.orders.status import OrderStatus
from apps.payments.models import Payment, PaymentStatus, Provider

# Orders per transaction: one bulk write per table each, and a restart
# point (a second run adds only the missing orders).
BATCH = 5000
CUSTOMERS_PER_ORDERS = 20  # one demo customer per twenty orders


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryResult:
    created: int
    existing: int


# eq=False: compared and hashed by identity, which is cheaper than by every
# field and the same here (one object per variant); _plan dedupes with it.
@dataclass(frozen=True, slots=True, eq=False)
class _Variant:
    id: int
    product_name: str
    sku: str
    size: str
    colour: str
    price: Decimal
    currency: str


def demo_orders_seed(
    *,
    orders: int,
    seed: int,
    now: datetime,
    progress: Callable[[int], object] = lambda n: None,
) -> HistoryResult:
    """Create `orders` demo orders over the year before `now` (missing ones only).

    Raises:
        ValueError: no published variants to sell (seed the catalog first).
    """
    variants = _variants()
    if not variants:
        msg = "The catalog has no published variants: seed the catalog first."
        raise ValueError(msg)
    prefix = f"demo-history-{seed}-"
    existing = set(
        Order.objects.filter(idempotency_key__startswith=prefix).values_list(
            "idempotency_key", flat=True
        )
    )
    customers = _customers(max(1, orders // CUSTOMERS_PER_ORDERS), seed)
    created = 0
    for start in range(0, orders, BATCH):
        indices = [
            n
            for n in range(start, min(start + BATCH, orders))
            if f"{prefix}{n}" not in existing
        ]
        if indices:
            _batch(
                indices,
                seed=seed,
                prefix=prefix,
                now=now,
                variants=variants,
                customers=customers,
            )
            created += len(indices)
        progress(min(BATCH, orders - start))
    return HistoryResult(created=created, existing=len(existing))


def _variants() -> list[_Variant]:
    rows = (
        ProductVariant.objects.filter(product__is_published=True)
        .values_list(
            "id",
            "product__name",
            "sku",
            "size",
            "colour",
            "price_override",
            "product__base_price",
            "product__currency",
        )
        .order_by("id")
    )
    return [
        _Variant(
            pk,
            name,
            sku,
            size,
            colour,
            override if override is not None else base,
            currency,
        )
        for pk, name, sku, size, colour, override, base, currency in rows
    ]


def _customers(count: int, seed: int) -> list[int]:
    emails = [f"demo-customer-{seed}-{n}@example.com" for n in range(count)]
    have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    unusable = make_password(None)
    User.objects.bulk_create(
        [User(email=email, password=unusable) for email in emails if email not in have],
        batch_size=1000,
    )
    return list(
        User.objects.filter(email__in=emails)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _batch(
    indices: list[int],
    *,
    seed: int,
    prefix: str,
    now: datetime,
    variants: list[_Variant],
    customers: list[int],
) -> None:
    """Write the orders `indices` with their lines, audit rows and payments.

    One transaction, one bulk write per table (COPY on PostgreSQL). Order ids
    are reserved first so that the other rows can point at their order
    without reading the orders back.
    """
    plans = [
        _plan(random.Random(f"{seed}:{n}"), n, now, variants, customers)  # noqa: S311 - demo data
        for n in indices
    ]
    with transaction.atomic():
        ids = reserve_ids(Order, len(plans))
        numbered = list(zip(ids, indices, plans, strict=True))
        copy_rows(Order, _ORDER_FIELDS, _order_rows(numbered, seed, prefix))
        copy_rows(OrderLine, _LINE_FIELDS, _line_rows(numbered))
        copy_rows(OrderStatusChange, _CHANGE_FIELDS, _change_rows(numbered))
        copy_rows(Payment, _PAYMENT_FIELDS, _payment_rows(numbered, seed))


# (order id, order index, plan): what every table's rows are built from.
type _Numbered = list[tuple[int, int, _Plan]]

# Every NOT NULL column is given: bulk writes fill in no model defaults.
_ORDER_FIELDS = (
    "id",
    "number",
    "customer",
    "status",
    "currency",
    "subtotal",
    "shipping_total",
    "total",
    "shipping_address",
    "idempotency_key",
    "expires_at",
    "paid_at",
    "tracking_number",
    "carrier",
    "created_at",
    "updated_at",
    # History predates checkout: no discount, tax or named shipping method.
    "discount_total",
    "tax_total",
    "email",
    "voucher_code",
    "shipping_method_name",
)
_LINE_FIELDS = (
    "order",
    "variant",
    "product_name",
    "variant_sku",
    "size",
    "colour",
    "quantity",
    "unit_price",
    "line_total",
    "discount",
    "tax_rate",
    "tax",
)
_CHANGE_FIELDS = ("order", "from_status", "to_status", "reason", "created_at")
_PAYMENT_FIELDS = (
    "order",
    "provider",
    "reference",
    "amount",
    "currency",
    "status",
    "refunded_amount",
    "flagged_reason",
    "client_secret",
    "authorization_url",
    "created_at",
    "updated_at",
)
_NO_SHIPPING = Decimal("0.00")  # also no discount and no tax


def _number(seed: int, n: int) -> str:
    return f"FS-DEMO{seed % 100:02d}-{n:07d}"


def _order_rows(
    numbered: _Numbered, seed: int, prefix: str
) -> Iterator[tuple[object, ...]]:
    for pk, n, plan in numbered:
        yield (
            pk,
            _number(seed, n),
            plan.customer_id,
            plan.status,
            plan.currency,
            plan.total,
            _NO_SHIPPING,
            plan.total,
            _ADDRESS,
            f"{prefix}{n}",
            plan.created_at + timedelta(minutes=30),
            plan.paid_at,
            "",
            "",
            plan.created_at,
            plan.created_at,
            _NO_SHIPPING,
            _NO_SHIPPING,
            "",
            "",
            "",
        )


def _line_rows(numbered: _Numbered) -> Iterator[tuple[object, ...]]:
    for pk, _, plan in numbered:
        for variant, quantity in plan.lines:
            yield (
                pk,
                variant.id,
                variant.product_name,
                variant.sku,
                variant.size,
                variant.colour,
                quantity,
                variant.price,
                quantize_money(variant.price * quantity),
                _NO_SHIPPING,
                _NO_SHIPPING,
                _NO_SHIPPING,
            )


def _change_rows(numbered: _Numbered) -> Iterator[tuple[object, ...]]:
    for pk, _, plan in numbered:
        for before, after, reason, when in plan.changes:
            yield (pk, before, after, reason, when)


def _payment_rows(numbered: _Numbered, seed: int) -> Iterator[tuple[object, ...]]:
    for pk, n, plan in numbered:
        if plan.paid_at is None:
            continue  # never paid: no payment was captured
        yield (
            pk,
            Provider.STRIPE,
            f"pi_demo_{seed}_{n:07d}",
            plan.total,
            plan.currency,
            plan.payment_status,
            plan.refunded,
            "",
            "",
            "",
            plan.paid_at,
            plan.paid_at,
        )


_ADDRESS = {
    "full_name": "Demo Customer",
    "line1": "1 Demo Street",
    "line2": "",
    "city": "Lagos",
    "postal_code": "100001",
    "country": "NG",
    "phone": "",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Plan:
    customer_id: int
    currency: str
    lines: list[tuple[_Variant, int]]
    total: Decimal
    status: OrderStatus
    created_at: datetime
    paid_at: datetime | None
    payment_status: PaymentStatus
    refunded: Decimal
    changes: list[tuple[str, str, str, datetime]]


def _plan(
    rng: random.Random,
    n: int,
    now: datetime,
    variants: list[_Variant],
    customers: list[int],
) -> _Plan:
    created = now - timedelta(seconds=rng.randint(3600, 365 * 86400))
    first = rng.choice(variants)
    same = [
        v
        for v in rng.sample(variants, min(len(variants), 6))
        if v.currency == first.currency
    ]
    chosen = list(dict.fromkeys([first, *same]))[: rng.choice((1, 1, 1, 2, 2, 3, 4))]
    lines = [(variant, rng.choice((1, 1, 1, 2, 3))) for variant in chosen]
    total = quantize_money(sum((v.price * q for v, q in lines), Decimal(0)))
    changes: list[tuple[str, str, str, datetime]] = [
        ("", OrderStatus.PENDING_PAYMENT, "placed", created)
    ]
    fate = rng.random()
    paid_at: datetime | None = None
    refunded = Decimal("0.00")
    payment_status = PaymentStatus.CAPTURED
    if fate < 0.12:  # never paid: cancelled by the customer or expired
        status = OrderStatus.CANCELLED
        changes.append(
            (
                OrderStatus.PENDING_PAYMENT,
                status,
                "expired",
                created + timedelta(minutes=30),
            )
        )
    else:
        paid_at = created + timedelta(seconds=rng.randint(30, 1500))
        changes.append((OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, "paid", paid_at))
        status = OrderStatus.PAID
        later = paid_at + timedelta(days=rng.randint(1, 6))
        if fate < 0.20:  # refunded in full
            status, payment_status, refunded = (
                OrderStatus.REFUNDED,
                PaymentStatus.REFUNDED,
                total,
            )
            changes.append((OrderStatus.PAID, status, "refunded", later))
        elif fate < 0.25 and total >= Decimal("2.00"):  # partly refunded, kept
            payment_status = PaymentStatus.PARTIALLY_REFUNDED
            refunded = quantize_money(total * Decimal(rng.randint(5, 50)) / 100)
        elif fate < 0.80 and later < now:
            status = OrderStatus.FULFILLED
            changes.append((OrderStatus.PAID, status, "fulfilled", later))
    return _Plan(
        customer_id=customers[n % len(customers)],
        currency=first.currency,
        lines=lines,
        total=total,
        status=status,
        created_at=created,
        paid_at=paid_at,
        payment_status=payment_status,
        refunded=refunded,
        changes=changes,
    )
