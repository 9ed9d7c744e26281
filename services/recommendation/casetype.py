"""The recommendation case type: judicial and procuratorial recommendations (司法建议、检察建议; SPEC §6).

Keys: JSR 综合治理类司法建议规定 (法释〔2023〕11号); PRR 人民检察院检察建议工作规定 2019 (article numbers
[V?] except Art 23); POL 人民检察院组织法 2018 Art 21; PIL 检察公益诉讼解释 2018 Art 21; CPL 民事诉讼法
Art 219; CPLI 民诉法解释 Art 414; PSR 浙江省平安建设条例 Art 60, 61, 65.

Several targets of one SPEC row are separate events: objection_upheld → ``objection_upheld_amend``
(RC_ISSUED, the amended letter is served again) or ``objection_upheld_withdraw`` (RC_WITHDRAWN).
"""
from __future__ import annotations

from datetime import datetime

from contracts import recommendation as c
from contracts.recommendation import COURT, KINDS, PROCURATORATE
from infra import clocks
from infra.casetype import CaseType, ClockDef, EventDef, Guard, Period, StateDef
from infra.models import CaseLink
from infra.orgs import LEVELS
from infra.timekeeping import utc
from services.recommendation import letters, sides

STATES = (
    StateDef("RC_DRAFTING", "起草", basis="JSR Art 1, 3; PRR"),
    StateDef("RC_CONSULTING", "征求意见", basis="JSR Art 5; PRR"),
    StateDef("RC_PENDING_APPROVAL", "待审批", basis="JSR Art 7; PRR [V?]"),
    StateDef("RC_ISSUED", "已制发", basis="JSR Art 6-7"),
    StateDef("RC_AWAITING_REPLY", "已送达待回复", basis="POL Art 21; JSR Art 8; PSR Art 61 ¶2"),
    StateDef("RC_OBJECTION_REVIEW", "异议复核", basis="PRR Art 23 (procuratorate only)"),
    StateDef("RC_WITHDRAWN", "撤回", terminal=True, basis="PRR Art 23"),
    StateDef("RC_OVERDUE", "逾期未复", basis="JSR Art 8; PRR; PIL Art 21"),
    StateDef("RC_URGED", "已督促", basis="PRR; JSR Art 8 ¶2"),
    StateDef("RC_ESCALATED", "已升级", basis="PRR; JSR Art 9; PSR Art 60, 65"),
    StateDef("RC_REPLIED", "已书面回复", basis="POL Art 21; JSR Art 8"),
    StateDef("RC_VERIFYING", "落实核查", basis="JSR Art 8 ¶2; PRR"),
    StateDef("RC_LITIGATION", "公益诉讼", terminal=True, basis="PIL Art 21; 行政诉讼法 Art 25"),
    StateDef("RC_CLOSED", "办结", terminal=True, basis="PSR Art 61 ¶2"),
)

REPLY_STATES = ("RC_AWAITING_REPLY", "RC_OVERDUE", "RC_URGED", "RC_ESCALATED")
REPLY_CLOCKS = ("court_reply", "procuratorate_reply", "public_interest_reply")
COMPETENT_KINDS = ("government", "department", "police", "petition_office", "arbitration")   # 主管机关
AGENCY_KINDS = ("government", "department", "police")        # 行政机关 (行政诉讼法 Art 25 ¶4)
ISSUER_MEASURES = {
    COURT: {"notify_recipient_superior", "refer_to_centre"},                        # JSR Art 9; PSR Art 60
    PROCURATORATE: {"report_superior_procuratorate", "notify_recipient_superior",   # PRR
                    "report_party_committee_npc", "notify_discipline", "refer_to_centre"},
}
COPY_KINDS_FOR = {
    COURT: {"recipient_superior", "other_relevant"},                                          # JSR Art 9
    PROCURATORATE: {"recipient_superior", "superior_procuratorate", "party_committee", "npc",  # PRR
                    "government", "discipline"},
}
SOURCE_BASIS = "SPEC §7: aggregated risk pattern → RC_DRAFTING (centre supplies data only); PSR Art 61 ¶2; JSR Art 1"


# -- small readers -----------------------------------------------------------------------------
def kind_of(case) -> str | None:
    return (case.data or {}).get("kind") if case is not None else None


def side_of(case) -> str | None:
    kind = kind_of(case)
    return KINDS[kind][0] if kind else None


def _org(ctx, code):
    return ctx.env.directory.get(code) if code else None


def _put(case, **values) -> None:
    case.data = {**case.data, **values}


