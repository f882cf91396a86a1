// Moves a mail job's progress bar without a reload; without this script a reload shows the same.
(function () {
  "use strict";
  var section = document.getElementById("verzending");
  if (!section || section.hasAttribute("data-done") || !window.fetch) { return; }
  var url = section.getAttribute("data-progress");
  function show(id, value) { document.getElementById(id).textContent = String(value); }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        var bar = document.getElementById("verzending-balk");
        bar.max = job.total || 1;
        bar.value = job.done;
        bar.textContent = job.done + " / " + job.total;
        show("verzending-verstuurd", job.sent);
        show("verzending-mislukt", job.failed);
        if (job.status !== "queued") { show("verzending-totaal", job.total); }
        if (job.status === "done") { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
}());
