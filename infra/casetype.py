"""Case types as data (like HMCTS CCD definitions): states, events, guards, roles, clocks, legal basis.

The python-statemachine class, the permission table, the clock table, ``case_definition()`` and the
generated docs are all read from one ``CaseType``. Services never write ``status`` themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Callable

from marshmallow import Schema
from statemachine import State, StateMachine
from statemachine.exceptions import TransitionNotAllowed

from contracts import labels
from contracts.enums import ROLES
from contracts.errors import JiefenError
from contracts.labels import schema_fields
from contracts.legal import format_basis

NEW = "_NEW"   # the pseudo-state creation events leave from; never stored


@dataclass(frozen=True)
class StateDef:
    code: str
    label: str
    terminal: bool = False
    basis: str = ""


@dataclass(frozen=True)
class Guard:
    """A legal condition of an event. ``check(case, data, ctx)`` returns True when it holds; when it
    does not, the caller gets GUARD_FAILED with ``message``, which cites the article."""
    check: Callable[[Any, dict, Any], bool]
    message: str
    basis: str
    code: str = "GUARD_FAILED"          # or DEADLINE_PASSED, FORBIDDEN, ... where that says it better


@dataclass(frozen=True)
class EventDef:
    id: str
    label: str
    sources: tuple[str, ...]            # () = creates the case
    target: str | None                  # None = stays in the same state (self-loop)
    roles: tuple[str, ...]
    basis: str
    guards: tuple[Guard, ...] = ()
    schema: type[Schema] | None = None  # the data the event needs
    effect: Callable[[Any, dict, Any], None] | None = None   # domain change to the case row, no I/O
    description: str = ""

    @property
    def creates(self) -> bool:
        return not self.sources


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str                           # days | working_days | months (infra.calendar)


def statutory(period: Period) -> Callable[[Any, Any], Period]:
    """A clock's period fixed by the statute it cites (``ClockDef.period``)."""
    return lambda config, case: period


def configured(section: str, *keys: str) -> Callable[[Any, Any], Period]:
    """A clock's period read from config/jiefen.yaml (``section`` → ``keys``: {amount, unit}, or one per
    profile), where it is an [A] value or a county may set its own (``ClockDef.period``)."""
    return lambda config, case: Period(*config.period(section, *keys))


@dataclass(frozen=True)
class Extension:
    """How a clock may be extended: by whom, by at most how much in total, and what must come with it."""
    event: str
    max_total: int | None | Callable[[Any], int]   # in the clock's unit; None = no statutory cap; or
    # (config) -> the cap, where it differs by profile or a county sets a lower one [A]

    def cap(self, config) -> int | None:
        return self.max_total(config) if callable(self.max_total) else self.max_total
    basis: str
    needs: tuple[str, ...] = ()         # data fields the extension must carry (approval, notice, ...)


@dataclass(frozen=True)
class ClockDef:
    kind: str
    label: str
    period: Callable[[Any, Any], Period]   # (config, case) -> Period, so [A] values come from config
    starts_in: tuple[str, ...]             # entering one of these states starts the clock
    runs_in: tuple[str, ...]               # leaving all of these stops it
    on_expiry: str                         # an event id fired by sys, or "supervise" (督办 flag)
    basis: str
    applies: Callable[[Any], bool] = lambda case: True
    extension: Extension | None = None
    pausable: bool = False                 # clock_pause / clock_resume (appraisal, hearing)
    on_warning: str | None = "deadline_warning"
    # "created": the period counts from registration, wherever it starts; or a function (case) -> the
    # moment a recorded act took place (e.g. 送达: 自收到之日起), None for the transition itself
    anchor: str | Callable[[Any], Any] = "transition"
    # a window for a party's act, not a duty of the body (e.g. 30 d to apply for judicial confirmation,
    # CPL Art 205): its expiry event stops it, so it is never overdue (督办)
    window: bool = False