def _append(case, key: str, item: dict) -> None:
    case.data = {**case.data, key: [*(case.data.get(key) or []), item]}


def _stamp(ctx) -> dict:
    return {"at": ctx.now.isoformat(), "by": ctx.actor.user_id, "org_id": ctx.actor.org_id, "role": ctx.actor.role}


def _org_ref(org) -> dict:
    return {"org_id": org.code, "name": org.name, "kind": org.kind, "level": org.level}


# -- effects: the domain change each event makes (no I/O beyond the transition's session) ----------
def draft(case, data, ctx) -> None:
    issuer = _org(ctx, ctx.actor.org_id)
    recipient = _org(ctx, data["recipient_org_id"])
    case.org_id = issuer.code
    case.category = data["category"]
    case.summary, case.facts, case.request = data["title"], data["problems"], data["recommendations"]
    pattern = data.get("risk_pattern")
    case.data = {
        "kind": data["kind"], "kind_label": KINDS[data["kind"]][1], "issuer": _org_ref(issuer),
        "recipient": _org_ref(recipient), "found_in": data["found_in"],
        "origin": "risk_pattern" if pattern else "casework",
        "risk_pattern": pattern,
        "revision": 1, "consultations": [], "drafted": _stamp(ctx),
    }
    for ref in data["source_cases"]:
        case.links.append(CaseLink(link_type="source", target_service=ref["service"], target_case_id=ref["case_id"],
                                   target_case_no=ref["case_no"], target_status=None, target_terminal=False,
                                   basis=SOURCE_BASIS, created_at=ctx.now, updated_at=ctx.now))


def consult(case, data, ctx) -> None:
    _append(case, "consultations", {**data, **_stamp(ctx)})


def submit(case, data, ctx) -> None:
    _put(case, submitted={**data, **_stamp(ctx)})


def approve_issue(case, data, ctx) -> None:
    """Number the letter (per issuer and year) and fix the periods it states."""
    config, kind = ctx.env.config, case.data["kind"]
    year = letters.local_year(ctx.now)
    seq = letters.next_doc_seq(ctx.session, case.org_id, year)
    letter = {
        "doc_no": letters.doc_number(letters.doc_prefix(config, case.org_id), kind, year, seq),
        "year": year, "seq": seq, "issued_at": ctx.now.isoformat(),
        "approved_by": data["approved_by"], "approved_by_label": c.APPROVERS[data["approved_by"]],
        "meeting_ref": data["meeting_ref"], "signed_by": data["signed_by"],
        "signed_by_president": data["signed_by_president"],
        "reply_period": letters.reply_period(config, kind, data),
        "special_provision": data["special_provision"], "urgent": data["urgent"],
        "damage_spreading": data["damage_spreading"],
        "objection_period": letters.objection_period(config, data) if side_of(case) == PROCURATORATE else None,
        "amendments": [],
    }
    _put(case, letter=letter)
    ctx.extra["doc_no"] = letter["doc_no"]


def serve(case, data, ctx) -> None:
    service = {**data, "manner_label": c.SERVICE_MANNERS[data["manner"]], "revision": case.data["revision"],
               **_stamp(ctx)}
    objection = case.data["letter"].get("objection_period")
    if objection:   # PRR Art 23: the recipient may object within the period the letter states [A]
        due = ctx.env.calendar.due_at(ctx.now, objection["amount"], objection["unit"])
        service["objection_due_at"] = due.isoformat()
        service["objection_due_date"] = clocks.local_date(due).isoformat()
    _put(case, served=True, service=service, centre_org=letters.setting(ctx.env.config, "centre_org"),
         services=[*(case.data.get("services") or []), service])


def raise_objection(case, data, ctx) -> None:
    _append(case, "objections", {**data, "revision": case.data["revision"], **_stamp(ctx)})


def _decide_objection(outcome: str):
    def effect(case, data, ctx) -> None:
        objections = list(case.data.get("objections") or [])
        objections[-1] = {**objections[-1], "decision": {"outcome": outcome, **data, **_stamp(ctx)}}
        _put(case, objections=objections)
        if outcome == "upheld_amend":    # the amended letter keeps its number and is served again
            letter = case.data["letter"]
            _put(case, revision=case.data["revision"] + 1, letter={
                **letter, "amendments": [*letter["amendments"], {"amendment": data["amendment"], **_stamp(ctx)}]})
        elif outcome == "upheld_withdraw":
            _put(case, withdrawn={"reasons": data["reasons"], **_stamp(ctx)})
    return effect


