"""One rule for what text and JSON jiefen accepts, on every path (HTTP at the gateway, RPC at each
service's door, the pika client's callers alike):

- a body larger than ``limits.body_bytes`` or nested deeper than ``limits.json_depth`` is refused
  *before* it is parsed (a 1,000-deep body would otherwise exhaust the parser, and a 100k-party body
  would keep a worker busy for seconds);
- strings holding NUL or a lone surrogate (no database stores them faithfully) are refused.
"""
from __future__ import annotations

import json
import re

from contracts.errors import JiefenError, validation_error
from contracts.config import default_config

_LIMITS = default_config()["limits"]
MAX_BYTES = int(_LIMITS.get("body_bytes", 1_048_576))
MAX_DEPTH = int(_LIMITS.get("json_depth", 32))
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def depth_of(raw: str) -> int:
    """How deep the JSON text nests, without parsing it (strings are skipped)."""
    depth = deepest = 0
    for ch in _BRACKETS.findall(_STRING.sub("", raw)):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def size_problem(raw: str | bytes, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> JiefenError | None:
    if len(raw) > max_bytes:
        return validation_error({"body": [f"请求过大：超过 {max_bytes} 字节"]}, f"请求过大：超过 {max_bytes} 字节")
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if depth_of(text) > max_depth:
        return validation_error({"body": [f"JSON 嵌套超过 {max_depth} 层"]}, f"请求的 JSON 嵌套超过 {max_depth} 层")
    return None


def text_problem(value, where: str = "body") -> JiefenError | None:
    """The first string (key or value) holding NUL or a lone surrogate, as a VALIDATION_ERROR."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _BAD_TEXT.search(item):
                return validation_error({path: ["含有空字符（NUL）或无效的 Unicode 字符，请删除后重试"]})
        elif isinstance(item, dict):
            for k, v in item.items():
                if isinstance(k, str) and _BAD_TEXT.search(k):
                    return validation_error({path: ["字段名含有空字符或无效的 Unicode 字符"]})
                stack.append((v, f"{path}.{k}"))
        elif isinstance(item, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(item))
    return None


def loads_checked(raw: str | bytes, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH):
    """Parse JSON only after the size and depth checks; then the text rule. Raises JiefenError."""
    problem = size_problem(raw, max_bytes, max_depth)
    if problem:
        raise problem
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise validation_error({"body": ["不是有效的 JSON（UTF-8）"]}, "请求体不是有效的 JSON") from None
    problem = text_problem(value)
    if problem:
        raise problem
    return value
