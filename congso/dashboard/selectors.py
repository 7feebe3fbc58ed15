"""Reads of the dashboard: who may see which agencies' KPIs, periods, rankings, overdue lists."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from congso.agencies.models import Agency, Membership, Role
from congso.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from congso.dashboard import kpis
from congso.dossiers.models import Dossier

#: Roles that may open the leaders' dashboard and the KPI API.
DASHBOARD_ROLES = (Role.LEADER, Role.ADMIN)


@dataclass
class Scope:
    """The agencies an actor's dashboard covers and the one currently selected."""

    #: Roots of the sub-trees the actor may see; None = the whole province.
    roots: list[Agency] | None
    #: The selected agency (its sub-tree), or None = every allowed agency.
    agency: Agency | None = None
    choices: list[Agency] = field(default_factory=list)

    @property
    def agency_ids(self) -> list[int] | None:
        """Handling agencies to count (None = no filter)."""
        if self.agency is not None:
            return list(Agency.objects.subtree_of(self.agency).values_list("id", flat=True))
        if self.roots is None:
            return None
        ids: set[int] = set()
        for root in self.roots:
            ids.update(Agency.objects.subtree_of(root).values_list("id", flat=True))
        return sorted(ids)

    @property
    def label(self) -> str:
        if self.agency is not None:
            return self.agency.name
        if self.roots is None:
            return "Toàn tỉnh"
        return ", ".join(a.display_name for a in self.roots)

    @property
    def slug(self) -> str:
        return self.agency.slug if self.agency else ""


def can_view_dashboard(user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=DASHBOARD_ROLES).exists()


def dashboard_scope_for(*, actor: Any, agency_slug: str | None = None) -> Scope:
    """The dashboard scope of ``actor``: superusers see the province, a leader or administrator
    the sub-trees of the agencies where they hold that role.

    Raises :class:`PermissionDeniedError` for anyone else and :class:`NotFoundError` when
    ``agency_slug`` is unknown or outside the actor's sub-trees.
    """
    if not can_view_dashboard(actor):
        raise PermissionDeniedError("Chỉ lãnh đạo và quản trị viên được xem trang điều hành.")
    roots: list[Agency] | None
    if actor.is_superuser:
        roots = None
        choices = list(Agency.objects.active().order_by("path"))
    else:
        found = {
            m.agency.pk: m.agency
            for m in Membership.objects.filter(user=actor, role__in=DASHBOARD_ROLES).select_related(
                "agency"
            )
        }
        # Drop roots already inside another root's sub-tree.
        roots = sorted(
            (
                a
                for a in found.values()
                if not any(a.pk != b.pk and a.path.startswith(b.path) for b in found.values())
            ),
            key=lambda a: a.path,
        )
        choices = []
        for root in roots:
            choices.extend(Agency.objects.subtree_of(root).active().order_by("path"))
    scope = Scope(roots=roots, choices=choices)
    if agency_slug:
        agency = next((a for a in choices if a.slug == agency_slug), None)
        if agency is None:
            raise NotFoundError("Không tìm thấy cơ quan %r trong phạm vi được xem." % agency_slug)
        scope.agency = agency
    elif roots is not None and len(roots) == 1:
        scope.agency = roots[0]
    return scope


# ---------------------------------------------------------------- dates
_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str, label: str) -> dt.date:
    """dd/mm/yyyy or ISO yyyy-mm-dd; ApplicationError (Vietnamese) otherwise."""
    text = (text or "").strip()
    match = _DATE_RE.match(text)
    try:
        if match:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ApplicationError(
        "%s không hợp lệ: %r. Nhập ngày dạng dd/mm/yyyy, ví dụ 01/01/2026." % (label, text),
        {"fields": {"from" if label == "Từ ngày" else "to": ["Ngày không hợp lệ."]}},
    )


def resolve_period(
    date_from: str | None, date_to: str | None, *, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The period [from, to]; default the current year up to today. At most 5 years long."""
    today = today or timezone.localdate()
    start = parse_date(date_from, "Từ ngày") if date_from else dt.date(today.year, 1, 1)
    end = parse_date(date_to, "Đến ngày") if date_to else today
    if end < start:
        raise ApplicationError(
            "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.",
            {"fields": {"to": ["Ngày kết thúc trước ngày bắt đầu."]}},
        )
    if (end - start).days > 366 * 5:
        raise ApplicationError(
            "Khoảng thời gian tối đa là 5 năm.", {"fields": {"from": ["Khoảng quá dài."]}}
        )
    return start, end


# ---------------------------------------------------------------- ranking and lists
@dataclass
class AgencyRow:
    agency: Agency
    counts: kpis.Counts

    @property
    def on_time_rate(self) -> float | None:
        return kpis.on_time_rate(self.counts)

    @property
    def online_rate(self) -> float | None:
        return kpis.online_rate(self.counts)


def ranking(
    report: kpis.KpiReport, scope: Scope, *, top_level: Agency | None = None
) -> list[AgencyRow]:
    """Per-agency KPIs rolled up to the level below the selected agency (its children plus the
    agency itself for the dossiers it handles directly), or to the actor's roots.

    Sorted by on-time rate (lowest first: the agencies that lag), then by resolved dossiers.
    """
    parent = top_level or scope.agency
    if parent is not None:
        units = [parent, *Agency.objects.filter(parent=parent).order_by("path")]
    elif scope.roots is not None:
        units = list(scope.roots)
    else:
        units = list(Agency.objects.filter(parent__isnull=True).order_by("path"))
        if len(units) == 1:
            units = [units[0], *Agency.objects.filter(parent=units[0]).order_by("path")]
    paths = {a.pk: a.path for a in Agency.objects.filter(pk__in=list(report.by_agency))}
    rows: list[AgencyRow] = []
    for unit in units:
        own_only = parent is not None and unit.pk == parent.pk
        total = kpis.Counts()
        for agency_id, counts in report.by_agency.items():
            path = paths.get(agency_id, "")
            if (own_only and agency_id == unit.pk) or (not own_only and path.startswith(unit.path)):
                total = total + counts
        if total.received or total.resolved or total.in_progress:
            rows.append(AgencyRow(unit, total))
    rows.sort(
        key=lambda r: (
            r.on_time_rate if r.on_time_rate is not None else 2.0,
            -r.counts.resolved,
            r.agency.path,
        )
    )
    return rows


def overdue_list(scope: Scope, *, now: dt.datetime | None = None) -> QuerySet[Dossier]:
    """Dossiers in progress and past their deadline in the scope, most overdue first."""
    now = now or timezone.now()
    return (
        kpis.overdue_dossiers(scope.agency_ids, now)
        .select_related("procedure", "agency", "current_handler")
        .order_by("due_at", "id")
    )


def public_agencies() -> list[Agency]:
    """Agencies listed on the public statistics page: departments, service centres, communes."""
    return list(
        Agency.objects.active()
        .filter(kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.SERVICE_CENTER, Agency.Kind.COMMUNE])
        .order_by("kind", "path")
    )
