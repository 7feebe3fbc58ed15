"""Each KPI against a hand-computed fixture (see conftest.kpi_world for the dossiers).

March 2026 at phường Vị Thanh, office hours 07:00–11:30 and 13:00–17:00 (8.5 h a day):

====  ========  =======  ==============  =====================  =====================================
id    channel   proc.    received        finished / state       notes
====  ========  =======  ==============  =====================  =====================================
D1    online    full     02/03 09:00     04/03 10:00 approved   due 05/03: on time; fee paid online;
                                                                digitised; rated 5
D2    counter   full     02/03 14:00     06/03 09:00 returned   due 04/03: late; fee paid at counter;
                                                                rated 2
D3    online    partial  03/03 08:00     09/03 16:00 rejected   due 10/03: on time; 1 supplement
D4    online    full     04/03 10:00     12/03 11:00 approved   due 20/03 but 2 supplements ⇒ late;
                                                                paused 8 h; digitised
D5    counter   partial  10/03 09:00     in progress            due 13/03: overdue at 01/04
D6    online    full     25/03 09:00     in progress            due 10/04: on time; fee unpaid
D7    online    partial  26/02 10:00     03/03 10:00 approved   received before March; due 27/02: late
D8    online    full     05/03 09:00     withdrawn 06/03
D9    (Sở Tư pháp)       02/03 09:00     03/03 09:00 approved   outside the commune's scope
D10   counter   partial  30/03 09:00     02/04 09:00 approved   in progress at the cut-off 01/04
D11   draft                                                     never received
====  ========  =======  ==============  =====================  =====================================

Working hours from receipt to decision: D1 6.5+8.5+3 = 18; D2 3+3×8.5+2 = 30.5;
D3 7.5+3×8.5+7.5 = 40.5; D4 5.5+5×8.5+4 − 8 paused = 44; D7 5.5+8.5+8.5+3 = 25.5.
Σ = 158.5 h over 5 dossiers ⇒ 158.5 / 5 / 8.5 = 3.729 working days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from congso.agencies.models import Agency
from congso.core import workdays
from congso.dashboard import kpis

pytestmark = pytest.mark.django_db

MARCH = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}


def commune_report(world, **kw):  # type: ignore[no-untyped-def]
    ids = list(Agency.objects.subtree_of(world["commune"]).values_list("id", flat=True))
    return kpis.compute_kpis(agency_ids=ids, use_cache=False, **{**MARCH, **kw})


def test_received_counts_dossiers_received_in_the_period(kpi_world):
    c = commune_report(kpi_world).totals
    # D1 D2 D3 D4 D5 D6 D8 D10 — not D7 (February), D9 (other agency), D11 (draft).
    assert c.received == 8


def test_resolved_counts_decisions_in_the_period_including_earlier_receipts(kpi_world):
    c = commune_report(kpi_world).totals
    assert c.resolved == 5  # D1 D2 D3 D4 D7; D10 is decided in April
    assert c.rejected == 1  # D3


def test_on_time_excludes_late_and_more_than_one_supplement(kpi_world):
    report = commune_report(kpi_world)
    c = report.totals
    assert c.resolved_on_time == 2  # D1, D3
    assert c.resolved_late == 3  # D2 after due, D4 two supplements, D7 after due
    assert report.rates()["on_time_rate"] == pytest.approx(2 / 5)
    assert kpis.on_time_rate(c) == c.resolved_on_time / c.resolved


def test_in_progress_is_judged_at_the_end_of_the_period(kpi_world):
    c = commune_report(kpi_world).totals
    assert c.in_progress == 3  # D5, D6, D10 (decided after the cut-off)
    assert c.in_progress_overdue == 1  # D5
    assert c.in_progress_on_time == 2
    assert c.withdrawn == 1  # D8, not in progress


def test_in_progress_uses_now_when_the_period_reaches_today(kpi_world):
    now = kpis.period_bounds(dt.date(2026, 3, 12), dt.date(2026, 3, 12))[0].replace(hour=12)
    report = commune_report(kpi_world, end=dt.date(2026, 3, 31), now=now)
    assert report.cutoff == now
    c = report.totals
    # At 12/03 12:00: D4 still open (decided 11:00? no: 11:00 < 12:00, decided), D5 open and not
    # yet due (13/03), D8 withdrawn; open = D5 only, not overdue.
    assert c.in_progress == 1
    assert c.in_progress_overdue == 0


def test_online_and_fully_online_rates(kpi_world):
    report = commune_report(kpi_world)
    c = report.totals
    assert (c.received_online, c.received) == (5, 8)  # D1 D3 D4 D6 D8
    assert report.rates()["online_rate"] == pytest.approx(5 / 8)
    # Fully-online procedures: D1 D2 D4 D6 D8, of which online D1 D4 D6 D8.
    assert (c.received_full_online, c.received_full_procedure) == (4, 5)
    assert report.rates()["fully_online_rate"] == pytest.approx(4 / 5)


def test_online_payment_rate_over_fee_bearing_dossiers(kpi_world):
    report = commune_report(kpi_world)
    c = report.totals
    assert (c.received_fee_paid_online, c.received_fee) == (1, 3)  # D1 of D1 D2 D6
    assert report.rates()["online_payment_rate"] == pytest.approx(1 / 3)


def test_digitised_results_rate_excludes_refusals(kpi_world):
    report = commune_report(kpi_world)
    c = report.totals
    assert (c.resolved_digitised, c.resolved_with_result) == (2, 4)  # D1 D4 of D1 D2 D4 D7
    assert report.rates()["digitised_results_rate"] == pytest.approx(0.5)


def test_satisfaction_rate_from_ratings_in_the_period(kpi_world):
    report = commune_report(kpi_world)
    c = report.totals
    assert (c.ratings_satisfied, c.ratings) == (1, 2)
    assert report.rates()["satisfaction_rate"] == pytest.approx(0.5)


def test_supplement_and_rejection_rates(kpi_world):
    rates = commune_report(kpi_world).rates()
    assert rates["supplement_rate"] == pytest.approx(2 / 8)  # D3, D4
    assert rates["rejection_rate"] == pytest.approx(1 / 5)  # D3


def test_average_processing_time_in_working_days_minus_paused_time(kpi_world):
    report = commune_report(kpi_world)
    assert report.processing_hours == pytest.approx(158.5)
    assert report.avg_processing_days == pytest.approx(158.5 / 5 / 8.5)


def _store_working_hours(dossiers):  # type: ignore[no-untyped-def]
    """What the dossier services store at the decision (the fixture writes rows directly)."""
    for x in dossiers:
        x.working_hours_used = (
            workdays.working_hours_between(x.received_at, x.finished_at) - x.paused_hours
        )
        x.save(update_fields=["working_hours_used"])


@pytest.mark.parametrize("stored", [True, False], ids=["stored-hours", "legacy-rows"])
def test_average_processing_time_matches_working_days_between_per_dossier(
    kpi_world, stored, monkeypatch
):
    d = kpi_world["dossiers"]
    resolved = (d["D1"], d["D2"], d["D3"], d["D4"], d["D7"])
    if stored:
        _store_working_hours([*resolved, d["D9"], d["D10"]])

        def no_second_pass(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise AssertionError("every resolved dossier has its hours stored")

        monkeypatch.setattr(kpis, "_processing_hours", no_second_pass)
    expected = sum(
        workdays.working_days_between(x.received_at, x.finished_at) - x.paused_hours / 8.5
        for x in resolved
    )
    report = commune_report(kpi_world)
    assert report.avg_processing_days == pytest.approx(expected / 5)
    assert report.processing_hours == pytest.approx(158.5)


def test_stored_hours_are_summed_and_only_missing_ones_computed(kpi_world, monkeypatch):
    d = kpi_world["dossiers"]
    _store_working_hours([d["D1"], d["D2"]])
    # The stored figure is what counts (here deliberately not the timestamps' 18 h).
    d["D1"].working_hours_used = 20.0
    d["D1"].save(update_fields=["working_hours_used"])
    seen = []
    original = kpis._processing_hours

    def spy(qs, lo, hi):  # type: ignore[no-untyped-def]
        seen.append(sorted(qs.values_list("code", flat=True)))
        return original(qs, lo, hi)

    monkeypatch.setattr(kpis, "_processing_hours", spy)
    report = commune_report(kpi_world)
    assert seen == [sorted(x.code for x in (d["D3"], d["D4"], d["D7"]))]
    assert report.processing_hours == pytest.approx(158.5 - 18 + 20)
    assert report.avg_processing_days == pytest.approx((158.5 + 2) / 5 / 8.5)


def test_no_resolved_dossier_means_no_average(kpi_world):
    report = kpis.compute_kpis(
        start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31), agency_ids=None, use_cache=False
    )
    assert report.totals.resolved == 0
    assert report.processing_hours is None
    assert report.avg_processing_days is None


def test_slow_and_fast_processing_time_agree(kpi_world):
    from congso.dossiers.models import Dossier

    lo, hi = kpis.period_bounds(MARCH["start"], MARCH["end"])
    qs = Dossier.objects.filter(
        status__in=kpis.RESOLVED_STATUSES, finished_at__gte=lo, finished_at__lt=hi
    )
    assert kpis._processing_hours(qs, lo, hi) == pytest.approx(kpis._processing_hours_slow(qs))


def test_scores_766(kpi_world):
    scores = {s.key: s for s in commune_report(kpi_world).scores()}
    assert scores["transparency"].points is None
    # (2 on time + 3 in progress − 1 late in progress) / (5 + 3)
    assert scores["progress"].rate == pytest.approx(0.5)
    assert scores["progress"].points == pytest.approx(10)
    assert scores["online_service"].points == pytest.approx(12)  # 62.5 % ≥ 50 %
    assert scores["online_payment"].points == pytest.approx(10 / 3)
    # 100 % − (3/5 late + 1/2 dissatisfied) < 0 ⇒ 0
    assert scores["satisfaction"].points == pytest.approx(0)
    assert scores["digitisation"].points == pytest.approx(0.5 / 0.8 * 22)
    assert sum(s.max_points for s in scores.values()) == 100


def test_whole_province_includes_every_agency(kpi_world):
    report = kpis.compute_kpis(agency_ids=None, use_cache=False, **MARCH)
    assert report.totals.received == 9
    assert report.totals.resolved_on_time == 3
    assert set(report.by_agency) == {kpi_world["commune"].pk, kpi_world["dept"].pk}


def test_cache_serves_until_invalidated(kpi_world, django_assert_max_num_queries):
    kpis.invalidate_kpi_cache()
    first = kpis.compute_kpis(agency_ids=None, **MARCH)
    with django_assert_max_num_queries(1):  # only the Max(id) data-version lookup
        again = kpis.compute_kpis(agency_ids=None, **MARCH)
    assert again.totals == first.totals
    d1 = kpi_world["dossiers"]["D1"]
    d1.finished_at = d1.due_at + dt.timedelta(hours=1)
    d1.save(update_fields=["finished_at"])
    assert kpis.compute_kpis(agency_ids=None, **MARCH).totals.resolved_on_time == 3  # stale
    kpis.invalidate_kpi_cache()
    assert kpis.compute_kpis(agency_ids=None, **MARCH).totals.resolved_on_time == 2


def test_monthly_trend_agrees_with_the_report(kpi_world):
    rows = kpis.monthly_trend(
        start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 30), agency_ids=None, use_cache=False
    )
    by_month = {(r.year, r.month): r for r in rows}
    report = kpis.compute_kpis(agency_ids=None, use_cache=False, **MARCH)
    march = by_month[(2026, 3)]
    assert (march.received, march.resolved, march.resolved_on_time) == (
        report.totals.received,
        report.totals.resolved,
        report.totals.resolved_on_time,
    )
    assert by_month[(2026, 2)].received == 1  # D7
    assert by_month[(2026, 4)].resolved == 1  # D10


def test_kpi_queries_run_under_the_debug_cursor(kpi_world):
    """The SQL written by hand (month buckets, local days) survives query logging (DEBUG)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        kpis.monthly_trend(start=MARCH["start"], end=MARCH["end"], agency_ids=None, use_cache=False)
        kpis.compute_kpis(agency_ids=None, use_cache=False, **MARCH)
    assert len(ctx.captured_queries) >= 4
