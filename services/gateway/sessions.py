"""Server-side sign-in sessions in the gateway's own database (SQLite ``var/gateway.sqlite``, or the
schema ``jiefen_gateway`` on PostgreSQL): only a SHA-256 of each token is stored, so a copy of the
table gives no one a live session. Tokens expire after ``session_ttl`` seconds (wall-clock time)."""
from __future__ import annotations

import hashlib
import secrets
import time

from sqlalchemy import Column, Float, MetaData, String, Table, create_engine, delete, insert, select, text

from infra.config import Config
from infra.db import make_engine, normalise_url, service_db_url

metadata = MetaData()
sessions = Table(
    "gateway_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class SessionStore:
    def __init__(self, config: Config, ttl: int):
        url, schema = service_db_url("gateway", config)
        if url.startswith("postgresql"):
            from psycogreen.eventlet import patch_psycopg
            patch_psycopg()
            if schema:
                admin = create_engine(normalise_url(url))
                with admin.begin() as conn:
                    conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
                admin.dispose()
        self.engine = make_engine(url, schema)
        metadata.create_all(self.engine)
        self.ttl = ttl

    def open(self, user_id: str) -> tuple[str, float]:
        token = secrets.token_urlsafe(32)
        now = time.time()
        expires = now + self.ttl
        with self.engine.execution_options(write=True).begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires_at < now))
            conn.execute(insert(sessions).values(token_hash=_digest(token), user_id=user_id, created_at=now,
                                                 expires_at=expires))
        return token, expires

    def user_of(self, token: str) -> tuple[str, float] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(sessions.c.user_id, sessions.c.expires_at)
                               .where(sessions.c.token_hash == _digest(token))).first()
        if row is None or row.expires_at < time.time():
            return None
        return row.user_id, row.expires_at

    def close(self, token: str) -> None:
        with self.engine.execution_options(write=True).begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == _digest(token)))

    def dispose(self) -> None:
        self.engine.dispose()
