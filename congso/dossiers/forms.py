"""HTML forms of the one-stop pages.

The online application form is generated from the procedure's form definition
(``procedure.form["fields"]``) plus one upload slot per required document. The forms only parse
and shape input; every rule (content sniffing, size, completeness, roles, states) is checked by the
services, whose :class:`~congso.core.exceptions.ApplicationError` the views turn into form errors.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)

UPLOAD_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_HELP = "Định dạng ngày/tháng/năm, ví dụ 05/09/2025."

PHONE_VALIDATOR = RegexValidator(
    r"^(\+?84|0)\d{9}$", "Số điện thoại không hợp lệ (10 chữ số, ví dụ 0912345678)."
)
ID_VALIDATOR = RegexValidator(r"^\d{12}$", "Số định danh cá nhân (số CCCD) gồm 12 chữ số.")

#: Profile attributes a form field may be prefilled from, by the field's ``prefill`` key or name.
#: Only names that clearly mean the applicant: a "ngày sinh" field may be the child's.
PROFILE_SOURCES = {
    "full_name": "full_name",
    "applicant_name": "full_name",
    "personal_id": "personal_id",
    "so_dinh_danh": "personal_id",
    "cccd": "personal_id",
    "id_number": "personal_id",
    "phone": "phone",
    "so_dien_thoai": "phone",
    "email": "email",
    "address": "address",
    "dia_chi": "address",
    "date_of_birth": "date_of_birth",
    "applicant_full_name": "full_name",
    "applicant_id_number": "personal_id",
    "applicant_personal_id": "personal_id",
    "applicant_phone": "phone",
    "applicant_email": "email",
    "applicant_address": "address",
}

REQUIRED_MSG = "Vui lòng nhập %s."
CHOICE_ERRORS = {"required": "Vui lòng chọn một mục.", "invalid_choice": "Lựa chọn không hợp lệ."}
FILE_ERRORS = {
    "required": "Vui lòng chọn tệp.",
    "invalid": "Không đọc được tệp tải lên, vui lòng chọn lại.",
    "missing": "Không nhận được tệp, vui lòng chọn lại.",
    "empty": "Tệp rỗng (0 byte). Vui lòng chọn lại tệp.",
    "max_length": "Tên tệp quá dài.",
    "contradiction": "Vui lòng chọn tệp mới hoặc bỏ chọn xoá, không chọn cả hai.",
}
ERROR_MESSAGES = {"required": "Vui lòng nhập thông tin này."}


class VnCharField(forms.CharField):
    """A text field whose length errors are Vietnamese whatever language the browser asks for."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for validator in self.validators:
            if isinstance(validator, MaxLengthValidator):
                validator.message = "Tối đa %(limit_value)d ký tự (đang có %(show_value)d ký tự)."


class VnDateField(forms.DateField):
    """A date typed as dd/mm/yyyy (phones show a numeric keypad); ISO is also accepted."""

    input_formats = DATE_FORMATS
    default_error_messages = {"invalid": "Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy", "autocomplete": "off"}
            ),
        )
        kwargs.setdefault("help_text", DATE_HELP)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        return value


