/** One sample of a Prometheus text exposition. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed exposition: the samples, and each metric family's declared type. */
export interface PrometheusText {
  samples: PrometheusSample[];
  types: Record<string, string>;
  /** The one sample with this name whose labels include `labels`; throws when none or several match. */
  value(name: string, labels?: Record<string, string>): number;
  /** Every sample with this name whose labels include `labels`. */
  find(name: string, labels?: Record<string, string>): PrometheusSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

// Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes "Nan").
function parseValue(text: string, line: string): number {
  const special = text.toLowerCase();
  if (special === '+inf' || special === 'inf') return Number.POSITIVE_INFINITY;
  if (special === '-inf') return Number.NEGATIVE_INFINITY;
  if (special === 'nan') return Number.NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`not a sample value: "${text}" in line ${JSON.stringify(line)}`);
  return value;
}

/** Reads `{a="x",b="y"}` from the start of `rest`; returns the labels and what follows. */
function parseLabels(rest: string, line: string): [Record<string, string>, string] {
  const labels: Record<string, string> = {};
  let i = 1;
  const fail = (why: string): never => {
    throw new Error(`${why} at column ${i} of ${JSON.stringify(line)}`);
  };
  while (rest[i] !== '}') {
    const name = LABEL_NAME.exec(rest.slice(i))?.[0] ?? fail('label name expected');
    i += name.length;
    if (rest.slice(i, i + 2) !== '="') fail('=" expected');
    i += 2;
    let value = '';
    while (rest[i] !== '"') {
      if (i >= rest.length) fail('unterminated label value');
      if (rest[i] === '\\') {
        const escaped = rest[i + 1];
        value += escaped === 'n' ? '\n' : escaped === '\\' ? '\\' : escaped === '"' ? '"' : fail('bad escape');
        i += 2;
      } else {
        value += rest[i];
        i += 1;
      }
    }
    i += 1;
    labels[name] = value;
    if (rest[i] === ',') i += 1;
    else if (rest[i] !== '}') fail(', or } expected');
  }
  return [labels, rest.slice(i + 1)];
}

function matches(sample: PrometheusSample, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([k, v]) => sample.labels[k] === v);
}

/**
 * Parses the Prometheus text format (version 0.0.4) strictly: a line that is not a comment, a
 * blank or a well-formed sample throws, so a test reading metrics also checks the format.
 */
export function parsePrometheusText(text: string): PrometheusText {
  const samples: PrometheusSample[] = [];
  const types: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type) types[type[1]!] = type[2]!;
      else if (!/^# HELP \S+/.test(line) && !/^# /.test(line)) throw new Error(`bad comment line ${JSON.stringify(line)}`);
      continue;
    }
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`metric name expected in ${JSON.stringify(line)}`);
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) [labels, rest] = parseLabels(rest, line);
    const [valueText, timestamp, extra] = rest.trim().split(/\s+/);
    if (!rest.startsWith(' ') || extra !== undefined || (timestamp !== undefined && !/^-?\d+$/.test(timestamp))) {
      throw new Error(`malformed sample line ${JSON.stringify(line)}`);
    }
    samples.push({ name, labels, value: parseValue(valueText ?? '', line) });
  }
  const find = (name: string, labels: Record<string, string> = {}) => samples.filter((s) => s.name === name && matches(s, labels));
  return {
    samples,
    types,
    find,
    value(name, labels = {}) {
      const found = find(name, labels);
      if (found.length !== 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
      return found[0]!.value;
    },
  };
}
