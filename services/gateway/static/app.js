/* The window terminal: vanilla JS, no build step. Talks to the gateway's JSON API only. */
"use strict";
(() => {
  const V = JiefenValidate;
  const { h, $ } = JiefenDom;
  const state = { token: sessionStorage.getItem("jiefen.token"), user: null, enums: null, orgs: [],
                  services: [], definitions: {}, case: null, work: { page: 1 }, registerKey: null };

  // -- helpers ------------------------------------------------------------------------------------
  const fmtTime = (iso) => {
    if (!iso) return "";
    const p = Object.fromEntries(new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", hour12: false, year: "numeric",
      month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
    return `${p.year}年${+p.month}月${+p.day}日 ${p.hour}:${p.minute}`;
  };
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

  const app = { api, state, describe, newKey, toast };      // what openings.js needs

  // -- views --------------------------------------------------------------------------------------
  const VIEWS = ["login", "register", "receipt", "work", "case", "new"];
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
      else if (view === "new") { show("new"); await JiefenOpenings.show(app, parts[1], parts[2]); }   // openings.js
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
    await JiefenOpenings.signedIn(app);                        // 新建案件: the openings this user may use
    fillSelect($("#f-channel"), enums.channels, "window");
    fillSelect($("#f-category"), enums.categories, "", "请选择");
    fillSelect($("#w-service"), Object.fromEntries(services.map((s) => [s.name, s.label])), "", "全部业务");
    fillSelect($("#w-category"), enums.categories, "", "全部");
    fillSelect($("#w-channel"), enums.channels, "", "全部");
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
    fillSelect(absentSel, { "": "（填写身份证号时不必选择）", ...(state.enums.id_absent_reasons || {}) }, "");
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
    $("#r-qr").innerHTML = c.receipt_qr_svg || "";        // the gateway's own SVG (services/gateway/receipts.py)
    $("#r-applicant").textContent = applicant.name || "";
    $("#r-category").textContent = label("categories", c.category);
    $("#r-summary").textContent = c.summary || "";
    $("#r-request").textContent = claim.request;
    $("#r-time").textContent = fmtTime(c.created_at);
    $("#r-clerk").textContent = state.user.name;
    $("#r-deadlines").textContent = (c.deadlines || []).map((d) => `${d.label}：${JiefenForms.ymd(d.due_date)}前`).join("；") || "—";
    $("#r-lookup-url").textContent = `${location.origin}/lookup`;
    $("#receipt-open-case").setAttribute("href", `#/case/intake/${encodeURIComponent(c.case_id)}`);
  }
  $("#print-receipt").addEventListener("click", () => window.print());

  // -- work list ----------------------------------------------------------------------------------
  function clockBadges(deadlines) {
    return (deadlines || []).map((d) => {
      const cls = d.overdue ? "overdue" : (d.days_left !== null && d.days_left <= 3 ? "soon" : "ok");
      const left = d.overdue ? "已超期" : (d.paused ? "已暂停" : (d.days_left !== null ? `剩${d.days_left}${d.unit === "working_days" ? "个工作日" : "日"}` : ""));
      return h("span", { class: `clock ${cls}` }, `${d.label} ${JiefenForms.ymd(d.due_date)}前 ${left}`);
    });
  }
  async function definition(service, caseType) {
    const key = caseType ? `${service}/${caseType}` : service;       // a service may host more than one case type
    if (!state.definitions[key]) state.definitions[key] = await api("GET", `/api/${service}/definition${caseType ? `?case_type=${encodeURIComponent(caseType)}` : ""}`);
    return state.definitions[key];
  }
  /* one list across every case service (GET /api/tasks): overdue first, then the nearest due date */
  async function loadWork(overdue) {
    $("#work-error").textContent = "";
    const service = $("#w-service").value;
    const statusSel = $("#w-status"), keep = statusSel.value;
    $("#w-status").parentElement.hidden = !service;
    if (service) {
      try {
        const def = await definition(service);
        fillSelect(statusSel, Object.fromEntries(def.states.filter((s) => !s.terminal).map((s) => [s.code, s.label])), keep, "全部");
      } catch (err) { /* the list below says which service did not answer */ }
    }
    const q = new URLSearchParams({ scope: overdue ? "all" : $("#w-scope").value });
    const put = (k, v) => { if (v) q.set(k, v); };
    put("service", service); put("status", service && statusSel.value); put("text", $("#w-text").value.trim());
    put("category", $("#w-category").value); put("channel", $("#w-channel").value);
    const [from, to] = ["#w-from", "#w-to"].map((id) => $(id).value.trim());
    const [fromIso, toIso] = [from, to].map((v) => v && JiefenDom.isoOf(v));
    if ((from && !fromIso) || (to && !toIso)) { $("#work-error").textContent = "登记日期请写作“2026年12月01日”的样式"; return; }
    if (fromIso) q.set("created_from", `${fromIso}T00:00:00+08:00`);
    if (toIso) q.set("created_to", `${toIso}T23:59:59+08:00`);
    const ticket = (state.work.ticket = (state.work.ticket || 0) + 1);
    let list;
    try { list = await api("GET", `/api/tasks?${q}`); }
    catch (err) { if (ticket === state.work.ticket) $("#work-error").textContent = describe(err); return; }
    if (ticket !== state.work.ticket) return;            // a newer refresh is on its way: draw that one only
    const items = overdue ? list.items.filter((c) => c.overdue) : list.items;
    const rows = items.map((c) => {
      const href = `#/case/${c.service}/${encodeURIComponent(c.case_id)}`;
      return h("tr", { class: c.overdue ? "row-overdue" : "", "data-case-no": c.case_no },
        h("td", {}, h("a", { href, text: c.case_no })), h("td", { text: c.service_label }),
        h("td", { text: c.summary }), h("td", { text: c.applicant || "" }),
        h("td", {}, h("span", { class: "badge", text: c.status_label })),
        // a party's act awaited (请求复查, consent …): the body's staff record it when the party comes
        h("td", { text: (c.waiting_on_party ? "待当事人：" : "") + c.actions.join("、") }),
        h("td", {}, c.next_due ? clockBadges([c.next_due]) : ""));
    });
    $("#work-table tbody").replaceChildren(...(rows.length ? rows
      : [h("tr", {}, h("td", { colspan: 7, class: "empty", text: overdue ? "没有超期案件" : "没有待办案件" }))]));
    $("#w-page").textContent = `共 ${items.length} 件`;
    $("#work-title").textContent = overdue ? "超期督办" : "工作台";      // set with its rows, never before
    $("#work-error").textContent = list.problems.map((p) => `${p.service_label}：${p.message}`).join("；");
    $("#w-refreshed").textContent = `更新于 ${new Date().toLocaleTimeString("zh-CN", { hour12: false })}`;
  }
  $("#work-filter").addEventListener("submit", (ev) => { ev.preventDefault(); route(); });
  JiefenDom.wirePickers($("#work-filter"));
  for (const id of ["#w-from", "#w-to"]) $(id).nextElementSibling.nextElementSibling.addEventListener("change", () => route());
  for (const id of ["#w-service", "#w-scope", "#w-category", "#w-channel"]) $(id).addEventListener("change", () => {
    if (id === "#w-service") $("#w-status").value = "";
    route();
  });
  // live refresh of hand-offs: the list (and an open case's links) are polled while on screen
  setInterval(() => {
    if (!state.user || document.hidden) return;
    if (!$("#view-work").hidden) loadWork(location.hash.startsWith("#/overdue")).catch(() => {});
    else if (!$("#view-case").hidden && state.case && !$("#event-dialog").open) refreshCase().catch(() => {});
  }, 15000);

  // -- case page ----------------------------------------------------------------------------------
  async function loadCase(service, caseId) {
    $("#case-error").textContent = "";
    const base = `/api/${service}/cases/${encodeURIComponent(caseId)}`;
    let c, def;
    try { c = await api("GET", base); def = await definition(service, c.case_type); }
    catch (err) { $("#case-error").textContent = describe(err); return; }
    state.case = { service, c, def };
    renderCase(service, c, def);
    await Promise.all([loadTimeline(service, caseId), loadActions(service, c, def), loadDocuments(service, c)]);
  }
  /* the statutory documents of the case: printed from a page of their own, or downloaded as PDF */
  async function loadDocuments(service, c) {
    const base = `/api/${service}/cases/${encodeURIComponent(c.case_id)}/documents`;
    let docs = [];
    try { docs = await api("GET", base); } catch (err) { /* shown as none */ }
    const fetchBlob = async (url) => {
      const res = await fetch(url, { headers: { Authorization: `Bearer ${state.token}` } });
      if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({ message: "文书生成失败" })));
      return res.blob();
    };
    const printDoc = async (d) => {
      try {
        const url = URL.createObjectURL(await fetchBlob(`${base}/${d.kind}?issue=1`));   // the official copy: hash recorded
        const w = window.open(url, "_blank");
        if (w) w.addEventListener("load", () => w.print());
      } catch (err) { toast(describe(err)); }
    };
    const pdfDoc = async (d) => {
      try {
        const a = h("a", { href: URL.createObjectURL(await fetchBlob(`${base}/${d.kind}?format=pdf&issue=1`)),
          download: `${d.title}-${c.case_no}.pdf` });
        document.body.append(a); a.click(); a.remove();
      } catch (err) { toast(describe(err)); }
    };
    $("#c-documents").replaceChildren(...(docs.length ? docs.map((d) => h("li", { "data-document": d.kind },
      h("span", { text: d.title }), " ",
      h("button", { type: "button", class: "ghost small", text: "打印", onclick: () => printDoc(d) }), " ",
      h("button", { type: "button", class: "ghost small", text: "下载电子版", onclick: () => pdfDoc(d) })))
      : [h("li", { class: "empty", text: "暂无文书" })]));
  }
  async function refreshCase() {
    const { service, c, def } = state.case;
    const fresh = await api("GET", `/api/${service}/cases/${encodeURIComponent(c.case_id)}`);
    if (fresh.version === c.version && JSON.stringify(fresh.links) === JSON.stringify(c.links)) return;
    state.case.c = fresh;
    renderCase(service, fresh, def);
    await Promise.all([loadTimeline(service, fresh.case_id), loadActions(service, fresh, def), loadDocuments(service, fresh)]);
  }
  const svcLabel = (s) => (state.enums.services || {})[s] || "其他业务";
  function basisEl(text, articles, cls) {
    if (!text) return "";
    const hover = (articles || []).filter((a) => a.text).map((a) => `${a.label}\n${a.text}`).join("\n\n");
    return h("span", { class: cls || "basis", title: hover || null, tabindex: hover ? "0" : null, text: `依据：${text}` });
  }
  function renderCase(service, c, def) {
    $("#c-no").textContent = `${c.case_no}`;
    $("#c-status").textContent = c.status_label;
    $("#c-status").className = `badge${c.terminal ? " done" : ""}`;
    const dl = $("#c-facts");
    const rows = [["业务", c.case_type && c.case_type !== service && def.label ? def.label : svcLabel(service)],   // e.g. 司法确认 ["承办机构", orgName(c.org_id)],
      ["来源渠道", label("channels", c.channel)], ["纠纷类别", label("categories", c.category)],
      ...(service === "recommendation"                 // a 建议 keeps its title, recommendations and problems there
        ? [["标题", c.summary], ["具体建议", c.request], ["发现的问题", c.facts]]
        : [["纠纷简述", c.summary], ["请求事项", c.request], ["事实与理由", c.facts]]), ["登记时间", fmtTime(c.created_at)],
      ["督办", c.supervised ? "已列入督办" : ""],
      // a court-delegated mediation (委派调解, SPEC §7): the delegating court's deadline governs
      ["调解方式", c.mode_label], ["委派法院案件", c.court_case_no],
      ["法院委派期限", c.court_deadline ? `${c.court_deadline.label} ${JiefenForms.ymd(c.court_deadline.due_date || c.court_deadline.due_at)}前` : ""]];
    dl.replaceChildren(...rows.filter(([, v]) => v).flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })]));
    const w = c.case_type === "warning_task" ? c.data || {} : {};
    if (w.period_from && w.period_to) {       // a 预警处置 task: every case behind its warning, on the dashboard
      const q = new URLSearchParams({ from: w.period_from, to: w.period_to, warning: w.rule, title: w.title || "" });
      for (const [k, v] of Object.entries(w.about || {})) q.set(k, v == null ? "" : v);
      dl.append(h("dt", { text: "涉及案件" }), h("dd", {}, h("a", { id: "c-warning-cases", href: `/supervision/?${q}`,
        text: `${w.case_count} 件（${JiefenForms.ymd(w.period_from)}至${JiefenForms.ymd(w.period_to)}，查看全部）` })));
    }
    $("#c-parties").hidden = $("#c-parties").previousElementSibling.hidden = !(c.parties || []).length;   // a 建议 has none
    $("#c-parties tbody").replaceChildren(...(c.parties || []).map((p, i) => h("tr", {},
      h("td", { text: `第${i + 1}位` }), h("td", { text: label("party_roles", p.role) }), h("td", { text: p.name }),
      h("td", { text: p.id_number || "" }), h("td", { text: p.phone || "" }))));
    const clockDefs = Object.fromEntries((def.clocks || []).map((k) => [k.kind, k]));
    const clocks = (c.clocks || []).filter((k) => ["running", "paused", "expired"].includes(k.status));
    $("#c-clocks").replaceChildren(...(clocks.length ? clocks.map((k) => h("li", {}, clockBadges([k]),
      basisEl((clockDefs[k.kind] || {}).basis_text, (clockDefs[k.kind] || {}).articles)))
      : [h("li", { class: "empty", text: "无进行中的期限" })]));
    const links = [];
    if (c.parent) links.push(h("li", {}, "来源案件：", h("a", { href: `#/case/${c.parent.service}/${encodeURIComponent(c.parent.case_id)}`,
      text: `查看${svcLabel(c.parent.service)}案件` })));
    for (const l of c.links || []) {
      const kind = l.purpose === "judicial_confirmation" ? "申请司法确认：" :
        ({ child: "分流至", parent: "来源", duplicate_of: "重复件", source: "来源" }[l.link_type] || "关联");
      const target = l.case_id ? h("a", { href: `#/case/${l.service}/${encodeURIComponent(l.case_id)}`, text: l.case_no || "查看案件" })
        : h("span", { class: "muted", text: "待接收（自动刷新）" });
      links.push(h("li", {}, kind.endsWith("：") ? kind : `${kind}${svcLabel(l.service)}：`, target, l.status && l.case_id ? h("span", { class: "badge small", text: l.terminal ? "已办结" : "办理中" }) : ""));
    }
    $("#c-links").replaceChildren(...(links.length ? links : [h("li", { class: "empty", text: "无关联案件" })]));
  }
  async function loadTimeline(service, caseId) {
    const base = `/api/${service}/cases/${encodeURIComponent(caseId)}`;
    try {
      const ct = state.case && state.case.c && state.case.c.case_id === caseId ? state.case.c.case_type : "";
      const [entries, verify] = await Promise.all([api("GET", `${base}/timeline${ct ? `?case_type=${encodeURIComponent(ct)}` : ""}`),
        api("GET", `${base}/verify`)]);
      $("#c-timeline").replaceChildren(...entries.slice().reverse().map((e) => h("li", {},
        h("div", { class: "when", text: fmtTime(e.at) }),
        h("div", { class: "what" }, h("b", { text: e.event_label }), e.changed ? ` ${e.from_label} → ${e.to_label}` : ""),
        e.data.length ? h("div", { class: "data", text: e.data.join("；") }) : "",
        h("div", { class: "who", text: e.who }),
        basisEl(e.basis_text, e.articles))));
      $("#c-verify").textContent = verify.valid ? `记录完整未被改动 ✓（共 ${verify.entries} 条）` : "记录校验异常，请联系管理员";
      $("#c-verify").className = verify.valid ? "ok" : "bad";
    } catch (err) { $("#case-error").textContent = describe(err); }
  }
  async function loadActions(service, c, def) {
    // drawn again whenever the case is (the 15-second refresh, a reload after an act): the same case at the
    // same version keeps its buttons until the answer replaces them in one step (not emptied under the
    // user's pointer); another case or a changed one is emptied at once (its old acts may no longer be
    // allowed); an answer overtaken by a newer drawing is dropped (it would add a second row of buttons)
    const box = $("#c-actions");
    const drawn = `${c.case_id}@${c.version}`;
    if (box.dataset.drawn !== drawn) box.replaceChildren();
    box.dataset.drawn = drawn;
    const drawing = String(Number(box.dataset.drawing || 0) + 1);
    box.dataset.drawing = drawing;
    let items;
    try {
      const events = await api("GET", `/api/${service}/cases/${encodeURIComponent(c.case_id)}/allowed-events`);
      items = events.length ? events.map((e) => h("button", { type: "button", class: "primary", "data-event": e.id,
        text: e.label, title: e.basis_text ? `依据：${e.basis_text}` : null, onclick: () => openEvent(service, c, e) }))
        : [h("p", { class: "empty", text: "当前没有需要您办理的事项" })];
    } catch (err) { items = [h("p", { class: "err", text: describe(err) })]; }
    if (box.dataset.drawing === drawing) box.replaceChildren(...items);
  }

  // -- firing an event ----------------------------------------------------------------------------
  /* staff recording a party's act (issue 11's party_act block): which party, what evidence, its reference */
  const PARTY_ACT = [
    { name: "party", label: "代为记录的当事人", required: true, widget: { kind: "party" } },
    { name: "evidence_kind", label: "依据的材料", required: true, widget: { kind: "choice" }, options: [
      { value: "written_application", label: "书面申请" }, { value: "record", label: "笔录（当事人签名确认）" },
      { value: "signed_document", label: "当事人签名/盖章/按指印的文书" }, { value: "e_signature", label: "电子签名确认" },
      { value: "oral_record", label: "口头申请记录" }] },
    { name: "evidence_ref", label: "材料编号或扫描件编号", required: true, widget: { kind: "text" } },
    { name: "note", label: "备注", widget: { kind: "textarea" } },
  ];
  async function formContext(service, c, fields) {
    const kinds = new Set(fields.flatMap((f) => [f, ...(f.fields || [])]).map((f) => f.widget && f.widget.kind));
    let mediators = [];
    if (kinds.has("mediator") || kinds.has("mediators")) {
      try { mediators = await api("GET", `/api/mediation/mediators?committee_id=${encodeURIComponent(c.org_id)}`); }
      catch (err) { toast(describe(err)); }
    }
    return { orgs: state.orgs, mediators,
      parties: (c.parties || []).map((p) => ({ name: p.name, role_label: label("party_roles", p.role) })),
      clocks: (c.clocks || []).filter((k) => ["running", "paused"].includes(k.status)).map((k) => ({ kind: k.kind, label: k.label })) };
  }
  async function openEvent(service, c, e) {
    const dlg = $("#event-dialog");
    $("#ev-title").textContent = e.label;
    $("#ev-basis").replaceChildren(basisEl(e.basis_text, e.articles, "hint"));
    $("#ev-error").textContent = "";
    const fields = (e.data || []).filter((f) => f.name !== "party_act");
    const ctx = await formContext(service, c, fields);
    const form = JiefenForms.render($("#ev-fields"), fields, ctx);
    let actForm = null;
    const onBehalf = (e.roles || []).includes("party") && state.user.role !== "party";
    if (onBehalf) {
      const own = (e.roles || []).includes(state.user.role);
      const inner = h("div");
      $("#ev-fields").append(h("fieldset", { class: "sub party-act" },
        h("legend", { text: own ? "代当事人记录（当事人本人所为时填写）" : "代当事人记录" }), inner));
      actForm = JiefenForms.render(inner, PARTY_ACT.map((f) => ({ ...f, required: own ? false : f.required })), ctx);
    }
    dlg.dataset.key = newKey();                               // one command, one key, however often resent
    dlg.onsubmit = async (ev) => {
      ev.preventDefault();
      const { data, ok } = form.collect();
      let actOk = true;
      if (actForm) {
        const act = actForm.collect();
        actOk = act.ok;
        if (Object.keys(act.data).length) data.party_act = act.data;
      }
      if (!ok || !actOk) { $("#ev-error").textContent = "请先填写标出的项目"; return; }
      const btn = $("#ev-submit"); btn.disabled = true;
      try {
        // issue 14: a reissued query code is shown once, on a reprinted receipt with its QR code
        const reissue = service === "intake" && e.id === "reissue_query_code";
        const updated = reissue
          ? await api("POST", `/api/intake/cases/${encodeURIComponent(c.case_id)}/query-code`,
            { ...data, expected_version: state.case.c.version }, { "Idempotency-Key": dlg.dataset.key })
          : await api("POST", `/api/${service}/cases/${encodeURIComponent(c.case_id)}/events/${e.id}`,
            { data, expected_version: state.case.c.version }, { "Idempotency-Key": dlg.dataset.key });
        dlg.close();
        if (reissue) {
          const claim = { parties: updated.parties || [], request: updated.request };
          state.receipt = { created: updated, claim };
          fillReceipt(updated, claim);
          location.hash = "#/receipt";
          return;
        }
        toast(`已办理：${e.label}`);
        state.case.c = updated;
        renderCase(service, updated, state.case.def);
        await Promise.all([loadTimeline(service, updated.case_id), loadActions(service, updated, state.case.def),
          loadDocuments(service, updated)]);
      } catch (err) {
        $("#ev-error").textContent = describe(err);
        const fieldErrors = err.body && err.body.details && err.body.details.fields;
        if (fieldErrors) {
          const rest = form.showErrors(fieldErrors.data || fieldErrors);
          if (rest.length) $("#ev-error").textContent += `：${rest.join("；")}`;
        }
        if (err.body && err.body.error === "VERSION_CONFLICT") $("#ev-error").textContent = "案件已被他人更新，请关闭后刷新再办理";
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
