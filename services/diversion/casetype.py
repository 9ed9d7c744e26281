"""The pre-filing delegated / post-filing entrusted mediation case type (诉前委派调解、委托调解;
SPEC §4A, 4B; 浙江省平安建设条例 Art 45; OMR 2021; SIM 2016; CPL Art 122-127).

Deviations from SPEC §4, forced by the platform (one target per event) or by the statutes, and
stated in each event's description:
- SPEC's ``deadline_expired`` has three targets, so it is three events: ``deadline_expired``
  (pre-filing mediation period → DV_FAILED, OMR Art 25(6)), ``deadline_expired_redesignate``
  (mediator acceptance → DV_DESIGNATING, OMR Art 12 ¶2) and ``deadline_expired_resume_trial``
  (entrusted mediation → DV_TRIAL_RESUMED, SIM Art 21 ¶2). The clocks whose expiry has no legal
  consequence but lateness (court designation, respondent inquiry, filing decision) fire
  ``deadline_overdue`` (督办 flag).
- ``respondent_refuses / unreachable`` are two events (different actors: the party, the mediator).
- Added from SPEC's own guards and clock table: ``refuse_designation`` (SIM Art 12: refusing the
  designation is refusing mediation → filing review), ``direct_to_filing`` (SPEC §2.3: D7 or a matter
  unsuitable for mediation goes straight to filing review; SZ Art 69 ¶2), ``request_correction`` /
  ``complaint_corrected`` with the state DV_CORRECTING (CPLI Art 126: the 7-day filing period counts
  again from the corrected complaint), ``confirmation_window_closed`` (the 30-day JC window, CPL Art 205).
- ``receive_complaint`` also admits ``party`` and ``pmc``, only through a people's-mediation case's
  hand-off of a suit (SPEC §7: PM_TERMINATED → DV_RECEIVED; PML Art 26, 32): the party sues, or the
  committee hands the file over for it; the filing desk then reviews it (D7: no second pre-filing
  mediation after a terminated one).
- ``receive_complaint`` also admits ``xfb`` and ``handler``, only through a petition case's hand-off of a
  涉法涉诉 civil suit (SPEC §7: PT redirect / PT_ROUTED_LEGAL → DV; LVR Art 20 ¶2, 22 ¶2, 31(1): 诉访分离):
  the petition officer (or the handling organ) who decided it is a suit hands it to the court.
- Court-delegated mediation by a people's mediation committee (SPEC §7; SIM Art 1, 11; PML Art 18;
  services/diversion/delegation.py): designating a committee opens a PM case in the committee's own
  records; its outcome comes back as ``mediator_accepts``/``mediator_declines``/``respondent_consents``/
  ``respondent_refuses``/``sign_agreement``/``terminate`` fired by ``sys`` (hence ``sys`` among their
  roles), and the mediator's own firing of the outcome events is refused while the committee's case
  governs (``committee_records``).
- ``apply_judicial_confirmation`` is a self-loop on DV_SETTLED: the application is its own case of
  type ``jc`` (SPEC §4C), opened in this service as a child of this case.
- Terminal states: DV_FILED is terminal for the centre (the matter has left for litigation, so
  intake's tracking closes: SIM Art 21; OMR Art 21(2)); the post-filing entrusted mediation of 4B is
  the court's own continuation, so DV_ENTRUSTED and its outcomes are terminal too (the platform
  allows a terminal state to lead only to terminal states); so is DV_ENTRUST_PENDING, the entrustment
  waiting for the mediator's signed receipt, from which the period counts (SIM Art 27 ¶3; OMR Art 24
  ¶2). DV_FAILED runs a [A] clock for returning the file (OMR Art 15 ¶2 即时; SIM Art 21 ¶1) with 督办,
  the court may take the file back itself, and ``plaintiff_withdraws`` ends it (DV_WITHDRAWN) when
  the plaintiff does not insist on suing. DV_SETTLED is terminal (诉外结案, OMR
  Art 20 ¶1), and the case stays there, as in SPEC §4A: ``apply_judicial_confirmation`` is its self-loop
  while the 30-day window runs, and ``confirmation_window_closed`` (sys) is a self-loop that records the
  window's end and stops its clock (a window, not a duty: nothing is overdue). A DV_ARCHIVED state once
  followed it only because the state machine library required every state to reach a final one;
  migration 0003 moves stored cases back to DV_SETTLED.
"""
from __future__ import annotations

