"""Writes to the catalog: import (JSON or Excel records), search refresh, admin edits.

An import is all or nothing: every record (every row of every sheet) is checked first, and when
anything is wrong the whole file is refused with the complete list of problems and nothing is
written. Procedures are matched by their national code; a record identical to what is stored is
left alone, so importing the same file twice creates no history and no audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from congso.agencies.models import Agency
from congso.catalog import records as rec
from congso.catalog.models import Fee, Field, Procedure, RequiredDocument
from congso.core import audit
from congso.core.exceptions import ApplicationError
from congso.core.vntext import slugify_vi


class CatalogImportError(ApplicationError):
    """The file was refused; ``problems`` lists every error with its sheet/row or record."""

    code = "catalog_import_invalid"

    def __init__(self, problems: list[rec.Problem]) -> None:
        self.problems = problems
        super().__init__(
            "Tệp có %d lỗi, chưa nhập thủ tục nào. Sửa các lỗi dưới đây rồi nhập lại."
            % len(problems),
            extra={"errors": [p.as_dict() for p in problems]},
        )


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return "Thêm mới %d, cập nhật %d, không đổi %d thủ tục." % (
            len(self.created),
            len(self.updated),
            len(self.unchanged),
        )


def procedure_validate(
    records: Iterable[Any], *, problems: list[rec.Problem] | None = None
) -> tuple[list[dict[str, Any]], list[rec.Problem]]:
    """Check every record; return the canonical records and all problems (none means valid).

    ``problems`` may carry problems already found while reading the file (an Excel sheet's
    structure) so that a single list reaches the user.
    """
    found = list(problems or [])
    agency_slugs = set(Agency.objects.values_list("slug", flat=True))
    cleaned: list[dict[str, Any]] = []
    first_seen: dict[str, rec.Location] = {}
    for index, raw in enumerate(records):
        record, record_problems = rec.clean_record(raw, index=index, agency_slugs=agency_slugs)
        found.extend(record_problems)
        if record is None:
            continue
        location = rec._location(raw, rec.Location(index=index))
        code = record["code"]
        if code and code in first_seen:
            found.append(
                rec.Problem(
                    location,
                    "Mã thủ tục",
                    "mã bị trùng với %s" % first_seen[code].describe().lower(),
                    code,
                )
            )
        elif code:
            first_seen[code] = location
        cleaned.append(record)
    if not cleaned and not found:
        found.append(rec.Problem(rec.Location(), "", "tệp không có thủ tục nào"))
    return cleaned, found


@transaction.atomic
def procedure_import(
    records: Iterable[Any],
    *,
    actor: Any = None,
    source: str = "",
    problems: list[rec.Problem] | None = None,
) -> ImportReport:
    """Create or update procedures from records (see :mod:`congso.catalog.records`).

    Raises :class:`CatalogImportError` listing every problem, before writing anything, when a
    record is invalid. Fees and required documents are replaced position by position, so an
    uploaded form template (``template_file``) stays with its document.
    """
    cleaned, found = procedure_validate(records, problems=problems)
    if found:
        raise CatalogImportError(found)
    communes = {a.slug: a for a in Agency.objects.communes()}
    agencies = {a.slug: a for a in Agency.objects.all()}
    fields: dict[str, Field] = {}
    existing = {
        p.code: p
        for p in Procedure.objects.filter(code__in=[r["code"] for r in cleaned])
        .select_related("field")
        .prefetch_related("receiving_agencies", "fees", "required_documents")
    }
    report = ImportReport()
    for record in cleaned:
        procedure = existing.get(record["code"])
        if procedure is not None and rec.to_record(procedure, set(communes)) == record:
            report.unchanged.append(record["code"])
            continue
        before = rec.to_record(procedure, set(communes)) if procedure is not None else None
        procedure = _write_procedure(procedure, record, fields=fields, actor=actor)
        receiving: list[Agency] = []
        for slug in record["receiving_agencies"]:
            receiving.extend(communes.values() if slug == rec.ALL_COMMUNES else [agencies[slug]])
        procedure.receiving_agencies.set(receiving)
        _sync_fees(procedure, record["fees"])
        _sync_documents(procedure, record["required_documents"])
        changed = sorted(k for k in record if before is None or before.get(k) != record[k])
        audit.record(
            actor=actor,
            obj=procedure,
            action="procedure_imported" if before is None else "procedure_updated",
            note=source,
            data={"code": procedure.code, "changed": changed},
        )
        (report.created if before is None else report.updated).append(procedure.code)
    return report


def _field_for(name: str, cache: dict[str, Field]) -> Field:
    if name in cache:
        return cache[name]
    found = Field.objects.filter(name=name).first()
    if found is None:
        base = slugify_vi(name)[:190] or "linh-vuc"
        slug, n = base, 2
        while Field.objects.filter(slug=slug).exists():
            slug, n = "%s-%d" % (base, n), n + 1
        found = Field.objects.create(name=name, slug=slug)
    cache[name] = found
    return found


def _write_procedure(
    procedure: Procedure | None, record: dict[str, Any], *, fields: dict[str, Field], actor: Any
) -> Procedure:
    procedure = procedure or Procedure(code=record["code"])
    timing = record["processing_time"]
    procedure.name = record["name"]
    procedure.field = _field_for(record["field"], fields)
    procedure.level = record["level"]
    procedure.competent_agency = record["competent_agency"]
    procedure.processing_time_value = timing["value"]
    procedure.processing_time_unit = timing["unit"]
    procedure.processing_time_note = timing["note"]
    for key in (
        "steps",
        "who_may_apply",
        "conditions",
        "result",
        "legal_basis",
        "online_level",
        "synonyms",
        "form",
        "source_note",
        "is_active",
    ):
        setattr(procedure, key, record[key])
    if actor is not None and getattr(actor, "is_authenticated", False):
        procedure._history_user = actor  # type: ignore[attr-defined]
    procedure.save()
    return procedure


def _sync_fees(procedure: Procedure, fees: list[dict[str, Any]]) -> None:
    current = {f.position: f for f in procedure.fees.all()}
    for position, data in enumerate(fees):
        fee = current.pop(position, None) or Fee(procedure=procedure, position=position)
        fee.case, fee.amount, fee.kind = data["case"], data["amount"], data["kind"]
        fee.save()
    Fee.objects.filter(pk__in=[f.pk for f in current.values()]).delete()


def _sync_documents(procedure: Procedure, documents: list[dict[str, Any]]) -> None:
    current = {d.position: d for d in procedure.required_documents.all()}
    for position, data in enumerate(documents):
        document = current.pop(position, None) or RequiredDocument(
            procedure=procedure, position=position
        )
        for key, value in data.items():
            setattr(document, key, value)
        document.save()
    RequiredDocument.objects.filter(pk__in=[d.pk for d in current.values()]).delete()


def procedure_refresh_search(procedure: Procedure) -> None:
    """Recompute the folded search columns of one procedure; the index follows by itself.

    ``Procedure.save`` does this too; call it after changing what the text is built from
    without saving the procedure (its field renamed, synonyms updated with ``update()``).
    """
    procedure.fill_search_fields()
    Procedure.objects.filter(pk=procedure.pk).update(
        search_text=procedure.search_text, name_folded=procedure.name_folded
    )


def field_refresh_search(field_obj: Field) -> int:
    """Refresh every procedure of a field (its name is part of their search text)."""
    count = 0
    for procedure in Procedure.objects.filter(field=field_obj).select_related("field"):
        procedure_refresh_search(procedure)
        count += 1
    return count


@transaction.atomic
def procedure_record_admin_change(
    *, actor: Any, procedure: Procedure, created: bool, changed: list[str], ip_address: str | None
) -> None:
    """Audit an edit made in the admin (history keeps the old values, this keeps who and why)."""
    audit.record(
        actor=actor,
        obj=procedure,
        action="procedure_created" if created else "procedure_updated",
        note="Quản trị",
        data={"code": procedure.code, "changed": changed},
        ip_address=ip_address,
    )


def procedure_set_popularity(*, popularity: dict[str, int]) -> int:
    """Set the usage score (how often citizens use a procedure) shown on the home page."""
    updated = 0
    for code, value in popularity.items():
        updated += Procedure.objects.filter(code=code).update(popularity=value)
    return updated