def submit_reply(case, data, ctx) -> None:
    _append(case, "replies", {**data, "adoption_label": c.ADOPTION[data["adoption"]],
                              "late_days": days_overdue(case, ctx.now),
                              "revision": case.data["revision"], **_stamp(ctx)})


def overdue(case, data, ctx) -> None:
    case.supervised = True     # SPEC §7: RC_OVERDUE → SUPV 挂牌督办/约谈 (PSR Art 60, 65)
    clock = reply_clock(case)
    _put(case, overdue={"clock": data["clock"], "due_date": clocks.local_date(clock.due_at).isoformat()
                        if clock else None, "at": ctx.now.isoformat()})
    ctx.outbox.append(("recommendation_overdue", {"recipient": case.data["recipient"],
                                                  "centre_org": case.data.get("centre_org")}))


def urge(case, data, ctx) -> None:
    _append(case, "urgings", {**data, "method_label": c.URGE_METHODS[data["method"]], **_stamp(ctx)})


def escalation_due(case, data, ctx) -> None:
    """The urge period [A] ran out: a warning to the issuer and the centre, not an escalation. Whether the
    recipient has no just cause, and which measure, is decided by people (PRR: the chief procurator; JSR
    Art 9: the court; PSR Art 60, 65: the centre), with ``escalate``."""
    clock = clocks.open_clock(case, "escalation")
    due = {"clock": data["clock"], "due_date": clocks.local_date(clock.due_at).isoformat() if clock else None,
           "at": ctx.now.isoformat(), "basis": "SPEC §6 [A]: 督促后15日; PRR; JSR Art 9; PSR Art 60, 65"}
    _append(case, "escalation_due", due)
    ctx.outbox.append(("recommendation_escalation_due", {"recipient": case.data["recipient"],
                                                         "centre_org": case.data.get("centre_org"),
                                                         "due_date": due["due_date"]}))


def escalate(case, data, ctx) -> None:
    measures = data["measures"]
    case.supervised = True
    _append(case, "escalations", {**data, "measures": measures,
                                  "measure_labels": [c.ESCALATION_MEASURES[m] for m in measures], **_stamp(ctx)})
    ctx.outbox.append(("recommendation_escalated", {"recipient": case.data["recipient"], "measures": measures,
                                                    "centre_org": case.data.get("centre_org")}))


def supervise(case, data, ctx) -> None:
    case.supervised = True
    labels = [c.ESCALATION_MEASURES[m] for m in data["measures"]]
    _append(case, "supervision", {**data, "measure_labels": labels, **_stamp(ctx)})


def file_suit(case, data, ctx) -> None:
    _put(case, suit={**data, **_stamp(ctx)})


def verify(case, data, ctx) -> None:
    _append(case, "verifications", {**data, "method_label": c.VERIFY_METHODS[data["method"]], **_stamp(ctx)})


def _verification_result(result: str):
    def effect(case, data, ctx) -> None:
        verifications = list(case.data.get("verifications") or [])
        verifications[-1] = {**verifications[-1], "result": result, **data, "decided": _stamp(ctx)}
        _put(case, verifications=verifications)
        if result == "implemented":
            _put(case, outcome={"result": "implemented", "findings": data["findings"], **_stamp(ctx)})
    return effect


def service_overdue(case, data, ctx) -> None:
    _put(case, service_late={"clock": data["clock"], "at": ctx.now.isoformat()})
    ctx.outbox.append(("recommendation_service_overdue", {}))


def reply_clock(case):
    """The reply period of the letter as last served."""
    mine = [k for k in case.clocks if k.kind in REPLY_CLOCKS]
    return max(mine, key=lambda k: (utc(k.started_at), k.id or 0)) if mine else None


def overdue_reply_clock(case):
    """The reply period that ran out with no reply since it started (the reply is overdue), or None."""
    clock = reply_clock(case)
    if clock is None or clock.expired_at is None:
        return None
    started = utc(clock.started_at)
    if any(datetime.fromisoformat(r["at"]) >= started for r in case.data.get("replies") or []):
        return None
    return clock


def days_overdue(case, now) -> int | None:
    """Natural days from the reply period's last day to today, while the reply is overdue."""
    clock = overdue_reply_clock(case)
    if clock is None:
        return None
    return (clocks.local_date(now) - clocks.local_date(clock.due_at)).days


# -- guards: legal conditions; each message cites its article -------------------------------------
def _issuer_org(case, d, ctx):
    org = _org(ctx, ctx.actor.org_id)
    return org is not None and org.kind in (COURT, PROCURATORATE)


def _kind_matches(case, d, ctx):
    org = _org(ctx, ctx.actor.org_id)
    return org is not None and KINDS[d["kind"]][0] == org.kind


