"""HTML pages of the one-stop desk: online submission, "my dossiers", the back office, lookup.

Views are thin: they parse a form, call one selector or service, and render. Every dossier is
fetched through :func:`selectors.dossier_get_for`, so a dossier the user may not see is a 404
whether it exists or not. Service errors (:class:`ApplicationError`) become form errors or
messages in Vietnamese, never a 500.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from congso.catalog import selectors as catalog_selectors
from congso.catalog.models import Procedure
from congso.core import qr
from congso.core.exceptions import ApplicationError, NotFoundError
from congso.dossiers import forms, pdfs, selectors, services, workflow
from congso.dossiers.constants import RATING_CRITERIA, Action, AttachmentKind, Status
from congso.dossiers.models import Dossier

PAGE_SIZE = 20
#: Failed public lookups allowed per client address in the window before it must wait.
LOOKUP_MAX_FAILURES = 10
LOOKUP_WINDOW_SECONDS = 15 * 60

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

#: Action → form class; the form's ``params()`` are the service's keyword arguments.
ACTION_FORMS: dict[str, type[Any]] = {
    Action.SUBMIT: forms.NoteForm,
    Action.RECEIVE: forms.NoteForm,
    Action.START: forms.NoteForm,
    Action.REQUEST_SUPPLEMENT: forms.SupplementRequestForm,
    Action.SUPPLEMENT: forms.SupplementForm,
    Action.REJECT: forms.RejectForm,
    Action.FORWARD: forms.ForwardForm,
    Action.SEND_BACK: forms.NoteForm,
    Action.APPROVE: forms.ApproveForm,
    Action.RETURN_RESULT: forms.NoteForm,
    Action.WITHDRAW: forms.WithdrawForm,
    Action.ISSUE_APOLOGY: forms.ApologyForm,
    Action.MARK_PAID: forms.MarkPaidForm,
    Action.RATE: forms.RatingForm,
}

#: Button text and a short explanation shown with each action form.
ACTION_TEXT: dict[str, tuple[str, str]] = {
    Action.SUBMIT: ("Nộp hồ sơ", "Gửi hồ sơ tới Bộ phận Một cửa để tiếp nhận."),
    Action.RECEIVE: (
        "Tiếp nhận hồ sơ",
        "Hồ sơ đầy đủ, hợp lệ: tiếp nhận, tính hạn giải quyết và cấp giấy tiếp nhận.",
    ),
    Action.START: ("Nhận xử lý", "Nhận hồ sơ về để thẩm định, xử lý."),
    Action.REQUEST_SUPPLEMENT: (
        "Yêu cầu bổ sung",
        "Thời gian chờ bổ sung không tính vào hạn giải quyết. Chỉ yêu cầu một lần.",
    ),
    Action.SUPPLEMENT: ("Gửi bổ sung", "Tải lên giấy tờ còn thiếu theo yêu cầu."),
    Action.REJECT: ("Từ chối", "Từ chối tiếp nhận, giải quyết hồ sơ; nêu rõ lý do, căn cứ."),
    Action.FORWARD: ("Trình phê duyệt", "Trình lãnh đạo phê duyệt kèm dự thảo kết quả."),
    Action.SEND_BACK: ("Trả lại chuyên viên", "Trả hồ sơ về chuyên viên để xử lý lại."),
    Action.APPROVE: ("Phê duyệt", "Phê duyệt và đính kèm kết quả giải quyết."),
    Action.RETURN_RESULT: ("Trả kết quả", "Xác nhận đã trả kết quả cho người nộp."),
    Action.WITHDRAW: ("Rút hồ sơ", "Dừng giải quyết theo đề nghị của người nộp."),
    Action.ISSUE_APOLOGY: (
        "Xin lỗi, hẹn lại",
        "Ban hành văn bản xin lỗi và hẹn lại ngày trả kết quả (chỉ một lần).",
    ),
    Action.MARK_PAID: ("Xác nhận đã thu phí", "Ghi nhận người nộp đã nộp phí, lệ phí."),
    Action.RATE: ("Gửi đánh giá", "Đánh giá mức độ hài lòng về việc giải quyết hồ sơ."),
}

#: Printable forms: slug → (label, renderer taking the dossier, availability check).
PRINT_FORMS: dict[str, str] = {
    "giay-tiep-nhan": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "phieu-yeu-cau-bo-sung": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "phieu-tu-choi": "Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
    "van-ban-xin-loi": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "phieu-kiem-soat": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}
#: Forms the applicant may download; the control sheet is internal.
CITIZEN_FORMS = ("giay-tiep-nhan", "phieu-yeu-cau-bo-sung", "phieu-tu-choi", "van-ban-xin-loi")


# ------------------------------------------------------------------------------ helpers


def _dossier_or_404(request: HttpRequest, code: str) -> Dossier:
    try:
        return selectors.dossier_get_for(actor=request.user, code=code)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def _in_backoffice(request: HttpRequest) -> bool:
    """Whether the request came through a /mot-cua/ route (officer pages) or /ho-so/ (applicant)."""
    match = request.resolver_match
    return match is not None and str(match.url_name or "").startswith("backoffice-")


def _officer_or_404(request: HttpRequest) -> None:
    if not getattr(request.user, "is_officer", False):
        raise Http404("Trang dành cho cán bộ.")


#: Service parameter names → the HTML form fields that carry them.
FIELD_ALIASES = {"new_due_at": "new_due_date", "result_file": "file", "draft_result": "file"}


def _add_service_error(form: Any, exc: ApplicationError) -> None:
    """Put a service error on the form: on the field the service names, else on the form.

    The service's own sentence goes on top of the form (it says what is wrong in full) and each
    field the service names gets its short error; an upload error goes on the slot's field.
    """
    fields = exc.extra.get("fields") if isinstance(exc.extra, dict) else None
    placed = False
    if isinstance(fields, dict):
        for key, errors in fields.items():
            name = FIELD_ALIASES.get(str(key), str(key))
            target = name if name in form.fields else forms.slot_field_name(name)
            if target in form.fields:
                for error in errors if isinstance(errors, list) else [errors]:
                    form.add_error(target, str(error))
                placed = True
    slot = exc.extra.get("slot") if isinstance(exc.extra, dict) else None
    if not placed and slot and forms.slot_field_name(slot) in form.fields:
        form.add_error(forms.slot_field_name(slot), exc.message)
        return
    form.add_error(None, exc.message)


def _available_forms(dossier: Dossier, *, backoffice: bool) -> list[tuple[str, str]]:
    available = []
    if dossier.received_at:
        available.append("giay-tiep-nhan")
    if dossier.supplement_requests.exists():
        available.append("phieu-yeu-cau-bo-sung")
    if dossier.status == Status.REJECTED or dossier.rejection_reason:
        available.append("phieu-tu-choi")
    if hasattr(dossier, "apology_letter") and _has_apology(dossier):
        available.append("van-ban-xin-loi")
    if backoffice and dossier.received_at:
        available.append("phieu-kiem-soat")
    if not backoffice:
        available = [slug for slug in available if slug in CITIZEN_FORMS]
    return [(slug, PRINT_FORMS[slug]) for slug in available]


def _has_apology(dossier: Dossier) -> bool:
    try:
        return dossier.apology_letter is not None
    except Dossier.apology_letter.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False


def _has_rating(dossier: Dossier) -> bool:
    try:
        return dossier.rating is not None
    except Dossier.rating.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False


def _action_form(action: str, data: Any = None, files: Any = None) -> Any:
    form_class = ACTION_FORMS[action]
    kwargs: dict[str, Any] = {"prefix": action}
    if form_class is forms.RatingForm:
        kwargs["criteria"] = list(RATING_CRITERIA.items())
    return form_class(data, files, **kwargs)


def _form_rows(dossier: Dossier) -> list[tuple[str, Any]]:
    """The application's answers with the labels of the procedure's form definition."""
    rows: list[tuple[str, Any]] = []
    definition = dossier.procedure.form if isinstance(dossier.procedure.form, dict) else {}
    data = dossier.form_data or {}
    seen = set()
    for index, spec in enumerate(definition.get("fields") or []):
        if not isinstance(spec, dict):
            continue
        name = str(spec.get("name") or spec.get("key") or spec.get("id") or "field_%d" % index)
        if name not in data:
            continue
        seen.add(name)
        rows.append((str(spec.get("label") or name), _display_value(spec, data[name])))
    rows += [(key, value) for key, value in data.items() if key not in seen]
    return rows


def _display_value(spec: dict[str, Any], value: Any) -> Any:
    import datetime as dt

    kind = spec.get("type")
    if kind == "checkbox":
        return "Có" if value else "Không"
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if kind == "select":
        for option in spec.get("options") or spec.get("choices") or []:
            if isinstance(option, dict) and str(option.get("value")) == str(value):
                return option.get("label", value)
    return value


def _detail_context(
    request: HttpRequest,
    dossier: Dossier,
    *,
    backoffice: bool,
    bound: tuple[str, Any] | None = None,
) -> dict[str, Any]:
    allowed = workflow.allowed_actions(request.user, dossier)
    action_forms = []
    for action in allowed:
        # A draft is submitted from its edit page, where the answers and files are checked.
        if action not in ACTION_FORMS or action == Action.SUBMIT:
            continue
        if bound and bound[0] == action:
            form = bound[1]
        else:
            form = _action_form(action)
        label, help_text = ACTION_TEXT.get(action, (action, ""))
        action_forms.append({"action": action, "form": form, "label": label, "help": help_text})
    attachments = list(dossier.attachments.all())
    steps = list(dossier.steps.all())
    return {
        "dossier": dossier,
        "steps": steps,
        "attachments": attachments,
        "applicant_files": [a for a in attachments if a.kind in ("applicant", "supplement")],
        "result_files": [
            a
            for a in attachments
            if a.kind == AttachmentKind.RESULT
            or (backoffice and a.kind == AttachmentKind.DRAFT_RESULT)
        ],
        "action_forms": action_forms,
        "allowed_actions": allowed,
        "print_forms": _available_forms(dossier, backoffice=backoffice),
        "form_rows": _form_rows(dossier),
        "slot_names": {doc.slot: doc.name for doc in dossier.procedure.required_documents.all()},
        "supplement_requests": list(dossier.supplement_requests.all()),
        "apology": dossier.apology_letter if _has_apology(dossier) else None,
        "rating": dossier.rating if _has_rating(dossier) else None,
        "backoffice": backoffice,
        "payment_due": bool(dossier.fee_amount and not dossier.paid_at)
        and dossier.status not in (Status.DRAFT, Status.WITHDRAWN, Status.REJECTED),
        "feedback_form": forms.FeedbackForm(prefix="feedback"),
        "feedback_items": list(dossier.feedback.all()) if backoffice else [],
        "bound_action": bound[0] if bound else "",
    }


def _detail_url(dossier: Dossier, *, backoffice: bool) -> str:
    name = "dossiers:backoffice-dossier" if backoffice else "dossiers:dossier-detail"
    return reverse(name, kwargs={"code": dossier.code})


def _paginate(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("trang"))


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
    status = request.GET.get("trang-thai", "")
    if status in Status.values:
        queryset = queryset.filter(status=status)
    return render(
        request,
        "dossiers/my_dossiers.html",
        {
            "page": _paginate(request, queryset),
            "statuses": Status.choices,
            "status": status,
            "query": urlencode({"trang-thai": status}) if status else "",
        },
    )


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
            "page": _paginate(request, results),
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
        messages.info(
            request,
            "Tài khoản cán bộ không nộp hồ sơ trực tuyến; hãy dùng chức năng tiếp nhận trực tiếp.",
        )
        return redirect("dossiers:walkin-form", code=procedure.code)
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
        dossier = _create_with_uploads(request, form, procedure, agency=form.chosen_agency())
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


def _create_with_uploads(
    request: HttpRequest,
    form: forms.ApplicationForm,
    procedure: Procedure,
    *,
    applicant: dict[str, Any] | None = None,
    channel: str = "online",
    receiving_agency: Any = None,
    agency: Any = None,
    applicant_form: Any = None,
) -> Dossier | None:
    """Create the draft and attach the chosen files, all or nothing; errors go on the form."""
    try:
        with transaction.atomic():
            dossier = services.dossier_create(
                actor=request.user,
                procedure=procedure,
                applicant=applicant or forms.applicant_from_user(request.user),
                form_data=form.form_data(),
                channel=channel,
                agency=agency,
                receiving_agency=receiving_agency,
            )
            _attach_all(request, form, dossier)
    except ApplicationError as exc:
        if applicant_form is not None and _applicant_error(applicant_form, exc):
            return None
        _add_service_error(form, exc)
        return None
    return dossier


def _applicant_error(applicant_form: Any, exc: ApplicationError) -> bool:
    """Put ``applicant.*`` field errors of the service on the walk-in applicant form."""
    fields = exc.extra.get("fields") if isinstance(exc.extra, dict) else None
    placed = False
    for name, errors in (fields or {}).items():
        if str(name).startswith("applicant."):
            target = str(name).split(".", 1)[1]
            target = {"kind": "applicant_kind"}.get(target, target)
            if target in applicant_form.fields:
                for error in errors if isinstance(errors, list) else [errors]:
                    applicant_form.add_error(target, str(error))
                placed = True
    return placed


def _attach_all(request: HttpRequest, form: forms.ApplicationForm, dossier: Dossier) -> None:
    for slot, uploaded in form.uploads():
        try:
            services.dossier_attach(
                actor=request.user, dossier=dossier, slot=slot, uploaded_file=uploaded
            )
        except ApplicationError as exc:
            exc.extra = {**(exc.extra or {}), "slot": slot}
            raise


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
    dossier = _dossier_or_404(request, code)
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
                _attach_all(request, form, dossier)
        except ApplicationError as exc:
            _add_service_error(form, exc)
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
    dossier = _dossier_or_404(request, code)
    if getattr(request.user, "is_officer", False) and dossier.applicant_id != request.user.pk:
        return redirect("dossiers:backoffice-dossier", code=dossier.code)
    return render(
        request, "dossiers/detail.html", _detail_context(request, dossier, backoffice=False)
    )


@login_required
def dossier_payment(request: HttpRequest, code: str) -> HttpResponse:
    """Pay the fee by bank transfer: the VietQR code and the exact transfer content."""
    dossier = _dossier_or_404(request, code)
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
    dossier = _dossier_or_404(request, code)
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
            return redirect(_detail_url(dossier, backoffice=backoffice))
    context = _detail_context(request, dossier, backoffice=backoffice)
    context["feedback_form"] = form
    template = "dossiers/backoffice/detail.html" if backoffice else "dossiers/detail.html"
    return render(request, template, context, status=400)


# ------------------------------------------------------------------------------ shared actions


@login_required
@require_POST
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Take one workflow action; the form of that action carries its parameters."""
    dossier = _dossier_or_404(request, code)
    backoffice = _in_backoffice(request)
    if action not in ACTION_FORMS:
        raise Http404("Thao tác không tồn tại.")
    form = _action_form(action, request.POST, request.FILES)
    if form.is_valid():
        try:
            _perform(request, dossier, action, form)
        except ApplicationError as exc:
            _add_service_error(form, exc)
        else:
            label = ACTION_TEXT.get(action, (action, ""))[0]
            messages.success(request, "Đã thực hiện: %s." % label)
            dossier.refresh_from_db()
            return redirect(_detail_url(dossier, backoffice=backoffice))
    dossier.refresh_from_db()
    context = _detail_context(request, dossier, backoffice=backoffice, bound=(action, form))
    if not any(item["action"] == action for item in context["action_forms"]):
        # The action is no longer allowed (another officer acted first): say why, keep the page.
        errors = form.non_field_errors()
        if errors:
            messages.error(request, " ".join(errors))
    template = "dossiers/backoffice/detail.html" if backoffice else "dossiers/detail.html"
    return render(request, template, context, status=400)


