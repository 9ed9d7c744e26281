"""The judicial confirmation case type (司法确认; SPEC §4C; CPL Art 205-206; CPLI Art 351-358, 372;
JC11 2011 [V?: CPL/CPLI prevail]).

Deviations from SPEC §4C, stated in the events' descriptions:
- ``withdraw`` is also allowed from JC_APPLIED and JC_SUPPLEMENTING: CPLI Art 357 and JC11 Art 5 ¶2
  allow withdrawal at any time before the ruling.
- The acceptance and decision clocks expire through ``deadline_overdue`` (督办 flag); SPEC's
  ``deadline_expired`` is the supplement period's expiry (→ JC_WITHDRAWN, CPLI Art 357 ¶2).
- ``extend_review`` carries the president's approval for the +10 d of JC11 Art 5.
- The 30-day application window is a guard of ``apply`` here (the case does not exist before the
  application); its clock runs on the agreement's own case (DV_SETTLED here, PM in mediation).
- Every state after a ruling is terminal (the case is decided); enforcement and objection are recorded
  as terminal states after it, as SPEC draws them. An objection (CPLI Art 372) may follow any ruling
  on the agreement, also after enforcement was applied for; the court's decision on it is modelled
  (issue 13 item 9): ``revoke_ruling`` → JC_REVOKED, ``amend_ruling`` → JC_AMENDED (撤销或者改变原裁定),
  ``dismiss_objection`` → JC_OBJECTION_DISMISSED (裁定驳回). SPEC draws the dismissal back to
  JC_CONFIRMED; one event has one target and the objection may be to a rejection, so the dismissal is a
  state of its own (the original ruling stands; a confirmed agreement stays enforceable).
  JC_OBJECTION keeps the platform's terminal flag (a terminal ruling leads only to terminal states):
  the decision still follows it.
"""
from __future__ import annotations

from contracts import diversion as c
from contracts.schemas import ClockEventSchema
from infra.casetype import CaseType, ClockDef, EventDef, Extension, Period, StateDef, configured
from services.diversion import jc_effects as fx
from services.diversion.common import participants
from services.diversion.jc_guards import GUARDS as G

STATES = (
    StateDef("JC_APPLIED", "已申请", basis="CPL Art 205; CPLI Art 351-354"),
    StateDef("JC_NOT_ACCEPTED", "不予受理", terminal=True, basis="CPLI Art 355; JC11 Art 4"),
    StateDef("JC_UNDER_REVIEW", "审查中", basis="CPLI Art 356; JC11 Art 5-6"),
    StateDef("JC_SUPPLEMENTING", "补正", basis="CPLI Art 354 ¶2, 356 ¶2"),
    StateDef("JC_WITHDRAWN", "撤回", terminal=True, basis="CPLI Art 357"),
    StateDef("JC_CONFIRMED", "裁定有效", terminal=True, basis="CPL Art 206"),
    StateDef("JC_REJECTED", "裁定驳回", terminal=True, basis="CPL Art 206; CPLI Art 358"),
    StateDef("JC_ENFORCEMENT_REQUESTED", "申请执行", terminal=True, basis="CPL Art 206; PML Art 33 ¶2"),
    StateDef("JC_OBJECTION", "异议审查中", terminal=True, basis="CPLI Art 372"),
    StateDef("JC_REVOKED", "异议成立，撤销原裁定", terminal=True, basis="CPLI Art 372 ¶1"),
    StateDef("JC_AMENDED", "异议部分成立，改变原裁定", terminal=True, basis="CPLI Art 372 ¶1"),
    StateDef("JC_OBJECTION_DISMISSED", "异议不成立，裁定驳回", terminal=True, basis="CPLI Art 372 ¶1"),
)
RULED = ("JC_CONFIRMED", "JC_REJECTED", "JC_ENFORCEMENT_REQUESTED")
ENFORCEABLE = ("JC_CONFIRMED", "JC_AMENDED", "JC_OBJECTION_DISMISSED")

