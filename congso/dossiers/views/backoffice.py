"""Back office (Bộ phận Một cửa and the processing units): queues, search, the officer's dossier
page, walk-in entry at the counter, bank-statement reconciliation."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from congso.catalog import selectors as catalog_selectors
from congso.catalog.models import Procedure
from congso.core.exceptions import ApplicationError
from congso.dossiers import forms, pdfs, selectors, services
from congso.dossiers.views.common import (
    add_service_error,
    create_with_uploads,
    detail_context,
    dossier_or_404,
    log_officer_access,
    officer_or_404,
    paginate,
)

#: Back-office queues: name → (title, help text). Names are the selectors' queue names.
QUEUES: dict[str, tuple[str, str]] = {
    "to_receive": ("Chờ tiếp nhận", "Hồ sơ đã nộp trực tuyến, chờ kiểm tra và tiếp nhận."),
    "to_process": ("Đang xử lý", "Hồ sơ đã tiếp nhận, đang thẩm định, xử lý."),
    "to_approve": ("Chờ phê duyệt", "Hồ sơ chuyên viên đã trình, chờ lãnh đạo phê duyệt."),
    "to_return": ("Chờ trả kết quả", "Hồ sơ đã có kết quả, chờ trả cho người nộp."),
    "supplement": ("Chờ bổ sung", "Hồ sơ đang chờ người nộp bổ sung (tạm dừng tính hạn)."),
    "late": ("Quá hạn", "Hồ sơ đang giải quyết đã quá hạn hẹn trả."),
    "due_soon": ("Sắp đến hạn", "Hồ sơ đã dùng từ 80% thời gian giải quyết."),
}
QUEUE_SLUGS = {
    "cho-tiep-nhan": "to_receive",
    "dang-xu-ly": "to_process",
    "cho-phe-duyet": "to_approve",
    "cho-tra-ket-qua": "to_return",
    "cho-bo-sung": "supplement",
    "qua-han": "late",
    "sap-den-han": "due_soon",
}
SLUG_OF_QUEUE = {name: slug for slug, name in QUEUE_SLUGS.items()}


# ------------------------------------------------------------------------------ back office


@login_required
def backoffice_home(request: HttpRequest) -> HttpResponse:
    """Một cửa: the queues of the officer's roles and agencies with their counts."""
    officer_or_404(request)
    search = forms.BackofficeSearchForm()
    cards = []
    for name, (title, help_text) in QUEUES.items():
        queryset = selectors.queue(request.user, name)
        cards.append(
            {
                "name": name,
                "slug": SLUG_OF_QUEUE[name],
                "title": title,
                "help": help_text,
                "count": queryset.count(),
            }
        )
    return render(request, "dossiers/backoffice/home.html", {"cards": cards, "search": search})


@login_required
def backoffice_queue(request: HttpRequest, slug: str) -> HttpResponse:
    officer_or_404(request)
    name = QUEUE_SLUGS.get(slug)
    if name is None:
        raise Http404("Không có hàng đợi này.")
    queryset = selectors.queue(request.user, name).select_related(
        "procedure", "agency", "apology_letter"
    )
    title, help_text = QUEUES[name]
    return render(
        request,
        "dossiers/backoffice/queue.html",
        {
            "page": paginate(request, queryset),
            "title": title,
            "help": help_text,
            "slug": slug,
            "queues": [(SLUG_OF_QUEUE[n], t) for n, (t, _h) in QUEUES.items()],
        },
    )


@login_required
def backoffice_search(request: HttpRequest) -> HttpResponse:
    officer_or_404(request)
    form = forms.BackofficeSearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    page = None
    if q:
        queryset = selectors.dossier_search(request.user, q).select_related(
            "procedure", "agency", "apology_letter"
        )
        page = paginate(request, queryset)
    return render(
        request,
        "dossiers/backoffice/search.html",
        {"form": form, "q": q, "page": page, "query": urlencode({"q": q})},
    )


@login_required
def backoffice_dossier(request: HttpRequest, code: str) -> HttpResponse:
    officer_or_404(request)
    dossier = dossier_or_404(request, code)
    log_officer_access(request, dossier, "read")
    return render(
        request,
        "dossiers/backoffice/detail.html",
        detail_context(request, dossier, backoffice=True),
    )


def _receptionist_agencies(request: HttpRequest) -> list[Any]:
    from congso.agencies.selectors import agencies_where

    return agencies_where(request.user, "receptionist")


@login_required
def walkin_picker(request: HttpRequest) -> HttpResponse:
    """Tiếp nhận trực tiếp: pick the procedure of a walk-in applicant."""
    agencies = _receptionist_agencies(request)
    if not agencies:
        raise Http404("Chỉ cán bộ Bộ phận Một cửa mới tiếp nhận hồ sơ trực tiếp.")
    form = forms.ProcedureSearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    # One desk: only what it receives; several desks: the whole catalog (Decree 118/2025 lets a
    # desk receive any procedure of the province and route it by competence).
    agency = agencies[0] if len(agencies) == 1 else None
    results = catalog_selectors.procedure_search(q, agency=agency)
    return render(
        request,
        "dossiers/backoffice/walkin_picker.html",
        {
            "form": form,
            "q": q,
            "page": paginate(request, results),
            "query": urlencode({"q": q}) if q else "",
        },
    )


