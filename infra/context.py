"""What a service hands the transition engine (``Env``) and what the engine hands guards and effects
(``GuardContext``). Its own module so that the clocks, the outbox and the guards can name these types
without importing the engine that imports them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from sqlalchemy.orm import Session

from infra.actors import Actor
from infra.calendar import Calendar
from infra.casetype import CaseType, EventDef
from infra.config import Config
from infra.orgs import Directory
from infra.timekeeping import now as clock_now


@dataclass
class Env:
    """What the engine needs from a service: its name, case type, database and directories."""
    service: str
    case_type: CaseType
    engine: Any
    config: Config
    directory: Directory
    calendar: Calendar
    now: Callable[[], datetime] = clock_now
    trust: Any = None                   # infra.trust.Trust: the service's key and the client registry
    amqp: dict | None = None            # nameko config for the service's own outgoing calls
    siblings: dict = field(default_factory=dict)   # case type code -> Env, of every type the service keeps


@dataclass
class GuardContext:
    """Handed to guards and effects: everything they may read, nothing they may write outside the case."""
    env: Env
    actor: Actor
    session: Session
    now: datetime
    event: EventDef
    from_state: str
    extra: dict = field(default_factory=dict)   # effects leave results here (e.g. the query code)
    outbox: list = field(default_factory=list)  # effects may add (event_type, payload) pairs
