"""How to walk the diversion service's two case types (DV: pre-filing / entrusted mediation; JC:
judicial confirmation): who acts (each role for its own body), sample data per event, and a caller
that fires over RPC, or through the one transition function for the timer's ``sys`` events (a caller
may not claim ``sys``)."""
from __future__ import annotations

import random
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from contracts.diversion import EXPLAIN_ITEMS, FILING_CONDITIONS
from infra import timekeeping
from infra.actors import system_actor
from infra.engine import transition
from infra.service import Platform
from infra.views import case_view
from services.diversion.casetype import DIVERSION
from services.diversion.jc_casetype import JUDICIAL_CONFIRMATION
from tests.factories import claim, key, person_id
from tests.conftest import ACTORS as LAWFUL
from tests.harness import Walker, as_party, case_snapshot, outbox_rows

SH = ZoneInfo("Asia/Shanghai")
COURT = "zj-court"
COMMITTEE = "zj-pmc-jiyang"

ACTORS = {
    "party": {"user_id": "party-01", "role": "party", "org_id": COURT},       # at the court's service centre
    "filing": {"user_id": "filing-01", "role": "filing", "org_id": COURT},
    "judge": {"user_id": "judge-01", "role": "judge", "org_id": COURT},
    "mediator": {"user_id": "med-jy-01", "role": "mediator", "org_id": COMMITTEE},
    "router": {"user_id": "router-01", "role": "router", "org_id": "zj-centre"},
    "window": {"user_id": "clerk-01", "role": "window", "org_id": "zj-centre"},
    "pmc": {"user_id": "pmc-jy-01", "role": "pmc", "org_id": COMMITTEE},
    **{role: LAWFUL[role] for role in ("xfb", "handler", "sup", "issuer", "rcpt", "supv")},   # lawful orgs
}


def above(role: str) -> dict:
    """An actor of the superior court (governs zj-court and every case it owns): isolates the state
    machine's refusal from the organisation check."""
    return {"user_id": f"{role}-sx", "role": role, "org_id": "sx-court"}


def fresh_parties() -> list[dict]:
    """Parties with ID numbers of their own, so D7 (same parties, failed before) never matches by chance."""
    parties = claim()["parties"]
    for p in parties:
        while True:
            born = date(1960, 1, 1) + timedelta(days=random.randrange(14000))
            try:
                p["id_number"] = person_id(born.strftime("%Y%m%d"), random.randrange(1, 999))
                break
            except StopIteration:   # python-stdnum accepts no check digit for some bodies ('X' cases)
                continue
    return parties


def complaint(category="neighbourhood", **extra) -> dict:
    data = claim(category)
    data["parties"] = fresh_parties()
    data["subject_ref"] = f"暨阳街道某村{random.randrange(1, 10**6)}号"
    return {**data, "channel": "window", **extra}


def today() -> str:
    """Today in Shanghai, as the services see it (infra.timekeeping may be frozen by a test)."""
    return timekeeping.now().astimezone(SH).date().isoformat()


def application(effective_at: str | None = None, **extra) -> dict:
    """A joint application for confirmation of a people's-mediation agreement made at the committee."""
    return {"court_id": COURT, "category": "neighbourhood", "channel": "window",
            "summary": "邻里通行纠纷调解协议申请司法确认", "facts": "经暨阳街道人民调解委员会调解达成协议",
            "parties": fresh_parties(), "applicants": [1, 2], "form": "written",
            "agreement": {"effective_at": effective_at or today(), "content": "李四拆除占道围墙，张三承担费用800元",
                          "kind": "written", "mediation_org_id": COMMITTEE, "mediation_case_no": "PM-330681-2026-000001"},
            "jurisdiction_basis": "mediator_location", "materials": ["调解协议", "身份证明"], **extra}


def handoff_for_complaint(data: dict) -> dict:
    """What intake's relay sends for route_to_diversion (infra.handoff.handoff_payload)."""
    return {"parent_service": "intake", "parent_case_id": key()[:32], "parent_case_no": "JF-330681-2026-000001",
            "reason": "当事人坚持起诉", "basis": "PSR Art 45; CPL Art 125; OMR Art 7", "target_org_id": COURT,
            "channel": data["channel"], "category": data["category"], "summary": data["summary"],
            "request": data["request"], "facts": data["facts"], "parties": data["parties"],
            "data": {"target": "diversion", "subject_ref": data.get("subject_ref")}}


