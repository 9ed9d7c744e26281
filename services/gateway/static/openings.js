/* 新建案件: the case-opening commands the signed-in user may use (GET /api/openings), each a form drawn
   by forms.js from its contract, sent to POST /api/openings/{service}/{command} with one idempotency key
   per form; the new case's page opens after it. The table of openings is services/gateway/openings.py. */
"use strict";
const JiefenOpenings = (() => {
  const { h, $ } = JiefenDom;
  let list = [];
  let current = null;                         // { opening, form, key }

  async function signedIn(app) {
    try { list = await app.api("GET", "/api/openings"); } catch (err) { list = []; }
    $("#nav-new").hidden = !list.length;
    return list;
  }

  async function show(app, service, command) {
    if (!list.length) await signedIn(app);
    const chosen = list.find((o) => o.service === service && o.command === command) || (list.length === 1 ? list[0] : null);
    $("#new-list").replaceChildren(...(list.length ? list.map((o) => h("li", { "data-opening": `${o.service}/${o.command}` },
      h("a", { class: `button ${chosen === o ? "primary" : "ghost"}`, href: `#/new/${o.service}/${o.command}`, text: o.title }),
      h("span", { class: "muted", text: ` ${o.service_label}` })))
      : [h("li", { class: "empty", text: "您的岗位没有可新建的案件" })]));
    $("#new-done").hidden = true;
    if (!chosen) { $("#new-form").hidden = true; return; }
    if (!current || current.opening !== chosen || $("#new-form").hidden) open(app, chosen);
  }

  function open(app, o) {
    $("#new-form").hidden = false;
    $("#new-title").textContent = o.title;
    $("#new-help").textContent = o.help || "";
    const hover = (o.articles || []).filter((a) => a.text).map((a) => `${a.label}\n${a.text}`).join("\n\n");
    $("#new-basis").replaceChildren(o.basis_text ? h("span", { class: "basis", title: hover || null, tabindex: hover ? "0" : null,
      text: `依据：${o.basis_text}` }) : "");
    $("#new-error").textContent = "";
    const form = JiefenForms.render($("#new-fields"), o.fields, { orgs: app.state.orgs, parties: [], mediators: [], clocks: [] });
    current = { opening: o, form, key: app.newKey() };      // a resend after a timeout opens one case
    const first = $("#new-fields").querySelector("input, select, textarea");
    if (first) first.focus();
  }

  function bind(app) {
    $("#new-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!current) return;
      const { opening: o, form, key } = current;
      for (const el of document.querySelectorAll("#new-fields .err")) el.textContent = "";   // last answer's
      for (const el of document.querySelectorAll("#new-fields .invalid")) el.classList.remove("invalid");
      const { data, ok } = form.collect();
      $("#new-error").textContent = "";
      if (!ok) { $("#new-error").textContent = "请先填写标出的项目"; return; }
      const btn = $("#new-submit"); btn.disabled = true;
      try {
        const created = await app.api("POST", `/api/openings/${o.service}/${o.command}`, data, { "Idempotency-Key": key });
        current = null;
        app.toast(`已登记：${created.case_no}`);
        const page = `#/case/${o.service}/${encodeURIComponent(created.case_id)}`;
        if (!created.query_code) { location.hash = page; return; }
        // the code is shown once, here: the person who brought the matter follows it with it
        $("#new-form").hidden = true;
        $("#nd-case-no").textContent = created.case_no;
        $("#nd-query-code").textContent = created.query_code;
        $("#nd-lookup-url").textContent = `${location.origin}/lookup`;
        $("#nd-open-case").setAttribute("href", page);
        $("#new-done").hidden = false;
      } catch (err) {
        $("#new-error").textContent = app.describe(err);
        const fields = err.body && err.body.details && err.body.details.fields;
        if (fields) showErrors(form, fields);
      } finally { btn.disabled = false; }
    });
  }

  /* field problems under their field; a party's under that party's row */
  function showErrors(form, fields) {
    const rest = [];
    for (const [name, msgs] of Object.entries(fields)) {
      if (name === "parties" && msgs && typeof msgs === "object" && !Array.isArray(msgs)) {
        const rows = [...document.querySelectorAll('#new-fields [data-field="parties"] fieldset.sub > .sub-row')];
        for (const [i, per] of Object.entries(msgs)) {
          if (rows[+i] && per && typeof per === "object" && !Array.isArray(per)) {
            for (const [f, m] of Object.entries(per)) {
              const el = rows[+i].querySelector(`[data-field="${f}"] .err`);
              if (el) el.textContent = [].concat(m).join("；"); else rest.push([].concat(m).join("；"));
            }
          } else rest.push([].concat(per).join("；"));
        }
      } else rest.push(...form.showErrors({ [name]: msgs }));
    }
    if (rest.length) $("#new-error").textContent += `：${rest.join("；")}`;
  }

  let bound = false;
  return {
    signedIn,
    show: async (app, service, command) => { if (!bound) { bind(app); bound = true; } await show(app, service, command); },
  };
})();
