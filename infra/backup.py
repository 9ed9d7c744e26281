"""Backups of every service's database, and restoring them (``make backup`` / ``make restore``).

- SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies each service's file from a
  read transaction, so the copy is consistent with the WAL and the services keep running meanwhile.
- PostgreSQL: ``pg_dump --format=custom`` of each service's schema (``jiefen_<service>``; or the whole
  database when DB_URL holds ``{service}``), restored with ``pg_restore`` after dropping the schema.

A backup directory holds one file per service and ``manifest.json`` (when, which backend, each
service's schema revision and number of cases). Restore with the services stopped."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from contracts.services import CASE_SERVICES
from infra.config import Config, load_config
from infra.db import normalise_url, service_db_url, sqlite_path


def _services() -> list[str]:
    return list(CASE_SERVICES)


def _libpq(url: str) -> str:
    """pg_dump and pg_restore take a libpq URL: no SQLAlchemy driver suffix."""
    return "postgresql://" + normalise_url(url).split("://", 1)[1]


def _figures(url: str, schema: str | None) -> dict:
    args = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = create_engine(normalise_url(url), connect_args=args) if not url.startswith("sqlite") \
        else create_engine(url)
    try:
        with engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            cases = conn.execute(text("SELECT count(*) FROM cases")).scalar()
    finally:
        engine.dispose()
    return {"revision": revision, "cases": cases}


def backup(dest: str | Path, config: Config | None = None, services: list[str] | None = None) -> dict:
    config = config or load_config()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    manifest = {"created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "services": {}}
    for service in services or _services():
        url, schema = service_db_url(service, config)
        path = sqlite_path(url)
        if path is not None:
            if not path.is_file():
                raise FileNotFoundError(f"{service}: no database at {path}")
            target = dest / f"{service}.sqlite"
            target.unlink(missing_ok=True)
            source, copy = sqlite3.connect(path, timeout=30), sqlite3.connect(target)
            try:
                source.backup(copy)                  # one step: a consistent snapshot, writers wait at most busy_timeout
            finally:
                copy.close()
                source.close()
            entry = {"backend": "sqlite", "file": target.name, **_figures(f"sqlite:///{target}", None)}
        elif url.startswith("postgres"):
            target = dest / f"{service}.dump"
            cmd = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
            if schema:
                cmd.append(f"--schema={schema}")
            _run(cmd + [_libpq(url)])
            entry = {"backend": "postgresql", "file": target.name, "schema": schema, **_figures(url, schema)}
        else:
            raise ValueError(f"{service}: cannot back up {url.split(':')[0]} databases")
        manifest["services"][service] = entry
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def restore(source: str | Path, config: Config | None = None) -> dict:
    """Replace every service's database by the backup's copy (services stopped)."""
    config = config or load_config()
    source = Path(source)
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    for service, entry in manifest["services"].items():
        url, schema = service_db_url(service, config)
        copy = source / entry["file"]
        path = sqlite_path(url)
        if entry["backend"] == "sqlite":
            if path is None:
                raise ValueError(f"{service}: the backup is SQLite, the configured database is not")
            path.parent.mkdir(parents=True, exist_ok=True)
            for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                stale.unlink(missing_ok=True)
            src, dst = sqlite3.connect(copy), sqlite3.connect(path)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        else:
            if not url.startswith("postgres"):
                raise ValueError(f"{service}: the backup is PostgreSQL, the configured database is not")
            if schema != entry.get("schema"):
                raise ValueError(f"{service}: the backup holds schema {entry.get('schema')}, the configuration {schema}")
            engine = create_engine(normalise_url(url))
            with engine.begin() as conn:
                if schema:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            engine.dispose()
            cmd = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={_libpq(url)}"]
            if not schema:
                cmd += ["--clean", "--if-exists"]
            _run(cmd + [str(copy)])
        found = _figures(url, schema)
        if found != {"revision": entry["revision"], "cases": entry["cases"]}:
            raise RuntimeError(f"{service}: restored {found}, the backup said {entry}")
    return manifest


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{cmd[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def have_pg_tools() -> bool:
    return bool(shutil.which("pg_dump") and shutil.which("pg_restore"))
