"""Migration 0003 (infra/migrations/versions): a diversion case stored in DV_ARCHIVED, the state that
existed only for the state machine library, goes back to DV_SETTLED (SPEC §4A) with a new version and an
audit entry, so its keyed chain still verifies; links to it follow; other cases are untouched."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import uuid

import pytest
from sqlalchemy import create_engine, select, text

from infra import audit, pii
from infra.actors import Actor
from infra.audit import append_audit
from infra.casetype import NEW
from infra.db import make_engine, normalise_url, upgrade, write_session
from infra.models import AuditEntry, Case, CaseLink
from tests.conftest import BACKENDS, PG_URL

SYS = Actor("sys", "sys", "zj-court-county")
T = datetime(2026, 10, 9, 1, 0, tzinfo=timezone.utc)


def _case(s, case_id: str, *states: str) -> None:
    """A diversion case created in states[0] and moved through the rest, each step on its audit chain."""
    case = Case(id=case_id, case_type="diversion", case_no=f"DV-{case_id}", status=states[0], org_id=SYS.org_id,
                data={}, supervised=False, created_at=T, updated_at=T, parties=[], clocks=[], links=[])
    s.add(case)
    s.flush()
    append_audit(s, case, SYS, SimpleNamespace(id="sign_agreement", basis="OMR Art 19"), NEW, {}, T)
    for before, after in zip(states, states[1:]):
        case.status = after
        s.flush()
        append_audit(s, case, SYS, SimpleNamespace(id="confirmation_window_closed", basis="CPL Art 205"), before, {}, T)


def _chain(s, case_id):
    case = s.get(Case, case_id)
    return case, s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.seq)).all()


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    """(url, schema) of an empty service database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/diversion.sqlite", None
        return
    schema = f"jiefen_mig_{uuid.uuid4().hex[:12]}"
    yield PG_URL, schema
    engine = create_engine(normalise_url(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def test_a_stored_dv_archived_case_goes_back_to_dv_settled_with_its_audit_chain_intact(database):
    url, schema = database
    pii.set_keyring(pii.Keyring([b"k" * 32], b"i" * 32, b"a" * 32))
    try:
        upgrade(url, schema, revision="0002")
        engine = make_engine(url, schema)
        with write_session(engine) as s:
            _case(s, "archived", "DV_SETTLED", "DV_ARCHIVED")
            _case(s, "settled", "DV_SETTLED")
            s.add(CaseLink(case_id="settled", link_type="child", target_service="diversion", target_case_id="archived",
                           target_status="DV_ARCHIVED", target_terminal=True, basis="SPEC §7", created_at=T, updated_at=T))
            s.commit()
        with write_session(engine) as s:
            before = {c: _chain(s, c)[0].version for c in ("archived", "settled")}
        upgrade(url, schema)
        with write_session(engine) as s:
            case, entries = _chain(s, "archived")
            assert (case.status, case.version, case.audit_count) == ("DV_SETTLED", before["archived"] + 1, 3)
            last = entries[-1]
            assert (last.event, last.from_state, last.to_state, last.role, last.version) == (
                "state_revised", "DV_ARCHIVED", "DV_SETTLED", "sys", case.version)
            assert audit.verify(entries, case)["valid"] is True
            untouched, its_entries = _chain(s, "settled")
            assert (untouched.status, untouched.version, len(its_entries)) == ("DV_SETTLED", before["settled"], 1)
            assert audit.verify(its_entries, untouched)["valid"] is True
            assert [(l.target_status, l.target_terminal) for l in untouched.links] == [("DV_SETTLED", True)]
        engine.dispose()
    finally:
        pii.set_keyring(None)
