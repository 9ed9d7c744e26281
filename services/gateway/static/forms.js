/* Forms drawn from the case definition (GET /api/{service}/definition → events[].data): each field's
   Chinese label, help, widget and labelled choices come from contracts/labels.py. No field name, code or
   JSON reaches the screen; a required field is starred; errors sit under their field, in Chinese. */
"use strict";
const JiefenForms = (() => {
  const { h } = JiefenDom;
  const kindOf = (f) => (f.widget && f.widget.kind) || "text";
  const labelOf = (f) => (f.label || "") + (f.required ? " *" : "");
  let seq = 0;

  /* ctx: { orgs: [{code,name,kind}], parties: [{name, role_label}], mediators: [{id,name}], clocks: [{kind,label}] } */
  function field(f, ctx) {
    const kind = kindOf(f);
    if (kind === "hidden") return null;
    const id = `ff-${++seq}`;
    const err = h("small", { class: "err", "data-for": f.name, role: "alert" });
    const help = f.help ? h("small", { class: "hint", text: f.help }) : "";
    const wrap = (control, cls) => h("div", { class: `field ${cls || ""}`, "data-field": f.name, "data-kind": kind },
      h("label", { for: id, text: labelOf(f) }), control, help, err);
    const select = (options, placeholder) => h("select", { id, name: f.name, required: f.required },
      h("option", { value: "", text: placeholder || "请选择" }), options.map(([v, t]) => h("option", { value: v, text: t })));
    const checks = (options) => h("div", { class: "checks", id, role: "group" }, options.map(([v, t]) =>
      h("label", { class: "check" }, h("input", { type: "checkbox", value: v, name: f.name }), t)));
    const partyOptions = () => (ctx.parties || []).map((p, i) => [String(i + 1), `第${i + 1}位 ${p.name}（${p.role_label}）`]);
    const orgOptions = () => (ctx.orgs || []).filter((o) => !(f.widget.org_kinds || []).length || f.widget.org_kinds.includes(o.kind))
      .map((o) => [o.code, o.name]);
    // the counties of the organisation directory, by name (a court of the place must be in it: CPL Art 205(2))
    const countyOptions = () => [...new Map((ctx.orgs || []).filter((o) => o.county && o.county_name)
      .map((o) => [o.county, o.county_name])).entries()];
    const mediatorOptions = () => (ctx.mediators || []).map((m) => [m.id, m.name]);
    switch (kind) {
      case "check":
        return h("div", { class: "field check", "data-field": f.name, "data-kind": kind },
          h("label", { class: "check" }, h("input", { type: "checkbox", id, name: f.name }), labelOf(f)), help, err);
      case "textarea": return wrap(h("textarea", { id, name: f.name, rows: 3, required: f.required }));
      case "lines": return wrap(h("textarea", { id, name: f.name, rows: 3, placeholder: "每行一项" }));
      case "number": return wrap(h("input", { id, name: f.name, type: "number", inputmode: "numeric", required: f.required }));
      case "date": return wrap(h("div", { class: "ymd", id, role: "group" },
        h("input", { name: `${f.name}-y`, inputmode: "numeric", maxlength: 4, "aria-label": `${f.label}（年）` }), "年",
        h("input", { name: `${f.name}-m`, inputmode: "numeric", maxlength: 2, "aria-label": `${f.label}（月）` }), "月",
        h("input", { name: `${f.name}-d`, inputmode: "numeric", maxlength: 2, "aria-label": `${f.label}（日）` }), "日"), "date");
      case "choice": return wrap(select((f.options || []).map((o) => [o.value, o.label])));
      case "multi": return wrap(checks((f.options || []).map((o) => [o.value, o.label])));
      case "org": return f.widget.many ? wrap(checks(orgOptions())) : wrap(select(orgOptions(), f.required ? "请选择" : "（按默认）"));
      case "county": return wrap(select(countyOptions()));
      case "mediator": return wrap(select(mediatorOptions()));
      case "mediators": return wrap(checks(mediatorOptions()));
      case "party": return wrap(select(partyOptions()));
      case "parties": return wrap(checks(partyOptions()));
      case "clock": return wrap(select((ctx.clocks || []).map((c) => [c.kind, c.label])));
      case "case": return wrap(h("input", { id, name: f.name, placeholder: "案件编号，如 JF-330681-2026-000123", required: f.required }));
      case "signatures": {
        const form = (f.fields || []).find((s) => s.name === "form");
        const rows = (ctx.parties || []).map((p, i) => h("div", { class: "sig-row", "data-party": i + 1 },
          h("label", { class: "check" }, h("input", { type: "checkbox", name: `${f.name}-signed` }),
            `第${i + 1}位 ${p.name}（${p.role_label}）已当面`),
          h("select", { name: `${f.name}-form`, "aria-label": "签署形式" },
            ((form && form.options) || []).map((o) => h("option", { value: o.value, text: o.label })))));
        return wrap(h("div", { class: "signatures", id }, rows.length ? rows : h("p", { class: "hint", text: "本案尚无当事人" })));
      }
      case "group": case "rows": {
        const box = h("fieldset", { class: "sub", id, "data-field": f.name });
        const addRow = () => {
          const row = h("div", { class: "sub-row" }, (f.fields || []).map((s) => field(s, ctx)));
          if (kind === "rows") row.append(h("button", { type: "button", class: "ghost small", text: "移除", onclick: () => row.remove() }));
          box.insertBefore(row, box.querySelector(":scope > .add"));
        };
        box.append(h("legend", { text: labelOf(f) }));
        if (kind === "rows") box.append(h("button", { type: "button", class: "ghost small add", text: `＋ 添加${f.label}`, onclick: addRow }));
        if (kind !== "rows" || f.required) addRow();          // a required list starts with its first row
        return h("div", { class: "field", "data-field": f.name, "data-kind": kind }, box, help, err);
      }
      default: return wrap(h("input", { id, name: f.name, required: f.required }));
    }
  }

  /* the value of one field from its rendered element; undefined when left empty */
  function value(f, el) {
    const kind = kindOf(f);
    const q = (sel) => el.querySelector(sel);
    const checked = () => [...el.querySelectorAll(`input[type=checkbox][name="${f.name}"]:checked`)].map((i) => i.value);
    const num = (v) => (v === "" ? undefined : Number(v));
    switch (kind) {
      case "hidden": return undefined;
      case "check": return q("input").checked || undefined;
      case "number": return num(q("input").value);
      case "date": {
        const [y, m, d] = [...el.querySelectorAll(".ymd input")].map((i) => i.value.trim());
        if (!y && !m && !d) return undefined;
        return `${y.padStart(4, "0")}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
      }
      case "party": return num(q("select").value);
      case "parties": { const v = checked().map(Number); return v.length ? v : undefined; }
      case "multi": case "mediators": { const v = checked(); return v.length ? v : undefined; }
      case "org": if (f.widget.many) { const v = checked(); return v.length ? v : undefined; } // falls through
      case "choice": case "mediator": case "clock": case "county": return q("select").value || undefined;
      case "lines": { const v = q("textarea").value.split("\n").map((s) => s.trim()).filter(Boolean); return v.length ? v : undefined; }
      case "signatures": {
        const v = [...el.querySelectorAll(".sig-row")].filter((r) => r.querySelector("input").checked)
          .map((r) => ({ party: Number(r.dataset.party), form: r.querySelector("select").value || "sign" }));
        return v.length ? v : undefined;
      }
      case "group": case "rows": {
        const rows = [...el.querySelectorAll(":scope fieldset.sub > .sub-row")].map((row) => collectFrom(f.fields || [], row))
          .filter((o) => Object.keys(o).length);
        return kind === "group" ? rows[0] : (rows.length ? rows : undefined);
      }
      default: { const input = q("input, textarea, select"); const v = input ? input.value.trim() : ""; return v || undefined; }
    }
  }
  function collectFrom(fields, scope) {
    const out = {};
    for (const f of fields) {
      const el = scope.querySelector(`:scope [data-field="${f.name}"]`);
      if (!el) continue;
      const v = value(f, el);
      if (v !== undefined) out[f.name] = v;
    }
    return out;
  }
  function setError(scope, name, text) {
    const el = scope.querySelector(`[data-field="${name}"]`);
    if (!el) return false;
    const small = el.querySelector(`:scope > .err`) || el.querySelector(".err");
    if (small) small.textContent = text || "";
    for (const i of el.querySelectorAll("input, select, textarea")) {
      i.classList.toggle("invalid", !!text); i.setAttribute("aria-invalid", text ? "true" : "false");
    }
    return true;
  }
  function validDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    if (!m) return false;
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
  }
  const flat = (m) => (Array.isArray(m) ? m.map(flat).join("；") : (m && typeof m === "object" ? Object.values(m).map(flat).join("；") : String(m)));

  /* render the fields into `box`; returns { collect() -> {data, problems}, showErrors(fieldErrors) } */
  function render(box, fields, ctx) {
    box.replaceChildren(...fields.map((f) => field(f, ctx)).filter(Boolean));
    if (!box.children.length) box.append(h("p", { class: "hint", text: "此操作无需填写内容。" }));
    return {
      collect() {
        const data = collectFrom(fields, box);
        let ok = true;
        for (const f of fields) {
          if (kindOf(f) === "hidden") continue;
          const missing = f.required && (data[f.name] === undefined || data[f.name] === "");
          const badDate = kindOf(f) === "date" && data[f.name] !== undefined && !validDate(data[f.name]);
          setError(box, f.name, missing ? "此项必填" : (badDate ? "请填写有效的年、月、日" : ""));
          ok = ok && !missing && !badDate;
        }
        return { data, ok };
      },
      showErrors(fieldErrors) {
        const rest = [];
        for (const [name, msgs] of Object.entries(fieldErrors || {})) {
          if (!setError(box, name, flat(msgs))) rest.push(flat(msgs));
        }
        return rest;
      },
    };
  }
  const ymd = (iso) => { const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || ""); return m ? `${+m[1]}年${+m[2]}月${+m[3]}日` : (iso || ""); };
  return { render, ymd };
})();
