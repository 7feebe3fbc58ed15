"""Dashboard API: service KPIs and socio-economic indicators (leaders and administrators)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.agencies.models import Agency
from congso.core.exceptions import ApplicationError, PermissionDeniedError
from congso.dashboard import indicators, kpis, selectors


def _scope(request: Request, slug: str) -> selectors.Scope:
    if not selectors.can_view_dashboard(request.user):
        raise PermissionDeniedError("Chỉ lãnh đạo và quản trị viên được xem số liệu điều hành.")
    if slug and not Agency.objects.filter(slug=slug).exists():
        raise ApplicationError(
            "Không có cơ quan với định danh %r." % slug, {"fields": {"agency": ["Không tồn tại."]}}
        )
    return selectors.dashboard_scope_for(actor=request.user, agency_slug=slug or None)


class DashboardKpiSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.FloatField(allow_null=True, help_text="Tỷ lệ dạng 0..1")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()


class DashboardScore766Serializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    max_points = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    points = serializers.FloatField(allow_null=True, help_text="null: không tính được")
    rule = serializers.CharField()


class DashboardAgencyRowSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    received = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    in_progress = serializers.IntegerField()
    in_progress_overdue = serializers.IntegerField()


class DashboardIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    group = serializers.CharField()
    parent = serializers.CharField(allow_null=True)  # type: ignore[assignment]
    value = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False)
    plan_target = serializers.DecimalField(
        max_digits=20, decimal_places=4, allow_null=True, coerce_to_string=False
    )
    same_period_last_year = serializers.DecimalField(
        max_digits=20, decimal_places=4, allow_null=True, coerce_to_string=False
    )
    growth_pct = serializers.FloatField(allow_null=True, help_text="Tăng trưởng so cùng kỳ, %")
    plan_pct = serializers.FloatField(allow_null=True, help_text="Đạt % kế hoạch")
    source = serializers.CharField()  # type: ignore[assignment]
    note = serializers.CharField()
    is_demo = serializers.BooleanField()


class KpiListApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        # "from" is a Python keyword: the field is declared under another name below.
        to = serializers.CharField(required=False, allow_blank=True, max_length=20)
        agency = serializers.CharField(required=False, allow_blank=True, max_length=60)

    class DashboardKpisOutputSerializer(serializers.Serializer):
        period_from = serializers.DateField()
        period_to = serializers.DateField()
        cutoff = serializers.DateTimeField()
        agency = serializers.CharField(allow_null=True)
        scope = serializers.CharField()
        counts = serializers.DictField(child=serializers.IntegerField())
        kpis = DashboardKpiSerializer(many=True)
        avg_processing_days = serializers.FloatField(allow_null=True)
        scores_766 = DashboardScore766Serializer(many=True)
        points_766 = serializers.FloatField()
        max_points_766_computable = serializers.IntegerField()
        agencies = DashboardAgencyRowSerializer(many=True)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.STR,
                description="Từ ngày: dd/mm/yyyy hoặc yyyy-mm-dd (mặc định 01/01 năm nay)",
            ),
            OpenApiParameter("to", OpenApiTypes.STR, description="Đến ngày (mặc định hôm nay)"),
            OpenApiParameter(
                "agency",
                OpenApiTypes.STR,
                description="Định danh (slug) cơ quan; gồm cả các đơn vị trực thuộc",
            ),
        ],
        responses={200: DashboardKpisOutputSerializer},
        tags=["dashboard"],
        summary="Chỉ số giải quyết hồ sơ (Quyết định 766) của một kỳ và một cơ quan",
    )
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        slug = params.validated_data.get("agency", "")
        scope = _scope(request, slug)
        start, end = selectors.resolve_period(
            request.query_params.get("from"), params.validated_data.get("to")
        )
        report = kpis.compute_kpis(start=start, end=end, agency_ids=scope.agency_ids)
        c = report.totals
        counts: dict[str, Any] = asdict(c)
        counts.update(resolved_late=c.resolved_late, in_progress_on_time=c.in_progress_on_time)
        scores = report.scores()
        computable = [s for s in scores if s.points is not None]
        rows = selectors.ranking(report, scope)
        data = {
            "period_from": start,
            "period_to": end,
            "cutoff": report.cutoff,
            "agency": scope.slug or None,
            "scope": scope.label,
            "counts": counts,
            "kpis": [
                (
                    {
                        "key": k.key,
                        "label": k.label,
                        "value": k.func(c),
                        "numerator": getattr(c, k.numerator),
                        "denominator": getattr(c, k.denominator),
                    }
                )
                for k in kpis.RATE_KPIS
            ],
            "avg_processing_days": report.avg_processing_days,
            "scores_766": [asdict(s) for s in scores],
            "points_766": sum(s.points or 0 for s in computable),
            "max_points_766_computable": sum(s.max_points for s in computable),
            "agencies": [
                (
                    {
                        "slug": r.agency.slug,
                        "name": r.agency.name,
                        "received": r.counts.received,
                        "resolved": r.counts.resolved,
                        "resolved_on_time": r.counts.resolved_on_time,
                        "on_time_rate": r.on_time_rate,
                        "in_progress": r.counts.in_progress,
                        "in_progress_overdue": r.counts.in_progress_overdue,
                    }
                )
                for r in rows
            ],
        }
        return Response(self.DashboardKpisOutputSerializer(data).data)


class IndicatorListApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        period = serializers.CharField(required=False, allow_blank=True, max_length=20)

    class DashboardIndicatorsOutputSerializer(serializers.Serializer):
        period = serializers.CharField(allow_null=True)
        period_label = serializers.CharField(allow_null=True)
        periods = serializers.ListField(child=serializers.CharField())
        indicators = DashboardIndicatorSerializer(many=True)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                description="Kỳ: 2021 (năm), 2021-06 hoặc 06/2021 (tháng), 2021-Q2 (quý), 2021-H1 (6 tháng). Mặc định: kỳ gần nhất có số liệu.",
            )
        ],
        responses={200: DashboardIndicatorsOutputSerializer},
        tags=["dashboard"],
        summary="Chỉ tiêu kinh tế - xã hội của một kỳ, với tăng trưởng và % kế hoạch tính sẵn",
    )
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        if not selectors.can_view_dashboard(request.user):
            raise PermissionDeniedError("Chỉ lãnh đạo và quản trị viên được xem số liệu điều hành.")
        text = params.validated_data.get("period", "")
        period = indicators.parse_period(text) if text else indicators.default_period()
        rows = indicators.indicator_table(period) if period else []
        data = {
            "period": period.key if period else None,
            "period_label": period.label if period else None,
            "periods": [p.key for p in indicators.periods_available()],
            "indicators": [
                (
                    {
                        "code": r.indicator.code,
                        "name": r.indicator.name,
                        "unit": r.indicator.unit,
                        "group": r.indicator.group,
                        "parent": r.indicator.parent.code if r.indicator.parent else None,
                        "value": r.value.value,
                        "plan_target": r.value.plan_target,
                        "same_period_last_year": r.value.same_period_last_year,
                        "growth_pct": None if r.growth_pct is None else float(r.growth_pct),
                        "plan_pct": None if r.plan_pct is None else float(r.plan_pct),
                        "source": r.value.source,
                        "note": r.value.note,
                        "is_demo": r.value.is_demo,
                    }
                )
                for r in rows
            ],
        }
        return Response(self.DashboardIndicatorsOutputSerializer(data).data)
