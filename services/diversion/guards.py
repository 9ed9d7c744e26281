"""The legal conditions of the pre-filing / entrusted mediation events (SPEC §4A, 4B). Every refusal
cites its article; a late act answers DEADLINE_PASSED instead of GUARD_FAILED."""
from __future__ import annotations

from contracts.diversion import EXPLAIN_REQUIRED, FILING_CONDITIONS
from infra import clocks
from infra.calendar import WORKING_DAYS
from infra.casetype import Guard
from services.diversion import d7
from services.diversion import delegation
from services.diversion.common import ends, is_court, is_mediation_org, seqs, today

# OMR Art 3: civil (and, where the law allows, administrative) disputes that may be mediated. Labour
# disputes go to arbitration first (LDL Art 5); petitions, accusations and law-related complaints are
# not suits.
MEDIABLE = {"marriage_family", "neighbourhood", "housing_land", "damages", "debt_contract", "property_management",
            "traffic_accident", "consumer", "medical_damage", "medical_dispute", "administrative"}
JOINT_CHOICE_WD = 2       # OMR Art 10 ¶2: 两个工作日内共同选择


def _own_court(case, d, ctx) -> bool:
    """A filing officer registers at a court: their own, or one their court governs."""
    if ctx.actor.role != "filing":
        return True                     # a hand-off names the court, or the county court takes it
    court = d.get("court_id") or ctx.actor.org_id
    return is_court(ctx, court) and ctx.env.directory.governs(ctx.actor.org_id, court)


def _by_handoff(case, d, ctx) -> bool:
    """The filing desk registers complaints itself; the centre's router only through a hand-off (SPEC §7:
    route_to_diversion); a party, or the committee for the party, only through a people's-mediation
    case's hand-off of a suit (SPEC §7: PM_TERMINATED → DV_RECEIVED; PML Art 26, 32); the petition officer
    or handling organ only through a petition case's hand-off of a 涉法涉诉 civil suit (LVR Art 20 ¶2, 22 ¶2)."""
    role, handoff = ctx.actor.role, d.get("handoff")
    if role == "filing":
        return True
    if role == "router":
        return bool(handoff)
    return bool(handoff) and handoff.get("parent_service") == SUIT_PARENTS[role] \
        and (handoff.get("data") or {}).get("purpose") == "litigation"


# who may hand a suit to the court besides the filing desk and the router: a party or the committee
# (PML Art 26, 32), the petition officer or the handling organ (诉访分离, LVR Art 20 ¶2, 22 ¶2, 31(1))
SUIT_PARENTS = {"party": "mediation", "pmc": "mediation", "xfb": "petition", "handler": "petition"}


def _designation(case) -> dict:
    return (case.data or {}).get("designation") or {}


def _joint_choice_open(case, ctx) -> bool:
    since = (case.data or {}).get("designating_since")
    return since is not None and today(ctx) <= ends(ctx, since, JOINT_CHOICE_WD, WORKING_DAYS)


def _court_may_designate(case, d, ctx) -> bool:
    if d["by"] != "court":
        return True
    return ctx.actor.role == "filing" and (d["parties_asked_court"] or not _joint_choice_open(case, ctx))


def _acting_for_designated_body(case, d, ctx) -> bool:
    """The mediator acts for the body the court delegated (4A) or entrusted (4B) the matter to."""
    if ctx.actor.role in ("judge", "filing", "sys"):
        return True                     # the court's own officers act on its case; sys only on the
                                        # committee's authenticated case (delegation.py)
    entrusted = case.status in ("DV_ENTRUST_PENDING", "DV_ENTRUSTED")
    record = (case.data or {}).get("entrusted") if entrusted else _designation(case)
    org = (record or {}).get("mediator_org_id")
    return org is not None and ctx.env.directory.governs(ctx.actor.org_id, org)


def _acceptance_in_time(case, d, ctx) -> bool:
    clock = clocks.open_clock(case, "mediator_acceptance")
    return clock is None or (clock.status != "expired" and ctx.now <= clock.due_at)


def _all_signed(case, d, ctx) -> bool:
    return seqs(case) <= set(d["signatures"]) and bool(d["mediator_signature"])


