"""The demo agency tree of tỉnh Hậu Giang (two-level local government since 1/7/2025).

Electronic codes follow the pattern of Decision 20/2020/QĐ-TTg with the province's code H30
(the People's Committee is ``000.00.00.H30``); the department numbers are illustrative.
"""

from __future__ import annotations

from congso.agencies.models import Agency

PROVINCE = ("ubnd-tinh", "Ủy ban nhân dân tỉnh Hậu Giang", "UBND tỉnh", "000.00.00.H30", "UBND")

#: slug, name, short name, electronic code, abbreviation, kind
DEPARTMENTS = [
    (
        "vp-ubnd",
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Văn phòng UBND tỉnh",
        "000.00.01.H30",
        "VP",
        Agency.Kind.DEPARTMENT,
    ),
    (
        "ttpvhcc",
        "Trung tâm Phục vụ hành chính công tỉnh Hậu Giang",
        "Trung tâm PVHCC tỉnh",
        "000.00.02.H30",
        "TTPVHCC",
        Agency.Kind.SERVICE_CENTER,
    ),
    ("so-tu-phap", "Sở Tư pháp", "Sở Tư pháp", "000.00.13.H30", "STP", Agency.Kind.DEPARTMENT),
    ("so-noi-vu", "Sở Nội vụ", "Sở Nội vụ", "000.00.04.H30", "SNV", Agency.Kind.DEPARTMENT),
    (
        "so-tai-chinh",
        "Sở Tài chính",
        "Sở Tài chính",
        "000.00.05.H30",
        "STC",
        Agency.Kind.DEPARTMENT,
    ),
    ("so-xay-dung", "Sở Xây dựng", "Sở Xây dựng", "000.00.06.H30", "SXD", Agency.Kind.DEPARTMENT),
    (
        "so-nn-mt",
        "Sở Nông nghiệp và Môi trường",
        "Sở NN&MT",
        "000.00.07.H30",
        "SNNMT",
        Agency.Kind.DEPARTMENT,
    ),
    (
        "so-cong-thuong",
        "Sở Công Thương",
        "Sở Công Thương",
        "000.00.08.H30",
        "SCT",
        Agency.Kind.DEPARTMENT,
    ),
    ("so-y-te", "Sở Y tế", "Sở Y tế", "000.00.09.H30", "SYT", Agency.Kind.DEPARTMENT),
    (
        "so-gd-dt",
        "Sở Giáo dục và Đào tạo",
        "Sở GD&ĐT",
        "000.00.10.H30",
        "SGDĐT",
        Agency.Kind.DEPARTMENT,
    ),
    (
        "so-vh-tt-dl",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở VHTTDL",
        "000.00.11.H30",
        "SVHTTDL",
        Agency.Kind.DEPARTMENT,
    ),
    (
        "so-kh-cn",
        "Sở Khoa học và Công nghệ",
        "Sở KH&CN",
        "000.00.12.H30",
        "SKHCN",
        Agency.Kind.DEPARTMENT,
    ),
    (
        "cong-an-tinh",
        "Công an tỉnh Hậu Giang",
        "Công an tỉnh",
        "000.00.14.H30",
        "CAT",
        Agency.Kind.DEPARTMENT,
    ),
]

#: slug, name, electronic code (communes/wards on former Hậu Giang territory, NQ 1668/NQ-UBTVQH15)
COMMUNES = [
    ("phuong-vi-thanh", "Phường Vị Thanh", "000.21.30.H30"),
    ("phuong-vi-tan", "Phường Vị Tân", "000.22.30.H30"),
    ("phuong-nga-bay", "Phường Ngã Bảy", "000.23.30.H30"),
    ("phuong-long-my", "Phường Long Mỹ", "000.24.30.H30"),
    ("xa-vi-thuy", "Xã Vị Thủy", "000.25.30.H30"),
    ("xa-chau-thanh", "Xã Châu Thành", "000.26.30.H30"),
    ("xa-thanh-xuan", "Xã Thạnh Xuân", "000.27.30.H30"),
    ("xa-phung-hiep", "Xã Phụng Hiệp", "000.28.30.H30"),
    ("xa-hoa-luu", "Xã Hỏa Lựu", "000.29.30.H30"),
    ("xa-tan-hoa", "Xã Tân Hòa", "000.30.30.H30"),
]

#: The commune whose one-stop desk the demo officers staff.
DEMO_COMMUNE = "phuong-vi-thanh"


def load(stdout=None) -> None:  # type: ignore[no-untyped-def]
    slug, name, short, code, abbr = PROVINCE
    province, _ = Agency.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "short_name": short,
            "code": code,
            "abbreviation": abbr,
            "kind": Agency.Kind.PROVINCE,
            "address": "Số 02 Đường Độc Lập, phường Vị Thanh",
            "phone": "0293 3870 000",
        },
    )
    for slug, name, short, code, abbr, kind in DEPARTMENTS:
        Agency.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "code": code,
                "abbreviation": abbr,
                "kind": kind,
                "parent": province,
            },
        )
    for slug, name, code in COMMUNES:
        Agency.objects.update_or_create(
            slug=slug,
            defaults={
                "name": "Ủy ban nhân dân %s%s" % (name[0].lower(), name[1:]),
                "short_name": name,
                "code": code,
                "abbreviation": "UBND",
                "kind": Agency.Kind.COMMUNE,
                "parent": province,
            },
        )
    if stdout:
        stdout.write("  cơ quan: %d\n" % Agency.objects.count())
