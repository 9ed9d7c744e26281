"""The legal conditions of intake's events (``GUARDS``, name → Guard); each message cites its article."""
from __future__ import annotations

from infra.casetype import Guard
from infra.models import Case
from services.intake import routing


def _org_kind(kind: str):
    def check(case, data, ctx):
        org_id = data.get("target_org_id")
        return org_id is None or (o := ctx.env.directory.get(org_id)) is not None and o.kind in kind
    return check


def _shares_party(case, data, ctx):
    other = ctx.session.get(Case, data["duplicate_of"])
    if other is None or other.id == case.id or other.case_type != case.case_type:
        return False
    mine = {p.id_number for p in case.parties if p.id_number}
    return bool(mine & {p.id_number for p in other.parties if p.id_number})


def _routed_children(case) -> list:
    """The child cases routing asked for; a hand-off the receiving service refused (``refused:CODE`` on
    the link, infra.handoff) opened no case and is not waited for."""
    return [l for l in case.links if l.link_type == "child" and not (l.target_status or "").startswith("refused:")]


def _children_closed(case, data, ctx):
    """SPEC §2; PSR Art 39: closed only when every routed child case exists and is terminal: a link still
    waiting for its service (no child case yet) keeps the intake case open."""
    return all(l.target_case_id and l.target_terminal for l in _routed_children(case))


def _children_exist_and_closed(case, data, ctx):
    children = _routed_children(case)
    return bool(children) and _children_closed(case, data, ctx)


GUARDS = {
    "mediable": Guard(lambda case, d, ctx: case.category in routing.MEDIATION_CATEGORIES,
                      "人民调解受理民间纠纷，劳动争议当事人也可以向基层人民调解组织申请调解（LDL Art 5, 10(2)）；"
                      "本案类别不属于民间纠纷，请改走其他途径（PML Art 2；PSR Art 44）",
                      "PML Art 2; PSR Art 44; LDL Art 5, 10(2)"),
    "not_barred": Guard(lambda case, d, ctx: not d.get("already_accepted_by"),
                        "已由人民法院、公安机关或其他行政机关受理或解决的纠纷，人民调解委员会不予受理（PMR Art 22(2)）",
                        "PMR Art 22(2)"),
    "no_refusal": Guard(lambda case, d, ctx: not d.get("party_refused_mediation"),
                        "当事人一方明确拒绝调解的，不得调解（PML Art 17）", "PML Art 17"),
    "committee": Guard(_org_kind(("mediation_committee",)), "接收机构须为人民调解委员会（PML Art 7）", "PML Art 7"),
    "wants_to_sue": Guard(lambda case, d, ctx: d.get("party_wants_to_sue") or case.channel == "court_referral",
                          "诉非分流须当事人有起诉意愿或为法院移送的纠纷（SPEC §2.3；CPL Art 125；OMR Art 7）",
                          "CPL Art 125; OMR Art 7"),
    "divertible": Guard(lambda case, d, ctx: case.category in routing.DIVERSION_CATEGORIES,
                        "本案类别不属于可诉前委派调解的民事纠纷（OMR Art 3；DEL item 2）", "OMR Art 3"),
    "court": Guard(_org_kind(("court",)), "接收机构须为人民法院（PSR Art 45）", "PSR Art 45"),
    # LVR Art 22 ¶2: 涉法涉诉 → 政法部门, 检举控告 → 纪检监察; LVR Art 31(1)-(4): statutory channels first.
    # A 民间纠纷 is resolved by mediation (PSR Art 44; PML Art 2); LVR names no 民间纠纷 bar, so it is not cited for one.
    "petitionable": Guard(lambda case, d, ctx: case.category in routing.PETITION_CATEGORIES,
                          "涉法涉诉事项转送政法部门、检举控告转送纪检监察机关（LVR Art 22 ¶2），应当通过诉讼、仲裁、"
                          "行政复议等法定途径解决的导入相应程序（LVR Art 31(1)-(4)）；民间纠纷通过人民调解等途径化解"
                          "（PSR Art 44；PML Art 2）：本案类别不作为信访事项分流",
                          "LVR Art 22 ¶2, 31(1)-(4); PSR Art 44; PML Art 2"),
    "no_statutory_procedure": Guard(lambda case, d, ctx: not d.get("statutory_procedure"),
                                    "应当通过诉讼、复议、仲裁等法定途径解决的，导入相应程序，不作为信访事项（LVR Art 31(1)-(4)）",
                                    "LVR Art 31(1)-(4)"),
    "petition_office": Guard(_org_kind(("petition_office", "government", "department")),
                             "接收机构须为信访部门或有权处理的行政机关（LVR Art 22, 23）", "LVR Art 22, 23"),
    "external_fits": Guard(lambda case, d, ctx: d["external_channel"] in routing.EXTERNAL.get(case.category, {}),
                           "该途径不适用于本案类别：劳动争议→劳动仲裁（LDL Art 5），治安/刑事→公安（PML Art 25），"
                           "检举控告→纪检监察（LVR Art 22 ¶2），复议/仲裁/诉讼（LVR Art 31）",
                           "LDL Art 5; PML Art 25; LVR Art 22 ¶2, 31"),
    "duplicate": Guard(_shares_party, "关联重复件须为本中心已登记、且当事人相同的案件（SPEC §2.2；CPLI Art 247）",
                       "SPEC §2.2; CPLI Art 247; LVR Art 44(1)"),
    "children_closed": Guard(_children_closed,
                             "尚有分流案件未在接收机构立案或未办结，不能销号：全部分流案件办结后方可销号"
                             "（PSR Art 39；SPEC §2）", "PSR Art 39; SPEC §2"),
    "all_children_closed": Guard(_children_exist_and_closed, "全部分流案件办结后方可销号（PSR Art 39；SPEC §2）",
                                 "PSR Art 39; SPEC §2"),
}
