"""Realistic demo customers, fast: Core ``insert()`` executemany in batches, explicit ids.

``generate(engine, customers=1_000_000, seed=7, now=...)`` always creates the known demo customer
Wei Zhang (张伟, +14155550100, VIP, peanut allergy) first, then random people and organisations
with numbers in the default region, purchases (tiers come from the real value model), loyalty
points, notes, tickets and call history.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text

from crm_core import demo_names as names
from crm_core.clock import as_utc
from crm_core.models import (
    Address,
    Customer,
    CustomerEmail,
    CustomerNote,
    CustomerPhone,
    CustomerSearchTerm,
    CustomerTag,
    Interaction,
    KbArticle,
    PointsEntry,
    Purchase,
    Ticket,
)
from crm_core.search import term_rows
from crm_core.ticket_rules import SlaPolicy, TicketType, priority_for
from crm_core.value import PurchaseStats, ValueModel, assess

KNOWN_PHONE = "+14155550100"
KNOWN_NAME = "Wei Zhang"
KNOWN_NATIVE_NAME = "张伟"
KNOWN_NOTE = "Allergic to peanuts; complained about the Kung Pao chicken on last visit"
Rows = dict[str, list[dict[str, Any]]]
_TABLES = (
    Customer,
    Address,
    CustomerPhone,
    CustomerEmail,
    CustomerTag,
    CustomerSearchTerm,
    CustomerNote,
    Purchase,
    PointsEntry,
    Ticket,
    Interaction,
)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    customers: int
    rows: dict[str, int]


class _Ids:
    def __init__(self, conn: Connection) -> None:
        self.next = {
            m.__tablename__: (conn.scalar(select(func.max(m.__table__.c.id))) or 0) + 1
            for m in _TABLES
            if "id" in m.__table__.c
        }

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


class _Generator:
    def __init__(self, rng: random.Random, region: str, now: datetime, ids: _Ids) -> None:
        self.rng, self.region, self.now, self.ids = rng, region, now, ids
        self.model, self.policy = ValueModel(), SlaPolicy()
        self.rows: Rows = {m.__tablename__: [] for m in _TABLES}
        self.org_id: int | None = None

    def phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.05:  # visitors from abroad: London, Paris, Sydney numbers (or US ones in CN)
            pick = rng.randrange(3)
            if self.region == "CN":
                return (
                    f"+1{rng.choice(names.US_AREA_CODES)}{rng.randrange(200, 1000)}{rng.randrange(10**4):04d}"
                )
            if pick == 0:
                return f"+44207{rng.randrange(10**7):07d}"
            return (
                f"+331{rng.randrange(40, 50)}{rng.randrange(10**6):06d}"
                if pick == 1
                else f"+6129{rng.randrange(10**7):07d}"
            )
        if self.region == "CN":
            return f"+86{rng.choice(names.CN_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
        return f"+1{rng.choice(names.US_AREA_CODES)}{rng.randrange(200, 1000)}{rng.randrange(10**4):04d}"

    def name(self) -> tuple[str, str | None, str]:
        rng = self.rng
        if rng.random() < 0.5:
            (sur_py, sur_hz), (given_py, given_hz) = rng.choice(names.CN_SURNAMES), rng.choice(names.CN_GIVEN)
            return f"{given_py} {sur_py}", sur_hz + given_hz, "zh"
        return f"{rng.choice(names.EN_FIRST)} {rng.choice(names.EN_LAST)}", None, "en"

    def customer(self, fixed: dict[str, Any] | None = None) -> None:
        rng, now = self.rng, self.now
        cid = self.ids.take("customers")
        created = fixed["created_at"] if fixed else now - timedelta(days=rng.uniform(1, 1100))
        is_org = fixed is None and rng.random() < 0.02
        if is_org:
            display, native, lang = (
                f"{rng.choice(names.ORG_WORDS)} {rng.choice(names.ORG_SUFFIXES)}",
                None,
                "en",
            )
            self.org_id = cid
        else:
            display, native, lang = self.name()
        purchases = self.purchases(cid, created, vip=fixed is not None)
        stats = _stats(created, purchases, now, self.model)
        result = assess(stats, now, self.model)
        points = sum(p["amount_minor"] for p in purchases) // 100
        row: dict[str, Any] = {
            "id": cid, "kind": "organisation" if is_org else "person", "display_name": display,
            "native_name": native, "organisation_id": None, "job_title": None, "preferred_language": lang,
            "chat_login": f"guest{cid}" if rng.random() < 0.1 else None, "owner": None, "team": None,
            "consent_marketing": rng.random() < 0.6, "opt_out_calls": rng.random() < 0.03,
            "opt_out_email": rng.random() < 0.05, "opt_out_sms": rng.random() < 0.05,
            "tier": result.tier.value, "value_score": result.score, "lifecycle_stage": result.stage.value,
            "points_balance": points, "created_at": created, "updated_at": now,
        }  # fmt: skip
        if not is_org and self.org_id is not None and rng.random() < 0.05:
            row["organisation_id"], row["job_title"] = self.org_id, "Office manager"
        if row["tier"] in ("vip", "key"):
            row["owner"], row["team"] = f"am-{rng.randrange(1, 21):02d}", "key-accounts"
        if fixed:
            row.update(fixed)
        self.rows["customers"].append(row)
        numbers = self._contacts(cid, row, fixed)
        self._history(cid, row["tier"], points, fixed, numbers[0], created)

    def _contacts(self, cid: int, row: dict[str, Any], fixed: dict[str, Any] | None) -> list[str]:
        """The customer's phones, e-mail, search terms and address; answers the phone numbers."""
        rng = self.rng
        numbers = [KNOWN_PHONE] if fixed else [self.phone() for _ in range(2 if rng.random() < 0.2 else 1)]
        for index, number in enumerate(dict.fromkeys(numbers)):
            self.rows["customer_phones"].append(
                {"id": self.ids.take("customer_phones"), "customer_id": cid, "e164": number, "raw": number,
                 "label": "mobile" if index == 0 else "work", "is_primary": index == 0}
            )  # fmt: skip
        emails: list[str] = []
        if fixed or rng.random() < 0.7:
            display = row["display_name"]
            local = "wei.zhang" if fixed else f"{display.lower().replace(' ', '.').replace(',', '')}{cid}"
            emails.append(f"{local}@example.com")
            self.rows["customer_emails"].append(
                {"id": self.ids.take("customer_emails"), "customer_id": cid, "email": emails[0],
                 "is_primary": True}
            )  # fmt: skip
        names_ = (row["display_name"], row["native_name"])
        self.rows["customer_search_terms"] += term_rows(cid, names_, dict.fromkeys(numbers), emails)
        if fixed or rng.random() < 0.2:
            city, region_, street = (
                ("San Francisco", "CA", "1 Market St") if fixed else rng.choice(names.CITIES)
            )
            self.rows["addresses"].append(
                {"id": self.ids.take("addresses"), "customer_id": cid, "label": "home",
                 "line1": street if fixed else f"{rng.randrange(1, 999)} {street}", "line2": None,
                 "city": city, "region": region_, "postal_code": f"{rng.randrange(10000, 99999)}",
                 "country": "US"}
            )  # fmt: skip
        return numbers

    def _history(
        self, cid: int, tier: str, points: int, fixed: dict[str, Any] | None, number: str, created: datetime
    ) -> None:
        """The customer's tags, points, notes, tickets and past interactions."""
        rng, now = self.rng, self.now
        if tier == "vip":
            self.rows["customer_tags"].append({"customer_id": cid, "tag": "vip"})
        if points:
            self.rows["points_ledger"].append(
                {"id": self.ids.take("points_ledger"), "customer_id": cid, "kind": "earn", "delta": points,
                 "balance_after": points, "reason": "Purchases before import", "created_at": now}
            )  # fmt: skip
        if fixed:
            self.note(cid, "diet", KNOWN_NOTE, alert=True)
            self.ticket(cid, "vip", "complaint", "Kung Pao chicken contained peanuts", status="open")
        elif rng.random() < 0.05:
            category, note = rng.choice(names.SPECIAL_NOTES)
            self.note(
                cid, category, note, alert=category in ("diet", "religion", "complaint", "accessibility")
            )
        if not fixed and rng.random() < 0.03:
            kind = rng.choice(list(names.TICKET_SUBJECTS))
            self.ticket(cid, tier, kind, rng.choice(names.TICKET_SUBJECTS[kind]))
        for _ in range(3 if fixed else rng.choice((0, 0, 1, 1, 1, 2, 3))):
            self.interaction(cid, number, created)

    def purchases(self, cid: int, created: datetime, vip: bool) -> list[dict[str, Any]]:
        rng = self.rng
        count = 24 if vip else rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4, 6, 12))
        out = []
        for _ in range(count):
            span = max((self.now - created).total_seconds(), 60.0)
            out.append(
                {"id": self.ids.take("purchases"), "customer_id": cid,
                 "amount_minor": 2_000_000 // 24 if vip else int(rng.lognormvariate(8.5, 1.0)),
                 "currency": "USD",
                 "occurred_at": self.now - timedelta(seconds=rng.uniform(0, span) / (8 if vip else 1)),
                 "description": "Dinner" if rng.random() < 0.6 else "Delivery", "external_ref": None}
            )  # fmt: skip
        self.rows["purchases"].extend(out)
        return out

    def note(self, cid: int, category: str, text_: str, *, alert: bool) -> None:
        self.rows["customer_notes"].append(
            {"id": self.ids.take("customer_notes"), "customer_id": cid, "category": category, "text": text_,
             "is_alert": alert, "author": "demo",
             "created_at": self.now - timedelta(days=self.rng.uniform(1, 300))}
        )  # fmt: skip

    def ticket(self, cid: int, tier: str, kind: str, subject: str, status: str | None = None) -> None:
        created = self.now - timedelta(hours=self.rng.uniform(0.2, 400))
        priority = priority_for(TicketType(kind), tier)
        first_due, resolution_due = self.policy.due(priority, created)
        state = status or self.rng.choice(("new", "open", "pending", "resolved", "closed"))
        done = created + timedelta(hours=1) if state in ("resolved", "closed") else None
        self.rows["tickets"].append(
            {"id": self.ids.take("tickets"), "customer_id": cid, "type": kind, "subject": subject,
             "description": subject, "status": state, "priority": priority, "assignee": None, "team": None,
             "created_at": created, "updated_at": created, "first_response_due_at": first_due,
             "resolution_due_at": resolution_due, "first_responded_at": done, "resolved_at": done,
             "closed_at": done if state == "closed" else None}
        )  # fmt: skip

    def interaction(self, cid: int, number: str, created: datetime) -> None:
        rng = self.rng
        iid = self.ids.take("interactions")
        started = self.now - timedelta(seconds=rng.uniform(0, (self.now - created).total_seconds()))
        outcome = rng.choice(names.OUTCOMES)
        answered = started + timedelta(seconds=rng.uniform(3, 60)) if outcome == "answered" else None
        self.rows["interactions"].append(
            {"id": iid, "customer_id": cid, "external_ref": f"demo-{iid}",
             "channel": rng.choice(("call", "call", "chat", "email")), "direction": "inbound",
             "queue": rng.choice(names.QUEUES),
             "agent_id": f"agent-{rng.randrange(1, 51)}" if answered else None,
             "caller_number": number, "started_at": started, "answered_at": answered,
             "ended_at": started + timedelta(seconds=rng.uniform(20, 900)), "outcome": outcome,
             "disposition": rng.choice(names.DISPOSITIONS) if answered else None, "notes": None,
             "recording_path": f"recordings/demo-{iid}.wav" if answered else None, "transcript_path": None,
             "document_path": None}
        )  # fmt: skip

    def flush(self, conn: Connection) -> dict[str, int]:
        counts = {}
        for model in _TABLES:
            rows = self.rows[model.__tablename__]
            if rows:
                conn.execute(insert(model), rows)
            counts[model.__tablename__] = len(rows)
            rows.clear()
        return counts


