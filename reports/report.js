/* drcheck report: optional filtering of the findings. The report reads fully without it. */
(function () {
  "use strict";
  var bar = document.getElementById("filter");
  if (!bar) { return; }
  var text = document.getElementById("filter-text");
  var failing = document.getElementById("filter-failing");
  var count = document.getElementById("filter-count");
  var rules = Array.prototype.slice.call(document.querySelectorAll("#findings article.rule"));
  var categories = Array.prototype.slice.call(document.querySelectorAll("#findings section.category"));
  var haystacks = rules.map(function (rule) { return rule.textContent.toLowerCase(); });
  bar.hidden = false;

  function apply() {
    var query = text.value.trim().toLowerCase();
    var shown = 0;
    rules.forEach(function (rule, i) {
      var visible = (!query || haystacks[i].indexOf(query) !== -1) &&
                    (!failing.checked || rule.classList.contains("has-fail"));
      rule.classList.toggle("is-hidden", !visible);
      if (visible) { shown += 1; }
    });
    categories.forEach(function (category) {
      category.classList.toggle("is-hidden", !category.querySelector("article.rule:not(.is-hidden)"));
    });
    count.textContent = (query || failing.checked) ? shown + " of " + rules.length + " rules shown" : "";
  }

  text.addEventListener("input", apply);
  failing.addEventListener("change", apply);
})();