def _recipient_known(case, d, ctx):
    return _org(ctx, d["recipient_org_id"]) is not None and d["recipient_org_id"] != ctx.actor.org_id


def _in_jurisdiction(issuer, recipient) -> bool:
    return not issuer.county or issuer.county == recipient.county


def _same_level(issuer, recipient) -> bool:
    return issuer.level == recipient.level and _in_jurisdiction(issuer, recipient)


def _court_jurisdiction(case, d, ctx):
    """JSR Art 3: a competent body of the court's own level ("一般": bodies below it within the court's
    area are accepted), never a body above it or outside its area."""
    issuer, recipient = _org(ctx, ctx.actor.org_id), _org(ctx, d["recipient_org_id"])
    if KINDS[d["kind"]][0] != COURT or recipient is None or recipient.kind not in COMPETENT_KINDS:
        return True
    return LEVELS.index(recipient.level) >= LEVELS.index(issuer.level) and _in_jurisdiction(issuer, recipient)


def _retrial_to_court(case, d, ctx):
    if d["kind"] != "retrial":
        return True
    issuer, recipient = _org(ctx, ctx.actor.org_id), _org(ctx, d["recipient_org_id"])
    return recipient is not None and recipient.kind == COURT and _same_level(issuer, recipient)


def _public_interest_to_agency(case, d, ctx):
    recipient = _org(ctx, d["recipient_org_id"])
    return d["kind"] != "public_interest" or (recipient is not None and recipient.kind in AGENCY_KINDS)


def _recurring(case, d, ctx):
    minimum = int(letters.setting(ctx.env.config, "recurring_min_cases"))
    return not d.get("risk_pattern") or len(d["source_cases"]) >= minimum


def _court_consulted(case, d, ctx):
    return side_of(case) != COURT or bool(case.data.get("consultations"))


def _court_committee(case, d, ctx):
    return side_of(case) != COURT or (d["approved_by"] == "judicial_committee" and d["signed_by_president"])


def _procuratorate_approver(case, d, ctx):
    return side_of(case) != PROCURATORATE or d["approved_by"] in c.OBJECTION_DECIDERS


def _retrial_committee(case, d, ctx):
    return kind_of(case) != "retrial" or d["approved_by"] == "procuratorial_committee"


def _court_reply_stated(case, d, ctx):
    return side_of(case) != COURT or d.get("reply_period") is not None


def _reply_limit(which):
    def check(case, d, ctx):
        kind = kind_of(case)
        applies = {"court": side_of(case) == COURT, "public_interest": kind == "public_interest",
                   "procuratorate": side_of(case) == PROCURATORATE and kind != "public_interest"}[which]
        if not applies or (which == "court" and d.get("special_provision")):
            return True
        limit = letters.reply_limit(ctx.env.config, kind, d)
        return letters.not_longer(d.get("reply_period"), limit, clocks.local_date(ctx.now))
    return check


def _doc_prefix(case, d, ctx):
    return bool(letters.doc_prefix(ctx.env.config, case.org_id))


def _served_on_addressee(case, d, ctx):
    return d["recipient_org_id"] == sides.recipient_org(case)


def _copies_fit(case, d, ctx):
    side = side_of(case)
    if side == COURT and d["copies"] and not d["major_issue"]:
        return False
    return all(copy["kind"] in COPY_KINDS_FOR[side] for copy in d["copies"])


def _copies_known(case, d, ctx):
    directory = ctx.env.directory
    recipient = sides.recipient_org(case)
    for copy in d["copies"]:
        if copy["org_id"] is None:
            continue
        if directory.get(copy["org_id"]) is None:
            return False
        superiors = {o.code for o in directory.ancestors(recipient)}
        if copy["kind"] == "recipient_superior" and copy["org_id"] not in superiors:
            return False
    return True


def _retrial_filed_upward(case, d, ctx):
    return kind_of(case) != "retrial" or any(copy["kind"] == "superior_procuratorate" for copy in d["copies"])


def _procuratorate_only(case, d, ctx):
    return side_of(case) == PROCURATORATE


def _first_objection(case, d, ctx):
    return not any(o["revision"] == case.data["revision"] for o in case.data.get("objections") or [])


def _within_objection_period(case, d, ctx):
    due = (case.data.get("service") or {}).get("objection_due_at")
    return bool(due) and ctx.now <= datetime.fromisoformat(due)


def _reply_states_adoption(case, d, ctx):
    if d["adoption"] in ("adopted", "partially_adopted") and not d["measures"].strip():
        return False
    return d["adoption"] == "adopted" or bool(d["reasons"].strip())


