"""Pages of the applicant: my dossiers, the procedure picker, the online form, a dossier's page,
payment and feedback."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from congso.catalog import selectors as catalog_selectors
from congso.catalog.models import Procedure
from congso.core import qr
from congso.core.exceptions import ApplicationError
from congso.core.formatting import format_vnd
from congso.dossiers import forms, selectors, services, workflow
from congso.dossiers.constants import Action, AttachmentKind, Status
from congso.dossiers.models import Dossier
from congso.dossiers.templatetags.dossier_tags import procedure_url
from congso.dossiers.views.common import (
    add_service_error,
    attach_all,
    create_with_uploads,
    detail_context,
    detail_url,
    dossier_or_404,
    paginate,
)

# ------------------------------------------------------------------------------ citizen pages


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """Hồ sơ của tôi: the citizen's own dossiers, newest first, with status and appointment."""
    queryset = (
        selectors.dossiers_visible_to(request.user)
        .filter(applicant_id=request.user.pk)
        .select_related("procedure", "agency", "apology_letter")
        .order_by("-created_at", "-id")
    )
    # What waits for the citizen: a supplement, a fee, a draft to finish, a result to rate.
    todo = [
        (dossier, task)
        for dossier in queryset.filter(
            Q(status__in=[Status.AWAITING_SUPPLEMENT, Status.DRAFT])
            | Q(status=Status.RETURNED, rating__isnull=True)
            | Q(fee_amount__gt=0, paid_at__isnull=True, status__in=UNPAID_STATUSES)
        )[:10]
        if (task := _task_of(dossier))
    ]
    status = request.GET.get("trang-thai", "")
    if status in Status.values:
        queryset = queryset.filter(status=status)
    return render(
        request,
        "dossiers/my_dossiers.html",
        {
            "todo": todo,
            "page": paginate(request, queryset),
            "statuses": Status.choices,
            "status": status,
            "query": urlencode({"trang-thai": status}) if status else "",
        },
    )


#: States in which an unpaid fee can still be paid online.
UNPAID_STATUSES = [
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.IN_PROGRESS,
    Status.AWAITING_SUPPLEMENT,
    Status.AWAITING_APPROVAL,
    Status.APPROVED,
]


def _task_of(dossier: Dossier) -> str:
    if dossier.status == Status.AWAITING_SUPPLEMENT:
        return "Bổ sung hồ sơ theo yêu cầu"
    if dossier.status == Status.DRAFT:
        return "Hoàn thiện và nộp hồ sơ nháp"
    if dossier.status == Status.RETURNED:
        return "Đánh giá mức độ hài lòng"
    if dossier.fee_amount and not dossier.paid_at:
        return "Nộp phí, lệ phí %s" % format_vnd(dossier.fee_amount)
    return ""


def procedure_picker(request: HttpRequest) -> HttpResponse:
    """Nộp hồ sơ: search the catalog and pick a procedure (online ones first)."""
    form = forms.ProcedureSearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    results: Any
    if q:
        results = catalog_selectors.procedure_search(q)
    else:
        results = (
            Procedure.objects.active()
            .filter(online_level=Procedure.OnlineLevel.FULL)
            .select_related("field")
            .order_by("-popularity", "name")
        )
    return render(
        request,
        "dossiers/procedure_picker.html",
        {
            "form": form,
            "q": q,
            "page": paginate(request, results),
            "query": urlencode({"q": q}) if q else "",
        },
    )


@login_required
def submit_application(request: HttpRequest, code: str) -> HttpResponse:
    """The online application form of one procedure (full-online procedures only)."""
    procedure = get_object_or_404(
        Procedure.objects.active().prefetch_related("fees", "receiving_agencies"), code=code
    )
    documents = list(procedure.required_documents.all())
    context: dict[str, Any] = {"procedure": procedure, "documents": documents}
    if not procedure.is_full_online:
        return render(request, "dossiers/submit_in_person.html", context)
    if getattr(request.user, "is_officer", False):
        # Officers do not apply online in their own name; the desk enters walk-in dossiers.
        if "receptionist" in request.user.role_names():
            messages.info(request, "Tài khoản cán bộ một cửa: nhập hồ sơ của người nộp tại quầy.")
            return redirect("dossiers:walkin-form", code=procedure.code)
        messages.info(
            request,
            "Tài khoản cán bộ không nộp hồ sơ trực tuyến; hãy đăng nhập bằng tài khoản công dân.",
        )
        return redirect(procedure_url(procedure))
    form = forms.ApplicationForm(
        request.POST or None,
        request.FILES or None,
        procedure=procedure,
        documents=documents,
        profile=request.user,
        agencies=_deciding_agencies(procedure),
    )
    if request.method == "POST" and form.is_valid():
        submit_now = "nop" in request.POST
        dossier = create_with_uploads(request, form, procedure, agency=form.chosen_agency())
        if dossier is not None:
            return _after_save(request, dossier, submit_now=submit_now)
    context["form"] = form
    context["fee"] = procedure.total_fee
    return render(request, "dossiers/submit.html", context, status=400 if form.errors else 200)


