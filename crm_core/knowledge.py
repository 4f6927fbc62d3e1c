"""Knowledge base articles with full-text search (SQLite FTS5 / PostgreSQL tsvector).

Search text is data, never query syntax: it is cut into word tokens (``\\w+``) and each token is
quoted (FTS5) or handed to ``websearch_to_tsquery`` (PostgreSQL), so ``" OR 1=1 --`` or FTS5
operators such as ``"*:^()`` cannot change the query or make it fail; everything is a bound parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from crm_core import limits
from crm_core.clock import Clock, utc_now
from crm_core.errors import NotFound
from crm_core.models import KbArticle
from crm_core.validation import check_length, required

_TOKEN = re.compile(r"\w+")
MAX_TOKENS = 32


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    title: str
    body: str
    language: str = "en"
    published: bool = True


@dataclass(frozen=True, slots=True)
class Article:
    id: int
    title: str
    body: str
    language: str
    published: bool


@dataclass(frozen=True, slots=True)
class ArticleHit:
    id: int
    title: str
    snippet: str
    rank: float  # higher is better on both backends


def search_tokens(query: str) -> list[str]:
    """Word tokens of a search text, lower-cased, de-duplicated, at most ``MAX_TOKENS``."""
    check_length("query", query, limits.SEARCH_QUERY)
    return list(dict.fromkeys(t.lower() for t in _TOKEN.findall(query)))[:MAX_TOKENS]


def fts5_match(tokens: list[str], match_any: bool) -> str:
    """An FTS5 MATCH expression where every token is a quoted string (no operators from the user)."""
    quoted = ['"' + token.replace('"', '""') + '"' for token in tokens]
    return (" OR " if match_any else " ").join(quoted)


_SQLITE_SEARCH = text(
    "SELECT a.id, a.title, snippet(kb_articles_fts, 1, '[', ']', '…', 16) AS snippet, "
    "-bm25(kb_articles_fts, 10.0, 1.0) AS rank "
    "FROM kb_articles_fts JOIN kb_articles AS a ON a.id = kb_articles_fts.rowid "
    "WHERE kb_articles_fts MATCH :match AND (a.published OR NOT :published_only) "
    "ORDER BY rank DESC, a.id LIMIT :limit OFFSET :offset"
)

_POSTGRES_SEARCH = text(
    "SELECT a.id, a.title, "
    "ts_headline('english', a.body, q, 'StartSel=[, StopSel=], MaxWords=24, MinWords=8') AS snippet, "
    "ts_rank_cd(a.search_vector, q) AS rank "
    "FROM kb_articles AS a, websearch_to_tsquery('english', :match) AS q "
    "WHERE a.search_vector @@ q AND (a.published OR NOT :published_only) "
    "ORDER BY rank DESC, a.id LIMIT :limit OFFSET :offset"
)


class KnowledgeBase:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def add(self, session: Session, draft: ArticleDraft) -> int:
        now = utc_now(self.clock)
        row = KbArticle(**_checked(draft), created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        return row.id

    def update(self, session: Session, article_id: int, draft: ArticleDraft) -> None:
        row = session.get(KbArticle, article_id)
        if row is None:
            raise NotFound(kind="article", key=article_id)
        for key, value in _checked(draft).items():
            setattr(row, key, value)
        row.updated_at = utc_now(self.clock)
        session.flush()

    def get(self, session: Session, article_id: int) -> Article:
        row = session.get(KbArticle, article_id)
        if row is None:
            raise NotFound(kind="article", key=article_id)
        return Article(row.id, row.title, row.body, row.language, row.published)

    def search(
        self,
        session: Session,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        match_any: bool = False,
        published_only: bool = True,
    ) -> tuple[ArticleHit, ...]:
        """Best matches first. ``match_any`` finds articles with any of the words (for long texts)."""
        tokens = search_tokens(query)
        if not tokens:
            return ()
        if session.get_bind().dialect.name == "postgresql":
            statement, match = _POSTGRES_SEARCH, (" or " if match_any else " ").join(tokens)
        else:
            statement, match = _SQLITE_SEARCH, fts5_match(tokens, match_any)
        rows = session.execute(
            statement,
            {
                "match": match,
                "published_only": published_only,
                "limit": max(1, min(limit, 100)),
                "offset": max(offset, 0),
            },
        )
        return tuple(ArticleHit(int(r.id), str(r.title), str(r.snippet), float(r.rank)) for r in rows)

    def suggest_for_email(
        self, session: Session, subject: str, body: str, limit: int = 3
    ) -> tuple[ArticleHit, ...]:
        """Articles for an e-mail auto-reply: any of the longer words of the subject and body."""
        words = [w for w in _TOKEN.findall(f"{subject} {body}"[:20_000]) if len(w) > 3]
        return self.search(
            session, " ".join(words[: MAX_TOKENS * 4])[: limits.SEARCH_QUERY], limit=limit, match_any=True
        )


def _checked(draft: ArticleDraft) -> dict[str, object]:
    return {
        "title": required("title", draft.title, limits.TITLE),
        "body": required("body", draft.body, limits.ARTICLE_BODY),
        "language": required("language", draft.language, limits.LANGUAGE),
        "published": draft.published,
    }
