"""Where each category may go from the window (SPEC §2.1), with the legal reason."""
from __future__ import annotations

# category -> routes intake may take, and the external channels that fit it
MEDIATION_CATEGORIES = {           # 民间纠纷 (PML Art 2; PSR Art 44); SPEC §2.1 rows 1-3
    "marriage_family", "neighbourhood", "housing_land", "damages", "debt_contract",
    "property_management", "traffic_accident", "consumer", "medical_damage", "medical_dispute",
    "public_security",             # the civil part may still be mediated (PML Art 25)
    "labour",                      # optional mediation, also by a 基层人民调解组织 (LDL Art 5, 10(2))
}
DIVERSION_CATEGORIES = {           # a party who wants to sue, or a court-sourced matter (SPEC §2.3; DEL item 2)
    "marriage_family", "neighbourhood", "housing_land", "damages", "debt_contract",
    "property_management", "traffic_accident", "consumer", "medical_damage",
}
PETITION_CATEGORIES = {            # claims against a state organ, suggestions (LVR Art 29; SPEC §2.1)
    "land_expropriation", "administrative", "suggestion",
}
PETITION_TYPE = PETITION_CATEGORIES   # these run the petition decision clock (SPEC §2.4)

EXTERNAL = {                       # category -> {channel: basis}
    "labour": {"labour_arbitration": "LDL Art 5：不愿调解、调解不成或者达成调解协议后不履行的，可以向劳动争议仲裁委员会申请仲裁"},
    "public_security": {"police": "PML Art 25：可能激化为治安案件、刑事案件的，应报告公安机关"},
    "accusation": {"discipline_inspection": "LVR Art 22 ¶2, Art 30：检举控告依纪依法由纪检监察机关处理"},
    "law_related": {"political_legal": "LVR Art 20 ¶2, 22 ¶2, 28 ¶2, 31(1)：涉法涉诉事项由政法部门依法处理（诉访分离）",
                    "court": "LVR Art 31(1)：应当通过诉讼解决的，导入诉讼程序"},
    "land_expropriation": {"administrative_review": "LVR Art 31(4)：可申请行政复议",
                           "administrative_litigation": "LVR Art 31(1)：可提起行政诉讼"},
    "administrative": {"administrative_review": "LVR Art 31(4)：可申请行政复议",
                       "administrative_litigation": "LVR Art 31(1)：可提起行政诉讼",
                       "arbitration": "LVR Art 31(2)：可申请仲裁"},
    "debt_contract": {"arbitration": "LVR Art 31(2)：约定仲裁的，申请仲裁"},
}


def default_route(category: str) -> str:
    """The route the window proposes first (SPEC §2: 调解先行 → statutory channels → 信访兜底)."""
    if category in MEDIATION_CATEGORIES and category != "public_security":
        return "mediation"
    if category in PETITION_CATEGORIES:
        return "petition"
    return "external"


def routes_for(category: str) -> dict:
    return {
        "default": default_route(category),
        "mediation": category in MEDIATION_CATEGORIES,
        "diversion": category in DIVERSION_CATEGORIES,
        "petition": category in PETITION_CATEGORIES,
        "external": sorted(EXTERNAL.get(category, {})),
    }
