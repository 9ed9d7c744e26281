"""What a resident reads at the lookup, in plain words (issue 14): where the case is, who handles it, the
next date, and what they may do now and by when, each with the law that gives them the right.

Pure: from what intake's ``lookup_by_query_code`` answers (status, route, children's states, running
clocks) and the organisation directory. No personal data comes in or goes out.
"""
from __future__ import annotations

from datetime import date

from contracts.legal import basis_text

SERVICE_WORDS = {"mediation": "人民调解", "diversion": "人民法院诉前调解", "petition": "信访部门办理",
                 "recommendation": "司法建议、检察建议"}

# (service, state) of the case that now handles the matter -> (what is happening, what you may do, basis)
STAGES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("intake", "IN_RECEIVED"): ("窗口已登记您的诉求，正在分类，将告知您由哪个部门办理。",
                                "如有新的情况或材料，可以到窗口补充。", ""),
    ("intake", "IN_CLASSIFIED"): ("已分类，正在确定办理部门。", "如有新的情况或材料，可以到窗口补充。", ""),
    ("intake", "IN_ANSWERED_ON_SPOT"): ("窗口已当场答复您。", "如对答复有疑问，可以再到窗口咨询。", ""),
    ("intake", "IN_REFERRED_EXTERNAL"): ("您的事项依法应通过其他途径解决，窗口已告知您应去的机关。",
                                         "请按告知的途径向有关机关提出。", ""),
    ("intake", "IN_DUPLICATE_LINKED"): ("您的事项与已登记的事项相同，将合并办理。", "", ""),
    ("intake", "IN_CLOSED"): ("本事项已办结。", "", ""),
    ("mediation", "PM_APPLIED"): ("人民调解委员会已收到，正在决定是否受理。",
                                  "调解遵循自愿原则，您可以随时表示不愿调解，改用其他途径。", "PML Art 3, 17"),
    ("mediation", "PM_CONSENT_PENDING"): ("人民调解委员会正在征询对方当事人是否同意调解。",
                                          "对方不同意的，不进行调解，您可以通过仲裁、行政、司法等途径解决。", "PML Art 17, 26"),
    ("mediation", "PM_ACCEPTED"): ("人民调解委员会已受理，正在确定调解员。",
                                   "您可以选择调解员，也可以由调解委员会指定。", "PML Art 19"),
    ("mediation", "PM_IN_MEDIATION"): ("调解员正在调解。", "调解中您可以随时要求终止调解。", "PML Art 23"),
    ("mediation", "PM_AGREEMENT_EFFECTIVE"): ("调解协议已生效，双方应当按约定履行。",
                                              "双方可以自调解协议生效之日起三十日内共同向人民法院申请司法确认。",
                                              "PML Art 31, 33"),
    ("mediation", "PM_CONFIRMATION_PENDING"): ("人民法院正在审查司法确认申请。", "", "PML Art 33"),
    ("mediation", "PM_PERFORMING"): ("调解协议正在履行，人民调解委员会督促履行。",
                                     "对方不履行的：已经司法确认的，可以向人民法院申请强制执行；未经确认的，可以向人民法院起诉。",
                                     "PML Art 31-33"),
    ("mediation", "PM_TERMINATED"): ("调解已终止。", "您可以依法通过仲裁、行政、司法等途径维护自己的权利。", "PML Art 26"),
    ("mediation", "PM_REJECTED"): ("人民调解委员会不予受理。", "您可以依法向有关机关或人民法院提出。", "PML Art 26"),
    ("petition", "PT_RECEIVED"): ("信访部门已登记，将在十五日内告知您是否受理。", "", "LVR Art 22, 24"),
    ("petition", "PT_TRANSFERRED"): ("信访事项已转送、交办给有权处理的机关，该机关将在十五日内告知您是否受理。", "",
                                     "LVR Art 22, 24"),
    ("petition", "PT_ACCEPTED"): ("信访事项已受理，正在办理。", "办理机关一般应在六十日内办结，并书面答复您。", "LVR Art 32, 34"),
    ("petition", "PT_HANDLING"): ("信访事项正在办理。", "办理机关一般应在六十日内办结，并书面答复您。", "LVR Art 32, 34"),
    ("petition", "PT_OPINION_ISSUED"): ("办理机关已出具处理意见书。",
                                         "对处理意见不服的，可以自收到书面答复之日起三十日内请求原办理机关的上一级机关复查。",
                                         "LVR Art 35"),
    ("petition", "PT_REVIEW"): ("上一级机关正在复查，一般在三十日内提出复查意见。", "", "LVR Art 35"),
    ("petition", "PT_REVIEW_ISSUED"): ("复查机关已出具复查意见。",
                                        "对复查意见不服的，可以自收到书面答复之日起三十日内向复查机关的上一级机关请求复核。",
                                        "LVR Art 35, 36"),
    ("petition", "PT_RECHECK"): ("复核机关正在复核，一般在三十日内提出复核意见。", "", "LVR Art 36"),
    ("petition", "PT_FINAL"): ("复核意见已作出，信访事项办理终结。", "", "LVR Art 36"),
}
# (service, state, the event that brought the case there) where the same state means something else for
# the resident: performing a court-confirmed agreement is enforceable (CPL Art 206; PML Art 33 ¶2)
ENTERED_BY: dict[tuple[str, str, str], tuple[str, str, str]] = {
    ("mediation", "PM_PERFORMING", "confirmation_granted"): (
        "人民法院已裁定确认调解协议有效，双方应当按约定履行。",
        "一方拒绝履行或者未全部履行的，对方可以向作出确认裁定的人民法院申请强制执行。", "PML Art 33; CPL Art 206"),
}
# the centre's working words a resident should not have to decode (跟踪督办 is the centre's follow-up)
RESIDENT_LABELS = {"跟踪督办": "已转交办理部门", "已分流": "已转交办理部门", "分流至人民调解": "转交人民调解委员会",
                   "分流至诉非分流": "转交人民法院诉前调解", "分流至信访": "转交信访部门",
                   "关联/重复件": "与已登记事项合并", "办结销号": "办结"}


