"""The one source of "now". Tests and simulations move time with ``set_now``/``advance`` instead of
sleeping; a service process can also be started with JIEFEN_NOW_FILE pointing at a file holding an
ISO timestamp offset (end-to-end tests move the clock of running services that way)."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

_offset = timedelta(0)
_frozen: datetime | None = None


def utc(dt: datetime | None) -> datetime | None:
    """Aware UTC datetime (SQLite hands back naive UTC values)."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _file_offset() -> timedelta:
    path = os.environ.get("JIEFEN_NOW_FILE")
    if not path:
        return timedelta(0)
    try:
        with open(path, encoding="utf-8") as f:
            return timedelta(seconds=float(f.read().strip() or 0))
    except (OSError, ValueError):
        return timedelta(0)


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc) + _offset + _file_offset()


def set_now(value: datetime | None) -> None:
    """Freeze time at ``value`` (None unfreezes)."""
    global _frozen
    _frozen = utc(value)


def advance(delta: timedelta) -> None:
    global _offset, _frozen
    if _frozen is not None:
        _frozen = _frozen + delta
    else:
        _offset += delta


def reset() -> None:
    global _offset, _frozen
    _offset, _frozen = timedelta(0), None
