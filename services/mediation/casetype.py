"""The people's mediation case type (人民调解; SPEC §3; 人民调解法; 浙江省平安建设条例 Art 44).

Deviations from SPEC §3's table, all forced by the platform or by the statute, and documented in the
events' descriptions:
- The court's ruling arrives from diversion's judicial-confirmation case (SPEC §7), so the ruling
  events are fired by ``sys`` (services/mediation/children.py): ``confirmation_granted`` (JC_CONFIRMED),
  ``confirmation_rejected`` (JC_REJECTED) and ``confirmation_lapsed`` (JC_NOT_ACCEPTED, JC_WITHDRAWN,
  or the hand-off refused: no ruling on the agreement, which stays binding → PM_PERFORMING, PML Art 31).
- ``confirmation_rejected`` has two targets in SPEC and two actors (the court rules, the parties choose
  the remedy: CPL Art 206; PML Art 33 ¶3). The ruling moves the case to the added state
  PM_CONFIRMATION_REJECTED, from which the parties' ``confirmation_rejected_remediate`` (→ PM_IN_MEDIATION)
  and ``confirmation_rejected_terminate`` (→ PM_TERMINATED) are allowed only once the rejection is known.
- SPEC §7's hand-offs to a suit are the added self-loop ``refer_to_court`` (PM_TERMINATED: PML Art 26;
  PM_PERFORMANCE_DISPUTE over an unconfirmed agreement: PML Art 32); enforcement of a confirmed
  agreement is applied for on the JC case and recorded here by ``enforcement_requested`` (sys; PML
  Art 33 ¶2), which also moves PM_PERFORMING to PM_PERFORMANCE_DISPUTE; ``handoff_refused`` (sys)
  records a suit hand-off the court service refused.
- Clocks other than the general/medical mediation period expire through their own events
  (``acceptance_overdue``, ``consent_expired``, ``labour_period_expired``, ``confirmation_window_closed``);
  ``deadline_expired`` is SPEC's PM_IN_MEDIATION → PM_TERMINATED and also leaves PM_ACCEPTED, because the
  period counts from acceptance [A] and may end before a mediator is assigned.
- ``apply_judicial_confirmation`` may also be made from PM_PERFORMING: PML Art 31 ¶2 supervision and
  the Art 33 thirty-day window run side by side, so starting supervision must not cost the parties
  their right to apply (the window clock runs in both states).
- ``apply`` also admits role ``router``: the centre's hand-off (SPEC §7) creates the case through it;
  and role ``filing``: the court's hand-off of a court-delegated mediation (SPEC §7: DV 委派 to a PMC),
  whose case runs on the court's periods (``court_period_updated``, sys; services/mediation/delegated.py).
"""
from __future__ import annotations

from contracts import mediation as c
from contracts.schemas import ClockEventSchema
from infra.casetype import CaseType, ClockDef, EventDef, Extension, StateDef, configured, statutory
from services.mediation import confirmation, delegated, effects as fx, litigation
from services.mediation.deadlines import (AGREED, BEFORE_AGREEMENT, CONFIRMATION_PERIOD, LABOUR, LABOUR_PERIOD, MEDIATING,
                                          MEDICAL, MEDICAL_PERIOD, own_periods)
from services.mediation.guards import GUARDS as G

STATES = (
    StateDef("PM_APPLIED", "申请登记", basis="PML Art 17"),
    StateDef("PM_CONSENT_PENDING", "征询对方意愿", basis="PML Art 17"),
    StateDef("PM_REJECTED", "不予受理", terminal=True, basis="PML Art 17; PMR Art 22"),
    StateDef("PM_ACCEPTED", "已受理", basis="PML Art 17"),
    StateDef("PM_IN_MEDIATION", "调解中", basis="PML Art 19-25"),
    StateDef("PM_AGREEMENT_EFFECTIVE", "调解协议生效", basis="PML Art 28-31"),
    StateDef("PM_CONFIRMATION_PENDING", "司法确认中", basis="PML Art 33; CPL Art 205"),
    StateDef("PM_CONFIRMATION_REJECTED", "确认申请被驳回（待当事人选择）", basis="CPL Art 206; PML Art 33 ¶3"),
    StateDef("PM_PERFORMING", "履行监督", basis="PML Art 31 ¶2"),
    StateDef("PM_PERFORMED", "履行完毕", basis="PML Art 31"),
    StateDef("PM_PERFORMANCE_DISPUTE", "履行争议", basis="PML Art 32, 33 ¶2"),
    StateDef("PM_TERMINATED", "调解终止", basis="PML Art 26; NB Art 23, 27"),
    StateDef("PM_CLOSED", "结案归档", terminal=True, basis="PML Art 27"),
)

