"""The staff workspace over HTTP: one task list across every case service, a timeline in Chinese, a
committee's mediator roster (issue 14).

A mixin of ``GatewayService`` (services/gateway/service.py) so these routes share its session and RPC
dependencies. Everything here reads the case services' uniform surface; nothing is stored.
"""
from __future__ import annotations

from datetime import date

from contracts import enums
from contracts.errors import JiefenError
from contracts.labels import FIELDS, choice_label
from contracts.places import county_name
from services.gateway.http import route
from services.gateway.settings import SERVICE_CASE_TYPES, SERVICE_LABELS

TASK_FILTERS = {"text", "category", "channel", "status", "service", "created_from", "created_to", "scope",
                "org_id", "party_id_number"}
# audit entries that are no event of a case type (infra/issued.py: a document issued, its hash recorded)
OTHER_ENTRIES = {"document_issued": "出具文书（存证）"}
PER_SERVICE = 100            # the most open cases one service contributes to the merged list


class WorkspaceRoutes:
    """Routes of the gateway that merge or relabel what the case services answer."""

    @route("GET", "/api/tasks")
    def tasks(self, request):
        """The signed-in user's work across services: open cases their organisation owns or takes part
        in; ``scope=mine`` (default) those waiting for their role, and their own body's cases waiting on a
        party's act its staff record (``waiting_on_party``, 待当事人); ``scope=all`` every open one. Overdue
        first, then by the nearest due date; one row per case."""
        user = self.gate.user(request)
        args = {k: v for k, v in request.args.items() if k in TASK_FILTERS and v}
        unknown = sorted(set(request.args) - TASK_FILTERS)
        if unknown:
            raise JiefenError("VALIDATION_ERROR", "不支持的查询条件", {"fields": {k: ["不支持的查询条件"] for k in unknown}})
        scope = args.pop("scope", "mine")
        wanted_service = args.pop("service", None)
        rows, problems = {}, []
        # each case type a service hosts (the court's 司法确认 beside its diversion cases)
        for service, case_type in ((s, t) for s in self.gate.settings.services for t in SERVICE_CASE_TYPES.get(s, (None,))):
            if wanted_service and service != wanted_service:
                continue
            try:
                definition = self._definition(service, case_type)
            except JiefenError as err:
                problems.append({"service": service, "service_label": SERVICE_LABELS.get(service, service),
                                 "message": "暂时无法查询，请稍后刷新"})
                continue
            open_states = [s["code"] for s in definition["states"] if not s["terminal"]]
            mine = _waiting_states(definition, user.role)
            for_party = _party_states(definition, user.role) - mine
            filters = {k: v for k, v in args.items() if k != "status"}
            if case_type:
                filters["case_type"] = case_type
            if scope == "mine":
                # the body's own cases waiting on a party whose acts its staff record (待当事人)
                searches = [{**filters, "status": [s for s in open_states if s in mine]},
                            {**filters, "status": [s for s in open_states if s in for_party],
                             "acting_org_id": user.org_id}]
            else:
                searches = [{**filters, "status": open_states}]
            for search in searches:
                if args.get("status"):
                    search["status"] = [s for s in search["status"] if s == args["status"]]
            for query in (q for search in searches if search["status"] for q in _queries(search)):
                try:
                    found = self.rpc(service, "find_cases", user.actor(), query, {"number": 1, "size": PER_SERVICE})
                except JiefenError as err:
                    if err.code == "VALIDATION_ERROR":
                        raise
                    problems.append({"service": service, "service_label": SERVICE_LABELS.get(service, service),
                                     "message": "暂时无法查询，请稍后刷新"})
                    break
                for c in found["items"]:
                    rows[(service, c["case_id"])] = _task_row(service, c, definition, user.role, for_party)
        items = sorted(rows.values(), key=_urgency)
        return {"items": items, "total": len(items), "problems": problems, "scope": scope}

    @route("GET", "/api/<service>/cases/<case_id>/timeline")
    def timeline(self, request, service, case_id):
        """The audit trail as a person reads it: event and state names, who acted (name, role,
        organisation), what they recorded with its labels, and the legal basis in Chinese."""
        user = self.gate.user(request)
        service = self._known(service)
        entries = self.rpc(service, "case_history", user.actor(), case_id)
        case_type = request.args.get("case_type")
        if not case_type and len(SERVICE_CASE_TYPES.get(service, ())) > 1:     # a caller that did not say
            case_type = self.rpc(service, "get_case", user.actor(), case_id)["case_type"]
        definition = self._definition(service, case_type)
        states = {s["code"]: s["label"] for s in definition["states"]}
        events = {e["id"]: e for e in definition["events"]}
        out = []
        for e in entries:
            ev = events.get(e.get("event")) or {}
            fields = {f["name"]: f for f in ev.get("data", [])}
            out.append({
                "at": e.get("at"), "event": e.get("event"), "event_label": ev.get("label") or OTHER_ENTRIES.get(e.get("event"), "系统记录"),
                "from_label": states.get(e.get("from")) if e.get("from") not in (None, "_NEW") else "新建",
                "to_label": states.get(e.get("to"), ""), "changed": e.get("from") != e.get("to"),
                "who": self._who(e), "basis_text": ev.get("basis_text", ""), "articles": ev.get("articles", []),
                "data": _data_lines(e.get("data") or {}, fields, self.gate.directory, self._user_name)
                if e.get("event") not in OTHER_ENTRIES else _issued_lines(e.get("data") or {}),
            })
        return out

    @route("GET", "/api/mediation/mediators")
    def mediators(self, request):
        """A committee's roster (PML Art 13), for the page's mediator picker."""
        user = self.gate.user(request)
        committee = request.args.get("committee_id") or user.org_id
        return self.rpc("mediation", "list_mediators", user.actor(), committee)

    def _user_name(self, user_id: str) -> str:
        users = getattr(getattr(self.gate, "_auth", None), "users", None) or {}
        u = users.get(user_id or "")
        if u:
            return u.name
        config = getattr(getattr(self.gate, "_auth", None), "config", None) or {}
        rosters = ((config.get("mediation") or {}).get("mediators") or {}) if hasattr(config, "get") else {}
        return next((m.get("name", "") for roster in rosters.values() for m in roster or [] if m.get("id") == user_id), "")

    def _who(self, entry: dict) -> str:
        if entry.get("role") == "sys":
            # a clock's sweep, or another body's act coming back (e.g. the court's ruling on 司法确认)
            return "系统自动记录（期限计时或关联案件的办理结果）"
        org = self.gate.directory.get(entry.get("org_id") or "")
        name = self._user_name(entry.get("user_id")) or "工作人员"
        return f"{name}（{enums.ROLES.get(entry.get('role'), '')}，{org.name if org else ''}）"


