/* Inline checks as the clerk types. The service checks the same rules again (contracts/schemas.py,
   python-stdnum); these only spare the clerk a round trip. */
"use strict";
const JiefenValidate = (() => {
  const RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const RIC_CHECK = "10X98765432";
  const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  // the same pattern as contracts/schemas.py PHONE: mobile, landline (area code, extension), short numbers
  const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{5,8})$/;

  // the same province codes as contracts/idnumbers.py PROVINCES
  const PROVINCES = new Set(("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 " +
                             "61 62 63 64 65 71 81 82 83").split(" "));

  /* The same normalisation as contracts/idnumbers.py: full-width → ASCII (NFKC), spaces out, x → X. */
  function normaliseId(value) {
    return (value || "").normalize("NFKC").replace(/\s+/g, "").toUpperCase();
  }

  /* 居民身份证号码 (GB 11643-1999): 6-digit area, 8-digit birth date, 3-digit order, ISO 7064 MOD 11-2 check.
     The same checks, in the same order and words, as contracts/idnumbers.py ric_problem: the place code is
     where the number was issued (a county code may be younger than its holder), so only the province is
     checked. absentReason: a person may have no number, with the reason recorded (LVR Art 19, 21). */
  function idNumberProblem(value, absentReason) {
    const v = normaliseId(value);
    if (!v) return absentReason ? "" : "请填写居民身份证号；无法提供时请选择原因";
    if (/^\d{15}$/.test(v)) return "15位旧身份证号已停止使用，请填写18位居民身份证号";
    if (!/^\d{17}[\dX]$/.test(v)) return "居民身份证号应为18位：17位数字加1位校验码（数字或X）";
    if (!PROVINCES.has(v.slice(0, 2))) return `居民身份证号前两位（${v.slice(0, 2)}）不是有效的省级行政区划代码`;
    const y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14);
    const birth = new Date(Date.UTC(y, m - 1, d));
    if (y < 1900 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d
        || birth > new Date()) return "居民身份证号中的出生日期（第7-14位）无效";
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += (+v[i]) * RIC_WEIGHTS[i];
    if (RIC_CHECK[sum % 11] !== v[17]) return "居民身份证号校验码（第18位）不正确，请核对";
    return "";
  }

  /* 统一社会信用代码 (GB 32100-2015): 18 characters, MOD 31 check. */
  function creditCodeProblem(value) {
    const v = normaliseId(value);
    if (!v) return "";
    if (v.length !== 18 || [...v].some((c) => USCC_ALPHABET.indexOf(c) < 0)) return "统一社会信用代码应为18位数字或大写字母";
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(v[i]) * USCC_WEIGHTS[i];
    if (USCC_ALPHABET[(31 - (sum % 31)) % 31] !== v[17]) return "统一社会信用代码校验位不正确，请核对";
    return "";
  }

  function phoneProblem(value) {
    const v = (value || "").normalize("NFKC").replace(/\s+/g, "");
    if (!v) return "";
    return PHONE.test(v) ? "" : "电话号码格式不正确（手机11位，或区号-座机号）";
  }

  function requiredProblem(value, label, max) {
    const v = (value || "").trim();
    if (!v) return `请填写${label}`;
    if (max && v.length > max) return `${label}不能超过${max}字`;
    return "";
  }

  return { normaliseId, idNumberProblem, creditCodeProblem, phoneProblem, requiredProblem };
})();
if (typeof module !== "undefined") module.exports = JiefenValidate;
