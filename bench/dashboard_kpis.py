#!/usr/bin/env python
"""Benchmark: the dashboard's service KPIs for one year over N dossiers, uncached and cached.

Targets (issue 7): one year of KPIs over 1,000,000 dossiers in under 1 s on PostgreSQL without
the cache, and under 50 ms from the cache.

Usage::

    .venv/bin/python bench/dashboard_kpis.py                      # PostgreSQL, 1,000,000 dossiers
    .venv/bin/python bench/dashboard_kpis.py --backend sqlite     # SQLite, 100,000 dossiers
    .venv/bin/python bench/dashboard_kpis.py --n 200000 --rebuild
    .venv/bin/python bench/dashboard_kpis.py --no-extra-indexes   # only the dossiers' own indexes

PostgreSQL: a scratch database ``congso_bench_dashboard`` on ``BENCH_PG`` (default
``postgres://postgres@127.0.0.1:5432``) is created, migrated and filled with ``INSERT … SELECT
generate_series`` (about a minute for a million rows); it is reused on the next run when it
holds the requested number of dossiers. SQLite: ``/tmp/congso_bench_dashboard.sqlite3``, rows
inserted in batches from Python.

All dossiers are received in 2025 and handled by the demo agencies (departments and communes);
the measured period is the whole of 2025, so every KPI query covers every row — the worst case.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "congso_bench_dashboard"
SQLITE_PATH = "/tmp/congso_bench_dashboard.sqlite3"  # noqa: S108 — a scratch benchmark database

#: Indexes the KPI queries use, proposed for the dossiers model (see docs/benchmarks-dashboard.md).
EXTRA_INDEXES = {
    "postgresql": [
        # Covering index of the "received in period" query: an index-only scan per agency.
        "CREATE INDEX IF NOT EXISTS bench_dossier_recv_kpi ON dossiers_dossier "
        "(received_at) INCLUDE (agency_id, channel, procedure_id, fee_amount, payment_method, "
        "paid_at, supplement_count)",
        "CREATE INDEX IF NOT EXISTS bench_dossier_fin_kpi ON dossiers_dossier "
        "(finished_at) INCLUDE (agency_id, status, due_at, supplement_count, result_digitised, "
        "received_at, paused_hours)",
    ],
    "sqlite": [
        "CREATE INDEX IF NOT EXISTS bench_dossier_recv_kpi ON dossiers_dossier "
        "(received_at, agency_id, channel, procedure_id, fee_amount, payment_method, paid_at, "
        "supplement_count)",
        "CREATE INDEX IF NOT EXISTS bench_dossier_fin_kpi ON dossiers_dossier "
        "(finished_at, agency_id, status, due_at, supplement_count, result_digitised, "
        "received_at, paused_hours)",
    ],
}


def _postgres_reachable() -> bool:
    try:
        import psycopg

        base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(base + "/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


def setup_django(backend: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
    os.environ["CONGSO_TESTING"] = "1"  # a development SECRET_KEY; nothing else changes
    os.environ.pop("REDIS_URL", None)
    if backend == "postgres":
        base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        import psycopg

        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]
            ).fetchone()
            if not exists:
                conn.execute("CREATE DATABASE %s" % DB_NAME)
        os.environ["DATABASE_URL"] = "%s/%s" % (base, DB_NAME)
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = SQLITE_PATH
    import django

    django.setup()


HOURS_MIGRATION = ("dossiers", "0002_working_hours_used")


def _add_hours_column_by_sql() -> bool:
    """On a database filled before ``Dossier.working_hours_used`` existed: add the column here
    and mark its migration applied, so that ``migrate`` does not backfill a million rows one
    dossier at a time in Python; :func:`fill_working_hours` then fills it with one UPDATE."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    applied = recorder.applied_migrations()
    if HOURS_MIGRATION in applied or ("dossiers", "0001_initial") not in applied:
        return False
    if ("core", "0002_audit_event_time") not in applied:
        return False
    column_type = "double precision" if connection.vendor == "postgresql" else "real"
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE dossiers_dossier ADD COLUMN working_hours_used %s NULL" % column_type
        )
    recorder.record_applied(*HOURS_MIGRATION)
    return True


