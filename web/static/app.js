// Plain JS: uploads with progress (one XHR per file), the report filling in as documents are
// read (polling an HTML fragment rendered — and escaped — by the server), the live worksheet
// total and the chat panel (replies streamed). No data is ever inserted as HTML except server-rendered fragments.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // forms that ask before they go (no inline handlers: the Content-Security-Policy forbids them)
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); });
  });

  // a file chosen on a to-do line (upload or replace) goes at once; the form posts it as it is.
  // Delegated: the to-do list is re-rendered while documents are read.
  document.addEventListener("change", function (e) {
    var f = e.target.form;
    if (e.target.type === "file" && f && f.hasAttribute("data-autosubmit") && e.target.files.length) f.submit();
  });

  // 基本信息: a question that does not apply given an answer on the page (facts.yaml not_asked_when)
  // is hidden as soon as that answer is chosen, and comes back when it changes.
  var factsForm = document.getElementById("facts-form");
  function applyBranches() {
    factsForm.querySelectorAll("[data-hide-when]").forEach(function (el) {
      var rules = JSON.parse(el.getAttribute("data-hide-when"));
      var hide = Object.keys(rules).some(function (key) {
        var picked = factsForm.querySelector('input[name="' + key + '"]:checked');
        return picked && rules[key].indexOf(picked.value) >= 0;
      });
      el.hidden = hide;
    });
  }
  if (factsForm) { factsForm.addEventListener("change", applyBranches); applyBranches(); }

  // ---- report polling -------------------------------------------------------------
  var report = document.getElementById("report");
  var pollTimer = null;
  var pending = null;  // a newer report held back while the person is typing in the shown one
  function poll() {
    if (!report) return;
    fetch(report.dataset.url, {headers: {"Accept": "text/html"}, credentials: "same-origin"})
      .then(function (r) {
        var complete = r.headers.get("X-Report-Complete") === "1";
        return r.text().then(function (html) { return [html, complete]; });
      })
      .then(function (res) {
        report.dataset.complete = res[1] ? "1" : "0";
        pending = parse(res[0]);
        applyPending();
        if (!res[1] && !progress) schedule();
        refreshChat();
      })
      .catch(function () { if (!progress) schedule(3000); });
  }

  // A re-rendered report must never take what the person is typing (a 请回答 answer, a correction,
  // a staff note) nor where they are (the focus: a field, or the button they tabbed to): while the
  // focus is in it, or a changed field would have no place in the new report, only the parts holding
  // neither are replaced (the count, the reading status) and the rest waits until the focus leaves;
  // then the new report comes in with every changed value carried over to its field (the same
  // form — action and hidden inputs — and name).
  function parse(html) { var t = document.createElement("template"); t.innerHTML = html; return t.content; }
  function isField(el) {
    return !!el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && !/^(hidden|file|submit|button|reset)$/.test(el.type);
  }
  function changed(el) {
    if (el.type === "radio" || el.type === "checkbox") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    return el.value !== el.defaultValue;
  }
  function fieldKey(el) {
    var f = el.closest("form"), hidden = [];
    if (f) f.querySelectorAll("input[type=hidden]").forEach(function (h) { if (h.name !== "csrf") hidden.push(h.name + "=" + h.value); });
    var own = el.type === "radio" || el.type === "checkbox" ? el.value : "";
    return [f ? f.getAttribute("action") : "", hidden.join("&"), el.name, own].join("\n");
  }
  function fields(root) {
    var out = {};
    root.querySelectorAll("input, textarea, select").forEach(function (el) { if (isField(el)) out[fieldKey(el)] = el; });
    return out;
  }
  function typedIn(root) {
    var out = {}, all = fields(root);
    Object.keys(all).forEach(function (k) { if (changed(all[k])) out[k] = all[k]; });
    return out;
  }
  function guarded(el) {  // holds the focus or a changed field
    return el.contains(document.activeElement) || Object.keys(typedIn(el)).length > 0;
  }
  function applyPending() {
    if (!pending) return;
    var typed = typedIn(report), next = fields(pending);
    var homeless = Object.keys(typed).some(function (k) { return !next[k]; });
    if (report.contains(document.activeElement) || homeless) {
      // the parts with an id and nothing typed in them (the count, the reading status) come in now
      Array.prototype.forEach.call(pending.children, function (fresh) {
        var shown = fresh.id && document.getElementById(fresh.id);
        if (shown && shown.parentElement === report && !guarded(shown)) shown.replaceWith(fresh.cloneNode(true));
      });
      return;
    }
    var open = Array.prototype.map.call(report.querySelectorAll("details[open]"), function (d) { return d.parentElement.id; });
    report.replaceChildren(pending);
    pending = null;
    var now = fields(report);
    Object.keys(typed).forEach(function (k) {
      var was = typed[k], el = now[k];
      if (el.type === "radio" || el.type === "checkbox") el.checked = was.checked;
      else if (el.tagName === "SELECT") Array.prototype.forEach.call(el.options, function (o, i) { o.selected = !!(was.options[i] && was.options[i].selected); });
      else el.value = was.value;
    });
    open.forEach(function (id) { var el = document.getElementById(id); if (el) { var d = el.querySelector("details"); if (d) d.open = true; } });
  }
  if (report) {
    // the held-back report comes in once the focus has left it
    report.addEventListener("focusout", function () { setTimeout(applyPending, 0); });
  }
  function schedule(ms) {
    if (progress) { watch(ms); return; }
    clearTimeout(pollTimer); pollTimer = setTimeout(poll, ms || 1200);
  }

  // ---- progress while documents are read (applicant pages) ------------------------------
  // A few numbers from progress.json every second (the to-do count, documents still reading);
  // the report fragment itself only when the case has changed (a document read, an answer given).
  var progress = document.getElementById("case-progress");
  var lastVersion = null, progressTimer = null;
  function showProgress(p) {
    document.querySelectorAll("[data-progress]").forEach(function (el) {
      var v = p[el.dataset.progress];
      if (v !== undefined) el.textContent = v;
    });
  }
  // With ?after=<the version shown> the server answers when the case changes (or after a while), so the
  // page hears of a document read at once; when the server could not wait, ask again in a second.
  function pollProgress() {
    var url = progress.dataset.url + (lastVersion === null ? "" : "?after=" + encodeURIComponent(lastVersion));
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (p) {
        showProgress(p);
        var first = lastVersion === null;
        if (p.version !== lastVersion) { lastVersion = p.version; poll(); }
        if (!p.complete) watch(p.waited || first ? 10 : 1000);
      })
      .catch(function () { watch(3000); });
  }
  function watch(ms) { clearTimeout(progressTimer); progressTimer = setTimeout(pollProgress, ms || 1000); }
  if (progress) {
    if (progress.dataset.complete === "0") watch();
  } else if (report && report.dataset.complete === "0") schedule();

  // ---- uploads ----------------------------------------------------------------------
  var form = document.getElementById("upload-form");
  if (form) {
    var input = document.getElementById("file-input");
    var zone = document.getElementById("dropzone");
    var list = document.getElementById("progress");
    var max = parseInt(form.dataset.max, 10);
    var uploading = 0;

    function uploadOne(file) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = file.name + " ";
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      var msg = document.createElement("span");
      msg.className = "meta";
      li.appendChild(name); li.appendChild(bar); li.appendChild(msg);
      list.appendChild(li);
      if (file.size > max) {
        msg.textContent = " 超过 " + Math.round(max / 1048576) + " MB 上限，未上传";
        msg.className = "error"; bar.remove();
        return;
      }
      var data = new FormData();
      data.append("files", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); msg.textContent = " " + bar.value + "%"; }
      };
      uploading++;
      xhr.onloadend = function () {
        uploading--;
        if (xhr.status === 200) {
          var res = JSON.parse(xhr.responseText).files[0];
          bar.value = 100;
          if (res.error) { msg.textContent = " " + res.error; msg.className = "error"; }
          else { msg.textContent = " 已上传，排队读取"; }
        } else {
          var detail = "上传失败（" + xhr.status + "）";
          try { detail = JSON.parse(xhr.responseText).detail || detail; } catch (e) {}
          msg.textContent = " " + detail; msg.className = "error";
        }
        schedule(300);
      };
      xhr.send(data);
    }
    function handle(files) { Array.prototype.forEach.call(files, uploadOne); }
    input.addEventListener("change", function () { handle(input.files); input.value = ""; });
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) { handle(e.dataTransfer.files); });
    form.addEventListener("submit", function (e) { e.preventDefault(); handle(input.files); });
  }

  // ---- credit worksheet: live total and grade (6.2.1 / 6.2.2) ----------------------
  var ws = document.getElementById("worksheet-form");
  if (ws) {
    var grades = JSON.parse(ws.dataset.grades);
    function recompute() {
      var total = 0, complete = true;
      ws.querySelectorAll("tr[data-points]").forEach(function (tr) {
        var points = parseFloat(tr.dataset.points);
        var sel = tr.querySelector("select.band"), pct = tr.querySelector("input.pct");
        var opt = sel.options[sel.selectedIndex];
        var f = null;
        if (pct.value !== "") f = parseFloat(pct.value) / 100;
        else if (sel.value !== "") f = (parseFloat(opt.dataset.low) + parseFloat(opt.dataset.high)) / 2;
        var cell = tr.querySelector(".item-score");
        if (f === null || isNaN(f)) { complete = false; cell.textContent = ""; return; }
        var s = Math.round(points * f * 100) / 100;
        cell.textContent = s; total += s;
      });
      total = Math.round(total * 100) / 100;
      var grade = "未达等级";
      grades.forEach(function (g) { if (total >= g.min) grade = g.name; });
      document.getElementById("ws-total").textContent = total;
      document.getElementById("ws-grade").textContent = complete ? grade : "未评完（当前 " + grade + "）";
    }
    ws.addEventListener("change", function (e) {
      if (e.target.classList.contains("band")) {
        var pct = e.target.closest("tr").querySelector("input.pct"); pct.value = "";
      }
      recompute();
    });
    ws.addEventListener("input", recompute);
  }

  // ---- chat panel ---------------------------------------------------------------------
  var chat = document.getElementById("chat");
  var chatBusy = false;
  function refreshChat() {  // the assistant speaks when a document has been read
    if (!chat || chatBusy) return;
    fetch("/api/cases/" + chat.dataset.case + "/chat", {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (msgs) {
        var log = document.getElementById("chat-log");
        if (!msgs || chatBusy || msgs.length <= log.children.length) return;
        log.textContent = "";
        msgs.forEach(function (m) {
          var div = document.createElement("div");
          div.className = m.role === "assistant" ? "bot" : "me"; div.textContent = m.text;
          log.appendChild(div);
        });
        log.scrollTop = log.scrollHeight;
      });
  }
  if (chat) {
    var log = document.getElementById("chat-log");
    var chatForm = document.getElementById("chat-form");
    var chatInput = document.getElementById("chat-input");
    function say(cls, text) {
      var div = document.createElement("div");
      div.className = cls; div.textContent = text;
      log.appendChild(div); log.scrollTop = log.scrollHeight;
      return div;
    }
    chatForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = chatInput.value.trim();
      if (!text) return;
      say("me", text); chatInput.value = "";
      var pending = say("bot streaming", "……");
      chatBusy = true;
      streamTurn(text, pending)
        .then(function (reply) {
          if (reply) schedule(100);  // an answer may have moved the report: refresh it now
        })
        .catch(function (err) { if (!pending.dataset.got) pending.textContent = err && err.detail || "网络错误，请重试"; })
        .then(function () { chatBusy = false; pending.classList.remove("streaming"); log.scrollTop = log.scrollHeight; });
    });
  }

  // One turn over POST …/chat/stream (Server-Sent Events read with fetch + ReadableStream):
  // `chunk` events append their text (as text, never HTML), `done` carries the whole reply.
  function streamTurn(text, target) {
    return fetch("/api/cases/" + chat.dataset.case + "/chat/stream", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "text/event-stream", "X-CSRF-Token": csrf},
      body: JSON.stringify({message: text})
    }).then(function (r) {
      if (!r.ok) {
        return r.json().catch(function () { return {}; }).then(function (j) {
          throw {detail: (typeof j.detail === "string" ? j.detail : "") || "出错了（" + r.status + "）"};
        });
      }
      var reader = r.body.getReader(), decoder = new TextDecoder(), buffer = "", final = null;
      function handle(block) {
        var event = "message", data = "";
        block.split("\n").forEach(function (line) {
          if (line.indexOf("event:") === 0) event = line.slice(6).trim();
          else if (line.indexOf("data:") === 0) data += line.slice(5).replace(/^ /, "");
        });
        if (!data) return;
        var payload = JSON.parse(data);
        if (event === "chunk") {
          if (!target.dataset.got) { target.textContent = ""; target.dataset.got = "1"; }
          target.appendChild(document.createTextNode(payload.text));
          log.scrollTop = log.scrollHeight;
        } else if (event === "done") {
          final = payload;
          target.textContent = payload.reply;  // the whole reply, exactly as the JSON endpoint gives it
          target.dataset.got = "1";
        }
      }
      function pump() {
        return reader.read().then(function (step) {
          if (step.value) buffer += decoder.decode(step.value, {stream: true});
          var cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) { handle(buffer.slice(0, cut)); buffer = buffer.slice(cut + 2); }
          if (step.done) { if (buffer.trim()) handle(buffer); return final; }
          return pump();
        });
      }
      return pump();
    });
  }
})();