def _waiting_states(definition: dict, role: str) -> set[str]:
    """States in which the role has an event to fire (sys-only and creation events do not count)."""
    return {s for e in definition["events"] if role in e["roles"] and not e["creates"] for s in e["from"]}


def _party_states(definition: dict, role: str) -> set[str]:
    """States that only a party's own act moves on (请求复查, consent, …; else a clock's expiry), on a case
    type the role works on: staff of the body acting on the case record that act when the party comes
    (data.party_act; infra/service.py allowed_events)."""
    if not any(role in e["roles"] and not e["creates"] for e in definition["events"]):
        return set()
    onward: dict[str, list[set]] = {}
    for e in definition["events"]:
        for s in e["from"] if not e["self_loop"] else ():
            onward.setdefault(s, []).append(set(e["roles"]))
    return {s for s, movers in onward.items()
            if all(m <= {"party", "sys"} for m in movers) and any("party" in m for m in movers)}


def _queries(filters: dict) -> list[dict]:
    """Search by case number, party name or phone (``text``) and by ID number: a term that looks like an
    ID number also asks ``party_id_number``."""
    text = (filters.get("text") or "").strip()
    if text and len(text) == 18 and text[:17].isdigit():
        by_id = {k: v for k, v in filters.items() if k != "text"}
        return [filters, {**by_id, "party_id_number": text.upper()}]
    return [filters]


