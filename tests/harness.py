"""A generic harness that walks any case type exhaustively: drive a case to each state along the
shortest path of the definition, then try every event there. Used by every service's tests."""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from contracts.errors import JiefenError
from infra.casetype import CaseType
from tests.factories import key


def shortest_paths(ct: CaseType) -> dict[str, list[str]]:
    """state -> the events from creation that reach it first (breadth-first over the definition)."""
    paths: dict[str, list[str]] = {}
    queue = deque()
    for e in ct.creation_events():
        if e.target not in paths:
            paths[e.target] = [e.id]
            queue.append(e.target)
    while queue:
        state = queue.popleft()
        for e in ct.events_from(state):
            nxt = ct.target_of(e, state)
            if nxt not in paths:
                paths[nxt] = paths[state] + [e.id]
                queue.append(nxt)
    return paths


@dataclass
class Walker:
    """``call(role, event, case_id, data, version)`` fires through the RPC or the engine and returns the
    case view; ``snapshot(case_id)`` returns what must not change when an event is refused."""
    ct: CaseType
    call: Callable[..., dict]
    snapshot: Callable[[str], Any]
    examples: dict[str, Any]                 # event id -> data, or callable(case_view) -> data
    roles: dict[str, str]                    # event id -> a role allowed to fire it
    path_overrides: dict[str, dict] = field(default_factory=dict)   # target event -> {event: data}
    skip_events: set[str] = field(default_factory=set)              # events driven elsewhere (sys)
    outsiders: dict[str, dict] = field(default_factory=dict)        # role -> that role at a body outside the case

    def data_for(self, event: str, case: dict | None, overrides: dict | None = None) -> dict:
        source = (overrides or {}).get(event, self.examples.get(event, {}))
        return source(case) if callable(source) else dict(source)

    def fire(self, event: str, case: dict | None, overrides: dict | None = None, role: str | dict | None = None) -> dict:
        return self.call(role or self.roles[event], event, None if case is None else case["case_id"],
                         self.data_for(event, case, overrides), None if case is None else case["version"])

    def overrides_for(self, events: list[str]) -> dict:
        """The path data every event on the way (and the one fired after it) needs for its guards."""
        merged: dict = {}
        for event in events:
            merged.update(self.path_overrides.get(event, {}))
        return merged

    def drive(self, events: list[str], overrides: dict | None = None) -> dict:
        merged = {**self.overrides_for(events), **(overrides or {})}
        case = None
        for event in events:
            case = self.fire(event, case, merged)
        return case

    def reachable(self) -> dict[str, list[str]]:
        return {s: p for s, p in shortest_paths(self.ct).items() if not set(p) & self.skip_events}


def expect_error(code: str, fn: Callable, *args, **kwargs) -> JiefenError:
    try:
        fn(*args, **kwargs)
    except JiefenError as err:
        assert err.code == code, f"expected {code}, got {err.code}: {err.message}"
        return err
    raise AssertionError(f"expected {code}, but the call succeeded")


# -- a party's act, recorded by staff (no caller may claim role party: infra/engine.py split_party_act) ----
def recorder(org_id: str) -> dict:
    """The staff member of ``org_id`` who records a party's act there: the first role its kind may hold
    (config/roles.yaml: a court's filing officer, a committee's pmc, a petition office's xfb, the window)."""
    from infra.orgs import load_directory
    from infra.config import default_config
    d = load_directory(str(default_config().path("organisations")), str(default_config().path("roles")))
    order = ("filing", "pmc", "xfb", "window", "handler", "issuer", "rcpt", "sup")
    role = next(r for r in order if d.may_hold(org_id, r))
    return {"user_id": f"{role}-rec-{org_id}", "role": role, "org_id": org_id}


def party_act(party: int = 1, evidence_kind: str = "signed_document", evidence_ref: str = "卷宗第3页",
              note: str = "") -> dict:
    return {"party": party, "evidence_kind": evidence_kind, "evidence_ref": evidence_ref, "note": note}


def party_actor(org: str | dict, party: int = 1, **evidence) -> dict:
    """The staff of ``org`` (a code, or a would-be party actor) recording a party's act in their signed
    assertion: for a command that takes no data (e.g. mediation.apply_judicial_confirmation); ``as_party``
    puts it in the data of ``fire`` and creation commands instead."""
    org_id = org["org_id"] if isinstance(org, dict) else org
    return {**recorder(org_id), "party_act": party_act(party, **evidence)}


def as_party(actor: dict, data: dict | None, **evidence) -> tuple[dict, dict]:
    """(actor, data) for firing a party's event: a would-be ``party`` actor at an organisation becomes
    that organisation's staff recording the act, with ``data.party_act`` (which party: ``data["party"]``
    when it names one, else 1). Any other actor passes through unchanged."""
    data = dict(data or {})
    if actor.get("role") != "party":
        return actor, data
    which = data.get("party") if isinstance(data.get("party"), int) else 1
    return recorder(actor["org_id"]), {**data, "party_act": party_act(**{"party": which, **evidence})}


def new_key() -> str:
    return key()


