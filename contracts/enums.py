"""Stable codes shared by every service and client. Labels are the Chinese terms the window uses."""

# SPEC §1 roles, as lowercase codes carried in the actor context of every call.
ROLES = {
    "party": "当事人",
    "window": "窗口受理员",
    "router": "分流员",
    "pmc": "人民调解委员会",
    "mediator": "人民/特邀调解员",
    "filing": "立案庭/诉讼服务中心",
    "judge": "法官",
    "xfb": "信访部门",
    "handler": "有权处理机关",
    "sup": "上一级机关",
    "issuer": "建议制发机关",
    "rcpt": "被建议单位",
    "supv": "平安建设组织协调机构（督办）",
    "sys": "系统（计时器）",
}

# SPEC §2 register_claim: how the claim reached the window.
CHANNELS = {
    "window": "窗口来访",
    "hotline_12345": "12345热线",
    "grid": "网格员上报",
    "online": "网上申请",
    "letter": "来信",
    "court_referral": "法院移送",
}

# SPEC §2.1 categories.
CATEGORIES = {
    "marriage_family": "婚姻家庭/继承纠纷",
    "neighbourhood": "邻里纠纷",
    "housing_land": "房屋宅基地纠纷",
    "damages": "损害赔偿纠纷",
    "debt_contract": "债务/合同纠纷",
    "property_management": "物业纠纷",
    "traffic_accident": "交通事故纠纷",
    "consumer": "消费纠纷",
    "medical_damage": "医疗损害纠纷",
    "medical_dispute": "医疗纠纷（医调委）",
    "labour": "劳动争议",
    "land_expropriation": "征地拆迁",
    "administrative": "行政争议",
    "law_related": "涉法涉诉",
    "accusation": "检举控告",
    "suggestion": "建议意见",
    "public_security": "治安/刑事风险",
}

PARTY_ROLES = {"applicant": "申请人", "respondent": "被申请人", "third_party": "第三人"}
PARTY_KINDS = {"person": "自然人", "organisation": "法人或其他组织"}

# SPEC §2 route targets of intake.
ROUTE_TARGETS = {"mediation": "人民调解", "diversion": "诉非分流", "petition": "信访"}

# Where refer_external sends a matter that belongs to another statutory channel (SPEC §2.1).
EXTERNAL_CHANNELS = {
    "labour_arbitration": "劳动人事争议调解仲裁",
    "police": "公安机关",
    "discipline_inspection": "纪检监察机关",
    "administrative_review": "行政复议",
    "administrative_litigation": "行政诉讼",
    "political_legal": "政法机关（诉访分离）",
    "arbitration": "仲裁",
    "court": "人民法院",
}

# What proves a party's act that staff record on the party's behalf (party_act; no caller may claim to be
# a party): the law asks for the party's written application, a signed record, or the party's signature on
# the document (PML Art 17, 28-29; CPL Art 205; LVR Art 35-36; OMR Art 19).
EVIDENCE_KINDS = {
    "written_application": "书面申请",
    "record": "笔录（当事人签名确认）",
    "signed_document": "当事人签名/盖章/按指印的文书",
    "e_signature": "电子签名确认",
    "oral_record": "口头申请记录",
}