def _rectification_evidence(case, d, ctx):
    return d["adoption"] == "not_adopted" or bool(d["evidence"])


def _no_just_cause(case, d, ctx):
    return bool(d["no_just_cause"])


def _measures_fit(case, d, ctx):
    allowed = set(c.CENTRE_MEASURES) if ctx.actor.role == "supv" else ISSUER_MEASURES[side_of(case)]
    return bool(d["measures"]) and set(d["measures"]) <= allowed


def _chief_decides(case, d, ctx):
    return ctx.actor.role != "issuer" or side_of(case) != PROCURATORATE or bool((d["decided_by"] or "").strip())


def _public_interest_kind(case, d, ctx):
    return kind_of(case) == "public_interest"


def _suit_court(case, d, ctx):
    org = _org(ctx, d["court_org_id"])
    return d["court_org_id"] is None or (org is not None and org.kind == COURT)


GUARDS = {
    "issuer_org": Guard(_issuer_org, "司法建议、检察建议须以人民法院或人民检察院的名义提出（JSR Art 4；POL Art 21）",
                        "JSR Art 4; POL Art 21"),
    "kind_matches": Guard(_kind_matches, "建议类型须与制发机关相符：人民法院提出综合治理类司法建议，"
                          "人民检察院提出再审、纠正违法、公益诉讼、社会治理及其他检察建议（JSR Art 1；PRR）", "JSR Art 1; PRR"),
    "recipient_known": Guard(_recipient_known, "被建议单位须为登记在册的有关主管机关或其他有关单位，且不能是制发机关本身"
                             "（JSR Art 3；POL Art 21）", "JSR Art 3; POL Art 21"),
    "court_jurisdiction": Guard(_court_jurisdiction, "人民法院向主管机关提出司法建议，一般应当向本院辖区范围内的同级主管机关提出；"
                              "需要异地主管机关采取措施的，层报上级人民法院决定（JSR Art 3）", "JSR Art 3"),
    "retrial_to_court": Guard(_retrial_to_court, "再审检察建议须向同级人民法院提出（CPL Art 219 ¶2）", "CPL Art 219 ¶2"),
    "public_interest_to_agency": Guard(_public_interest_to_agency, "公益诉讼诉前检察建议须向负有监督管理职责的行政机关提出"
                                       "（PIL Art 21；行政诉讼法 Art 25 ¶4）", "PIL Art 21; 行政诉讼法 Art 25 ¶4"),
    "recurring": Guard(_recurring, "依据风险数据起草建议，须关联足以反映矛盾纠纷多发高发的多起案件"
                       "（件数下限 recommendation.recurring_min_cases [A]）（JSR Art 1；PSR Art 61 ¶2）",
                       "JSR Art 1; PSR Art 61 ¶2"),
    "court_consulted": Guard(_court_consulted, "人民法院提出司法建议前，应当与被建议单位沟通，听取其意见（JSR Art 5）",
                             "JSR Art 5"),
    "court_committee": Guard(_court_committee, "司法建议书须经审判委员会审议通过，由院长签发（JSR Art 7）", "JSR Art 7"),
    "procuratorate_approver": Guard(_procuratorate_approver, "检察建议须经检察长或检察委员会决定（POL Art 29, 33；PRR [V?]）",
                                    "POL Art 29, 33; PRR [V?]"),
    "retrial_committee": Guard(_retrial_committee, "再审检察建议须经本院检察委员会讨论决定（CPLI Art 414(5)）",
                               "CPLI Art 414(5)"),
    "court_reply_stated": Guard(_court_reply_stated, "司法建议书应当写明被建议单位书面答复的期限（JSR Art 8；附件2）",
                                "JSR Art 8"),
    "court_reply_limit": Guard(_reply_limit("court"), "司法建议的答复期限一般不超过两个月；法律、司法解释另有规定的，"
                               "须写明所依据的规定（JSR Art 8）", "JSR Art 8"),
    "procuratorate_reply_limit": Guard(_reply_limit("procuratorate"), "检察建议的书面回复期限为二个月，情况紧急的为十五日，"
                                       "建议书不得规定更长的期限（PRR [V?]；POL Art 21）", "PRR [V?]; POL Art 21"),
    "public_interest_reply_limit": Guard(_reply_limit("public_interest"), "公益诉讼检察建议的回复期限为二个月，"
                                         "损害继续扩大等紧急情形为十五日，不得更长（PIL Art 21）", "PIL Art 21"),
    "doc_prefix": Guard(_doc_prefix, "建议书实行统一编号（地名简称＋法建/检建＋〔年度〕＋序号）：制发机关须配置地名简称"
                        "（JSR Art 6 ¶2；附件1）", "JSR Art 6 ¶2"),
    "served_on_addressee": Guard(_served_on_addressee, "建议书须送达其首部载明的被建议单位（JSR 附件1 二；POL Art 21）",
                                 "JSR 附件1; POL Art 21"),
    "copies_fit": Guard(_copies_fit, "抄送须合于制发机关的规定：司法建议仅在问题重大时抄送被建议单位的上级主管机关或其他有关单位；"
                        "检察建议可抄送上级主管机关、上级人民检察院、同级党委、人大、政府、纪检监察机关（JSR Art 9；PRR）",
                        "JSR Art 9; PRR"),
    "copies_known": Guard(_copies_known, "抄送机构须登记在册；“上级主管机关”须为被建议单位的上级机关（JSR Art 9）",
                          "JSR Art 9"),
    "retrial_filed_upward": Guard(_retrial_filed_upward, "再审检察建议须报上级人民检察院备案（CPL Art 219 ¶2）",
                                  "CPL Art 219 ¶2"),
    "procuratorate_only": Guard(_procuratorate_only, "仅检察建议的被建议单位可以提出异议并由检察院复核（PRR Art 23）",
                                "PRR Art 23"),
    "first_objection": Guard(_first_objection, "对同一份建议书只能提出一次异议（PRR Art 23 [A]）", "PRR Art 23 [A]"),
    "within_objection_period": Guard(_within_objection_period, "异议须在建议书载明的期限内提出（PRR Art 23；SPEC §6 [A]）",
                                     "PRR Art 23; SPEC §6 [A]"),
    "reply_states_adoption": Guard(_reply_states_adoption, "书面回复须写明采纳落实的措施；未采纳或部分采纳的须说明理由"
                                   "（POL Art 21；JSR Art 8）", "POL Art 21; JSR Art 8"),
    "rectification_evidence": Guard(_rectification_evidence, "回复已采纳落实的，须附整改落实的证明材料（PSR Art 61 ¶2；SPEC §6）",
                                    "PSR Art 61 ¶2"),
    "no_just_cause": Guard(_no_just_cause, "经督促仍无正当理由不予整改或整改不到位的，方可升级（PRR [V?]；PSR Art 65）",
                         "PRR [V?]; PSR Art 65"),
    "measures_fit": Guard(_measures_fit, "升级措施须在本机关职权内：检察院报告上级院、通报被建议单位上级机关、报告党委人大政府、"
                          "通报纪检监察；法院抄送上级主管机关；平安建设组织协调机构约谈、通报、挂牌督办"
                          "（PRR；JSR Art 9；PSR Art 60, 65）", "PRR; JSR Art 9; PSR Art 60, 65"),
    "chief_decides": Guard(_chief_decides, "检察建议的升级措施由检察长决定，须写明决定人（PRR [V?]；POL Art 29）",
                           "PRR [V?]; POL Art 29"),
    "public_interest_kind": Guard(_public_interest_kind, "仅公益诉讼检察建议可在行政机关仍不依法履行职责时提起行政公益诉讼"
                                  "（PIL Art 21；行政诉讼法 Art 25 ¶4）", "PIL Art 21; 行政诉讼法 Art 25 ¶4"),
    "suit_court": Guard(_suit_court, "行政公益诉讼须向人民法院提起（行政诉讼法 Art 25 ¶4）", "行政诉讼法 Art 25 ¶4"),
}