class VnNumberField(forms.DecimalField):
    """A number typed the Vietnamese way: "72,5" (decimal comma) and "1.500.000" (thousands)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for validator in self.validators:
            if isinstance(validator, MinValueValidator):
                validator.message = "Giá trị không được nhỏ hơn %(limit_value)s."
            elif isinstance(validator, MaxValueValidator):
                validator.message = "Giá trị không được lớn hơn %(limit_value)s."

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip().replace(" ", "")
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
                text = text.replace(".", "")
            value = text
        return super().to_python(value)


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s.\-()]", "", value or "")


class PhoneField(VnCharField):
    default_validators = [PHONE_VALIDATOR]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 15)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return normalise_phone(super().to_python(value) or "")


class IdNumberField(VnCharField):
    default_validators = [ID_VALIDATOR]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return re.sub(r"\s", "", super().to_python(value) or "")


def _field_name(spec: dict[str, Any], index: int) -> str:
    name = spec.get("name") or spec.get("key") or spec.get("id") or "field_%d" % index
    return str(name)


def _options(spec: dict[str, Any]) -> list[tuple[str, str]]:
    raw = spec.get("options") or spec.get("choices") or []
    out: list[tuple[str, str]] = []
    for item in raw:
        if isinstance(item, dict):
            value = str(item.get("value", item.get("label", "")))
            out.append((value, str(item.get("label", value))))
        elif isinstance(item, list | tuple) and len(item) == 2:
            out.append((str(item[0]), str(item[1])))
        else:
            out.append((str(item), str(item)))
    return out


#: Other spellings of the field types that the services' form validation also accepts.
TYPE_ALIASES = {
    "integer": "number",
    "int": "number",
    "boolean": "checkbox",
    "bool": "checkbox",
    "choice": "select",
    "radio": "select",
    "tel": "phone",
}


def field_kind(spec: dict[str, Any]) -> str:
    """The field's type with aliases resolved (``integer`` → ``number`` …)."""
    kind = str(spec.get("type") or "text")
    return TYPE_ALIASES.get(kind, kind)


def build_field(spec: dict[str, Any]) -> forms.Field:
    """One Django form field from one entry of ``procedure.form["fields"]``."""
    kind = field_kind(spec)
    required = bool(spec.get("required", False))
    label = spec.get("label") or spec.get("name") or ""
    common: dict[str, Any] = {
        "label": label,
        "required": required,
        "help_text": spec.get("help") or spec.get("help_text") or "",
        "error_messages": {"required": REQUIRED_MSG % str(label).lower()},
    }
    max_length = spec.get("max_length")
    if kind == "textarea":
        return VnCharField(
            widget=forms.Textarea(attrs={"rows": 4}), max_length=max_length, **common
        )
    if kind == "date":
        help_text = common.pop("help_text") or DATE_HELP
        return VnDateField(help_text=help_text, **common)
    if kind == "number":
        return VnNumberField(
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            min_value=spec.get("min"),
            max_value=spec.get("max"),
            error_messages={**common.pop("error_messages"), "invalid": "Vui lòng nhập một số."},
            **common,
        )
    if kind == "email":
        return forms.EmailField(
            max_length=max_length or 254,
            error_messages={
                **common.pop("error_messages"),
                "invalid": "Địa chỉ thư điện tử không hợp lệ.",
            },
            **common,
        )
    if kind == "phone":
        return PhoneField(**common)
    if kind == "id_number":
        return IdNumberField(**common)
    if kind == "select":
        radio = spec.get("type") == "radio"
        choices = _options(spec) if radio else [("", "— Chọn —"), *_options(spec)]
        return forms.ChoiceField(
            choices=choices,
            widget=forms.RadioSelect if radio else forms.Select,
            error_messages={
                **common.pop("error_messages"),
                "invalid_choice": "Lựa chọn không hợp lệ.",
            },
            **common,
        )
    if kind == "checkbox":
        if required:
            common["error_messages"] = {"required": "Vui lòng đánh dấu ô này để tiếp tục."}
        return forms.BooleanField(**common)
    return VnCharField(max_length=max_length, **common)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return int(value) if value == int(value) else float(value)
    return value


#: The chosen commune's field; a name no procedure form uses (they are snake_case identifiers).
AGENCY_FIELD = "co-quan-giai-quyet"


