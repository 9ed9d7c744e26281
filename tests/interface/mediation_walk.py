"""How to walk the people's mediation case type: who acts (each role for its own body), sample data per
event, and a caller that fires over RPC, or through the one transition function for the timer's
``sys`` events (a caller may not claim ``sys``)."""
from __future__ import annotations

import pytest

from infra.actors import system_actor
from infra.engine import transition
from infra.service import Platform
from infra.views import case_view
from services.mediation.casetype import MEDIATION
from tests.factories import claim, key, person_id
from tests.conftest import ACTORS as LAWFUL
from tests.harness import Walker, as_party, case_snapshot, outbox_rows

COMMITTEE = "zj-pmc-jiyang"
COURT = "zj-court"

ACTORS = {
    "party": {"user_id": "party-01", "role": "party", "org_id": COMMITTEE},   # at the committee's office
    "window": {"user_id": "clerk-01", "role": "window", "org_id": "zj-centre"},
    "router": {"user_id": "router-01", "role": "router", "org_id": "zj-centre"},
    "pmc": {"user_id": "pmc-jy-01", "role": "pmc", "org_id": COMMITTEE},
    "mediator": {"user_id": "med-jy-01", "role": "mediator", "org_id": COMMITTEE},
    "filing": {"user_id": "filing-01", "role": "filing", "org_id": COURT},
    "judge": {"user_id": "judge-01", "role": "judge", "org_id": COURT},
    **{role: LAWFUL[role] for role in ("xfb", "handler", "sup", "issuer", "rcpt", "supv")},   # lawful orgs
}

FIXED_APPLICANT = person_id("19900315", 911)
FIXED_RESPONDENT = person_id("19910420", 912)


def application(category="neighbourhood", **extra) -> dict:
    data = claim(category)
    data["parties"][0]["id_number"] = FIXED_APPLICANT
    data["parties"][1]["id_number"] = FIXED_RESPONDENT
    data.pop("subject_ref")
    return {**data, "committee_id": COMMITTEE, **extra}


def written_agreement(**overrides) -> dict:
    data = {
        "parties": [1, 2],
        "dispute": "李四在两户之间通道加建围墙，致张三无法通行；双方对通道归属各执一词",
        "obligations": "李四拆除占道围墙，张三承担拆除费用的一半（人民币800元）",
        "performance_manner": "李四自行拆除；张三以现金支付",
        "performance_deadline": "2026年12月31日前",
        "signatures": [{"party": 1, "form": "sign"}, {"party": 2, "form": "fingerprint"}],
        "mediator_signature": "med-jy-01",
        "committee_seal": True,
    }
    data.update(overrides)
    return data


def court_case(case: dict, status: str, event: str) -> dict:
    """What the JC case's case_transitioned event gives the sys events (services/mediation/children.py)."""
    return {"jc_case_id": f"jc{case['case_id'][:30]}", "jc_case_no": "JC-330681-2026-000001", "jc_status": status,
            "jc_event": event, "jc_version": 3, "at": "2026-03-20T10:00:00+08:00"}


# the plaintiff's own decision to sue, as the committee records it (CPL Art 122-123)
SUIT_DECISION = {"how": "in_person", "statement": "本人坚持向人民法院起诉"}

