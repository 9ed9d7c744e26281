"""Browser tests: intake and the gateway run as nameko containers in the test process (real RabbitMQ,
SQLite); the pages are driven in headless Chromium by tests/browser/window_driver.py in its own
process. Screenshots go to the test's tmp dir, or to $JIEFEN_SCREENSHOT_DIR if set."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import eventlet
import pytest

from infra.config import ROOT
from tests.interface.test_gateway_support import (  # noqa: F401  (fixtures)
    gateway, gateway_config, users_file)

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _needs_chromium():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture
def site(intake, gateway, web_config_port):
    return f"http://127.0.0.1:{web_config_port}"


@pytest.fixture
def shots(tmp_path):
    return Path(os.environ.get("JIEFEN_SCREENSHOT_DIR") or tmp_path / "shots")


@pytest.fixture
def drive(site, shots):
    """drive("window", {...}) -> what the browser saw (the driver's JSON); fails with its message."""
    def run(scenario: str, args: dict, timeout: float = 120) -> dict:
        # files, not pipes: a journey's screen texts overflow a pipe's buffer and the driver would block
        stdout, stderr = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        proc = subprocess.Popen([sys.executable, "-m", "tests.browser.window_driver", scenario, site, str(shots),
                                 json.dumps(args, ensure_ascii=False)], cwd=ROOT, stdout=stdout,
                                stderr=stderr, env={**os.environ, "PYTHONPATH": str(ROOT)})
        waited = 0.0
        while proc.poll() is None:          # keep the hub turning: the services answer from this process
            eventlet.sleep(0.1)
            waited += 0.1
            if waited > timeout:
                proc.kill()
                pytest.fail(f"browser scenario {scenario} took over {timeout}s")
        stdout.seek(0), stderr.seek(0)
        out, err = stdout.read().decode(), stderr.read().decode()
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if not lines:
            pytest.fail(f"browser scenario {scenario} printed nothing; stderr:\n{err[-3000:]}")
        seen = json.loads(lines[-1])
        if proc.returncode != 0:
            pytest.fail(f"browser scenario {scenario} failed: {seen.get('failed')}\nconsole: {seen.get('console')}"
                        f"\nscreenshot: {shots / (scenario + '-failure.png')}")
        assert not [c for c in seen["console"] if c.startswith("pageerror")], seen["console"]
        return seen
    return run
