/* Progressive enhancement of task forms: add and remove rows of array fields.
   Without JavaScript the form still works: blank rows are offered by the server, empty rows are dropped,
   and existing rows are removed with their "删除" checkbox. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function nextIndex(tbody) {
    var max = -1;
    tbody.querySelectorAll("tr[data-row-index]").forEach(function (tr) {
      var i = parseInt(tr.getAttribute("data-row-index"), 10);
      if (!isNaN(i) && i > max) { max = i; }
    });
    return max + 1;
  }

  function wireRow(tr) {
    var fallback = tr.querySelector(".remove-row-fallback");
    if (fallback) { fallback.hidden = true; }
    var button = tr.querySelector(".remove-row");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var tbody = tr.parentNode;
      tr.remove();
      if (tbody && !tbody.querySelector("tr")) { addRow(tbody.closest(".rows-wrap")); }
    });
  }

  function addRow(wrap) {
    var template = wrap.querySelector("template[data-row-template]");
    var tbody = wrap.querySelector("tbody");
    var index = String(nextIndex(tbody));
    var html = template.innerHTML.split("__INDEX__").join(index);
    var holder = document.createElement("tbody");
    holder.innerHTML = html;
    var row = holder.querySelector("tr");
    tbody.appendChild(row);
    wireRow(row);
    var first = row.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }

  document.querySelectorAll(".rows-wrap").forEach(function (wrap) {
    wrap.querySelectorAll("tbody tr").forEach(wireRow);
    var add = document.createElement("button");
    add.type = "button";
    add.className = "btn btn-small add-row";
    add.textContent = wrap.getAttribute("data-add-label") || "+ 添加一行";
    add.addEventListener("click", function () { addRow(wrap); });
    wrap.appendChild(add);
  });
})();