def _stats(
    created: datetime, purchases: list[dict[str, Any]], now: datetime, model: ValueModel
) -> PurchaseStats:
    times = [p["occurred_at"] for p in purchases]
    window = now - timedelta(days=model.window_days)
    return PurchaseStats(
        created_at=created,
        first_at=min(times, default=None),
        last_at=max(times, default=None),
        count_window=sum(1 for t in times if t >= window),
        total_minor_window=sum(p["amount_minor"] for p in purchases if p["occurred_at"] >= window),
        count_last_90=sum(1 for t in times if t >= now - timedelta(days=90)),
        count_prev_90=sum(1 for t in times if now - timedelta(days=180) <= t < now - timedelta(days=90)),
    )


def generate(
    engine: Engine,
    customers: int,
    *,
    seed: int,
    now: datetime,
    region: str = "US",
    batch: int = 5_000,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Insert ``customers`` demo customers (the first is always Wei Zhang unless already present)."""
    rng = random.Random(seed)
    now = as_utc(now)
    totals: dict[str, int] = {m.__tablename__: 0 for m in _TABLES}
    with engine.begin() as conn:
        ids = _Ids(conn)
        known_exists = conn.scalar(select(CustomerPhone.id).where(CustomerPhone.e164 == KNOWN_PHONE).limit(1))
    generator = _Generator(rng, region, now, ids)
    done = 0
    while done < customers:
        size = min(batch, customers - done)
        for index in range(size):
            if done == 0 and index == 0 and known_exists is None:
                generator.customer(_known_customer(now))
            else:
                generator.customer()
        with engine.begin() as conn:
            for table, count in generator.flush(conn).items():
                totals[table] += count
        done += size
        if progress is not None:
            progress(done, customers)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for model in _TABLES:
                if "id" in model.__table__.c:
                    name = model.__tablename__
                    # Table names come from our own models, not from input.
                    sequence = f"pg_get_serial_sequence('{name}', 'id')"
                    sql = f"SELECT setval({sequence}, (SELECT max(id) FROM {name}))"  # noqa: S608
                    conn.execute(text(sql))
    return DemoSummary(customers=done, rows=totals)


def _known_customer(now: datetime) -> dict[str, Any]:
    return {
        "display_name": KNOWN_NAME,
        "native_name": KNOWN_NATIVE_NAME,
        "kind": "person",
        "organisation_id": None,
        "preferred_language": "zh",
        "chat_login": "weizhang",
        "tier": "vip",
        "owner": "am-01",
        "team": "key-accounts",
        "consent_marketing": True,
        "created_at": now - timedelta(days=900),
    }


def seed_articles(engine: Engine, now: datetime) -> int:
    """The demo knowledge base (idempotent: only when it is empty)."""
    with engine.begin() as conn:
        if conn.scalar(select(func.count()).select_from(KbArticle)):
            return 0
        rows = [
            {
                "title": title,
                "body": body,
                "language": "en",
                "published": True,
                "created_at": now,
                "updated_at": now,
            }
            for title, body in names.ARTICLES
        ]
        conn.execute(insert(KbArticle), rows)
        return len(rows)
