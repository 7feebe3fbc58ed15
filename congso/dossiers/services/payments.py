"""Fee payments: VietQR transfer requests and bank-statement reconciliation (core.payments)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from congso.agencies.models import Membership, Role
from congso.core import audit
from congso.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from congso.core.formatting import format_vnd
from congso.dossiers import workflow
from congso.dossiers.constants import PaymentMethod, Status
from congso.dossiers.models import Dossier, Payment
from congso.dossiers.services.base import _atomic, _lock, _notify_applicant, _now
from congso.dossiers.services.transitions import _mark_paid


# ---------------------------------------------------------------- payments
@_atomic
def payment_create(
    *, actor: Any, dossier: Dossier, now: dt.datetime | None = None
) -> tuple[Payment, Any]:
    """Open (or reuse) a bank-transfer request for the dossier's fee.

    Returns the :class:`Payment` row and the provider's request (VietQR payload, QR PNG and
    instructions); the transfer description carries the dossier code so that reconciliation
    finds it.
    """
    from congso.core.payments import get_payment_provider

    at = _now(now)
    dossier = _lock(dossier)
    roles = workflow.actor_roles(actor, dossier)
    if not roles & {workflow.APPLICANT, workflow.RECEPTIONIST}:
        raise PermissionDeniedError(
            "Chỉ người nộp hồ sơ hoặc cán bộ một cửa mới tạo được mã thanh toán."
        )
    if dossier.fee_amount <= 0:
        raise ConflictError("Thủ tục này không thu phí, lệ phí.")
    if dossier.paid_at is not None:
        raise ConflictError("Hồ sơ đã nộp phí, lệ phí.")
    if dossier.status in (Status.DRAFT, Status.REJECTED, Status.RETURNED, Status.WITHDRAWN):
        raise ConflictError(
            "Trạng thái hiện tại của hồ sơ (%s) không cho phép nộp phí."
            % dossier.get_status_display().lower()
        )
    provider = get_payment_provider()
    request = provider.create_request(
        reference=dossier.code,
        amount=dossier.fee_amount,
        description="Phi le phi ho so",
    )
    payment = Payment.objects.filter(dossier=dossier, provider=provider.name).first()
    if payment is None:
        payment = Payment.objects.create(
            dossier=dossier,
            provider=provider.name,
            reference=dossier.code,
            amount=dossier.fee_amount,
            created_at=at,
        )
        audit.record(
            actor=actor,
            obj=dossier,
            action="dossier.payment_create",
            data={"reference": payment.reference, "amount": payment.amount, "at": at.isoformat()},
        )
    elif payment.state != Payment.State.PENDING or payment.amount != dossier.fee_amount:
        payment.state = Payment.State.PENDING
        payment.amount = dossier.fee_amount
        payment.save(update_fields=["state", "amount"])
    return payment, request


def _may_reconcile(actor: Any) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if getattr(actor, "is_superuser", False):
        return True
    return Membership.objects.filter(user=actor, role__in=[Role.RECEPTIONIST, Role.ADMIN]).exists()


def _line_dict(line: Any) -> dict[str, Any]:
    return {
        "line": line.line_no,
        "date": line.date.isoformat() if line.date else None,
        "amount": line.amount,
        "description": line.description[:200],
    }


@_atomic
def payment_reconcile(
    *, actor: Any, statement: str, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Match bank-statement lines to pending transfers and mark their dossiers paid (online).

    ``statement`` is CSV text, one credit per line: ``date, amount, description`` (header line
    optional; comma, semicolon or tab). A line matches a pending payment whose dossier code
    appears in the description with exactly the fee amount (core.payments). Returns matched
    codes, amount mismatches and duplicates for an officer to decide, unmatched lines and the
    numbers of lines that could not be read — nothing is dropped silently.
    """
    from congso.core.payments import get_payment_provider

    at = _now(now)
    if not _may_reconcile(actor):
        raise PermissionDeniedError("Chỉ cán bộ một cửa hoặc quản trị mới đối soát thanh toán.")
    if not statement or not statement.strip():
        raise ApplicationError("Sao kê trống.", {"fields": {"statement": ["Bắt buộc nhập."]}})
    if len(statement) > 2_000_000:
        raise ApplicationError("Sao kê quá lớn (tối đa 2 MB mỗi lần).")
    pending = {
        p.reference: p
        for p in Payment.objects.select_related("dossier").filter(state=Payment.State.PENDING)
    }
    provider = get_payment_provider()
    result = provider.reconcile(statement, expected={ref: p.amount for ref, p in pending.items()})
    matched: list[dict[str, Any]] = []
    for match in result.matches:
        payment = pending[match.reference]
        dossier = _lock(payment.dossier)
        payment.state = Payment.State.PAID
        payment.paid_at = at
        payment.statement_line = "%s,%s,%s" % (
            match.line.date or "",
            match.line.amount,
            match.line.description[:900],
        )
        payment.save(update_fields=["state", "paid_at", "statement_line"])
        if dossier.paid_at is None:
            _mark_paid(
                dossier,
                actor=actor,
                method=PaymentMethod.ONLINE,
                reference="Sao kê dòng %d" % match.line.line_no,
                at=at,
                role="",
            )
            _notify_applicant(dossier, note="Đã nhận phí, lệ phí %s." % format_vnd(payment.amount))
        matched.append({"line": match.line.line_no, "code": dossier.code, "amount": match.amount})
    return {
        "matched": matched,
        "amount_mismatches": [
            {**_line_dict(line), "code": ref, "expected": expected}
            for ref, expected, line in result.amount_mismatches
        ],
        "duplicates": [{**_line_dict(m.line), "code": m.reference} for m in result.duplicates],
        "unmatched": [_line_dict(line) for line in result.unmatched],
        "errors": [{"line": number, "message": message} for number, message in result.errors],
    }