def _g(*names):
    return tuple(GUARDS[n] for n in names)


EVENTS = (
    EventDef("draft", "起草建议", (), "RC_DRAFTING", ("issuer",),
             "JSR Art 1, 3, 4; PRR; PSR Art 61 ¶2: problem found in casework, addressed to the competent body",
             guards=_g("issuer_org", "kind_matches", "recipient_known", "court_jurisdiction", "retrial_to_court",
                       "public_interest_to_agency", "recurring"),
             schema=c.DraftSchema, effect=draft),
    EventDef("consult_recipient", "征求被建议单位意见", ("RC_DRAFTING",), "RC_CONSULTING", ("issuer",),
             "JSR Art 5; PRR (may consult before issuing)", schema=c.ConsultSchema, effect=consult),
    EventDef("submit", "提请审批", ("RC_DRAFTING", "RC_CONSULTING"), "RC_PENDING_APPROVAL", ("issuer",),
             "JSR Art 5, 7; PRR", guards=_g("court_consulted"), schema=c.NoteSchema, effect=submit),
    EventDef("approve_issue", "审批制发", ("RC_PENDING_APPROVAL",), "RC_ISSUED", ("issuer",),
             "JSR Art 6-8 (审委会审议, 院长签发, ×法建〔年〕×号); PRR [V?] (检察长/检委会); PIL Art 21",
             guards=_g("court_committee", "procuratorate_approver", "retrial_committee", "court_reply_stated",
                       "court_reply_limit", "procuratorate_reply_limit", "public_interest_reply_limit", "doc_prefix"),
             schema=c.ApproveIssueSchema, effect=approve_issue),
    EventDef("serve", "送达", ("RC_ISSUED",), "RC_AWAITING_REPLY", ("issuer",),
             "PRR (书面或宣告送达; 抄送党委、人大、政府、纪检监察); JSR Art 9 (抄送上级主管机关); CPL Art 219 ¶2",
             guards=_g("served_on_addressee", "copies_fit", "copies_known", "retrial_filed_upward"),
             schema=c.ServeSchema, effect=serve),
    EventDef("raise_objection", "提出异议", ("RC_AWAITING_REPLY",), "RC_OBJECTION_REVIEW", ("rcpt",),
             "PRR Art 23: procuratorate only, within the period stated in the letter",
             guards=_g("procuratorate_only", "first_objection", "within_objection_period"),
             schema=c.ObjectionSchema, effect=raise_objection),
    EventDef("objection_upheld_amend", "异议成立（修改建议）", ("RC_OBJECTION_REVIEW",), "RC_ISSUED", ("issuer",),
             "PRR Art 23: chief procurator or committee decides; the amended letter is served again",
             schema=c.ObjectionAmendSchema, effect=_decide_objection("upheld_amend")),
    EventDef("objection_upheld_withdraw", "异议成立（撤回建议）", ("RC_OBJECTION_REVIEW",), "RC_WITHDRAWN", ("issuer",),
             "PRR Art 23: chief procurator or committee decides", schema=c.ObjectionDecisionSchema,
             effect=_decide_objection("upheld_withdraw")),
    EventDef("objection_dismissed", "异议不成立", ("RC_OBJECTION_REVIEW",), "RC_AWAITING_REPLY", ("issuer",),
             "PRR Art 23: reasons explained to the recipient", schema=c.ObjectionDecisionSchema,
             effect=_decide_objection("dismissed")),
    EventDef("submit_reply", "书面回复", REPLY_STATES, "RC_REPLIED", ("rcpt",),
             "POL Art 21; JSR Art 8; PSR Art 61 ¶2 (反馈处理情况); RC_OVERDUE added: a late reply is still a reply",
             guards=_g("reply_states_adoption", "rectification_evidence"), schema=c.ReplySchema, effect=submit_reply),
    EventDef("deadline_warning", "期限预警", ("RC_ISSUED", "RC_AWAITING_REPLY", "RC_URGED"), None, ("sys",),
             "SPEC §1: T-3 WD [A]", schema=c.ClockEventSchema),
    EventDef("deadline_expired", "答复逾期", ("RC_AWAITING_REPLY",), "RC_OVERDUE", ("sys",),
             "JSR Art 8; PRR; PIL Art 21; SPEC §7: RC_OVERDUE → SUPV 督办 (PSR Art 60, 65)",
             schema=c.ClockEventSchema, effect=overdue),
    EventDef("service_overdue", "送达逾期预警", ("RC_ISSUED",), None, ("sys",),
             "SPEC §6: service of the letter within 7 d of issue [A; repealed Jiangsu 2017 rule]",
             schema=c.ClockEventSchema, effect=service_overdue),
    EventDef("urge", "督促", ("RC_OVERDUE",), "RC_URGED", ("issuer", "supv"),
             "PRR (询问、走访、磋商、联席会议); JSR Art 8 ¶2; PSR Art 60", schema=c.UrgeSchema, effect=urge),
    EventDef("escalation_due", "督促期满提示升级", ("RC_URGED",), None, ("sys",),
             "SPEC §6: urge → escalate 15 d [A]: the clock warns the issuer and the centre; escalation itself "
             "is a human decision (PRR; JSR Art 9; PSR Art 60, 65)", schema=c.ClockEventSchema, effect=escalation_due),
    EventDef("escalate", "升级", ("RC_URGED",), "RC_ESCALATED", ("issuer", "supv"),
             "PRR (检察长决定: 报告上级院, 通报上级主管机关, 报告党委人大政府, 纪检监察); JSR Art 9; PSR Art 60, 65; "
             "a finding of no just cause and the measures, by people (on the escalation clock's warning or earlier)",
             guards=_g("no_just_cause", "measures_fit", "chief_decides"), schema=c.EscalateSchema, effect=escalate),
    EventDef("supervise", "督办（约谈/通报/挂牌督办）", ("RC_OVERDUE", "RC_URGED", "RC_ESCALATED"), None, ("supv",),
             "PSR Art 60, 65; SPEC §7: RC_OVERDUE / RC_ESCALATED → SUPV 挂牌督办/约谈", schema=c.SuperviseSchema,
             effect=supervise),
    EventDef("file_public_interest_suit", "提起行政公益诉讼", ("RC_OVERDUE", "RC_URGED", "RC_ESCALATED"), "RC_LITIGATION",
             ("issuer",), "PIL Art 21; 行政诉讼法 Art 25 ¶4: agency still not performing after the period "
             "(RC_OVERDUE added: the suit needs no urging)", guards=_g("public_interest_kind", "suit_court"),
             schema=c.SuitSchema, effect=file_suit),
    EventDef("verify_implementation", "落实核查", ("RC_REPLIED",), "RC_VERIFYING", ("issuer",),
             "JSR Art 8 ¶2; PRR [A: timing]", schema=c.VerifySchema, effect=verify),
    EventDef("mark_implemented", "确认落实（办结）", ("RC_VERIFYING",), "RC_CLOSED", ("issuer",),
             "JSR Art 8 ¶2; PSR Art 61 ¶2", schema=c.ImplementedSchema, effect=_verification_result("implemented")),
    EventDef("mark_not_implemented", "整改不到位", ("RC_VERIFYING",), "RC_URGED", ("issuer",),
             "PRR: 整改不到位 → urged again", schema=c.NotImplementedSchema,
             effect=_verification_result("not_implemented")),
)


