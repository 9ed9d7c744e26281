"""End-to-end: every service runs as its own OS process (`nameko run`), as in production, on a
throwaway RabbitMQ vhost and its own databases. Time is moved through JIEFEN_NOW_FILE."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nameko.exceptions import UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

from infra.config import ROOT
from tests.harness import wait_for  # noqa: F401  (e2e tests import it from here)

MODULES = {
    "intake": "services.intake.service:IntakeService",
    "mediation": "services.mediation.service:MediationService",
    "diversion": "services.diversion.service:DiversionService",
    "petition": "services.petition.service:PetitionService",
    "recommendation": "services.recommendation.service:RecommendationService",
    "supervision": "services.supervision.service:SupervisionService",
}


class Cluster:
    def __init__(self, rabbit_config, jiefen, tmp_path: Path, signer=None):
        self.signer = signer
        self.config = {**rabbit_config, "serializer": "json"}
        self.jiefen = jiefen
        self.tmp = tmp_path
        self.now_file = tmp_path / "now-offset"
        self.now_file.write_text("0")
        self.procs: dict[str, subprocess.Popen] = {}

    def env(self) -> dict:
        env = {**os.environ, "AMQP_URI": self.config["AMQP_URI"], "JIEFEN_DATA_DIR": self.jiefen["data_dir"],
               "JIEFEN_NOW_FILE": str(self.now_file), "JIEFEN_SWEEP_INTERVAL": "0.5",
               "JIEFEN_RELAY_INTERVAL": "0.2", "JIEFEN_HANDOFF_INTERVAL": "0.3", "PYTHONPATH": str(ROOT)}
        env.pop("JIEFEN_OPS_PORT", None)     # processes set their own (see start)
        if self.jiefen.get("db_url"):
            env["DB_URL"] = self.jiefen["db_url"]
        if self.jiefen.get("db_schema_prefix"):
            env["JIEFEN_DB_SCHEMA_PREFIX"] = self.jiefen["db_schema_prefix"]
        env["JIEFEN_CLIENTS_FILE"], env["JIEFEN_KEYS_DIR"] = self.jiefen["clients_file"], self.jiefen["keys_dir"]
        return env

    def start(self, *services: str, instances: int = 1) -> "Cluster":
        """Start each service as ``instances`` OS processes sharing its database and queue."""
        for name in services:
            for n in range(instances):
                tag = name if n == 0 else f"{name}#{n}"
                log = open(self.tmp / f"{tag}.log", "w")
                self.procs[tag] = subprocess.Popen(
                    [sys.executable, "-m", "nameko", "run", "--config", str(ROOT / "config" / "nameko.yaml"),
                     MODULES[name]], cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        for name in services:
            self.wait_ready(name)
        return self

    def wait_ready(self, name: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for tag, proc in self.procs.items():
                if tag.split("#")[0] == name and proc.poll() is not None:
                    raise RuntimeError(f"{tag} exited: {(self.tmp / f'{tag}.log').read_text()[-3000:]}")
            try:
                with ClusterRpcProxy(self.config, timeout=5) as rpc:
                    getattr(rpc, name).case_definition()
                return
            except (UnknownService, Exception):
                time.sleep(0.3)
        raise RuntimeError(f"{name} did not answer within {timeout}s")

    def rpc(self, actor: dict, timeout: float = 20) -> ClusterRpcProxy:
        """A proxy whose calls carry ``actor``, signed by the test client's key."""
        return ClusterRpcProxy(self.config, context_data=self.signer.context(actor), timeout=timeout)

    def advance_days(self, days: float) -> None:
        offset = float(self.now_file.read_text() or 0) + days * 86400
        self.now_file.write_text(str(offset))

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def cluster(rabbit_config, jiefen, tmp_path, signer):
    c = Cluster(rabbit_config, jiefen, tmp_path, signer)
    yield c
    c.stop()
