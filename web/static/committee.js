// The publish form: once a draft file is chosen, show the title it gives itself (and the deadline its
// notice names) in the form, editable, before anything is published. Without JavaScript the title read
// is shown, editable, on the draft's desk after publishing.
(function () {
  var form = document.getElementById("publish-form");
  if (!form) return;
  var file = form.querySelector("input[name=file]");
  var note = document.getElementById("publish-preview");
  var filled = {};
  file.addEventListener("change", function () {
    if (!file.files.length) return;
    var body = new FormData();
    body.append("file", file.files[0]);
    body.append("csrf", form.querySelector("input[name=csrf]").value);
    note.textContent = "正在读取征求意见稿……";
    fetch(form.dataset.preview, {method: "POST", body: body, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.error) { note.textContent = d.error; return; }
        [["title", d.title], ["deadline", d.deadline], ["drafting_unit", d.drafting_unit]].forEach(function (kv) {
          var input = form.querySelector("input[name=" + kv[0] + "]");
          if (kv[1] && (!input.value || input.value === filled[kv[0]])) { input.value = kv[1]; filled[kv[0]] = kv[1]; }
        });
        note.textContent = d.title ? "已从文件读取标准名称，请核对，可直接修改。" : "未能从文件读出标准名称，请填写。";
      })
      .catch(function () { note.textContent = ""; });
  });
})();
