"""Public catalog pages: search, procedure detail, lists by field and by agency."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from congso.catalog import selectors
from congso.catalog.forms import ProcedureSearchForm
from congso.core.exceptions import NotFoundError
from congso.core.formatting import WEEKDAYS

PAGE_SIZE = 20


def _page(request: HttpRequest, results: Any) -> Any:
    return Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))


def _results_response(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    if getattr(request, "htmx", False):
        return render(request, "catalog/partials/_results.html", context)
    return render(request, template, context)


def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(request.GET or None)
    arguments = form.search_arguments() if request.GET else {"query": ""}
    results = selectors.procedure_search(**arguments)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "form": form,
        "page": _page(request, results),
        "query": arguments.get("query", ""),
        "filtered": any(arguments.get(k) for k in ("field", "level", "agency")),
        "query_string": query_string.urlencode(),
    }
    return _results_response(request, "catalog/procedure_list.html", context)


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure = selectors.procedure_get_public(code=code)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    now = timezone.localtime()
    due = timezone.localtime(selectors.procedure_due_at(procedure, now))
    agencies = list(procedure.receiving_agencies.all())
    communes = [a for a in agencies if a.kind == a.Kind.COMMUNE]
    context = {
        "procedure": procedure,
        "documents": list(procedure.required_documents.all()),
        "fees": list(procedure.fees.all()),
        "fee_summary": selectors.fee_summary(procedure),
        "now": now,
        "due_at": due,
        "due_weekday": WEEKDAYS[due.weekday()],
        "communes": communes,
        "other_agencies": [a for a in agencies if a.kind != a.Kind.COMMUNE],
        "submit_url": "/ho-so/nop/%s/" % procedure.code if procedure.is_full_online else "",
    }
    return render(request, "catalog/procedure_detail.html", context)


def field_list(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.agencies_with_procedures())
    context = {
        "fields": selectors.fields_with_counts(),
        "departments": [a for a in agencies if a.kind != a.Kind.COMMUNE],
        "communes": [a for a in agencies if a.kind == a.Kind.COMMUNE],
    }
    return render(request, "catalog/field_list.html", context)


def field_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        field = selectors.field_get(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    query = request.GET.get("q", "")[:200]
    results = selectors.procedure_search(query, field=field)
    context = {
        "heading": "Lĩnh vực %s" % field.name,
        "intro": "Các thủ tục hành chính thuộc lĩnh vực %s." % field.name,
        "page": _page(request, results),
        "query": query,
        "query_string": urlencode({"q": query}) if query else "",
    }
    return _results_response(request, "catalog/procedure_group.html", context)


def agency_procedures(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        agency = selectors.agency_get(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    query = request.GET.get("q", "")[:200]
    results = selectors.procedure_search(query, agency=agency)
    context = {
        "heading": "Thủ tục tiếp nhận tại %s" % agency.name,
        "intro": " · ".join(x for x in [agency.address, agency.phone] if x),
        "page": _page(request, results),
        "query": query,
        "query_string": urlencode({"q": query}) if query else "",
    }
    return _results_response(request, "catalog/procedure_group.html", context)
