"""Legal basis in the words a user reads: "PML Art 29" → 《人民调解法》第二十九条, with the article's text.

The code cites statutes by the keys of SPEC.md ("PML Art 29(1)", "LVR Art 20 ¶2, 22 ¶2; CPL Art 125: …").
``format_basis`` turns such a citation into Chinese: the statute's name in 《》, article numbers in Chinese
numerals (第二十九条第一款第（一）项); working notes in English, SPEC references and the [A]/[V?] markers
are left out (they are for developers). ``articles`` lists each cited article with its text where the
statute is in ``law_articles.json`` (extracted from the public law texts by ``python -m infra.citations
extract <laws dir>``), for a hover.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

# SPEC.md "Keys": key -> (the statute's name as shown, the law file it is read from)
STATUTES: dict[str, tuple[str, str | None]] = {
    "PML": ("人民调解法", "people-mediation-law-2010.md"),
    "PMR": ("人民调解工作若干规定", None),
    "CPL": ("民事诉讼法", "civil-procedure-law-2023.md"),
    "CPLI": ("最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释", "spc-civil-procedure-interpretation-2022.md"),
    "JC11": ("最高人民法院关于人民调解协议司法确认程序的若干规定", "spc-judicial-confirmation-2011.md"),
    "SIM": ("最高人民法院关于人民法院特邀调解的规定", "spc-specially-invited-mediation-2016.md"),
    "OMR": ("人民法院在线调解规则", "court-online-mediation-rules-2021.md"),
    "DEL": ("关于进一步完善委派调解机制的指导意见", None),
    "LVR": ("信访工作条例", "letters-and-visits-regulations-2022.md"),
    "ZJLV": ("浙江省信访条例", "zhejiang-letters-and-visits-regulations-2016.md"),
    "JSR": ("最高人民法院关于综合治理类司法建议工作若干问题的规定", "spc-judicial-recommendations-2023.md"),
    "PRR": ("人民检察院检察建议工作规定", None),
    "POL": ("人民检察院组织法", "procuratorate-organisation-law-2018.md"),
    "PIL": ("最高人民法院、最高人民检察院关于检察公益诉讼案件适用法律若干问题的解释", None),
    "LDL": ("劳动争议调解仲裁法", "labour-dispute-mediation-arbitration-law.md"),
    "MDR": ("医疗纠纷预防和处理条例", "medical-dispute-regulations-2018.md"),
    "NB": ("宁波市人民调解条例", "ningbo-people-mediation-regulations-2015.md"),
    "SZ": ("深圳经济特区矛盾纠纷多元化解条例", "shenzhen-diversified-dispute-resolution-2022.md"),
    "PSR": ("浙江省平安建设条例", None),
    "浙江省平安建设条例": ("浙江省平安建设条例", None),
}
ARTICLES_FILE = Path(__file__).with_name("law_articles.json")

DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 29 → 二十九, 105 → 一百零五, 110 → 一百一十, 1000 → 一千."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            out += ("零" if zero and out else "") + DIGITS[d] + unit
            zero = False
        elif out:
            zero = True
    return out


def cn_to_int(text: str) -> int:
    """二十九 → 29, 一百零五 → 105, 十 → 10."""
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS.index(ch)
        elif ch in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
        else:
            raise ValueError(text)
    return total + current


_KEY = "|".join(sorted((re.escape(k) for k in STATUTES), key=len, reverse=True))
_ITEM = r"\d+(?:\s*[-–]\s*\d+)?(?:\s*¶\s*\d+)?(?:\(\d+\))*"
CITE = re.compile(rf"(?:(?P<key>{_KEY})\s*)?Art\.?\s*(?P<arts>{_ITEM}(?:\s*,\s*{_ITEM})*)|(?<![A-Za-z])(?P<bare>{_KEY})(?![A-Za-z0-9])")
ITEM = re.compile(r"(?P<a>\d+)(?:\s*[-–]\s*(?P<b>\d+))?(?:\s*¶\s*(?P<para>\d+))?(?P<subs>(?:\(\d+\))*)")


def _article_label(m: re.Match) -> tuple[str, list[int]]:
    a, b = int(m.group("a")), m.group("b")
    if b:
        return f"第{cn_number(a)}条至第{cn_number(int(b))}条", list(range(a, int(b) + 1))[:12]
    text = f"第{cn_number(a)}条"
    if m.group("para"):
        text += f"第{cn_number(int(m.group('para')))}款"
    for sub in re.findall(r"\((\d+)\)", m.group("subs") or ""):
        text += f"第（{cn_number(int(sub))}）项"
    return text, [a]


def format_basis(basis: str | None, with_text: bool = True) -> dict:
    """{"text": "《人民调解法》第二十九条；…", "articles": [{"statute", "article", "label", "text"}]}."""
    basis = basis or ""
    # "CPLI Art 356 ¶2; 354 ¶2": a bare article number continues the statute cited before it
    normalised = re.sub(r"(;\s*)(?=\d)", r"\1Art ", basis)
    parts, articles, last_key = [], [], None
    for m in CITE.finditer(normalised):
        key = m.group("key") or m.group("bare") or last_key
        if key is None:
            continue
        last_key = key
        name = STATUTES[key][0]
        if m.group("bare"):
            piece = f"《{name}》"
        else:
            labels = []
            for item in ITEM.finditer(m.group("arts")):
                label, numbers = _article_label(item)
                labels.append(label)
                for n in numbers:
                    articles.append({"statute": name, "article": n, "label": f"《{name}》第{cn_number(n)}条",
                                     "text": article_text(key, n) if with_text else ""})
            piece = f"《{name}》" + "、".join(labels)
        if parts and parts[-1].startswith(f"《{name}》") and not m.group("key") and not m.group("bare"):
            parts[-1] += "、" + piece[len(name) + 2:]
        elif piece not in parts:
            parts.append(piece)
    text = "；".join(parts)
    note = _chinese_note(basis)
    if note:
        text = f"{text}（{note}）" if text else note
    return {"text": text, "articles": articles}


def _chinese_note(basis: str) -> str:
    """The explanation after a citation, when it is written in Chinese ("CPLI Art 126: 从补正后…起算")."""
    notes = []
    for seg in re.split(r"[;；]", basis):
        if ":" in seg or "：" in seg:
            tail = re.split(r"[:：]", seg, maxsplit=1)[1].strip()
            if tail and re.search(r"[\u4e00-\u9fff]", tail) and not re.search(r"[A-Za-z]", tail):
                notes.append(tail)
    return "；".join(notes)


def basis_text(basis: str | None) -> str:
    return format_basis(basis, with_text=False)["text"]


@lru_cache(maxsize=1)
def _articles() -> dict:
    if not ARTICLES_FILE.exists():
        return {}
    return json.loads(ARTICLES_FILE.read_text(encoding="utf-8"))


def article_text(key: str, number: int) -> str:
    return _articles().get(key, {}).get(str(number), "")


# -- extracting the cited articles from the law texts -------------------------------------------------
ARTICLE_LINE = re.compile(r"^\s*第([零一二三四五六七八九十百千]+)条\s*(.*)$")


def parse_law(text: str) -> dict[int, str]:
    """Article number -> its text (the paragraphs up to the next article or heading)."""
    out: dict[int, list[str]] = {}
    current = None
    for line in text.splitlines():
        m = ARTICLE_LINE.match(line)
        if m:
            current = cn_to_int(m.group(1))
            out[current] = [m.group(2).strip()]
        elif line.startswith("#") or line.startswith("<!--"):
            current = None
        elif current is not None and line.strip():
            out[current].append(line.strip())
    return {n: "\n".join(p for p in parts if p) for n, parts in out.items()}


def cited_articles(bases) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}
    for basis in bases:
        normalised = re.sub(r"(;\s*)(?=\d)", r"\1Art ", basis or "")
        last = None
        for m in CITE.finditer(normalised):
            key = m.group("key") or m.group("bare") or last
            last = key
            if key and m.group("arts"):
                for item in ITEM.finditer(m.group("arts")):
                    wanted.setdefault(key, set()).update(_article_label(item)[1])
    return wanted


_INNER = r"(?:[^（）()]|\([0-9a-z]+\))"          # an item like 31(1) may stand inside the parenthesis
PAREN = re.compile(rf"[（(]({_INNER}*\bArt\b{_INNER}*|(?:PRR|PSR|PIL|DEL){_INNER}*)[）)]")


def cite_in_chinese(message: str | None) -> str:
    """A refusal message that ends "…（LVR Art 35）" as a user reads it: "…（依据《信访工作条例》第三十五条）"."""
    def repl(m: re.Match) -> str:
        text = basis_text(m.group(1).replace("；", ";"))
        return f"（依据{text}）" if text else ""
    return PAREN.sub(repl, message or "")
