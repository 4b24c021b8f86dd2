"""Checkout writes: fill a checkout, set its buyer, address, shipping and code, complete it.

Who may touch a checkout: whoever holds the token of a guest's checkout; only
its customer for a customer's. A signed-in customer who uses a guest
checkout's token takes it into their account (that is how a cart filled
before signing in follows the customer). Anyone else gets
CHECKOUT_NOT_FOUND, exactly as for a token that never existed.

Completion goes through `apps.orders.services.order_place`, the same
placement as orderCreate: the same validation, locks, caps, expiry, events
and idempotency. Nothing here reserves stock.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import Address as SavedAddress
from apps.accounts.models import User
from apps.catalog import stock
from apps.checkout.errors import CheckoutError, CheckoutErrorCode, CheckoutNotFoundError
from apps.checkout.models import Checkout, CheckoutLine
from apps.checkout.view import CheckoutView, checkout_view
from apps.core.addresses import Address, address_normalised
from apps.orders import models as order_models
from apps.orders.errors import ErrorDetail, OrderErrorCode, OrderValidationError
from apps.orders.services import limits
from apps.orders.services.addresses import address_problems
from apps.orders.services.placement import (
    CheckoutTerms,
    LineInput,
    line_problems,
    order_place,
)
from apps.pricing.errors import VoucherError, VoucherErrorCode

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
EMAIL_MAX = 254


def checkout_create(
    *,
    viewer_id: int | None,
    email: str | None,
    lines: Sequence[LineInput],
    shipping_address: Address | None,
) -> Checkout:
    """Open a checkout with its first lines (may be none), for a guest or a customer.

    A signed-in customer's checkout is theirs and takes their email when
    none is given.

    Raises:
        CheckoutError: INVALID_EMAIL.
        OrderValidationError: every problem with the lines and the address
            (TOO_MANY_LINES, UNKNOWN_VARIANT, NOT_PUBLISHED, INVALID_QUANTITY,
            LINE_LIMIT_EXCEEDED, DUPLICATE_LINE, INSUFFICIENT_STOCK,
            MIXED_CURRENCY, INVALID_ADDRESS).
    """
    limits.order_line_count_check(count=len(lines))
    clean_email = _email_checked(email) if email else _account_email(viewer_id)
    address = _address_checked(shipping_address) if shipping_address else None
    variants = stock.sale_variants_by_ids(line.variant_id for line in lines)
    _lines_check(lines, variants, existing_currency=None)
    with transaction.atomic():
        checkout = Checkout.objects.create(
            customer_id=viewer_id,
            email=clean_email,
            shipping_address=asdict(address) if address else None,
        )
        CheckoutLine.objects.bulk_create(
            CheckoutLine(
                checkout=checkout,
                variant_id=line.variant_id,
                quantity=line.quantity,
                price_seen=variants[line.variant_id].price,
            )
            for line in lines
        )
    return checkout


def checkout_get(*, token: str, viewer_id: int | None) -> CheckoutView:
    """Read a checkout (priced now); a read never takes a guest's checkout over.

    Raises:
        CheckoutNotFoundError: no such token, or another customer's.
    """
    checkout = _visible(token, viewer_id).first()
    if checkout is None:
        raise CheckoutNotFoundError
    return checkout_view(checkout)


def checkout_lines_add(
    *, token: str, viewer_id: int | None, lines: Sequence[LineInput]
) -> Checkout:
    """Add units: a variant already in the checkout gets the quantity added.

    Raises:
        CheckoutNotFoundError, OrderValidationError (as checkout_create).
    """
    return _lines_write(token, viewer_id, lines, add=True)


def checkout_lines_update(
    *, token: str, viewer_id: int | None, lines: Sequence[LineInput]
) -> Checkout:
    """Set lines' quantities; 0 removes the line. Setting a line accepts its price.

    Raises:
        CheckoutNotFoundError, OrderValidationError (as checkout_create).
    """
    return _lines_write(token, viewer_id, lines, add=False)


def checkout_email_update(*, token: str, viewer_id: int | None, email: str) -> Checkout:
    """Set where the order's emails go.

    Raises:
        CheckoutNotFoundError; CheckoutError: INVALID_EMAIL.
    """
    clean = _email_checked(email)
    with transaction.atomic():
        checkout = _owned(token, viewer_id)
        checkout.email = clean
        checkout.save(update_fields=["email", "updated_at"])
    return checkout


def checkout_shipping_address_update(
    *,
    token: str,
    viewer_id: int | None,
    address: Address | None = None,
    saved_address_id: int | None = None,
) -> Checkout:
    """Set where it ships: an address given, or one from the customer's address book.

    Changing the address keeps the chosen method only if it still serves it.

    Raises:
        CheckoutNotFoundError; OrderValidationError: INVALID_ADDRESS;
        CheckoutError: ADDRESS_NOT_FOUND, SHIPPING_ADDRESS_REQUIRED.
    """
    if saved_address_id is not None:
        address = _saved_address(viewer_id, saved_address_id)
    if address is None:
        raise CheckoutError(
            CheckoutErrorCode.SHIPPING_ADDRESS_REQUIRED,
            "Give an address or the ID of a saved one.",
            field="shipping_address",
        )
    clean = _address_checked(address)
    with transaction.atomic():
        checkout = _owned(token, viewer_id)
        checkout.shipping_address = asdict(clean)
        checkout.save(update_fields=["shipping_address", "updated_at"])
        if checkout.shipping_method_id is not None:
            view = checkout_view(checkout)
            if view.price.shipping is None:
                checkout.shipping_method = None
                checkout.save(update_fields=["shipping_method", "updated_at"])
    return checkout


def checkout_shipping_method_update(
    *, token: str, viewer_id: int | None, shipping_method_id: int
) -> Checkout:
    """Choose one of the methods offered for the checkout's address and basket.

    Raises:
        CheckoutNotFoundError; CheckoutError: SHIPPING_ADDRESS_REQUIRED;
        OrderValidationError: SHIPPING_METHOD_NOT_AVAILABLE.
    """
    with transaction.atomic():
        checkout = _owned(token, viewer_id)
        if checkout.shipping_address is None:
            raise CheckoutError(
                CheckoutErrorCode.SHIPPING_ADDRESS_REQUIRED,
                "Set a shipping address before choosing how it ships.",
                field="shipping_method_id",
            )
        view = checkout_view(checkout)
        if all(offer.method_id != shipping_method_id for offer in view.price.offers):
            raise OrderValidationError(
                [
                    ErrorDetail(
                        code=OrderErrorCode.SHIPPING_METHOD_NOT_AVAILABLE,
                        message="This method does not serve this address or "
                        "basket; pick one of availableShippingMethods.",
                        field="shipping_method_id",
                    )
                ]
            )
        checkout.shipping_method_id = shipping_method_id
        checkout.save(update_fields=["shipping_method", "updated_at"])
    return checkout


def checkout_promo_code_add(
    *, token: str, viewer_id: int | None, promo_code: str, now: datetime | None = None
) -> Checkout:
    """Apply a voucher by its code (one per checkout: a new one replaces the old).

    Raises:
        CheckoutNotFoundError; VoucherError: VOUCHER_NOT_FOUND,
        VOUCHER_NOT_ACTIVE, WRONG_CURRENCY, MINIMUM_NOT_MET, VOUCHER_USED_UP.
    """
    code = promo_code.strip().upper()
    if not code or len(code) > 32:
        raise VoucherError(
            VoucherErrorCode.VOUCHER_NOT_FOUND,
            "No voucher has this code.",
            field="promo_code",
        )
    with transaction.atomic():
        checkout = _owned(token, viewer_id)
        checkout.voucher_code = code
        error = checkout_view(checkout, now=now).price.voucher_error
        if error is not None:
            raise VoucherError(error.code, error.message, field="promo_code")
        checkout.save(update_fields=["voucher_code", "updated_at"])
    return checkout


def checkout_promo_code_remove(*, token: str, viewer_id: int | None) -> Checkout:
    """Take the voucher off the checkout (nothing happens if it has none).

    Raises:
        CheckoutNotFoundError.
    """
    with transaction.atomic():
        checkout = _owned(token, viewer_id)
        checkout.voucher_code = ""
        checkout.save(update_fields=["voucher_code", "updated_at"])
    return checkout


def checkout_complete(
    *, token: str, viewer_id: int | None, idempotency_key: str
) -> order_models.Order:
    """Place the checkout's order: reserve its stock, count its voucher, delete it.

    A repeat with the same key returns the order, also after the checkout is
    gone. Stock taken, a price changed or a voucher used up since the
    buyer's read is a typed error, and nothing is written.

    Raises:
        CheckoutNotFoundError; CheckoutError: EMAIL_REQUIRED,
        SHIPPING_ADDRESS_REQUIRED; OrderValidationError,
        OrderThrottledError, OrderBusyError, IdempotencyError: as
        `order_place`, plus PRICE_CHANGED, SHIPPING_METHOD_REQUIRED,
        SHIPPING_METHOD_NOT_AVAILABLE and the voucher's codes.
    """
    placed = _placed_order(token, viewer_id, idempotency_key)
    if placed is not None:
        return placed
    with transaction.atomic():
        checkout = _owned(token, viewer_id)
    if not checkout.email:
        raise CheckoutError(
            CheckoutErrorCode.EMAIL_REQUIRED,
            "Give the email the order is sent to.",
            field="email",
        )
    if checkout.shipping_address is None:
        raise CheckoutError(
            CheckoutErrorCode.SHIPPING_ADDRESS_REQUIRED,
            "Set a shipping address.",
            field="shipping_address",
        )
    rows = list(checkout.lines.order_by("id"))
    terms = CheckoutTerms(
        token=checkout.token,
        email=checkout.email,
        shipping_method_id=checkout.shipping_method_id,
        voucher_code=checkout.voucher_code,
        prices_seen={row.variant_id: row.price_seen for row in rows},
        on_placed=lambda order: _consumed(checkout.pk),
    )
    try:
        return order_place(
            customer_id=checkout.customer_id,
            lines=[
                LineInput(variant_id=r.variant_id, quantity=r.quantity) for r in rows
            ],
            shipping_address=Address(**checkout.shipping_address),
            idempotency_key=idempotency_key,
            checkout=terms,
        )
    except IntegrityError:
        # A racing completion under another key placed this checkout's
        # order first (orders_order.checkout_token is unique).
        placed = _placed_order(token, viewer_id, idempotency_key)
        if placed is None:
            raise CheckoutNotFoundError from None
        return placed


def checkouts_purge(*, now: datetime | None = None) -> int:
    """Delete checkouts untouched for CHECKOUT_ABANDONED_DAYS; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CHECKOUT_ABANDONED_DAYS)
    _, by_model = Checkout.objects.filter(updated_at__lt=cutoff).delete()
    return by_model.get(Checkout._meta.label, 0)


