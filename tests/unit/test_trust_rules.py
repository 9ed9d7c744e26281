"""Pure rules of trust (infra/trust.py, infra/orgs.py, the gateway's users): the role table, the registry's
checks at load, assertions and event signatures verified in-process, and a user the role table forbids."""
from __future__ import annotations

import pytest

from contracts.errors import JiefenError
from contracts.signing import Signer, generate_key
from infra.config import ROOT
from infra.orgs import load_directory
from infra.trust import Registry, Trust, parse_registry, sign_event, verify_event

DIRECTORY = load_directory(str(ROOT / "config" / "organisations.yaml"), str(ROOT / "config" / "roles.yaml"))


@pytest.fixture
def keys(tmp_path):
    for client in ("svc-intake", "svc-mediation", "it-centre"):
        generate_key(tmp_path, client)
    (tmp_path / "clients.yaml").write_text(
        "clients:\n"
        "  svc-intake: {kind: service, service: intake, orgs: '*', roles: '*', keys: [svc-intake.pub]}\n"
        "  svc-mediation: {kind: service, service: mediation, orgs: '*', roles: '*', keys: [svc-mediation.pub]}\n"
        "  it-centre: {kind: integration, orgs: ['kind:centre'], roles: [window], keys: [it-centre.pub]}\n")
    trust = Trust(Registry(tmp_path / "clients.yaml", tmp_path, DIRECTORY), DIRECTORY, "jiefen:330681")
    return tmp_path, trust


def signer(path, client):
    return Signer.from_file(client, path / f"{client}.key", aud="jiefen:330681")


@pytest.mark.parametrize("org, role, ok", [
    ("zj-court", "judge", True), ("zj-pmc-jiyang", "judge", False), ("zj-xfj-county", "xfb", True),
    ("zj-court", "xfb", False), ("zj-pmc-jiyang", "mediator", True), ("zj-centre", "pmc", False),
    ("zj-centre", "supv", True), ("zj-nr", "handler", True), ("zj-proc", "issuer", True), ("zj-proc", "judge", False),
])
def test_roles_are_bound_to_the_kind_of_organisation(org, role, ok):
    assert DIRECTORY.may_hold(org, role) is ok


def test_nobody_holds_sys_or_party():
    assert not any({"sys", "party"} & roles for roles in DIRECTORY.roles.values())


def test_a_grant_the_role_table_forbids_fails_at_load_naming_the_client(tmp_path):
    bad = tmp_path / "clients.yaml"
    bad.write_text("clients:\n  county-x: {kind: integration, orgs: [zj-pmc-jiyang], roles: [judge], keys: []}\n")
    with pytest.raises(ValueError, match="county-x.*judge"):
        parse_registry(bad, tmp_path, DIRECTORY)
    bad.write_text("clients:\n  county-y: {kind: integration, orgs: '*', roles: [sys], keys: []}\n")
    with pytest.raises(ValueError, match="county-y.*sys"):
        parse_registry(bad, tmp_path, DIRECTORY)


def test_an_organisation_kind_grant_covers_every_centre_and_nothing_else(keys):
    path, trust = keys
    it = signer(path, "it-centre")
    assert trust.verify(it.assertion({"user_id": "u", "role": "window", "org_id": "zj-centre-jiyang"})).org_id \
        == "zj-centre-jiyang"
    with pytest.raises(JiefenError) as err:
        trust.verify(it.assertion({"user_id": "u", "role": "window", "org_id": "zj-court"}))
    assert err.value.details["reason"] in ("outside_grant", "role_not_for_org")


def test_events_verify_only_from_their_own_service_and_unchanged(keys):
    path, trust = keys
    payload = {"event_id": "e1", "event_type": "case_transitioned", "to": "PM_APPLIED", "terminal": False}
    signed = sign_event(signer(path, "svc-mediation"), payload)
    assert verify_event(trust, signed, "mediation")
    assert not verify_event(trust, signed, "diversion")                       # another exchange
    assert not verify_event(trust, {**signed, "terminal": True}, "mediation")  # changed after signing
    assert not verify_event(trust, payload, "mediation")                      # unsigned
    assert not verify_event(trust, sign_event(signer(path, "svc-intake"), payload), "mediation")


def test_a_user_with_a_role_the_organisation_may_not_hold_stops_the_gateway(tmp_path):
    from services.gateway.users import load_users
    users = tmp_path / "users.yaml"
    users.write_text("- {user_id: judge-x, name: 某, role: judge, org_id: zj-pmc-jiyang, password_hash: 'scrypt$x'}\n")
    with pytest.raises(ValueError, match="judge-x.*judge.*暨阳街道人民调解委员会"):
        load_users(str(users), DIRECTORY)
    users.write_text("- {user_id: p1, name: 某, role: party, org_id: zj-centre, password_hash: 'scrypt$x'}\n")
    with pytest.raises(ValueError, match="p1.*party"):
        load_users(str(users), DIRECTORY)
