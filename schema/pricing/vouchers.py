"""voucherCreate: staff make discount codes (the admin offers the same)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async
from strawberry import relay

from apps.pricing import models
from apps.pricing.errors import VoucherError as DomainVoucherError
from apps.pricing.errors import VoucherErrorCode
from apps.pricing.vouchers import VoucherSpec, voucher_create
from schema.core.error_codes import error_code_enum
from schema.core.ids import decode_global_id
from schema.core.input_checks import bounded_field
from schema.core.permissions import IsStaff
from schema.core.user_errors import UserError, user_error_from


@strawberry.enum(name="VoucherDiscountType", description="What a voucher takes off.")
class VoucherDiscountType(Enum):
    PERCENTAGE = strawberry.enum_value(
        "PERCENTAGE", description="`value` percent of the lines."
    )
    FIXED = strawberry.enum_value(
        "FIXED", description="`value` in `currency`, shared by lines."
    )
    FREE_SHIPPING = strawberry.enum_value("FREE_SHIPPING", description="The shipping.")


@error_code_enum(
    VoucherErrorCode,
    name="VoucherErrorCode",
    description="Why a voucher mutation failed.",
    # Raised when a basket uses a voucher, never by voucherCreate.
    exclude={
        VoucherErrorCode.VOUCHER_NOT_FOUND,
        VoucherErrorCode.VOUCHER_NOT_ACTIVE,
        VoucherErrorCode.VOUCHER_USED_UP,
        VoucherErrorCode.VOUCHER_LIMIT_PER_CUSTOMER,
        VoucherErrorCode.MINIMUM_NOT_MET,
        VoucherErrorCode.WRONG_CURRENCY,
    },
)
class VoucherErrorCodeEnum(Enum):
    pass


@strawberry.type(
    name="VoucherError", description="Why a voucher mutation did not do what was asked."
)
class VoucherError(UserError[VoucherErrorCodeEnum]):
    pass


@strawberry.type(description="A discount code.")
class Voucher:
    id: strawberry.ID = strawberry.field(description="The voucher's global ID.")
    code: str = strawberry.field(description="The code customers type, in capitals.")
    discount_type: VoucherDiscountType = strawberry.field(
        description="What it takes off."
    )
    value: Decimal = strawberry.field(description="Percent, or amount in `currency`.")
    currency: str | None = strawberry.field(
        description="Of a FIXED value and the minimum."
    )
    minimum_subtotal: Decimal | None = strawberry.field(
        description="Smallest basket it applies to."
    )
    usage_limit: int | None = strawberry.field(
        description="Uses in all; null: unlimited."
    )
    usage_limit_per_customer: int | None = strawberry.field(
        description="Uses per customer (by email); null: unlimited."
    )
    uses_left: int | None = strawberry.field(
        description="Uses remaining; null: unlimited."
    )
    starts_at: datetime = strawberry.field(description="When it starts to work.")
    ends_at: datetime | None = strawberry.field(
        description="When it stops; null: never."
    )

    @classmethod
    def from_model(cls, voucher: models.Voucher) -> Voucher:
        return cls(
            id=strawberry.ID(relay.to_base64("Voucher", voucher.pk)),
            code=voucher.code,
            discount_type=VoucherDiscountType(voucher.discount_type),
            value=voucher.value,
            currency=voucher.currency or None,
            minimum_subtotal=voucher.minimum_subtotal,
            usage_limit=voucher.usage_limit,
            usage_limit_per_customer=voucher.usage_limit_per_customer,
            uses_left=voucher.uses_left,
            starts_at=voucher.starts_at,
            ends_at=voucher.ends_at,
        )


@strawberry.input(description="A new voucher.")
class VoucherCreateInput:
    code: str = bounded_field(
        description="3 to 32 letters, digits, `-` or `_`; unique in any case.",
        max_length=32,
    )
    discount_type: VoucherDiscountType = strawberry.field(
        description="What it takes off."
    )
    value: Decimal = strawberry.field(
        default=Decimal("0"),
        description=(
            "Percent (0 to 100) for PERCENTAGE, an amount for FIXED; ignored "
            "for FREE_SHIPPING."
        ),
    )
    currency: str | None = bounded_field(
        default=None,
        description="ISO 4217 code; required for FIXED and with a minimumSubtotal.",
        max_length=3,
    )
    minimum_subtotal: Decimal | None = strawberry.field(
        default=None,
        description="The smallest basket (after other discounts) it applies to.",
    )
    usage_limit: int | None = strawberry.field(default=None, description="Uses in all.")
    usage_limit_per_customer: int | None = strawberry.field(
        default=None, description="Uses per customer, counted by email."
    )
    starts_at: datetime | None = strawberry.field(
        default=None, description="Default: now."
    )
    ends_at: datetime | None = strawberry.field(
        default=None, description="Default: never."
    )
    categories: list[relay.GlobalID] | None = strawberry.field(
        default=None,
        description=(
            "Category IDs it applies to (with their subcategories); with "
            "`products`, none given: the whole catalog."
        ),
    )
    products: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Product IDs it applies to."
    )


@strawberry.type(description="The result of voucherCreate.")
class VoucherCreatePayload:
    voucher: Voucher | None = strawberry.field(
        default=None, description="The new voucher; null when errors is not empty."
    )
    errors: list[VoucherError] = strawberry.field(
        default_factory=list, description="Empty when the mutation succeeded."
    )


def _pks(
    ids: list[relay.GlobalID] | None, expected: str, field: str
) -> tuple[int, ...]:
    return tuple(
        decode_global_id(value, expected=expected, field=f"{field}.{n}")
        for n, value in enumerate(ids or ())
    )


@strawberry.type
class VoucherMutation:
    @strawberry.mutation(
        description="Create a voucher (staff only).", permission_classes=[IsStaff]
    )
    async def voucher_create(
        self,
        input: Annotated[
            VoucherCreateInput, strawberry.argument(description="The voucher.")
        ],
    ) -> VoucherCreatePayload | None:
        spec = VoucherSpec(
            code=input.code,
            discount_type=models.DiscountType(str(input.discount_type.value)),
            value=input.value,
            currency=(input.currency or "").strip().upper(),
            minimum_subtotal=input.minimum_subtotal,
            usage_limit=input.usage_limit,
            usage_limit_per_customer=input.usage_limit_per_customer,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            category_ids=_pks(input.categories, "Category", "categories"),
            product_ids=_pks(input.products, "Product", "products"),
        )
        try:
            voucher = await sync_to_async(voucher_create)(spec)
        except DomainVoucherError as error:
            return VoucherCreatePayload(
                errors=[
                    user_error_from(
                        error, error_type=VoucherError, codes=VoucherErrorCodeEnum
                    )
                ]
            )
        return VoucherCreatePayload(voucher=Voucher.from_model(voucher))