BEFORE_RULING = ("JC_APPLIED", "JC_UNDER_REVIEW", "JC_SUPPLEMENTING")
REVIEWING = ("JC_UNDER_REVIEW", "JC_SUPPLEMENTING")


def _supplement_period(config, case) -> Period:
    return Period(int(case.data["supplement"]["days"]), "days")


CLOCKS = (
    ClockDef("jc_acceptance", "司法确认受理期限", configured("diversion", "jc_acceptance"), ("JC_APPLIED",), ("JC_APPLIED",),
             "deadline_overdue", "JC11 Art 4 [V?]: decide within 3 d whether to accept"),
    ClockDef("jc_decision", "司法确认审查期限", configured("diversion", "jc_decision"), ("JC_UNDER_REVIEW",), REVIEWING,
             "deadline_overdue", "JC11 Art 5 [V?]: 15 d from acceptance, +10 d with the president's approval; "
             "outer limit CPL Art 187",
             extension=Extension("extend_review", 10, "JC11 Art 5 [V?]: 经本院院长批准，可以延长十日",
                                 needs=("approved_by",))),
    ClockDef("jc_supplement", "补充材料期限", _supplement_period, ("JC_SUPPLEMENTING",), ("JC_SUPPLEMENTING",),
             "deadline_expired", "CPLI Art 356 ¶2, 357 ¶2: the time limit the court sets; then deemed withdrawn"),
)