def upload_help() -> str:
    """ "Tệp PDF, JPG hoặc PNG, tối đa 10 MB." with the configured limit."""
    from django.conf import settings

    limit = int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
    if limit < 1024 * 1024:
        return "Tệp PDF, JPG hoặc PNG, tối đa %d KB." % (limit // 1024)
    return "Tệp PDF, JPG hoặc PNG, tối đa %s MB." % format(round(limit / 1024 / 1024, 1), "g")


def slot_field_name(slot: str) -> str:
    return "file__%s" % slot


class ApplicationForm(forms.Form):
    """The online application (tờ khai) of one procedure, with its document upload slots.

    ``form_data()`` gives the JSON stored on the dossier (dates as ISO ``yyyy-mm-dd``);
    ``uploads()`` gives ``(slot, uploaded_file)`` pairs for the documents chosen this time.
    """

    def __init__(
        self,
        *args: Any,
        procedure: Any,
        documents: list[Any] | None = None,
        profile: Any = None,
        existing: dict[str, Any] | None = None,
        attached_slots: set[str] | None = None,
        agencies: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.agencies = list(agencies or [])
        if len(self.agencies) > 1:
            # Commune-level procedures are decided by the applicant's commune or ward.
            self.fields[AGENCY_FIELD] = forms.ChoiceField(
                label="Nộp tới (xã, phường có thẩm quyền)",
                choices=[("", "— Chọn xã, phường —")]
                + [(str(a.pk), a.name) for a in self.agencies],
                error_messages={
                    "required": "Vui lòng chọn xã, phường giải quyết hồ sơ.",
                    "invalid_choice": "Lựa chọn không hợp lệ.",
                },
            )
        self.specs: list[dict[str, Any]] = []
        definition = procedure.form if isinstance(procedure.form, dict) else {}
        for index, spec in enumerate(definition.get("fields") or []):
            if not isinstance(spec, dict):
                continue
            name = _field_name(spec, index)
            self.specs.append({**spec, "name": name})
            self.fields[name] = build_field(spec)
            initial = self._initial_for(spec, name, profile, existing)
            if initial not in (None, ""):
                self.fields[name].initial = initial
        self.documents = list(documents or [])
        self.attached_slots = attached_slots or set()
        for doc in self.documents:
            field = forms.FileField(
                label=doc.name,
                error_messages=FILE_ERRORS,
                required=False,
                help_text=upload_help(),
                widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
            )
            field.document = doc  # type: ignore[attr-defined]
            self.fields[slot_field_name(doc.slot)] = field

    @staticmethod
    def _initial_for(
        spec: dict[str, Any], name: str, profile: Any, existing: dict[str, Any] | None
    ) -> Any:
        if existing and name in existing:
            value = existing[name]
            if spec.get("type") == "date" and isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    return value
            return value
        if "default" in spec:
            return spec["default"]
        if profile is None or not getattr(profile, "is_authenticated", False):
            return None
        source = PROFILE_SOURCES.get(str(spec.get("prefill") or name))
        return getattr(profile, source, None) if source else None

    def chosen_agency(self) -> Any:
        if len(self.agencies) == 1:
            return self.agencies[0]
        wanted = self.cleaned_data.get(AGENCY_FIELD)
        return next((a for a in self.agencies if str(a.pk) == wanted), None)

    def agency_field(self) -> forms.BoundField | None:
        return self[AGENCY_FIELD] if AGENCY_FIELD in self.fields else None

    def data_fields(self) -> list[forms.BoundField]:
        return [self[spec["name"]] for spec in self.specs]

    def upload_fields(self) -> list[forms.BoundField]:
        return [self[slot_field_name(doc.slot)] for doc in self.documents]

    def form_data(self) -> dict[str, Any]:
        return {
            spec["name"]: _json_value(self.cleaned_data.get(spec["name"]))
            for spec in self.specs
            if self.cleaned_data.get(spec["name"]) not in (None, "")
            or field_kind(spec) == "checkbox"
        }

    def uploads(self) -> list[tuple[str, Any]]:
        pairs = []
        for doc in self.documents:
            uploaded = self.cleaned_data.get(slot_field_name(doc.slot))
            if uploaded:
                pairs.append((doc.slot, uploaded))
        return pairs


class ApplicantForm(forms.Form):
    """Who applies (người nộp hồ sơ): entered by a receptionist for a walk-in applicant."""

    KIND_CHOICES = [("person", "Cá nhân"), ("organisation", "Tổ chức, doanh nghiệp")]

    channel = forms.ChoiceField(
        label="Hình thức nộp",
        choices=[
            ("counter", "Trực tiếp tại Bộ phận Một cửa"),
            ("post", "Qua dịch vụ bưu chính công ích"),
        ],
        initial="counter",
        error_messages=CHOICE_ERRORS,
    )
    applicant_kind = forms.ChoiceField(
        label="Người nộp là",
        choices=KIND_CHOICES,
        initial="person",
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )
    name = VnCharField(label="Họ và tên người nộp", max_length=150, error_messages=ERROR_MESSAGES)
    personal_id = IdNumberField(
        label="Số định danh cá nhân (CCCD)", required=True, error_messages=ERROR_MESSAGES
    )
    phone = PhoneField(label="Số điện thoại", required=True, error_messages=ERROR_MESSAGES)
    email = forms.EmailField(
        label="Thư điện tử",
        required=False,
        error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."},
    )
    address = VnCharField(label="Địa chỉ", max_length=300, error_messages=ERROR_MESSAGES)
    organisation_name = VnCharField(label="Tên tổ chức", max_length=300, required=False)
    organisation_tax_code = VnCharField(
        label="Mã số thuế / mã số doanh nghiệp", max_length=20, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("applicant_kind") == "organisation" and not data.get("organisation_name"):
            self.add_error("organisation_name", "Vui lòng nhập tên tổ chức.")
        return data

    def applicant(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["applicant_kind"],
            "name": data["name"],
            "personal_id": data["personal_id"],
            "phone": data["phone"],
            "email": data.get("email") or "",
            "address": data["address"],
            "organisation_name": data.get("organisation_name") or "",
            "organisation_tax_code": data.get("organisation_tax_code") or "",
        }


def applicant_from_user(user: Any) -> dict[str, Any]:
    """The applicant snapshot of a signed-in citizen."""
    return {
        "kind": "person",
        "name": user.get_full_name(),
        "personal_id": user.personal_id,
        "phone": user.phone,
        "email": user.email,
        "address": user.address,
    }


class ProcedureSearchForm(forms.Form):
    q = VnCharField(label="Tìm thủ tục", max_length=200, required=False)


class LookupForm(forms.Form):
    """Public lookup (tra cứu): the code alone is never enough — phone or ID number too."""

    code = VnCharField(
        label="Mã hồ sơ",
        max_length=60,
        error_messages={"required": "Vui lòng nhập mã hồ sơ."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone_or_id = VnCharField(
        label="Số điện thoại hoặc số định danh cá nhân của người nộp",
        max_length=20,
        error_messages={
            "required": "Vui lòng nhập số điện thoại hoặc số định danh cá nhân của người nộp."
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_phone_or_id(self) -> str:
        return normalise_phone(self.cleaned_data["phone_or_id"])


class BackofficeSearchForm(forms.Form):
    q = VnCharField(
        label="Tìm hồ sơ",
        max_length=100,
        required=False,
        help_text="Mã hồ sơ, tên người nộp, số định danh hoặc số điện thoại.",
    )


# --- workflow action forms -----------------------------------------------------------------


class NoteForm(forms.Form):
    note = VnCharField(
        label="Ghi chú", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def params(self) -> dict[str, Any]:
        return {"note": self.cleaned_data.get("note", "")}


class ReasonForm(forms.Form):
    reason = VnCharField(
        label="Lý do",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Vui lòng ghi rõ lý do."},
    )

    def params(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class RejectForm(ReasonForm):
    reason = VnCharField(
        label="Lý do từ chối (nêu căn cứ pháp lý)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Vui lòng ghi rõ lý do từ chối và căn cứ pháp lý."},
    )


class WithdrawForm(ReasonForm):
    reason = VnCharField(
        label="Lý do rút hồ sơ",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Vui lòng cho biết lý do rút hồ sơ."},
    )


class SendBackForm(forms.Form):
    """The leader returns the dossier to the specialist with instructions (ý kiến chỉ đạo)."""

    note = VnCharField(
        label="Ý kiến chỉ đạo, nội dung cần xử lý lại",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Vui lòng ghi ý kiến chỉ đạo để chuyên viên xử lý lại."},
    )

    def params(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


class SupplementRequestForm(forms.Form):
    items = VnCharField(
        label="Giấy tờ, nội dung cần bổ sung (mỗi dòng một mục)",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Vui lòng liệt kê đầy đủ những gì cần bổ sung."},
        help_text="Theo quy định chỉ yêu cầu bổ sung một lần: ghi đầy đủ tất cả các mục.",
    )
    note = VnCharField(
        label="Hướng dẫn thêm", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_items(self) -> list[str]:
        items = [line.strip(" -•\t") for line in self.cleaned_data["items"].splitlines()]
        items = [item for item in items if item]
        if not items:
            raise forms.ValidationError("Vui lòng liệt kê đầy đủ những gì cần bổ sung.")
        return items

    def params(self) -> dict[str, Any]:
        return {"items": self.cleaned_data["items"], "note": self.cleaned_data.get("note", "")}


class FileActionForm(forms.Form):
    """An action carrying a file: forward (draft result) or approve (result)."""

    file = forms.FileField(
        error_messages=FILE_ERRORS,
        label="Tệp kết quả (PDF, JPG, PNG)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )
    note = VnCharField(
        label="Ghi chú", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    file_param = "result_file"

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"note": self.cleaned_data.get("note", "")}
        if self.cleaned_data.get("file"):
            params[self.file_param] = self.cleaned_data["file"]
        return params


class ForwardForm(FileActionForm):
    file = forms.FileField(
        error_messages=FILE_ERRORS,
        label="Dự thảo kết quả (không bắt buộc)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )
    file_param = "draft_result"


class ApproveForm(FileActionForm):
    file_param = "result_file"


class ApologyForm(forms.Form):
    reason = VnCharField(
        label="Lý do chậm trễ",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Vui lòng nêu lý do chậm trễ."},
    )
    new_due_date = VnDateField(
        label="Ngày hẹn trả kết quả mới",
        error_messages={"required": "Vui lòng nhập ngày hẹn mới."},
    )

    def clean_new_due_date(self) -> dt.date:
        from congso.core import workdays

        day = self.cleaned_data["new_due_date"]
        if not workdays.is_working_day(day):
            raise forms.ValidationError(
                "Ngày hẹn mới phải là ngày làm việc (%s là ngày nghỉ)." % day.strftime("%d/%m/%Y")
            )
        return day

    def params(self) -> dict[str, Any]:
        from congso.core import workdays

        day = self.cleaned_data["new_due_date"]
        # The new appointment is the end of that working day's office hours.
        moment = dt.datetime.combine(day, workdays.office_hours().closing, tzinfo=workdays.tz())
        return {"reason": self.cleaned_data["reason"], "new_due_at": moment}


class MarkPaidForm(forms.Form):
    METHODS = [("counter", "Nộp tại quầy"), ("online", "Chuyển khoản / trực tuyến")]
    method = forms.ChoiceField(
        label="Hình thức", choices=METHODS, initial="counter", error_messages=CHOICE_ERRORS
    )
    reference = VnCharField(label="Số chứng từ / mã giao dịch", max_length=100, required=False)

    def params(self) -> dict[str, Any]:
        return {
            "method": self.cleaned_data["method"],
            "reference": self.cleaned_data.get("reference", ""),
        }


SCORE_CHOICES = [
    (5, "5 — Rất hài lòng"),
    (4, "4 — Hài lòng"),
    (3, "3 — Bình thường"),
    (2, "2 — Không hài lòng"),
    (1, "1 — Rất không hài lòng"),
]


class RatingForm(forms.Form):
    """Satisfaction rating after the result is returned (Decision 766, group 5)."""

    score = forms.TypedChoiceField(
        label="Mức độ hài lòng chung",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vui lòng chọn mức độ hài lòng.",
            "invalid_choice": "Chọn từ 1 đến 5.",
        },
    )
    comment = VnCharField(
        label="Ý kiến góp ý",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, criteria: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria or [])
        for key, label in self.criteria:
            self.fields["c_%s" % key] = forms.TypedChoiceField(
                label=label,
                choices=[("", "— Không đánh giá tiêu chí này —"), *SCORE_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.Select,
                error_messages={"invalid_choice": "Chọn từ 1 đến 5."},
            )

    def criteria_fields(self) -> list[forms.BoundField]:
        return [self["c_%s" % key] for key, _ in self.criteria]

    def params(self) -> dict[str, Any]:
        criteria = {
            key: self.cleaned_data["c_%s" % key]
            for key, _ in self.criteria
            if self.cleaned_data.get("c_%s" % key) not in (None, "")
        }
        return {
            "score": self.cleaned_data["score"],
            "comment": self.cleaned_data.get("comment", ""),
            "criteria": criteria,
        }


class FeedbackForm(forms.Form):
    """Phản ánh, kiến nghị about a dossier."""

    content = VnCharField(
        label="Nội dung phản ánh, kiến nghị",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Vui lòng nhập nội dung phản ánh, kiến nghị."},
    )


class SupplementForm(forms.Form):
    """The applicant's supplement: a note and up to three files."""

    note = VnCharField(
        label="Nội dung bổ sung",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file1 = forms.FileField(
        label="Tệp bổ sung 1",
        error_messages=FILE_ERRORS,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )
    file2 = forms.FileField(
        label="Tệp bổ sung 2",
        error_messages=FILE_ERRORS,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )
    file3 = forms.FileField(
        label="Tệp bổ sung 3",
        error_messages=FILE_ERRORS,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )

    def files_chosen(self) -> list[tuple[str, Any]]:
        """(field name, file) of the files chosen, in order."""
        return [
            (n, self.cleaned_data[n])
            for n in ("file1", "file2", "file3")
            if self.cleaned_data.get(n)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("note") and not any(data.get(n) for n in ("file1", "file2", "file3")):
            raise forms.ValidationError(
                "Vui lòng tải lên giấy tờ bổ sung hoặc ghi nội dung bổ sung."
            )
        return data


class ReconcileForm(forms.Form):
    """A bank statement to reconcile: pasted CSV text or an uploaded .csv file."""

    text = VnCharField(
        label="Dán sao kê (mỗi dòng: ngày, số tiền, nội dung)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label="Hoặc chọn tệp sao kê .csv",
        required=False,
        error_messages=FILE_ERRORS,
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        uploaded = data.get("file")
        if uploaded:
            if uploaded.size > 2_000_000:
                raise forms.ValidationError("Tệp sao kê quá lớn (tối đa 2 MB mỗi lần).")
            raw = uploaded.read()
            for encoding in ("utf-8-sig", "cp1258", "latin-1"):
                try:
                    data["text"] = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("Vui lòng dán sao kê hoặc chọn tệp sao kê.")
        return data

    def statement(self) -> str:
        return str(self.cleaned_data["text"])


class RegisterForm(forms.Form):
    """Period (and desk) of the tracking book (sổ theo dõi hồ sơ)."""

    start = VnDateField(label="Từ ngày", error_messages={"required": "Vui lòng nhập ngày bắt đầu."})
    end = VnDateField(label="Đến ngày", error_messages={"required": "Vui lòng nhập ngày kết thúc."})

    def __init__(self, *args: Any, agencies: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = list(agencies or [])
        self.fields["agency"] = forms.ChoiceField(
            label="Bộ phận Một cửa",
            choices=[(str(a.pk), a.name) for a in self.agencies],
            error_messages=CHOICE_ERRORS,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("Ngày kết thúc phải sau ngày bắt đầu.")
            if (end - start).days > 366:
                raise forms.ValidationError("Mỗi lần in sổ tối đa một năm.")
        return data

    def agency(self) -> Any:
        wanted = self.cleaned_data["agency"]
        return next(a for a in self.agencies if str(a.pk) == wanted)