REMIT = G["acts_within_remit"]
# where the case may stand when the court's ruling on the agreement is objected to (CPLI Art 372):
# after a confirmation (performing, performed, disputed) or a rejection (the remedy chosen). Not PM_CLOSED:
# the platform's final states take no event, not even a self-loop (python-statemachine needs a final state)
AFTER_RULING = ("PM_CONFIRMATION_REJECTED", "PM_PERFORMING", "PM_PERFORMED", "PM_PERFORMANCE_DISPUTE",
                "PM_IN_MEDIATION", "PM_TERMINATED")
CLOCK_STATES = ("PM_APPLIED", "PM_CONSENT_PENDING", *MEDIATING, *AGREED)
DELEGATED_STATES = tuple(s.code for s in STATES if not s.terminal)

EVENTS = (
    # -- registration (PML Art 17) ---------------------------------------------------------------
    EventDef("apply", "申请调解", (), "PM_APPLIED", ("party", "window", "router", "filing"),
             "PML Art 17: written or oral application, registered; SPEC §7 hand-off from intake (PSR Art 44); "
             "SPEC §7 court-delegated mediation (SIM Art 1, 11; PML Art 18)",
             guards=(G["committee"], G["handoff_by_router"]), schema=c.ApplySchema, effect=fx.apply,
             description="router: only through open_from_handoff (SPEC §7); filing (the court's filing officer): "
                         "only through diversion's hand-off of a court-delegated mediation (委派调解)"),
    EventDef("initiate_proactive", "主动调解", (), "PM_CONSENT_PENDING", ("pmc",),
             "PML Art 17: 人民调解委员会也可以主动调解", guards=(G["own_committee"],),
             schema=c.ProactiveSchema, effect=fx.initiate_proactive),
    EventDef("request_consent", "征询对方意愿", ("PM_APPLIED",), "PM_CONSENT_PENDING", ("pmc",),
             "PML Art 17: one-party application", guards=(REMIT, G["one_party_application"]),
             schema=c.RequestConsentSchema, effect=fx.request_consent),
    EventDef("respondent_consents", "对方同意调解", ("PM_CONSENT_PENDING",), "PM_ACCEPTED", ("party",),
             "PML Art 3(1), 17", guards=(REMIT,), schema=c.ConsentSchema, effect=fx.respondent_consents),
    EventDef("party_refuses", "当事人拒绝调解", ("PM_APPLIED", "PM_CONSENT_PENDING"), "PM_REJECTED", ("party",),
             "PML Art 17: express refusal bars mediation", guards=(REMIT, G["express_refusal"]),
             schema=c.RefuseSchema, effect=fx.party_refuses),
    EventDef("accept", "受理", ("PM_APPLIED",), "PM_ACCEPTED", ("pmc",),
             "PML Art 2, 17; PMR Art 22: both consent; not barred",
             guards=(REMIT, G["both_consent"], G["civil_dispute"], G["not_barred"], G["not_court_accepted"]),
             schema=c.AcceptSchema, effect=fx.accept),
    EventDef("reject", "不予受理", ("PM_APPLIED",), "PM_REJECTED", ("pmc",),
             "PMR Art 22: specialised organ only, mediation forbidden, or already accepted/resolved by a court, "
             "the police or an administrative organ; tell the right channel; calm, then hand over (PML Art 25)",
             guards=(REMIT, G["channel_told"], G["escalation_handover"]), schema=c.RejectSchema, effect=fx.reject),
    # -- mediating (PML Art 19-26) ---------------------------------------------------------------
    EventDef("assign_mediator", "确定调解员", ("PM_ACCEPTED",), "PM_IN_MEDIATION", ("pmc", "party"),
             "PML Art 19, 23(1): designated by the committee, or chosen by the parties",
             guards=(REMIT, G["appointment"], G["mediators_of_committee"]),
             schema=c.AssignMediatorSchema, effect=fx.assign_mediator),
    EventDef("report_escalation_risk", "报告激化风险", ("PM_IN_MEDIATION",), None, ("mediator",),
             "PML Art 25: 治安/刑事 risk reported to the police", guards=(REMIT, G["report_to_police"]),
             schema=c.EscalationSchema, effect=fx.report_escalation_risk),
    EventDef("extend_period", "延长调解期限", ("PM_IN_MEDIATION",), None, ("party",),
             "NB Art 27; SZ Art 25: both parties request; MDR Art 38: by agreement",
             guards=(REMIT, G["all_parties_request"], G["extendable"]), schema=c.ExtendSchema,
             effect=fx.extend_period),
    EventDef("clock_pause", "鉴定中止计算期限", MEDIATING, None, ("mediator", "pmc"),
             "MDR Art 38: 需要鉴定的，鉴定时间不计入调解期限", guards=(REMIT,), schema=c.PauseSchema,
             effect=fx.clock_pause),
    EventDef("clock_resume", "鉴定结束恢复计算", MEDIATING, None, ("mediator", "pmc"),
             "MDR Art 38", guards=(REMIT,), schema=c.ResumeSchema, effect=fx.clock_resume),
    EventDef("sign_written_agreement", "签订调解协议书", ("PM_IN_MEDIATION",), "PM_AGREEMENT_EFFECTIVE",
             ("party", "mediator"), "PML Art 29: all parties sign/seal/fingerprint; mediator signs; committee seal",
             guards=(REMIT, G["agreement_complete"]), schema=c.WrittenAgreementSchema,
             effect=fx.sign_written_agreement),
    EventDef("record_oral_agreement", "记录口头协议", ("PM_IN_MEDIATION",), "PM_AGREEMENT_EFFECTIVE", ("mediator",),
             "PML Art 28, 30; NB Art 24: written form needed if requested, not performed at once, or major; "
             "LDL Art 14 ¶1, MDR Art 39 ¶1: labour and medical (医调委) disputes end with a written agreement only",
             guards=(REMIT, G["written_by_statute"], G["oral_allowed"]), schema=c.OralAgreementSchema, effect=fx.record_oral_agreement),
    EventDef("party_withdraws", "当事人要求终止调解", ("PM_IN_MEDIATION",), "PM_TERMINATED", ("party",),
             "PML Art 23(2), 26; NB Art 23(1)", guards=(REMIT, G["channels_told"]), schema=c.WithdrawSchema,
             effect=fx.party_withdraws),
    EventDef("declare_failure", "调解不成终止调解", ("PM_IN_MEDIATION",), "PM_TERMINATED", ("mediator",),
             "PML Art 26; NB Art 23", guards=(REMIT, G["channels_told"]), schema=c.DeclareFailureSchema,
             effect=fx.declare_failure),
    EventDef("deadline_expired", "调解期限届满", MEDIATING, "PM_TERMINATED", ("sys",),
             "NB Art 27: no extension, 终止调解通知书; MDR Art 38: deemed failed", schema=ClockEventSchema,
             effect=fx.deadline_expired,
             description="also from PM_ACCEPTED: the period counts from acceptance [A]"),
    EventDef("labour_period_expired", "劳动争议调解期满", BEFORE_AGREEMENT, None, ("sys",),
             "LDL Art 14 ¶3: the party may apply for arbitration", schema=ClockEventSchema,
             effect=fx.labour_period_expired),
    # -- agreement, confirmation, performance (PML Art 31-33) -------------------------------------
    EventDef("apply_judicial_confirmation", "申请司法确认", AGREED, "PM_CONFIRMATION_PENDING", ("party",),
             "PML Art 33; CPL Art 205: joint application within 30 d of the agreement taking effect",
             guards=(REMIT, G["joint_application"], G["court"], G["not_yet_confirmed"],
                     G["within_confirmation_window"]),
             schema=c.ConfirmationApplicationSchema, effect=confirmation.apply,
             description="also from PM_PERFORMING: supervision does not end the Art 33 window"),
    EventDef("start_supervision", "履行监督", ("PM_AGREEMENT_EFFECTIVE",), "PM_PERFORMING", ("pmc",),
             "PML Art 31 ¶2", guards=(REMIT,), schema=c.SupervisionSchema, effect=fx.start_supervision),
    EventDef("confirmation_window_closed", "司法确认申请期满", AGREED, None, ("sys",),
             "PML Art 33; agreement stays binding (Art 31); remedy is a suit (Art 32)", schema=ClockEventSchema,
             effect=fx.confirmation_window_closed),
    # the court's answer, from its JC case (SPEC §7; children.py): fired by sys
    EventDef("confirmation_granted", "确认调解协议有效", ("PM_CONFIRMATION_PENDING",), "PM_PERFORMING", ("sys",),
             "CPL Art 206; PML Art 33 ¶2: court ruling valid (SPEC §7: JC_CONFIRMED)", schema=c.CourtCaseSchema,
             effect=confirmation.granted, description="fired by sys when the JC case reaches JC_CONFIRMED"),
    EventDef("confirmation_rejected", "驳回确认申请", ("PM_CONFIRMATION_PENDING",), "PM_CONFIRMATION_REJECTED",
             ("sys",), "CPL Art 206; CPLI Art 358; JC11 Art 12; NB Art 25 ¶3 (SPEC §7: JC_REJECTED)",
             schema=c.CourtCaseSchema, effect=confirmation.rejected,
             description="fired by sys when the JC case reaches JC_REJECTED; the parties then choose the remedy"),
    EventDef("confirmation_lapsed", "确认申请未获受理或撤回（协议继续履行）", ("PM_CONFIRMATION_PENDING",),
             "PM_PERFORMING", ("sys",),
             "CPLI Art 355, 357: no ruling on the agreement; PML Art 31: it stays binding, performance supervised; "
             "a new application within 30 d (PML Art 33; CPL Art 205)", schema=c.LapsedSchema,
             effect=confirmation.lapsed,
             description="added: fired by sys on JC_NOT_ACCEPTED / JC_WITHDRAWN, or when diversion refused the "
                         "hand-off, so the case does not stay in PM_CONFIRMATION_PENDING"),
    EventDef("confirmation_rejected_remediate", "驳回后重新调解", ("PM_CONFIRMATION_REJECTED",),
             "PM_IN_MEDIATION", ("party", "pmc"),
             "PML Art 33 ¶3; CPL Art 206: amend the agreement or make a new one by mediation", guards=(REMIT,),
             schema=c.RemediateSchema, effect=confirmation.remediate,
             description="SPEC confirmation_rejected, remedy: re-mediate (the parties' choice; the committee "
                         "may record it for them)"),
    EventDef("confirmation_rejected_terminate", "驳回后终止调解（起诉）", ("PM_CONFIRMATION_REJECTED",),
             "PM_TERMINATED", ("party", "pmc"), "PML Art 33 ¶3, 26; CPL Art 206: the parties may sue",
             guards=(REMIT, G["channels_told"]), schema=c.RejectedTerminateSchema,
             effect=fx.confirmation_rejected_terminate,
             description="SPEC confirmation_rejected, remedy: suit or another channel (then refer_to_court)"),
    EventDef("confirmation_ruling_reviewed", "确认裁定异议及处理", AFTER_RULING, None, ("sys",),
             "CPLI Art 372: an objection to the ruling, and the court's new ruling revoking or changing it or "
             "dismissing the objection (SPEC §7: JC_OBJECTION → JC_REVOKED / JC_AMENDED / dismissed)",
             schema=c.RulingReviewedSchema, effect=confirmation.ruling_reviewed,
             description="added (issue 13 item 9): fired by sys when the JC case reaches JC_OBJECTION, JC_REVOKED, "
                         "JC_AMENDED or JC_OBJECTION_DISMISSED, so this case no longer shows a revoked "
                         "confirmation as valid"),
    EventDef("record_performed", "履行完毕", ("PM_PERFORMING",), "PM_PERFORMED", ("mediator",), "PML Art 31",
             guards=(REMIT,), schema=c.PerformedSchema, effect=fx.record_performed),
    EventDef("report_non_performance", "报告不履行", ("PM_PERFORMING",), "PM_PERFORMANCE_DISPUTE", ("party",),
             "PML Art 33 ¶2 (confirmed: enforcement); Art 32 (otherwise: a suit)", guards=(REMIT,),
             schema=c.NonPerformanceSchema, effect=fx.report_non_performance),
    EventDef("enforcement_requested", "已申请强制执行", ("PM_PERFORMING", "PM_PERFORMANCE_DISPUTE"),
             "PM_PERFORMANCE_DISPUTE", ("sys",), "PML Art 33 ¶2; CPL Art 206; JC11 Art 9 (SPEC §7: enforcement)",
             schema=c.CourtCaseSchema, effect=litigation.enforcement_requested,
             description="added: fired by sys when the confirmed agreement's JC case reaches "
                         "JC_ENFORCEMENT_REQUESTED (applied for through apply_enforcement, or at the court)"),
    # -- a suit after mediation (SPEC §7: PM_TERMINATED / PM_PERFORMANCE_DISPUTE → DV) -------------
    EventDef("refer_to_court", "移送法院（起诉）", ("PM_TERMINATED", "PM_PERFORMANCE_DISPUTE"), None,
             ("party", "pmc"),
             "PML Art 26 (after termination), Art 32 (dispute over an unconfirmed agreement); SPEC §7 → DV_RECEIVED, "
             "where D7 bars a second pre-filing mediation (SZ Art 69 ¶2)",
             guards=(REMIT, G["plaintiff_is_party"], G["enforce_not_sue"], G["arbitration_first"], G["suit_court"],
                     G["no_suit_pending"]),
             schema=c.ReferToCourtSchema, effect=litigation.refer_to_court,
             description="added: hands the party's suit to diversion's pre-filing registration as a child case"),
    EventDef("handoff_refused", "移送被拒收", ("PM_TERMINATED", "PM_PERFORMANCE_DISPUTE"), None, ("sys",),
             "SPEC §7: the receiving service refused the hand-off; recorded, the parties may refer again",
             schema=c.HandoffRefusedSchema, effect=litigation.handoff_refused,
             description="added: fired by sys when diversion refuses a refer_to_court hand-off"),
    EventDef("archive", "结案归档", ("PM_PERFORMED", "PM_TERMINATED", "PM_PERFORMANCE_DISPUTE"), "PM_CLOSED",
             ("pmc",), "PML Art 27", guards=(REMIT, G["archive_materials"]), schema=c.ArchiveSchema,
             effect=fx.archive),
    # -- court-delegated mediation (SPEC §7; delegated.py): the court's periods govern ----------------
    EventDef("court_period_updated", "法院委派调解期限更新", DELEGATED_STATES, None, ("sys",),
             "SIM Art 27; OMR Art 12, 24: the delegating court's periods govern a court-delegated mediation",
             schema=c.CourtPeriodSchema, effect=delegated.court_period_updated,
             description="added (issue 13 item 15): fired by sys on each authenticated event of the DV case, "
                         "so the committee's case shows the court's deadlines"),
    # -- clocks (SPEC §1 timers; deadlines.py) ----------------------------------------------------
    EventDef("deadline_warning", "期限预警", CLOCK_STATES, None, ("sys",), "SPEC §1: T-3 WD [A]",
             schema=ClockEventSchema),
    EventDef("acceptance_overdue", "受理逾期（督办）", ("PM_APPLIED",), None, ("sys",),
             "SPEC §3: acceptance 3 WD [A] → SUPV warning (督办)", schema=ClockEventSchema,
             effect=fx.acceptance_overdue),
    EventDef("consent_expired", "对方逾期未答复（视为拒绝）", ("PM_CONSENT_PENDING",), "PM_REJECTED", ("sys",),
             "SPEC §3: no answer within 3 WD is treated as refusal [A]; PML Art 17", schema=ClockEventSchema,
             effect=fx.consent_expired),
)


