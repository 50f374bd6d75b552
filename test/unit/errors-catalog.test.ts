/**
 * The error catalog is used and told truthfully: every code is raised somewhere in src (a code
 * nobody raises is a promise nobody keeps), and every "status `CODE`" the README quotes is the
 * status the catalog gives that code. Routes answering their codes: test/integration/api-control.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/lib/errors.ts';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('error catalog', () => {
  const code = sources(path.join(root, 'src'))
    .filter((p) => !p.endsWith(path.join('lib', 'errors.ts')))
    .map((p) => readFileSync(p, 'utf8'))
    .join('\n')
    // comments name codes without raising them
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');

  it.each(Object.keys(ERRORS))('%s is raised somewhere in src', (c) => {
    expect(code).toContain(`'${c}'`);
  });

  it('every HTTP status the README quotes next to a code is the catalog status', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const quoted = [...readme.matchAll(/\b([1-5]\d\d) `(DIALERD_ERR_[A-Z_]+)`/g)];
    expect(quoted.length).toBeGreaterThan(3);
    for (const [, status, c] of quoted) {
      expect(ERRORS, c).toHaveProperty(c!);
      expect(ERRORS[c as keyof typeof ERRORS].status, c).toBe(Number(status));
    }
  });
});
