/**
 * ApiClient.textChunks: a long export is not cut by the request timeout as long as data keeps
 * coming; a daemon that stops sending fails it after the idle timeout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiClient } from '../../src/api/client.ts';

let server: Server;
let base: string;

/** `/slow`: 8 chunks 60 ms apart (480 ms in all); `/stall`: one chunk, then nothing. */
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    if (req.url === '/stall') return void res.write('a\r\n');
    let n = 0;
    const tick = setInterval(() => {
      res.write(`${n}\r\n`);
      if (++n === 8) {
        clearInterval(tick);
        res.end();
      }
    }, 60);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const collect = async (api: ApiClient, path: string): Promise<string> => {
  let text = '';
  for await (const c of api.textChunks(path)) text += c;
  return text;
};

it('streams an export longer than the timeout while chunks keep coming', async () => {
  const api = new ApiClient(base, null, 250);
  expect(await collect(api, '/slow')).toBe('0\r\n1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n');
});

it('fails an export that stops sending for longer than the timeout', async () => {
  const api = new ApiClient(base, null, 250);
  await expect(collect(api, '/stall')).rejects.toThrow();
});