def resident_label(label: str | None) -> str | None:
    return RESIDENT_LABELS.get(label or "", label)


TERMINAL_WORDS = ("本事项已办结。", "如有新的情况，可以再到窗口反映。")


def explain(found: dict, directory, state_labels: dict[str, str] | None = None, today: date | None = None) -> dict:
    """{"where", "who", "next_date", "may_do", "basis"} in plain words for the resident."""
    children = [c for c in found.get("children") or [] if c.get("status") and c.get("status") != "awaiting_service"]
    service, status, entered_by = (found.get("service") or "intake", found.get("status"), None)
    if children:
        service, status, entered_by = children[-1]["service"], children[-1]["status"], children[-1].get("entered_by")
    where, may_do, basis = ENTERED_BY.get((service, status, entered_by)) or STAGES.get((service, status), ("", "", ""))
    if not where:
        label = (state_labels or {}).get(status) or found.get("status_label") or "办理中"
        where = f"正在{SERVICE_WORDS.get(service, '办理')}，目前进展：{label}。"
    if found.get("closed") and not children and (service == "intake" or not STAGES.get((service, status))):
        where, may_do = TERMINAL_WORDS
    org = directory.get(found.get("handling_org_id") or "") if found.get("handling_org_id") else None
    centre = directory.get(found.get("org_id") or "") if found.get("org_id") else None
    handler = org or centre
    who = handler.name if handler else "本中心"
    phone = getattr(handler, "phone", None) if handler else None
    next_date = found.get("next_deadline")
    if (service, status) in UNTIL_NEXT_DATE and next_date:      # a right that runs out: say the day
        may_do += f"请在{_ymd(next_date)}前提出。"
    return {
        "where": where,
        "who": who + (f"（电话：{phone}）" if phone else ""),
        "next_date": _ymd(next_date) if next_date else "",
        "may_do": may_do,
        "basis": basis_text(basis) if basis else "",
    }


def _ymd(iso: str) -> str:
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.year}年{d.month}月{d.day}日"


# -- a petition registered at a petition office: the petitioner's own lookup (LVR Art 21 ¶2) -----------
# the case number's prefix names the service that issued the query code; the centre's (JF-) is intake's
LOOKUP_PREFIXES = {"PT": "petition"}
# stages whose next date is the last day of the resident's own right (复查/复核 within 30 days of receipt)
UNTIL_NEXT_DATE = {("petition", "PT_OPINION_SERVED"), ("petition", "PT_REVIEW_SERVED")}


def lookup_service(case_no: str | None, services) -> str:
    service = LOOKUP_PREFIXES.get((case_no or "").strip().upper().split("-", 1)[0])
    return service if service in services else "intake"


STAGES.update({
    ("petition", "PT_RECEIVED"): ("信访部门已登记，将在十五日内转送、交办有权处理的机关，或告知您是否受理。", "", "LVR Art 22, 23"),
    ("petition", "PT_OPINION_SERVED"): ("处理意见书已送达您。",
                                         "对处理意见不服的，可以自收到之日起三十日内请求原办理机关的上一级机关复查。",
                                         "LVR Art 35"),
    ("petition", "PT_REVIEW_SERVED"): ("复查意见已送达您。",
                                        "对复查意见不服的，可以自收到之日起三十日内向复查机关的上一级机关请求复核。",
                                        "LVR Art 36"),
    ("petition", "PT_FINAL"): ("复核意见已作出，信访事项办理终结。",
                               "以同一事实和理由再次提出的，有关机关不再受理；如有新的事实和理由，可以重新提出。", "LVR Art 36"),
    ("petition", "PT_CLOSED"): ("信访事项已办结。", "如对办理情况有意见，可以对办理情况作出评价。", "LVR Art 21, 33"),
    ("petition", "PT_REDIRECTED"): ("信访事项不予受理，已书面告知您向有权处理的机关提出。", "请按告知书所列途径提出。",
                                    "LVR Art 22, 23"),
    ("petition", "PT_ROUTED_LEGAL"): ("您的诉求依法应通过诉讼、仲裁、行政复议等法定途径解决，已告知您应去的机关。",
                                      "请按告知的法定途径提出。", "LVR Art 31"),
})
