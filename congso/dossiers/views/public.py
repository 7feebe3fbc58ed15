"""The public lookup (tra cứu hồ sơ): code plus phone or ID number, no personal details."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from congso.dossiers import forms, selectors
from congso.dossiers.models import Dossier

#: Failed lookups allowed per dossier code, and per client address, in the window.
LOOKUP_MAX_FAILURES_PER_CODE = 10
LOOKUP_MAX_FAILURES_PER_ADDRESS = 50
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
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # Failed attempts are capped per code (so that the phone number or ID of a known code
        # cannot be guessed) and per address (so that codes cannot be swept); the message never
        # says which of the two inputs was wrong. Behind a reverse proxy, REMOTE_ADDR must be
        # the client's address (set by the proxy), or the per-address cap is shared by everyone.
        keys = {
            "dossiers:lookup-failures:code:%s" % code[:60]: LOOKUP_MAX_FAILURES_PER_CODE,
            "dossiers:lookup-failures:addr:%s"
            % request.META.get("REMOTE_ADDR", ""): LOOKUP_MAX_FAILURES_PER_ADDRESS,
        }
        counts = cache.get_many(list(keys))
        if any(counts.get(key, 0) >= limit for key, limit in keys.items()):
            throttled = True
        else:
            found = selectors.dossier_lookup(
                code=code, phone_or_id=form.cleaned_data["phone_or_id"]
            )
            not_found = found is None
            if not_found:
                cache.set_many({key: counts.get(key, 0) + 1 for key in keys}, LOOKUP_WINDOW_SECONDS)
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
