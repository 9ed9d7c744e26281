"""How to walk the petition case type: sample data per event, a role that may fire it, and which
organisation each role acts for on a given case (the petition office owns the case; the handling
organ, the review organ and the re-review organ act on it as participants)."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from infra import timekeeping
from infra.calendar import to_shanghai_date
from infra.service import Platform
from services.petition.casetype import PETITION
from tests.factories import key, person_id
from tests.harness import as_party, shortest_paths

FIXED_PETITIONER = person_id("19900505", 801)
OFFICE, HANDLER, REVIEWER, RECHECKER = "zj-xfj-county", "zj-nr", "zj-gov-county", "sx-gov"
STATION = "zj-nr-jiyang"
DEFAULT_ORG = {"xfb": OFFICE, "window": "zj-centre", "router": "zj-centre", "handler": HANDLER, "sup": REVIEWER,
               "party": OFFICE, "supv": "zj-centre"}
RECHECK_EVENTS = {"issue_recheck", "clock_pause", "clock_resume", "serve_recheck"}


def actor(role: str, org_id: str, user: str | None = None) -> dict:
    return {"user_id": user or f"{role}-{org_id}", "role": role, "org_id": org_id}


def petition(petitioner: str = FIXED_PETITIONER, **overrides) -> dict:
    data = {
        "channel": "letter",
        "petition_kind": "claim",
        "category": "administrative",
        "summary": "对征收补偿标准有异议，要求重新核定",
        "request": "请求按评估价重新核定房屋征收补偿",
        "facts": "2026年3月收到征收补偿决定，补偿标准明显低于市场评估价……",
        "reasons": "补偿标准违反征收补偿条例第十九条",
        "subject_ref": "暨阳街道某村12号宅基地",
        "parties": [{"role": "applicant", "kind": "person", "name": "王五", "id_number": petitioner,
                     "phone": "13700137000", "address": "诸暨市暨阳街道某村12号"}],
    }
    data.update(overrides)
    return data


def handoff(petitioner: str = FIXED_PETITIONER, target_org_id: str | None = OFFICE, **overrides) -> dict:
    data = {
        "parent_service": "intake", "parent_case_id": uuid.uuid4().hex, "parent_case_no": "JF-330681-2026-000001",
        "reason": "对征收补偿决定有异议，属信访事项", "basis": "PSR Art 46; LVR Art 22, 31",
        "target_org_id": target_org_id, "channel": "window", "category": "administrative",
        "summary": "对征收补偿标准有异议", "request": "请求重新核定征收补偿", "facts": "补偿标准低于评估价",
        "parties": [{"role": "applicant", "kind": "person", "name": "王五", "id_number": petitioner,
                     "phone": "13700137000", "address": "诸暨市暨阳街道某村12号"}],
        "data": {},
    }
    data.update(overrides)
    return data


def today() -> str:
    return to_shanghai_date(timekeeping.now()).isoformat()


def served(method: str = "post", **more):
    """送达 data for serve_opinion / serve_review / serve_recheck: received today unless told."""
    return lambda case: {"served_on": today(), "method": method, "receipt_ref": "EMS回执1100223344", **more}


def report_due(days: int = 30) -> str:
    return (to_shanghai_date(timekeeping.now()) + timedelta(days=days)).isoformat()


SUPPORT = {"outcome": "support", "reasons": "补偿标准低于评估价", "legal_basis": "《国有土地上房屋征收与补偿条例》第十九条"}

EXAMPLES = {
    # a fresh petitioner per case: the walk's cases are not repeats of each other (LVR Art 36 ¶3 guard)
    "register": lambda case: petition(person_id("19930303")),
    "register_from_handoff": lambda case: handoff(person_id("19930303")),
    # the petition office transfers to the county bureau; the bureau itself to its township station
    "transfer": lambda case: {"handler_org_id": STATION if case["org_id"] == HANDLER else HANDLER,
                              "note": "属自然资源部门职责"},
    "assign": lambda case: {"handler_org_id": HANDLER, "report_due": report_due()},
    "acknowledge": {"written_notice_ref": "诸自然资信告〔2026〕1号", "notified_how": "letter"},
    "object_misdirected": {"reasons": "该事项属住房和城乡建设部门职责，不属本机关职权范围"},
    "objection_upheld": {"note": "经核实，同意异议，另行转送"},
    "objection_dismissed": {"note": "经核实，属该机关职责，应予办理"},
    "redirect": {"kind": "outside_competence", "channel_told": "向市场监督管理部门提出"},
    "reject_duplicate": {},   # filled by the caller: an earlier petition of the same petitioner after re-review
    "start_handling": {"handling_basis": "31(6)", "note": "调查核实后出具处理意见"},
    "classify_suggestion": {"note": "研究论证后回复"},
    "route_to_legal_procedure": {"procedure": "litigation", "target_org_id": "zj-court"},
    "extend": {"amount": 20, "approval": "局长批准（诸自然资〔2026〕7号）", "reason": "涉及多宗地块，需补充调查",
               "notice": "已书面告知信访人延期理由"},
    "hold_hearing": {"grounds": "complex", "note": "邀请人大代表、律师参加"},
    "start_mediation": {"petitioner_consents": True, "other_side_consents": True},
    "sign_settlement": {"agreement_ref": "和解协议书（2026）第1号", "signed_by": ["petitioner", "other_side", "handler"],
                        "satisfaction": "satisfied", "via": "in_person"},
    "mediation_failed": {"note": "双方未达成一致"},
    "issue_opinion": {"outcome": "not_support", "reasons": "补偿已按评估价核定",
                      "legal_basis": "《国有土地上房屋征收与补偿条例》第十九条", "document_ref": "诸自然资信意〔2026〕1号"},
    "serve_opinion": served(),
    "serve_review": served("direct", received_by="王五"),
    "serve_recheck": served("electronic"),
    "request_review": {"reasons": "不服处理意见，评估方法有误"},
    "accept_opinion": {"satisfaction": "basically_satisfied"},
    "review_window_expired": {"clock": "review_window"},
    "issue_review": {"outcome": "not_support", "reasons": "原处理意见事实清楚", "written_reply_ref": "诸政信复查〔2026〕1号"},
    "request_recheck": {"reasons": "不服复查意见"},
    "accept_review": {"satisfaction": "basically_satisfied"},
    "recheck_window_expired": {"clock": "recheck_window"},
    "clock_pause": {"clock": "recheck_decision", "reason": "hearing", "note": "复核听证"},
    "clock_resume": {"clock": "recheck_decision", "reason": "hearing", "note": "听证结束"},
    "issue_recheck": {"outcome": "not_support", "reasons": "复查意见正确", "written_reply_ref": "绍政信复核〔2026〕1号"},
    "objection_window_expired": {"clock": "objection"},
    "deadline_warning": {"clock": "transfer"},
    "deadline_expired": {"reason": "发现办理拖延，予以督办"},
    "execution_overdue": {"reason": "支持意见逾期未执行"},
    "record_satisfaction": {"satisfaction": "dissatisfied", "via": "phone", "note": "回访"},
}

ROLE_FOR = {e.id: next(r for r in e.roles if r != "sys") if e.roles != ("sys",) else "sys" for e in PETITION.events}

SYS_EVENTS = {e.id for e in PETITION.events if e.roles == ("sys",)}
# clock_resume needs a clock_pause first, in the same state: walked by its own test
SKIP = SYS_EVENTS | {"clock_resume"}

# received directly by the competent organ (the county bureau), which then acknowledges it itself (LVR
# Art 23 ¶1-2): the shortest paths to every state after acceptance go this way; the petition office's
# transfer is walked from PT_RECEIVED/PT_TRANSFERRED, and end to end by Flow.
DIRECT_RECEIPT = {"register": lambda case: petition(person_id("19930303"), org_id=HANDLER)}
PATH_OVERRIDES = {
    # the walk's one repeated petition: the fixed petitioner, received directly by the county bureau, which
    # may refuse it itself (LVR Art 36 ¶3 binds every organ)
    "reject_duplicate": {"register": lambda case: petition(org_id=HANDLER)},
    "acknowledge": DIRECT_RECEIPT,
    "redirect": DIRECT_RECEIPT,           # xfb or handler of the receiving organ
    "classify_suggestion": {"register": lambda case: petition(person_id("19930303"), org_id=HANDLER,
                                                              petition_kind="suggestion", category="suggestion")},
    "execution_overdue": {"issue_opinion": SUPPORT, "issue_review": {**SUPPORT, "written_reply_ref": "复查1号"},
                          "issue_recheck": {**SUPPORT, "written_reply_ref": "复核1号"}},
}


def merged_overrides(events: list[str]) -> dict:
    out: dict = {}
    for event in events:
        out.update(PATH_OVERRIDES.get(event, {}))
    return out


def paths() -> dict[str, list[str]]:
    """Paths through the petition office's transfer (the usual way), for scenario tests (Flow)."""
    out = {}
    for state, path in shortest_paths(PETITION).items():
        out[state] = ["register", "transfer", *path[1:]] if path[1:2] == ["acknowledge"] else path
    return out


