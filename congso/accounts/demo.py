"""Demo accounts (password ``congso-demo``), created only by ``load_demo``."""

from __future__ import annotations

from congso.accounts.models import User
from congso.agencies.demo import DEMO_COMMUNE
from congso.agencies.models import Agency, Membership, Role

DEMO_PASSWORD = "congso-demo"  # noqa: S105 - documented demo password

#: username, full name, personal id, phone, kind, [(agency slug, role, title)]
ACCOUNTS = [
    ("congdan", "Nguyễn Văn An", "093095001234", "0912345678", User.Kind.CITIZEN, []),
    ("congdan2", "Trần Thị Bích Ngọc", "093192004567", "0987654321", User.Kind.CITIZEN, []),
    (
        "motcua",
        "Lê Thị Hồng",
        "093188007890",
        "0901000001",
        User.Kind.OFFICER,
        [(DEMO_COMMUNE, Role.RECEPTIONIST, "Công chức Bộ phận Một cửa")],
    ),
    (
        "chuyenvien",
        "Phạm Minh Tuấn",
        "093090003456",
        "0901000002",
        User.Kind.OFFICER,
        [(DEMO_COMMUNE, Role.SPECIALIST, "Công chức Tư pháp - Hộ tịch")],
    ),
    (
        "lanhdao",
        "Võ Thanh Hải",
        "093078009012",
        "0901000003",
        User.Kind.OFFICER,
        [(DEMO_COMMUNE, Role.LEADER, "Phó Chủ tịch UBND phường")],
    ),
    (
        "vanthu",
        "Huỳnh Ngọc Mai",
        "093185002345",
        "0901000004",
        User.Kind.OFFICER,
        [
            ("vp-ubnd", Role.CLERK, "Văn thư Văn phòng UBND tỉnh"),
            ("ubnd-tinh", Role.CLERK, "Văn thư UBND tỉnh"),
        ],
    ),
    ("admin", "Quản trị hệ thống", "", "0901000000", User.Kind.OFFICER, []),
]


def load(stdout=None) -> None:  # type: ignore[no-untyped-def]
    for username, full_name, personal_id, phone, kind, memberships in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
        user.full_name = full_name
        user.personal_id = personal_id
        user.phone = phone
        user.kind = kind
        user.email = "%s@demo.congso.local" % username
        if username == "admin":
            user.is_staff = user.is_superuser = True
        elif kind == User.Kind.OFFICER:
            user.is_staff = False
        user.save()
        for slug, role, title in memberships:
            agency = Agency.objects.get(slug=slug)
            Membership.objects.update_or_create(
                user=user, agency=agency, role=role, defaults={"title": title}
            )
    if stdout:
        stdout.write(
            "  tài khoản demo: %s (mật khẩu %s)\n"
            % (", ".join(a[0] for a in ACCOUNTS), DEMO_PASSWORD)
        )
