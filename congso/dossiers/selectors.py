"""Read queries about dossiers, with the access gates every view and API call goes through.

Who sees what:

* a citizen sees the dossiers they own (``applicant``);
* an officer sees the submitted (non-draft) dossiers handled or received by any agency in the
  sub-tree of an agency where they hold a role — a provincial leader sees the whole province;
* a superuser sees everything.

A dossier the actor may not see is reported as not found (404), never as forbidden.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from typing import Any

from django.db.models import Q
from django.utils import timezone

from congso.agencies.models import Agency, Role
from congso.core.exceptions import ApplicationError, NotFoundError
from congso.dossiers.constants import Status
from congso.dossiers.models import Dossier, DossierQuerySet, DossierStep, day_end, day_start
from congso.dossiers.workflow import _memberships

QUEUE_NAMES = (
    "to_receive",
    "to_process",
    "to_approve",
    "to_return",
    "supplement",
    "late",
    "due_soon",
)
QUEUE_LABELS = {
    "to_receive": "Chờ tiếp nhận",
    "to_process": "Chờ xử lý",
    "to_approve": "Chờ phê duyệt",
    "to_return": "Chờ trả kết quả",
    "supplement": "Chờ bổ sung",
    "late": "Quá hạn",
    "due_soon": "Sắp đến hạn",
}


def _agency_ids(actor: Any, *roles: str) -> set[int]:
    pairs = _memberships(actor)
    return {agency_id for agency_id, role in pairs if not roles or role in roles}


def _tree_filter(actor: Any) -> Q | None:
    """Q matching dossiers handled or received in the sub-trees of the actor's agencies."""
    ids = _agency_ids(actor)
    if not ids:
        return None
    paths = list(Agency.objects.filter(pk__in=ids).values_list("path", flat=True))
    condition = Q()
    for path in paths:
        condition |= Q(agency__path__startswith=path) | Q(receiving_agency__path__startswith=path)
    return condition


def dossiers_visible_to(actor: Any) -> DossierQuerySet:
    """Every dossier ``actor`` may see (see the module docstring)."""
    qs = Dossier.objects.all()
    if actor is None or not getattr(actor, "is_authenticated", False):
        return qs.none()
    if actor.is_superuser:
        return qs
    own = Q(applicant=actor)
    tree = _tree_filter(actor)
    if tree is None:
        return qs.filter(own)
    return qs.filter(own | (tree & ~Q(status=Status.DRAFT)))


def dossier_get_for(*, actor: Any, code: str) -> Dossier:
    """The dossier ``code`` if ``actor`` may see it; NotFoundError otherwise."""
    dossier = (
        dossiers_visible_to(actor)
        .select_related("procedure", "agency", "receiving_agency", "current_handler", "applicant")
        .filter(code=_clean(str(code or "")))
        .first()
    )
    if dossier is None:
        raise NotFoundError("Không tìm thấy hồ sơ %s." % code, {"code": code})
    return dossier


def queue(actor: Any, name: str, *, now: dt.datetime | None = None) -> DossierQuerySet:
    """One work queue of the back office, ordered by urgency (earliest deadline first)."""
    now = now or timezone.now()
    base = Dossier.objects.select_related("procedure", "agency", "receiving_agency")
    if name not in QUEUE_NAMES:
        raise ApplicationError("Hàng đợi không tồn tại: %s." % name)
    desks = _agency_ids(actor, Role.RECEPTIONIST)
    desk_q = Q(receiving_agency_id__in=desks) | Q(agency_id__in=desks)
    if name == "to_receive":
        return base.filter(desk_q, status=Status.SUBMITTED).order_by("submitted_at", "id")
    if name == "to_return":
        return base.filter(desk_q, status__in=[Status.APPROVED, Status.REJECTED]).order_by(
            "finished_at", "id"
        )
    if name == "supplement":
        return base.filter(
            Q(desk_q) | Q(agency_id__in=_agency_ids(actor, Role.SPECIALIST)),
            status=Status.AWAITING_SUPPLEMENT,
        ).order_by("updated_at", "id")
    if name == "to_process":
        return base.filter(
            agency_id__in=_agency_ids(actor, Role.SPECIALIST),
            status__in=[Status.RECEIVED, Status.IN_PROGRESS],
        ).order_by("due_at", "id")
    if name == "to_approve":
        return base.filter(
            agency_id__in=_agency_ids(actor, Role.LEADER), status=Status.AWAITING_APPROVAL
        ).order_by("due_at", "id")
    visible = dossiers_visible_to(actor).select_related("procedure", "agency", "receiving_agency")
    if name == "late":
        return visible.overdue(now).order_by("due_at", "id")
    return visible.due_soon(now).order_by("due_at", "id")


