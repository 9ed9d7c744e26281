"""The legal conditions of judicial confirmation events (SPEC §4C; CPL Art 205-206; CPLI Art 351-358,
372; JC11). Every refusal cites its article."""
from __future__ import annotations

from infra.calendar import DAYS, MONTHS
from infra.casetype import Guard
from services.diversion.common import day, ends, router_only_by_handoff, seqs, today
from services.diversion.jurisdiction import has_jurisdiction


def _joint(case, d, ctx) -> bool:
    parties = set(range(1, len(d["parties"]) + 1))
    flag = ((d.get("handoff") or {}).get("data") or {}).get("joint_application")
    return flag is not False and parties <= set(d["applicants"])


def applied_on(d, ctx):
    """CPL Art 205; PML Art 33: the window is judged on the day the parties applied. A hand-off carries
    that day from the case they applied on (it may arrive later, or after diversion was down); at the
    court the application is made the day it is received. Never a day after today."""
    claimed = d.get("applied_at") if d.get("handoff") else None
    return min(day(claimed), today(ctx)) if claimed else today(ctx)


def _within_30_days(case, d, ctx) -> bool:
    effective = day(d["agreement"]["effective_at"])
    applied = applied_on(d, ctx)
    return effective <= applied <= ends(ctx, effective, 30, DAYS) and effective <= today(ctx)


def _jurisdiction(case, d, ctx) -> bool:
    """CPL Art 205: (1) the court that invited the mediation; (2) the basic court of a party's domicile,
    the subject's location or the mediation organisation's location, or the intermediate court where the
    dispute belongs to it; the place must be known (services/diversion/jurisdiction.py)."""
    agreement = d["agreement"]
    return has_jurisdiction(ctx.env.directory, d["court_id"], d["jurisdiction_basis"],
                            delegated_by=agreement.get("delegated_by_court"),
                            mediation_org_id=agreement.get("mediation_org_id"), county=d.get("jurisdiction_county"),
                            intermediate=d["intermediate_court"])


def _supplement_clock(case, d, ctx) -> bool:
    return d["clock"] == "jc_supplement"


def _objection_in_time(case, d, ctx) -> bool:
    """CPLI Art 372 ¶2: a party within 15 d of receiving the ruling; an interested person within
    6 months of knowing (or when they should have known) of the harm."""
    ruling = (case.data or {}).get("ruling") or {}
    if d["objector"] == "party":
        received = d.get("received_on") or ruling.get("served_on") or ruling.get("at")
        return received is not None and today(ctx) <= ends(ctx, received, 15, DAYS)
    known = day(d["known_on"])
    return known <= today(ctx) <= ends(ctx, known, 6, MONTHS)


GUARDS = {
    "router_handoff": router_only_by_handoff("申请司法确认"),
    "joint": Guard(_joint, "司法确认须由双方当事人共同申请（CPL Art 205；CPLI Art 351；PML Art 33）",
                   "CPL Art 205; CPLI Art 351; PML Art 33"),
    "within_30_days": Guard(_within_30_days, "司法确认须自调解协议生效之日起三十日内申请（CPL Art 205；PML Art 33）",
                            "CPL Art 205; PML Art 33"),
    "jurisdiction": Guard(_jurisdiction,
                          "须向有管辖权的人民法院申请：人民法院邀请调解的，向作出邀请的人民法院；调解组织自行调解的，"
                          "向当事人住所地、标的物所在地或调解组织所在地的基层人民法院（须为该地的法院；纠纷属中级人民法院"
                          "管辖的，向相应的中级人民法院）（CPL Art 205；CPLI Art 352；JC11 Art 2）",
                          "CPL Art 205; CPLI Art 351-354; JC11 Art 2"),
    "supplement_clock": Guard(_supplement_clock,
                              "仅补充材料期限届满可按撤回申请处理（CPLI Art 357 ¶2）", "CPLI Art 357 ¶2"),
    "party_of_case": Guard(lambda case, d, ctx: d["party"] in seqs(case),
                           "撤回申请须由申请确认的当事人提出（CPLI Art 357；JC11 Art 5 ¶2）", "CPLI Art 357; JC11 Art 5 ¶2"),
    "parties_heard": Guard(lambda case, d, ctx: d["parties_heard"],
                           "审查时应当通知双方当事人共同到场核实（CPLI Art 356 ¶1）", "CPLI Art 356 ¶1"),
    "enforcement_applicant": Guard(lambda case, d, ctx: d["applicant"] in seqs(case),
                                   "一方拒绝履行或未全部履行的，由对方当事人申请执行（CPL Art 206；PML Art 33 ¶2）",
                                   "CPL Art 206; PML Art 33 ¶2"),
    "confirmed_agreement": Guard(
        lambda case, d, ctx: bool(((case.data or {}).get("agreement") or {}).get("confirmed"))
        and not (case.data or {}).get("enforcement"),
        "仅经人民法院裁定确认有效（异议后仍维持或改变后有效）且尚未申请执行的调解协议可以申请执行"
        "（CPL Art 206；CPLI Art 372 ¶1）", "CPL Art 206; CPLI Art 372 ¶1"),
    "objector_party": Guard(lambda case, d, ctx: d["objector"] != "party" or d["party"] in seqs(case),
                            "当事人异议须由本案当事人提出（CPLI Art 372）", "CPLI Art 372"),
    "objection_in_time": Guard(_objection_in_time,
                               "对确认调解协议的裁定，当事人应自收到裁定之日起十五日内、利害关系人应自知道或者应当知道"
                               "其民事权益受到侵害之日起六个月内提出异议（CPLI Art 372 ¶2）", "CPLI Art 372 ¶2"),
}
