"""Opening a case in the page, for every institution (issue 14): one table of the commands that open a
case, who may use each, and the contract of its input.

Each row names the case service and its RPC method (called as ``method(payload, idempotency_key)``),
the Chinese title the page shows, which roles at which kinds of organisation may use it (a subset of
config/roles.yaml: the role must also be one the kind may hold), and the marshmallow schema from
contracts/ the service validates the input with. The page's form is described from that schema by the
same code that describes every event's data in ``case_definition()`` (``infra.casetype.schema_fields``),
so an opening has no second form description.

To add an institution's opening, add a row to ``OPENINGS``; the routes (``GET /api/openings``,
``POST /api/openings/<service>/<command>``), the OpenAPI document and the page's 新建案件 follow.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from marshmallow import Schema

from contracts import petition as pt
from contracts.errors import JiefenError, validation_error
from contracts.labels import refusal_in_chinese
from contracts.legal import format_basis
from infra.casetype import schema_fields
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


def find(service: str, command: str) -> Opening | None:
    return next((o for o in OPENINGS if o.key == (service, command)), None)


@lru_cache(maxsize=64)
def _described(service: str, command: str) -> tuple:
    opening = find(service, command)
    return tuple({**f, "widget": opening.widgets.get(f["name"], f["widget"])}
                 for f in schema_fields(opening.schema, opening.event))


def describe(opening: Opening) -> dict:
    """The opening as the page and a terminal need it: title, basis in Chinese, the fields of its form."""
    basis = format_basis(opening.basis)
    return {"service": opening.service, "service_label": SERVICE_LABELS.get(opening.service, opening.service),
            "command": opening.command, "title": opening.title, "help": opening.help,
            "basis": opening.basis, "basis_text": basis["text"], "articles": basis["articles"],
            "fields": [dict(f) for f in _described(*opening.key)]}


def available(org_kind: str | None, role: str, services) -> list[Opening]:
    return [o for o in OPENINGS if o.service in services and o.allows(org_kind, role)]


class OpeningRoutes:
    """A mixin of ``GatewayService``: the openings over HTTP, called as the signed-in user."""

    @route("GET", "/api/openings")
    def openings(self, request):
        """The case-opening commands the signed-in user may use, with the fields of each form."""
        user = self.gate.user(request)
        return [describe(o) for o in available(self._org_kind(user), user.role, self.gate.settings.services)]

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
            created = self.rpc(service, command, user.actor(), body, key)
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
