// The course's self-checks: multiple choice, select all that apply, ordering and matching
// (kurils/selfcheck.py writes the HTML; this script adds the behaviour). Only Check checks.
(function () {
  "use strict";
  function say(box, ok, text) {
    var out = box.querySelector(".ks-feedback");
    out.className = "ks-feedback " + (ok ? "ks-right" : "ks-wrong");
    out.textContent = (ok ? "\u2714 Correct: " : "\u2718 Not yet: ") + text;
    // The explanation may give the whole answer away: it comes once the answer is right.
    var explanation = box.querySelector(".ks-explanation");
    if (explanation && ok) explanation.hidden = false;
  }
  function choice(box) {
    var inputs = Array.prototype.slice.call(box.querySelectorAll("input"));
    var many = box.dataset.kind === "many_choice";
    function unmark() {
      inputs.forEach(function (input) {
        var li = input.closest("li");
        li.querySelector(".ks-mark").textContent = "";
        li.querySelector(".ks-why").hidden = true;
        li.classList.remove("ks-picked-right", "ks-picked-wrong");
      });
      clear(box);
    }
    inputs.forEach(function (input) { input.addEventListener("change", unmark); });
    box.querySelector(".ks-check").addEventListener("click", function () {
      unmark();
      var right = 0, wrong = 0, total = 0;
      inputs.forEach(function (input) {
        var correct = input.dataset.correct === "true", li = input.closest("li");
        total += correct ? 1 : 0;
        if (!input.checked) return;
        right += correct ? 1 : 0;
        wrong += correct ? 0 : 1;
        var mark = li.querySelector(".ks-mark");
        mark.textContent = correct ? "\u2714 right" : "\u2718 not this one";
        mark.className = "ks-mark " + (correct ? "ks-right" : "ks-wrong");
        li.classList.add(correct ? "ks-picked-right" : "ks-picked-wrong");
        li.querySelector(".ks-why").hidden = false;
      });
      if (!right && !wrong) {
        var out = box.querySelector(".ks-feedback");
        out.className = "ks-feedback";
        out.textContent = many ? "Select one or more answers first." : "Choose an answer first.";
      } else if (!many) {
        say(box, right === 1, right ? "that is the answer." : "that is not the answer; see why, and try another.");
      } else if (right === total && !wrong) {
        say(box, true, "you found all " + total + ".");
      } else {
        say(box, false, right + " of " + total + " right answers chosen" +
          (wrong ? ", and " + wrong + (wrong === 1 ? " that is not one (see why)." : " that are not (see why).") : "."));
      }
    });
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
    var kind = box.dataset.kind;
    if (kind === "ordering") ordering(box);
    else if (kind === "matching") matching(box);
    else choice(box);
  });
})();
