/* Cancer Dashboard: chart tooltips on hover, sortable tables. No inline scripts (CSP). */
(function () {
  "use strict";

  function tipFor(el) {
    var wrap = el.closest(".chart-wrap");
    return wrap ? wrap.querySelector(".chart-tip") : null;
  }

  function show(el) {
    var tip = tipFor(el);
    if (!tip) return;
    tip.textContent = el.getAttribute("data-tip") || "";
    var wrap = el.closest(".chart-wrap");
    var box = el.getBoundingClientRect();
    var outer = wrap.getBoundingClientRect();
    /* beside the point, below and to its right (to its left near the right edge), small
       and see-through, so it does not hide the points around the one pointed at */
    tip.classList.add("visible");
    var left = box.right - outer.left + 10;
    if (left + tip.offsetWidth > outer.width) left = box.left - outer.left - 10 - tip.offsetWidth;
    tip.style.left = Math.max(0, left) + "px";
    tip.style.top = Math.max(0, box.bottom - outer.top + 6) + "px";
  }

  function hide(el) {
    var tip = tipFor(el);
    if (tip) tip.classList.remove("visible");
  }

  function wire(root) {
    root.querySelectorAll(".chart .pt").forEach(function (el) {
      if (el.dataset.wired) return;
      el.dataset.wired = "1";
      /* points are not tab stops (keyboard users read the chart's data table) */
      el.addEventListener("mouseenter", function () { show(el); });
      el.addEventListener("mouseleave", function () { hide(el); });
    });
  }

  /* Sortable tables: each heading becomes a button; aria-sort tells screen readers the
     order. Numbers sort by their raw value (data-sort), blanks and suppressed cells last;
     a Total row stays at the bottom. Server order is restored by a third press. */
  function cellKey(row, index) {
    var cell = row.cells[index];
    if (!cell) return { blank: true };
    var raw = cell.getAttribute("data-sort");
    if (raw !== null && raw !== "" && !isNaN(parseFloat(raw))) {
      return { num: parseFloat(raw) };
    }
    var text = cell.textContent.trim();
    return text === "" || text === "*" ? { blank: true } : { text: text.toLowerCase() };
  }

  function compare(a, b) {
    if (a.blank || b.blank) return a.blank && b.blank ? 0 : (a.blank ? 1 : -1);
    if (a.num !== undefined && b.num !== undefined) return a.num - b.num;
    return String(a.text !== undefined ? a.text : a.num)
      .localeCompare(String(b.text !== undefined ? b.text : b.num), undefined, { numeric: true });
  }

  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    if (rows.length < 2) return;
    var state = th.getAttribute("aria-sort");
    var next = state === "ascending" ? "descending" : (state === "descending" ? "none" : "ascending");
    table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    var fixed = rows.filter(function (r) { return r.classList.contains("total"); });
    var movable = rows.filter(function (r) { return !r.classList.contains("total"); });
    movable.sort(function (ra, rb) {
      if (next === "none") return ra.dataset.order - rb.dataset.order;
      var c = compare(cellKey(ra, index), cellKey(rb, index));
      if (next === "descending" && !(cellKey(ra, index).blank || cellKey(rb, index).blank)) c = -c;
      return c || ra.dataset.order - rb.dataset.order;
    });
    if (next !== "none") th.setAttribute("aria-sort", next);
    movable.concat(fixed).forEach(function (r) { body.appendChild(r); });
  }

  function wireSort(root) {
    root.querySelectorAll("table.sortable").forEach(function (table) {
      if (table.dataset.sortWired || !table.tBodies.length) return;
      table.dataset.sortWired = "1";
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r, i) { r.dataset.order = i; });
      table.querySelectorAll("thead th").forEach(function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort";
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        button.addEventListener("click", function () { sortBy(table, index, th); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { wire(document); wireSort(document); });
  document.addEventListener("htmx:afterSwap", function (e) { wire(e.target); wireSort(e.target); });
})();