from contracts import diversion as c
from contracts.schemas import ClockEventSchema
from infra.calendar import DAYS, WORKING_DAYS
from infra.casetype import CaseType, ClockDef, EventDef, Extension, Period, StateDef, configured, statutory
from services.diversion import effects as fx
from services.diversion.common import participants
from services.diversion.guards import GUARDS as G

STATES = (
    StateDef("DV_RECEIVED", "诉前登记", basis="OMR Art 3, 8; CPL Art 123"),
    StateDef("DV_GUIDED", "释明引导", basis="OMR Art 7"),
    StateDef("DV_DESIGNATING", "待指定调解组织", basis="OMR Art 10; SIM Art 12"),
    StateDef("DV_AWAITING_MEDIATOR", "待调解组织确认", basis="OMR Art 12"),
    StateDef("DV_AWAITING_RESPONDENT", "征询对方", basis="OMR Art 15"),
    StateDef("DV_MEDIATING", "诉前调解中", basis="OMR Art 16-25; SIM Art 14-27"),
    StateDef("DV_SETTLED", "调解成功(诉外结案)", terminal=True, basis="OMR Art 19, 20 ¶1; SIM Art 19, 24"),
    StateDef("DV_FAILED", "调解不成", basis="OMR Art 21, 25; SIM Art 26"),
    StateDef("DV_FILING_REVIEW", "立案审查", basis="CPL Art 122, 126; SIM Art 21; OMR Art 21"),
    StateDef("DV_CORRECTING", "补正起诉状", basis="CPLI Art 126"),
    StateDef("DV_FILED", "登记立案", terminal=True,
             basis="CPL Art 126; SIM Art 21; OMR Art 21(2): the matter has left the centre for litigation"),
    StateDef("DV_NOT_FILED", "不予受理/告知其他途径", terminal=True, basis="OMR Art 9; CPL Art 126, 127"),
    StateDef("DV_WITHDRAWN", "调解不成，原告不再起诉", terminal=True,
             basis="SIM Art 21 ¶1: only a plaintiff who insists on suing is filed; CPL Art 122"),
    StateDef("DV_ENTRUST_PENDING", "委托待签收", terminal=True,
             basis="SIM Art 27 ¶3; OMR Art 24 ¶2: the period counts from the mediator's signed receipt"),
    StateDef("DV_ENTRUSTED", "委托调解中", terminal=True, basis="SIM Art 11, 20-21, 27; OMR Art 24 (post-filing)"),
    StateDef("DV_CONCLUDED_BY_CONSENT", "调解结案(调解书/撤诉)", terminal=True, basis="SIM Art 20; OMR Art 20 ¶2"),
    StateDef("DV_TRIAL_RESUMED", "恢复审理", terminal=True, basis="SIM Art 21 ¶2; OMR Art 21(3)"),
)

BEFORE_FILING = ("DV_RECEIVED", "DV_GUIDED")
PREFILING = ("DV_AWAITING_RESPONDENT", "DV_MEDIATING")


def _entrusted_period(config, case) -> Period:
    """SIM Art 27 ¶2; OMR Art 24: 15 d ordinary procedure, 7 d summary procedure."""
    return Period(c.PROCEDURES[case.data["entrusted"]["procedure"]], DAYS)