def handoff_for_suit(data: dict, plaintiff: int = 1, outcome: str = "terminated") -> dict:
    """What the mediation service's relay sends for refer_to_court (services/mediation/litigation.py)."""
    return {"parent_service": "mediation", "parent_case_id": key()[:32], "parent_case_no": "PM-330681-2026-000009",
            "reason": "调解不成，当事人坚持起诉", "basis": "PML Art 26; SPEC §7 (PM_TERMINATED → DV_RECEIVED)",
            "target_org_id": None, "channel": data["channel"], "category": data["category"],
            "summary": data["summary"], "request": data["request"], "facts": data["facts"], "parties": data["parties"],
            "data": {"purpose": "litigation", "plaintiff": plaintiff, "committee_id": COMMITTEE,
                     "claim": "请求判令被告拆除占道围墙",
                     "prior_mediation": {"outcome": outcome, "case_no": "PM-330681-2026-000009"}}}


def handoff_for_petition(data: dict, event: str = "redirect") -> dict:
    """What the petition service's relay sends for a 涉法涉诉 civil suit (services/petition/litigation.py):
    the petition's own LVR Art 17 channel, told at the court as the channel it corresponds to."""
    return {"parent_service": "petition", "parent_case_id": key()[:32], "parent_case_no": "PT-330681-2026-000004",
            "reason": "涉法涉诉，属民事纠纷，告知向人民法院起诉", "basis": "LVR Art 20 ¶2, 22 ¶2, 28 ¶2 (诉访分离); SPEC §7",
            "target_org_id": COURT, "channel": "visit", "category": data["category"], "summary": data["summary"],
            "request": data["request"], "facts": data["facts"], "parties": data["parties"],
            "data": {"purpose": "litigation", "petition_event": event, "petition_office": "zj-xfj-county"}}


def handoff_for_confirmation(data: dict, parent_case_id: str | None = None) -> dict:
    """What the mediation service's relay will send for PM apply_judicial_confirmation (SPEC §7)."""
    agreement = data["agreement"]
    return {"parent_service": "mediation", "parent_case_id": parent_case_id or key()[:32],
            "parent_case_no": agreement["mediation_case_no"], "reason": "双方当事人共同申请司法确认",
            "basis": "PML Art 33; CPL Art 205", "target_org_id": data["court_id"], "channel": data["channel"],
            "category": data["category"], "summary": data["summary"], "request": "请求确认调解协议有效",
            "facts": data["facts"], "parties": data["parties"],
            "data": {"purpose": "judicial_confirmation", "joint_application": True, "applicants": data["applicants"],
                     "committee_id": agreement["mediation_org_id"],
                     "agreement": {"effective_at": agreement["effective_at"], "obligations": agreement["content"],
                                   "kind": "written"}}}


