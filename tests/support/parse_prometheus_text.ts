/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for
 * tests: every line must be a `# HELP`, a `# TYPE`, a sample or blank; a
 * family's HELP and TYPE come before its samples and only once; names,
 * label names and values follow the grammar; counters end in `_total` (the
 * client library's convention is checked here, not assumed). Throws naming
 * the line for anything else.
 *
 * @module
 */

/** One metric family. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  readonly samples: readonly Sample[];
}

/** One sample line. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = ["counter", "gauge", "histogram", "summary", "untyped"];

/** Parses the text into families by name. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<
    string,
    { name: string; help?: string; type?: string; samples: Sample[] }
  >();
  const family = (name: string) => {
    let found = families.get(name);
    if (!found) {
      found = { name, samples: [] };
      families.set(name, found);
    }
    return found;
  };
  if (text !== "" && !text.endsWith("\n")) {
    throw new Error("the text must end with a newline");
  }
  for (const [index, line] of text.split("\n").entries()) {
    const at = `line ${index + 1} (${JSON.stringify(line)})`;
    if (line.trim() === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (!NAME.test(name!)) throw new Error(`${at}: bad metric name`);
      const f = family(name!);
      if (f.samples.length > 0) {
        throw new Error(`${at}: ${kind} after the family's samples`);
      }
      if (kind === "HELP") {
        if (f.help !== undefined) throw new Error(`${at}: second HELP`);
        f.help = rest!;
      } else {
        if (f.type !== undefined) throw new Error(`${at}: second TYPE`);
        if (!TYPES.includes(rest!)) throw new Error(`${at}: unknown type`);
        f.type = rest!;
      }
      continue;
    }
    if (line.startsWith("#")) continue; // a comment
    const sample = /^([^\s{]+)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    if (!sample) throw new Error(`${at}: not a sample`);
    const [, name, , rawLabels, rawValue] = sample;
    if (!NAME.test(name!)) throw new Error(`${at}: bad metric name`);
    const value = parseValue(rawValue!);
    if (value === null) throw new Error(`${at}: bad value`);
    const f = families.get(name!);
    if (!f || f.type === undefined) {
      throw new Error(`${at}: sample without a TYPE line before it`);
    }
    f.samples.push({
      name: name!,
      labels: parseLabels(rawLabels ?? "", at),
      value,
    });
  }
  const result = new Map<string, MetricFamily>();
  for (const f of families.values()) {
    if (f.type === undefined) throw new Error(`${f.name}: no TYPE`);
    if (f.type === "counter" && !f.name.endsWith("_total")) {
      throw new Error(`${f.name}: a counter's name must end in _total`);
    }
    if (f.samples.length === 0) throw new Error(`${f.name}: no samples`);
    const seen = new Set<string>();
    for (const s of f.samples) {
      const key = JSON.stringify(Object.entries(s.labels).sort());
      if (seen.has(key)) throw new Error(`${f.name}: duplicate series ${key}`);
      seen.add(key);
      if (f.type === "counter" && s.value < 0) {
        throw new Error(`${f.name}: a counter cannot be negative`);
      }
    }
    result.set(f.name, {
      name: f.name,
      help: f.help ?? "",
      type: f.type as MetricFamily["type"],
      samples: f.samples,
    });
  }
  return result;
}

function parseValue(text: string): number | null {
  if (text === "NaN") return NaN;
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}

function parseLabels(text: string, at: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== "") {
    const match = /^([^=]+)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
    if (!match) throw new Error(`${at}: bad labels`);
    const [whole, name, value] = match;
    if (!LABEL_NAME.test(name!)) throw new Error(`${at}: bad label name`);
    if (name! in labels) throw new Error(`${at}: label ${name} twice`);
    labels[name!] = value!.replace(/\\(.)/g, (_, c) => c === "n" ? "\n" : c);
    rest = rest.slice(whole!.length);
  }
  return labels;
}