CLOCKS = (
    ClockDef("court_designation", "法院指定调解组织期限", statutory(Period(3, WORKING_DAYS)), ("DV_DESIGNATING",),
             ("DV_DESIGNATING",), "deadline_overdue", "OMR Art 10 ¶3: 收到在线调解申请后三个工作日内指定"),
    ClockDef("mediator_acceptance", "调解组织确认接受期限", statutory(Period(3, WORKING_DAYS)), ("DV_AWAITING_MEDIATOR",),
             ("DV_AWAITING_MEDIATOR",), "deadline_expired_redesignate",
             "OMR Art 12: 收到委派后三个工作日内确认接受；逾期未确认的重新指定"),
    ClockDef("respondent_inquiry", "征询对方意愿期限", statutory(Period(3, WORKING_DAYS)), ("DV_AWAITING_RESPONDENT",),
             ("DV_AWAITING_RESPONDENT",), "deadline_overdue", "OMR Art 15: 接受委派之日起三个工作日内通知对方（可以）"),
    ClockDef("prefiling_mediation", "诉前调解期限", statutory(Period(30, DAYS)), ("DV_AWAITING_RESPONDENT",), PREFILING,
             "deadline_expired", "OMR Art 24-26; SIM Art 27: 30 d from the mediator's acceptance; appraisal excluded",
             extension=Extension("extend_period", None, "OMR Art 24; SIM Art 27: 各方当事人同意延长的，不受此限",
                                 needs=("agreed_by",)),
             pausable=True),
    ClockDef("file_return", "移送法院期限", configured("diversion", "file_return"), ("DV_FAILED",), ("DV_FAILED",),
             "deadline_overdue", "OMR Art 15 ¶2 (即时将相关材料退回人民法院), 21(2); SIM Art 21 ¶1: the file goes "
             "back to the court [A: 3 WD for 即时]; late → 督办"),
    ClockDef("entrusted_mediation", "委托调解期限", _entrusted_period, ("DV_ENTRUSTED",), ("DV_ENTRUSTED",),
             "deadline_expired_resume_trial",
             "SIM Art 27 ¶2, ¶3; OMR Art 24: 15 d ordinary / 7 d summary procedure, from the mediator's signed receipt "
             "of the file (DV_ENTRUSTED); extension not counted in the trial period",
             extension=Extension("extend_period", None, "OMR Art 24; SIM Art 27: 各方当事人同意延长的，不受此限",
                                 needs=("agreed_by",))),
    ClockDef("filing_decision", "立案审查期限", statutory(Period(7, DAYS)), ("DV_FILING_REVIEW",), ("DV_FILING_REVIEW",),
             "deadline_overdue", "CPL Art 126; CPLI Art 126: 7 d from the complaint, or from the corrected complaint"),
    ClockDef("confirmation_window", "司法确认申请期限", statutory(Period(30, DAYS)), ("DV_SETTLED",), ("DV_SETTLED",),
             "confirmation_window_closed", "CPL Art 205; PML Art 33: 30 d from the agreement taking effect",
             window=True),
)

WARNED = tuple(dict.fromkeys(s for k in CLOCKS if k.on_warning for s in k.runs_in))
OVERDUE = tuple(dict.fromkeys(s for k in CLOCKS if k.on_expiry == "deadline_overdue" for s in k.runs_in))

