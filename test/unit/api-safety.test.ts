/** The small pure pieces behind the API's safety: request batching, loopback test, URL redaction. */
import { describe, expect, it } from 'vitest';
import { jsonBatches } from '../../src/api/limits.ts';
import { isLoopbackHost } from '../../src/config/api-checks.ts';
import { redactUrl } from '../../src/lib/redact.ts';

describe('jsonBatches', () => {
  it('cuts at the item cap and before the byte cap, keeping order and first indexes', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, pad: 'x'.repeat(i === 5 ? 60 : 10) }));
    const batches = [...jsonBatches(items, 3, 100)];
    expect(batches.flatMap(([, b]) => b)).toEqual(items);
    for (const [at, b] of batches) {
      expect(b.length).toBeLessThanOrEqual(3);
      expect(items[at]).toBe(b[0]);
      if (b.length > 1) expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThanOrEqual(100);
    }
    expect(batches.map(([at, b]) => [at, b.length])).toEqual([[0, 3], [3, 2], [5, 1], [6, 3], [9, 1]]);
  });

  it('an item bigger than the byte cap goes alone (the server refuses it with 413)', () => {
    expect([...jsonBatches(['a', 'x'.repeat(50), 'b'], 10, 20)].map(([, b]) => b.length)).toEqual([1, 1, 1]);
    expect([...jsonBatches([], 10)]).toEqual([]);
  });
});

describe('isLoopbackHost', () => {
  it('127.0.0.0/8, ::1 and localhost only', () => {
    for (const h of ['127.0.0.1', '127.255.0.9', 'localhost', 'LOCALHOST', '::1', '0:0:0:0:0:0:0:1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '1.127.0.0', 'localhost.example', 'host', '::ffff:10.0.0.1', '127.0.0.1.nip.io']) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });
});

describe('redactUrl', () => {
  it('hides user, password and query; leaves a plain URL as written', () => {
    expect(redactUrl('https://u:p@h.example:8443/x/y?token=1#f')).toBe('https://***@h.example:8443/***?***');
    expect(redactUrl('https://h.example/x?token=1')).toBe('https://h.example/***?***');
    expect(redactUrl('redis://:pw@127.0.0.1:6379/0')).toBe('redis://***@127.0.0.1:6379/***');
    expect(redactUrl('ftp://x')).toBe('ftp://x');
    expect(redactUrl('https://hooks.example/services/T0/B0/s3cr3tKey')).toBe('https://hooks.example/***');
    expect(redactUrl('not a url with user:pw@host')).toBe('(hidden)');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});
