"""Gap-free yearly numbering under concurrency."""

from __future__ import annotations

import threading

from django.db import connection, connections, transaction

import pytest

from congso.core.numbering import next_number, peek_number


@pytest.mark.django_db
def test_numbers_are_consecutive_per_scope_and_restart_each_year() -> None:
    assert [next_number("book-a", 2026) for _ in range(3)] == [1, 2, 3]
    assert next_number("book-b", 2026) == 1
    assert next_number("book-a", 2027) == 1
    assert peek_number("book-a", 2026) == 3


@pytest.mark.django_db
def test_a_rolled_back_allocation_gives_its_number_back() -> None:
    next_number("book-r", 2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number("book-r", 2026) == 2
        raise RuntimeError("issuance failed")
    assert next_number("book-r", 2026) == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="cần PostgreSQL để thử đồng thời")
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_allocations_on_postgresql_are_distinct_and_consecutive() -> None:
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                with transaction.atomic():
                    number = next_number("concurrent", 2026)
                with lock:
                    results.append(number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == list(range(1, 51))
