// The benchmark line format of DESIGN.md: one JSON object per figure.
export function emit(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export const round = (v, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * A figure compared with a baseline from the same run; `check` decides `pass` from value and
 * ratio. `extra` fields (the conditions it was measured under) go before the target.
 */
export function figure(bench, { value, unit, baseline, target, check, extra }) {
  const line = { bench, value: round(value), unit };
  if (baseline !== undefined) {
    line.baseline = round(baseline);
    line.ratio = round(value / baseline);
  }
  Object.assign(line, extra);
  line.target = target;
  line.pass = Boolean(check(line.value, line.ratio));
  emit(line);
  return line;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
