"""What the one-stop pages share: the gate, action forms, service errors on forms, the dossier
page context, uploads, and the workflow action, file and printable-form views."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from congso.catalog.models import Procedure
from congso.core import audit
from congso.core.exceptions import ApplicationError, NotFoundError
from congso.dossiers import forms, pdfs, selectors, services, workflow
from congso.dossiers.constants import RATING_CRITERIA, Action, AttachmentKind, Status
from congso.dossiers.models import Dossier

PAGE_SIZE = 20

#: Action → form class; the form's ``params()`` are the service's keyword arguments.
ACTION_FORMS: dict[str, type[Any]] = {
    Action.SUBMIT: forms.NoteForm,
    Action.RECEIVE: forms.NoteForm,
    Action.START: forms.NoteForm,
    Action.REQUEST_SUPPLEMENT: forms.SupplementRequestForm,
    Action.SUPPLEMENT: forms.SupplementForm,
    Action.REJECT: forms.RejectForm,
    Action.FORWARD: forms.ForwardForm,
    Action.SEND_BACK: forms.SendBackForm,
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


def dossier_or_404(request: HttpRequest, code: str) -> Dossier:
    try:
        return selectors.dossier_get_for(actor=request.user, code=code)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def log_officer_access(request: HttpRequest, dossier: Dossier, what: str, **data: Any) -> None:
    """Audit an officer's read of the applicant's personal data (page, file or printed form).

    The applicant reading their own dossier is not logged; officers' reads are, so that who
    looked at a citizen's data is answerable (Decree 13/2023 on personal data protection).
    """
    if dossier.applicant_id is not None and dossier.applicant_id == request.user.pk:
        return
    audit.record(
        actor=request.user,
        obj=dossier,
        action="dossier.%s" % what,
        agency=dossier.agency,
        data=data,
        ip_address=request.META.get("REMOTE_ADDR"),
    )


def in_backoffice(request: HttpRequest) -> bool:
    """Whether the request came through a /mot-cua/ route (officer pages) or /ho-so/ (applicant)."""
    match = request.resolver_match
    return match is not None and str(match.url_name or "").startswith("backoffice-")


def officer_or_404(request: HttpRequest) -> None:
    if not getattr(request.user, "is_officer", False):
        raise Http404("Trang dành cho cán bộ.")


#: Service parameter names → the HTML form fields that carry them.
FIELD_ALIASES = {"new_due_at": "new_due_date", "result_file": "file", "draft_result": "file"}


def add_service_error(form: Any, exc: ApplicationError) -> None:
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


def available_forms(dossier: Dossier, *, backoffice: bool) -> list[tuple[str, str]]:
    available = []
    if dossier.received_at:
        available.append("giay-tiep-nhan")
    if dossier.supplement_requests.exists():
        available.append("phieu-yeu-cau-bo-sung")
    if dossier.status == Status.REJECTED or dossier.rejection_reason:
        available.append("phieu-tu-choi")
    if hasattr(dossier, "apology_letter") and has_apology(dossier):
        available.append("van-ban-xin-loi")
    if backoffice and dossier.received_at:
        available.append("phieu-kiem-soat")
    if not backoffice:
        available = [slug for slug in available if slug in CITIZEN_FORMS]
    return [(slug, PRINT_FORMS[slug]) for slug in available]


def has_apology(dossier: Dossier) -> bool:
    try:
        return dossier.apology_letter is not None
    except Dossier.apology_letter.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False


def has_rating(dossier: Dossier) -> bool:
    try:
        return dossier.rating is not None
    except Dossier.rating.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False


def action_form(action: str, data: Any = None, files: Any = None) -> Any:
    form_class = ACTION_FORMS[action]
    kwargs: dict[str, Any] = {"prefix": action}
    if form_class is forms.RatingForm:
        kwargs["criteria"] = list(RATING_CRITERIA.items())
    return form_class(data, files, **kwargs)


def form_rows(dossier: Dossier) -> list[tuple[str, Any]]:
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
        rows.append((str(spec.get("label") or name), display_value(spec, data[name])))
    rows += [(key, value) for key, value in data.items() if key not in seen]
    return rows


def display_value(spec: dict[str, Any], value: Any) -> Any:
    import datetime as dt

    kind = forms.field_kind(spec)
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


def detail_context(
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
            form = action_form(action)
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
        "print_forms": available_forms(dossier, backoffice=backoffice),
        "form_rows": form_rows(dossier),
        "slot_names": {doc.slot: doc.name for doc in dossier.procedure.required_documents.all()},
        "supplement_requests": list(dossier.supplement_requests.all()),
        "apology": dossier.apology_letter if has_apology(dossier) else None,
        "rating": dossier.rating if has_rating(dossier) else None,
        "backoffice": backoffice,
        "payment_due": bool(dossier.fee_amount and not dossier.paid_at)
        and dossier.status not in (Status.DRAFT, Status.WITHDRAWN, Status.REJECTED),
        "feedback_form": forms.FeedbackForm(prefix="feedback"),
        "feedback_items": list(dossier.feedback.all()) if backoffice else [],
        "bound_action": bound[0] if bound else "",
    }


def detail_url(dossier: Dossier, *, backoffice: bool) -> str:
    name = "dossiers:backoffice-dossier" if backoffice else "dossiers:dossier-detail"
    return reverse(name, kwargs={"code": dossier.code})


def paginate(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("trang"))


def create_with_uploads(
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
            attach_all(request, form, dossier)
    except ApplicationError as exc:
        if applicant_form is not None and applicant_error(applicant_form, exc):
            return None
        add_service_error(form, exc)
        return None
    return dossier


def applicant_error(applicant_form: Any, exc: ApplicationError) -> bool:
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


def attach_all(request: HttpRequest, form: forms.ApplicationForm, dossier: Dossier) -> None:
    for slot, uploaded in form.uploads():
        try:
            services.dossier_attach(
                actor=request.user, dossier=dossier, slot=slot, uploaded_file=uploaded
            )
        except ApplicationError as exc:
            exc.extra = {**(exc.extra or {}), "slot": slot}
            raise


# ------------------------------------------------------------------------------ shared actions


@login_required
@require_POST
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Take one workflow action; the form of that action carries its parameters."""
    dossier = dossier_or_404(request, code)
    backoffice = in_backoffice(request)
    if action not in ACTION_FORMS:
        raise Http404("Thao tác không tồn tại.")
    form = action_form(action, request.POST, request.FILES)
    if form.is_valid():
        try:
            _perform(request, dossier, action, form)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            label = ACTION_TEXT.get(action, (action, ""))[0]
            messages.success(request, "Đã thực hiện: %s." % label)
            dossier.refresh_from_db()
            return redirect(detail_url(dossier, backoffice=backoffice))
    dossier.refresh_from_db()
    context = detail_context(request, dossier, backoffice=backoffice, bound=(action, form))
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
            for index, (name, uploaded) in enumerate(form.files_chosen(), start=1):
                try:
                    services.dossier_attach(
                        actor=request.user,
                        dossier=dossier,
                        slot="supplement-%d" % (dossier.supplement_count * 10 + index),
                        uploaded_file=uploaded,
                    )
                except ApplicationError as exc:
                    # Show the service's sentence on the file field that failed.
                    exc.extra = {**(exc.extra or {}), "fields": {name: [exc.message]}}
                    raise
            services.dossier_perform(
                actor=request.user, dossier=dossier, action=action, note=form.cleaned_data["note"]
            )
        return
    services.dossier_perform(actor=request.user, dossier=dossier, action=action, **form.params())


@login_required
def attachment_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """Serve a dossier file to someone who may see the dossier; never a public media URL."""
    dossier = dossier_or_404(request, code)
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
    if not is_applicant:
        log_officer_access(request, dossier, "read_file", attachment=attachment.pk)
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
    dossier = dossier_or_404(request, code)
    backoffice = in_backoffice(request) and selectors.is_officer_of(request.user, dossier)
    available = dict(available_forms(dossier, backoffice=backoffice))
    if form not in available:
        raise Http404("Biểu mẫu chưa có cho hồ sơ này.")
    if backoffice:
        log_officer_access(request, dossier, "print", form=form)
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