def _perform(request: HttpRequest, dossier: Dossier, action: str, form: Any) -> None:
    if action == Action.SUPPLEMENT:
        with transaction.atomic():
            for index, uploaded in enumerate(form.files_chosen(), start=1):
                services.dossier_attach(
                    actor=request.user,
                    dossier=dossier,
                    slot="supplement-%d" % (dossier.supplement_count * 10 + index),
                    uploaded_file=uploaded,
                )
            services.dossier_perform(
                actor=request.user, dossier=dossier, action=action, note=form.cleaned_data["note"]
            )
        return
    services.dossier_perform(actor=request.user, dossier=dossier, action=action, **form.params())


@login_required
def attachment_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """Serve a dossier file to someone who may see the dossier; never a public media URL."""
    dossier = _dossier_or_404(request, code)
    attachment = get_object_or_404(dossier.attachments, pk=pk)
    is_applicant = not selectors.is_officer_of(request.user, dossier)
    if is_applicant and attachment.kind == AttachmentKind.DRAFT_RESULT:
        raise Http404("Không tìm thấy tệp.")
    if (
        is_applicant
        and attachment.kind == AttachmentKind.RESULT
        and dossier.status not in (Status.APPROVED, Status.RETURNED)
    ):
        raise Http404("Không tìm thấy tệp.")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("Tệp không còn trên máy chủ.") from exc
    content_type = attachment.content_type or mimetypes.guess_type(attachment.original_name)[0]
    response = FileResponse(
        handle,
        content_type=content_type or "application/octet-stream",
        as_attachment=request.GET.get("xem") != "1",
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def print_form(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """A printable form of the dossier as PDF (receipt, supplement request, refusal, ...)."""
    dossier = _dossier_or_404(request, code)
    backoffice = _in_backoffice(request) and selectors.is_officer_of(request.user, dossier)
    available = dict(_available_forms(dossier, backoffice=backoffice))
    if form not in available:
        raise Http404("Biểu mẫu chưa có cho hồ sơ này.")
    if form == "giay-tiep-nhan":
        data = pdfs.render_receipt(dossier)
    elif form == "phieu-yeu-cau-bo-sung":
        request_obj = dossier.supplement_requests.order_by("-requested_at").first()
        data = pdfs.render_supplement_request(dossier, request_obj)
    elif form == "phieu-tu-choi":
        data = pdfs.render_refusal(dossier)
    elif form == "van-ban-xin-loi":
        data = pdfs.render_apology(dossier, dossier.apology_letter)
    else:
        data = pdfs.render_control_sheet(dossier)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="%s-%s.pdf"' % (form, dossier.code)
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------ back office


@login_required
def backoffice_home(request: HttpRequest) -> HttpResponse:
    """Một cửa: the queues of the officer's roles and agencies with their counts."""
    _officer_or_404(request)
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
    _officer_or_404(request)
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
            "page": _paginate(request, queryset),
            "title": title,
            "help": help_text,
            "slug": slug,
            "queues": [(SLUG_OF_QUEUE[n], t) for n, (t, _h) in QUEUES.items()],
        },
    )


