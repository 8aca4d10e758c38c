// Replaces the clock and randomness built into V8 with the host's, so that a policy can
// refuse them (MINIMAL): Date.now(), new Date() without arguments, Date() and
// Math.random(). Dates made from given values need no clock. Embedded at build time
// (js_host_api.cc installs it); the script's value is install(now, random).
(function (now, random) {
  'use strict';
  const NativeDate = globalThis.Date;
  function Date(...args) {
    if (new.target === undefined) return new NativeDate(now()).toString();
    return Reflect.construct(NativeDate, args.length === 0 ? [now()] : args, new.target);
  }
  // The native constructor stays unreachable: not the prototype of Date, not the
  // constructor of dates; its static methods are copied.
  for (const name of ['UTC', 'parse']) {
    Object.defineProperty(Date, name, { value: NativeDate[name], writable: true, configurable: true });
  }
  Object.defineProperty(Date, 'prototype', { value: NativeDate.prototype });
  Object.defineProperty(NativeDate.prototype, 'constructor',
                        { value: Date, writable: true, configurable: true });
  Object.defineProperty(Date, 'now', { value: now, writable: true, configurable: true });
  Object.defineProperty(globalThis, 'Date', { value: Date, writable: true, configurable: true });
  Object.defineProperty(Math, 'random', { value: random, writable: true, configurable: true });
})
