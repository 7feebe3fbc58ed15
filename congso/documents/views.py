"""HTML pages of the document system for clerks, leaders and specialists (thin views)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from congso.accounts.models import User
from congso.agencies.models import Agency, Membership, Role
from congso.core.audit import client_ip, events_for
from congso.core.exceptions import ApplicationError, NotFoundError
from congso.documents import forms, selectors, services
from congso.documents.constants import Direction
from congso.documents.models import Document, DocumentFile
from congso.documents.workflow import available_actions

View = Callable[..., HttpResponse]


def officer_view(view: View) -> View:
    """Signed-in officers only; a missing or hidden object is a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (getattr(user, "is_officer", False) or user.is_superuser):
            raise Http404("Trang này dành cho cán bộ, công chức.")
        try:
            return view(request, *args, **kwargs)
        except NotFoundError as exc:
            raise Http404(exc.message) from exc

    return wrapper


def _agencies(user: Any, *roles: str) -> list[Agency]:
    qs = Membership.objects.filter(user=user).select_related("agency")
    if roles:
        qs = qs.filter(role__in=roles)
    return list({m.agency_id: m.agency for m in qs}.values())


def _people(agency_ids: list[int], *roles: str) -> list[User]:
    qs = User.objects.filter(memberships__agency_id__in=agency_ids, is_active=True)
    if roles:
        qs = qs.filter(memberships__role__in=roles)
    return list(qs.distinct().order_by("full_name"))


def _page(request: HttpRequest, items: Any, per_page: int = 25) -> Any:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _detail(document: Document) -> HttpResponse:
    return redirect("documents:detail", document_id=document.pk)


# ---------------------------------------------------------------- desk and lists
@officer_view
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "inbox": selectors.inbox(user)[:8],
        "assigned": selectors.assignments_for(user)[:8],
        "overdue_count": selectors.overdue_assignments(user).count(),
        "to_approve": selectors.drafts_to_approve(user)[:8],
        "to_issue": selectors.to_issue(user)[:8],
        "is_clerk": bool(_agencies(user, Role.CLERK)),
        "can_draft": bool(_agencies(user, Role.SPECIALIST, Role.CLERK, Role.LEADER)),
        "search_form": forms.SearchForm(),
    }
    return render(request, "documents/home.html", context)


@officer_view
def incoming_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.inbox(request.user)
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    return render(
        request,
        "documents/document_list.html",
        {"page": _page(request, qs), "title": "Văn bản đến", "direction": Direction.INCOMING},
    )


@officer_view
def outgoing_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "documents/document_list.html",
        {
            "page": _page(request, selectors.outgoing(request.user)),
            "title": "Văn bản đi",
            "direction": Direction.OUTGOING,
        },
    )


@officer_view
def to_approve(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "documents/document_list.html",
        {
            "page": _page(request, selectors.drafts_to_approve(request.user)),
            "title": "Dự thảo chờ duyệt",
            "direction": Direction.OUTGOING,
            "extra": selectors.to_issue(request.user),
        },
    )


@officer_view
def assigned_to_me(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "documents/assignment_list.html",
        {
            "page": _page(request, selectors.assignments_for(request.user)),
            "title": "Văn bản giao cho tôi",
        },
    )


@officer_view
def overdue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "documents/assignment_list.html",
        {
            "page": _page(request, selectors.overdue_assignments(request.user)),
            "title": "Việc xử lý văn bản quá hạn",
        },
    )


# ---------------------------------------------------------------- incoming registration
@officer_view
def incoming_register(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request.user, Role.CLERK)
    if not agencies:
        raise Http404("Chỉ văn thư mới vào sổ văn bản đến.")
    form = forms.IncomingForm(request.POST or None, request.FILES or None)
    form.set_agencies(agencies)
    form.set_leaders(_people([a.pk for a in agencies], Role.LEADER))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        leader = User.objects.filter(pk=data["leader"]).first() if data.get("leader") else None
        try:
            document = services.document_register_incoming(
                actor=request.user,
                agency=data["agency"],
                data=services.IncomingData(
                    doc_type=data["doc_type"],
                    summary=data["summary"],
                    original_symbol=data["original_symbol"],
                    issuing_agency_name=data["issuing_agency_name"],
                    issued_on=data["issued_on"],
                    signer_name=data["signer_name"],
                    urgency=data["urgency"],
                    confidentiality=data["confidentiality"],
                    deadline=data["deadline"],
                    leader=leader,
                ),
                file_data=upload.read() if upload else None,
                file_name=upload.name if upload else "",
                ip_address=client_ip(request),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, "Đã vào sổ văn bản đến, số đến %02d." % (document.incoming_number or 0)
            )
            return _detail(document)
    return render(request, "documents/incoming_form.html", {"form": form})


