from __future__ import annotations

from django import forms

from congso.catalog import selectors
from congso.catalog.models import Procedure


class ProcedureSearchForm(forms.Form):
    """The search box and filters of the procedure list (GET)."""

    q = forms.CharField(label="Tìm thủ tục", max_length=200, required=False)
    field = forms.ChoiceField(label="Lĩnh vực", required=False)
    level = forms.ChoiceField(
        label="Cấp thực hiện",
        required=False,
        choices=[("", "Tất cả các cấp"), *Procedure.Level.choices],
    )
    agency = forms.ChoiceField(label="Cơ quan tiếp nhận", required=False)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field_choices = [("", "Tất cả lĩnh vực")] + [
            (f["slug"], "%s (%d)" % (f["name"], f["count"])) for f in selectors.fields_with_counts()
        ]
        agency_choices = [("", "Tất cả cơ quan")] + [
            (a.slug, a.display_name) for a in selectors.agencies_with_procedures()
        ]
        self.fields["field"].choices = field_choices  # type: ignore[attr-defined]
        self.fields["agency"].choices = agency_choices  # type: ignore[attr-defined]

    def search_arguments(self) -> dict[str, str]:
        """The valid parts of the query (an invalid filter is reported and ignored)."""
        # After a failed is_valid() cleaned_data still holds the fields that were valid.
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q", "") or "",
            "field": data.get("field", "") or "",
            "level": data.get("level", "") or "",
            "agency": data.get("agency", "") or "",
        }
