"""HTML forms of the document system (validation of shape only; rules live in services)."""

from __future__ import annotations

from typing import Any

from django import forms

from congso.agencies.models import Agency
from congso.documents.constants import (
    AssignmentRole,
    Confidentiality,
    Direction,
    DocumentStatus,
    Urgency,
)
from congso.documents.models import DocumentType

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _AgencyChoiceMixin:
    def set_agencies(self, agencies: list[Agency]) -> None:
        field = self.fields["agency"]  # type: ignore[attr-defined]
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        if len(agencies) == 1:
            field.initial = agencies[0].pk
            field.widget = forms.HiddenInput()


class IncomingForm(_AgencyChoiceMixin, forms.Form):
    agency = forms.ModelChoiceField(Agency.objects.none(), label="Cơ quan nhận")
    file = forms.FileField(
        label="Tệp văn bản (PDF)",
        required=False,
        help_text="Văn bản điện tử hoặc bản quét; để trống nếu chỉ vào sổ văn bản giấy.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    doc_type = forms.ModelChoiceField(
        DocumentType.objects.filter(is_active=True), label="Loại văn bản", to_field_name="code"
    )
    original_symbol = forms.CharField(label="Số, ký hiệu văn bản", max_length=80, required=False)
    issued_on = forms.DateField(label="Ngày văn bản", required=False, widget=DATE_WIDGET)
    issuing_agency_name = forms.CharField(label="Cơ quan ban hành", max_length=200)
    summary = forms.CharField(
        label="Trích yếu nội dung", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    signer_name = forms.CharField(label="Người ký", max_length=150, required=False)
    urgency = forms.ChoiceField(label="Độ khẩn", choices=Urgency.choices, initial=Urgency.NORMAL)
    confidentiality = forms.ChoiceField(
        label="Độ mật", choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )
    deadline = forms.DateField(label="Hạn xử lý", required=False, widget=DATE_WIDGET)
    leader = forms.ChoiceField(label="Trình lãnh đạo", required=False)

    def set_leaders(self, leaders: list[Any]) -> None:
        field = self.fields["leader"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "— chưa chọn —")] + [
                (str(u.pk), u.get_full_name()) for u in leaders
            ]


class DraftForm(_AgencyChoiceMixin, forms.Form):
    agency = forms.ModelChoiceField(Agency.objects.none(), label="Cơ quan ban hành")
    doc_type = forms.ModelChoiceField(
        DocumentType.objects.filter(is_active=True), label="Loại văn bản", to_field_name="code"
    )
    summary = forms.CharField(
        label="Trích yếu nội dung", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    drafting_unit = forms.CharField(
        label="Đơn vị soạn thảo (viết tắt)",
        max_length=20,
        required=False,
        help_text="Bắt buộc với công văn, ví dụ VP → số ký hiệu 05/UBND-VP.",
    )
    body = forms.CharField(
        label="Nội dung",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Hệ thống tạo tệp PDF theo thể thức Nghị định 30 nếu không tải dự thảo lên.",
    )
    file = forms.FileField(
        label="Hoặc tải dự thảo PDF",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    attachments = forms.FileField(
        label="Phụ lục, tài liệu kèm theo (PDF)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    signing_authority = forms.CharField(
        label="Thẩm quyền ký", max_length=60, required=False, initial="TM. ỦY BAN NHÂN DÂN"
    )
    signer_title = forms.CharField(
        label="Chức vụ người ký", max_length=150, required=False, initial="CHỦ TỊCH"
    )
    signer_name = forms.CharField(label="Họ tên người ký", max_length=150, required=False)
    urgency = forms.ChoiceField(label="Độ khẩn", choices=Urgency.choices, initial=Urgency.NORMAL)
    confidentiality = forms.ChoiceField(
        label="Độ mật", choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )
    recipients = forms.ModelMultipleChoiceField(
        Agency.objects.filter(is_active=True),
        label="Nơi nhận trên nền tảng",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    recipients_text = forms.CharField(
        label="Nơi nhận khác (mỗi dòng một nơi)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reply_to = forms.IntegerField(widget=forms.HiddenInput(), required=False)


class ActionForm(forms.Form):
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    role = forms.ChoiceField(label="Vai trò", choices=AssignmentRole.choices)
    unit = forms.ModelChoiceField(
        Agency.objects.filter(is_active=True), label="Đơn vị", required=False
    )
    user = forms.ChoiceField(label="Hoặc cán bộ", required=False)
    deadline_days = forms.IntegerField(
        label="Thời hạn (ngày làm việc)", min_value=0, max_value=365, required=False
    )
    instruction = forms.CharField(
        label="Ý kiến chỉ đạo", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def set_people(self, people: list[Any]) -> None:
        field = self.fields["user"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "— không —")] + [(str(u.pk), u.get_full_name()) for u in people]


class OpinionForm(forms.Form):
    text = forms.CharField(label="Ý kiến xử lý", widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    result = forms.CharField(
        label="Kết quả xử lý", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="Từ khoá", required=False, max_length=200)
    type = forms.ModelChoiceField(
        DocumentType.objects.filter(is_active=True),
        label="Loại văn bản",
        required=False,
        to_field_name="code",
        empty_label="Tất cả loại",
    )
    direction = forms.ChoiceField(
        label="Đến/đi", required=False, choices=[("", "Đến và đi"), *Direction.choices]
    )
    status = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("", "Mọi trạng thái"), *DocumentStatus.choices],
    )
    date_from = forms.DateField(label="Từ ngày", required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label="Đến ngày", required=False, widget=DATE_WIDGET)


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp")