EVENTS = (
    # -- receipt and guidance (OMR Art 3, 7-9; CPL Art 125) -------------------------------------------
    EventDef("receive_complaint", "诉前登记", (), "DV_RECEIVED", ("filing", "router", "party", "pmc", "xfb", "handler"),
             "OMR Art 3, 8; CPL Art 123; SPEC §7 (PSR Art 45; PML Art 26, 32; LVR Art 20 ¶2, 22 ¶2, 31(1)): a "
             "mediable matter received at the court",
             guards=(G["by_handoff"], G["court"], G["mediable"]), schema=c.ComplaintSchema,
             effect=fx.receive_complaint,
             description="router: only through open_from_handoff (intake's route_to_diversion); party or pmc: only "
                         "through a people's-mediation hand-off of a suit (refer_to_court; SPEC §7); xfb or handler: "
                         "only through a petition case's hand-off of a 涉法涉诉 civil suit (LVR Art 20 ¶2, 22 ¶2, "
                         "31(1); SPEC §7)"),
    EventDef("explain_mediation", "释明诉前调解", ("DV_RECEIVED",), "DV_GUIDED", ("filing",),
             "OMR Art 7: duty to explain online mediation", guards=(G["explained"],), schema=c.ExplainSchema,
             effect=fx.explain_mediation),
    EventDef("plaintiff_consents", "原告同意调解", ("DV_GUIDED",), "DV_DESIGNATING", ("party",),
             "SIM Art 11; OMR Art 4: consent; not D7 (SZ Art 69 ¶2); suitable (CPL Art 125)",
             guards=(G["plaintiff"], G["suitable"], G["not_d7"]), schema=c.PartyActSchema,
             effect=fx.plaintiff_consents),
    EventDef("plaintiff_declines", "原告拒绝调解", ("DV_GUIDED",), "DV_FILING_REVIEW", ("party",),
             "CPL Art 125: 先行调解，但当事人拒绝调解的除外", guards=(G["plaintiff"],), schema=c.PartyActSchema,
             effect=fx.plaintiff_declines),
    EventDef("return_application", "退回申请", BEFORE_FILING, "DV_NOT_FILED", ("filing",),
             "OMR Art 9: outside court scope, wrong court, or unsuitable; the channel to use is told",
             schema=c.ReturnSchema, effect=fx.return_application),
    EventDef("direct_to_filing", "径行立案审查", BEFORE_FILING, "DV_FILING_REVIEW", ("filing",),
             "SPEC §2.3; SZ Art 69 ¶2: already pre-mediated (D7) or unsuitable for mediation → filing",
             guards=(G["d7_for_premediated"],), schema=c.DirectToFilingSchema, effect=fx.direct_to_filing,
             description="added: SPEC §2.3 'if D7 applies, go to court filing' needs an event"),
    # -- designation (OMR Art 10, 12; SIM Art 12) ----------------------------------------------------
    EventDef("designate_mediator", "指定/选定调解组织", ("DV_DESIGNATING",), "DV_AWAITING_MEDIATOR", ("party", "filing"),
             "OMR Art 10; SIM Art 12: joint choice within 2 WD, else the court designates",
             guards=(G["mediation_org"], G["joint_choice_in_time"], G["court_designates"]),
             schema=c.DesignateSchema, effect=fx.designate_mediator),
    EventDef("refuse_designation", "不同意指定", ("DV_AWAITING_MEDIATOR",), "DV_FILING_REVIEW", ("party",),
             "SIM Art 12; OMR Art 10: refusing the court's designation is refusing mediation",
             guards=(G["plaintiff"], G["court_designation_made"]), schema=c.PartyActSchema,
             effect=fx.refuse_designation, description="added from SPEC's guard of designate_mediator"),
    EventDef("mediator_accepts", "确认接受委派", ("DV_AWAITING_MEDIATOR",), "DV_AWAITING_RESPONDENT", ("mediator", "sys"),
             "OMR Art 12: within 3 WD of the delegation",
             guards=(G["designated_body"], G["acceptance_in_time"], G["committee_records"]),
             schema=c.MediatorAcceptsSchema, effect=fx.mediator_accepts),
    EventDef("mediator_declines", "不予接受委派", ("DV_AWAITING_MEDIATOR",), "DV_DESIGNATING", ("mediator", "sys"),
             "OMR Art 12: reasons in writing; re-designate", guards=(G["designated_body"], G["committee_records"]),
             schema=c.MediatorDeclinesSchema, effect=fx.mediator_declines),
    EventDef("deadline_expired_redesignate", "逾期未确认，重新指定", ("DV_AWAITING_MEDIATOR",), "DV_DESIGNATING",
             ("sys",), "OMR Art 12 ¶2: 超过规定期限未予确认的，重新指定", schema=ClockEventSchema,
             effect=fx.acceptance_expired, description="SPEC's deadline_expired in DV_AWAITING_MEDIATOR"),
    # -- the respondent (OMR Art 15) -----------------------------------------------------------------
    EventDef("respondent_consents", "对方同意调解", ("DV_AWAITING_RESPONDENT",), "DV_MEDIATING", ("party", "sys"),
             "OMR Art 15", guards=(G["respondent"],), schema=c.PartyActSchema, effect=fx.respondent_consents),
    EventDef("respondent_refuses", "对方拒绝调解", ("DV_AWAITING_RESPONDENT",), "DV_FAILED", ("party", "sys"),
             "OMR Art 15 ¶2: terminate, reasons recorded, file returned to the court", guards=(G["respondent"],),
             schema=c.PartyActSchema, effect=fx.respondent_refuses),
    EventDef("respondent_unreachable", "无法联系对方", ("DV_AWAITING_RESPONDENT",), "DV_FAILED", ("mediator",),
             "OMR Art 15 ¶2: terminate, reasons recorded, file returned to the court",
             guards=(G["designated_body"], G["committee_records"]), schema=c.UnreachableSchema,
             effect=fx.respondent_unreachable),
    # -- mediating (OMR Art 19-26; SIM Art 24-27) ----------------------------------------------------
    EventDef("extend_period", "延长调解期限", ("DV_MEDIATING", "DV_ENTRUSTED"), None, ("party",),
             "OMR Art 24; SIM Art 27: all parties agree; no cap", guards=(G["all_parties_agree"],),
             schema=c.ExtendSchema, effect=fx.extend_period),
    EventDef("clock_pause", "鉴定评估，中止计算调解期限", ("DV_MEDIATING",), None, ("mediator", "filing"),
             "OMR Art 26: 鉴定评估期限不计入调解期限", schema=c.PauseSchema, effect=fx.clock_pause),
    EventDef("clock_resume", "鉴定评估完成，恢复计算", ("DV_MEDIATING",), None, ("mediator", "filing"),
             "OMR Art 26", schema=c.ResumeSchema, effect=fx.clock_resume),
    EventDef("sign_agreement", "签署调解协议", ("DV_MEDIATING",), "DV_SETTLED", ("party", "mediator", "sys"),
             "OMR Art 19, 20 ¶1; SIM Art 19, 24: effective on the last e-signature; filed with the court",
             guards=(G["all_signed"], G["org_seal"], G["committee_records"]), schema=c.SignAgreementSchema, effect=fx.sign_agreement),
    EventDef("terminate", "终结调解", ("DV_MEDIATING",), "DV_FAILED", ("mediator", "sys"),
             "OMR Art 25(2)-(8); SIM Art 18, 26: reason recorded (OMR Art 21)",
             guards=(G["designated_body"], G["committee_records"]),
             schema=c.TerminateSchema, effect=fx.terminate),
    EventDef("deadline_expired", "调解期限届满", PREFILING, "DV_FAILED", ("sys",),
             "OMR Art 25(6): period expired without an agreed extension", schema=ClockEventSchema,
             effect=fx.mediation_expired,
             description="also from DV_AWAITING_RESPONDENT: the 30 d count from the mediator's acceptance (OMR Art 24 ¶2)"),
    # -- filing (SIM Art 21; OMR Art 21; CPL Art 122-127) --------------------------------------------
    EventDef("transfer_to_filing", "移送立案", ("DV_FAILED",), "DV_FILING_REVIEW", ("mediator", "filing"),
             "SIM Art 21 ¶1; OMR Art 15 ¶2, 21(2): the reason was recorded on entering DV_FAILED; the file goes back "
             "to the court, which registers the suit of the plaintiff who insists on suing (CPL Art 122-123)",
             guards=(G["designated_body"], G["insists_on_suing"], G["suit_by_plaintiff"]), schema=c.TransferToFilingSchema,
             effect=fx.transfer_to_filing,
             description="filing too: the court takes the file back itself when the mediator does not return it "
                         "(issue 13 item 12); the plaintiff's decision to sue and who recorded it are kept"),
    EventDef("plaintiff_withdraws", "原告不再起诉", ("DV_FAILED",), "DV_WITHDRAWN", ("party",),
             "SIM Art 21 ¶1 (a contrario): only a plaintiff who insists on suing is filed; CPL Art 122",
             guards=(G["suit_by_plaintiff"],), schema=c.PartyActSchema, effect=fx.plaintiff_withdraws,
             description="added (issue 13 item 12): DV_FAILED had no lawful end when the plaintiff gives up"),
    EventDef("request_correction", "通知补正起诉状", ("DV_FILING_REVIEW",), "DV_CORRECTING", ("filing",),
             "CPLI Art 126: 起诉状内容欠缺通知原告补正", schema=c.RequestCorrectionSchema, effect=fx.request_correction,
             description="added: the filing clock counts again from the corrected complaint"),
    EventDef("complaint_corrected", "补正后提交", ("DV_CORRECTING",), "DV_FILING_REVIEW", ("party",),
             "CPLI Art 126: 从补正后交人民法院的次日起算", schema=c.CorrectedSchema, effect=fx.complaint_corrected),
    EventDef("file_case", "登记立案", ("DV_FILING_REVIEW",), "DV_FILED", ("filing",),
             "CPL Art 122, 126: conditions met, filed within 7 d", guards=(G["filing_conditions"],),
             schema=c.FileCaseSchema, effect=fx.file_case),
    EventDef("refuse_filing", "裁定不予受理", ("DV_FILING_REVIEW", "DV_CORRECTING"), "DV_NOT_FILED", ("filing",),
             "CPL Art 126 (ruling, appealable), Art 127 (redirect)", guards=(G["appeal_told"],),
             schema=c.RefuseFilingSchema, effect=fx.refuse_filing),
    # -- judicial confirmation of the agreement (→ case type jc, SPEC §4C) ---------------------------
    EventDef("apply_judicial_confirmation", "申请司法确认", ("DV_SETTLED",), None, ("party",),
             "CPL Art 205(1); SIM Art 19 ¶2; PML Art 33: both parties, within 30 d, to the delegating court",
             guards=(G["jc_joint"], G["jc_window"], G["jc_not_pending"]), schema=c.ApplyConfirmationSchema,
             effect=fx.apply_judicial_confirmation,
             description="opens a case of type jc (JC_APPLIED) as a child of this case, in this service"),
    EventDef("confirmation_window_closed", "司法确认申请期限届满", ("DV_SETTLED",), None, ("sys",),
             "CPL Art 205: 30 d; the agreement stays binding (SIM Art 25)", schema=ClockEventSchema,
             effect=fx.confirmation_window_closed,
             description="added from SPEC's clock table: the case stays DV_SETTLED; the window's clock stops"),
    # -- 4B: post-filing entrusted mediation ---------------------------------------------------------
    EventDef("entrust_mediation", "委托调解", ("DV_FILED",), "DV_ENTRUST_PENDING", ("judge",),
             "SIM Art 11 ¶1 (立案后委托); OMR Art 24: 15 d ordinary / 7 d summary", guards=(G["mediation_org"],),
             schema=c.EntrustSchema, effect=fx.entrust_mediation,
             description="the period does not start yet: it counts from the mediator's signed receipt (SIM Art 27 ¶3)"),
    EventDef("entrusted_file_received", "签收委托材料", ("DV_ENTRUST_PENDING",), "DV_ENTRUSTED", ("mediator",),
             "SIM Art 27 ¶3: 自特邀调解组织或者特邀调解员签字接收法院移交材料之日起计算; OMR Art 24 ¶2",
             guards=(G["designated_body"],), schema=c.FileReceivedSchema, effect=fx.entrusted_file_received,
             description="added (issue 13 item 13): the entrusted mediation period starts here"),
    EventDef("agreement_reached", "达成调解协议（调解书/撤诉）", ("DV_ENTRUSTED",), "DV_CONCLUDED_BY_CONSENT",
             ("mediator", "judge"), "SIM Art 20; OMR Art 20 ¶2", guards=(G["designated_body"],),
             schema=c.AgreementReachedSchema, effect=fx.agreement_reached),
    EventDef("mediation_failed", "委托调解不成", ("DV_ENTRUST_PENDING", "DV_ENTRUSTED"), "DV_TRIAL_RESUMED",
             ("mediator", "judge"),
             "SIM Art 21 ¶2; OMR Art 21(3): 恢复审理", guards=(G["designated_body"],),
             schema=c.MediationFailedSchema, effect=fx.mediation_failed),
    EventDef("deadline_expired_resume_trial", "委托调解期限届满，恢复审理", ("DV_ENTRUSTED",), "DV_TRIAL_RESUMED",
             ("sys",), "SIM Art 27; OMR Art 24: period expired", schema=ClockEventSchema,
             effect=fx.entrusted_expired, description="SPEC's deadline_expired in DV_ENTRUSTED"),
    # -- timers (SPEC §1) ----------------------------------------------------------------------------
    EventDef("deadline_overdue", "期限届满（督办）", OVERDUE, None, ("sys",),
             "SPEC §1 timers: OMR Art 10 ¶3, 15; CPL Art 126: lateness is flagged (督办)", schema=ClockEventSchema,
             effect=fx.overdue),
    EventDef("deadline_warning", "期限预警", WARNED, None, ("sys",), "SPEC §1: T-3 WD [A]",
             schema=ClockEventSchema),
)

DIVERSION = CaseType(code="diversion", label="诉前委派调解/委托调解", service="diversion", case_no_prefix="DV",
                     basis="浙江省平安建设条例 Art 45; OMR 2021; SIM 2016; CPL Art 122-127",
                     states=STATES, events=EVENTS, clocks=CLOCKS, participants=participants)
