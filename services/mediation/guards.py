"""The legal conditions of people's mediation events (SPEC §3). Every refusal cites its article.

Most guards return False and the platform answers GUARD_FAILED with the guard's message. A few name
what is missing (PML Art 29 agreement, Art 27 file) or answer with a more precise error code
(FORBIDDEN for an organisation acting outside its remit, EXTENSION_REFUSED, DEADLINE_PASSED): those
raise the JiefenError themselves.
"""
from __future__ import annotations

from contracts.errors import JiefenError
from contracts.mediation import ARCHIVE_MATERIALS
from infra import clocks
from infra.casetype import Guard
from services.mediation import delegated
from services.diversion.jurisdiction import has_jurisdiction   # one rule for CPL Art 205 (both sides of the hand-off)

# 民间纠纷 are disputes between citizens, legal persons and other organisations over civil rights and
# duties (PML Art 2; NB Art 17); these categories are not.
NOT_CIVIL = {"land_expropriation", "administrative", "law_related", "accusation", "suggestion"}
COMMITTEE = "mediation_committee"
COMMITTEE_ROLES = ("pmc", "mediator")
WRITTEN_ONLY = {"labour", "medical_dispute"}   # a written 调解协议书 only (LDL Art 14 ¶1; MDR Art 39 ¶1)
SUING_ROLES = ("applicant", "respondent")   # the parties to the dispute (CPL Art 122(1))



def naming(find_missing, head: str, lead: str, cite: str, basis: str) -> Guard:
    """A guard whose refusal names every item at fault: "<head>；<lead>：a、b（<cite>）"."""
    def run(case, data, ctx):
        missing = find_missing(case, data, ctx)
        if missing:
            raise JiefenError("GUARD_FAILED", f"{head}；{lead}：{'、'.join(missing)}（{cite}）",
                              {"basis": basis, "missing": missing})
        return True
    return Guard(run, f"{head}（{cite}）", basis)


# -- helpers read by guards and effects ----------------------------------------------------------
def party_numbers(case) -> set[int]:
    return {p.seq for p in case.parties}


def committee_for(data: dict, ctx) -> str | None:
    """The committee a new case belongs to: the one named, else the actor's own committee, else the
    configured default (per category first: medical disputes go to the 医调委)."""
    if data.get("committee_id"):
        return data["committee_id"]
    own = ctx.env.directory.get(ctx.actor.org_id)
    if own is not None and own.kind == COMMITTEE:
        return own.code
    settings = ctx.env.config.get("mediation") or {}
    by_category = settings.get("default_committee_by_category") or {}
    return by_category.get(data.get("category")) or settings.get("default_committee")


def roster_entries(config, committee: str) -> list[dict]:
    """The mediators a committee has elected or engaged (PML Art 13), from config ``mediation.mediators``."""
    listed = ((config.get("mediation") or {}).get("mediators") or {}).get(committee) or []
    return [m if isinstance(m, dict) else {"id": str(m)} for m in listed]


def roster(ctx, committee: str) -> set[str]:
    return {m["id"] for m in roster_entries(ctx.env.config, committee)}


def _kind(ctx, code: str | None, *kinds: str) -> bool:
    org = ctx.env.directory.get(code) if code else None
    return org is not None and org.kind in kinds


def _acts_within_remit(case, data, ctx) -> bool:
    """The platform lets the committee, the organisations that brought the case (the centre's
    window) and the court seized of a confirmation reach the case; the committee's roles act only for
    their own committee. The court reads the case; its ruling comes from its own JC case (sys)."""
    actor, directory = ctx.actor, ctx.env.directory
    if actor.role in COMMITTEE_ROLES:
        return directory.governs(actor.org_id, case.org_id)
    return True


def _handoff_by_its_sender(case, data, ctx) -> bool:
    """Intake's hand-off by its router (PSR Art 44); a court-delegated mediation by the court's filing
    officer (SIM Art 1, 11; PML Art 18); any other application carries no hand-off."""
    h = data.get("handoff")
    if ctx.actor.role == "filing":
        return h is not None and delegated.wanted(h)
    return (h is not None) == (ctx.actor.role == "router")


