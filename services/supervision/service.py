"""The nameko service ``supervision``: the county centre's view of every case of every service
(PSR Art 39 ¶2, 46 ¶2, 49–54). A read model fed by the case services' events, rebuildable from them."""
from __future__ import annotations

import logging
import os

from nameko.events import event_handler
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.timer import timer

from contracts.errors import validation_error
from infra.db import read_session
from infra.service import api, load_all
from services.supervision import listing, replay
from services.supervision.ingest import CASE_EVENTS, apply_facts, ingest, stale
from services.supervision.store import Store

log = logging.getLogger(__name__)
REFRESH_INTERVAL = float(os.environ.get("JIEFEN_SUPERVISION_REFRESH_INTERVAL", "1"))


def _consumer(source: str, event_type: str):
    def handle(self, payload):
        ingest(self.store.engine, self.store.directory, source, event_type, payload, self.store.now())
    handle.__name__ = f"_on_{source}_{event_type}"
    return event_handler(source, event_type)(handle)


class SupervisionService:
    name = "supervision"
    store = Store()

    # one consumer per (case service, event type): every case service's case events
    for _source in replay.SOURCES:
        for _event_type in CASE_EVENTS:
            locals()[f"_on_{_source}_{_event_type}"] = _consumer(_source, _event_type)
    del _source, _event_type

    @timer(interval=REFRESH_INTERVAL)
    def _refresh(self):
        """Re-read the cases an event changed from their service: the event says that a case moved;
        its service's facts (clocks, links, category, channel) complete the row."""
        try:
            self._refresh_stale()
        except Exception:
            log.exception("read model refresh failed")

    def _refresh_stale(self) -> int:
        done = 0
        for service, case_ids in stale(self.store.engine).items():
            try:
                with ClusterRpcProxy(self.store.amqp_config, context_data=self.store.reader, timeout=10) as rpc:
                    items = rpc[service].replay_facts(case_ids=case_ids, limit=len(case_ids))["items"]
            except (UnknownService, RpcTimeout):
                continue                                  # that service is not running: next round
            for f in items:
                done += apply_facts(self.store.engine, self.store.directory, f, self.store.now())
        return done

    # -- reading -----------------------------------------------------------------------------------
    @api
    def find_cases(self, filters: dict | None = None, page: dict | None = None) -> dict:
        """Every case of every service, as the centre sees it (no personal data in the read model)."""
        self.store.centre_actor()
        f, p = load_all(filters=(listing.CaseFilters, filters), page=(listing.Page, page))
        with read_session(self.store.engine) as s:
            return listing.find(s, f, p, self.store.now())

    # -- operators ---------------------------------------------------------------------------------
    @api
    def rebuild(self, services: list | None = None) -> dict:
        """Empty the read model and fill it again from the case services (role supv at the centre)."""
        self.store.centre_actor(("supv",))
        with self._services() as rpc:
            return {"rebuilt": replay.rebuild(self.store.engine, self.store.directory, rpc, self.store.now(),
                                              self._sources(services))}

    @api
    def check(self, services: list | None = None) -> dict:
        """Recount the case services' cases and report each difference from the read model."""
        self.store.centre_actor(("supv",))
        with self._services() as rpc:
            return replay.check(self.store.engine, rpc, self._sources(services))

    def _services(self) -> ClusterRpcProxy:
        return ClusterRpcProxy(self.store.amqp_config, context_data=self.store.reader, timeout=30)

    @staticmethod
    def _sources(services: list | None) -> tuple:
        if services is None:
            return replay.SOURCES
        if not isinstance(services, list) or not services or set(services) - set(replay.SOURCES):
            raise validation_error({"services": [f"服务须为 {'、'.join(replay.SOURCES)} 之一"]})
        return tuple(services)
