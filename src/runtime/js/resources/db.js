// db.insert and db.execute of the JavaScript backend: JavaScript around the native calls
// (js_host_api.cc), which take the row's keys and values as arrays and return
// [rowsAffected, lastInsertRowid]. Embedded at build time and evaluated before the
// function's own script; the script's value is install(db, setInsertTarget, insertRow,
// insertRows, nativeExecute, res).
(function (db, setInsertTarget, insertRow, insertRows, nativeExecute, res) {
  'use strict';
  const keys = Object.keys, values = Object.values, isArray = Array.isArray;
  function result(r) { return { rowsAffected: r[0], lastInsertRowid: r[1] }; }
  // An insert returns nothing when it left its result in `res`.
  function inserted(r) {
    return r === undefined ? { rowsAffected: res[0], lastInsertRowid: res[1] } : result(r);
  }
  function define(name, value) {
    Object.defineProperty(db, name, { value, writable: true, enumerable: true, configurable: true });
  }
  // The table and columns the native side holds: set again only when they differ.
  let target = null, columns = [];
  define('insert', function insert(table, rows) {
    if (rows === null || typeof rows !== 'object' || isArray(rows)) {
      return inserted(insertRows(table, rows));
    }
    const k = keys(rows);
    if (k.length > 1000) return inserted(insertRows(table, [rows]));  // too many to spread
    const v = values(rows);
    let same = k.length === columns.length;
    for (let i = 0; same && i < k.length; i++) same = k[i] === columns[i];
    if (!same || table !== target) {
      target = null;  // until the native side holds the new one
      setInsertTarget(table, k);
      target = table;
      columns = k;
    }
    // A call with a fixed number of arguments is one the optimizing compiler can make
    // straight into the native function; a spread call is not.
    let r;
    switch (v.length) {
      case 1: r = insertRow(v[0]); break;
      case 2: r = insertRow(v[0], v[1]); break;
      case 3: r = insertRow(v[0], v[1], v[2]); break;
      case 4: r = insertRow(v[0], v[1], v[2], v[3]); break;
      case 5: r = insertRow(v[0], v[1], v[2], v[3], v[4]); break;
      case 6: r = insertRow(v[0], v[1], v[2], v[3], v[4], v[5]); break;
      case 7: r = insertRow(v[0], v[1], v[2], v[3], v[4], v[5], v[6]); break;
      case 8: r = insertRow(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]); break;
      default: r = insertRow(...v);
    }
    return inserted(r);
  });
  define('execute', function execute(sql, params) { return result(nativeExecute(sql, params)); });
})
