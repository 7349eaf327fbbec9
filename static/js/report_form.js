// The report form: the basic-policy and department lists show only the chosen strategy's
// (options carry data-strategy / data-municipality, see reports/views.py ScopedSelect), and the
// fiscal year follows the strategy's latest year with approved actuals until the user picks one.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) {
    return;
  }
  var strategy = form.querySelector("select[name=strategy]");
  var policy = form.querySelector("select[name=basic_policy]");
  var department = form.querySelector("select[name=department]");
  var fiscalYear = form.querySelector("select[name=fiscal_year]");
  var yearTouched = false;

  function narrow(select, attribute, wanted) {
    if (!select) {
      return;
    }
    Array.prototype.forEach.call(select.options, function (option) {
      var owner = option.getAttribute(attribute);
      var fits = owner === null || owner === wanted;  // the "(all)" option has no owner
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) {
        select.value = "";
      }
    });
  }

  function follow() {
    var chosen = strategy.options[strategy.selectedIndex];
    if (!chosen) {
      return;
    }
    narrow(policy, "data-strategy", chosen.value);
    narrow(department, "data-municipality", chosen.getAttribute("data-municipality"));
    var latest = chosen.getAttribute("data-latest-fiscal-year");
    if (!yearTouched && latest && fiscalYear && fiscalYear.querySelector("option[value='" + latest + "']")) {
      fiscalYear.value = latest;
    }
  }

  if (strategy) {
    strategy.addEventListener("change", follow);
    if (fiscalYear) {
      fiscalYear.addEventListener("change", function () { yearTouched = true; });
    }
    follow();
  }
})();
