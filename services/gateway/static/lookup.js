/* The resident's lookup: case number + query code -> where the case stands. Nothing personal is shown. */
"use strict";
(() => {
  const $ = (sel) => document.querySelector(sel);
  const fmt = (iso) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", hour12: false, year: "numeric",
      month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
    return `${p.year}年${+p.month}月${+p.day}日 ${p.hour}:${p.minute}`;
  };
  // a case number typed into the address (the receipt's QR code) is filled in for the resident
  const given = new URLSearchParams(location.search).get("case_no");
  if (given) { $("#l-case-no").value = given; $("#l-code").focus(); }
  $("#lookup-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const caseNo = $("#l-case-no").value.trim().toUpperCase(), code = $("#l-code").value.trim().toUpperCase();
    $("#lookup-error").textContent = "";
    $("#lookup-result").hidden = true;
    if (caseNo.length < 5 || code.length < 4) { $("#lookup-error").textContent = "请输入完整的案件编号和查询码"; return; }
    let res, body;
    try {
      res = await fetch(`/api/public/lookup?${new URLSearchParams({ case_no: caseNo, query_code: code })}`);
      body = await res.json();
    } catch (e) { $("#lookup-error").textContent = "网络不通，请稍后再试"; return; }
    if (!res.ok) {
      $("#lookup-error").textContent = res.status === 404 ? "案件编号或查询码不正确，请核对受理回执"
        : res.status === 400 ? "请输入完整的案件编号和查询码" : (body.message || "暂时无法查询，请稍后再试");
      return;
    }
    $("#lr-case-no").textContent = body.case_no;
    $("#lr-status").textContent = body.closed ? `${body.status_label}（已办结）` : body.status_label;
    $("#lr-category").textContent = body.category_label || "—";
    const children = (body.children || []).map((c) => `${c.service_label}（${c.status_label}）`).join("；");
    $("#lr-channel").textContent = children || body.channel_label || "窗口受理中";
    const plain = body.plain || {};
    $("#lr-where").textContent = plain.where || "";
    $("#lr-who").textContent = plain.who || "—";
    $("#lr-deadline").textContent = plain.next_date || "—";
    $("#lr-may-do").textContent = plain.may_do || "";
    $("#lr-basis").textContent = plain.basis ? `依据：${plain.basis}` : "";
    $("#lr-may-do-box").hidden = !plain.may_do;
    $("#lr-milestones").replaceChildren(...body.milestones.map((m) => {
      const li = document.createElement("li");
      li.textContent = `${fmt(m.at)}　${m.label}${m.status_label && m.status_label !== m.label ? `（${m.status_label}）` : ""}`;
      return li;
    }));
    $("#lookup-result").hidden = false;
    showEvaluation(body.closed ? { caseNo, code } : null);
  });

  // the resident's evaluation of a closed case (满意 / 基本满意 / 不满意), once per case
  let evaluating = null;
  const ymd = (iso) => { const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || ""); return m ? `${+m[1]}年${+m[2]}月${+m[3]}日` : ""; };
  function showEvaluation(target) {
    evaluating = target && { ...target, key: `ev-${Date.now()}-${Math.random().toString(36).slice(2, 12)}` };
    $("#evaluation").hidden = !target;
    $("#evaluation-form").hidden = false;
    $("#evaluation-done").hidden = true;
    $("#evaluation-error").textContent = "";
  }
  $("#evaluation-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const picked = document.querySelector("#evaluation-form input[name=rating]:checked");
    const reason = $("#ev-reason").value.trim();
    $("#evaluation-error").textContent = "";
    if (!picked) { $("#evaluation-error").textContent = "请选择满意、基本满意或不满意"; return; }
    if (picked.value === "dissatisfied" && !reason) { $("#evaluation-error").textContent = "选择不满意时请写明原因"; return; }
    let res, body;
    try {
      res = await fetch("/api/public/evaluation", { method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": evaluating.key },
        body: JSON.stringify({ case_no: evaluating.caseNo, query_code: evaluating.code, rating: picked.value, reason }) });
      body = await res.json();
    } catch (e) { $("#evaluation-error").textContent = "网络不通，请稍后再试"; return; }
    if (!res.ok) {
      $("#evaluation-error").textContent = res.status === 404 ? "案件编号或查询码不正确，请重新查询"
        : (body.message || "暂时无法提交，请稍后再试");
      return;
    }
    const visit = body.return_visit;
    $("#evaluation-done").textContent = `感谢您的评价：${body.rating_label}。` + (visit
      ? `我们已请办理单位在${ymd(visit.due_date)}前回访您，了解您不满意的原因。` : "");
    $("#evaluation-form").hidden = true;
    $("#evaluation-done").hidden = false;
  });
})();
