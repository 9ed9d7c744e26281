"""Opening a case in the page, for every institution (issue 14): one table of the commands that open a
case, who may use each, and the contract of its input.

Each row names the case service and its RPC method (called as ``method(payload, idempotency_key)``),
the Chinese title the page shows, which roles at which kinds of organisation may use it (a subset of
config/roles.yaml: the role must also be one the kind may hold), and the marshmallow schema from
contracts/ the service validates the input with. The page's form is described from that schema by the
same code that describes every event's data in ``case_definition()`` (``contracts.labels.schema_fields``),
so an opening has no second form description.

To add an institution's opening, add a row to ``OPENINGS``; the routes (``GET /api/openings``,
``POST /api/openings/<service>/<command>``), the OpenAPI document and the page's 新建案件 follow.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from marshmallow import Schema

from contracts import diversion as dv, mediation as pm, petition as pt, recommendation as rc
from contracts.enums import EVIDENCE_KINDS
from contracts.errors import JiefenError, validation_error
from contracts.labels import refusal_in_chinese, schema_fields
from contracts.legal import format_basis
from services.gateway.http import idempotency_key, json_body, route
from services.gateway.settings import SERVICE_LABELS

HIDDEN = {"kind": "hidden"}


@dataclass(frozen=True, eq=False)
class Opening:
    service: str                        # the case service
    command: str                        # its RPC method: command(payload, idempotency_key)
    title: str                          # what the page calls it
    who: dict[str, tuple[str, ...]]     # organisation kind -> the roles there that may use it
    schema: type[Schema]                # the contract the service validates the payload with
    basis: str                          # the articles that give this body the matter
    event: str | None = None            # the creation event it fires (narrows organisation pickers)
    help: str = ""                      # one line for the page
    # fields the page does not ask for or asks for differently: name -> widget (HIDDEN: the service
    # fills it, e.g. the receiving body is the signed-in user's organisation)
    widgets: dict[str, dict] = field(default_factory=dict)
    on_behalf: bool = False             # a party's act the staff record (data.party_act: which party, evidence)
    # choices that depend on the kind of the user's organisation: field -> organisation kind -> the values
    # offered (e.g. a court issues 司法建议 only, a procuratorate 检察建议 only: JSR Art 1; PRR)
    choices_by_org_kind: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # how the body becomes the command's arguments, for a command not shaped command(payload, key):
    # body -> the positional arguments before the idempotency key (default: the body itself)
    arguments: Callable[[dict], tuple] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.service, self.command

    def allows(self, org_kind: str | None, role: str) -> bool:
        return role in self.who.get(org_kind or "", ())


# LVR Art 17 ¶2: every organ designates a 信访工作机构 (or staff) that receives letters and visits.
PETITION_RECEIVERS = ("petition_office", "government", "department", "police")

OPENINGS: tuple[Opening, ...] = (
    Opening("petition", "register", "登记来信来访", {kind: ("xfb",) for kind in PETITION_RECEIVERS},
            pt.RegisterPetitionSchema, "LVR Art 17, 19, 21", event="register",
            help="信访人通过书信、走访、电话、网络等渠道提出的信访事项，登记后进入受理、转送、交办。",
            widgets={"org_id": HIDDEN}),
)


# -- the courts', committees' and issuers' own openings (issue 14; s3-14c) ---------------------------
OPENINGS += (
    Opening("mediation", "apply", "人民调解委员会登记调解申请", {"mediation_committee": ("pmc",)},
            pm.ApplySchema, "PML Art 17", event="apply", on_behalf=True,
            help="当事人到本委员会书面或口头申请调解，由工作人员登记并记录申请人的申请材料。",
            widgets={"committee_id": HIDDEN, "handoff": HIDDEN}),
    Opening("mediation", "initiate_proactive", "主动调解", {"mediation_committee": ("pmc",)},
            pm.ProactiveSchema, "PML Art 17", event="initiate_proactive",
            help="人民调解委员会主动调解本辖区的民间纠纷，登记后先征询当事人意愿。",
            widgets={"committee_id": HIDDEN}),
    Opening("diversion", "receive_complaint", "登记起诉材料（诉前调解）", {"court": ("filing",)},
            dv.ComplaintSchema, "CPL Art 122-123; OMR Art 8", event="receive_complaint",
            help="立案庭（诉讼服务中心）收到的起诉材料，登记后引导当事人选择诉前调解。",
            widgets={"court_id": HIDDEN, "handoff": HIDDEN}),
    Opening("diversion", "apply_for_confirmation", "登记司法确认申请", {"court": ("filing",)},
            dv.JcApplySchema, "CPL Art 205; CPLI Art 351-354", event="apply",
            help="双方当事人自调解协议生效之日起三十日内共同向本院申请确认调解协议。",
            widgets={"handoff": HIDDEN, "applied_at": HIDDEN}),
    Opening("recommendation", "draft", "起草司法建议、检察建议", {"court": ("issuer",), "procuratorate": ("issuer",)},
            rc.DraftSchema, "JSR Art 1, 3; PRR", event="draft",
            help="审判、检察工作中发现有关单位存在的问题，起草建议书，经审批后制发送达。",
            widgets={"source_cases": HIDDEN, "risk_pattern": HIDDEN},
            choices_by_org_kind={"kind": {side: tuple(k for k, (issuer, _) in rc.KINDS.items() if issuer == side)
                                          for side in (rc.COURT, rc.PROCURATORATE)}}),
)

# the party's act the staff record with an opening that is the party's own (PML Art 17: the application)
PARTY_ACT_FIELD = {
    "name": "party_act", "label": "代当事人记录", "required": True, "help": "申请由哪位当事人提出，依据什么材料",
    "widget": {"kind": "group"}, "options": [], "fields": [
        {"name": "party", "label": "提出申请的当事人（第几位，按上面填写的顺序）", "required": True,
         "widget": {"kind": "number"}, "options": [], "help": ""},
        {"name": "evidence_kind", "label": "依据的材料", "required": True, "widget": {"kind": "choice"},
         "options": [{"value": k, "label": v} for k, v in EVIDENCE_KINDS.items()], "help": ""},
        {"name": "evidence_ref", "label": "材料编号或扫描件编号", "required": True, "widget": {"kind": "text"},
         "options": [], "help": ""},
    ]}


def find(service: str, command: str) -> Opening | None:
    return next((o for o in OPENINGS if o.key == (service, command)), None)


@lru_cache(maxsize=64)
def _described(service: str, command: str) -> tuple:
    opening = find(service, command)
    described = tuple({**f, "widget": opening.widgets.get(f["name"], f["widget"])}
                      for f in schema_fields(opening.schema, opening.event))
    return described + ((PARTY_ACT_FIELD,) if opening.on_behalf else ())


def describe(opening: Opening, org_kind: str | None = None) -> dict:
    """The opening as the page and a terminal need it: title, basis in Chinese, the fields of its form
    (with ``org_kind``: the choices that organisation may make)."""
    basis = format_basis(opening.basis)
    return {"service": opening.service, "service_label": SERVICE_LABELS.get(opening.service, opening.service),
            "command": opening.command, "title": opening.title, "help": opening.help,
            "basis": opening.basis, "basis_text": basis["text"], "articles": basis["articles"],
            "fields": [_narrowed(dict(f), opening, org_kind) for f in _described(*opening.key)]}


def _narrowed(f: dict, opening: Opening, org_kind: str | None) -> dict:
    allowed = opening.choices_by_org_kind.get(f["name"], {}).get(org_kind or "")
    if allowed is not None and f.get("options"):
        f["options"] = [o for o in f["options"] if o["value"] in allowed]
    return f


def available(org_kind: str | None, role: str, services) -> list[Opening]:
    return [o for o in OPENINGS if o.service in services and o.allows(org_kind, role)]


class OpeningRoutes:
    """A mixin of ``GatewayService``: the openings over HTTP, called as the signed-in user."""

    @route("GET", "/api/openings")
    def openings(self, request):
        """The case-opening commands the signed-in user may use, with the fields of each form."""
        user = self.gate.user(request)
        kind = self._org_kind(user)
        return [describe(o, kind) for o in available(kind, user.role, self.gate.settings.services)]

    @route("POST", "/api/openings/<service>/<command>")
    def open_case(self, request, service, command):
        """Open a case: the body is the opening's input (its schema); answers the new case (201)."""
        user = self.gate.user(request)
        opening = find(service, command)
        if opening is None or service not in self.gate.settings.services:
            raise JiefenError("NOT_FOUND", "没有这项登记", {"service": service, "command": command})
        if not opening.allows(self._org_kind(user), user.role):
            org = self.gate.directory.get(user.org_id)
            raise JiefenError("FORBIDDEN", f"{org.name if org else '本单位'}的此岗位不能办理“{opening.title}”"
                                           f"（{format_basis(opening.basis)['text']}）",
                              {"reason": "role_or_org_kind", "service": service, "command": command})
        key = idempotency_key(request)
        body = json_body(request, self.gate.settings.max_body)
        try:
            args = opening.arguments(body) if opening.arguments else (body,)
            created = self.rpc(service, command, user.actor(), *args, key)
        except JiefenError as err:
            raise _unwrapped(err, opening) from None
        return 201, {**created, "service": service}

    def _org_kind(self, user) -> str | None:
        org = self.gate.directory.get(user.org_id)
        return org.kind if org else None


def _unwrapped(err: JiefenError, opening: Opening) -> JiefenError:
    """A service names the bad fields under its argument (``data``/``petition``…); the body here is that
    argument, so name them as the client sent them, and say which in Chinese (请更正：信访事项类型)."""
    fields = err.details.get("fields") or {}
    if err.code != "VALIDATION_ERROR" or not isinstance(fields, dict) or not fields:
        return err
    wrapper = next(iter(fields))
    if len(fields) == 1 and wrapper not in opening.schema().fields and isinstance(fields[wrapper], dict):
        fields = fields[wrapper]
    message, _ = refusal_in_chinese("VALIDATION_ERROR", "invalid fields", {"fields": fields})
    return validation_error(fields, message)