EXAMPLES = {
    "apply": lambda case: application(),
    "initiate_proactive": lambda case: {**application(), "committee_id": None, "source": "网格员上报"},
    "request_consent": {"how": "phone"},
    "respondent_consents": {"party": 2, "note": "同意调解"},
    "party_refuses": {"party": 2, "express": True, "statement": "明确表示不愿调解"},
    "accept": {"respondent_consented": True},
    "reject": {"ground": "accepted_by_court", "channel_told": "已由人民法院受理，告知当事人向法院了解进展"},
    "assign_mediator": {"mediator_ids": ["med-jy-01"], "how": "chosen_by_parties"},
    "report_escalation_risk": {"risk": "public_security", "reported_to": "zj-police", "measures": "分开双方，稳控情绪"},
    "extend_period": {"clock": "mediation_general", "amount": 15, "requested_by": [1, 2], "reason": "待补充材料"},
    "clock_pause": {"clock": "mediation_medical", "reason": "appraisal", "note": "委托医疗损害鉴定"},
    "clock_resume": {"clock": "mediation_medical", "note": "鉴定意见已送达"},
    "sign_written_agreement": lambda case: written_agreement(),
    "record_oral_agreement": {"content": "李四当场赔偿张三500元", "performed_immediately": True},
    "party_withdraws": {"party": 1, "channels_told": ["litigation"], "next_channel": "diversion"},
    "declare_failure": {"ground": "no_agreement_possible", "channels_told": ["litigation", "administrative"]},
    "deadline_expired": {"clock": "mediation_general"},
    "labour_period_expired": {"clock": "mediation_labour"},
    "apply_judicial_confirmation": {"applicants": [1, 2], "court_id": COURT},
    "start_supervision": {"supervisor": "med-jy-01"},
    "confirmation_window_closed": {"clock": "confirmation_window"},
    "confirmation_granted": lambda case: court_case(case, "JC_CONFIRMED", "confirm"),
    "confirmation_rejected": lambda case: court_case(case, "JC_REJECTED", "reject"),
    "confirmation_lapsed": lambda case: {**court_case(case, "JC_NOT_ACCEPTED", "refuse"), "outcome": "not_accepted"},
    "confirmation_rejected_remediate": {"note": "双方同意修改协议内容后重新调解"},
    "confirmation_rejected_terminate": {"channels_told": ["litigation"], "next_channel": "diversion",
                                        "reason": "协议被驳回确认，双方同意诉讼解决"},
    "refer_to_court": {"plaintiff": 1, "reason": "张三坚持起诉", "decision": SUIT_DECISION},
    "enforcement_requested": lambda case: court_case(case, "JC_ENFORCEMENT_REQUESTED", "apply_enforcement"),
    "confirmation_ruling_reviewed": lambda case: court_case(case, "JC_REVOKED", "revoke_ruling"),
    "handoff_refused": {"link_id": 0, "service": "diversion", "code": "GUARD_FAILED"},
    "record_performed": {"note": "围墙已拆除，费用已付清"},
    "report_non_performance": {"party": 1, "note": "对方逾期未拆除围墙"},
    "archive": {"file_no": "JY-2026-001", "materials": ["registration", "work_record", "agreement",
                                                       "oral_agreement_record", "termination_notice"]},
    "deadline_warning": {"clock": "acceptance"},
    "acceptance_overdue": {"clock": "acceptance"},
    "consent_expired": {"clock": "respondent_consent"},
    "court_period_updated": {"deadlines": [{"kind": "prefiling_mediation", "label": "诉前调解期限",
                                            "due_at": "2026-04-01T23:59:59+08:00"}],
                             "court_status": "DV_MEDIATING", "court_version": 7},
}

ROLE_FOR = {
    "apply": "window", "initiate_proactive": "pmc", "request_consent": "pmc", "respondent_consents": "party",
    "party_refuses": "party", "accept": "pmc", "reject": "pmc", "assign_mediator": "pmc",
    "report_escalation_risk": "mediator", "extend_period": "party", "clock_pause": "mediator",
    "clock_resume": "mediator", "sign_written_agreement": "mediator", "record_oral_agreement": "mediator",
    "party_withdraws": "party", "declare_failure": "mediator", "apply_judicial_confirmation": "party",
    "start_supervision": "pmc",
    # the court's answer comes from its JC case (sys); the parties then choose the remedy (PML Art 33 ¶3)
    "confirmation_granted": "sys", "confirmation_rejected": "sys", "confirmation_lapsed": "sys",
    "confirmation_rejected_remediate": "party", "confirmation_rejected_terminate": "party",
    "refer_to_court": "party", "enforcement_requested": "sys", "handoff_refused": "sys",
    "confirmation_ruling_reviewed": "sys",
    "record_performed": "mediator", "report_non_performance": "party",
    "archive": "pmc", "deadline_expired": "sys", "labour_period_expired": "sys", "confirmation_window_closed": "sys",
    "deadline_warning": "sys", "acceptance_overdue": "sys", "consent_expired": "sys",
    "court_period_updated": "sys",
}

