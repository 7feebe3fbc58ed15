from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from congso.accounts import services
from congso.accounts.forms import LoginForm, RegisterForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.citizen_register(
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                personal_id=data["personal_id"],
                phone=data["phone"],
                email=data.get("email", ""),
                address=data.get("address", ""),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Đăng ký tài khoản thành công.")
            return redirect("/")
    return render(request, "accounts/register.html", {"form": form})


def lockout(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
    """Response when django-axes locks out repeated failed logins: JSON for the API."""
    from django.http import JsonResponse

    message = (
        "Bạn đã nhập sai mật khẩu quá nhiều lần. Tài khoản tạm thời bị khoá, vui lòng thử lại sau."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "code": "locked_out", "extra": {}}, status=429)
    return render(request, "accounts/locked_out.html", status=429)
