/* Glossary filter: narrows the generated glossary page as the reader types.
   Our own code, no dependencies, works from file:// with no network. */
(function () {
  "use strict";

  function normalise(text) {
    // Fold case, accents and soft signs so "glasnost" finds "glasnost’".
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f’'ʼ]/g, "");
  }

  function groupEntries() {
    // The page is plain Markdown (fast to build): each entry is an h3.glossary-head
    // and the blocks after it. Wrap each group so it can be shown or hidden whole.
    Array.prototype.forEach.call(document.querySelectorAll("h3.glossary-head"), function (head) {
      var entry = document.createElement("div");
      entry.className = "glossary-entry";
      entry.dataset.filter = head.dataset.filter || "";
      head.parentNode.insertBefore(entry, head);
      var node = head;
      while (node && !(node !== head && /^H[1-3]$/.test(node.tagName || ""))) {
        var next = node.nextSibling;
        entry.appendChild(node);
        node = next;
      }
    });
  }

  function setUp() {
    var input = document.getElementById("glossary-filter");
    if (!input) return;
    groupEntries();
    var entries = Array.prototype.slice.call(document.querySelectorAll(".glossary-entry"));
    var letters = Array.prototype.slice.call(document.querySelectorAll(".glossary-letter"));
    var status = document.querySelector(".glossary-filter-status");
    entries.forEach(function (entry) {
      entry.dataset.filterKey = normalise(entry.dataset.filter || entry.textContent);
    });

    function apply() {
      var query = normalise(input.value.trim());
      var shown = 0;
      entries.forEach(function (entry) {
        var match = !query || entry.dataset.filterKey.indexOf(query) !== -1;
        entry.hidden = !match;
        if (match) shown += 1;
      });
      letters.forEach(function (heading) {
        // A letter heading stays only while one of its entries is visible.
        var next = heading.nextElementSibling, any = false;
        while (next && !next.classList.contains("glossary-letter")) {
          if (next.classList.contains("glossary-entry") && !next.hidden) any = true;
          next = next.nextElementSibling;
        }
        heading.hidden = !any;
      });
      if (status) {
        status.textContent = query ? shown + " of " + entries.length + " terms match" : "";
      }
    }

    input.addEventListener("input", apply);
    input.addEventListener("search", apply);
    apply();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