# -- helpers ---------------------------------------------------------------


def _visible(token: str, viewer_id: int | None) -> QuerySet[Checkout]:
    """Checkouts this viewer may see with this token: a guest's, or their own."""
    if not _TOKEN.match(token or ""):
        return Checkout.objects.none()
    rows = Checkout.objects.filter(token=token)
    if viewer_id is None:
        return rows.filter(customer__isnull=True)
    return rows.filter(customer__isnull=True) | rows.filter(customer_id=viewer_id)


def _owned(token: str, viewer_id: int | None) -> Checkout:
    """The checkout, locked; a signed-in viewer takes a guest's checkout over.

    Call inside a transaction.

    Raises:
        CheckoutNotFoundError
    """
    checkout = _visible(token, viewer_id).select_for_update().first()
    if checkout is None:
        raise CheckoutNotFoundError
    if viewer_id is not None and checkout.customer_id is None:
        checkout.customer_id = viewer_id
        fields = ["customer", "updated_at"]
        if not checkout.email:
            checkout.email = _account_email(viewer_id)
            fields.append("email")
        checkout.save(update_fields=fields)
    return checkout


def _placed_order(
    token: str, viewer_id: int | None, idempotency_key: str
) -> order_models.Order | None:
    """The order this checkout already became under this key, if it is the viewer's."""
    if not _TOKEN.match(token or ""):
        return None
    order = order_models.Order.objects.filter(
        checkout_token=token, idempotency_key=idempotency_key
    ).first()
    if order is None or (
        order.customer_id is not None and order.customer_id != viewer_id
    ):
        return None
    return order


