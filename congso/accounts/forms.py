from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from congso.accounts.models import User
from congso.accounts.validators import normalize_phone


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản đã bị khoá.",
    }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"


class RegisterForm(forms.ModelForm):
    password = forms.CharField(label="Mật khẩu", widget=forms.PasswordInput, min_length=8)
    password_confirm = forms.CharField(label="Nhập lại mật khẩu", widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ["username", "full_name", "personal_id", "phone", "email", "address"]
        labels = {"username": "Tên đăng nhập"}

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for name in ("full_name", "personal_id", "phone"):
            self.fields[name].required = True

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", "Hai mật khẩu không khớp.")
        return data
