// Upload with a progress bar. Without this script the same form posts to S3 directly.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var input = document.getElementById("bestand");
  var error = document.getElementById("upload-fout");
  var progress = document.getElementById("voortgang");
  var bar = document.getElementById("voortgang-balk");

  function fail(message) {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = input.files[0];
    // a first help only: the portal reads the type from the content when the file has arrived, so a
    // name without an extension goes; one with another extension is surely not a presentation
    var parts = file ? file.name.toLowerCase().split(".") : [];
    var extension = parts.length > 1 ? parts.pop() : "";
    if (!file || (extension && form.dataset.extensions.split(" ").indexOf(extension) < 0)) { fail(form.dataset.wrongType); return; }
    if (file.size > Number(form.dataset.maxBytes)) { fail(form.dataset.tooLarge); return; }
    error.hidden = true;
    var fields = JSON.parse(form.dataset.fields);
    var key = form.elements.key.value;  // the slot or event picked on the form
    var data = new FormData();
    Object.keys(fields).forEach(function (name) { data.append(name, fields[name]); });
    data.append("key", key);
    data.append("x-amz-meta-filename", encodeURIComponent(file.name));  // S3 metadata is ASCII
    data.append("file", file);  // S3 wants the file last
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    progress.hidden = false;
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); bar.textContent = bar.value + "%"; }
    });
    request.addEventListener("load", function () {
      if (request.status === 201 || request.status === 204 || request.status === 200) {
        window.location.href = form.dataset.done + "?key=" + encodeURIComponent(key);
      } else { fail(form.dataset.failed); }
    });
    request.addEventListener("error", function () { fail(form.dataset.failed); });
    request.send(data);
  });
}());
