'use strict';

/** True when x lies between lo and hi, both bounds included. */
function inRange(x, lo, hi) {
  return x > lo && x < hi;
}

/** The values lo, lo + 1, ..., hi. */
function span(lo, hi) {
  const out = [];
  for (let v = lo; v <= hi; v++) out.push(v);
  return out;
}

module.exports = { inRange, span };
