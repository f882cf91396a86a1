// Keeps a page about work in the background (a mail job, an export) up to date without a reload;
// without this script a reload shows the same. The page's section names the JSON to poll in
// data-progress; elements inside it with data-field show that field; "done" reloads the page.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress]");
  if (!section || section.hasAttribute("data-done") || !window.fetch) { return; }
  var url = section.getAttribute("data-progress");
  function show(state) {
    Array.prototype.forEach.call(section.querySelectorAll("[data-field]"), function (element) {
      var name = element.getAttribute("data-field");
      // a queued job does not know its total yet; the page shows "?" until it does
      if (state[name] === undefined || (name === "total" && state.status === "queued")) { return; }
      element.textContent = String(state[name]);
    });
    var bar = section.querySelector("progress");
    if (bar && state.total !== undefined) {
      bar.max = state.total || 1;
      bar.value = state.done;
      bar.textContent = state.done + " / " + state.total;
    }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        if (state.status === "done") { window.location.reload(); return; }
        show(state);
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
}());