@login_required
def backoffice_search(request: HttpRequest) -> HttpResponse:
    _officer_or_404(request)
    form = forms.BackofficeSearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    page = None
    if q:
        queryset = selectors.dossier_search(request.user, q).select_related(
            "procedure", "agency", "apology_letter"
        )
        page = _paginate(request, queryset)
    return render(
        request,
        "dossiers/backoffice/search.html",
        {"form": form, "q": q, "page": page, "query": urlencode({"q": q})},
    )


@login_required
def backoffice_dossier(request: HttpRequest, code: str) -> HttpResponse:
    _officer_or_404(request)
    dossier = _dossier_or_404(request, code)
    return render(
        request,
        "dossiers/backoffice/detail.html",
        _detail_context(request, dossier, backoffice=True),
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
            "page": _paginate(request, results),
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
        dossier = _create_with_uploads(
            request,
            form,
            procedure,
            applicant=applicant_form.applicant(),
            channel="counter",
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
    _officer_or_404(request)
    form = forms.ReconcileForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.payment_reconcile(actor=request.user, statement=form.statement())
        except ApplicationError as exc:
            _add_service_error(form, exc)
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


# ------------------------------------------------------------------------------ public lookup


def _public_view(dossier: Dossier) -> dict[str, Any]:
    """What the public lookup may show: no name, address, ID, phone, files or internal notes."""
    return {
        "code": dossier.code,
        "procedure_name": dossier.procedure.name,
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "agency_name": dossier.agency.name,
        "received_at": dossier.received_at,
        "due_at": dossier.appointment_at,
        "returned_at": dossier.returned_at,
        "is_late": dossier.is_late,
        "timeline": [
            {"label": step.action_label, "at": step.at, "note": step.public_note}
            for step in selectors.timeline(dossier, public=True)
        ],
    }


def lookup(request: HttpRequest) -> HttpResponse:
    """Tra cứu hồ sơ: code plus the applicant's phone or ID number; no personal details shown.

    A wrong code and a wrong phone give the same message, so the page cannot be used to learn
    which codes exist.
    """
    # The phone number or ID travels in a POST body, never in a URL that logs and browser
    # histories keep; the code alone may come in the query string (the receipt's QR code).
    form = forms.LookupForm(
        request.POST if request.method == "POST" else None,
        initial={"code": request.GET.get("code", "")[:60]},
    )
    result: Any = None
    not_found = throttled = False
    key = "dossiers:lookup-failures:%s" % request.META.get("REMOTE_ADDR", "")
    if request.method == "POST" and form.is_valid():
        # Failed attempts per address are capped so that phone numbers cannot be guessed
        # against a known code; the message never says which of the two was wrong.
        failures = cache.get(key, 0)
        if failures >= LOOKUP_MAX_FAILURES:
            throttled = True
        else:
            found = selectors.dossier_lookup(
                code=form.cleaned_data["code"], phone_or_id=form.cleaned_data["phone_or_id"]
            )
            not_found = found is None
            if not_found:
                cache.set(key, failures + 1, LOOKUP_WINDOW_SECONDS)
            result = _public_view(found) if found is not None else None
    response = render(
        request,
        "dossiers/lookup.html",
        {"form": form, "result": result, "not_found": not_found, "throttled": throttled},
        status=429 if throttled else 200,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
