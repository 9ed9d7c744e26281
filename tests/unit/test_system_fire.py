"""The one retry policy of system fires (infra/system_fire.py), as a pure function: given a sequence of
outcomes, how many tries are made and which refusals are tried again."""
import pytest

from contracts.errors import ERRORS, JiefenError, transient
from infra.system_fire import ATTEMPTS, retrying


def run(outcomes, attempts=ATTEMPTS):
    """Feed ``outcomes`` (a code to refuse with, or a result) to ``retrying``; returns (result or error, tries, pauses)."""
    tries, pauses, queue = [], [], list(outcomes)

    def attempt():
        tries.append(1)
        out = queue.pop(0)
        if isinstance(out, str) and out in ERRORS:
            raise JiefenError(out, "x")
        return out
    try:
        result = retrying(attempt, attempts, pause=pauses.append)
    except JiefenError as err:
        result = err
    return result, len(tries), pauses


def test_a_version_conflict_is_read_again_until_the_fire_lands():
    result, tries, pauses = run(["VERSION_CONFLICT", "VERSION_CONFLICT", {"ok": 1}])
    assert result == {"ok": 1} and tries == 3
    assert pauses == sorted(pauses) and len(pauses) == 2 and pauses[1] == 2 * pauses[0]   # backing off


def test_the_first_success_ends_it():
    assert run([{"ok": 1}, "VERSION_CONFLICT"])[:2] == ({"ok": 1}, 1)


@pytest.mark.parametrize("code", ["TRANSITION_NOT_ALLOWED", "GUARD_FAILED", "IDEMPOTENCY_MISMATCH", "FORBIDDEN",
                                  "VALIDATION_ERROR", "NOT_FOUND"])
def test_a_refusal_that_will_not_go_away_is_not_tried_again(code):
    result, tries, pauses = run([code, {"ok": 1}])
    assert isinstance(result, JiefenError) and result.code == code and tries == 1 and pauses == []


def test_tries_are_bounded_and_the_last_refusal_is_raised():
    result, tries, _ = run(["VERSION_CONFLICT"] * 10, attempts=4)
    assert isinstance(result, JiefenError) and result.code == "VERSION_CONFLICT" and tries == 4


def test_what_is_transient_is_one_table():
    assert {c for c in ERRORS if transient(c)} == {"VERSION_CONFLICT", "RATE_LIMITED", "SERVICE_UNAVAILABLE",
                                                   "INTERNAL"}
    assert not transient("NO_SUCH_CODE")


def test_a_multi_type_service_knows_a_case_type_from_the_event_without_reading_the_case():
    """infra/service.py event_owners: an event only one of the service's types has needs no read of the case
    to learn its type; an event several share (the clocks' sys events) does."""
    from types import SimpleNamespace

    from infra.service import event_owners
    from services.diversion.casetype import DIVERSION
    from services.diversion.jc_casetype import JUDICIAL_CONFIRMATION
    envs = {ct.code: SimpleNamespace(case_type=ct) for ct in (DIVERSION, JUDICIAL_CONFIRMATION)}
    owners = event_owners(envs)
    assert owners["designate_mediator"].case_type is DIVERSION
    assert owners["confirm"].case_type is JUDICIAL_CONFIRMATION
    assert all(owners[e.id].case_type is JUDICIAL_CONFIRMATION for e in JUDICIAL_CONFIRMATION.events
               if DIVERSION.event(e.id) is None)
    assert "deadline_warning" not in owners and "deadline_expired" not in owners
