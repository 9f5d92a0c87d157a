// Claude Compliance dashboard: progressive enhancements only (every page works without it).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var bulk = document.getElementById("bulk");
  if (bulk) {
    var boxes = function () { return bulk.querySelectorAll("input[name=finding_id]"); };
    var counter = document.getElementById("selected-count");
    var buttons = bulk.querySelectorAll("[data-needs-selection]");
    var refresh = function () {
      var n = Array.prototype.filter.call(boxes(), function (b) { return b.checked; }).length;
      if (counter) { counter.textContent = n + " selected"; }
      buttons.forEach(function (b) { b.disabled = n === 0; });
    };
    var all = document.getElementById("select-all");
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (b) { b.checked = all.checked; });
        refresh();
      });
    }
    bulk.addEventListener("change", refresh);
    refresh();
  }
  var target = document.getElementById("highlight");
  if (target) {
    var details = target.closest("details");
    if (details) { details.open = true; }
    target.scrollIntoView({ block: "center" });
  }
});