def queue_counts(actor: Any, *, now: dt.datetime | None = None) -> dict[str, int]:
    """How many dossiers wait in each queue of ``actor``."""
    return {name: queue(actor, name, now=now).count() for name in QUEUE_NAMES}


def _clean(text: str | None) -> str:
    """User input for a query: stripped, without NUL (PostgreSQL text cannot hold it)."""
    return (text or "").replace("\x00", "").strip()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _phone_variants(text: str) -> set[str]:
    digits = _digits(text)
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return {digits, "+84" + digits[1:], "84" + digits[1:]} if digits else set()


def dossier_search(actor: Any, q: str) -> DossierQuerySet:
    """Search the dossiers ``actor`` may see by code, applicant name, ID number or phone."""
    text = _clean(q)
    qs = dossiers_visible_to(actor).select_related("procedure", "agency")
    if not text:
        return qs.none()
    condition = Q(code__icontains=text) | Q(applicant_name__icontains=text)
    condition |= Q(organisation_name__icontains=text)
    digits = _digits(text)
    if len(digits) >= 9:
        condition |= Q(applicant_personal_id=digits) | Q(organisation_tax_code=digits)
        condition |= Q(applicant_phone__in=_phone_variants(text))
    return qs.filter(condition)


def dossier_lookup(*, code: str, phone_or_id: str) -> Dossier | None:
    """Public lookup: the dossier only when both its code and the applicant's phone or personal
    ID match (never by code alone — the timeline is personal data)."""
    code = _clean(code)
    secret = _digits(phone_or_id)
    if not code or len(secret) < 9:
        return None
    dossier = (
        Dossier.objects.select_related("procedure", "agency", "receiving_agency")
        .filter(code=code)
        .exclude(status=Status.DRAFT)
        .first()
    )
    if dossier is None:
        return None
    ok = False
    if dossier.applicant_personal_id:
        ok |= hmac.compare_digest(dossier.applicant_personal_id, secret)
    if dossier.applicant_phone:
        stored = _phone_variants(dossier.applicant_phone)
        ok |= any(
            hmac.compare_digest(s, secret) for s in stored | {_digits(dossier.applicant_phone)}
        )
        if secret.startswith("84") and len(secret) == 11:
            ok |= hmac.compare_digest(_digits(dossier.applicant_phone), "0" + secret[2:])
    return dossier if ok else None


def dossier_filter(
    actor: Any,
    *,
    status: str = "",
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    agency: Agency | None = None,
) -> DossierQuerySet:
    """The API list: visible dossiers filtered by status, receipt dates and agency sub-tree."""
    qs = dossiers_visible_to(actor).select_related("procedure", "agency", "receiving_agency")
    if status:
        qs = qs.filter(status__in=[s for s in status.split(",") if s])
    if received_from:
        qs = qs.filter(received_at__gte=day_start(received_from))
    if received_to:
        qs = qs.filter(received_at__lt=day_end(received_to))
    if agency is not None:
        qs = qs.for_agency_tree(agency)
    return qs.order_by("-created_at", "-id")


def timeline(dossier: Dossier, *, public: bool = False) -> list[DossierStep]:
    """The dossier's steps in order; ``public`` keeps only steps with a public note."""
    steps = list(dossier.steps.select_related("actor", "agency").order_by("at", "id"))
    if public:
        return [s for s in steps if s.public_note]
    return steps


def is_officer_of(actor: Any, dossier: Dossier) -> bool:
    """Whether ``actor`` sees ``dossier`` as an officer (not only as its applicant)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser:
        return True
    tree = _tree_filter(actor)
    return tree is not None and Dossier.objects.filter(tree, pk=dossier.pk).exists()
