/* Cancer Dashboard: chart tooltips on hover and keyboard focus. No inline scripts (CSP). */
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
    tip.style.left = Math.max(0, box.left - outer.left + box.width / 2 - 80) + "px";
    tip.style.top = Math.max(0, box.top - outer.top - 36) + "px";
    tip.classList.add("visible");
  }

  function hide(el) {
    var tip = tipFor(el);
    if (tip) tip.classList.remove("visible");
  }

  function wire(root) {
    root.querySelectorAll(".chart .pt").forEach(function (el) {
      if (el.dataset.wired) return;
      el.dataset.wired = "1";
      el.addEventListener("mouseenter", function () { show(el); });
      el.addEventListener("mouseleave", function () { hide(el); });
      el.addEventListener("focus", function () { show(el); });
      el.addEventListener("blur", function () { hide(el); });
      el.addEventListener("keydown", function (e) {
        if (e.key === "Escape") { hide(el); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:afterSwap", function (e) { wire(e.target); });
})();
