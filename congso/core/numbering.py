"""Gap-free yearly sequences (dossier codes, document numbers, incoming books).

Decree 30/2020 requires document numbers to run from 01 on 1 January without gaps; a number is
taken inside the caller's transaction, so a rolled-back issuance gives its number back. On
PostgreSQL the counter row is locked with ``SELECT … FOR UPDATE``; SQLite serialises writers with
``BEGIN IMMEDIATE`` (see settings), which gives the same guarantee.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from congso.core.models import NumberCounter


def next_number(scope: str, year: int) -> int:
    """Allocate the next number of ``scope`` in ``year``; call inside ``transaction.atomic``."""
    with transaction.atomic():
        counter = NumberCounter.objects.select_for_update().filter(scope=scope, year=year).first()
        if counter is None:
            try:
                with transaction.atomic():
                    NumberCounter.objects.create(scope=scope, year=year, last_value=0)
            except IntegrityError:
                pass  # a concurrent transaction created it first; lock it below
            counter = NumberCounter.objects.select_for_update().get(scope=scope, year=year)
        NumberCounter.objects.filter(pk=counter.pk).update(last_value=F("last_value") + 1)
        counter.refresh_from_db(fields=["last_value"])
        return counter.last_value


def peek_number(scope: str, year: int) -> int:
    """The last number allocated (0 if none); for display only, never for allocation."""
    counter = NumberCounter.objects.filter(scope=scope, year=year).first()
    return counter.last_value if counter else 0
