/* The window terminal: vanilla JS, no build step. Talks to the gateway's JSON API only. */
"use strict";
(() => {
  const V = JiefenValidate;
  const $ = (sel) => document.querySelector(sel);
  const state = { token: sessionStorage.getItem("jiefen.token"), user: null, enums: null, orgs: [],
                  services: [], definitions: {}, case: null, work: { page: 1 }, registerKey: null };

  // labels for event data fields and their choices that are not in /api/enums
  const FIELD_LABELS = {
    reason: "理由", note: "备注", category: "纠纷类别", claim_type: "请求类型", target_org_id: "接收机构",
    party_refused_mediation: "当事人一方明确拒绝调解", already_accepted_by: "已由其他机关受理",
    party_wants_to_sue: "当事人坚持起诉", statutory_procedure: "应通过的法定途径", external_channel: "导入途径",
    notified_how: "告知方式", outcome: "办结情况", kind: "类型", answer: "答复内容", duplicate_of: "重复件案件ID",
    rule: "重复规则", clock: "期限", amount: "数量", child_case_id: "子案件ID", summary: "简述", facts: "事实",
  };
  const CHOICE_LABELS = {
    in_person: "当面告知", phone: "电话告知", sms: "短信告知", letter: "书面告知", online: "网上告知",
    consultation: "咨询解答", answerable_now: "可当场答复", court: "人民法院", police: "公安机关",
    administrative_organ: "行政机关", litigation: "诉讼", administrative_review: "行政复议", arbitration: "仲裁",
    other_procedure: "其他法定程序",
  };
  const choiceLabel = (v) => CHOICE_LABELS[v] || ["categories", "external_channels", "channels", "route_targets"]
    .map((m) => state.enums[m] && state.enums[m][v]).find(Boolean) || v;
  const LONG_TEXT = new Set(["reason", "note", "answer", "outcome", "facts", "request", "summary"]);

  // -- helpers ------------------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  const fmtTime = (iso) => iso ? new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false,
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }) : "";
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9-]/g, "");
  const label = (map, code) => (state.enums && state.enums[map] && state.enums[map][code]) || code || "";
  const orgName = (code) => (state.orgs.find((o) => o.code === code) || {}).name || code || "";
  function toast(text) {
    const t = $("#toast"); t.textContent = text; t.hidden = false;
    clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 3500);
  }

  class ApiError extends Error {
    constructor(status, body) { super(body.message || `HTTP ${status}`); this.status = status; this.body = body; }
  }
  async function api(method, path, body, headers) {
    const opts = { method, headers: { Accept: "application/json", ...(headers || {}) } };
    if (state.token) opts.headers.Authorization = `Bearer ${state.token}`;
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    let res;
    try { res = await fetch(path, opts); } catch (e) { throw new ApiError(0, { error: "NETWORK", message: "网络不通，请检查连接后重试" }); }
    if (res.status === 204) return null;
    const data = await res.json().catch(() => ({ error: "INTERNAL", message: `HTTP ${res.status}` }));
    if (!res.ok) {
      if (res.status === 401 && path !== "/api/session") { signedOut(); }
      throw new ApiError(res.status, data);
    }
    return data;
  }
  function describe(err) {
    if (!(err instanceof ApiError)) return String(err);
    if (err.status === 503) return `${err.body.message}（服务暂不可用）`;
    return err.body.message || "操作失败";
  }

  // -- views --------------------------------------------------------------------------------------
  const VIEWS = ["login", "register", "receipt", "work", "case"];
  function show(name) {
    for (const v of VIEWS) $(`#view-${v}`).hidden = v !== name;
    for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.id === `nav-${name}` ||
      (name === "work" && a.id === "nav-work" && !location.hash.startsWith("#/overdue")) ||
      (a.id === "nav-overdue" && location.hash.startsWith("#/overdue")));
  }

  async function route() {
    if (!state.user) { show("login"); $("#login-user").focus(); return; }
    const parts = location.hash.replace(/^#\/?/, "").split("/");
    const view = parts[0] || (canRegister() ? "register" : "work");
    try {
      if (view === "register" && canRegister()) { show("register"); if (!$("#parties").children.length) resetRegister(); }
      else if (view === "receipt" && state.receipt) { show("receipt"); }
      else if (view === "case" && parts[1] && parts[2]) { show("case"); await loadCase(parts[1], decodeURIComponent(parts[2])); }
      else if (view === "overdue") { show("work"); await loadWork(true); }
      else { show("work"); await loadWork(false); }
    } catch (err) { toast(describe(err)); }
  }

  // -- session ------------------------------------------------------------------------------------
  const canRegister = () => state.user && state.user.role === "window";
  async function signedIn(user) {
    state.user = user;
    const [enums, orgs, services] = await Promise.all([api("GET", "/api/enums"), api("GET", "/api/organisations"),
      api("GET", "/api/services")]);
    Object.assign(state, { enums, orgs, services });
    $("#who-name").textContent = `${user.name}（${label("roles", user.role)}） · ${user.org_name}`;
    $("#nav").hidden = false; $("#who").hidden = false;
    $("#nav-register").hidden = !canRegister();
    fillSelect($("#f-channel"), enums.channels, "window");
    fillSelect($("#f-category"), enums.categories, "", "请选择");
    fillSelect($("#w-service"), Object.fromEntries(services.map((s) => [s.name, s.label])), defaultService());
  }
  function signedOut() {
    state.token = null; state.user = null; sessionStorage.removeItem("jiefen.token");
    $("#nav").hidden = true; $("#who").hidden = true; show("login");
  }
  function defaultService() {
    const byRole = { pmc: "mediation", mediator: "mediation", filing: "diversion", judge: "diversion",
      xfb: "petition", handler: "petition", sup: "petition", issuer: "recommendation", rcpt: "recommendation" };
    const wanted = byRole[state.user.role];
    return state.services.some((s) => s.name === wanted) ? wanted : "intake";
  }
  $("#login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("#login-error").textContent = "";
    const body = { user_id: $("#login-user").value.trim(), password: $("#login-password").value };
    if (!body.user_id || !body.password) { $("#login-error").textContent = "请输入用户名和密码"; return; }
    try {
      const s = await api("POST", "/api/session", body);
      state.token = s.token; sessionStorage.setItem("jiefen.token", s.token);
      $("#login-password").value = "";
      await signedIn(s.user);
      location.hash = canRegister() ? "#/register" : "#/work";
      await route();
    } catch (err) { $("#login-error").textContent = describe(err); }
  });
  $("#logout").addEventListener("click", async () => {
    try { await api("DELETE", "/api/session"); } catch (e) { /* already gone */ }
    signedOut();
  });

  function fillSelect(select, map, selected, placeholder) {
    select.replaceChildren(...(placeholder !== undefined ? [h("option", { value: "", text: placeholder })] : []),
      ...Object.entries(map).map(([code, name]) => h("option", { value: code, text: name, selected: code === selected })));
  }

  // -- registration -------------------------------------------------------------------------------
  function partyBlock(role) {
    const fixed = role === "applicant" && !$("#parties").children.length;
    const block = h("fieldset", { class: "party" });
    const roleSel = h("select", { name: "role", disabled: fixed });
    fillSelect(roleSel, state.enums.party_roles, role);
    const kindSel = h("select", { name: "kind" });
    fillSelect(kindSel, state.enums.party_kinds, "person");
    // a hotline caller, a letter without a number, an anonymous grid report: registered with the reason
    const absentSel = h("select", { name: "id_absent_reason" });
    fillSelect(absentSel, { "": "（已填写身份证号）", ...(state.enums.id_absent_reasons || {}) }, "");
    const field = (name, text, attrs) => h("label", {}, text, h("input", { name, ...attrs }), h("small", { class: "err", "data-for": name }));
    block.append(
      h("legend", { text: fixed ? "申请人" : "当事人" }),
      h("div", { class: "grid3" }, h("label", {}, "身份", roleSel), h("label", {}, "类型", kindSel),
        field("name", "姓名/名称 *", { maxlength: 100 })),
      h("div", { class: "grid3" }, field("id_number", "身份证号码", { maxlength: 24, inputmode: "text" }),
        field("phone", "联系电话", { maxlength: 20, inputmode: "tel" }), field("address", "住址", { maxlength: 200 })),
      h("div", { class: "grid3" }, h("label", { class: "absent" }, "无身份证号的原因", absentSel,
        h("small", { class: "err", "data-for": "id_absent_reason" }))),
      fixed ? "" : h("button", { type: "button", class: "ghost small", text: "移除", onclick: () => block.remove() }));
    const idLabel = block.querySelector('[name="id_number"]').parentElement.firstChild;
    const relabel = () => {
      idLabel.textContent = kindSel.value === "organisation" ? "统一社会信用代码" : "身份证号码";
      absentSel.parentElement.hidden = kindSel.value === "organisation";
    };
    kindSel.addEventListener("change", () => { relabel(); checkParty(block, true); });
    roleSel.addEventListener("change", () => checkParty(block, true));
    block.addEventListener("input", (ev) => checkParty(block, false, ev.target));
    block.addEventListener("focusout", (ev) => checkParty(block, true, ev.target));
    relabel();
    return block;
  }
  function partyRole(block) { return block.querySelector('[name="role"]').value; }
  function setErr(scope, name, text) {
    const small = scope.querySelector(`.err[data-for="${name}"]`);
    const input = scope.querySelector(`[name="${name}"]`);
    if (small) small.textContent = text || "";
    if (input) { input.classList.toggle("invalid", !!text); input.setAttribute("aria-invalid", text ? "true" : "false"); }
    return !text;
  }
  /* as the clerk types: a field shows its problem once it is complete enough to judge, or on leaving it */
  function checkParty(block, all, target) {
    const get = (n) => block.querySelector(`[name="${n}"]`).value;
    const kind = get("kind"), role = partyRole(block);
    const touched = (n) => all || (target && target.name === n);
    let ok = true;
    const idv = V.normaliseId(get("id_number"));
    let idProblem = "";
    if (kind === "person") {
      if (idv || role === "applicant") idProblem = V.idNumberProblem(idv, get("id_absent_reason"));
      if (!all && idv.length < 18 && target && target.name === "id_number") idProblem = idv.length && !/^\d{0,17}[\dX]?$/.test(idv) ? "身份证号码只能是数字和X" : "";
    } else idProblem = V.creditCodeProblem(idv);
    if (touched("id_number") || (target && target.name === "id_number")) setErr(block, "id_number", idProblem);
    ok = ok && !idProblem;
    const nameProblem = V.requiredProblem(get("name"), "姓名或名称", 100);
    if (touched("name")) setErr(block, "name", nameProblem);
    const phoneProblem = V.phoneProblem(get("phone"));
    if (touched("phone")) setErr(block, "phone", phoneProblem);
    return ok && !nameProblem && !phoneProblem;
  }
  const CLAIM_FIELDS = { summary: ["纠纷简述", 500], request: ["请求事项", 2000] };
  function checkClaim(all, target) {
    const form = $("#register-form");
    let ok = true;
    for (const [name, [text, max]] of Object.entries(CLAIM_FIELDS)) {
      const p = V.requiredProblem(form.elements[name].value, text, max);
      if (all || (target && target.name === name)) setErr(form, name, p);
      ok = ok && !p;
    }
    const cat = form.elements.category.value ? "" : "请选择纠纷类别";
    if (all || (target && target.name === "category")) setErr(form, "category", cat);
    return ok && !cat;
  }
  for (const ev of ["input", "change", "focusout"]) {
    $("#register-form").addEventListener(ev, (e) => {
      if (!e.target.closest(".party")) checkClaim(false, e.target);
    });
  }
  function resetRegister() {
    const form = $("#register-form");
    form.reset();
    $("#f-channel").value = "window";
    $("#parties").replaceChildren();
    $("#parties").append(partyBlock("applicant"));
    $("#parties").append(partyBlock("respondent"));
    for (const s of form.querySelectorAll(".err")) s.textContent = "";
    for (const i of form.querySelectorAll(".invalid")) i.classList.remove("invalid");
    state.registerKey = null;
  }
  $("#add-party").addEventListener("click", () => $("#parties").append(partyBlock("respondent")));
  function collectClaim() {
    const f = $("#register-form").elements;
    const opt = (v) => (v.trim() ? v.trim() : null);
    return {
      channel: f.channel.value, category: f.category.value, oral: f.oral.checked,
      summary: f.summary.value.trim(), request: f.request.value.trim(), facts: f.facts.value.trim(),
      subject_ref: opt(f.subject_ref.value),
      parties: [...document.querySelectorAll("#parties .party")].map((b) => {
        const g = (n) => b.querySelector(`[name="${n}"]`).value;
        return { role: g("role"), kind: g("kind"), name: g("name").trim(),
                 id_number: V.normaliseId(g("id_number")) || null,
                 id_absent_reason: g("kind") === "person" && !V.normaliseId(g("id_number")) ? (g("id_absent_reason") || null) : null,
                 phone: opt(g("phone")), address: opt(g("address")) };
      }),
    };
  }
  function showServerFieldErrors(details) {
    const fields = (details && details.fields) || {};
    const blocks = [...document.querySelectorAll("#parties .party")];
    for (const [name, msgs] of Object.entries(fields)) {
      if (name === "parties" && msgs && typeof msgs === "object" && !Array.isArray(msgs)) {
        for (const [i, perField] of Object.entries(msgs)) {
          if (!blocks[+i] || typeof perField !== "object") continue;
          for (const [f, m] of Object.entries(perField)) setErr(blocks[+i], f, [].concat(m).join("；"));
        }
      } else setErr($("#register-form"), name, [].concat(msgs).join("；"));
    }
  }
  $("#register-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("#register-error").textContent = "";
    const partiesOk = [...document.querySelectorAll("#parties .party")].map((b) => checkParty(b, true)).every(Boolean);
    const claimOk = checkClaim(true);
    if (!partiesOk || !claimOk) {
      $("#register-error").textContent = "请先更正标红的项目";
      const first = document.querySelector("#register-form .invalid"); if (first) first.focus();
      return;
    }
    state.registerKey = state.registerKey || newKey();      // a resend after a timeout registers once
    const btn = $("#register-submit"); btn.disabled = true;
    try {
      const claim = collectClaim();
      const created = await api("POST", "/api/intake/cases", claim, { "Idempotency-Key": state.registerKey });
      state.receipt = { created, claim };
      fillReceipt(created, claim);
      resetRegister();
      location.hash = "#/receipt";
    } catch (err) {
      $("#register-error").textContent = describe(err);
      if (err.body) showServerFieldErrors(err.body.details);
    } finally { btn.disabled = false; }
  });
  function fillReceipt(c, claim) {
    const applicant = claim.parties.find((p) => p.role === "applicant") || {};
    $("#r-org").textContent = state.user.org_name;
    $("#r-case-no").textContent = c.case_no;
    $("#r-query-code").textContent = c.query_code || "";
    $("#r-applicant").textContent = applicant.name || "";
    $("#r-category").textContent = label("categories", c.category);
    $("#r-summary").textContent = c.summary || "";
    $("#r-request").textContent = claim.request;
    $("#r-time").textContent = fmtTime(c.created_at);
    $("#r-clerk").textContent = `${state.user.name}（${state.user.user_id}）`;
    $("#r-deadlines").textContent = (c.deadlines || []).map((d) => `${d.label}：${d.due_date} 前`).join("；") || "—";
    $("#r-lookup-url").textContent = `${location.origin}/lookup`;
    $("#receipt-open-case").setAttribute("href", `#/case/intake/${encodeURIComponent(c.case_id)}`);
  }
  $("#print-receipt").addEventListener("click", () => window.print());

  // -- work list ----------------------------------------------------------------------------------
  function clockBadges(deadlines) {
    return (deadlines || []).map((d) => {
      const cls = d.overdue ? "overdue" : (d.days_left !== null && d.days_left <= 3 ? "soon" : "ok");
      const left = d.overdue ? "已超期" : (d.paused ? "已暂停" : (d.days_left !== null ? `剩${d.days_left}${d.unit === "working_days" ? "个工作日" : "日"}` : ""));
      return h("span", { class: `clock ${cls}`, title: d.basis || "" }, `${d.label} ${d.due_date} ${left}`);
    });
  }
  async function definition(service) {
    if (!state.definitions[service]) state.definitions[service] = await api("GET", `/api/${service}/definition`);
    return state.definitions[service];
  }
  async function loadWork(overdue) {
    $("#work-error").textContent = "";
    const service = $("#w-service").value || "intake";
    $("#work-title").textContent = overdue ? "超期督办" : "工作台";
    $("#w-status").parentElement.hidden = overdue; $("#w-text").parentElement.hidden = overdue;
    $("#w-mine").parentElement.hidden = overdue;
    const tbody = $("#work-table tbody");
    tbody.replaceChildren();
    let list;
    try {
      const def = await definition(service);
      const statusSel = $("#w-status"), keep = statusSel.value;
      fillSelect(statusSel, Object.fromEntries(def.states.map((s) => [s.code, s.label])), keep, "全部");
      const q = new URLSearchParams({ page: state.work.page, size: 20 });
      if (!overdue) {
        if (keep) q.set("status", keep);
        if ($("#w-text").value.trim()) q.set("text", $("#w-text").value.trim());
        if ($("#w-mine").checked) q.set("org_id", state.user.org_id);
      }
      list = await api("GET", overdue ? `/api/${service}/overdue?${q}` : `/api/${service}/cases?${q}`);
    } catch (err) { $("#work-error").textContent = describe(err); return; }
    for (const c of list.items) {
      const href = `#/case/${service}/${encodeURIComponent(c.case_id)}`;
      const overdueRow = (c.deadlines || []).some((d) => d.overdue);
      tbody.append(h("tr", { class: overdueRow ? "row-overdue" : "", "data-case-no": c.case_no },
        h("td", {}, h("a", { href, text: c.case_no })), h("td", { text: c.summary || "" }),
        h("td", { text: label("categories", c.category) }), h("td", {}, h("span", { class: "badge", text: c.status_label })),
        h("td", {}, clockBadges(overdue && c.overdue_clock ? [c.overdue_clock] : c.deadlines)),
        h("td", { text: fmtTime(c.created_at) })));
    }
    if (!list.items.length) tbody.append(h("tr", {}, h("td", { colspan: 6, class: "empty", text: "没有案件" })));
    const pages = Math.max(1, Math.ceil(list.total / list.size));
    $("#w-page").textContent = `第 ${list.page} / ${pages} 页，共 ${list.total} 件`;
    $("#w-prev").disabled = list.page <= 1; $("#w-next").disabled = list.page >= pages;
  }
  $("#work-filter").addEventListener("submit", (ev) => { ev.preventDefault(); state.work.page = 1; route(); });
  $("#w-service").addEventListener("change", () => { state.work.page = 1; $("#w-status").value = ""; route(); });
  $("#w-prev").addEventListener("click", () => { state.work.page -= 1; route(); });
  $("#w-next").addEventListener("click", () => { state.work.page += 1; route(); });

  // -- case page ----------------------------------------------------------------------------------
  async function loadCase(service, caseId) {
    $("#case-error").textContent = "";
    const base = `/api/${service}/cases/${encodeURIComponent(caseId)}`;
    let c, def;
    try { [c, def] = await Promise.all([api("GET", base), definition(service)]); }
    catch (err) { $("#case-error").textContent = describe(err); return; }
    state.case = { service, c, def };
    renderCase(service, c, def);
    await Promise.all([loadTimeline(service, caseId, def), loadActions(service, c, def)]);
  }
  function renderCase(service, c, def) {
    $("#c-no").textContent = `${c.case_no}`;
    $("#c-status").textContent = c.status_label;
    $("#c-status").className = `badge${c.terminal ? " done" : ""}`;
    const dl = $("#c-facts");
    const rows = [["业务", (state.enums.services || {})[service] || service], ["承办机构", orgName(c.org_id)],
      ["来源渠道", label("channels", c.channel)], ["纠纷类别", label("categories", c.category)],
      ["纠纷简述", c.summary], ["请求事项", c.request], ["事实与理由", c.facts], ["登记时间", fmtTime(c.created_at)],
      ["版本", String(c.version)], ["督办", c.supervised ? "已列入督办" : "否"]];
    dl.replaceChildren(...rows.filter(([, v]) => v).flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })]));
    $("#c-parties tbody").replaceChildren(...(c.parties || []).map((p) => h("tr", {},
      h("td", { text: label("party_roles", p.role) }), h("td", { text: p.name }), h("td", { text: p.id_number || "" }),
      h("td", { text: p.phone || "" }))));
    const clocks = (c.clocks || []).filter((k) => ["running", "paused", "expired"].includes(k.status));
    $("#c-clocks").replaceChildren(...(clocks.length ? clocks.map((k) => h("li", {}, clockBadges([k]), h("small", { class: "basis", text: k.basis || "" })))
      : [h("li", { class: "empty", text: "无进行中的期限" })]));
    const links = [];
    if (c.parent) links.push(h("li", {}, "上级案件：", h("a", { href: `#/case/${c.parent.service}/${encodeURIComponent(c.parent.case_id)}`,
      text: `${(state.enums.services || {})[c.parent.service] || c.parent.service} ${c.parent.case_id}` })));
    for (const l of c.links || []) {
      const kind = { child: "分流至", parent: "来源", duplicate_of: "重复件", source: "来源" }[l.link_type] || l.link_type;
      const svc = (state.enums.services || {})[l.service] || l.service;
      const target = l.case_id ? h("a", { href: `#/case/${l.service}/${encodeURIComponent(l.case_id)}`, text: l.case_no || l.case_id })
        : h("span", { class: "muted", text: "待接收" });
      links.push(h("li", {}, `${kind} ${svc}：`, target, l.status && l.case_id ? h("span", { class: "badge small", text: l.terminal ? "已办结" : "办理中" }) : ""));
    }
    $("#c-links").replaceChildren(...(links.length ? links : [h("li", { class: "empty", text: "无关联案件" })]));
  }
  /* what the event recorded (the service already left out personal data and cut long text) */
  function dataSummary(data) {
    const parts = Object.entries(data || {}).filter(([k, v]) => v !== null && v !== "" && v !== false && typeof v !== "object"
      && !["summary", "request", "facts", "channel", "oral", "subject_ref", "claim_type"].includes(k))
      .map(([k, v]) => `${FIELD_LABELS[k] || k}：${v === true ? "是" : (k === "target_org_id" ? orgName(v) : choiceLabel(String(v)))}`);
    return parts.length ? h("div", { class: "data", text: parts.join("；") }) : "";
  }
  async function loadTimeline(service, caseId, def) {
    const base = `/api/${service}/cases/${encodeURIComponent(caseId)}`;
    const states = Object.fromEntries(def.states.map((s) => [s.code, s.label]));
    try {
      const [entries, verify] = await Promise.all([api("GET", `${base}/history`), api("GET", `${base}/verify`)]);
      $("#c-timeline").replaceChildren(...entries.slice().reverse().map((e) => h("li", { "data-event": e.event },
        h("div", { class: "when", text: fmtTime(e.at) }),
        h("div", { class: "what" }, h("b", { text: e.event_label || e.event }),
          e.from !== e.to ? ` ${e.from && e.from !== "_NEW" ? states[e.from] || e.from : "新建"} → ${states[e.to] || e.to}` : ""),
        dataSummary(e.data),
        h("div", { class: "who", text: `${e.user_id}（${label("roles", e.role)}，${orgName(e.org_id)}）` }),
        e.basis ? h("div", { class: "basis", text: `依据：${e.basis}` }) : "")));
      $("#c-verify").textContent = verify.valid ? `审计链完整 ✓（${verify.entries} 条）` : `审计链异常：${verify.problem}`;
      $("#c-verify").className = verify.valid ? "ok" : "bad";
    } catch (err) { $("#case-error").textContent = describe(err); }
  }
  async function loadActions(service, c, def) {
    const box = $("#c-actions");
    box.replaceChildren();
    let events;
    try { events = await api("GET", `/api/${service}/cases/${encodeURIComponent(c.case_id)}/allowed-events`); }
    catch (err) { box.append(h("p", { class: "err", text: describe(err) })); return; }
    if (!events.length) { box.append(h("p", { class: "empty", text: "您的角色当前无可执行的操作" })); return; }
    for (const e of events) box.append(h("button", { type: "button", class: "primary", "data-event": e.id, text: e.label,
      title: e.basis, onclick: () => openEvent(service, c, e) }));
  }

  // -- firing an event ----------------------------------------------------------------------------
  function inputFor(f) {
    const name = f.name, text = (FIELD_LABELS[name] || name) + (f.required ? " *" : "");
    let input;
    const choices = f.choices && f.choices.length ? f.choices : null;
    if (f.type === "Boolean") {
      return h("label", { class: "check" }, h("input", { type: "checkbox", name, "data-type": "Boolean" }), text);
    } else if (name === "target_org_id") {
      input = h("select", { name }, h("option", { value: "", text: "（不指定）" }),
        state.orgs.map((o) => h("option", { value: o.code, text: o.name })));
    } else if (choices) {
      input = h("select", { name }, h("option", { value: "", text: "请选择" }),
        choices.map((v) => h("option", { value: v, text: choiceLabel(v) })));
    } else if (["Integer", "Float", "Decimal"].includes(f.type)) {
      input = h("input", { type: "number", name, "data-type": "number" });
    } else if (["Dict", "List", "Nested", "Raw"].includes(f.type)) {
      input = h("textarea", { name, rows: 3, "data-type": "json", placeholder: "JSON" });
    } else if (["Date"].includes(f.type)) {
      input = h("input", { type: "date", name });
    } else if (LONG_TEXT.has(name)) {
      input = h("textarea", { name, rows: 3 });
    } else input = h("input", { name });
    if (f.required) input.setAttribute("required", "");
    return h("label", {}, text, input, f.description ? h("small", { class: "hint", text: f.description }) : "",
      h("small", { class: "err", "data-for": name }));
  }
  function openEvent(service, c, e) {
    const dlg = $("#event-dialog");
    $("#ev-title").textContent = e.label;
    $("#ev-basis").textContent = e.basis ? `法律依据：${e.basis}` : "";
    $("#ev-error").textContent = "";
    $("#ev-fields").replaceChildren(...(e.data || []).map(inputFor));
    if (!(e.data || []).length) $("#ev-fields").append(h("p", { class: "hint", text: "此操作无需填写内容。" }));
    dlg.dataset.key = newKey();                               // one command, one key, however often resent
    dlg.onsubmit = async (ev) => {
      ev.preventDefault();
      const data = {};
      let ok = true;
      for (const f of e.data || []) {
        const el = dlg.querySelector(`[name="${f.name}"]`);
        let v;
        if (f.type === "Boolean") v = el.checked;
        else if (el.dataset.type === "number") v = el.value === "" ? null : Number(el.value);
        else if (el.dataset.type === "json") {
          try { v = el.value.trim() ? JSON.parse(el.value) : null; } catch (x) { setErr(dlg, f.name, "不是有效的 JSON"); ok = false; continue; }
        } else v = el.value.trim() || null;
        if (f.required && (v === null || v === "")) { setErr(dlg, f.name, "必填"); ok = false; continue; }
        setErr(dlg, f.name, "");
        if (v !== null && !(f.type === "Boolean" && v === false && !f.required)) data[f.name] = v;
      }
      if (!ok) return;
      const btn = $("#ev-submit"); btn.disabled = true;
      try {
        const updated = await api("POST", `/api/${service}/cases/${encodeURIComponent(c.case_id)}/events/${e.id}`,
          { data, expected_version: c.version }, { "Idempotency-Key": dlg.dataset.key });
        dlg.close();
        toast(`已执行：${e.label}`);
        state.case.c = updated;
        renderCase(service, updated, state.case.def);
        await Promise.all([loadTimeline(service, updated.case_id, state.case.def), loadActions(service, updated, state.case.def)]);
      } catch (err) {
        $("#ev-error").textContent = describe(err);
        const fields = err.body && err.body.details && err.body.details.fields;
        if (fields && fields.data) for (const [n, m] of Object.entries(fields.data)) setErr(dlg, n, [].concat(m).join("；"));
        if (err.body && err.body.error === "VERSION_CONFLICT") $("#ev-error").textContent += "（请关闭后刷新案件）";
      } finally { btn.disabled = false; }
    };
    dlg.showModal();
  }
  $("#ev-cancel").addEventListener("click", () => $("#event-dialog").close());

  // -- start --------------------------------------------------------------------------------------
  window.addEventListener("hashchange", route);
  (async () => {
    if (state.token) {
      try { const s = await api("GET", "/api/session"); await signedIn(s.user); } catch (e) { signedOut(); }
    }
    await route();
  })();
})();