def _consumed(checkout_id: int) -> None:
    """Delete the completed checkout, in the order's transaction."""
    Checkout.objects.filter(pk=checkout_id).delete()


def _lines_write(
    token: str, viewer_id: int | None, lines: Sequence[LineInput], *, add: bool
) -> Checkout:
    limits.order_line_count_check(count=len(lines))
    if add and (
        adding_nothing := [
            ErrorDetail(
                code=OrderErrorCode.INVALID_QUANTITY,
                message="Add at least 1 unit (checkoutLinesUpdate with 0 removes).",
                field=f"lines.{index}.quantity",
            )
            for index, line in enumerate(lines)
            if line.quantity < 1
        ]
    ):
        raise OrderValidationError(adding_nothing)
    variants = stock.sale_variants_by_ids(line.variant_id for line in lines)
    with transaction.atomic():
        checkout = _owned(token, viewer_id)
        existing = {row.variant_id: row for row in checkout.lines.all()}
        currencies = {v.currency for v in stock.sale_variants_by_ids(existing).values()}
        merged = [
            LineInput(
                variant_id=line.variant_id,
                quantity=line.quantity + (_held(existing, line) if add else 0),
            )
            for line in lines
        ]
        _lines_check(
            merged,
            variants,
            existing_currency=next(iter(currencies), None),
        )
        kept = set(existing) - {line.variant_id for line in merged}
        limits.order_line_count_check(
            count=len(kept) + sum(1 for line in merged if line.quantity > 0)
        )
        for line in merged:
            row = existing.get(line.variant_id)
            if line.quantity == 0:
                if row is not None:
                    row.delete()
            elif row is None:
                CheckoutLine.objects.create(
                    checkout=checkout,
                    variant_id=line.variant_id,
                    quantity=line.quantity,
                    price_seen=variants[line.variant_id].price,
                )
            else:
                row.quantity = line.quantity
                row.price_seen = variants[line.variant_id].price
                row.save(update_fields=["quantity", "price_seen"])
        checkout.save(update_fields=["updated_at"])
    return checkout


