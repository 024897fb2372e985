// The review page's filters, column toggles, sentence toggles and finding details.
// Plain JavaScript, no library, nothing fetched: the page works from a file or a mail.
(function () {
  "use strict";
  var findings = JSON.parse(document.getElementById("findings").textContent);
  var table = document.getElementById("review");
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr.row"));
  var sentenceRows = Array.prototype.slice.call(table.querySelectorAll("tbody tr.sent"));
  var byRow = {};
  sentenceRows.forEach(function (tr) {
    (byRow[tr.dataset.row] = byRow[tr.dataset.row] || []).push(tr);
  });
  var $ = function (id) { return document.getElementById(id); };
  var q = $("q"), fCheck = $("f-check"), fSeverity = $("f-severity"), fLang = $("f-lang");
  var fOnly = $("f-only"), fSentences = $("f-sentences"), shown = $("shown");
  var popover = $("popover");

  // Text for the search box: lower case, without Arabic vowel marks or Latin accents,
  // all white space (no-break spaces included) as one space.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f\u064b-\u065f\u0670]/g, "")
      .toLowerCase().replace(/\s+/g, " ");
  }
  var haystack = new Map();
  rows.forEach(function (tr) {
    var text = tr.textContent;
    (byRow[tr.id] || []).forEach(function (s) { text += " " + s.textContent; });
    haystack.set(tr, fold(text));
  });

  function findingMatches(tag, check, severity, lang) {
    var parts = tag.split(":");
    return (!check || parts[0] === check) && (!severity || parts[1] === severity) &&
      (!lang || parts[2] === lang);
  }

  function apply() {
    var check = fCheck.value, severity = fSeverity.value, lang = fLang.value;
    var needFinding = fOnly.checked || check || severity || lang;
    var words = fold(q.value.trim());
    var visibleSections = new Set();
    var count = 0;
    rows.forEach(function (tr) {
      var ok = true;
      if (needFinding) {
        var tags = tr.dataset.findings ? tr.dataset.findings.split(" ") : [];
        ok = tags.some(function (t) { return findingMatches(t, check, severity, lang); });
      }
      if (ok && words) ok = haystack.get(tr).indexOf(words) >= 0;
      tr.hidden = !ok;
      if (ok && tr.dataset.level !== "section") visibleSections.add(tr.dataset.section);
    });
    var filtering = needFinding || words;
    rows.forEach(function (tr) {
      // A section heading stays in view above the rows it holds that are shown.
      if (tr.dataset.level === "section" && filtering && visibleSections.has(tr.id)) tr.hidden = false;
      if (!tr.hidden) count += 1;
      syncSentences(tr);
    });
    shown.textContent = count + " of " + rows.length + " rows";
  }

  function syncSentences(tr) {
    var open = !tr.hidden && (fSentences.checked || tr.classList.contains("open"));
    (byRow[tr.id] || []).forEach(function (s) { s.hidden = !open; });
    var button = tr.querySelector("button.toggle");
    if (button) button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function showFindings(anchor, ids) {
    var html = ids.map(function (id) {
      var f = findings[id];
      if (!f) return "";
      var values = f.found || f.expected ? "<p class='what'>" +
        (f.found ? "found <b>" + esc(f.found) + "</b>" : "") + (f.found && f.expected ? " · " : "") +
        (f.expected ? "expected <b>" + esc(f.expected) + "</b>" : "") + "</p>" : "";
      return "<h2><span class='sev " + f.severity + "'>" + f.severity + "</span>" + esc(f.check) +
        (f.rule ? " · " + esc(f.rule) : "") + (f.lang ? " · " + f.lang : "") + "</h2>" +
        "<p>" + esc(f.evidence) + "</p>" + values +
        (f.suggestion ? "<p class='what'>" + esc(f.suggestion) + "</p>" : "");
    }).join("<hr>");
    popover.innerHTML = html;
    popover.hidden = false;
    var box = anchor.getBoundingClientRect();
    var left = Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - popover.offsetWidth - 12);
    popover.style.left = Math.max(8, left) + "px";
    popover.style.top = (window.scrollY + box.bottom + 6) + "px";
  }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  table.addEventListener("click", function (event) {
    var target = event.target.closest("button.toggle, .badge, mark.qa");
    if (!target) return;
    event.stopPropagation();
    if (target.classList.contains("toggle")) {
      var tr = target.closest("tr");
      tr.classList.toggle("open");
      syncSentences(tr);
      return;
    }
    showFindings(target, target.dataset.f.split(" "));
  });
  document.addEventListener("click", function (event) {
    if (!popover.contains(event.target)) popover.hidden = true;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") popover.hidden = true;
    // A mark has the focus (Tab): Enter opens its explanation, as a click does.
    if (event.key === "Enter" && event.target.matches && event.target.matches("mark.qa")) {
      event.preventDefault();
      event.target.click();
    }
  });
  table.querySelectorAll("mark.qa").forEach(function (m) {
    m.tabIndex = 0;
    m.title = m.dataset.f.split(" ").map(function (id) {
      var f = findings[id];
      return f ? f.severity + " · " + f.check + (f.rule ? " (" + f.rule + ")" : "") + ": " + f.evidence : "";
    }).join("\n");
  });

  var timer = null;
  q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  [fCheck, fSeverity, fLang, fOnly, fSentences].forEach(function (el) { el.addEventListener("change", apply); });
  document.querySelectorAll("input.col-toggle").forEach(function (box) {
    box.addEventListener("change", function () { table.classList.toggle("hide-" + box.value, !box.checked); });
  });
  // The column headers stick just below the toolbar, whose height depends on the width.
  function fitHeader() {
    document.documentElement.style.setProperty("--bar", $("filters").offsetHeight + "px");
  }
  window.addEventListener("resize", fitHeader);
  fitHeader();
  apply();
})();