# -- clocks (SPEC §3, clock table); each clock's expiry fires its own event (the platform gives an event one target)
# | clock               | runs in                              | on expiry                                   |
# |---------------------|--------------------------------------|---------------------------------------------|
# | acceptance          | PM_APPLIED                           | acceptance_overdue (督办 flag)              |
# | respondent_consent  | PM_CONSENT_PENDING                   | consent_expired → PM_REJECTED (refusal [A]) |
# | mediation_general   | PM_ACCEPTED, PM_IN_MEDIATION         | deadline_expired → PM_TERMINATED            |
# | mediation_medical   | PM_ACCEPTED, PM_IN_MEDIATION         | deadline_expired → PM_TERMINATED            |
# | mediation_labour    | PM_APPLIED … PM_IN_MEDIATION         | labour_period_expired (may arbitrate)       |
# | confirmation_window | PM_AGREEMENT_EFFECTIVE, PM_PERFORMING| confirmation_window_closed                  |


def general(case) -> bool:
    return own_periods(case) and case.category not in (MEDICAL, LABOUR)


def medical(case) -> bool:
    return own_periods(case) and case.category == MEDICAL


def labour_first_time(case) -> bool:
    # counted once from receipt of the application, whatever states the case passes through
    return own_periods(case) and case.category == LABOUR and not any(c.kind == "mediation_labour" for c in case.clocks)


