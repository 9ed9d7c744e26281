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
  return { h, $ };
})();