def _held(existing: dict[int, CheckoutLine], line: LineInput) -> int:
    row = existing.get(line.variant_id)
    return row.quantity if row is not None else 0


def _lines_check(
    lines: Sequence[LineInput],
    variants: dict[int, stock.SaleVariant],
    *,
    existing_currency: str | None,
) -> None:
    """Refuse lines no order could hold (the placement's rules): all at once."""
    details = line_problems(lines, variants, in_checkout=True)
    currencies = {existing_currency} if existing_currency else set()
    currencies.update(
        variants[line.variant_id].currency
        for line in lines
        if line.variant_id in variants and line.quantity > 0
    )
    if len(currencies) > 1:
        details.append(
            ErrorDetail(
                code=OrderErrorCode.MIXED_CURRENCY,
                message="All items of a checkout must be sold in one currency.",
                field="lines",
            )
        )
    if details:
        raise OrderValidationError(details)


def _email_checked(email: str) -> str:
    clean = email.strip().lower()
    try:
        if len(clean) > EMAIL_MAX:
            raise ValidationError("too long")
        validate_email(clean)
    except ValidationError:
        raise CheckoutError(
            CheckoutErrorCode.INVALID_EMAIL,
            f"Give a valid email address of at most {EMAIL_MAX} characters.",
            field="email",
        ) from None
    return clean


def _account_email(viewer_id: int | None) -> str:
    if viewer_id is None:
        return ""
    email = User.objects.filter(pk=viewer_id).values_list("email", flat=True).first()
    return (email or "").lower()


def _address_checked(address: Address) -> Address:
    clean = address_normalised(address)
    problems = address_problems(clean)
    if problems:
        raise OrderValidationError(problems)
    return clean


def _saved_address(viewer_id: int | None, address_id: int) -> Address:
    saved = (
        SavedAddress.objects.filter(pk=address_id, user_id=viewer_id).first()
        if viewer_id is not None
        else None
    )
    if saved is None:
        raise CheckoutError(
            CheckoutErrorCode.ADDRESS_NOT_FOUND,
            "You have no saved address with this ID.",
            field="address_id",
        )
    return Address(
        **{name: getattr(saved, name) for name in Address.__dataclass_fields__}
    )
