/**
 * The README's troubleshooting table quotes log lines; each must still be what the code logs.
 * `<…>` in a quote stands for whatever the code interpolates there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8').replace(/\r\n/g, '\n');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [readFileSync(join(dir, e.name), 'utf8')] : [],
  );
}
const src = sources(join(root, 'src'));

/** The first-column quotes of the `## Troubleshooting` table. */
function quotedLogLines(text: string): string[] {
  const start = text.indexOf('\n## Troubleshooting\n');
  const body = text.slice(start + 1, text.indexOf('\n## ', start + 1));
  return [...body.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

/** A quote as a pattern over one source line: literal text, `<…>` = anything on the line. */
function asPattern(quote: string): RegExp {
  const parts = quote.split(/<[^<>]+>/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(parts.join('[^\\n]*?'));
}

describe('README troubleshooting', () => {
  const quotes = quotedLogLines(readme);

  it('quotes at least ten log lines', () => {
    expect(quotes.length).toBeGreaterThanOrEqual(10);
  });

  it.each(quotes)('the code still logs `%s`', (quote) => {
    expect(src.some((s) => asPattern(quote).test(s))).toBe(true);
  });

  it('a changed message no longer matches', () => {
    expect(src.some((s) => asPattern('control API NOT started; dialling goes on without it').test(s))).toBe(false);
    expect(src.some((s) => asPattern('trunk <name>: breaker shut (<reason>)').test(s))).toBe(false);
  });
});