def actor_for(role: str, event: str, case: dict | None, data: dict) -> dict:
    """The person of that role who would act on this case: the clerk of the receiving body, the
    handling organ, the review organ (Art 35) or the re-review organ (Art 36)."""
    if case is None:
        org = data.get("org_id") if role == "xfb" and data.get("org_id") else DEFAULT_ORG.get(role, "zj-centre")
        return actor(role, org)
    d = case["data"] or {}
    if role == "handler":
        org = d.get("handler_org_id") or case["org_id"]
    elif role == "sup":
        org = (d.get("recheck") if event in RECHECK_EVENTS else d.get("review")) or {}
        org = org.get("org_id") or case["org_id"]
    elif role in ("xfb", "party"):
        org = case["org_id"]
    else:
        org = DEFAULT_ORG.get(role, "zj-centre")
    return actor(role, org)


def rpc_caller(rpc_as, state: dict):
    """A Walker ``call`` over nameko RPC, remembering the last view of each case to pick actors.
    reject_duplicate's example needs an earlier petition of the same petitioner after re-review."""
    views = state.setdefault("views", {})

    def call(role, event, case_id, data, version):
        case = views.get(case_id) if case_id else None
        who, data = as_party(actor_for(role, event, case, data), data)   # a party's act: staff record it
        proxy = rpc_as(who).petition
        if event == "register":
            result = proxy.register(data, key())
        elif event == "register_from_handoff":
            result = proxy.open_from_handoff(data, key())
        else:
            if event == "reject_duplicate" and not data:
                data = {"duplicate_of": final_case(call, state)["case_id"], "rule": "D4"}
            result = proxy.fire(case_id, event, data, version, key())
        views[result["case_id"]] = result
        return result
    return call


