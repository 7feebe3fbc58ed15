"""The dashboard API: KPIs and indicators, access and input errors."""

from __future__ import annotations

import pytest

from congso.dashboard import demo

pytestmark = pytest.mark.django_db

URL = "/api/v1/dashboard/kpis/"


def test_kpis_for_a_period_and_agency(api_as, kpi_world):
    response = api_as("lanhdao").get(URL, {"from": "01/03/2026", "to": "2026-03-31"})
    assert response.status_code == 200
    data = response.json()
    assert data["agency"] == "phuong-vi-thanh"  # a leader's own agency by default
    assert data["counts"]["received"] == 8
    assert data["counts"]["resolved"] == 5
    assert data["counts"]["resolved_on_time"] == 2
    assert data["counts"]["in_progress_overdue"] == 1
    kpis = {k["key"]: k for k in data["kpis"]}
    on_time = kpis["on_time_rate"]
    assert on_time["value"] == pytest.approx(on_time["numerator"] / on_time["denominator"])
    assert (on_time["numerator"], on_time["denominator"]) == (2, 5)
    assert data["avg_processing_days"] == pytest.approx(158.5 / 5 / 8.5)
    scores = {s["key"]: s for s in data["scores_766"]}
    assert scores["transparency"]["points"] is None
    assert data["max_points_766_computable"] == 82
    assert data["period_from"] == "2026-03-01"


def test_admin_sees_the_province_and_any_agency_subtree(api_as, kpi_world):
    client = api_as("admin")
    whole = client.get(URL, {"from": "01/03/2026", "to": "31/03/2026"}).json()
    assert whole["agency"] is None and whole["counts"]["received"] == 9
    dept = client.get(URL, {"from": "01/03/2026", "to": "31/03/2026", "agency": "so-tu-phap"})
    assert dept.json()["counts"]["received"] == 1
    province = client.get(URL, {"from": "01/03/2026", "to": "31/03/2026", "agency": "ubnd-tinh"})
    assert province.json()["counts"]["received"] == 9  # the whole tree


@pytest.mark.parametrize(
    "params",
    [
        {"from": "31/02/2026"},
        {"from": "hôm qua"},
        {"from": "01/04/2026", "to": "01/03/2026"},
        {"from": "01/01/2000", "to": "01/01/2026"},
        {"agency": "khong-co"},
    ],
)
def test_bad_input_is_a_400_with_a_vietnamese_message(api_as, params):
    response = api_as("admin").get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "code", "extra"}
    assert body["message"]


def test_leader_cannot_read_another_agency(api_as, kpi_world):
    assert api_as("lanhdao").get(URL, {"agency": "so-tu-phap"}).status_code == 404


@pytest.mark.parametrize("username", ["motcua", "chuyenvien", "congdan"])
def test_other_roles_are_refused(api_as, username):
    response = api_as(username).get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert api_as(username).get("/api/v1/dashboard/indicators/").status_code == 403


def test_anonymous_is_refused(api_client):
    assert api_client.get(URL).status_code in (401, 403)


def test_indicators_with_computed_comparisons(api_as):
    demo.load()
    data = api_as("lanhdao").get("/api/v1/dashboard/indicators/", {"period": "2021-H1"}).json()
    assert data["period"] == "2021-H1"
    assert data["period_label"] == "6 tháng đầu năm 2021"
    rows = {r["code"]: r for r in data["indicators"]}
    assert round(rows["grdp"]["growth_pct"], 2) == 5.99
    assert round(rows["thu-ngan-sach"]["plan_pct"], 1) == 87.0
    assert rows["thu-noi-dia"]["parent"] == "thu-ngan-sach"
    assert "2021-06" in data["periods"]
    monthly = api_as("lanhdao").get("/api/v1/dashboard/indicators/", {"period": "06/2021"}).json()
    assert all(r["is_demo"] for r in monthly["indicators"])
    assert all(r["plan_pct"] is None for r in monthly["indicators"])


def test_indicators_bad_period_is_a_400(api_as):
    response = api_as("admin").get("/api/v1/dashboard/indicators/", {"period": "2021-Q9"})
    assert response.status_code == 400
    assert "Kỳ báo cáo không hợp lệ" in response.json()["message"]
