import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDnc, type DncProblem } from '../../src/contacts/dnc.ts';

const dir = mkdtempSync(join(tmpdir(), 'dialerd-dnc-'));
let n = 0;
function file(text: string): string {
  const p = join(dir, `d${n++}.txt`);
  writeFileSync(p, text);
  return p;
}
/** Rewrites a file and moves its mtime forward, so the change is visible even within one clock tick. */
function rewrite(p: string, text: string, mtimeSec: number): void {
  writeFileSync(p, text);
  utimesSync(p, mtimeSec, mtimeSec);
}

describe('loadDnc', () => {
  it('normalizes numbers with the region, skips comments and blank lines, reports malformed lines', async () => {
    const problems: DncProblem[] = [];
    const p = file('# global list\r\n\r\n+7 495 000-00-01\n8 (916) 123-45-67   # asked twice\n  \ncall me maybe\n74950000002\n+74950000001\n');
    const dnc = await loadDnc([p], 'RU', { onProblem: (x) => problems.push(x) });
    expect(dnc.has('+74950000001')).toBe(true);
    expect(dnc.has('+79161234567')).toBe(true);
    expect(dnc.has('+74950000002')).toBe(true);
    expect(dnc.has('+74950000003')).toBe(false);
    expect(dnc.size).toBe(3);
    expect(problems).toEqual([{ file: p, line: 6, message: 'not a number (letters)' }]);
  });

  it('reads entries as contact lists do: a number invalid for its region is not one; blocked types still count', async () => {
    const problems: DncProblem[] = [];
    const p = file('(312) 555-0147\n8 809 123-45-67\n+1 800 234 5678\n8 916 123-45-12 123\n');
    const dnc = await loadDnc([p], 'RU', { onProblem: (x) => problems.push(x) });
    expect(dnc.has('+73125550147')).toBe(false);
    expect(dnc.has('+78091234567')).toBe(true);
    expect(dnc.has('+18002345678')).toBe(true);
    expect(dnc.size).toBe(2);
    expect(problems).toEqual([
      { file: p, line: 1, message: 'not a number (not_valid)' },
      { file: p, line: 4, message: 'not a number (not_valid)' },
    ]);
  });

  it('never repeats a bad line: a list pointing at any file reports line numbers and reasons only, at most 20', async () => {
    const secret = (i: number) => `user${i}:$6$s4lt$Zx9${i}q:19000:0:99999:7:::`;
    const p = file(Array.from({ length: 25 }, (_, i) => secret(i)).join('\n') + '\n+74950000001\n');
    const problems: DncProblem[] = [];
    const dnc = await loadDnc([p], 'RU', { onProblem: (x) => problems.push(x) });
    expect(dnc.size).toBe(1);
    expect(problems.slice(0, 2)).toEqual([
      { file: p, line: 1, message: 'not a number (letters)' },
      { file: p, line: 2, message: 'not a number (letters)' },
    ]);
    expect(problems).toHaveLength(21);
    expect(problems[20]).toEqual({ file: p, line: 26, message: '5 more lines are not numbers (not listed)' });
    const said = JSON.stringify(problems);
    expect(said).not.toMatch(/user|s4lt|19000|99999/);
  });

  it('refuses a device or FIFO (read forever) and does not keep an overlong line', async () => {
    await expect(loadDnc(['/dev/zero'], 'RU')).rejects.toMatchObject({ code: 'DIALERD_ERR_CONTACTS', message: expect.stringContaining('DNC list /dev/zero cannot be read: not a regular file') });
    const problems: DncProblem[] = [];
    const p = file(`${'7'.repeat(5000)}\n+74950000001\n`);
    const dnc = await loadDnc([p], 'RU', { onProblem: (x) => problems.push(x) });
    expect(dnc.size).toBe(1);
    expect(problems).toEqual([{ file: p, line: 1, message: 'not a number (longer than 1024 characters)' }]);
  });

  it('is the union of several files; size counts distinct numbers', async () => {
    const a = file('+74950000001\n+74950000002\n');
    const b = file('+74950000002\n+74950000003\n');
    const dnc = await loadDnc([a, b], 'RU');
    expect(['+74950000001', '+74950000002', '+74950000003'].every((x) => dnc.has(x))).toBe(true);
    expect(dnc.size).toBe(3);
  });

  it('fails with DIALERD_ERR_CONTACTS naming a missing file', async () => {
    const missing = join(dir, 'nope.txt');
    await expect(loadDnc([file('+74950000001\n'), missing], 'RU')).rejects.toMatchObject({
      code: 'DIALERD_ERR_CONTACTS',
      message: expect.stringContaining(missing),
    });
  });

  it('refresh reloads only changed files', async () => {
    const a = file('+74950000001\n');
    const b = file('+74950000002\n');
    const dnc = await loadDnc([a, b], 'RU');
    expect(await dnc.refresh()).toBe(false);

    rewrite(a, '+74950000009\n', 2_000_000_000);
    // b changes on disk without its signature changing (same size, same mtime): not re-read.
    const bTime = 1_900_000_000;
    utimesSync(b, bTime, bTime);
    expect(await dnc.refresh()).toBe(true);
    writeFileSync(b, '+74950000003\n');
    utimesSync(b, bTime, bTime);
    expect(await dnc.refresh()).toBe(false);

    expect(dnc.has('+74950000001')).toBe(false);
    expect(dnc.has('+74950000009')).toBe(true);
    expect(dnc.has('+74950000002')).toBe(true);
    expect(dnc.size).toBe(2);
  });

  it('notices a list atomically replaced by rename', async () => {
    const a = file('+74950000001\n');
    const dnc = await loadDnc([a], 'RU');
    const tmp = join(dir, 'replacement.tmp');
    writeFileSync(tmp, '+74950000004\n+74950000005\n');
    renameSync(tmp, a);
    expect(await dnc.refresh()).toBe(true);
    expect(dnc.has('+74950000004')).toBe(true);
    expect(dnc.has('+74950000001')).toBe(false);
    expect(dnc.size).toBe(2);
  });

  it('keeps the previous contents of a file that disappears, reporting it once', async () => {
    const problems: DncProblem[] = [];
    const a = file('+74950000001\n');
    const dnc = await loadDnc([a], 'RU', { onProblem: (x) => problems.push(x) });
    rmSync(a);
    expect(await dnc.refresh()).toBe(false);
    expect(await dnc.refresh()).toBe(false);
    expect(dnc.has('+74950000001')).toBe(true);
    expect(problems).toEqual([{ file: a, line: 0, message: 'file disappeared; keeping previous contents' }]);
    rewrite(a, '+74950000006\n', 2_000_000_000);
    expect(await dnc.refresh()).toBe(true);
    expect(dnc.has('+74950000006')).toBe(true);
    expect(dnc.has('+74950000001')).toBe(false);
  });

  it('shares one pass between concurrent refresh calls', async () => {
    const a = file('+74950000001\n');
    const dnc = await loadDnc([a], 'RU');
    rewrite(a, '+74950000007\n', 2_000_000_000);
    const [x, y] = await Promise.all([dnc.refresh(), dnc.refresh()]);
    expect([x, y]).toEqual([true, true]);
    expect(await dnc.refresh()).toBe(false);
    expect(dnc.has('+74950000007')).toBe(true);
  });
});
