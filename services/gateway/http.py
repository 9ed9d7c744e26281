"""HTTP plumbing: the ``@route`` entrypoint (nameko ``@http`` on Werkzeug 3) that answers JSON and
turns every refusal into the platform's error contract ``{"error", "message", "details"}`` with the
status of ``contracts.errors.ERRORS``; routing misses (404/405) get the same shape."""
from __future__ import annotations

import json
import logging
import re
import time
from typing import Any, Callable

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Request, Response

from contracts import hygiene
from contracts.labels import refusal_in_chinese
from contracts.errors import ERRORS, JiefenError, validation_error
from infra import logs, metrics

log = logging.getLogger(__name__)

API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'",
}


def status_of(code: str) -> int:
    return ERRORS[code].http_status if code in ERRORS else 500


def json_response(payload: Any, status: int = 200, headers: dict | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, default=str)
    return Response(body, status=status, headers={**API_HEADERS, **(headers or {})},
                    content_type="application/json; charset=utf-8")


def error_response(code: str, message: str, details: dict | None = None, headers: dict | None = None) -> Response:
    message, details = refusal_in_chinese(code, message, details)      # users read Chinese, not codes
    return json_response({"error": code, "message": message, "details": details or {}}, status_of(code), headers)


class Refusal(Exception):
    """A refusal only HTTP knows (429 with Retry-After, 405), carrying response headers."""

    def __init__(self, code: str, message: str, details: dict | None = None, headers: dict | None = None,
                 status: int | None = None):
        super().__init__(message)
        self.code, self.message, self.details, self.headers = code, message, details or {}, headers or {}
        self.status = status                 # an HTTP status other than the code's own (411, 413)


# -- input ----------------------------------------------------------------------------------------
def check_text(value: Any, where: str = "body") -> Any:
    """Strings that no database stores faithfully (NUL, lone surrogates) are refused at the door: the
    same rule as every service's RPC door (contracts.hygiene)."""
    problem = hygiene.text_problem(value, where)
    if problem:
        raise problem
    return value


def json_body(request: Request, max_bytes: int) -> dict:
    """The JSON object of a request: size and depth checked before parsing (413 for a body too large),
    a chunked body read to its end (never silently empty), a body without a length refused (411)."""
    too_large = Refusal("VALIDATION_ERROR", f"请求体过大：超过 {max_bytes} 字节", {"fields": {"body": [f"larger than {max_bytes} bytes"]}},
                        status=413)
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if chunked:
        # Werkzeug reads nothing of a body without Content-Length unless the server says the input
        # ends by itself; eventlet's wsgi.input de-chunks, so read it, one byte past the limit
        stream = request.environ.get("wsgi.input")
        if stream is None:
            raise Refusal("VALIDATION_ERROR", "请求须带 Content-Length", {}, status=411)
        raw = stream.read(max_bytes + 1)
    elif request.content_length is None and request.method in ("POST", "PUT", "PATCH") \
            and request.environ.get("wsgi.input_terminated") is not True:
        raw = request.get_data(cache=True)
        if not raw:
            raise Refusal("VALIDATION_ERROR", "请求须带 Content-Length（或分块传输）", {}, status=411)
    else:
        raw = request.get_data(cache=True)
    if len(raw) > max_bytes:
        raise too_large
    if not raw.strip():
        return {}
    body = hygiene.loads_checked(raw, max_bytes)
    if not isinstance(body, dict):
        raise validation_error({"body": ["must be a JSON object"]}, "请求体须为 JSON 对象")
    return body


KEY_RE = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")


def idempotency_key(request: Request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if not KEY_RE.match(key):
        raise validation_error({"Idempotency-Key": ["header required: 8-128 characters of A-Z a-z 0-9 . _ : -"]},
                               "缺少或无效的 Idempotency-Key 请求头")
    return key


# -- the entrypoint ---------------------------------------------------------------------------------
class GatewayWsgiApp(WsgiApp):
    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values
            response = provider.handle_request(request)
        except MethodNotAllowed as exc:
            allowed = sorted(exc.valid_methods or [])
            response = error_response("METHOD_NOT_ALLOWED", f"此路径不支持 {request.method} 方法",
                                      {"allowed": allowed}, {"Allow": ", ".join(allowed)})
        except HTTPException as exc:
            if exc.code and exc.code < 400:          # e.g. /window -> /window/ (Werkzeug's strict slashes)
                return exc(environ, start_response)
            code = "NOT_FOUND" if exc.code == 404 else "VALIDATION_ERROR"
            response = error_response(code, "没有这个地址" if exc.code == 404 else str(exc.description),
                                      {"path": request.path})
        return response(environ, start_response)


class GatewayWebServer(WebServer):
    def get_wsgi_app(self):
        return GatewayWsgiApp(self)


class Route(HttpRequestHandler):
    server = GatewayWebServer()

    def response_from_exception(self, exc):   # only reached if the wrapper below itself failed
        log.error("unhandled error in %s: %r", self.url, exc)
        return error_response("INTERNAL", "网关内部错误，已记录", {})


def _call_id(caller) -> str | None:
    stack = getattr(getattr(caller, "worker_ctx", None), "call_id_stack", None)
    return stack[-1] if stack else None


def _log_refusal(code: str) -> None:
    """One line per refusal: the code and where (never the request: it carries personal data)."""
    if code == "INTERNAL":
        log.error("internal error", extra={"code": code, "status": status_of(code)})   # the service logged the traceback
    else:
        log.info("refused", extra={"code": code, "status": status_of(code)})


def route(method: str, url: str) -> Callable:
    """``@route("GET", "/api/<service>/cases/<case_id>")``: the handler returns a payload (JSON, 200),
    a ``(status, payload)`` pair or a Response; a JiefenError or Refusal becomes the error contract."""
    def decorate(fn: Callable) -> Callable:
        def handler(self, request, **path):
            started = time.perf_counter()
            response = answer(self, request, path)
            metrics.http(url, method, response.status_code, time.perf_counter() - started)
            return response

        def answer(self, request, path):
            caller = getattr(self, "rpc", None)
            logs.bind(service="gateway", method=fn.__name__, route=f"{method} {url}",
                      call_id=_call_id(caller), case_id=path.get("case_id"))
            try:
                check_text(path, "path")
                result = fn(self, request, **path)
            except JiefenError as err:
                _log_refusal(err.code)
                return error_response(err.code, err.message, err.details)
            except Refusal as err:
                _log_refusal(err.code)
                response = error_response(err.code, err.message, err.details, err.headers)
                if err.status:
                    response.status_code = err.status
                return response
            except Exception:
                log.exception("internal error", extra={"code": "INTERNAL"})
                return error_response("INTERNAL", "网关内部错误，已记录，未做任何更改", {})
            finally:
                logs.clear()
            if isinstance(result, Response):
                return result
            if isinstance(result, tuple):
                return json_response(result[1], result[0])
            return json_response(result)
        # no functools.wraps: nameko checks the call against the handler's own (request, **path)
        handler.__name__, handler.__qualname__, handler.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
        handler.route = (method, url, fn)
        return Route.decorator(method, url)(handler)
    return decorate