def drive(call, events: list[str], over: dict | None = None, case: dict | None = None) -> dict:
    """Fire events with the example data (or ``over``) as the role that may fire each."""
    for event in events:
        source = (over or {}).get(event, EXAMPLES.get(event, {}))
        data = source(case) if callable(source) else dict(source)
        case = call(ROLE_FOR[event], event, None if case is None else case["case_id"], data,
                    None if case is None else case["version"])
    return case


def final_case(call, state: dict) -> dict:
    if "final" not in state:
        path = shortest_paths(PETITION)["PT_FINAL"]
        state["final"] = drive(call, path, {**merged_overrides(path), "register": lambda case: petition(org_id=HANDLER)})
    return state["final"]


def platform_env(container):
    """The running container's platform environment (in-process tests call the engine with it)."""
    platform = next(d for d in container.dependencies if isinstance(d, Platform))
    return platform.envs["petition"] if hasattr(platform, "envs") else platform.env


def start_petition(container_factory, service_config, **jiefen):
    from services.petition.service import PetitionService
    config = {**service_config, "JIEFEN": {**service_config["JIEFEN"], **jiefen}}
    container = container_factory(PetitionService, config)
    container.start()
    return container


@pytest.fixture
def petition_service(container_factory, service_config):
    return start_petition(container_factory, service_config)


class Flow:
    """Scenario driver over RPC: cases along the walk paths, events fired by the right person of a
    role (or by an explicit organisation), with example data unless given."""

    def __init__(self, rpc_as):
        self.rpc_as = rpc_as
        self.state: dict = {}
        self.call = rpc_caller(rpc_as, self.state)

    def new(self, to: str | list[str], over: dict | None = None, **register) -> dict:
        """A fresh case driven to state ``to`` (or along an event list); ``register`` overrides the
        petition data (a fresh petitioner unless one is given)."""
        events = paths()[to] if isinstance(to, str) else to
        data = petition(**{"petitioner": person_id("19920202"), **register})
        return drive(self.call, events, {**(over or {}), "register": data, "register_from_handoff": handoff()})

    def fire(self, case: dict, event: str, data: dict | None = None, role: str | None = None,
             org: str | None = None) -> dict:
        role = role or ROLE_FOR[event]
        if data is None:
            source = EXAMPLES.get(event, {})
            data = source(case) if callable(source) else dict(source)
        if org is None:
            return self.call(role, event, case["case_id"], data, case["version"])
        result = self.rpc_as(actor(role, org)).petition.fire(case["case_id"], event, data, case["version"], key())
        self.state["views"][result["case_id"]] = result
        return result

    def then(self, case: dict, *events: str, over: dict | None = None) -> dict:
        for event in events:
            case = self.fire(case, event, (over or {}).get(event))
        return case

    def get(self, case: dict, org: str | None = None) -> dict:
        return self.rpc_as(actor("xfb", org or case["org_id"])).petition.get_case(case["case_id"])

    def history(self, case: dict) -> list[dict]:
        return self.rpc_as(actor("xfb", case["org_id"])).petition.case_history(case["case_id"])

    def proxy(self, role: str, org: str):
        return self.rpc_as(actor(role, org)).petition