def _deciding_agencies(procedure: Procedure) -> list[Any]:
    """Agencies an online applicant chooses between: the receiving communes of a commune-level
    procedure (the commune decides); none for province-level ones (routed by competence)."""
    if procedure.level != Procedure.Level.COMMUNE:
        return []
    return [a for a in procedure.receiving_agencies.all() if a.kind == "commune" and a.is_active]


def _after_save(request: HttpRequest, dossier: Dossier, *, submit_now: bool) -> HttpResponse:
    if not submit_now:
        messages.success(request, "Đã lưu nháp hồ sơ. Bạn có thể bổ sung và nộp sau.")
        return redirect("dossiers:dossier-edit", code=dossier.code)
    try:
        services.dossier_submit(actor=request.user, dossier=dossier)
    except ApplicationError as exc:
        messages.error(request, "Đã lưu nháp nhưng chưa nộp được: %s" % exc.message)
        return redirect("dossiers:dossier-edit", code=dossier.code)
    messages.success(
        request,
        "Đã nộp hồ sơ %s. Bộ phận Một cửa sẽ kiểm tra và tiếp nhận; kết quả được thông báo qua "
        "điện thoại và thư điện tử." % dossier.code,
    )
    return redirect(dossier.get_absolute_url())


@login_required
def edit_draft(request: HttpRequest, code: str) -> HttpResponse:
    """Continue a draft: change answers, add files, then submit."""
    dossier = dossier_or_404(request, code)
    if dossier.status != Status.DRAFT or not workflow.can(request.user, dossier, Action.SUBMIT):
        return redirect(dossier.get_absolute_url())
    procedure = dossier.procedure
    documents = list(procedure.required_documents.all())
    attached = list(dossier.attachments.filter(kind=AttachmentKind.APPLICANT))
    form = forms.ApplicationForm(
        request.POST or None,
        request.FILES or None,
        procedure=procedure,
        documents=documents,
        profile=request.user,
        existing=dossier.form_data,
        attached_slots={a.slot for a in attached},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.dossier_update_draft(
                    actor=request.user, dossier=dossier, form_data=form.form_data()
                )
                attach_all(request, form, dossier)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            return _after_save(request, dossier, submit_now="nop" in request.POST)
    return render(
        request,
        "dossiers/submit.html",
        {
            "procedure": procedure,
            "documents": documents,
            "form": form,
            "dossier": dossier,
            "attached": {a.slot: a for a in attached},
            "fee": dossier.fee_amount or procedure.total_fee,
        },
        status=400 if form.errors else 200,
    )


@login_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant's view of a dossier: status, timeline, files, what they can do now."""
    dossier = dossier_or_404(request, code)
    if getattr(request.user, "is_officer", False) and dossier.applicant_id != request.user.pk:
        return redirect("dossiers:backoffice-dossier", code=dossier.code)
    return render(
        request, "dossiers/detail.html", detail_context(request, dossier, backoffice=False)
    )


@login_required
def dossier_payment(request: HttpRequest, code: str) -> HttpResponse:
    """Pay the fee by bank transfer: the VietQR code and the exact transfer content."""
    dossier = dossier_or_404(request, code)
    if not dossier.fee_amount or dossier.paid_at:
        messages.info(request, "Hồ sơ không có phí phải nộp hoặc đã nộp phí.")
        return redirect(dossier.get_absolute_url())
    try:
        payment, transfer = services.payment_create(actor=request.user, dossier=dossier)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(dossier.get_absolute_url())
    return render(
        request,
        "dossiers/payment.html",
        {
            "dossier": dossier,
            "payment": payment,
            "transfer": transfer,
            "qr_svg": qr.qr_svg(transfer.payload, title="Mã VietQR thanh toán phí, lệ phí"),
        },
    )


@login_required
@require_POST
def dossier_feedback(request: HttpRequest, code: str) -> HttpResponse:
    """Phản ánh, kiến nghị about a dossier."""
    dossier = dossier_or_404(request, code)
    form = forms.FeedbackForm(request.POST, prefix="feedback")
    backoffice = dossier.applicant_id != request.user.pk
    if form.is_valid():
        try:
            services.feedback_create(
                actor=request.user,
                dossier=dossier,
                name=request.user.get_full_name(),
                phone=getattr(request.user, "phone", ""),
                content=form.cleaned_data["content"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, "Đã gửi phản ánh, kiến nghị. Cơ quan sẽ trả lời trong thời hạn quy định."
            )
            return redirect(detail_url(dossier, backoffice=backoffice))
    context = detail_context(request, dossier, backoffice=backoffice)
    context["feedback_form"] = form
    template = "dossiers/backoffice/detail.html" if backoffice else "dossiers/detail.html"
    return render(request, template, context, status=400)