# -- clocks (SPEC §6) --------------------------------------------------------------------------------
def _letter_period(key: str):
    def period(config, case) -> Period:
        if case is None:
            raise LookupError("set per case in the letter")
        p = case.data["letter"][key]
        return Period(int(p["amount"]), p["unit"])
    return period


def _config_period(key: str):
    def period(config, case) -> Period:
        return Period(*config.period("recommendation", key))
    return period


def _kind_in(*kinds):
    return lambda case: case is not None and kind_of(case) in kinds


PROCURATORATE_KINDS = tuple(k for k, (side, _) in KINDS.items() if side == PROCURATORATE and k != "public_interest")

CLOCKS = (
    ClockDef("court_reply", "司法建议答复期限", _letter_period("reply_period"), ("RC_AWAITING_REPLY",),
             ("RC_AWAITING_REPLY",), "deadline_expired",
             "JSR Art 8: set in the letter, generally ≤ 2 months; from receipt [A; template 收到后×个月内]",
             applies=_kind_in("comprehensive_governance")),
    ClockDef("procuratorate_reply", "检察建议回复期限", _letter_period("reply_period"), ("RC_AWAITING_REPLY",),
             ("RC_AWAITING_REPLY",), "deadline_expired",
             "PRR per SPP release [V?]: 2 months, 15 d if urgent; POL Art 21",
             applies=_kind_in(*PROCURATORATE_KINDS)),
    ClockDef("public_interest_reply", "公益诉讼检察建议回复期限", _letter_period("reply_period"), ("RC_AWAITING_REPLY",),
             ("RC_AWAITING_REPLY",), "deadline_expired", "PIL Art 21: 2 months, 15 d if the damage is spreading",
             applies=_kind_in("public_interest")),
    ClockDef("service", "送达期限", _config_period("service"), ("RC_ISSUED",), ("RC_ISSUED",), "service_overdue",
             "SPEC §6: 7 d from issue [A; repealed Jiangsu 2017 rule]"),
    ClockDef("escalation", "督促后升级期限", _config_period("urge_escalate"), ("RC_URGED",), ("RC_URGED",),
             "escalation_due", "SPEC §6: urge → escalate 15 d [A]; on expiry the issuer and the centre are told "
             "to decide (escalate is a human act: PRR; JSR Art 9; PSR Art 60, 65)"),
)

RECOMMENDATION = CaseType(code="recommendation", label="司法建议、检察建议", service="recommendation",
                          case_no_prefix="RC", basis="浙江省平安建设条例 Art 60, 61, 65; JSR; PRR; POL Art 21",
                          states=STATES, events=EVENTS, clocks=CLOCKS, participants=sides.participants)