@dataclass
class CaseType:
    code: str
    label: str
    service: str
    case_no_prefix: str
    basis: str
    states: tuple[StateDef, ...]
    events: tuple[EventDef, ...]
    clocks: tuple[ClockDef, ...] = ()
    # organisations besides the owner (case.org_id) that act on a case, e.g. the recipient of a
    # recommendation or the organ a petition was transferred to: (case) -> iterable of org codes
    participants: Callable[[Any], Any] | None = None
    # what a work list shows of a case besides the common fields (e.g. a mode and the deadline governing
    # it): (case) -> dict, merged into every view of the case
    listing: Callable[[Any], dict] | None = None
    _events: dict[str, EventDef] = field(init=False, repr=False)
    _states: dict[str, StateDef] = field(init=False, repr=False)

    def __post_init__(self):
        self._states = {s.code: s for s in self.states}
        self._events = {e.id: e for e in self.events}
        for e in self.events:
            unknown = [s for s in (*e.sources, e.target) if s and s not in self._states]
            if unknown:
                raise ValueError(f"{self.code}.{e.id}: unknown states {unknown}")
            bad_roles = [r for r in e.roles if r not in ROLES]
            if bad_roles:
                raise ValueError(f"{self.code}.{e.id}: unknown roles {bad_roles}")
            if e.schema is not None:        # the one hook: every event's fields carry their Chinese labels
                labels.annotate(e.schema)
        for c in self.clocks:
            unknown = [s for s in (*c.starts_in, *c.runs_in) if s not in self._states]
            if unknown:
                raise ValueError(f"{self.code} clock {c.kind}: unknown states {unknown}")

    def acting_orgs(self, case) -> set[str]:
        return {case.org_id, *(self.participants(case) if self.participants else ())} - {None, ""}

    def state(self, code: str) -> StateDef:
        return self._states[code]

    def event(self, event_id: str) -> EventDef | None:
        return self._events.get(event_id)

    def creation_events(self) -> list[EventDef]:
        return [e for e in self.events if e.creates]

    def events_from(self, state: str) -> list[EventDef]:
        return [e for e in self.events if state in e.sources]

    def target_of(self, event: EventDef, state: str) -> str:
        return event.target or state

    @cached_property
    def machine_class(self) -> type[StateMachine]:
        """The case type as a python-statemachine class, declared once: its states, its transitions and,
        on each transition, the event's guards as validators. The library checks the graph when the
        class is built (one initial state, no unreachable state, no non-final state without an exit).

        A state is ``final`` for the library when nothing leaves it. It does not check that every state
        can reach a final one (``validate_final_reachability``): a legally terminal state may still carry
        follow-up acts as self-loops (DV_SETTLED's judicial-confirmation window, PT_FINAL's 督办 and
        evaluation), which the library counts as exits."""
        attrs: dict[str, Any] = {NEW: State(NEW, value=NEW, initial=True), "validate_final_reachability": False}
        has_exit = {src for e in self.events for src in e.sources}
        for s in self.states:
            attrs[s.code] = State(s.label, value=s.code, final=s.code not in has_exit)
        for e in self.events:
            transitions = None
            validators = [_validator(g) for g in e.guards]
            for src in (e.sources or (NEW,)):
                source = attrs[src]
                t = (source.to.itself(internal=True, validators=validators) if e.target is None
                     else source.to(attrs[e.target], validators=validators))
                transitions = t if transitions is None else transitions | t
            attrs[e.id] = transitions
        return type(f"{self.code.title()}Machine", (StateMachine,), attrs)

    @cached_property
    def _transitions(self) -> dict[tuple[str, str], tuple[str, tuple[Callable, ...]]]:
        """(state, event) -> (target state, validators), read once from the machine class's declared
        transitions. Immutable after this, so every greenthread shares it."""
        table = {}
        for state in self.machine_class.states_map.values():
            for t in state.transitions:
                for event in t.events:
                    table[(state.value, str(event))] = (t.target.value, tuple(v.func for v in t.validators))
        return table

    def step(self, case, event: EventDef, data: dict, gctx) -> None:
        """Take the declared transition of ``event`` from ``case.status``: run its validators (the
        guards, in order; the first refusal raises its JiefenError), then set the target state.
        Raises the library's ``TransitionNotAllowed`` when no transition of the event leaves the state.

        No machine instance per call: an instance builds a callback registry by reflecting over the
        model and runs an event loop whose queue needs the thread module's ``PriorityQueue.mutex``,
        which eventlet's green queue does not have (eventlet issue #415, wontfix)."""
        found = self._transitions.get((case.status, event.id))
        if found is None:
            raise TransitionNotAllowed(getattr(self.machine_class, event.id, None),
                                       {self.machine_class.states_map[case.status]})
        target, validators = found
        for validate in validators:
            validate(case=case, data=data, gctx=gctx)
        case.status = target

    def to_dict(self, config=None) -> dict:
        """The case type as data, for ``case_definition()`` and the docs. Codes for programs, and beside
        each its Chinese words: labels, the legal basis as a reader cites it (``basis_text``, with the
        articles' text in ``articles``), each field's label, help, widget and labelled choices."""
        return {
            "code": self.code,
            "label": self.label,
            "service": self.service,
            "basis": self.basis,
            **_basis(self.basis),
            "states": [{"code": s.code, "label": s.label, "terminal": s.terminal, "basis": s.basis,
                        **_basis(s.basis)} for s in self.states],
            "events": [_event_dict(e) for e in self.events],
            "clocks": [{
                "kind": c.kind, "label": c.label, "starts_in": list(c.starts_in), "runs_in": list(c.runs_in),
                "period": _period_text(c, config), "on_expiry": c.on_expiry, "basis": c.basis,
                **_basis(c.basis), "pausable": c.pausable,
                "extension": None if c.extension is None else {
                    "event": c.extension.event, "max_total": (c.extension.cap(config) if config is not None or not callable(c.extension.max_total)
                                  else None),
                    "needs": list(c.extension.needs), "basis": c.extension.basis},
            } for c in self.clocks],
        }


def _basis(basis: str) -> dict:
    formatted = _formatted_basis(basis or "")
    return {"basis_text": formatted["text"], "articles": formatted["articles"]}


@lru_cache(maxsize=4096)
def _formatted_basis(basis: str) -> dict:
    return format_basis(basis)


def _event_dict(e: EventDef) -> dict:
    return {
        "id": e.id, "label": e.label, "from": list(e.sources), "to": e.target,
        "self_loop": e.target is None, "creates": e.creates, "roles": list(e.roles),
        "role_labels": [ROLES[r] for r in e.roles],
        "basis": e.basis, **_basis(e.basis),
        "guards": [{"message": g.message, "basis": g.basis, **_basis(g.basis)} for g in e.guards],
        "data": schema_fields(e.schema, e.id),
        "description": e.description,
    }


def _validator(guard: Guard):
    def check(*args, case=None, data=None, gctx=None, **kwargs):
        if not guard.check(case, data or {}, gctx):
            # a FORBIDDEN guard is a body acting outside its remit: the organisation, not the role, is refused
            reason = {"reason": "organisation"} if guard.code == "FORBIDDEN" else {}
            raise JiefenError(guard.code, guard.message, {"basis": guard.basis, **reason})
    check.__name__ = f"guard_{abs(hash(guard.message))}"
    return check


def _period_text(clock: ClockDef, config) -> dict | None:
    if config is None:
        return None
    try:
        p = clock.period(config, None)
    except Exception:   # a period that depends on the case (e.g. its category) is shown per case
        return None
    return {"amount": p.amount, "unit": p.unit}
