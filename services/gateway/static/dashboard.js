// The director's dashboard: the centre's figures for a period (GET /api/supervision/figures), two charts
// (ECharts, vendored), a table by group whose every number drills down to its cases, and the warnings.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const state = { token: sessionStorage.getItem("jiefen.token"), data: null, query: null };
  const CARDS = ["received", "resolved", "resolution_rate", "closed_on_time_rate", "overdue_now", "overdue_ever",
                 "mediation_success_rate", "jc_confirmation_rate", "repeat_petition_rate", "skip_level_rate", "reply_on_time_rate"];
  const COLUMNS = ["received", "resolved", "closed_on_time_rate", "overdue_now", "mediation_success_rate"];
  const ROUTES = ["routed_mediation", "routed_diversion", "routed_petition", "routed_external", "answered_on_spot"];

  async function api(path, opts = {}) {
    opts.headers = { ...(opts.headers || {}), "Content-Type": "application/json" };
    if (state.token) opts.headers.Authorization = `Bearer ${state.token}`;
    const res = await fetch(path, opts);
    const body = await res.json().catch(() => ({}));
    if (res.status === 401) { showLogin(); throw new Error(body.message || "请登录"); }
    if (!res.ok) throw new Error(body.message || `请求失败（${res.status}）`);
    return body;
  }
  const text = (el, value) => { el.textContent = value == null ? "—" : String(value); return el; };
  const make = (tag, value, cls) => { const el = document.createElement(tag); if (cls) el.className = cls; return text(el, value); };
  const shown = (fig, v) => v.value == null ? "—" : fig.kind === "rate" ? `${(v.value * 100).toFixed(1)}%` : String(v.value);

  // dates as people write them (static/dom.js): 2026年12月01日 shown and typed; ISO only towards the API
  const { ymdOf, isoOf } = JiefenDom;
  const DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });
  const dayOf = (ts) => ts ? ymdOf(DAY.format(new Date(ts))) : "";          // a moment -> its Beijing date
  JiefenDom.wirePickers();

  function showLogin() { $("login").hidden = false; $("board").hidden = true; }

  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const s = await api("/api/session", { method: "POST", body: JSON.stringify({
        user_id: $("login-user").value.trim(), password: $("login-password").value }) });
      state.token = s.token; sessionStorage.setItem("jiefen.token", s.token);
      $("login").hidden = true; start(s.user);
    } catch (e) { text($("login-error"), e.message); }
  });

  function drillButton(figure, value, label, group, part) {
    const b = make("button", value, "link");
    b.type = "button"; b.dataset.figure = figure; b.dataset.group = group == null ? "" : group;
    b.addEventListener("click", () => drill(figure, label, group, part));
    return b;
  }

  async function drill(figure, label, group, part) {
    const q = new URLSearchParams({ ...state.query, figure, size: "100" });
    if (group != null && state.query.group_by) q.set("group", group); else q.delete("group_by");
    if (part) q.set("part", part);
    await showCases(label, "/api/supervision/drill-down", q);
  }

  // the cases behind a figure or a warning, a page of 100 at a time (a warning of a year may have many thousands)
  async function showCases(label, path, q, page = 1) {
    q.set("size", "100"); q.set("page", String(page));
    try {
      const got = await api(`${path}?${q}`);
      const pages = Math.max(1, Math.ceil(got.total / got.size));
      text($("drill-title"), `${label}：${got.total} 件${pages > 1 ? `（第 ${page} 页，共 ${pages} 页）` : ""}`);
      const t = $("drill-table"); t.replaceChildren();
      const head = t.insertRow(); ["案件编号", "办理途径", "承办机构", "状态", "受理日期", "化解"].forEach((h) => head.append(make("th", h)));
      for (const c of got.items) {
        const r = t.insertRow();
        [c.case_no, c.service_label, c.org_name, c.status_label, dayOf(c.created_at), c.resolution_label || ""].forEach((v) => r.insertCell().append(text(document.createElement("span"), v)));
      }
      const nav = $("drill-pages"); nav.replaceChildren();
      for (const [word, to] of [["上一页", page - 1], ["下一页", page + 1]]) {
        if (to < 1 || to > pages) continue;
        const b = make("button", word, "link"); b.type = "button";
        b.addEventListener("click", () => showCases(label, path, q, to));
        nav.append(b);
      }
      $("drill").hidden = false;
    } catch (e) { text($("board-error"), e.message); }
  }

  // a warning's cases: computed again from its rule, period and what it is about (GET /api/supervision/warning-cases)
  const ABOUT = ["town_id", "category", "org_id", "root_case_id", "subject", "case_id"];
  function warningCases(w, from, to) {
    const q = new URLSearchParams({ rule: w.rule, from, to });
    for (const k of ABOUT) if (k in w) q.set(k, w[k] == null ? "" : w[k]);
    return showCases(`【${w.level_label}】${w.title}`, "/api/supervision/warning-cases", q);
  }

  function render(data) {
    const defs = Object.fromEntries(data.definitions.map((d) => [d.name, d]));
    const cards = $("cards"); cards.replaceChildren();
    for (const name of CARDS) {
      const d = defs[name], v = data.total[name], card = make("div", null, "fig");
      card.id = `card-${name}`; card.replaceChildren(make("div", d.label), drillButton(name, shown(d, v), d.label, null));
      card.lastChild.classList.add("v");
      if (d.kind === "rate") card.append(make("div", `${v.numerator} / ${v.denominator}`));
      cards.append(card);
    }
    const sat = data.satisfaction;                   // 满意率 from the residents' evaluations (PSR Art 62)
    if (sat) {
      const v = sat.total, card = make("div", null, "fig");
      card.id = "card-satisfaction_rate";
      card.replaceChildren(make("div", sat.label), make("div", shown(sat, v), "v"), make("div", `${v.numerator} / ${v.denominator}（满意＋基本满意 / 全部评价）`));
      cards.append(card);
    }
    const table = $("groups"); table.replaceChildren();
    const head = table.insertRow(); head.append(make("th", "分组")); COLUMNS.forEach((n) => head.append(make("th", defs[n].label)));
    for (const g of data.groups) {
      const r = table.insertRow(); r.insertCell().append(make("span", g.label));
      for (const n of COLUMNS) r.insertCell().append(drillButton(n, shown(defs[n], g.values[n]), `${g.label} · ${defs[n].label}`, g.key));
    }
    const bars = echarts.getInstanceByDom($("chart-groups")) || echarts.init($("chart-groups"));
    bars.setOption({
      animation: false,     // drawn final at once: printed and captured pages show the real heights
      title: { text: "受理与化解（按分组）", textStyle: { fontSize: 14 } }, tooltip: {}, legend: { bottom: 0 },
      grid: { top: 40, left: 40, right: 10, bottom: 80 },
      xAxis: { type: "category", data: data.groups.map((g) => g.label), axisLabel: { interval: 0, rotate: 20 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: defs.received.label, type: "bar", data: data.groups.map((g) => g.values.received.value) },
               { name: defs.resolved.label, type: "bar", data: data.groups.map((g) => g.values.resolved.value) }],
    }, true);
    const pie = echarts.getInstanceByDom($("chart-routes")) || echarts.init($("chart-routes"));
    pie.setOption({
      animation: false,
      title: { text: "分流去向", textStyle: { fontSize: 14 } }, tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], top: 30,
                 data: ROUTES.map((n) => ({ name: defs[n].label, value: data.total[n].value })) }],
    }, true);
  }

  async function load() {
    const from = isoOf($("p-from").value), to = isoOf($("p-to").value);
    text($("board-error"), "");
    if (!from || !to) { text($("board-error"), "请按“2026年12月01日”的样式填写起止日期"); return; }
    if (from > to) { text($("board-error"), "起始日期不能晚于截止日期"); return; }
    $("p-from").value = ymdOf(from); $("p-to").value = ymdOf(to);
    const q = { from, to, group_by: $("p-group").value };
    state.query = q;
    $("p-report").href = "#";
    try {
      const data = await api(`/api/supervision/figures?${new URLSearchParams(q)}`);
      state.data = data; render(data);
      const warned = await api(`/api/supervision/warnings?${new URLSearchParams({ from: q.from, to: q.to })}`);
      const list = $("warnings"); list.replaceChildren();
      for (const w of warned.items) {
        const li = make("li", null, `warn-${w.level}`);
        const cases = make("button", `涉及案件 ${w.case_count} 件`, "link");
        cases.type = "button"; cases.dataset.rule = w.rule;
        cases.addEventListener("click", () => warningCases(w, q.from, q.to));
        li.replaceChildren(make("strong", `【${w.level_label}】${w.title}`), make("span", `：${w.explanation}　`), cases);
        list.append(li);
      }
      if (!warned.items.length) list.append(make("li", "本期无预警"));
      const tasks = await api("/api/supervision/cases?case_type=warning_task&size=20");
      const open = $("warning-tasks"); open.replaceChildren();
      for (const c of tasks.items) {
        const due = (c.deadlines || [])[0];
        open.append(make("li", `${c.case_no}　${c.summary || ""}（${c.status_label}${due ? `，处置期限 ${ymdOf(due.due_date)}` : ""}）`));
      }
      if (!tasks.items.length) open.append(make("li", "暂无预警处置任务"));
    } catch (e) { text($("board-error"), e.message); }
  }

  // the report's month is the start date's: said in a clerk's words when that date cannot be read
  function reportMonth() {
    const from = isoOf($("p-from").value);
    text($("board-error"), from ? "" : "月报按起始日期所在月份生成，请按“2026年12月01日”的样式填写起始日期");
    return from ? from.slice(0, 7) : null;
  }

  $("period-form").addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  $("p-report").addEventListener("click", async (ev) => {
    ev.preventDefault();
    const month = reportMonth();
    if (!month) return;
    const res = await fetch(`/api/supervision/monthly-report?month=${month}`, { headers: { Authorization: `Bearer ${state.token}` } });
    if (!res.ok) { text($("board-error"), (await res.json()).message); return; }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement("a"); a.href = url; a.download = `jiefen-${month}.xlsx`; a.click();
    URL.revokeObjectURL(url);
  });

  // the same month's report as a page to print (the workbook's tables), opened in a new window
  $("p-print").addEventListener("click", async (ev) => {
    ev.preventDefault();
    const month = reportMonth();
    if (!month) return;
    const res = await fetch(`/api/supervision/monthly-report?month=${month}&format=html`, { headers: { Authorization: `Bearer ${state.token}` } });
    if (!res.ok) { text($("board-error"), (await res.json()).message); return; }
    const page = window.open(URL.createObjectURL(new Blob([await res.text()], { type: "text/html" })), "_blank");
    if (page) page.addEventListener("load", () => page.print());
  });

  function start(user) {
    $("board").hidden = false;
    text($("who"), user ? `${user.name}（${user.org_name}）` : "");
    const today = new Date(), first = new Date(today.getFullYear(), today.getMonth(), 1);
    const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    const params = new URLSearchParams(location.search);
    $("p-from").value = ymdOf(params.get("from") || iso(first));
    $("p-to").value = ymdOf(params.get("to") || iso(today));
    load().then(() => {          // opened from a 预警处置 task (?warning=<rule>&<what it is about>): its cases
      if (!params.get("warning")) return;
      const w = { rule: params.get("warning"), level_label: "预警", title: params.get("title") || "涉及案件" };
      for (const k of ABOUT) if (params.has(k)) w[k] = params.get(k);
      warningCases(w, params.get("from"), params.get("to"));
    });
  }

  if (state.token) api("/api/session").then((s) => start(s.user)).catch(showLogin); else showLogin();
})();
