#!/usr/bin/env python
"""Benchmark: the dossier demo history and the back-office API over it.

Builds a scratch SQLite database (``/tmp/congso_bench_dossiers.sqlite3``, reused when it holds
the history), loads the demo agencies, accounts, catalogue and dossier history through
``load_demo`` and times it, then measures the API the mobile app and the one-stop desk use:

* ``GET /api/v1/dossiers/`` (first page) as the provincial clerk, who sees every dossier;
* ``GET /api/v1/dossiers/?queue=to_receive`` and ``/dossiers/queues/`` as ``motcua``;
* ``GET /api/v1/dossiers/{code}/`` (timeline, allowed actions) as ``motcua``;
* ``GET /api/v1/lookup/?code=&phone=`` (public).

Targets: the history loads in under 40 s; every request's p95 is under 150 ms.

    .venv/bin/python bench/dossiers_api.py            # reuse the database if present
    .venv/bin/python bench/dossiers_api.py --rebuild  # time the demo load again
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_PATH = "/tmp/congso_bench_dossiers.sqlite3"  # noqa: S108 - a scratch benchmark database
TARGET_LOAD_S = 40.0
TARGET_P95_MS = 150.0


def setup_django(rebuild: bool) -> None:
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(SQLITE_PATH + suffix).unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
    os.environ["CONGSO_TESTING"] = "1"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["SQLITE_PATH"] = SQLITE_PATH
    os.environ["MEDIA_ROOT"] = "/tmp/congso_bench_dossiers_media"  # noqa: S108
    import django

    django.setup()


def load() -> float | None:
    from django.core.management import call_command

    from congso.dossiers.models import Dossier

    call_command("migrate", verbosity=0)
    if Dossier.objects.count() > 1000:
        return None
    with Path(os.devnull).open("w") as devnull:
        call_command("load_demo", only=["agencies", "accounts", "catalog"], stdout=devnull)
    from congso.dossiers import demo

    started, cpu = time.monotonic(), time.process_time()
    demo.load(stdout=sys.stdout)
    print(
        "CPU time of the load: %.1f s (wall time includes waiting for other processes)"
        % (time.process_time() - cpu)
    )
    return time.monotonic() - started


def measure(client, url: str, runs: int = 40) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    timings = []
    status = 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    setup_django(args.rebuild)
    load_seconds = load()

    from django.test.utils import setup_test_environment

    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from congso.accounts.models import User
    from congso.dossiers.models import Dossier

    setup_test_environment()

    def client_for(username: str) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
        client.credentials(HTTP_AUTHORIZATION="Bearer " + token.key)
        return client

    total = Dossier.objects.count()
    sample = Dossier.objects.filter(agency__slug="phuong-vi-thanh", status="returned").first()
    assert sample is not None
    clerk, motcua = client_for("vanthu"), client_for("motcua")
    rows = [
        ("list, province clerk (page 1)", clerk, "/api/v1/dossiers/"),
        (
            "list, filtered by agency+dates",
            clerk,
            "/api/v1/dossiers/?agency=phuong-vi-thanh&received_from=2026-01-01&received_to=2026-06-30",
        ),
        ("queue to_receive, motcua", motcua, "/api/v1/dossiers/?queue=to_receive"),
        ("queue counts, motcua", motcua, "/api/v1/dossiers/queues/"),
        ("detail with timeline, motcua", motcua, "/api/v1/dossiers/%s/" % sample.code),
        (
            "public lookup",
            APIClient(),
            "/api/v1/lookup/?code=%s&phone=%s" % (sample.code, sample.applicant_phone),
        ),
    ]
    print("Dossiers in the database: %d" % total)
    ok = True
    if load_seconds is not None:
        verdict = "OK" if load_seconds < TARGET_LOAD_S else "SLOW"
        ok &= load_seconds < TARGET_LOAD_S
        print(
            "Demo history load: %.1f s (target < %.0f s) %s"
            % (load_seconds, TARGET_LOAD_S, verdict)
        )
    print("%-36s %8s %8s %6s" % ("request", "p50 ms", "p95 ms", "HTTP"))
    from django.core.cache import cache

    for label, client, url in rows:
        cache.clear()  # the public lookup is rate-limited per address
        p50, p95, status = measure(client, url, runs=25 if "lookup" in label else 40)
        ok &= p95 < TARGET_P95_MS and status == 200
        print("%-36s %8.1f %8.1f %6d" % (label, p50, p95, status))
    print("RESULT: %s" % ("OK" if ok else "FAILED (see above)"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
