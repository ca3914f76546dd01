// The course's self-checks: multiple choice, select all that apply, ordering and matching
// (kurils/selfcheck.py writes the HTML; this script adds the behaviour). Only Check checks.
(function () {
  "use strict";
  // The script's own words in the course's languages; a question's language is its nearest lang attribute.
  var WORDS = {
    en: {
      correct: "\u2714 Correct: ", notYet: "\u2718 Not yet: ", right: "\u2714 right", notThis: "\u2718 not this one",
      notChosen: "\u2718 not chosen", selectFirst: "Select one or more answers first.", chooseFirst: "Choose an answer first.",
      isAnswer: "that is the answer.", notAnswer: "that is not the answer; see why, and try another.",
      foundAll: function (t) { return "you found all " + t + "."; },
      someRight: function (r, t, w) {
        return r + " of " + t + " right answers chosen" +
          (w ? ", and " + w + (w === 1 ? " that is not one (see why)." : " that are not (see why).") : ".");
      },
      up: "Move up: ", down: "Move down: ",
      position: function (l, p, t) { return l + ", position " + p + " of " + t; },
      moved: function (l, p, t) { return l + " moved to position " + p + " of " + t + "."; },
      allOrder: function (t) { return "all " + t + " are in the right order."; },
      placed: function (p, t) { return p + " of " + t + " are in the right place."; },
      allPairs: function (t) { return "all " + t + " pairs match."; },
      pairs: function (r, t) { return r + " of " + t + " pairs match."; }
    },
    ja: {
      correct: "\u2714 正解：", notYet: "\u2718 まだです：", right: "\u2714 正しい", notThis: "\u2718 これではありません",
      notChosen: "\u2718 未選択", selectFirst: "まず一つ以上の答えを選んでください。", chooseFirst: "まず答えを選んでください。",
      isAnswer: "それが答えです。", notAnswer: "それは答えではありません。理由を読んで、別の答えを試してください。",
      foundAll: function (t) { return t + "つすべて見つけました。"; },
      someRight: function (r, t, w) {
        return "正しい答え" + t + "つのうち" + r + "つを選びました" +
          (w ? "。ほかに正しくない選択が" + w + "つあります（理由を参照）。" : "。");
      },
      up: "上へ：", down: "下へ：",
      position: function (l, p, t) { return l + "、" + t + "項目中" + p + "番目"; },
      moved: function (l, p, t) { return l + "を" + t + "項目中" + p + "番目に移動しました。"; },
      allOrder: function (t) { return t + "項目すべてが正しい順番です。"; },
      placed: function (p, t) { return t + "項目中" + p + "項目が正しい位置にあります。"; },
      allPairs: function (t) { return t + "組すべてが正しく対応しています。"; },
      pairs: function (r, t) { return t + "組中" + r + "組が正しく対応しています。"; }
    },
    ru: {
      correct: "\u2714 Верно: ", notYet: "\u2718 Пока нет: ", right: "\u2714 верно", notThis: "\u2718 не этот",
      notChosen: "\u2718 не выбрано", selectFirst: "Сначала отметьте один или несколько ответов.",
      chooseFirst: "Сначала выберите ответ.",
      isAnswer: "это правильный ответ.", notAnswer: "это не тот ответ; прочитайте почему и попробуйте другой.",
      foundAll: function (t) { return "найдены все верные ответы (" + t + ")."; },
      someRight: function (r, t, w) {
        return "верных ответов выбрано: " + r + " из " + t +
          (w ? "; неверных выбрано: " + w + " (см. пояснения)." : ".");
      },
      up: "Выше: ", down: "Ниже: ",
      position: function (l, p, t) { return l + ", место " + p + " из " + t; },
      moved: function (l, p, t) { return l + " — теперь на месте " + p + " из " + t + "."; },
      allOrder: function (t) { return "все пункты (" + t + ") стоят в правильном порядке."; },
      placed: function (p, t) { return "на своём месте: " + p + " из " + t + "."; },
      allPairs: function (t) { return "все пары (" + t + ") составлены верно."; },
      pairs: function (r, t) { return "верных пар: " + r + " из " + t + "."; }
    }
  };
  function words(box) {
    var holder = box.closest("[lang]");
    var code = ((holder && holder.getAttribute("lang")) || "en").slice(0, 2);
    return WORDS[code] || WORDS.en;
  }
  function say(box, ok, text) {
    var out = box.querySelector(".ks-feedback");
    out.className = "ks-feedback " + (ok ? "ks-right" : "ks-wrong");
    out.textContent = (ok ? words(box).correct : words(box).notYet) + text;
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
        mark.textContent = correct ? words(box).right : words(box).notThis;
        mark.className = "ks-mark " + (correct ? "ks-right" : "ks-wrong");
        li.classList.add(correct ? "ks-picked-right" : "ks-picked-wrong");
        li.querySelector(".ks-why").hidden = false;
      });
      if (!right && !wrong) {
        var out = box.querySelector(".ks-feedback");
        out.className = "ks-feedback";
        out.textContent = many ? words(box).selectFirst : words(box).chooseFirst;
      } else if (!many) {
        say(box, right === 1, right ? words(box).isAnswer : words(box).notAnswer);
      } else if (right === total && !wrong) {
        say(box, true, words(box).foundAll(total));
      } else {
        say(box, false, words(box).someRight(right, total, wrong));
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
        up.setAttribute("aria-label", words(box).up + label(li));
        down.setAttribute("aria-label", words(box).down + label(li));
        li.setAttribute("aria-label", words(box).position(label(li), i + 1, all.length));
      });
    }
    function move(li, step, focus) {
      var all = items(), i = all.indexOf(li), j = i + step;
      if (j < 0 || j >= all.length) return;
      if (step < 0) list.insertBefore(li, all[j]); else list.insertBefore(li, all[j].nextSibling);
      refresh();
      var out = box.querySelector(".ks-feedback");
      out.className = "ks-feedback";
      out.textContent = words(box).moved(label(li), j + 1, all.length);
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
      if (placed === all.length) say(box, true, words(box).allOrder(all.length));
      else say(box, false, words(box).placed(placed, all.length));
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
        mark.textContent = ok ? words(box).right : select.value ? words(box).notThis : words(box).notChosen;
        mark.className = "ks-mark " + (ok ? "ks-right" : "ks-wrong");
        select.setAttribute("aria-invalid", ok ? "false" : "true");
      });
      var total = selects.length;
      if (right === total) say(box, true, words(box).allPairs(total));
      else say(box, false, words(box).pairs(right, total));
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
