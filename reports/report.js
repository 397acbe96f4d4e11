/* drcheck report: filters for the plan and the findings, and sortable tables. The report reads
   fully without this script (nothing is hidden until a filter is chosen). No network, no eval:
   the page's Content-Security-Policy allows this script by its hash and nothing else. */
(function () {
  "use strict";
  var all = function (selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); };

  function facets(element, key) {
    // data-regions / data-accounts / data-workloads hold JSON lists (names may contain spaces)
    var raw = element.getAttribute("data-" + key);
    if (raw === null) { return null; }
    try { return JSON.parse(raw); } catch (e) { return [raw]; }
  }

  function setUpFilters() {
    var bar = document.getElementById("filter");
    if (!bar) { return; }
    var text = document.getElementById("filter-text");
    var failing = document.getElementById("filter-failing");
    var count = document.getElementById("filter-count");
    var selects = all("select[data-filter]", bar);
    var planRows = all(".plan-table tbody tr[data-severity]");
    var actions = all("article.action[data-severity]");
    var rules = all("#findings article.rule");
    var categories = all("#findings section.category");
    var haystacks = rules.map(function (rule) { return rule.textContent.toLowerCase(); });
    var planText = planRows.map(function (row) { return row.textContent.toLowerCase(); });
    var actionText = actions.map(function (a) { return a.textContent.toLowerCase(); });
    bar.hidden = false;

    function chosen() {
      var wanted = {};
      selects.forEach(function (s) { if (s.value) { wanted[s.getAttribute("data-filter")] = s.value; } });
      return wanted;
    }

    function matches(element, wanted) {
      if (wanted.severity && element.getAttribute("data-severity") !== wanted.severity) { return false; }
      if (wanted.service && element.getAttribute("data-service") !== wanted.service) { return false; }
      var pairs = [["region", "regions"], ["account", "accounts"], ["workload", "workloads"]];
      for (var i = 0; i < pairs.length; i += 1) {
        var value = wanted[pairs[i][0]];
        var list = facets(element, pairs[i][1]);
        if (value && list !== null && list.indexOf(value) === -1) { return false; }
      }
      return true;
    }

    function apply() {
      var wanted = chosen();
      var query = text.value.trim().toLowerCase();
      var active = query || failing.checked || Object.keys(wanted).length;
      var shownRules = 0, shownActions = 0;
      planRows.forEach(function (row, i) {
        var visible = matches(row, wanted) && (!query || planText[i].indexOf(query) !== -1);
        row.classList.toggle("is-hidden", !visible);
        if (visible) { shownActions += 1; }
      });
      actions.forEach(function (action, i) {
        action.classList.toggle("is-hidden", !(matches(action, wanted) && (!query || actionText[i].indexOf(query) !== -1)));
      });
      rules.forEach(function (rule, i) {
        var visible = matches(rule, wanted) && (!query || haystacks[i].indexOf(query) !== -1) &&
                      (!failing.checked || rule.classList.contains("has-fail"));
        rule.classList.toggle("is-hidden", !visible);
        all("tbody tr[data-regions]", rule).forEach(function (row) {
          row.classList.toggle("is-hidden", visible && !matches(row, wanted));
        });
        if (visible) { shownRules += 1; }
      });
      categories.forEach(function (category) {
        category.classList.toggle("is-hidden", !category.querySelector("article.rule:not(.is-hidden)"));
      });
      count.textContent = active ? shownActions + " of " + planRows.length + " actions, " + shownRules + " of " +
        rules.length + " rules shown" : "";
    }

    text.addEventListener("input", apply);
    failing.addEventListener("change", apply);
    selects.forEach(function (s) { s.addEventListener("change", apply); });
    bar.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    bar.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  function setUpSorting() {
    // A header with data-sort="number|text" becomes a button; cells sort by data-value, else by text.
    all("table.sortable").forEach(function (table) {
      var body = table.tBodies[0];
      if (!body) { return; }
      all("thead th[data-sort]", table).forEach(function (th) {
        var column = th.cellIndex;
        var numeric = th.getAttribute("data-sort") === "number";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort";
        while (th.firstChild) { button.appendChild(th.firstChild); }
        th.appendChild(button);
        th.setAttribute("aria-sort", "none");
        button.addEventListener("click", function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          all("thead th[aria-sort]", table).forEach(function (other) { other.setAttribute("aria-sort", "none"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var rows = all(":scope > tr", body);
          var fixed = rows.filter(function (r) { return r.cells.length <= column || r.classList.contains("more"); });
          var sortable = rows.filter(function (r) { return fixed.indexOf(r) === -1; });
          function key(row) {
            var cell = row.cells[column];
            var value = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
            return numeric ? parseFloat(value) || 0 : value.toLowerCase();
          }
          sortable.sort(function (a, b) {
            var x = key(a), y = key(b);
            var order = x < y ? -1 : x > y ? 1 : 0;
            return ascending ? order : -order;
          });
          sortable.concat(fixed).forEach(function (row) { body.appendChild(row); });
        });
      });
    });
  }

  setUpFilters();
  setUpSorting();
})();
