/*
 * The entry grid behaves like the spreadsheet clerks know:
 * - Enter / ↓ moves to the same cell of the next row, Shift+Enter / ↑ to the previous
 *   one (in a comment, ↑/↓ move rows only from its first/last character; Alt+Enter
 *   starts a new line, as in Excel); Tab goes across the cells of a row.
 * - Pasting a column (or two: value, comment) copied from Excel into an actual-value
 *   cell fills that row and the following ones.
 * - A row whose inputs differ from what was saved is marked unsaved; leaving the page
 *   with such rows asks first, and submitting is held back until they are saved.
 * - Each row saves on its own through htmx (no page reload); "Save all changes"
 *   saves the unsaved rows one after another.
 * Also used on the review queue for the "select all" checkbox.
 */
(function () {
  "use strict";

  var texts = {};

  function text(name, n) {
    var value = texts[name] || "";
    return n === undefined ? value : value.replace("%(n)s", String(n));
  }

  function say(message) {
    var status = document.getElementById("grid-status");
    if (status) status.textContent = message;
  }

  function grid() {
    return document.querySelector("[data-entry-grid]");
  }

  function rows() {
    var table = grid();
    return table ? Array.prototype.slice.call(table.querySelectorAll("tbody[data-row]")) : [];
  }

  function fields(row) {
    return Array.prototype.slice.call(row.querySelectorAll(".actual-input, .comment-input"));
  }

  function isDirty(row) {
    if (row.hasAttribute("data-unsaved")) return true;
    return fields(row).some(function (input) { return input.value !== input.defaultValue; });
  }

  function refresh(row) {
    row.classList.toggle("is-dirty", isDirty(row));
  }

  function dirtyRows() {
    return rows().filter(isDirty);
  }

  function countDrafts() {
    var counter = document.querySelector("[data-draft-count]");
    var table = grid();
    if (counter && table) counter.textContent = String(table.querySelectorAll("tbody[data-row] .status-draft").length);
  }

  // --- keyboard ------------------------------------------------------------------------

  function cellClass(input) {
    return input.classList.contains("comment-input") ? ".comment-input" : ".actual-input";
  }

  function move(input, step) {
    var all = rows();
    var index = all.indexOf(input.closest("tbody[data-row]"));
    for (var i = index + step; i >= 0 && i < all.length; i += step) {
      var target = all[i].querySelector(cellClass(input));
      if (target) {
        target.focus();
        if (target.select) target.select();
        return true;
      }
    }
    return false;
  }

  function saveRow(row) {
    var form = row.querySelector("form.row-form");
    if (form) form.requestSubmit();
  }

  function onKeyDown(event) {
    var input = event.target;
    if (!input.matches || !input.matches(".actual-input, .comment-input")) return;
    var isComment = input.classList.contains("comment-input");
    if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "Enter")) {
      event.preventDefault();
      saveRow(input.closest("tbody[data-row]"));
      return;
    }
    if (event.key === "Enter") {
      if (event.isComposing || event.keyCode === 229) return; // the IME is converting kana
      if (isComment && event.altKey) {
        event.preventDefault();
        input.setRangeText("\n", input.selectionStart, input.selectionEnd, "end");
        refresh(input.closest("tbody[data-row]"));
        return;
      }
      event.preventDefault(); // never submit the row's form implicitly
      move(input, event.shiftKey ? -1 : 1);
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var down = event.key === "ArrowDown";
      if (isComment) {
        var atEdge = down ? input.selectionEnd === input.value.length : input.selectionStart === 0;
        if (!atEdge) return;
      }
      if (move(input, down ? 1 : -1)) event.preventDefault();
    }
  }

  // --- paste a column from Excel -----------------------------------------------------------

  function onPaste(event) {
    var input = event.target;
    if (!input.matches || !input.matches(".actual-input")) return;
    var data = (event.clipboardData || window.clipboardData).getData("text");
    if (!data || !/[\r\n\t]/.test(data.replace(/(\r?\n)+$/, ""))) return; // one cell: the browser pastes it
    event.preventDefault();
    var lines = data.replace(/(\r?\n)+$/, "").split(/\r?\n/);
    var all = rows();
    var start = all.indexOf(input.closest("tbody[data-row]"));
    var pasted = 0, skipped = 0;
    lines.forEach(function (line, offset) {
      var row = all[start + offset];
      if (!row) { skipped += 1; return; }
      var cells = line.split("\t");
      var actual = row.querySelector(".actual-input");
      if (!actual) { skipped += 1; return; }
      actual.value = cells[0].trim();
      var comment = row.querySelector(".comment-input");
      if (cells.length > 1 && comment) comment.value = cells[1];
      pasted += 1;
      refresh(row);
    });
    var message = text("pasted", pasted);
    if (skipped) message += " " + text("skipped", skipped);
    say(message);
  }

  // --- saving ------------------------------------------------------------------------------

  function saveAll() {
    var pending = dirtyRows();
    var chain = Promise.resolve();
    pending.forEach(function (row) {
      chain = chain.then(function () {
        var form = row.querySelector("form.row-form");
        if (!form || !document.body.contains(row)) return null;
        return htmx.ajax("POST", form.getAttribute("hx-post"), { source: form, target: row, swap: "outerHTML" });
      });
    });
    return chain;
  }

  function takeTheirs(button) {
    var row = button.closest("tbody[data-row]");
    var actual = row.querySelector(".actual-input");
    var comment = row.querySelector(".comment-input");
    // Their value is what is stored now: the inputs match it, nothing is left to save.
    if (actual) { actual.value = button.dataset.actual; actual.defaultValue = button.dataset.actual; }
    if (comment) { comment.value = button.dataset.comment; comment.defaultValue = button.dataset.comment; }
    row.removeAttribute("data-unsaved");
    refresh(row);
    button.closest(".conflict").remove();
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.matches("[data-submit-form]")) return;
    var warning = form.querySelector("[data-unsaved-warning]");
    var pending = dirtyRows();
    if (pending.length) {
      event.preventDefault();
      if (warning) warning.hidden = false;
      var first = pending[0].querySelector(".actual-input, .comment-input");
      if (first) first.focus();
      return;
    }
    if (warning) warning.hidden = true;
    leaving = true;
  }

  var leaving = false;

  function onBeforeUnload(event) {
    if (leaving || !dirtyRows().length) return undefined;
    event.preventDefault();
    event.returnValue = text("unsaved");
    return event.returnValue;
  }

  function onClick(event) {
    var target = event.target;
    if (target.matches("[data-save-all]")) {
      saveAll();
    } else if (target.matches("[data-use-theirs]")) {
      takeTheirs(target);
    }
  }

  function onChange(event) {
    var box = event.target;
    if (!box.matches("[data-select-all]")) return;
    var formId = box.getAttribute("data-select-all");
    document.querySelectorAll('input[type="checkbox"][name="rows"][form="' + formId + '"]').forEach(function (other) {
      if (!other.disabled) other.checked = box.checked;
    });
  }

  function onInput(event) {
    var row = event.target.closest && event.target.closest("tbody[data-row]");
    if (row) refresh(row);
  }

  function init() {
    var template = document.getElementById("entry-grid-texts");
    if (template) texts = template.dataset;
    document.querySelectorAll("[data-grid-tools]").forEach(function (tools) { tools.hidden = false; });
    rows().forEach(refresh);
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("paste", onPaste);
    document.addEventListener("input", onInput);
    document.addEventListener("click", onClick);
    document.addEventListener("change", onChange);
    document.addEventListener("submit", onSubmit);
    window.addEventListener("beforeunload", onBeforeUnload);
    document.body.addEventListener("htmx:beforeRequest", function () { say(text("saving")); });
    // After settling: htmx puts the old attributes back on a swapped element until then.
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var row = event.detail.target;
      var swapped = row && row.id ? document.getElementById(row.id) : null;
      if (swapped) refresh(swapped);
      countDrafts();
      say("");
    });
    document.body.addEventListener("htmx:sendError", function () { say(text("failed")); });
    document.body.addEventListener("htmx:responseError", function () { say(text("failed")); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
