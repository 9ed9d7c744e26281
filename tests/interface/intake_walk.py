"""How to walk the intake case type: sample data per event and a role that may fire it."""
from __future__ import annotations

from tests.factories import claim, key, person_id

FIXED_APPLICANT = person_id("19900101", 901)
FIXED_RESPONDENT = person_id("19910101", 902)


def walk_claim(category="neighbourhood"):
    data = claim(category)
    data["parties"][0]["id_number"] = FIXED_APPLICANT
    data["parties"][1]["id_number"] = FIXED_RESPONDENT
    return data


EXAMPLES = {
    "register_claim": lambda case: walk_claim(),
    "answer_on_spot": {"kind": "consultation", "answer": "已当场解答相邻关系法律规定"},
    "classify": {"category": "neighbourhood", "note": "相邻通行纠纷"},
    "route_to_mediation": {"reason": "民间纠纷，调解先行", "target_org_id": "zj-pmc-jiyang"},
    "route_to_diversion": {"reason": "当事人坚持起诉", "party_wants_to_sue": True, "target_org_id": "zj-court"},
    "route_to_petition": {"reason": "对征收补偿决定有异议", "target_org_id": "zj-xfj-county"},
    "refer_external": {"external_channel": "labour_arbitration", "reason": "当事人不愿调解，选择申请劳动争议仲裁"},
    "start_tracking": {"notified_how": "in_person"},
    "notify_existing_channel": {"notified_how": "sms"},
    "close": {"outcome": "已答复，申请人满意"},
    "deadline_warning": {"clock": "classify_route"},
    "deadline_expired": {"clock": "classify_route"},
    "child_case_closed": {"child_case_id": "x"},
    "reissue_query_code": {"reissue_reason": "lost"},
}

ROLE_FOR = {
    "register_claim": "window", "answer_on_spot": "window", "classify": "router", "link_duplicate": "router",
    "route_to_mediation": "router", "route_to_diversion": "router", "route_to_petition": "router",
    "refer_external": "router", "start_tracking": "window", "notify_existing_channel": "window",
    "close": "window", "child_case_closed": "sys", "deadline_warning": "sys", "deadline_expired": "sys",
    "reissue_query_code": "window",
}

# data along the path that a target event's guards need (a petition-type or labour category)
PATH_OVERRIDES = {
    "route_to_petition": {"classify": {"category": "administrative"}},
    "refer_external": {"classify": {"category": "labour"}},
}

SYS_EVENTS = {"child_case_closed", "deadline_warning", "deadline_expired"}


def rpc_caller(rpc_as, walker_state):
    """A Walker ``call`` over nameko RPC. link_duplicate's example needs an earlier case of the same
    parties, so the caller registers one first and remembers it."""
    def call(role, event, case_id, data, version):
        proxy = rpc_as(role).intake
        if event == "register_claim":
            return proxy.register_case(data, key())
        if event == "link_duplicate" and not data:
            if "earlier" not in walker_state:
                walker_state["earlier"] = rpc_as("window").intake.register_case(walk_claim(), key())
            data = {"duplicate_of": walker_state["earlier"]["case_id"], "rule": "D1"}
        return proxy.fire(case_id, event, data, version, key())
    return call