def _jc_window(case, d, ctx) -> bool:
    agreement = (case.data or {}).get("agreement") or {}
    return bool(agreement) and today(ctx) <= ends(ctx, agreement["effective_at"], 30, "days")


def _no_open_confirmation(case, d, ctx) -> bool:
    done = ("JC_NOT_ACCEPTED", "JC_WITHDRAWN")   # an application that ended without a ruling may be made again
    return all(l.target_status in done or (l.target_status or "").startswith("refused:") for l in case.links
               if l.link_type == "child" and l.target_service == "diversion")


GUARDS = {
    # receipt (OMR Art 3, 8; SPEC §7)
    "mediable": Guard(lambda case, d, ctx: d["category"] in MEDIABLE,
                      "诉前调解限于法律规定可以调解的民事、行政等纠纷（OMR Art 3）", "OMR Art 3"),
    "by_handoff": Guard(_by_handoff,
                        "诉前登记由立案人员办理；分流员只能通过转办（open_from_handoff）登记，当事人或人民调解委员会只能"
                        "通过人民调解案件的起诉移送登记，信访工作人员或办理机关只能通过涉法涉诉民事纠纷的诉访分离移送登记"
                        "（SPEC §7；PSR Art 45；PML Art 26, 32；LVR Art 20 ¶2, 22 ¶2）",
                        "SPEC §7; PSR Art 45; PML Art 26, 32; LVR Art 20 ¶2, 22 ¶2"),
    "court": Guard(_own_court,
                   "诉前调解案件由受理起诉的人民法院登记（OMR Art 8, 10；CPL Art 123）", "OMR Art 8, 10; CPL Art 123"),
    # duty to explain and consent (OMR Art 4, 7; SIM Art 11; CPL Art 125)
    "explained": Guard(lambda case, d, ctx: set(EXPLAIN_REQUIRED) <= set(d["told"]),
                       "须告知在线调解的主要形式、权利义务、法律后果和操作方法（OMR Art 7）", "OMR Art 7"),
    "plaintiff": Guard(lambda case, d, ctx: d["party"] in seqs(case, "applicant"),
                       "是否同意先行调解由原告（起诉的当事人）决定（SIM Art 11；OMR Art 4；CPL Art 125）",
                       "SIM Art 11; OMR Art 4; CPL Art 125"),
    "suitable": Guard(lambda case, d, ctx: bool((case.data or {}).get("explanation", {}).get("suitable")),
                      "仅适宜调解的纠纷先行调解；不适宜的应退回或径行立案审查（CPL Art 125；OMR Art 9(3)）",
                      "CPL Art 125; OMR Art 9(3)"),
    "not_d7": Guard(lambda case, d, ctx: not d7.matches(ctx.session, case, ctx.env.config),
                    "该纠纷已经先行调解未成，不再诉前委派调解，应径行立案审查（SZ Art 69 ¶2；SPEC §2.2 D7）", d7.BASIS),
    "d7_for_premediated": Guard(lambda case, d, ctx: d["ground"] != "already_premediated"
                                or bool(d7.matches(ctx.session, case, ctx.env.config)),
                                "未查到先行调解不成的记录，不能以“已先行调解”为由径行立案审查（SZ Art 69 ¶2；SPEC §2.2 D7）",
                                d7.BASIS),
    # designation (OMR Art 10, 12; SIM Art 12)
    "mediation_org": Guard(lambda case, d, ctx: is_mediation_org(ctx, d["mediator_org_id"]),
                           "委派、委托调解须指定名册中的特邀调解组织或调解员（SIM Art 1, 5, 12；OMR Art 5）",
                           "SIM Art 1, 5, 12; OMR Art 5"),
    "joint_choice_in_time": Guard(lambda case, d, ctx: d["by"] != "parties_jointly" or _joint_choice_open(case, ctx),
                                  "当事人须在同意调解后两个工作日内共同选择调解组织或调解员，逾期由人民法院指定（OMR Art 10 ¶2）",
                                  "OMR Art 10 ¶2"),
    "court_designates": Guard(_court_may_designate,
                              "人民法院指定调解组织须由立案人员作出，且须当事人同意由法院指定或两个工作日内未能共同选择（OMR Art 10 ¶2；SIM Art 12）",
                              "OMR Art 10 ¶2; SIM Art 12"),
    "court_designation_made": Guard(lambda case, d, ctx: _designation(case).get("by") == "court",
                                    "不同意人民法院指定的调解组织的，视为不同意调解（SIM Art 12；OMR Art 10）；本案为当事人共同选定",
                                    "SIM Art 12; OMR Art 10"),
    "designated_body": Guard(_acting_for_designated_body,
                             "仅受委派（委托）的调解组织或调解员可作此处理（OMR Art 12, 15；SIM Art 26）",
                             "OMR Art 12, 15; SIM Art 26"),
    "committee_records": Guard(delegation.committee_records,
                               "本案已委派人民调解委员会调解，调解结果在该委员会的人民调解案件中记录并由系统同步至本案，"
                               "调解员不在本案直接记录（SIM Art 1, 11；PML Art 18, 27）", "SIM Art 1, 11; PML Art 18, 27"),
    "acceptance_in_time": Guard(_acceptance_in_time,
                                  "调解组织或调解员须在收到委派后三个工作日内确认接受；逾期未确认的，应重新指定（OMR Art 12 ¶2）",
                                  "OMR Art 12", "DEADLINE_PASSED"),
    "respondent": Guard(lambda case, d, ctx: d["party"] in seqs(case, "respondent"),
                        "须由对方当事人（被申请人）表示是否同意调解（OMR Art 15）", "OMR Art 15"),
    # mediating (OMR Art 19, 24; SIM Art 24, 27)
    "all_parties_agree": Guard(lambda case, d, ctx: seqs(case) <= set(d["agreed_by"]),
                               "延长调解期限须经各方当事人同意（OMR Art 24；SIM Art 27）", "OMR Art 24; SIM Art 27"),
    "all_signed": Guard(_all_signed, "调解协议须经各方当事人和调解员签章，自各方当事人均完成签章时生效（OMR Art 19；SIM Art 24）",
                        "OMR Art 19; SIM Art 24"),
    "org_seal": Guard(lambda case, d, ctx: d["org_seal"],
                      "由调解组织主持达成的调解协议须加盖调解组织印章（OMR Art 19 ¶1；SIM Art 24 ¶2）", "OMR Art 19 ¶1; SIM Art 24 ¶2"),
    # filing (SIM Art 21; OMR Art 21; CPL Art 122, 126)
    "insists_on_suing": Guard(lambda case, d, ctx: d["party_insists_on_suing"],
                              "委派调解未达成协议、当事人坚持诉讼的，移送人民法院登记立案（SIM Art 21 ¶1）；原告不再起诉的，"
                              "记录其决定结案", "SIM Art 21 ¶1"),
    "suit_by_plaintiff": Guard(lambda case, d, ctx: d["party"] in seqs(case, "applicant"),
                               "是否起诉由原告本人决定：须记录原告（起诉的当事人）坚持起诉或不再起诉的决定"
                               "（CPL Art 122(1), 123；SIM Art 21 ¶1）", "CPL Art 122(1), 123; SIM Art 21 ¶1"),
    "filing_conditions": Guard(lambda case, d, ctx: set(FILING_CONDITIONS) <= set(d["conditions"]),
                               "立案须符合起诉条件：原告有直接利害关系、有明确的被告、有具体诉讼请求和事实理由、属于受案范围和本院管辖（CPL Art 122）",
                               "CPL Art 122"),
    "appeal_told": Guard(lambda case, d, ctx: d["appeal_told"],
                         "不予受理须作出裁定并告知原告可以上诉（CPL Art 126）", "CPL Art 126"),
    # judicial confirmation of a pre-filing agreement (CPL Art 205; CPLI Art 351)
    "jc_joint": Guard(lambda case, d, ctx: seqs(case) <= set(d["applicants"]),
                      "司法确认须由双方当事人共同申请（CPL Art 205；CPLI Art 351）", "CPL Art 205; CPLI Art 351"),
    "jc_window": Guard(_jc_window, "司法确认须自调解协议生效之日起三十日内申请（CPL Art 205；PML Art 33）",
                       "CPL Art 205; PML Art 33"),
    "jc_not_pending": Guard(_no_open_confirmation,
                            "本调解协议已申请司法确认，不得重复申请（CPLI Art 352 ¶2；SPEC §2.2 D1）",
                            "CPLI Art 352 ¶2; SPEC §2.2 D1"),
}
