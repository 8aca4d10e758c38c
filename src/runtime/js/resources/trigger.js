// The trigger context helpers of the JavaScript backend (js_trigger.cc; docs/design.md §4
// ctx). Embedded at build time and evaluated in an instance's context at its first trigger
// call, with the built-ins it depends on for code generation and the BEFORE ROW rules
// (Function, JSON.stringify, Promise, Array.isArray, the sprocket object) captured before
// the function's own script ran. A function that rewrites other built-ins of its own realm
// (Array.prototype.push, the array iterator) can garble only the report of its own rows —
// which it decides anyway — never generate code or reach past its batch (the engine checks
// every entry it reads back).
//
// The script's value is setup(sprocket, Function, JSON.stringify, Promise, Array.isArray)
// → forShape, called with those values as the context had them before the function's
// script ran. For each
// layout of columns (one table), forShape(columns, fn, progress) returns the helpers the
// engine calls: [make, batch, finish, row]. Rows come in flat: row i's column c at
// N[i * ncols + c] (N for NEW's values, O for OLD's; null when the event has none).
//
// Row objects are object literals compiled for the layout (an object built property by
// property costs about five times as much per row). The engine allows code generation
// only while forShape runs, and the function's code never runs meanwhile; column names
// reach the generated code only as JSON string literals.
(function setup(sp, NativeFunction, stringify, NativePromise, isArray) {
  'use strict';

  // `__proto__: v` in an object literal would set the prototype; a computed key makes an
  // own property like any other column.
  function literalKey(column) {
    const key = stringify(column);
    return column === '__proto__' ? '[' + key + ']' : key;
  }

  function compile(params, body) {
    return NativeFunction(params, "'use strict';\n" + body);
  }

  return function forShape(columns, fn, progress) {
    const ncols = columns.length;
    let news = '', olds = '', compare = '', params = '', row = '';
    for (let c = 0; c < ncols; c++) {
      const key = literalKey(columns[c]);
      const at = c === 0 ? 'k' : 'k + ' + c;
      news += (c ? ', ' : '') + key + ': N[' + at + ']';
      olds += (c ? ', ' : '') + key + ': O[' + at + ']';
      params += (c ? ', ' : '') + 'n' + c;
      row += (c ? ', ' : '') + key + ': n' + c;
      // A changed value, or an object (a blob's bytes may have been changed in place).
      compare += 'x = v[' + stringify(columns[c]) + ']; if (x !== N[' + at +
                 "] || (x !== null && typeof x === 'object')) out.push(" + at + ', x);\n';
    }
    // (values, k) → the row object at k.
    const newRow = compile('N, k', 'return {' + news + '};');
    const oldRow = compile('O, k', 'return {' + olds + '};');
    // (returned object, NEW values, k, out): pushes (k + c, value) for each changed column.
    const changes = compile('v, N, k, out', 'let x;\n' + compare);
    // (values…) → a row object (transition tables).
    const makeRow = compile(params, 'return {' + row + '};');

    // A class per layout, so that every ctx of the layout has one shape (fast property
    // access in the trigger); session is a getter on the prototype, read only when used.
    class Ctx {
      constructor(b, op, when, level, depth, nt, ot, N, O, k) {
        this.NEW = N !== null ? newRow(N, k) : null;
        this.OLD = O !== null ? oldRow(O, k) : null;
        this.TG_OP = op;
        this.TG_WHEN = when;
        this.TG_LEVEL = level;
        this.TG_NAME = b.name;
        this.TG_TABLE_NAME = b.table;
        this.TG_ARGV = [...b.argv];
        this.TG_DEPTH = depth;
        this.NEW_TABLE = nt;
        this.OLD_TABLE = ot;
        this.db = b.db;
        this.log = b.log;
      }
      get session() { return sp.session; }
    }
    // ctx.constructor is Object's, not this class: no engine code is reachable through a ctx.
    delete Ctx.prototype.constructor;

    // One call's ctx (b: the trigger's name, table, argv and services; ntn/otn: the
    // REFERENCING names of the transition tables, also set on ctx).
    function make(b, op, when, level, depth, nt, ot, ntn, otn, N, O) {
      const ctx = new Ctx(b, op, when, level, depth, nt, ot, N, O, 0);
      if (ntn) ctx[ntn] = nt;
      if (otn) ctx[otn] = ot;
      return ctx;
    }

    // The BEFORE ROW rules (docs/design.md §3.2) for what the call for row i returned, as
    // entries of `out`: (i * ncols + c, value) for each column c it changed, (-1 - i, null)
    // for a row it skipped. False for a result that is not a row (stop[2] holds it).
    function finish(v, ctx, i, N, O, out, stop) {
      if (v === undefined) v = N === null ? ctx.OLD : ctx.NEW;  // nothing: NEW as left
      if (v === null) {
        out.push(-1 - i, null);
        return true;
      }
      if (typeof v !== 'object' || isArray(v)) {
        stop[0] = 2;
        stop[2] = v;
        return false;
      }
      if (N !== null) changes(v, N, i * ncols, out);
      return true;
    }

    // Calls the function for rows start…end-1 (after: an AFTER trigger, whose results are
    // ignored). Returns the row it stopped at: end, or a row whose result is a promise
    // (stop = [1, ctx, promise]) or not a row (stop = [2, , value]). progress[0] is 1 + the
    // running row: the watchdog counts CPU time per row, the engine writes the rows before
    // it when the function reaches the database.
    function batch(b, op, when, level, depth, after, N, O, start, end, out, stop) {
      for (let i = start; i < end; i++) {
        progress[0] = i + 1;
        const ctx = new Ctx(b, op, when, level, depth, null, null, N, O, i * ncols);
        const v = fn(ctx);
        if (v instanceof NativePromise) {
          stop[0] = 1;
          stop[1] = ctx;
          stop[2] = v;
          return i;
        }
        if (!after && !finish(v, ctx, i, N, O, out, stop)) return i;
      }
      return end;
    }

    return [make, batch, finish, makeRow];
  };
})
