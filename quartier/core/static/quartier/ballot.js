// The prize-money vote, enhanced: the voting code from the letter's QR code, and a running
// total per pot. Without this script the forms work as they are (the total is shown after a
// check).
(function () {
  "use strict";

  // The QR code carries the code in the fragment (#code=...), which the browser never sends
  // to the server; it fills the field and leaves the address bar and the history.
  function fillCode() {
    var field = document.getElementById("id_code");
    var match = /^#code=([0-9A-Za-z-]{1,40})$/.exec(window.location.hash);
    if (!field || !match) return;
    field.value = match[1].toUpperCase();
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  }

  var texts = null;
  var lang = document.documentElement.lang || "de";
  var numbers = window.Intl ? new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }) : null;

  function fill(pattern, values) {
    return pattern.replace(/%\((\w+)\)s/g, function (_all, name) {
      return values[name] === undefined ? "" : String(values[name]);
    });
  }
  function plural(pair, n, values) {
    return fill(pair[n === 1 ? 0 : 1], values);
  }
  function euros(value) {
    var digits = numbers ? numbers.format(value) : String(value);
    return fill(texts.money, { amount: digits });
  }
  function whole(text) {
    return /^\d{1,6}$/.test(text) ? parseInt(text, 10) : 0;
  }

  // The same sentences as summary_lines() in quartier/budgeting/views/voting.py.
  function lines(pot) {
    var kind = pot.dataset.kind;
    var budget = whole(pot.dataset.budget);
    var min = whole(pot.dataset.min);
    var max = pot.dataset.max === "" ? null : whole(pot.dataset.max);
    var inputs = pot.querySelectorAll("input[data-project]");
    var count = 0, cost = 0, points = 0, open = [];
    inputs.forEach(function (input) {
      var price = whole(input.dataset.cost);
      var given = kind === "cumulative" ? whole(input.value.trim()) : (input.checked ? 1 : 0);
      if (given > 0) {
        count += 1;
        cost += price;
        points += given;
      } else {
        open.push(price);
      }
    });
    var out = [];
    if (kind === "cumulative") {
      var maxPoints = whole(pot.dataset.maxPoints);
      out.push(plural(texts.points_given, count, { points: points, max: maxPoints, count: count }));
      var left = maxPoints - points;
      if (left > 0) out.push(plural(texts.points_more, left, { n: left }));
      else if (left === 0) out.push(texts.points_all);
      else out.push(fill(texts.points_over, { n: -left }));
      return out;
    }
    out.push(plural(texts.chosen, count, { count: count }) + ", " +
      fill(texts.costing, { cost: euros(cost), budget: euros(budget) }));
    var money = budget - cost;
    if (kind === "knapsack") {
      out.push(money >= 0 ? fill(texts.left, { left: euros(money) })
        : fill(texts.over, { over: euros(-money) }));
    }
    if (max !== null && count > max) {
      out.push(plural(texts.too_many, count - max, { n: count - max }));
    } else if (count < min) {
      out.push(plural(texts.too_few, min - count, { n: min - count }));
    } else if (kind === "knapsack") {
      var fit = open.filter(function (price) { return price <= money; }).length;
      if (max !== null) fit = Math.min(fit, max - count);
      out.push(plural(texts.fit, fit, { n: fit }));
    } else if (max !== null) {
      var more = max - count;
      out.push(more ? plural(texts.more, more, { n: more }) : texts.full);
    }
    return out;
  }

  function update(pot) {
    var region = pot.querySelector("[data-summary]");
    if (!region) return;
    var fresh = lines(pot);
    var old = Array.prototype.map.call(region.querySelectorAll("p"), function (p) {
      return p.textContent;
    });
    if (old.join("\n") === fresh.join("\n")) return; // nothing new to announce
    region.textContent = "";
    fresh.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      region.appendChild(p);
    });
  }

  function runningTotals() {
    var source = document.getElementById("ballot-texts");
    if (!source) return;
    texts = JSON.parse(source.textContent);
    document.querySelectorAll("[data-ballot-pot]").forEach(function (pot) {
      pot.addEventListener("change", function () { update(pot); });
      pot.addEventListener("input", function () { update(pot); });
    });
    var problems = document.getElementById("ballot-problems");
    if (problems) problems.focus();
  }

  fillCode();
  runningTotals();
})();
