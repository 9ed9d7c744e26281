"""Sign-in: users from config/users.yaml, server-side sessions, per-address limits. The dependency
gives each worker the gateway's settings, the organisation directory and the signed-in user."""
from __future__ import annotations

import time

from nameko.extensions import DependencyProvider
from werkzeug.wrappers import Request

from contracts.errors import JiefenError
from infra import logs
from infra.config import load_config
from infra.orgs import load_directory
from services.gateway.http import Refusal
from services.gateway.passwords import DUMMY_HASH, verify_password
from services.gateway.ratelimit import Limiter
from services.gateway.sessions import SessionStore
from services.gateway.settings import load_settings
from services.gateway.users import User, load_users

UNAUTHENTICATED = "请先登录（Authorization: Bearer <令牌>）"


class Auth(DependencyProvider):
    def setup(self):
        self.settings = load_settings(self.container.config)
        self.config = load_config(**(self.container.config.get("JIEFEN") or {}))
        self.directory = load_directory(str(self.config.path("organisations")), str(self.config.path("roles")))
        self.users = load_users(self.settings.users_file, self.directory)
        self.store = SessionStore(self.config, self.settings.session_ttl)
        self.lookups = Limiter(self.settings.lookup_tries, self.settings.lookup_window)
        self.case_lookups = Limiter(self.settings.lookup_case_tries, self.settings.lookup_window)
        # failed sign-ins per account, and (many more) per address: a centre's terminals share one NAT
        # address, so one clerk's mistyped password never locks the others out
        self.failed_logins = Limiter(self.settings.login_failures, self.settings.lookup_window)
        self.failed_logins_by_address = Limiter(self.settings.login_failures * 10, self.settings.lookup_window)

    def stop(self):
        self.store.dispose()

    def get_dependency(self, worker_ctx):
        return Gate(self)


def client_address(request: Request) -> str:
    # the gateway is reached directly by the window terminals; behind a reverse proxy, configure the
    # proxy to limit too (X-Forwarded-For is not trusted: anyone can send it)
    return request.remote_addr or "unknown"


class Gate:
    def __init__(self, auth: Auth):
        self._auth = auth
        self.settings = auth.settings
        self.directory = auth.directory

    # -- sessions ------------------------------------------------------------------------------
    def sign_in(self, request: Request, user_id: str, password: str) -> dict:
        address = client_address(request)
        wait = max(self._auth.failed_logins.retry_after(f"user:{user_id}"),
                   self._auth.failed_logins_by_address.retry_after(address))
        if wait:
            raise Refusal("RATE_LIMITED", f"登录失败次数过多，请 {wait // 60 + 1} 分钟后再试",
                          {"retry_after": wait}, {"Retry-After": str(wait)})
        user = self._auth.users.get(user_id)
        ok = verify_password(password, user.password_hash if user else DUMMY_HASH)
        if not ok or user is None or user.disabled:
            self._auth.failed_logins.hit(f"user:{user_id}")
            self._auth.failed_logins_by_address.hit(address)
            raise JiefenError("UNAUTHENTICATED", "用户名或密码不正确", {})
        token, expires = self._auth.store.open(user.user_id)
        return {"token": token, "expires_at": _iso(expires), "user": self.profile(user)}

    def sign_out(self, request: Request) -> None:
        self.user(request)                       # 401 unless signed in
        self._auth.store.close(_bearer(request))

    def user(self, request: Request) -> User:
        """The signed-in user, or 401."""
        token = _bearer(request)
        found = self._auth.store.user_of(token) if token else None
        user = self._auth.users.get(found[0]) if found else None
        if user is None or user.disabled:
            raise JiefenError("UNAUTHENTICATED", UNAUTHENTICATED, {})
        logs.bind(**{**logs.bound(), "user_id": user.user_id, "org_id": user.org_id})   # the call's log lines
        return user

    def expires_at(self, request: Request) -> str | None:
        found = self._auth.store.user_of(_bearer(request))
        return _iso(found[1]) if found else None

    def profile(self, user: User) -> dict:
        org = self.directory.get(user.org_id)
        return {**user.actor(), "name": user.name, "org_name": org.name if org else user.org_id}

    # -- resident lookup -------------------------------------------------------------------------
    def check_lookup(self, request: Request, case_no: str | None) -> None:
        """Refused while this address, or this case number from any address, has had too many *failed*
        tries in ``lookup_window`` s: guessing a query code is stopped, a hall kiosk serving many
        residents with right codes is not."""
        address, case_key = client_address(request), (case_no or "").strip().upper()
        wait = max(self._auth.lookups.retry_after(address),
                   self._auth.case_lookups.retry_after(case_key) if case_key else 0)
        if wait:
            raise Refusal("RATE_LIMITED", f"查询错误次数过多，请 {wait // 60 + 1} 分钟后再试",
                          {"retry_after": wait}, {"Retry-After": str(wait)})

    def lookup_failed(self, request: Request, case_no: str | None) -> None:
        self._auth.lookups.hit(client_address(request))
        if case_no and case_no.strip():
            self._auth.case_lookups.hit(case_no.strip().upper()[:40])


def _bearer(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and 0 < len(token.strip()) <= 200 else ""


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))
