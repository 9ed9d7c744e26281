/* DOM helpers shared by the window page's scripts (forms.js, openings.js, app.js): loaded first by
   index.html, no build step. */
"use strict";
const JiefenDom = (() => {
  /* h("tag", {class, text, onclick, attr…}, ...children): an element; null, undefined, false and "" are left out */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== "") el.append(c instanceof Node ? c : String(c));
    return el;
  }
  const $ = (sel) => document.querySelector(sel);

  /* dates as people write them: 2026年12月01日 shown and typed (also 2026年12月1日); ISO only towards the API */
  const pad = (n) => String(n).padStart(2, "0");
  const ymdOf = (iso) => { const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || ""); return m ? `${m[1]}年${m[2]}月${m[3]}日` : ""; };
  function isoOf(typed) {
    const m = /^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*$/.exec(typed || "");
    if (!m) return null;
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    if (d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) return null;     // no 2月30日
    return `${m[1]}-${pad(m[2])}-${pad(m[3])}`;
  }
  /* <span class="ymd-pick"><input id=…><button class="pick" data-for=…>日历</button><input type="date" class="picker"></span>:
     the calendar button opens the browser's own picker, whose choice is written back as 年月日 */
  function wirePickers(root) {
    for (const b of (root || document).querySelectorAll("button.pick")) {
      const picker = b.nextElementSibling, field = document.getElementById(b.dataset.for);
      b.addEventListener("click", () => { picker.value = isoOf(field.value) || ""; try { picker.showPicker(); } catch (e) { picker.focus(); } });
      picker.addEventListener("change", () => { if (picker.value) field.value = ymdOf(picker.value); });
    }
  }
  return { h, $, ymdOf, isoOf, wirePickers };
})();
