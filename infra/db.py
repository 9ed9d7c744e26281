"""Databases: one per service (an SQLite file by default, a PostgreSQL schema in production),
created and upgraded with alembic."""
from __future__ import annotations

import fcntl
import re
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Table, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from infra.config import ROOT, Config, default_config

MIGRATIONS = ROOT / "infra" / "migrations"


def service_db_url(service: str, config: Config | None = None) -> tuple[str, str | None]:
    """(url, schema) of a service's database: DB_URL may hold ``{service}``; a PostgreSQL URL without
    it gives every service its own schema ``jiefen_<service>`` in that one database."""
    config = config or default_config()
    url = config.get("db_url")
    if not url:
        data_dir = config.path("data_dir")
        data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{data_dir / (service + '.sqlite')}", None
    if "{service}" in url:
        return url.format(service=service), None
    if url.startswith("postgresql"):
        return url, f"{config.get('db_schema_prefix', 'jiefen_')}{service}"
    return url, None


def normalise_url(url: str) -> str:
    """PostgreSQL goes through psycopg2 (patched for eventlet by psycogreen), whatever SQLAlchemy's default."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg2://" + url[len(plain):]
    return url


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def make_engine(url: str, schema: str | None = None) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True)   # no personal data in exception texts (logs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None          # we issue BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # Writers take the lock at BEGIN: two writers never both read a version and then
            # deadlock on upgrade; readers are not blocked (WAL).
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

        return engine
    if schema and not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise ValueError(f"bad schema name {schema!r}")
    args = _search_path(schema)
    # pg_stat_activity shows which service holds a connection (operators; tests end their own)
    args["application_name"] = f"jiefen:{schema or 'public'}"[:63]
    return create_engine(url, connect_args=args, pool_size=10, max_overflow=20, pool_pre_ping=True,
                         hide_parameters=True)


def write_session(engine: Engine) -> Session:
    return Session(bind=engine.execution_options(write=True), expire_on_commit=False)


def insert_rows(session: Session, table: Table, rows: dict | list[dict]) -> None:
    """Rows the ORM adds nothing to -- append-only, never read back in the same transaction through the
    session (audit entries, outbox rows, idempotency records, participants) -- as one prebuilt Core INSERT
    (an executemany for a list) on the session's own transaction: no unit of work, no identity map, no
    per-object bookkeeping, about half the CPU of a registration otherwise (issue 17, bench/register_profile.md).
    Column types still apply (UTC times, JSON, EncryptedJSON) and so do column defaults."""
    if rows:
        session.connection().execute(_insert(table), rows)


@lru_cache(maxsize=None)
def _insert(table: Table):
    return table.insert()


def read_session(engine: Engine) -> Session:
    return Session(bind=engine, expire_on_commit=False)


def alembic_config(url: str, schema: str | None = None, migrations: Path = MIGRATIONS) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrations))
    cfg.attributes["url"] = normalise_url(url)
    cfg.attributes["schema"] = schema
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _search_path(schema: str | None) -> dict:
    return {"options": f"-csearch_path={schema}"} if schema else {}


def run_migrations(metadata, version_table: str = "alembic_version") -> None:
    """The body of every chain's ``env.py``: migrate the database the running alembic config names
    (``alembic_config``'s ``url`` and ``schema``) with ``metadata`` as the target, online."""
    from alembic import context

    url = context.config.attributes["url"]
    schema = context.config.attributes.get("schema")
    engine = create_engine(url, connect_args=_search_path(schema))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, version_table_schema=schema,
                          version_table=version_table, render_as_batch=url.startswith("sqlite"))
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    engine.dispose()


def current_revision(url: str, schema: str | None = None) -> str | None:
    engine = create_engine(normalise_url(url), connect_args=_search_path(schema))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def upgrade(url: str, schema: str | None = None, revision: str = "head", migrations: Path = MIGRATIONS) -> None:
    """Bring a service database to the newest schema (alembic ``upgrade head``). Instances starting
    together take turns: an advisory lock on PostgreSQL, a file lock beside an SQLite file; the
    second finds the schema current and does nothing."""
    url = normalise_url(url)
    cfg = alembic_config(url, schema, migrations)
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(hashtext(:k))"), {"k": f"jiefen-migrate:{schema}"})
            conn.commit()
            try:
                if schema:
                    conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
                    conn.commit()
                command.upgrade(cfg, revision)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(hashtext(:k))"), {"k": f"jiefen-migrate:{schema}"})
                conn.commit()
        engine.dispose()
        return
    path = sqlite_path(url)
    if path is None:                                   # in-memory: nobody to race with
        command.upgrade(cfg, revision)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.migrate-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            command.upgrade(cfg, revision)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
