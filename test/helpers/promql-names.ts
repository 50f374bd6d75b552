/**
 * The metric names a PromQL expression (or a Grafana `label_values(metric, label)` variable query)
 * selects: label matchers, strings, ranges, grouping clauses, Grafana `$variables`, function
 * names, keywords and numbers are not names.
 */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2']);

export function promqlMetricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/\blabel_values\s*\(\s*([a-zA-Z_:][\w:]*)\s*,\s*\w+\s*\)/g, ' $1 ');
  const names = new Set<string>();
  // a token starting with a digit is a number or a duration (0.99, 1e3, 5m, 1h30m)
  for (const m of bare.matchAll(/(\d[\w.]*)|([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, num, word, call] = m;
    if (num !== undefined || word === undefined || call !== undefined || KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

/** A sample name's family: `x_bucket`, `x_sum`, `x_count` of a histogram or summary `x`, else itself. */
export function familyOf(name: string, families: ReadonlyMap<string, string>): string | undefined {
  if (families.has(name)) return name;
  const m = /^(.+)_(bucket|sum|count|total)$/.exec(name);
  return m && families.has(m[1]!) ? m[1] : undefined;
}
