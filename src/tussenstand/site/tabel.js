// Searchable, sortable tables of the site (home page: every municipality; Rapporten: every report).
// Written into the page by tussenstand.site.pages (table_html). Progressive enhancement: without
// JavaScript the whole table is there; with it, the filter bar (hidden in the HTML) appears and
// each column header becomes a button that sorts the rows. Sorting sets aria-sort on the header; a
// filter hides rows (the hidden attribute) and says in a polite live region how many are shown.
(function () {
  "use strict";
  const collator = new Intl.Collator("nl", { numeric: true, sensitivity: "base" });

  function cellKey(cell) {
    return cell.hasAttribute("data-waarde") ? cell.getAttribute("data-waarde") : cell.textContent.trim();
  }

  function enhance(table) {
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    const headers = Array.from(table.tHead.rows[0].cells);
    const bar = document.querySelector('[data-tabel-filters="' + table.id + '"]');
    const count = bar ? bar.querySelector("[data-telling]") : null;

    headers.forEach(function (th, column) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "tabel-sorteer";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      if (!th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        const numeric = th.getAttribute("data-soort") === "getal";
        const sorted = rows.slice().sort(function (a, b) {
          const x = cellKey(a.cells[column]);
          const y = cellKey(b.cells[column]);
          const order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : collator.compare(x, y);
          return ascending ? order : -order;
        });
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sorted.forEach(function (row) { body.appendChild(row); });
      });
    });

    if (!bar) return;
    const controls = Array.from(bar.querySelectorAll("[data-filter]"));
    const noun = count ? count.getAttribute("data-telling") : "";
    function apply() {
      let shown = 0;
      rows.forEach(function (row) {
        const visible = controls.every(function (control) {
          const field = control.getAttribute("data-filter");
          const wanted = control.type === "checkbox" ? (control.checked ? "ja" : "") : control.value.trim().toLocaleLowerCase("nl");
          if (!wanted) return true;
          const value = (row.getAttribute("data-" + field) || "").toLocaleLowerCase("nl");
          return control.tagName === "SELECT" || control.type === "checkbox"
            ? value === wanted
            : wanted.split(/\s+/).every(function (word) { return value.indexOf(word) !== -1; });
        });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (count) count.textContent = shown.toLocaleString("nl-NL") + " van " + rows.length.toLocaleString("nl-NL") + " " + noun + " getoond";
    }
    controls.forEach(function (control) {
      control.addEventListener(control.tagName === "INPUT" && control.type !== "checkbox" ? "input" : "change", apply);
    });
    bar.hidden = false;
    apply();
  }

  function start() {
    document.querySelectorAll("table.tabel-zoekbaar").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