@login_required
def walkin_form(request: HttpRequest, code: str) -> HttpResponse:
    """Enter a walk-in dossier on the applicant's behalf, then receive it at once if complete."""
    agencies = _receptionist_agencies(request)
    if not agencies:
        raise Http404("Chỉ cán bộ Bộ phận Một cửa mới tiếp nhận hồ sơ trực tiếp.")
    procedure = get_object_or_404(Procedure.objects.active(), code=code)
    documents = list(procedure.required_documents.all())
    applicant_form = forms.ApplicantForm(request.POST or None, prefix="nguoi-nop")
    form = forms.ApplicationForm(
        request.POST or None,
        request.FILES or None,
        procedure=procedure,
        documents=documents,
    )
    agency_choices = [(str(a.pk), a.name) for a in agencies]
    agency_id = request.POST.get("agency") or (agency_choices[0][0] if agency_choices else "")
    if request.method == "POST" and applicant_form.is_valid() and form.is_valid():
        agency = next((a for a in agencies if str(a.pk) == agency_id), agencies[0])
        dossier = create_with_uploads(
            request,
            form,
            procedure,
            applicant=applicant_form.applicant(),
            channel=applicant_form.cleaned_data["channel"],
            receiving_agency=agency,
            applicant_form=applicant_form,
        )
        if dossier is not None:
            # A walk-in dossier is created "submitted"; receiving it issues the receipt.
            receive_now = "tiep-nhan" in request.POST
            try:
                if receive_now:
                    services.dossier_receive(actor=request.user, dossier=dossier)
            except ApplicationError as exc:
                messages.error(request, "Đã tạo hồ sơ %s nhưng: %s" % (dossier.code, exc.message))
            else:
                messages.success(
                    request,
                    "Đã tiếp nhận hồ sơ %s. In giấy tiếp nhận và hẹn trả kết quả cho người nộp."
                    % dossier.code
                    if receive_now
                    else "Đã tạo hồ sơ %s, chờ tiếp nhận." % dossier.code,
                )
            return redirect("dossiers:backoffice-dossier", code=dossier.code)
    return render(
        request,
        "dossiers/backoffice/walkin_form.html",
        {
            "procedure": procedure,
            "documents": documents,
            "form": form,
            "applicant_form": applicant_form,
            "agency_choices": agency_choices,
            "agency_id": agency_id,
            "fee": procedure.total_fee,
        },
        status=400 if (applicant_form.errors or form.errors) else 200,
    )


@login_required
def backoffice_reconcile(request: HttpRequest) -> HttpResponse:
    """Đối soát: paste or upload the bank statement; matched transfers mark dossiers paid."""
    officer_or_404(request)
    form = forms.ReconcileForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.payment_reconcile(actor=request.user, statement=form.statement())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, "Đã đối soát: %d khoản khớp với hồ sơ." % len(result["matched"])
            )
    return render(
        request,
        "dossiers/backoffice/reconcile.html",
        {"form": form, "result": result},
        status=400 if form.errors else 200,
    )


@login_required
def backoffice_register(request: HttpRequest) -> HttpResponse:
    """Sổ theo dõi hồ sơ (Mẫu 07): the dossiers a desk received in a period, printable as PDF."""
    agencies = _receptionist_agencies(request)
    if not agencies:
        raise Http404("Chỉ cán bộ Bộ phận Một cửa mới in sổ theo dõi hồ sơ.")
    today = timezone.localdate()
    form = forms.RegisterForm(
        request.GET if "start" in request.GET else None,
        agencies=agencies,
        initial={"start": today.replace(day=1), "end": today, "agency": str(agencies[0].pk)},
    )
    if form.is_bound and form.is_valid():
        agency = form.agency()
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        dossiers = (
            selectors.dossiers_visible_to(request.user)
            .filter(receiving_agency=agency)
            .received_between(start, end)
            .select_related("procedure")
            .order_by("received_at", "id")
        )
        if request.GET.get("dinh-dang") == "pdf":
            data = pdfs.render_register(agency, start, end, dossiers)
            response = HttpResponse(data, content_type="application/pdf")
            response["Content-Disposition"] = 'inline; filename="so-theo-doi-%s-%s.pdf"' % (
                start.isoformat(),
                end.isoformat(),
            )
            response["Cache-Control"] = "private, no-store"
            return response
        params = request.GET.copy()
        params.pop("trang", None)
        params.pop("dinh-dang", None)
        return render(
            request,
            "dossiers/backoffice/register.html",
            {"form": form, "page": paginate(request, dossiers), "query": params.urlencode()},
        )
    return render(
        request,
        "dossiers/backoffice/register.html",
        {"form": form, "page": None},
        status=400 if form.is_bound else 200,
    )