# -- DV ------------------------------------------------------------------------------------------------
DV_EXAMPLES = {
    "receive_complaint": lambda case: complaint(),
    "explain_mediation": {"how": "oral", "told": list(EXPLAIN_ITEMS), "suitable": True},
    "plaintiff_consents": {"party": 1, "how": "in_person", "statement": "同意诉前调解"},
    "plaintiff_declines": {"party": 1, "statement": "坚持立案"},
    "return_application": {"ground": "unsuitable_online", "channel_told": "告知到诉讼服务大厅现场办理立案"},
    "direct_to_filing": {"ground": "not_suitable_for_mediation", "note": "案件性质不适宜调解"},
    "designate_mediator": {"by": "parties_jointly", "mediator_org_id": COMMITTEE, "mediator_id": "med-jy-01"},
    "refuse_designation": {"party": 1, "statement": "不同意法院指定的调解组织"},
    "mediator_accepts": {"disclosure": "与当事人无利害关系"},
    "mediator_declines": {"ground": "outside_expertise", "reason": "纠纷明显超出本组织擅长领域"},
    "deadline_expired_redesignate": {"clock": "mediator_acceptance"},
    "respondent_consents": {"party": 2, "how": "phone", "statement": "同意调解"},
    "respondent_refuses": {"party": 2, "how": "phone", "statement": "被告明确拒绝调解"},
    "respondent_unreachable": {"attempts": "三次电话、一次短信均未能联系"},
    "extend_period": lambda case: {"clock": "entrusted_mediation" if case["status"] == "DV_ENTRUSTED"
                                   else "prefiling_mediation", "amount": 10, "agreed_by": [1, 2]},
    "clock_pause": {"clock": "prefiling_mediation", "reason": "appraisal", "note": "诉前委托鉴定"},
    "clock_resume": {"clock": "prefiling_mediation", "note": "鉴定意见已送达"},
    "sign_agreement": {"content": "李四于30日内拆除占道围墙，张三承担费用800元", "signatures": [1, 2],
                       "mediator_signature": "med-jy-01", "org_seal": True},
    "terminate": {"ground": "wide_disagreement", "reason": "双方对通道归属分歧较大，难以达成协议"},
    "deadline_expired": {"clock": "prefiling_mediation"},
    "transfer_to_filing": {"party_insists_on_suing": True, "party": 1, "how": "in_person", "note": "原告坚持起诉"},
    "plaintiff_withdraws": {"party": 1, "how": "phone", "statement": "原告表示不再起诉"},
    "entrusted_file_received": {"received_by": "med-jy-01", "note": "已签收移交材料"},
    "request_correction": {"missing": "被告住所不明确"},
    "complaint_corrected": {"note": "已补正被告住所"},
    "file_case": {"docket_no": "（2026）浙0681民初101号", "conditions": list(FILING_CONDITIONS)},
    "refuse_filing": {"ground": "other_court", "ruling_no": "（2026）浙0681民初102号", "channel_told": "告知向有管辖权的法院起诉",
                      "appeal_told": True},
    "apply_judicial_confirmation": {"applicants": [1, 2]},
    "confirmation_window_closed": {"clock": "confirmation_window"},
    "entrust_mediation": {"procedure": "summary", "mediator_org_id": COMMITTEE},
    "agreement_reached": {"outcome": "mediation_statement", "content": "双方同意按调解协议履行", "document_no": "调解书1号"},
    "mediation_failed": {"reason": "委托调解未达成协议"},
    "deadline_expired_resume_trial": {"clock": "entrusted_mediation"},
    "deadline_overdue": {"clock": "court_designation"},
    "deadline_warning": {"clock": "court_designation"},
}

DV_ROLE_FOR = {
    "receive_complaint": "filing", "explain_mediation": "filing", "plaintiff_consents": "party",
    "plaintiff_declines": "party", "return_application": "filing", "direct_to_filing": "filing",
    "designate_mediator": "filing", "refuse_designation": "party", "mediator_accepts": "mediator",
    "mediator_declines": "mediator", "deadline_expired_redesignate": "sys", "respondent_consents": "party",
    "respondent_refuses": "party", "respondent_unreachable": "mediator", "extend_period": "party",
    "clock_pause": "mediator", "clock_resume": "mediator", "sign_agreement": "mediator", "terminate": "mediator",
    "deadline_expired": "sys", "transfer_to_filing": "mediator", "request_correction": "filing",
    "plaintiff_withdraws": "party", "entrusted_file_received": "mediator",
    "complaint_corrected": "party", "file_case": "filing", "refuse_filing": "filing",
    "apply_judicial_confirmation": "party", "confirmation_window_closed": "sys", "entrust_mediation": "judge",
    "agreement_reached": "mediator", "mediation_failed": "mediator", "deadline_expired_resume_trial": "sys",
    "deadline_overdue": "sys", "deadline_warning": "sys",
}

# data along the path that an event needs: refusing a designation needs the court's designation
COURT_DESIGNATES = {"designate_mediator": {"by": "court", "mediator_org_id": COMMITTEE, "parties_asked_court": True}}
DV_PATH_OVERRIDES = {"refuse_designation": COURT_DESIGNATES}
# self-loops fired first so that the event under test can run (a clock must be paused to resume)
DV_PREPARE = {"clock_resume": ["clock_pause"]}

