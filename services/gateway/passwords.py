"""Password hashes for config/users.yaml: scrypt (hashlib, standard library) with a random salt.

Stored as ``scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>``. Make one with
``jiefen hash-password`` (or ``python -m services.gateway.passwords``).
"""
from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import secrets
import sys

N, R, P, DKLEN = 2 ** 14, 8, 1, 32


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, salt: bytes | None = None, n: int = N, r: int = R, p: int = P) -> str:
    if not password:
        raise ValueError("empty password")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=DKLEN)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(want))
    except (ValueError, TypeError, UnicodeError):
        return False
    return hmac.compare_digest(got, want)


# checked against when the user id is unknown, so a wrong user id costs as long as a wrong password
DUMMY_HASH = hash_password(secrets.token_hex(8))


def main(argv: list[str] | None = None) -> int:
    """Read a password (twice, not echoed; or one line on stdin when not a terminal), print its hash."""
    if sys.stdin.isatty():
        first = getpass.getpass("新密码 / new password: ")
        if first != getpass.getpass("再输入一次 / again: "):
            print("两次输入不一致 / the passwords differ", file=sys.stderr)
            return 1
    else:
        first = sys.stdin.readline().rstrip("\n")
    if len(first) < 8:
        print("密码至少 8 位 / at least 8 characters", file=sys.stderr)
        return 1
    print(hash_password(first))
    return 0


if __name__ == "__main__":
    sys.exit(main())