def _agreement_missing(case, data, ctx) -> list[str]:
    missing = []
    names = {p.seq: p.name for p in case.parties}
    if not party_numbers(case) <= set(data["parties"]):
        missing.append("当事人的基本情况")
    if not data["dispute"].strip():
        missing.append("纠纷的主要事实、争议事项及各方责任")
    if not data["obligations"].strip():
        missing.append("调解协议的内容（约定的义务）")
    if not data["performance_manner"].strip():
        missing.append("履行方式")
    if not data["performance_deadline"].strip():
        missing.append("履行期限")
    signed = {s["party"] for s in data["signatures"]}
    unsigned = [names[n] for n in sorted(party_numbers(case) - signed)]
    if unsigned:
        missing.append("当事人签名、盖章或按指印（" + "、".join(unsigned) + "）")
    if not data["mediator_signature"] or data["mediator_signature"] not in (case.data or {}).get("mediators", []):
        missing.append("主持调解的人民调解员签名")
    if not data["committee_seal"]:
        missing.append("人民调解委员会印章")
    return missing


def _oral_not_allowed(case, data, ctx) -> list[str]:
    reasons = []
    if data["written_requested"]:
        reasons.append("当事人要求制作调解协议书")
    if not data["performed_immediately"]:
        reasons.append("协议内容未能即时履行完毕")
    if data["major"]:
        reasons.append("重大、复杂、疑难的纠纷")
    return reasons


def _archive_missing(case, data, ctx) -> list[str]:
    needed = ["registration", "work_record"]
    agreement = (case.data or {}).get("agreement") or {}
    if agreement.get("kind") == "written":
        needed.append("agreement")
    elif agreement.get("kind") == "oral":
        needed.append("oral_agreement_record")
    return [ARCHIVE_MATERIALS[m] for m in needed if m not in data["materials"]]


def _extendable(case, data, ctx) -> bool:
    d = next((c for c in ctx.env.case_type.clocks if c.kind == data["clock"]), None)
    return d is not None and d.extension is not None and clocks.active(case, d.kind) is not None


def _confirmed(case) -> bool:
    return bool(((case.data or {}).get("agreement") or {}).get("confirmed"))


def _plaintiff_is_party(case, data, ctx) -> bool:
    return any(p.seq == data["plaintiff"] and p.role in SUING_ROLES for p in case.parties)


def _no_suit_pending(case, data, ctx) -> bool:
    from services.mediation.litigation import suit_pending
    return not suit_pending(case)


def _within_confirmation_window(case, data, ctx) -> bool:
    from services.mediation.deadlines import confirmation_window_due   # one computation of the window
    return ctx.now <= confirmation_window_due(case, ctx.env)