def wait_for(predicate: Callable, timeout: float = 60, interval: float = 0.3):
    """Poll until predicate() is truthy: events cross services and processes asynchronously."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last: {last!r})")


def case_snapshot(service_proxy, case_id: str, outbox: Callable[[str], int] | None = None) -> tuple:
    """What a refused event must leave untouched: the case row, its links and clocks, its audit chain,
    and (given ``outbox``, see ``outbox_rows``) the events written for it."""
    case = service_proxy.get_case(case_id)
    history = service_proxy.case_history(case_id)
    return (case["status"], case["version"], case["updated_at"], case["data"], case["links"], case["clocks"],
            case["supervised"], [(h["seq"], h["hash"]) for h in history],
            None if outbox is None else outbox(case_id))


def outbox_rows(container) -> Callable[[str], int]:
    """case id -> how many outbox rows the service holds for it (sent or not: the relay marks, never
    deletes), read straight from the service's database: a refused event must write none."""
    from sqlalchemy import func, select

    from infra.db import write_session
    from infra.models import OutboxRow
    from infra.service import Platform
    platform = next(e for e in container.extensions if isinstance(e, Platform))
    engine = next(iter(platform.envs.values())).engine

    def count(case_id: str) -> int:
        with write_session(engine) as s:
            payload_case = OutboxRow.payload["case_id"].as_string()
            return s.scalar(select(func.count()).select_from(OutboxRow).where(payload_case == case_id))
    return count


def child_links(case: dict) -> list[dict]:
    return [link for link in case["links"] if link["link_type"] == "child"]


# -- the three exhaustive checks every case type gets --------------------------------------------------
def assert_every_allowed_transition(walker: Walker) -> int:
    """Each (source, event) the definition allows works and moves the case to the event's target."""
    paths, tried = walker.reachable(), 0
    for event in walker.ct.events:
        if event.creates or event.id in walker.skip_events:
            continue
        for source in event.sources:
            if source not in paths:
                continue
            overrides = walker.path_overrides.get(event.id, {})
            case = walker.drive(paths[source], overrides)
            assert case["status"] == source
            after = walker.fire(event.id, case, {**walker.overrides_for(paths[source]), **overrides})
            assert after["status"] == (event.target or source), (event.id, source)
            assert after["version"] == case["version"] + 1
            tried += 1
    assert tried > 0
    return tried


def assert_every_refused_pair(walker: Walker) -> int:
    """Every event the definition does not allow in a state is TRANSITION_NOT_ALLOWED and changes nothing."""
    refused = 0
    for state, path in walker.reachable().items():
        case = walker.drive(path)
        for event in walker.ct.events:
            if state in event.sources or event.creates or event.id in walker.skip_events:
                continue
            before = walker.snapshot(case["case_id"])
            err = expect_error("TRANSITION_NOT_ALLOWED", walker.fire, event.id, case, walker.overrides_for(path),
                               walker.roles[event.id])
            assert err.details["state"] == state and err.details["event"] == event.id
            assert state in err.message and event.id in err.message
            assert walker.snapshot(case["case_id"]) == before
            refused += 1
    assert refused > 0
    return refused


def assert_refused_for_role(walker: Walker, event_id: str, case: dict | None, overrides: dict | None,
                            role) -> JiefenError:
    """FORBIDDEN because of the caller's role (not its organisation), and nothing changed."""
    before = None if case is None else walker.snapshot(case["case_id"])
    err = expect_error("FORBIDDEN", walker.fire, event_id, case, overrides, role)
    assert err.details.get("reason") in ROLE_REASONS, (event_id, role, err.details)
    if case is not None:
        assert walker.snapshot(case["case_id"]) == before, (event_id, role)
    return err


# the refusal reasons that blame the role, never the organisation: the engine's ("role", also for a
# party's act recorded on an event the law does not give to a party), or the trust layer's for a role
# the caller's organisation cannot hold or for a caller claiming to be a party (infra/trust.py)
ROLE_REASONS = {"role", "role_not_for_org", "party_claimed"}


def assert_every_role_event_pair(walker: Walker, roles) -> tuple[int, int]:
    """Roles an event lists may fire it; every other caller role gets FORBIDDEN for its role and changes
    nothing. System-only events, driven elsewhere, are still refused to every caller role; the
    walker's ``outsiders`` (an allowed role at a body that does not govern the case) are refused for
    their organisation."""
    paths = walker.reachable()
    forbidden = allowed = 0
    for event in walker.ct.events:
        if event.id in walker.skip_events:
            if event.roles == ("sys",) and event.sources and event.sources[0] in paths:
                source = event.sources[0]
                case = walker.drive(paths[source], walker.path_overrides.get(event.id, {}))
                for role in roles:
                    assert_refused_for_role(walker, event.id, case, walker.overrides_for(paths[source]), role)
                    forbidden += 1
            continue
        overrides = walker.path_overrides.get(event.id, {})
        source = None if event.creates else event.sources[0]
        if source is not None and source not in paths:
            continue
        merged = {**(walker.overrides_for(paths[source]) if source else {}), **overrides}
        case = None if event.creates else walker.drive(paths[source], overrides)
        for role in roles:
            if role in event.roles:
                continue
            assert_refused_for_role(walker, event.id, case, merged, role)
            forbidden += 1
        for role, outsider in walker.outsiders.items():
            if case is None or role not in event.roles:
                continue
            before = walker.snapshot(case["case_id"])
            err = expect_error("FORBIDDEN", walker.fire, event.id, case, merged, outsider)
            assert err.details.get("reason") == "organisation", (event.id, outsider, err.details)
            assert walker.snapshot(case["case_id"]) == before
            forbidden += 1
        for role in event.roles:
            if role not in roles:
                continue
            fresh = None if event.creates else walker.drive(paths[source], overrides)
            result = walker.fire(event.id, fresh, merged, role)
            assert result["status"] == (event.target or source)
            allowed += 1
    assert forbidden > 0 and allowed > 0
    return forbidden, allowed