def fill_working_hours() -> None:
    """``working_hours_used`` of every decided dossier in ONE UPDATE, by the per-day formula of
    ``congso.dashboard.kpis._processing_hours``: with the fixed UTC offset, the working-hour
    position of a moment is ``P(t) = H(day) + Σ active_i(day) · (clamp(s, a_i, b_i) − a_i)``,
    and ``working_hours_between(r, f) = P(f) − P(r)``. ``H`` and ``active`` come from a
    temporary calendar table built in Python with ``core.workdays`` (holidays, make-up days),
    so the stored hours are exactly ``working_hours_between(received_at, finished_at) −
    paused_hours`` in ``OFFICE_HOURS`` (the bench agencies have no office hours of their own).
    """
    from django.db import connection

    from congso.core import workdays
    from congso.dashboard import kpis

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(received_at), MAX(finished_at) FROM dossiers_dossier "
            "WHERE finished_at IS NOT NULL AND received_at IS NOT NULL"
        )
        first, last = cursor.fetchone()
    if first is None:
        return
    if isinstance(first, str):  # SQLite without type conversion on a raw cursor
        first, last = (dt.datetime.fromisoformat(v).replace(tzinfo=dt.UTC) for v in (first, last))
    offset = kpis._fixed_offset(first, last)
    assert offset is not None, "the bench needs a time zone without daylight saving"
    hours = workdays.office_hours()
    intervals = [
        (t1.hour * 3600 + t1.minute * 60, t2.hour * 3600 + t2.minute * 60)
        for t1, t2 in hours.intervals
    ]
    first_day = (int(first.timestamp()) + offset) // 86400 - 1
    last_day = (int(last.timestamp()) + offset) // 86400 + 1
    calendar = kpis._calendar(first_day, last_day, offset, hours.intervals)
    if connection.vendor == "postgresql":
        secs = "(date_part('epoch', d.{col}) + %d)" % offset
        day = "CAST(FLOOR(%s / 86400.0) AS INTEGER)"
        least, greatest = "LEAST", "GREATEST"
    else:
        secs = "((julianday(d.{col}) - 2440587.5) * 86400.0 + %d)" % offset
        day = "CAST(%s / 86400.0 AS INTEGER)"
        least, greatest = "MIN", "MAX"

    def position(alias: str, col: str) -> str:
        s = secs.format(col=col)
        parts = [
            "%s.a%d * (%s(%s(%s - %s.day * 86400.0, %d), %d) - %d)"
            % (alias, i, least, greatest, s, alias, a, b, a)
            for i, (a, b) in enumerate(intervals)
        ]
        return "(%s.before + (%s) / 3600.0)" % (alias, " + ".join(parts))

    active = ", ".join("a%d integer NOT NULL" % i for i in range(len(intervals)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_workcal")
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_workcal (day integer PRIMARY KEY, "
            "before double precision NOT NULL, %s)" % active
        )
        cursor.executemany(
            "INSERT INTO bench_workcal VALUES (%s)"  # noqa: S608 — placeholders only
            % ", ".join(["%s"] * (2 + len(intervals))),
            [(number, before, *map(int, on)) for number, (before, on) in calendar.items()],
        )
        # Only integers and generated column names are formatted into the statement.
        update = (  # noqa: S608
            "UPDATE dossiers_dossier AS d SET working_hours_used = "
            "{pf} - {pr} - d.paused_hours FROM bench_workcal cr, bench_workcal cf "
            "WHERE d.finished_at IS NOT NULL AND d.received_at IS NOT NULL "
            "AND cr.day = {rd} AND cf.day = {fd}"
        ).format(
            pf=position("cf", "finished_at"),
            pr=position("cr", "received_at"),
            rd=day % secs.format(col="received_at"),
            fd=day % secs.format(col="finished_at"),
        )
        cursor.execute(update)
        cursor.execute("DROP TABLE bench_workcal")


def check_working_hours(sample: int = 2000) -> float:
    """Largest difference (hours) between the stored value and ``working_hours_between`` −
    ``paused_hours`` over a random sample of decided dossiers."""
    from congso.core import workdays
    from congso.dossiers.models import Dossier

    ids = list(
        Dossier.objects.filter(finished_at__isnull=False, received_at__isnull=False)
        .order_by("?")
        .values_list("id", flat=True)[:sample]
    )
    worst = 0.0
    for r, f, paused, used in Dossier.objects.filter(id__in=ids).values_list(
        "received_at", "finished_at", "paused_hours", "working_hours_used"
    ):
        assert r is not None
        assert f is not None
        expected = workdays.working_hours_between(r, f) - paused
        worst = max(worst, abs((used if used is not None else float("inf")) - expected))
    return worst


def prepare(n: int, rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    added = _add_hours_column_by_sql()
    call_command("migrate", verbosity=0)
    from congso.agencies import demo as agencies_demo
    from congso.dossiers.models import Dossier

    agencies_demo.load()
    have = Dossier.objects.count()
    if have == n and not rebuild:
        print("Dữ liệu có sẵn: %s hồ sơ (dùng lại; --rebuild để tạo lại)" % f"{have:,}")
        if (
            added
            or Dossier.objects.filter(
                finished_at__isnull=False,
                received_at__isnull=False,
                working_hours_used__isnull=True,
            ).exists()
        ):
            started = time.perf_counter()
            from django.db import transaction

            with transaction.atomic():
                fill_working_hours()
            if connection.vendor == "postgresql":
                # The UPDATE left a dead copy of every decided row: rewrite the table so the
                # scans measure what a freshly filled one costs.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM FULL dossiers_dossier")
                    cursor.execute("VACUUM ANALYZE dossiers_dossier")
            else:
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM")
                    cursor.execute("ANALYZE")
            print("Điền working_hours_used (1 UPDATE): %.1f s" % (time.perf_counter() - started))
        print("Kiểm tra mẫu 2.000 hồ sơ: lệch tối đa %.2e giờ" % check_working_hours())
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dossiers_rating")
        cursor.execute("DELETE FROM dossiers_dossier")
    procs = _procedures()
    from congso.agencies.models import Agency

    agencies = list(
        Agency.objects.filter(kind__in=["department", "commune", "service_center"]).values_list(
            "id", flat=True
        )
    )
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _fill_postgres(n, procs, agencies)
        else:
            _fill_sqlite(n, procs, agencies)
        # As the dossier services store it at the decision.
        fill_working_hours()
    if connection.vendor == "postgresql":
        # As autovacuum would: statistics and the visibility map (index-only scans need it).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE dossiers_dossier")
            cursor.execute("VACUUM ANALYZE dossiers_rating")
    print("Tạo %s hồ sơ: %.1f s" % (f"{n:,}", time.perf_counter() - started))
    print("Kiểm tra mẫu 2.000 hồ sơ: lệch tối đa %.2e giờ" % check_working_hours())


def _procedures() -> list[int]:
    from congso.catalog.models import Field, Procedure

    field, _ = Field.objects.get_or_create(slug="bench", defaults={"name": "Đo hiệu năng"})
    ids = []
    for i, level in enumerate(["full", "partial", "full", "partial"]):
        p, _ = Procedure.objects.update_or_create(
            code="BENCH-%d" % i,
            defaults={
                "name": "Thủ tục đo hiệu năng %d" % i,
                "field": field,
                "level": "commune",
                "competent_agency": "UBND cấp xã",
                "processing_time_value": 5,
                "result": "Kết quả",
                "legal_basis": [],
                "online_level": level,
            },
        )
        ids.append(p.pk)
    return ids


COLUMNS = (
    "code, procedure_id, agency_id, receiving_agency_id, channel, status, rule_set, applicant_kind, "
    "applicant_name, applicant_personal_id, applicant_phone, applicant_email, applicant_address, "
    "organisation_name, organisation_tax_code, form_data, created_at, submitted_at, received_at, "
    "due_at, original_due_at, due_soon_at, finished_at, returned_at, withdrawn_at, paused_at, "
    "paused_hours, supplement_count, updated_at, fee_amount, paid_at, payment_method, "
    "payment_reference, result_digitised, rejection_reason, is_late_flag"
)


def _fill_postgres(n: int, procs: list[int], agencies: list[int]) -> None:
    from django.db import connection

    # Only integers and ids from the database are formatted into the statement.
    template = """
    WITH s AS (
      SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
             random() r7, random() r8,
             timestamptz '2025-01-01 07:00+07' + floor(random() * 365) * interval '1 day'
               + random() * interval '10 hours' AS rec
      FROM generate_series(1, %(n)s) g
    ), t AS (
      SELECT s.*,
        rec + (3 + floor(r4 * 12)) * interval '1 day' AS due,
        CASE WHEN r2 < 0.05 THEN 'withdrawn' WHEN r2 < 0.12 THEN 'in_progress'
             WHEN r3 < 0.08 THEN 'rejected' WHEN r3 < 0.4 THEN 'approved' ELSE 'returned' END AS st
      FROM s
    )
    INSERT INTO dossiers_dossier ({columns})
    SELECT 'BENCH-' || g,
      (ARRAY{procs}::bigint[])[1 + (g %% {nprocs})],
      (ARRAY{agencies}::bigint[])[1 + (g %% {nagencies})],
      (ARRAY{agencies}::bigint[])[1 + (g %% {nagencies})],
      CASE WHEN r1 < 0.6 THEN 'online' ELSE 'counter' END,
      st, '118/2025', 'person', 'Người nộp ' || g, '', '', '', '', '', '', '{{}}'::jsonb,
      rec, rec, rec, due, due, rec + (due - rec) * 0.8,
      CASE WHEN st IN ('approved', 'rejected', 'returned') THEN rec + (due - rec) * (0.2 + r5 * 0.9) END,
      CASE WHEN st = 'returned' THEN rec + (due - rec) * (0.2 + r5 * 0.9) + interval '1 day' END,
      CASE WHEN st = 'withdrawn' THEN rec + interval '1 day' END,
      NULL,
      CASE WHEN r6 < 0.1 THEN 8.0 ELSE 0 END,
      CASE WHEN r6 < 0.1 THEN 1 WHEN r6 < 0.11 THEN 2 ELSE 0 END,
      rec,
      CASE WHEN r7 < 0.4 THEN 20000 ELSE 0 END,
      CASE WHEN r7 < 0.4 AND r8 < 0.8 THEN rec END,
      CASE WHEN r7 < 0.4 AND r8 < 0.5 THEN 'online' WHEN r7 < 0.4 AND r8 < 0.8 THEN 'counter' ELSE '' END,
      '', r8 < 0.7, '', r5 > 0.888
    FROM t
    """
    sql = template.format(
        columns=COLUMNS,
        procs=str(procs),
        nprocs=len(procs),
        agencies=str(agencies),
        nagencies=len(agencies),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"n": n})
        cursor.execute(
            "INSERT INTO dossiers_rating (dossier_id, score, satisfied, comment, rated_at) "
            "SELECT id, 1 + (id %% 5), (1 + (id %% 5)) >= 4, '', returned_at + interval '1 hour' "
            "FROM dossiers_dossier WHERE status = 'returned' AND id %% 3 = 0",
            [],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dossiers_dossier")
        cursor.execute("ANALYZE dossiers_rating")


def _fill_sqlite(n: int, procs: list[int], agencies: list[int]) -> None:
    from django.db import connection

    rng = random.Random(766)
    utc = dt.UTC
    start = dt.datetime(2025, 1, 1, 0, 0, tzinfo=utc)
    placeholders = ", ".join(["%s"] * len(COLUMNS.split(",")))
    sql = "INSERT INTO dossiers_dossier (%s) VALUES (%s)" % (COLUMNS, placeholders)  # noqa: S608
    batch = []

    def fmt(value: dt.datetime | None) -> str | None:
        return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S.%f")

    with connection.cursor() as cursor:
        for g in range(1, n + 1):
            r = [rng.random() for _ in range(8)]
            rec = start + dt.timedelta(days=rng.randrange(365), hours=rng.random() * 10)
            due = rec + dt.timedelta(days=3 + int(r[3] * 12))
            st = (
                "withdrawn"
                if r[1] < 0.05
                else "in_progress"
                if r[1] < 0.12
                else "rejected"
                if r[2] < 0.08
                else "approved"
                if r[2] < 0.4
                else "returned"
            )
            fin = (
                rec + (due - rec) * (0.2 + r[4] * 0.9)
                if st in ("approved", "rejected", "returned")
                else None
            )
            fee = 20000 if r[6] < 0.4 else 0
            batch.append(
                (
                    "BENCH-%d" % g,
                    procs[g % len(procs)],
                    agencies[g % len(agencies)],
                    agencies[g % len(agencies)],
                    "online" if r[0] < 0.6 else "counter",
                    st,
                    "118/2025",
                    "person",
                    "Người nộp %d" % g,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "{}",
                    fmt(rec),
                    fmt(rec),
                    fmt(rec),
                    fmt(due),
                    fmt(due),
                    fmt(rec + (due - rec) * 0.8),
                    fmt(fin),
                    fmt(fin + dt.timedelta(days=1)) if st == "returned" and fin else None,
                    fmt(rec + dt.timedelta(days=1)) if st == "withdrawn" else None,
                    None,
                    8.0 if r[5] < 0.1 else 0.0,
                    1 if r[5] < 0.1 else 2 if r[5] < 0.11 else 0,
                    fmt(rec),
                    fee,
                    fmt(rec) if fee and r[7] < 0.8 else None,
                    "online" if fee and r[7] < 0.5 else "counter" if fee and r[7] < 0.8 else "",
                    "",
                    r[7] < 0.7,
                    "",
                    r[4] > 0.888,
                )
            )
            if len(batch) == 20000:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
        cursor.execute(
            "INSERT INTO dossiers_rating (dossier_id, score, satisfied, comment, rated_at) "
            "SELECT id, 1 + (id %% 5), (1 + (id %% 5)) >= 4, '', returned_at "
            "FROM dossiers_dossier WHERE status = 'returned' AND id %% 3 = 0",
            [],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def extra_indexes(create: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if create:
            for statement in EXTRA_INDEXES[connection.vendor]:
                cursor.execute(statement)
            cursor.execute("ANALYZE dossiers_dossier")
        else:
            for name in ("bench_dossier_recv_kpi", "bench_dossier_fin_kpi"):
                cursor.execute("DROP INDEX IF EXISTS %s" % name)


def _backend_cpu_seconds() -> float:
    """CPU time used so far by this connection's PostgreSQL backend process (from /proc)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def measure(runs: int) -> dict[str, float]:
    from django.core.cache import cache
    from django.db import connection

    from congso.agencies.models import Agency
    from congso.dashboard import kpis
    from congso.dossiers.models import Dossier

    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    lo, hi = kpis.period_bounds(start, end)
    timings, counts_part, time_part = [], [], []
    report = None
    for _ in range(runs):
        t = time.perf_counter()
        report = kpis.compute_kpis(start=start, end=end, agency_ids=None, use_cache=False)
        timings.append(time.perf_counter() - t)
        with kpis._analytic_session():
            t = time.perf_counter()
            kpis._counts_and_hours(None, lo, hi, hi)
            counts_part.append(time.perf_counter() - t)
            # The former second pass (average processing time from the timestamps), kept as
            # the fallback for dossiers without stored hours: not run by compute_kpis here.
            resolved = Dossier.objects.filter(
                status__in=kpis.RESOLVED_STATUSES, finished_at__gte=lo, finished_at__lt=hi
            )
            t = time.perf_counter()
            kpis._processing_hours(resolved, lo, hi)
            time_part.append(time.perf_counter() - t)
    assert report is not None
    cpu = {}
    if connection.vendor == "postgresql" and Path("/proc/self/stat").exists():
        # Load-independent figure: CPU seconds of the database backend and of Python for one
        # computation with parallel workers off (all work in the one backend process).
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        db0, py0 = _backend_cpu_seconds(), time.process_time()
        kpis.compute_kpis(start=start, end=end, agency_ids=None, use_cache=False)
        cpu = {"cpu_db": _backend_cpu_seconds() - db0, "cpu_py": time.process_time() - py0}
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")
    trend = []
    for _ in range(max(1, runs // 2)):
        t = time.perf_counter()
        kpis.monthly_trend(start=start, end=end, agency_ids=None, use_cache=False)
        trend.append(time.perf_counter() - t)
    dept = Agency.objects.get(slug="so-tu-phap")
    one = []
    for _ in range(runs):
        t = time.perf_counter()
        kpis.compute_kpis(start=start, end=end, agency_ids=[dept.pk], use_cache=False)
        one.append(time.perf_counter() - t)
    cache.clear()
    kpis.compute_kpis(start=start, end=end, agency_ids=None)  # fills the cache
    cached = []
    for _ in range(50):
        t = time.perf_counter()
        kpis.compute_kpis(start=start, end=end, agency_ids=None)
        cached.append(time.perf_counter() - t)
    c = report.totals
    print(
        "  Kết quả 2025: tiếp nhận %s, đã giải quyết %s, đúng hạn %.1f %%, đang giải quyết %s, "
        "TB %.2f ngày làm việc"
        % (
            f"{c.received:,}",
            f"{c.resolved:,}",
            100 * (kpis.on_time_rate(c) or 0),
            f"{c.in_progress:,}",
            report.avg_processing_days or 0,
        )
    )
    return {
        "uncached_first": timings[0],
        "uncached_median": statistics.median(timings),
        "counts_median": statistics.median(counts_part),
        "time_median": statistics.median(time_part),
        "one_agency_median": statistics.median(one),
        "trend_median": statistics.median(trend),
        "cached_median": statistics.median(cached),
        "cached_p95": sorted(cached)[int(len(cached) * 0.95) - 1],
        "load": os.getloadavg()[0],
        **cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--n", type=int, default=None, help="số hồ sơ (mặc định 1.000.000 PG, 100.000 SQLite)"
    )
    parser.add_argument("--rebuild", action="store_true", help="tạo lại dữ liệu")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-extra-indexes", action="store_true", help="không tạo chỉ mục đề xuất")
    args = parser.parse_args()
    backend = args.backend
    if backend == "postgres" and not _postgres_reachable():
        print("PostgreSQL không kết nối được (BENCH_PG); đo trên SQLite với 100.000 hồ sơ.")
        backend = "sqlite"
    n = args.n or (1_000_000 if backend == "postgres" else 100_000)
    setup_django(backend)
    from django.db import connection

    print("Công Số — đo hiệu năng chỉ số điều hành (%s, %s hồ sơ)" % (connection.vendor, f"{n:,}"))
    prepare(n, args.rebuild)
    results = {}
    extra_indexes(False)
    results["không có chỉ mục đề xuất"] = measure(args.runs)
    if not args.no_extra_indexes:
        extra_indexes(True)
        results["có chỉ mục đề xuất"] = measure(args.runs)
    target_cold, target_cached = (1.0, 0.05)
    for label, r in results.items():
        print("\n%s:" % label)
        print("  KPI cả năm, không cache, lần đầu:   %7.0f ms" % (r["uncached_first"] * 1000))
        print(
            "  KPI cả năm, không cache, trung vị:  %7.0f ms  (mục tiêu < %d ms%s)"
            % (
                r["uncached_median"] * 1000,
                target_cold * 1000,
                "" if connection.vendor == "postgresql" else ", mục tiêu đặt cho PostgreSQL",
            )
        )
        print(
            "    trong đó số đếm + giờ giải quyết (1 lượt quét): %7.0f ms"
            % (r["counts_median"] * 1000)
        )
        print(
            "  (lượt thứ hai cũ tính từ mốc thời gian, nay không chạy: %7.0f ms)"
            % (r["time_median"] * 1000)
        )
        if "cpu_db" in r:
            print(
                "  CPU cho một lần tính (không song song): CSDL %.0f ms + Python %.0f ms"
                % (r["cpu_db"] * 1000, r["cpu_py"] * 1000)
            )
        print("  KPI một sở, không cache, trung vị:  %7.0f ms" % (r["one_agency_median"] * 1000))
        print("  Xu hướng 12 tháng, không cache:     %7.0f ms" % (r["trend_median"] * 1000))
        print(
            "  KPI cả năm từ cache, trung vị:      %7.2f ms  (p95 %.2f ms; mục tiêu < %d ms)"
            % (r["cached_median"] * 1000, r["cached_p95"] * 1000, target_cached * 1000)
        )
        print(
            "  Tải máy (load average 1 phút) khi đo: %.1f trên %d lõi"
            % (r["load"], os.cpu_count() or 1)
        )


if __name__ == "__main__":
    main()
