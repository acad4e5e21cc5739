/**
 * The dashboard's only script, served as `/assets/table.js` (the Content-Security-Policy allows scripts
 * from the site itself only). Progressive enhancement: without it every table is complete and readable.
 *
 * - `<table data-sortable>`: each header cell gets a button; a click (or Enter/Space) sorts the body rows
 *   by that column, numbers by value (a cell's `data-v`, else its text read as a number), text by the
 *   zh-CN collation; the header carries `aria-sort`.
 * - `<input data-filter="<table id>">` (rendered `hidden`, shown by the script): keeps the rows whose text
 *   contains every word typed; `<output data-filter-count="<table id>">` announces how many are shown.
 */
export const TABLE_JS = `(function () {
  'use strict';
  function cellValue(row, i) {
    var cell = row.cells[i];
    if (!cell) return '';
    var v = cell.getAttribute('data-v');
    return v !== null ? v : (cell.textContent || '').trim();
  }
  function asNumber(s) {
    var t = String(s).replace(/[,\\s%]/g, '');
    return t !== '' && !isNaN(Number(t)) ? Number(t) : null;
  }
  var collator = typeof Intl !== 'undefined' ? new Intl.Collator('zh-CN', { numeric: true }) : null;
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    for (var h = 0; h < heads.length; h++) heads[h].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir);
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var nx = asNumber(x), ny = asNumber(y), r;
      if (nx !== null && ny !== null) r = nx - ny;
      else r = collator ? collator.compare(x, y) : (x < y ? -1 : x > y ? 1 : 0);
      return dir === 'ascending' ? r : -r;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('table[data-sortable]'), function (table) {
    if (!table.tHead) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', function () { sortBy(table, index, th); });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-filter]'), function (input) {
    var table = document.getElementById(input.getAttribute('data-filter'));
    if (!table || !table.tBodies[0]) return;
    var wrap = input.parentElement && input.parentElement.closest('[hidden]');
    if (wrap) wrap.hidden = false;
    input.hidden = false;
    var count = document.querySelector('[data-filter-count="' + table.id + '"]');
    function apply() {
      var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = (row.textContent || '').toLowerCase();
        var keep = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !keep;
        if (keep) shown++;
      });
      if (count) count.textContent = shown + ' / ' + table.tBodies[0].rows.length;
    }
    input.addEventListener('input', apply);
    apply();
  });
})();
`;