def _task_row(service: str, c: dict, definition: dict, role: str, for_party: set[str]) -> dict:
    # a court-delegated mediation runs on the delegating court's deadline (SPEC §7; services/mediation/delegated.py)
    deadlines = c.get("deadlines") or ([c["court_deadline"]] if c.get("court_deadline") else [])
    due = sorted((d for d in deadlines if d.get("due_date")), key=lambda d: (not d.get("overdue"), d["due_date"]))
    next_due = due[0] if due else None
    applicant = next((p.get("name") for p in c.get("parties") or [] if p.get("role") == "applicant"), None)
    waiting_on_party = c["status"] in for_party
    return {
        "service": service, "service_label": SERVICE_LABELS.get(service, service),
        "case_id": c["case_id"], "case_no": c["case_no"], "summary": c.get("summary") or "",
        "status": c["status"], "status_label": c.get("status_label") or "",
        "category_label": enums.CATEGORIES.get(c.get("category"), ""),
        "channel_label": enums.CHANNELS.get(c.get("channel"), ""),
        "applicant": applicant, "created_at": c.get("created_at"), "supervised": bool(c.get("supervised")),
        "overdue": any(d.get("overdue") for d in deadlines),
        "next_due": None if next_due is None else {
            "label": next_due.get("label"), "due_date": next_due.get("due_date"),
            "days_left": next_due.get("days_left"), "unit": next_due.get("unit"),
            "overdue": bool(next_due.get("overdue"))},
        "waiting_on_party": waiting_on_party,
        "actions": [e["label"] for e in definition["events"] if c["status"] in e["from"] and (
            "party" in e["roles"] if waiting_on_party else role in e["roles"])],
    }


def _urgency(row: dict):
    due = row["next_due"]
    return (not row["overdue"], due is None, (due or {}).get("due_date") or "9999", row["created_at"] or "")


def _issued_lines(data: dict) -> list[str]:
    """A document issued: its title; the hash stays in the audit trail for checking a copy, not on screen."""
    return [f"文书：{data.get('title') or '法律文书'}", "已存证，可核验副本是否与出具时一致"]


def _data_lines(data: dict, fields: dict, directory, names) -> list[str]:
    lines = []
    for key, value in data.items():
        if value in (None, "", [], {}, False) or key in ("summary", "request", "facts", "parties"):
            continue
        if key == "party_act" and isinstance(value, dict):      # staff recorded a party's own act
            lines.append(_party_act_line(value))
            continue
        f = fields.get(key) or {}
        label, widget = f.get("label"), (f.get("widget") or {}).get("kind")
        if not f:               # an entry that is no event (a document issued): the contracts' words
            label, widget = FIELDS.get(key, ("", ""))[:2]
        if not label or widget == "hidden":
            continue
        lines.append(f"{label}：{_value_text(key, value, f, directory, names)}")
    return lines


def _value_text(key: str, value, f: dict, directory, names) -> str:
    if isinstance(value, bool):
        return "是"
    if isinstance(value, list):
        return "、".join(_value_text(key, v, f, directory, names) for v in value) or "已记录"
    if isinstance(value, dict):
        if "party" in value:            # a signature: which party, in what form
            forms = {o["value"]: o["label"] for s in f.get("fields") or [] for o in s.get("options") or []}
            return f"第{value['party']}位（{forms.get(value.get('form'), '已签署')}）"
        if "amount" in value and value.get("unit") in ("days", "months", "working_days"):      # a period
            return f"{value['amount']}{ {'days': '日', 'months': '个月', 'working_days': '个工作日'}[value['unit']]}"
        if value.get("document_id"):    # a document named by its number (a 建议's reply evidence)
            return f"{value.get('title') or '材料'}（{value['document_id']}）"
        return "已记录"
    widget = (f.get("widget") or {}).get("kind")
    if widget == "org" or key.endswith("org_id") or key in ("court_id", "committee_id"):
        org = directory.get(str(value))
        return org.name if org else "（机构）"
    if widget == "county":
        return county_name(str(value)) or "（县市区）"
    if widget in ("party", "parties"):
        return f"第{value}位当事人"
    if widget in ("mediator", "mediators"):
        return names(str(value)) or "调解员"
    options = {o["value"]: o["label"] for o in f.get("options") or []}
    text = options.get(str(value)) or choice_label(key, value)
    if text:
        return text
    raw = str(value)
    if len(raw) >= 10 and raw[4:5] == "-" and raw[7:8] == "-":
        try:
            d = date.fromisoformat(raw[:10])
            return f"{d.year}年{d.month}月{d.day}日"
        except ValueError:
            pass
    return raw


def _party_act_line(act: dict) -> str:
    """代为记录：第1位当事人本人所为（书面申请，复查申请书（2026）第1号）: whose act, on what evidence."""
    evidence = "，".join(x for x in (enums.EVIDENCE_KINDS.get(act.get("evidence_kind"), ""),
                                     str(act.get("evidence_ref") or "")) if x)
    return f"代为记录：第{act.get('party')}位当事人本人所为（{evidence or '已记录'}）"