# data along the path that an event needs: the appraisal pause runs on the medical clock only
MEDICAL = {"apply": lambda case: application("medical_dispute")}
PATH_OVERRIDES = {"clock_pause": MEDICAL, "clock_resume": MEDICAL}
# self-loops fired first so that the event under test can run (a clock must be paused to resume)
PREPARE = {"clock_resume": ["clock_pause"]}


@pytest.fixture
def mediation(container_factory, service_config):
    from services.mediation.service import MediationService
    container = container_factory(MediationService, service_config)
    container.start()
    return container


def platform_env(container):
    """The running service's Env for the mediation case type (what the sweep fires through)."""
    platform = next(d for d in container.dependencies if isinstance(d, Platform))
    envs = getattr(platform, "envs", None)
    return envs[MEDIATION.code] if envs else platform.env


def handoff_from(data: dict) -> dict:
    """The payload intake's relay sends for a route to mediation (infra.handoff.handoff_payload)."""
    return {"parent_service": "intake", "parent_case_id": key()[:32], "parent_case_no": "JF-330681-2026-000001",
            "reason": "民间纠纷，调解先行", "basis": "PSR Art 44; PML Art 17", "target_org_id": data["committee_id"],
            "channel": data["channel"], "category": data["category"], "summary": data["summary"],
            "request": data["request"], "facts": data["facts"], "parties": data["parties"], "data": {}}


def delegation_from(data: dict) -> dict:
    """What diversion's relay sends when the court designates a people's mediation committee (SPEC §7:
    court-delegated mode; services/diversion/delegation.py)."""
    return {**handoff_from(data), "parent_service": "diversion", "parent_case_no": "DV-330681-2026-000001",
            "reason": "人民法院委派人民调解委员会诉前调解", "basis": "SIM Art 1, 11; PML Art 18; SPEC §7",
            "data": {"mode": "court_delegated", "court_id": COURT, "designated_by": "court",
                     "designated_at": "2026-03-02T10:00:00+08:00"}}


def caller(rpc_as, env):
    """A Walker ``call``: RPC as the role's actor; ``sys`` through the engine, as the sweep does."""
    def call(role, event, case_id, data, version):
        if role == "sys":
            org = rpc_as(ACTORS["pmc"]).mediation.get_case(case_id)["org_id"]
            return transition(env, system_actor(org), event, case_id=case_id, data=data,
                              expected_version=version, idempotency_key=key(),
                              view=lambda case, ctx: case_view(case, env, None, ctx.now))
        actor, data = as_party(ACTORS[role], data)      # a party's act: the committee's staff record it
        proxy = rpc_as(actor).mediation
        if event == "apply" and role == "router":
            return proxy.open_from_handoff(handoff_from(data), key())
        if event == "apply" and role == "filing":       # the court's delegation (SPEC §7)
            return proxy.open_from_handoff(delegation_from(data), key())
        if event == "apply":
            return proxy.apply(data, key())
        if event == "initiate_proactive":
            return proxy.initiate_proactive(data, key())
        return proxy.fire(case_id, event, data, version, key())
    return call


def snapshot(rpc_as, container=None):
    outbox = outbox_rows(container) if container is not None else None
    return lambda case_id: case_snapshot(rpc_as(ACTORS["pmc"]).mediation, case_id, outbox)


def make_walker(container, rpc_as) -> Walker:
    return Walker(MEDIATION, caller(rpc_as, platform_env(container)), snapshot(rpc_as, container), EXAMPLES,
                  ROLE_FOR, PATH_OVERRIDES)
