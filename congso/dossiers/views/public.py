"""The public lookup (tra cứu hồ sơ): code plus phone or ID number, no personal details."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from congso.dossiers import forms, selectors
from congso.dossiers.models import Dossier

#: Failed public lookups allowed per client address in the window before it must wait.
LOOKUP_MAX_FAILURES = 10
LOOKUP_WINDOW_SECONDS = 15 * 60


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