EVENTS = (
    EventDef("apply", "申请司法确认", (), "JC_APPLIED", ("party", "filing", "router"),
             "CPL Art 205; CPLI Art 351-354; JC11 Art 2; PML Art 33: joint, written or oral, within 30 d, to a "
             "court with jurisdiction", guards=(G["router_handoff"], G["joint"], G["within_30_days"], G["jurisdiction"]),
             schema=c.JcApplySchema, effect=fx.apply,
             description="party/filing: at the court; router or party: by hand-off (open_from_handoff, SPEC §7)"),
    EventDef("accept", "受理（调确字）", ("JC_APPLIED",), "JC_UNDER_REVIEW", ("filing",),
             "JC11 Art 4: 3 d; 调确字 case number", schema=c.JcAcceptSchema, effect=fx.accept),
    EventDef("refuse", "裁定不予受理", ("JC_APPLIED",), "JC_NOT_ACCEPTED", ("filing",),
             "CPLI Art 355 ¶1 (JC11 Art 4 ¶2): a ground from the fixed list", schema=c.JcRefuseSchema, effect=fx.refuse),
    EventDef("request_supplement", "要求补充材料", ("JC_UNDER_REVIEW",), "JC_SUPPLEMENTING", ("judge",),
             "CPLI Art 356 ¶2; 354 ¶2: 限期补充陈述或补充证明材料", schema=c.SupplementSchema,
             effect=fx.request_supplement),
    EventDef("supplement_received", "补充材料已提交", ("JC_SUPPLEMENTING",), "JC_UNDER_REVIEW", ("party",),
             "CPLI Art 356 ¶2", schema=c.SupplementReceivedSchema, effect=fx.supplement_received),
    EventDef("deadline_expired", "逾期未补充，按撤回处理", ("JC_SUPPLEMENTING",), "JC_WITHDRAWN", ("sys",),
             "CPLI Art 357 ¶2: deemed withdrawn", guards=(G["supplement_clock"],), schema=ClockEventSchema,
             effect=fx.deemed_withdrawn),
    EventDef("withdraw", "撤回申请", BEFORE_RULING, "JC_WITHDRAWN", ("party",),
             "CPLI Art 357 ¶1; JC11 Art 5 ¶2: before the ruling", guards=(G["party_of_case"],),
             schema=c.WithdrawSchema, effect=fx.withdraw,
             description="SPEC lists JC_UNDER_REVIEW; the articles allow any time before the ruling"),
    EventDef("confirm", "裁定调解协议有效", ("JC_UNDER_REVIEW",), "JC_CONFIRMED", ("judge",),
             "CPL Art 206; CPLI Art 356", guards=(G["parties_heard"],), schema=c.ConfirmSchema, effect=fx.confirm),
    EventDef("reject", "裁定驳回申请", ("JC_UNDER_REVIEW",), "JC_REJECTED", ("judge",),
             "CPLI Art 358 (JC11 Art 7), Art 355 ¶2; CPL Art 206", schema=c.RejectSchema, effect=fx.reject),
    EventDef("extend_review", "延长审查期限（院长批准）", REVIEWING, None, ("judge",),
             "JC11 Art 5 [V?]: +10 d with the president's approval", schema=c.ExtendReviewSchema,
             effect=fx.extend_review),
    EventDef("apply_enforcement", "申请执行", ENFORCEABLE, "JC_ENFORCEMENT_REQUESTED", ("party",),
             "CPL Art 206; PML Art 33 ¶2; JC11 Art 9: non-performance of a confirmed agreement",
             guards=(G["enforcement_applicant"], G["confirmed_agreement"]),
             schema=c.EnforcementSchema, effect=fx.apply_enforcement,
             description="also after an objection was dismissed or the ruling changed, while the agreement "
                         "stands confirmed (CPLI Art 372 ¶1)"),
    EventDef("file_objection", "提出异议", RULED, "JC_OBJECTION", ("party",),
             "CPLI Art 372: party ≤ 15 d of receipt; interested person ≤ 6 months of knowing",
             guards=(G["objector_party"], G["objection_in_time"]), schema=c.ObjectionSchema, effect=fx.file_objection,
             description="an interested person (third party) files as role party with objector=interested_person; "
                         "also after enforcement was applied for (CPLI Art 372 ¶2 sets only the time limits)"),
    EventDef("revoke_ruling", "异议成立，撤销原裁定", ("JC_OBJECTION",), "JC_REVOKED", ("judge",),
             "CPLI Art 372 ¶1: 异议成立的，作出新的裁定撤销原裁定", schema=c.ObjectionDecisionSchema,
             effect=fx.revoke_ruling, description="added: the court's decision on the objection (issue 13 item 9)"),
    EventDef("amend_ruling", "异议部分成立，改变原裁定", ("JC_OBJECTION",), "JC_AMENDED", ("judge",),
             "CPLI Art 372 ¶1: 异议部分成立的，作出新的裁定改变原裁定", schema=c.AmendRulingSchema,
             effect=fx.amend_ruling,
             description="added: the agreement stands confirmed as the new ruling changes it"),
    EventDef("dismiss_objection", "异议不成立，裁定驳回", ("JC_OBJECTION",), "JC_OBJECTION_DISMISSED", ("judge",),
             "CPLI Art 372 ¶1: 异议不成立的，裁定驳回", schema=c.ObjectionDecisionSchema, effect=fx.dismiss_objection,
             description="added: the original ruling stands"),
    EventDef("deadline_overdue", "期限届满（督办）", BEFORE_RULING, None, ("sys",),
             "SPEC §1 timers; JC11 Art 4-5 [V?]: lateness is flagged (督办)", schema=ClockEventSchema,
             effect=fx.overdue),
    EventDef("deadline_warning", "期限预警", BEFORE_RULING, None, ("sys",), "SPEC §1: T-3 WD [A]",
             schema=ClockEventSchema),
)

JUDICIAL_CONFIRMATION = CaseType(code="jc", label="司法确认", service="diversion", case_no_prefix="JC",
                                 basis="CPL Art 205-206; CPLI Art 351-358, 372; PML Art 33; 浙江省平安建设条例 Art 45",
                                 states=STATES, events=EVENTS, clocks=CLOCKS, participants=participants)
