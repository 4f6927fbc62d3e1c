"""CRM benchmark: screen-pop lookup latency, 360° view assembly, customer search and import throughput.

    .venv/bin/python bench/crm_bench.py [--customers N] [--backend sqlite|postgresql|both]

Each backend gets a fresh database (a temporary SQLite file; a throw-away PostgreSQL database
``cc_bench_<random>`` on 127.0.0.1 that is dropped afterwards), migrated and filled by the demo
generator, then measured. Figures are printed; nothing is asserted. ``--sqlite-path`` and
``--pg-url`` keep a database for the next run instead (filled up to ``--customers``, then reused);
``--lookups 0``, ``--searches 0`` or ``--import-rows 0`` skip that part (the import adds customers).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import phonenumbers
import psycopg
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crm_core.customers import CustomerService
from crm_core.db import make_engine, make_session_factory, migrate
from crm_core.demo_data import generate
from crm_core.importer import ColumnMapping, CustomerImporter
from crm_core.lookup import ScreenPop
from crm_core.models import Customer, CustomerEmail, CustomerPhone
from crm_core.search import CustomerFilter

NOW = datetime(2026, 3, 1, tzinfo=UTC)
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"


class _FixedClock:
    def now(self) -> float:
        return NOW.timestamp()


@contextmanager
def database(backend: str, keep: str | None) -> Iterator[str]:
    """A throw-away database, or the one named by ``keep`` (left in place for the next run)."""
    if keep is not None:
        yield keep if "://" in keep else f"sqlite:///{keep}"
        return
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="crm_bench_") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        return
    name = f"cc_bench_{secrets.token_hex(5)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    worst = ordered[-1]
    return f"p50 {p50 * 1000:.3f} ms  p99 {p99 * 1000:.3f} ms  max {worst * 1000:.3f} ms  (n={len(ordered)})"


def dialled_forms(e164: str, rng: random.Random) -> str:
    """The same number as a trunk or a person might type it."""
    number = phonenumbers.parse(e164)
    form = rng.choice(
        (phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.NATIONAL,
         phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    )  # fmt: skip
    return phonenumbers.format_number(number, form)


def measure_lookups(sessions: sessionmaker[Session], count: int, rng: random.Random) -> None:
    with sessions() as session:
        top = session.scalar(select(func.max(CustomerPhone.id))) or 0
        ids = [rng.randrange(1, top + 1) for _ in range(count)]
        known = list(session.scalars(select(CustomerPhone.e164).where(CustomerPhone.id.in_(ids))))
    dialled = [dialled_forms(n, rng) for n in known]
    unknown = [f"+1 646 {rng.randrange(200, 999)} {rng.randrange(10000):04d}" for _ in range(count // 10)]
    pop = ScreenPop("US")
    lookups: list[float] = []
    views: list[float] = []
    full: list[float] = []
    for number in dialled[:200]:  # warm-up
        with sessions() as session:
            pop.by_number(session, number)
    for number in dialled + unknown:
        with sessions() as session:
            start = time.perf_counter()
            _, found = pop.find_by_number(session, number)
            lookups.append(time.perf_counter() - start)
        with sessions() as session:
            for customer_id in found:
                start = time.perf_counter()
                pop.view(session, customer_id)
                views.append(time.perf_counter() - start)
        with sessions() as session:
            start = time.perf_counter()
            pop.by_number(session, number)
            full.append(time.perf_counter() - start)
    print(f"  screen-pop lookup (number -> customers), any format: {percentiles(lookups)}")
    print(f"  360° view assembly (one customer):                   {percentiles(views)}")
    print(f"  full screen pop (lookup + 360° of every match):      {percentiles(full)}")


def _first_of(session: Session, column: Any, key: Any, ids: list[int]) -> dict[int, str]:
    return {row[0]: row[1] for row in session.execute(select(key, column).where(key.in_(ids)))}


def _queries_for(
    display: str, native: str | None, e164: str | None, email: str | None, rng: random.Random
) -> list[tuple[str, str, int]]:
    words = display.split()
    surname = words[-1]
    kinds = [
        ("whole name", display, 0),
        ("last word (surname)", surname, 0),
        ("surname, page 3", surname, 40),
        ("words reversed", " ".join(reversed(words)), 0),
        ("inside a word (4 letters)", surname[1:5] if len(surname) > 4 else words[0][:4], 0),
        ("name start (3 letters)", display[:3], 0),
        ("name start, page 2", display[:3], 20),
    ]
    if native:
        kinds += [("Chinese surname (1 char)", native[0], 0), ("Chinese full name", native, 0)]
        kinds += [("Chinese given name", native[1:], 0), ("Chinese surname, page 5", native[0], 80)]
    if e164:
        kinds += [("last 4 digits", e164[-4:], 0), ("7 digits", e164[-7:], 0)]
        kinds.append(("number as typed", dialled_forms(e164, rng), 0))
    if email:
        local = email.split("@")[0]
        kinds += [("e-mail", email, 0), ("e-mail local part", local, 0), ("e-mail start", local[:6], 0)]
    return kinds


def search_queries(
    sessions: sessionmaker[Session], count: int, rng: random.Random
) -> list[tuple[str, str, int]]:
    """(kind, text, offset) as agents type them, taken from random stored customers."""
    with sessions() as session:
        top = session.scalar(select(func.max(Customer.id))) or 0
        ids = [rng.randrange(1, top + 1) for _ in range(count)]
        people = session.execute(
            select(Customer.id, Customer.display_name, Customer.native_name).where(Customer.id.in_(ids))
        ).all()
        numbers = _first_of(session, CustomerPhone.e164, CustomerPhone.customer_id, ids)
        emails = _first_of(session, CustomerEmail.email, CustomerEmail.customer_id, ids)
    queries = [
        rng.choice(_queries_for(display, native, numbers.get(cid), emails.get(cid), rng))
        for cid, display, native in people
    ]
    queries += [("no match", f"qx{rng.randrange(10**6)}zz", 0) for _ in range(count // 20)]
    return queries


def measure_search(sessions: sessionmaker[Session], count: int, rng: random.Random) -> None:
    service = CustomerService(_FixedClock(), "US")
    queries = search_queries(sessions, count, rng)
    for _, text, offset in queries[:100]:  # warm-up
        with sessions() as session:
            service.search(session, CustomerFilter(text=text), limit=20, offset=offset)
    by_kind: dict[str, list[float]] = {}
    for kind, text, offset in queries:
        with sessions() as session:
            start = time.perf_counter()
            service.search(session, CustomerFilter(text=text), limit=20, offset=offset)
            by_kind.setdefault(kind, []).append(time.perf_counter() - start)
    everything = [t for samples in by_kind.values() for t in samples]
    print(f"  customer search (page of 20, any part of name/number/e-mail): {percentiles(everything)}")
    for kind, samples in sorted(by_kind.items()):
        print(f"    {kind:<28} {percentiles(samples)}")


def measure_import(sessions: sessionmaker[Session], rows: int, rng: random.Random) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "phone", "email", "tags"])
    for i in range(rows):
        phone = f"+1 718 {rng.randrange(200, 999)} {rng.randrange(10000):04d}"
        if i % 100 == 0:
            phone = "12345"  # a bad row
        writer.writerow([f"Import Person {i}", phone, f"import{i}@example.org", "imported"])
    buffer.seek(0)
    importer = CustomerImporter(CustomerService(_FixedClock(), "US"))
    start = time.perf_counter()
    with sessions.begin() as session:
        report = importer.import_csv(session, buffer, ColumnMapping(tags="tags"))
    elapsed = time.perf_counter() - start
    print(
        f"  import: {rows} CSV rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s "
        f"(created {report.created}, updated {report.updated}, errors {len(report.errors)})"
    )


def run(
    backend: str,
    customers: int,
    counts: dict[str, int],
    seed: int,
    keep: str | None,
) -> None:
    """``counts``: how many lookups, searches and import rows to measure (a part that is 0 is skipped)."""
    print(f"== {backend}: {customers:,} customers")
    with database(backend, keep) as url:
        start = time.perf_counter()
        migrate(url)
        print(f"  migrations: {time.perf_counter() - start:.1f} s (indexes existing customers for search)")
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                existing = conn.scalar(select(func.count()).select_from(Customer)) or 0
            if existing:
                print(f"  reusing {existing:,} customers already in {keep}")
            customers = max(customers - existing, 0)
            start = time.perf_counter()
            last = [start]

            def progress(done: int, total: int) -> None:
                if time.perf_counter() - last[0] > 15:
                    last[0] = time.perf_counter()
                    print(f"    ... {done:,}/{total:,} customers", flush=True)

            if customers:
                summary = generate(engine, customers, seed=seed, now=NOW, batch=10_000, progress=progress)
                elapsed = time.perf_counter() - start
                total_rows = sum(summary.rows.values())
                print(
                    f"  demo data: {customers:,} customers / {total_rows:,} rows in {elapsed:.1f} s "
                    f"({customers / elapsed:,.0f} customers/s, {total_rows / elapsed:,.0f} rows/s)"
                )
            # What autovacuum does on a running server (this one has it off): statistics, and the
            # visibility map that lets PostgreSQL answer from an index alone.
            vacuum = "ANALYZE" if backend == "sqlite" else "VACUUM (ANALYZE)"
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(vacuum)
            sessions = make_session_factory(engine)
            if counts["lookups"]:
                measure_lookups(sessions, counts["lookups"], random.Random(seed + 1))
            if counts["searches"]:
                measure_search(sessions, counts["searches"], random.Random(seed + 3))
            if counts["import_rows"]:
                measure_import(sessions, counts["import_rows"], random.Random(seed + 2))
        finally:
            engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--lookups", type=int, default=5_000)
    parser.add_argument("--searches", type=int, default=5_000)
    parser.add_argument(
        "--import-rows", type=int, default=20_000, help="0 skips the import (it adds customers)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sqlite-path", help="keep/reuse this SQLite file instead of a temporary one")
    parser.add_argument("--pg-url", help="keep/reuse this PostgreSQL database instead of a throw-away one")
    args = parser.parse_args(argv)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        keep = args.sqlite_path if backend == "sqlite" else args.pg_url
        counts = {"lookups": args.lookups, "searches": args.searches, "import_rows": args.import_rows}
        run(backend, args.customers, counts, args.seed, keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