GUARDS = {
    "acts_within_remit": Guard(
        _acts_within_remit,
        "人民调解委员会及其调解员只办理本委员会的案件（PML Art 13, 19）", "PML Art 13, 19", "FORBIDDEN"),
    "committee": Guard(
        lambda case, d, ctx: _kind(ctx, committee_for(d, ctx), COMMITTEE),
        "调解申请须向人民调解委员会提出；所指机构不是人民调解委员会（PML Art 7, 17）", "PML Art 7, 17"),
    "handoff_by_router": Guard(
        _handoff_by_its_sender,
        "分流移交的案件须附原案信息，且只能由分流员经移交创建（PSR Art 44；SPEC §7）；人民法院委派人民调解委员会调解的，"
        "只能由立案人员经委派移交创建（SIM Art 1, 11；PML Art 18）", "PSR Art 44; SIM Art 1, 11; PML Art 18; SPEC §7"),
    "not_court_accepted": Guard(
        delegated.not_court_accepted,
        "本地配置将人民法院诉前委派视为人民法院已经受理，人民调解委员会不予受理（PMR Art 22(2)），"
        "请退回人民法院另行指定调解组织", "PMR Art 22(2)"),
    "own_committee": Guard(
        lambda case, d, ctx: _kind(ctx, ctx.actor.org_id, COMMITTEE)
        and d.get("committee_id") in (None, ctx.actor.org_id),
        "主动调解由人民调解委员会对本委员会的纠纷自行发起（PML Art 17）", "PML Art 17"),
    "one_party_application": Guard(
        lambda case, d, ctx: not (case.data or {}).get("joint_application"),
        "双方当事人共同申请调解的，无需再征询对方意愿，可直接受理（PML Art 17）", "PML Art 17"),
    "express_refusal": Guard(
        lambda case, d, ctx: d["express"],
        "当事人一方明确拒绝调解的，不得调解：须记录其明确拒绝的意思表示（PML Art 17）", "PML Art 17"),
    "both_consent": Guard(
        lambda case, d, ctx: bool((case.data or {}).get("joint_application")
                                  or ((case.data or {}).get("consent") or {}).get("given")
                                  or d["respondent_consented"]),
        "调解以当事人自愿为原则：对方当事人未同意调解的，应先征询其意愿（PML Art 3(1), 17）", "PML Art 3(1), 17"),
    "civil_dispute": Guard(
        lambda case, d, ctx: case.category not in NOT_CIVIL,
        "人民调解委员会调解民间纠纷；本案不属于民间纠纷，应告知其他途径（PML Art 2；NB Art 17）", "PML Art 2; NB Art 17"),
    "not_barred": Guard(
        lambda case, d, ctx: not (d["already_accepted_by"] or d["specialised_organ_only"] or d["mediation_forbidden"]),
        "法律、法规规定只能由专门机关管辖处理或禁止以民间调解方式解决的纠纷，以及人民法院、公安机关或其他行政机关"
        "已经受理或解决的纠纷，人民调解委员会不予受理（PMR Art 22）", "PMR Art 22"),
    "channel_told": Guard(
        lambda case, d, ctx: bool(d["channel_told"].strip()),
        "不予受理的，应告知当事人依法向有关机关或人民法院解决的途径，不得阻止其通过仲裁、行政、司法等途径维护权利"
        "（PMR Art 22；PML Art 3(3)）", "PMR Art 22; PML Art 3(3)"),
    "escalation_handover": Guard(
        lambda case, d, ctx: not d["escalation_risk"]
        or (bool(d["calming_measures"].strip()) and ctx.env.directory.get(d["handed_over_to"] or "") is not None),
        "纠纷有激化可能的，应先采取针对性的预防、疏导措施，并移交有关机关处理（PML Art 25；PMR Art 22）",
        "PML Art 25; PMR Art 22"),
    "appointment": Guard(
        lambda case, d, ctx: ctx.actor.role != "party" or d["how"] == "chosen_by_parties",
        "当事人可以选择调解员；指定调解员由人民调解委员会作出（PML Art 19, 23(1)）", "PML Art 19, 23(1)"),
    "mediators_of_committee": Guard(
        lambda case, d, ctx: set(d["mediator_ids"]) <= roster(ctx, case.org_id),
        "调解员须为本人民调解委员会的委员或其聘任的人民调解员（PML Art 13, 19）", "PML Art 13, 19"),
    "report_to_police": Guard(
        lambda case, d, ctx: _kind(ctx, d["reported_to"], "police", "government", "department"),
        "可能引起治安案件、刑事案件的纠纷，应当及时向当地公安机关或者其他有关部门报告（PML Art 25）", "PML Art 25"),
    "all_parties_request": Guard(
        lambda case, d, ctx: party_numbers(case) <= set(d["requested_by"]),
        "延长调解期限须双方当事人要求，医疗纠纷须医患双方约定（NB Art 27；SZ Art 25；MDR Art 38）",
        "NB Art 27; SZ Art 25; MDR Art 38"),
    "extendable": Guard(
        _extendable,
        "只有正在计算、且可以延长的调解期限才能延长：劳动争议调解十五日期满未达成协议的，当事人可以申请仲裁，"
        "不延长（LDL Art 14；NB Art 27）", "LDL Art 14; NB Art 27", "EXTENSION_REFUSED"),
    "agreement_complete": naming(
        _agreement_missing, "调解协议书须载明当事人、纠纷事实、协议内容及履行方式和期限，并经各方当事人签名、"
        "盖章或按指印，人民调解员签名并加盖人民调解委员会印章后生效", "缺少", "PML Art 29", "PML Art 29"),
    # LDL Art 14 ¶1: 经调解达成协议的，应当制作调解协议书; MDR Art 39 ¶1: 医疗纠纷人民调解委员会应当制作调解协议书
    "written_by_statute": Guard(
        lambda case, d, ctx: case.category not in WRITTEN_ONLY,
        "劳动争议、医疗纠纷经调解达成协议的，应当制作调解协议书，不能以口头协议结案"
        "（LDL Art 14 ¶1；MDR Art 39 ¶1）",
        "LDL Art 14 ¶1; MDR Art 39 ¶1"),
    "oral_allowed": naming(
        _oral_not_allowed, "有下列情形之一的，应当制作调解协议书，不能以口头协议结案", "本案情形", "NB Art 24；PML Art 28",
        "NB Art 24; PML Art 28"),
    "channels_told": Guard(
        lambda case, d, ctx: bool(d["channels_told"]),
        "调解不成终止调解的，应当告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利（PML Art 26）",
        "PML Art 26"),
    "joint_application": Guard(
        lambda case, d, ctx: party_numbers(case) <= set(d["applicants"]),
        "司法确认须由双方当事人共同申请（PML Art 33；CPL Art 205）", "PML Art 33; CPL Art 205"),
    # CPL Art 205(2): the court of the place, not any court (issue 13 item 11); the committee is the
    # mediation organisation, so mediator_location is this committee's county
    "court": Guard(
        lambda case, d, ctx: has_jurisdiction(
            ctx.env.directory, d["court_id"], d["jurisdiction_basis"],
            delegated_by=((case.data or {}).get("agreement") or {}).get("delegated_by_court"),
            mediation_org_id=case.org_id, county=d.get("jurisdiction_county"), intermediate=d["intermediate_court"]),
        "司法确认应向调解组织所在地、当事人住所地或标的物所在地的基层人民法院申请，须为该地的法院；纠纷属中级人民法院"
        "管辖的，向相应的中级人民法院申请（CPL Art 205；JC11 Art 2）",
        "CPL Art 205; JC11 Art 2"),
    "not_yet_confirmed": Guard(
        lambda case, d, ctx: ((case.data or {}).get("confirmation") or {}).get("status") != "granted",
        "该调解协议已经人民法院确认有效，可凭确认裁定申请强制执行（PML Art 33 ¶2）", "PML Art 33 ¶2"),
    "within_confirmation_window": Guard(
        _within_confirmation_window,
        "司法确认须自调解协议生效之日起三十日内申请；期满后协议仍有约束力，就履行或内容发生争议的可以起诉"
        "（PML Art 33, 31, 32；CPL Art 205）", "PML Art 33; CPL Art 205", "DEADLINE_PASSED"),
    # -- a suit after mediation (PML Art 26, 32; SPEC §7) ----------------------------------------
    "plaintiff_is_party": Guard(
        _plaintiff_is_party,
        "起诉须由本纠纷的一方当事人提出：原告须与本案有直接利害关系（CPL Art 122(1)；PML Art 32）",
        "CPL Art 122(1); PML Art 32"),
    "enforce_not_sue": Guard(
        lambda case, d, ctx: not _confirmed(case),
        "调解协议已经人民法院确认有效：一方拒绝履行或未全部履行的，对方当事人应向作出确认裁定的人民法院申请强制执行，"
        "不另行起诉（PML Art 33 ¶2；CPL Art 206；JC11 Art 9）", "PML Art 33 ¶2; CPL Art 206; JC11 Art 9"),
    "arbitration_first": Guard(
        lambda case, d, ctx: case.category != "labour",
        "劳动争议调解不成或达成协议后不履行的，应先向劳动争议仲裁委员会申请仲裁，对仲裁裁决不服的方可起诉"
        "（LDL Art 5, 14）", "LDL Art 5, 14"),
    "suit_court": Guard(
        lambda case, d, ctx: d["court_id"] is None or _kind(ctx, d["court_id"], "court"),
        "起诉应向有管辖权的人民法院提出；所指机构不是人民法院（CPL Art 122(4)）", "CPL Art 122(4)"),
    "no_suit_pending": Guard(
        _no_suit_pending,
        "本纠纷已移送人民法院（诉前登记、立案审查或已立案），不得重复起诉（CPLI Art 247；SPEC §2.2 D1）",
        "CPLI Art 247; SPEC §2.2 D1"),
    "archive_materials": naming(
        _archive_missing, "调解登记、调解工作记录、调解协议书等材料应当立卷归档", "缺少", "PML Art 27", "PML Art 27"),
}
