"""Guard preview: before a form is filled, would an event's legal conditions already refuse it?

``allowed_events`` (infra/service.py) offers an event only if no guard that can be decided from the case
alone already fails (e.g. 申请司法确认 on an agreement the court has confirmed, PML Art 33 ¶2). A guard is
decided from the case alone when it returns (or refuses) without reading the event's data: each guard is
run with data that cannot be read (``NoData``); a guard that reaches for the data is undecided and the
event stays offered. No guard is marked by hand, so a guard moved or added is previewed the same way.
Guards are pure (no I/O, nothing written: infra/casetype.py Guard), so running them early changes nothing.
"""
from __future__ import annotations

import logging

from contracts.errors import JiefenError
from infra.actors import Actor
from infra.casetype import EventDef
from infra.context import Env, GuardContext

log = logging.getLogger(__name__)


class NeedsData(BaseException):
    """A guard read the event's data. A BaseException so a guard's own ``except Exception`` cannot
    mistake it for a refusal."""


def _needs_data(*args, **kwargs):
    raise NeedsData


class NoData(dict):
    """The event's data before the form is filled: any read raises NeedsData."""
    __getitem__ = get = __contains__ = __iter__ = __len__ = __bool__ = _needs_data
    keys = items = values = copy = __eq__ = __ne__ = __or__ = __ror__ = _needs_data
    __hash__ = None


NO_DATA = NoData()


def may_pass(env: Env, actor: Actor, session, case, event: EventDef) -> bool:
    """False when a guard of ``event`` refuses it already, whatever data the form will carry."""
    ctx = GuardContext(env, actor, session, env.now(), event, case.status)
    for guard in event.guards:
        try:
            if not guard.check(case, NO_DATA, ctx):
                return False
        except NeedsData:
            continue
        except JiefenError:                 # a guard that names what is wrong refuses by raising
            return False
        except Exception:                   # undecidable without the data (e.g. it copied the data first)
            log.debug("guard preview undecided for %s", event.id, exc_info=True)
            continue
    return True


def party_actor(actor: Actor) -> Actor:
    """Staff recording a party's act (infra/engine.py split_party_act): guards see role party; which
    party and on what evidence is data the form has not given yet."""
    return actor.as_party(NO_DATA)
