"""The supervision service's dependency: its own database (read model tables, own migration chain),
the organisation directory, the calendar, and the actor it reads the case services as."""
from __future__ import annotations

from pathlib import Path

from nameko.extensions import DependencyProvider

from contracts.errors import JiefenError
from infra.actors import Actor, actor_from_context
from infra.calendar import Calendar
from infra.config import load_config
from infra.db import make_engine, service_db_url, upgrade
from infra.orgs import load_directory
from infra.trust import load_trust, service_client_id
from infra.timekeeping import now as clock_now

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# roles that read the centre's figures and lists (PSR Art 39 ¶2, 46 ¶2, 50)
READERS = ("supv", "router")


def migrate(config) -> tuple[str, str | None]:
    url, schema = service_db_url("supervision", config)
    upgrade(url, schema, migrations=MIGRATIONS)
    return url, schema


class Store(DependencyProvider):
    def setup(self):
        self.config = load_config(**(self.container.config.get("JIEFEN") or {}))
        url, schema = service_db_url("supervision", self.config)
        if url.startswith("postgresql"):
            from psycogreen.eventlet import patch_psycopg
            patch_psycopg()
        migrate(self.config)
        self.engine = make_engine(url, schema)
        self.directory = load_directory(str(self.config.path("organisations")))
        self.calendar = Calendar(str(self.config.path("holidays")))
        self.amqp_config = {"AMQP_URI": self.container.config["AMQP_URI"], "serializer": "json"}
        self.reader_actor = dict(self.config["supervision"]["actor"])
        # the supervision service signs as itself (config/clients.yaml svc-supervision)
        self.trust = load_trust(self.config, self.directory, service_client_id("supervision"))

    def stop(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return Bound(self, worker_ctx.data)


class Bound:
    def __init__(self, store: Store, context: dict):
        self.engine, self.directory, self.calendar = store.engine, store.directory, store.calendar
        self.config, self.amqp_config, self.trust = store.config, store.amqp_config, store.trust
        self._reader_actor = store.reader_actor
        self.context = context
        self.now = clock_now

    @property
    def reader(self) -> dict:
        """Signed context data for reading the case services as the centre (a fresh assertion each time)."""
        return self.trust.context_for(self._reader_actor)

    def actor(self) -> Actor:
        return actor_from_context(self.context, self.trust)

    def centre_actor(self, roles=READERS) -> Actor:
        """The caller, who must hold one of ``roles`` at a county centre."""
        actor = self.actor()
        org = self.directory.get(actor.org_id)
        if actor.role not in roles or org.kind != "centre" or org.level != "county":
            raise JiefenError("FORBIDDEN", "仅县级社会治理中心的督办、分流人员可查看全县案件与指标"
                              "（《浙江省平安建设条例》第三十九条第二款、第五十条）",
                              {"role": actor.role, "org_id": actor.org_id})
        return actor