# -- JC ------------------------------------------------------------------------------------------------
JC_EXAMPLES = {
    "apply": lambda case: application(),
    "accept": {"docket_no": "（2026）浙0681民特1号"},
    "refuse": {"ground": "status_relation", "ruling_no": "（2026）浙0681民特2号", "reason": "协议涉及解除收养关系"},
    "request_supplement": {"items": "补充与调解协议相关的财产权利证明", "days": 5},
    "supplement_received": {"note": "已补充房屋权属证明"},
    "deadline_expired": {"clock": "jc_supplement"},
    "withdraw": {"party": 1, "note": "双方自行和解，撤回申请"},
    "confirm": {"ruling_no": "（2026）浙0681民特3号", "parties_heard": True},
    "reject": {"ground": "unclear_content", "ruling_no": "（2026）浙0681民特4号", "reason": "履行方式不明确"},
    "extend_review": {"clock": "jc_decision", "amount": 10, "approved_by": "president-01", "reason": "需调查核实"},
    "apply_enforcement": {"applicant": 1, "non_performance": "refused", "note": "被申请人拒不拆除围墙"},
    "file_objection": {"objector": "party", "party": 2, "grounds": "裁定所依据的协议违反自愿原则"},
    "revoke_ruling": {"ruling_no": "（2026）浙0681民特5号", "reason": "异议成立：协议违反自愿原则"},
    "amend_ruling": {"ruling_no": "（2026）浙0681民特6号", "reason": "异议部分成立",
                     "content": "李四拆除占道围墙；费用条款不予确认"},
    "dismiss_objection": {"ruling_no": "（2026）浙0681民特7号", "reason": "异议不成立"},
    "deadline_overdue": {"clock": "jc_acceptance"},
    "deadline_warning": {"clock": "jc_acceptance"},
}

JC_ROLE_FOR = {
    "apply": "party", "accept": "filing", "refuse": "filing", "request_supplement": "judge",
    "supplement_received": "party", "deadline_expired": "sys", "withdraw": "party", "confirm": "judge",
    "reject": "judge", "extend_review": "judge", "apply_enforcement": "party", "file_objection": "party",
    "revoke_ruling": "judge", "amend_ruling": "judge", "dismiss_objection": "judge",
    "deadline_overdue": "sys", "deadline_warning": "sys",
}


@pytest.fixture
def diversion(container_factory, service_config):
    from services.diversion.service import DiversionService
    container = container_factory(DiversionService, service_config)
    container.start()
    return container


def platform_env(container, code: str):
    """The running service's Env for a case type (what the sweep fires through)."""
    platform = next(d for d in container.dependencies if isinstance(d, Platform))
    return platform.envs[code]


def caller(rpc_as, env, actors=ACTORS):
    """A Walker ``call``: RPC as the role's actor (a role name, or an actor dict); ``sys`` through the
    engine, as the sweep does."""
    def call(role, event, case_id, data, version):
        if role == "sys":
            org = rpc_as(ACTORS["filing"]).diversion.get_case(case_id)["org_id"]
            return transition(env, system_actor(org), event, case_id=case_id, data=data,
                              expected_version=version, idempotency_key=key(),
                              view=lambda case, ctx: case_view(case, env, None, ctx.now))
        actor = role if isinstance(role, dict) else actors[role]
        recorded, pdata = as_party(actor, data)          # a party's act: the court's staff record it
        proxy = rpc_as(recorded).diversion
        if event == "receive_complaint":
            if actor["role"] == "router":
                return proxy.open_from_handoff(handoff_for_complaint(data), key())
            if actor["role"] in ("party", "pmc"):       # a people's-mediation case's suit (SPEC §7)
                return proxy.open_from_handoff(handoff_for_suit(data), key())
            if actor["role"] in ("xfb", "handler"):     # a petition case's 涉法涉诉 civil suit (LVR Art 20 ¶2)
                return proxy.open_from_handoff(handoff_for_petition(data), key())
            return proxy.receive_complaint(pdata, key())
        if event == "apply" and case_id is None:
            if actor["role"] == "router":
                return proxy.open_from_handoff(handoff_for_confirmation(data), key())
            return proxy.apply_for_confirmation(pdata, key())
        return proxy.fire(case_id, event, pdata, version, key())
    return call


def snapshot(rpc_as, container=None):
    outbox = outbox_rows(container) if container is not None else None
    return lambda case_id: case_snapshot(rpc_as(ACTORS["filing"]).diversion, case_id, outbox)


def dv_walker(container, rpc_as) -> Walker:
    return Walker(DIVERSION, caller(rpc_as, platform_env(container, "diversion")), snapshot(rpc_as, container),
                  DV_EXAMPLES, DV_ROLE_FOR, DV_PATH_OVERRIDES)


def jc_walker(container, rpc_as) -> Walker:
    return Walker(JUDICIAL_CONFIRMATION, caller(rpc_as, platform_env(container, "jc")), snapshot(rpc_as, container),
                  JC_EXAMPLES, JC_ROLE_FOR)