CLOCKS = (
    ClockDef("acceptance", "受理期限", configured("mediation", "acceptance"), ("PM_APPLIED",), ("PM_APPLIED",),
             "acceptance_overdue", "PML Art 17, 21 (及时); SPEC §3: 3 WD [A; cf. OMR Art 12]", applies=own_periods),
    ClockDef("respondent_consent", "征询对方意愿期限", configured("mediation", "respondent_consent"),
             ("PM_CONSENT_PENDING",), ("PM_CONSENT_PENDING",), "consent_expired",
             "PML Art 17; SPEC §3: 3 WD [A; cf. OMR Art 15]; no answer is treated as refusal [A]", applies=own_periods),
    ClockDef("mediation_general", "调解期限", configured("mediation", "mediation_general"), MEDIATING, MEDIATING,
             "deadline_expired", "PMR Art 33 [V?]; NB Art 27: 一般在一个月内调结 (SZ Art 25: 30 d); from acceptance [A]",
             applies=general, extension=Extension("extend_period", None, "NB Art 27; SZ Art 25: 双方当事人要求延长")),
    ClockDef("mediation_medical", "医疗纠纷调解期限", statutory(MEDICAL_PERIOD), MEDIATING, MEDIATING,
             "deadline_expired", "MDR Art 38: 30 WD from acceptance, 鉴定时间不计入; 超过期限视为调解不成",
             applies=medical, pausable=True,
             extension=Extension("extend_period", None, "MDR Art 38: 医调委和医患双方可以约定延长")),
    ClockDef("mediation_labour", "劳动争议调解期限", statutory(LABOUR_PERIOD), ("PM_APPLIED", "PM_CONSENT_PENDING"),
             BEFORE_AGREEMENT, "labour_period_expired",
             "LDL Art 14 ¶3: 十五日内未达成调解协议的，当事人可以依法申请仲裁", applies=labour_first_time,
             anchor="created"),
    ClockDef("confirmation_window", "司法确认申请期限", statutory(CONFIRMATION_PERIOD), ("PM_AGREEMENT_EFFECTIVE",),
             AGREED, "confirmation_window_closed",
             "PML Art 33; CPL Art 205: 自调解协议生效之日起三十日内共同申请; 期满协议仍有约束力 (PML Art 31, 32)",
             applies=own_periods),
)

MEDIATION = CaseType(code="mediation", label="人民调解", service="mediation", case_no_prefix="PM",
                     basis="人民调解法; 浙江省平安建设条例 Art 44", states=STATES, events=EVENTS, clocks=CLOCKS,
                     participants=lambda case: (case.data or {}).get("participants", []),
                     listing=delegated.listing)
