"""Every HTTP route of the gateway is in its OpenAPI document (issue 14): a route added to any of the
gateway's modules without its operation fails here. The pages (HTML, static files, health probes) are
not API operations and are listed by name, so a new one must be added here on purpose."""
import re

from services.gateway import openapi
from services.gateway.service import GatewayService

PAGES = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/"), ("GET", "/window/"), ("GET", "/supervision/"),
         ("GET", "/lookup"), ("GET", "/static/{name}"), ("GET", "/docs")}


def gateway_routes() -> set[tuple[str, str]]:
    found = set()
    for name in dir(GatewayService):
        handler = getattr(GatewayService, name)
        if callable(handler) and hasattr(handler, "route"):
            method, url, _ = handler.route
            found.add((method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", url)))
    # one route serves every opening; the document has one operation (with its contract) per opening
    from services.gateway.openings import OPENINGS
    found.discard(("POST", "/api/openings/{service}/{command}"))
    found |= {("POST", f"/api/openings/{o.service}/{o.command}") for o in OPENINGS}
    return found


def test_every_gateway_route_is_an_openapi_operation_or_a_named_page():
    routes = gateway_routes()
    assert len(routes) > 40 and ("POST", "/api/intake/cases/{case_id}/query-code") in routes
    spec = openapi.spec_dict(("intake", "mediation", "diversion", "petition", "recommendation", "supervision"))
    documented = {(m.upper(), path) for path, ops in spec["paths"].items() for m in ops}
    missing = sorted(routes - documented - PAGES)
    assert not missing, f"routes missing from services/gateway/openapi.py (or openapi_routes.py): {missing}"
    assert PAGES <= routes, f"pages no longer served: {sorted(PAGES - routes)}"
    stale = sorted(documented - routes)
    assert not stale, f"operations without a route: {stale}"
