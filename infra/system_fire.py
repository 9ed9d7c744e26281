"""The one way a service acts as itself (``sys``) on its own cases: the deadline sweep, intake's tracking of
its children, mediation's answers from the court's cases, diversion following the committee's case, the
centre's return visits and warning tasks.

The version is read in the transaction that fires (infra/engine.py ``when``: the row is locked on PostgreSQL,
the write lock is taken at BEGIN on SQLite), so a concurrent human edit lands either before (the system event
then acts on the case as the human left it, if ``when`` still holds) or after (the human's stale
``expected_version`` is refused, as for any two users). What may still go away by itself is retried, a
bounded number of times, by one policy (``retrying``); which refusals that is, is one table:
``contracts.errors.ERRORS`` (``transient``).
"""
from __future__ import annotations

import logging
import time
from typing import Callable, TypeVar

from contracts.errors import JiefenError, transient
from infra.actors import system_actor
from infra.engine import transition
from infra.models import Case

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 5
PAUSE = 0.02              # seconds before the second try, doubled before each further one


def retrying(attempt: Callable[[], T], attempts: int = ATTEMPTS,
             pause: Callable[[float], None] = time.sleep) -> T:
    """``attempt()`` again after a transient refusal, at most ``attempts`` times in all; any other
    refusal, or the last transient one, is raised."""
    for n in range(1, attempts + 1):
        try:
            return attempt()
        except JiefenError as err:
            if not transient(err.code) or n == attempts:
                raise
            log.info("system fire raced (%s), try %d of %d", err.code, n + 1, attempts)
            pause(PAUSE * 2 ** (n - 1))
    raise AssertionError("attempts must be at least 1")


def short_view(case: Case, ctx) -> dict:
    return {"case_id": case.id, "case_no": case.case_no, "status": case.status, "version": case.version}


def fire_as_system(env, event: str, *, case_id: str | None = None, data: dict | None = None, key: str,
                   org_id: str = "", when: Callable[[Case], bool] | None = None,
                   view: Callable = short_view, strict: bool = False, attempts: int = ATTEMPTS) -> dict | None:
    """Fire ``event`` as ``sys`` of ``org_id`` (by default the case's own organisation): on ``case_id`` as the
    firing transaction reads it, if ``when(case)`` holds (always, by default), or creating a case of
    ``env``'s type. ``key`` makes it once only. Returns the view, or None when the case no longer wants the
    event (a late or repeated trigger: its state or ``when`` says no). Any other refusal is raised if
    ``strict``, otherwise logged in one line and None (the caller's next round looks again)."""
    def attempt() -> dict:
        return transition(env, system_actor(org_id), event, case_id=case_id, data=data, idempotency_key=key,
                          view=view, when=(when or _always) if case_id is not None else None)
    try:
        return retrying(attempt, attempts)
    except JiefenError as err:
        if err.code == "TRANSITION_NOT_ALLOWED":
            log.info("%s not fired on %s: %s", event, case_id, err.details.get("reason") or err.details.get("state"))
            return None
        if strict:
            raise
        log.warning("%s on %s refused: %s %s", event, case_id, err.code, err.message)
        return None


def _always(case: Case) -> bool:
    return True
