"""Account use cases."""

from __future__ import annotations

from django.db import transaction

from congso.accounts.models import User
from congso.core import audit


@transaction.atomic
def citizen_register(
    *,
    username: str,
    password: str,
    full_name: str,
    personal_id: str,
    phone: str,
    email: str = "",
    address: str = "",
) -> User:
    """Create a citizen account (công dân)."""
    user = User(
        username=username,
        full_name=full_name,
        personal_id=personal_id,
        phone=phone,
        email=email,
        address=address,
        kind=User.Kind.CITIZEN,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit.record(actor=user, obj=user, action="register", note="Công dân tự đăng ký tài khoản")
    return user
