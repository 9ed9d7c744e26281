"""What counts as 化解 (resolved), and which clocks are the organ's own, per case type: pure
functions over a case's history (see README, "Supervision", for each definition and its basis)."""
from __future__ import annotations

# (case_type, event that resolves the matter) -> resolution kind. The first such event in the
# history resolves the case; its time is ``resolved_at``.
RESOLVING_EVENTS: dict[tuple[str, str], str] = {
    ("intake", "answer_on_spot"): "answered_on_spot",            # LVR Art 23; ZJLV Art 20: 当场答复
    ("mediation", "record_performed"): "agreement_performed",    # PML Art 31: 调解协议履行完毕
    ("mediation", "confirmation_granted"): "agreement_confirmed",  # PML Art 33; CPL Art 206
    ("diversion", "sign_agreement"): "prefiling_settled",        # OMR Art 19, 20 ¶1: 诉前调解成功
    ("diversion", "agreement_reached"): "concluded_by_consent",  # SIM Art 20: 委托调解达成协议（调解书/撤诉）
    ("jc", "confirm"): "jc_confirmed",                           # CPL Art 206: 裁定调解协议有效
    ("petition", "sign_settlement"): "petition_settled",         # LVR Art 33: 调解/和解协议
    ("petition", "accept_opinion"): "opinion_accepted",          # ZJLV Art 25: 信访人接受处理意见
    ("petition", "accept_review"): "review_accepted",            # LVR Art 35: 接受复查意见
    ("recommendation", "mark_implemented"): "recommendation_adopted",  # PSR Art 61 ¶2: 建议落实
}

# Clocks that run against a party (a window for a request or an answer), not against the organ:
# their expiry is not the organ's delay and never makes a case overdue.
PARTY_WINDOWS = frozenset({"review_window", "recheck_window", "confirmation_window", "objection",
                           "respondent_consent", "respondent_inquiry", "jc_supplement"})
OPEN_CLOCK = ("running", "expired")


def resolution(case_type: str, history: list[dict]) -> tuple[str | None, str | None]:
    """(kind, at) of the first resolving event in the history (sorted by version), or (None, None)."""
    for h in history:
        kind = RESOLVING_EVENTS.get((case_type, h["event"]))
        if kind:
            return kind, h["at"]
    return None, None


def organ_clocks(clocks: list[dict]) -> list[dict]:
    return [c for c in clocks if c["kind"] not in PARTY_WINDOWS]


def open_due_at(clocks: list[dict]) -> str | None:
    """The earliest due time of the organ's clocks still open (as the services' own overdue list)."""
    dues = [c["due_at"] for c in organ_clocks(clocks) if c["status"] in OPEN_CLOCK and c["due_at"]]
    return min(dues) if dues else None


def overdue_ever(clocks: list[dict], now_iso: str) -> bool:
    """An organ's clock that expired, stopped after its due time, or is open past it now."""
    for c in organ_clocks(clocks):
        if c.get("expired_at") or c["status"] == "expired":
            return True
        if c.get("stopped_at") and c["due_at"] and c["stopped_at"] > c["due_at"]:
            return True
        if c["status"] == "running" and c["due_at"] and c["due_at"] < now_iso:
            return True
    return False


def stages(history: list[dict]) -> dict[str, str]:
    """state -> when the case first entered it."""
    out: dict[str, str] = {}
    for h in history:
        if h["to"] not in out or h["at"] < out[h["to"]]:
            out[h["to"]] = h["at"]
    return out


# The first conclusion of a case (its first entry into one of these states, by version): success or
# failure, for the success rates (README, "Supervision"): mediation PML Art 28-31; pre-filing OMR Art 19-21;
# judicial confirmation CPL Art 205-206.
CONCLUSIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "mediation": (("PM_AGREEMENT_EFFECTIVE",), ("PM_TERMINATED", "PM_REJECTED")),
    "diversion": (("DV_SETTLED",), ("DV_FAILED",)),
    "jc": (("JC_CONFIRMED",), ("JC_REJECTED", "JC_NOT_ACCEPTED")),
}


def conclusion(case_type: str, history: list[dict]) -> tuple[str | None, bool | None]:
    """(at, succeeded) of the first conclusion in the history (sorted by version), or (None, None)."""
    success, failure = CONCLUSIONS.get(case_type, ((), ()))
    for h in history:
        if h["to"] in success or h["to"] in failure:
            return h["at"], h["to"] in success
    return None, None


def repeated(history: list[dict], links: list[dict]) -> bool:
    """A petition refused as repeated, or linked to the petition it repeats (LVR Art 36 ¶3, 44(1))."""
    return any(h["event"] == "reject_duplicate" for h in history) or \
        any(l.get("link_type") == "duplicate_of" for l in links or [])


def stays(history: list[dict]) -> list[tuple[str, str, str]]:
    """(state, entered at, left at) for each stay that ended: from entering a state to the next change
    of state (as figures.stays)."""
    out, entered = [], None
    for h in history:
        if entered and h["to"] != entered[0]:
            out.append((entered[0], entered[1], h["at"]))
            entered = None
        if entered is None:
            entered = (h["to"], h["at"])
    return out


def first_reply(history: list[dict]) -> tuple[str | None, bool | None]:
    """(at, on time) of a recommendation's first reply: on time when it came while awaiting the reply, not
    after the deadline expired (PSR Art 61 ¶2; JSR Art 8)."""
    for h in history:
        if h["event"] == "submit_reply":
            return h["at"], h["from"] == "RC_AWAITING_REPLY"
    return None, None