# ---------------------------------------------------------------- outgoing drafting
@officer_view
def draft_create(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request.user, Role.SPECIALIST, Role.CLERK, Role.LEADER)
    if not agencies:
        raise Http404("Bạn không thể soạn văn bản.")
    reply_to = None
    reply_id = request.GET.get("tra-loi") or request.POST.get("reply_to")
    if reply_id and str(reply_id).isdigit():
        reply_to = selectors.document_get_for(actor=request.user, document_id=int(reply_id))
    initial = {"signer_name": "", "reply_to": reply_to.pk if reply_to else None}
    if reply_to is not None:
        initial["summary"] = "Về việc trả lời văn bản %s" % (
            reply_to.original_symbol or reply_to.symbol
        )
        initial["agency"] = reply_to.agency_id
    form = forms.DraftForm(request.POST or None, request.FILES or None, initial=initial)
    form.set_agencies(agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload, annex = data.get("file"), data.get("attachments")
        try:
            document = services.document_create_draft(
                actor=request.user,
                agency=data["agency"],
                data=services.DraftData(
                    doc_type=data["doc_type"],
                    summary=data["summary"],
                    body=data["body"],
                    drafting_unit=data["drafting_unit"],
                    signing_authority=data["signing_authority"],
                    signer_title=data["signer_title"],
                    signer_name=data["signer_name"],
                    urgency=data["urgency"],
                    confidentiality=data["confidentiality"],
                    recipients=list(data["recipients"]),
                    recipients_text=data["recipients_text"],
                    reply_to=reply_to,
                ),
                file_data=upload.read() if upload else None,
                file_name=upload.name if upload else "",
                attachments=[(annex.name, annex.read())] if annex else [],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Đã lưu dự thảo.")
            return _detail(document)
    return render(request, "documents/draft_form.html", {"form": form, "reply_to": reply_to})


# ---------------------------------------------------------------- one document
@officer_view
def detail(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get_for(actor=request.user, document_id=document_id)
    roles = services.roles_in(request.user, document.agency)
    assignments = list(
        document.assignments.select_related("unit", "user").prefetch_related("opinions__author")
    )
    mine = {a.pk for a in assignments if services.can_act_on_assignment(request.user, a)}
    assign_form = None
    if Role.LEADER in roles and document.direction == Direction.INCOMING:
        assign_form = forms.AssignForm()
        assign_form.set_people(_people([document.agency_id]))
    actions = (
        available_actions(document.status, roles)
        if document.direction == Direction.OUTGOING
        else []
    )
    context = {
        "document": document,
        "roles": roles,
        "files": document.files.all(),
        "current_file": document.current_file(),
        "assignments": assignments,
        "my_assignments": mine,
        "assign_form": assign_form,
        "actions": [a for a in actions if a.action != "sign"],
        "can_sign": any(a.action == "sign" for a in actions),
        "can_draft": bool(_agencies(request.user, Role.SPECIALIST, Role.CLERK, Role.LEADER)),
        "events": events_for(document),
        "replies": document.replies.filter(pk__in=selectors.documents_visible_to(request.user)),
        "opinion_form": forms.OpinionForm(),
        "close_form": forms.CloseForm(),
        "action_form": forms.ActionForm(),
    }
    return render(request, "documents/detail.html", context)


@officer_view
@require_POST
def act(request: HttpRequest, document_id: int, action: str) -> HttpResponse:
    document = selectors.document_get_for(actor=request.user, document_id=document_id)
    form = forms.ActionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if action == "issue":
            document = services.document_issue(actor=request.user, document=document)
            messages.success(request, "Đã cấp số %s." % document.symbol)
        elif action == "sign":
            services.document_sign(actor=request.user, document=document)
            messages.success(request, "Đã ký số văn bản.")
        elif action == "send":
            delivered = services.document_send(actor=request.user, document=document)
            messages.success(
                request, "Đã gửi văn bản; %d cơ quan trên nền tảng đã nhận." % len(delivered)
            )
        elif action in ("submit", "approve", "return"):
            services.document_transition(
                actor=request.user, document=document, action=action, note=note
            )
            messages.success(request, "Đã cập nhật trạng thái văn bản.")
        else:
            raise Http404("Không có thao tác này.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _detail(document)


@officer_view
@require_POST
def assign(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get_for(actor=request.user, document_id=document_id)
    form = forms.AssignForm(request.POST)
    form.set_people(_people([document.agency_id]))
    if not form.is_valid():
        messages.error(request, "Thông tin phân công chưa hợp lệ.")
        return _detail(document)
    data = form.cleaned_data
    user = User.objects.filter(pk=data["user"]).first() if data.get("user") else None
    try:
        services.assignment_create(
            actor=request.user,
            document=document,
            role=data["role"],
            unit=data.get("unit"),
            user=user,
            deadline_days=data.get("deadline_days"),
            instruction=data.get("instruction", ""),
        )
        messages.success(request, "Đã phân công xử lý.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _detail(document)


@officer_view
@require_POST
def opinion(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = selectors.assignment_get_for(actor=request.user, assignment_id=assignment_id)
    form = forms.OpinionForm(request.POST)
    try:
        services.opinion_add(
            actor=request.user,
            assignment=assignment,
            text=form.cleaned_data["text"] if form.is_valid() else "",
        )
        messages.success(request, "Đã ghi ý kiến xử lý.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _detail(assignment.document)


@officer_view
@require_POST
def close_assignment(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = selectors.assignment_get_for(actor=request.user, assignment_id=assignment_id)
    form = forms.CloseForm(request.POST)
    try:
        services.assignment_close(
            actor=request.user,
            assignment=assignment,
            result=form.cleaned_data["result"] if form.is_valid() else "",
        )
        messages.success(request, "Đã kết thúc phần việc được giao.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _detail(assignment.document)


@officer_view
def file_download(request: HttpRequest, document_id: int, file_id: int) -> HttpResponse:
    item = selectors.file_get_for(actor=request.user, document_id=document_id, file_id=file_id)
    response = HttpResponse(item.read_bytes(), content_type=item.content_type)
    disposition = "attachment" if request.GET.get("tai") else "inline"
    response["Content-Disposition"] = '%s; filename="%s"' % (
        disposition,
        item.name.replace('"', ""),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@officer_view
def signatures(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get_for(actor=request.user, document_id=document_id)
    file_id = request.GET.get("tep", "")
    item: DocumentFile | None
    if file_id.isdigit():
        item = selectors.file_get_for(
            actor=request.user, document_id=document.pk, file_id=int(file_id)
        )
    else:
        item = document.current_file()
    if item is None:
        raise Http404("Văn bản chưa có tệp.")
    result = services.file_verify(actor=request.user, item=item)
    return render(
        request,
        "documents/signatures.html",
        {"document": document, "item": item, "result": result},
    )


@officer_view
def package_download(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get_for(actor=request.user, document_id=document_id)
    try:
        blob = services.package_export(document=document)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _detail(document)
    response = HttpResponse(blob, content_type="application/zip")
    name = (document.symbol or document.original_symbol or str(document.pk)).replace("/", "-")
    response["Content-Disposition"] = 'attachment; filename="goi-tin-%s.zip"' % name
    return response


@officer_view
def package_upload(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request.user, Role.CLERK)
    if not agencies:
        raise Http404("Chỉ văn thư mới nhận gói tin.")
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    agency_slug = request.POST.get("agency") or agencies[0].slug
    if request.method == "POST" and form.is_valid():
        agency = next((a for a in agencies if a.slug == agency_slug), agencies[0])
        try:
            document = services.package_import(
                actor=request.user, agency=agency, data=form.cleaned_data["file"].read()
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, "Đã nhận gói tin và vào sổ văn bản đến.")
            return _detail(document)
    return render(request, "documents/package_form.html", {"form": form, "agencies": agencies})


# ---------------------------------------------------------------- verification of any PDF
@officer_view
def verify(request: HttpRequest) -> HttpResponse:
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.verify_upload(data=form.cleaned_data["file"].read())
        except ApplicationError as exc:
            form.add_error("file", exc.message)
    return render(request, "documents/verify.html", {"form": form, "result": result})


# ---------------------------------------------------------------- search
@officer_view
def search(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    result = None
    if form.is_valid() and any(request.GET.get(k) for k in form.fields):
        data = form.cleaned_data
        page_number = request.GET.get("page", "1")
        page_number_int = int(page_number) if page_number.isdigit() else 1
        result = selectors.document_search(
            actor=request.user,
            filters=selectors.SearchFilters(
                q=data["q"],
                doc_type=data["type"].code if data["type"] else "",
                direction=data["direction"],
                status=data["status"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            ),
            limit=20,
            offset=(min(page_number_int, 50) - 1) * 20,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/search.html",
        {"form": form, "result": result, "query": query.urlencode()},
    )


# ---------------------------------------------------------------- books and registers
@officer_view
def books(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    return render(
        request,
        "documents/books.html",
        {"books": selectors.books_for(request.user), "years": [year, year - 1, year - 2]},
    )


@officer_view
def register(request: HttpRequest, book_id: int, year: int) -> HttpResponse:
    book = selectors.book_get_for(actor=request.user, book_id=book_id)
    rows = selectors.register_rows(actor=request.user, book=book, year=year)
    return render(
        request,
        "documents/register.html",
        {
            "book": book,
            "year": year,
            "rows": rows,
            "incoming": book.direction == Direction.INCOMING,
        },
    )
