// Ordering and matching self-checks (kurils/selfcheck.py writes the HTML; this script adds the behaviour).
(function () {
  "use strict";
  function say(box, ok, text) {
    var out = box.querySelector(".ks-feedback");
    out.className = "ks-feedback " + (ok ? "ks-right" : "ks-wrong");
    out.textContent = (ok ? "\u2714 Correct: " : "\u2718 Not yet: ") + text;
    box.querySelector(".ks-explanation").hidden = false;
  }
  function clear(box) {
    var out = box.querySelector(".ks-feedback");
    out.className = "ks-feedback";
    out.textContent = "";
  }
  function ordering(box) {
    var list = box.querySelector(".ks-items");
    var items = function () { return Array.prototype.slice.call(list.children); };
    function label(li) { return li.querySelector(".ks-label").textContent; }
    function refresh() {
      var all = items();
      all.forEach(function (li, i) {
        var up = li.querySelector(".ks-up"), down = li.querySelector(".ks-down");
        up.disabled = i === 0;
        down.disabled = i === all.length - 1;
        up.setAttribute("aria-label", "Move up: " + label(li));
        down.setAttribute("aria-label", "Move down: " + label(li));
        li.setAttribute("aria-label", label(li) + ", position " + (i + 1) + " of " + all.length);
      });
    }
    function move(li, step, focus) {
      var all = items(), i = all.indexOf(li), j = i + step;
      if (j < 0 || j >= all.length) return;
      if (step < 0) list.insertBefore(li, all[j]); else list.insertBefore(li, all[j].nextSibling);
      refresh();
      var out = box.querySelector(".ks-feedback");
      out.className = "ks-feedback";
      out.textContent = label(li) + " moved to position " + (j + 1) + " of " + all.length + ".";
      var target = focus === "item" ? li : li.querySelector(step < 0 ? ".ks-up" : ".ks-down");
      if (target.disabled) target = li;
      target.focus();
    }
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      move(button.closest("li"), button.classList.contains("ks-up") ? -1 : 1, "button");
    });
    list.addEventListener("keydown", function (event) {
      if (!event.target.classList.contains("ks-item")) return;
      if (event.key === "ArrowUp" || event.key === "ArrowDown") {
        event.preventDefault();
        move(event.target, event.key === "ArrowUp" ? -1 : 1, "item");
      }
    });
    box.querySelector(".ks-check").addEventListener("click", function () {
      var all = items();
      var placed = all.filter(function (li, i) { return Number(li.dataset.rank) === i; }).length;
      if (placed === all.length) say(box, true, "all " + all.length + " are in the right order.");
      else say(box, false, placed + " of " + all.length + " are in the right place.");
    });
    refresh();
  }
  function matching(box) {
    var selects = Array.prototype.slice.call(box.querySelectorAll("select"));
    selects.forEach(function (select) {
      select.addEventListener("change", function () {
        select.parentNode.querySelector(".ks-mark").textContent = "";
        select.removeAttribute("aria-invalid");
        clear(box);
      });
    });
    box.querySelector(".ks-check").addEventListener("click", function () {
      var right = 0;
      selects.forEach(function (select) {
        var ok = select.value === select.dataset.answer;
        var mark = select.parentNode.querySelector(".ks-mark");
        right += ok ? 1 : 0;
        mark.textContent = ok ? "\u2714 right" : select.value ? "\u2718 not this one" : "\u2718 not chosen";
        mark.className = "ks-mark " + (ok ? "ks-right" : "ks-wrong");
        select.setAttribute("aria-invalid", ok ? "false" : "true");
      });
      var total = selects.length;
      if (right === total) say(box, true, "all " + total + " pairs match.");
      else say(box, false, right + " of " + total + " pairs match.");
    });
  }
  var boxes = document.querySelectorAll(".kurils-selfcheck:not([data-ready])");
  Array.prototype.forEach.call(boxes, function (box) {
    box.setAttribute("data-ready", "");
    if (box.dataset.kind === "ordering") ordering(box); else matching(box);
  });
})();
