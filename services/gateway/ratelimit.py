"""The gateway's limiters are infra.ratelimit's (intake limits lookups per case number with the same)."""
from infra.ratelimit import Limiter

__all__ = ["Limiter"]
