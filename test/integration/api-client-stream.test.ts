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

/** `/slow`: 10 chunks 100 ms apart (1 s in all); `/stall`: one chunk, then nothing. */
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    if (req.url === '/stall') return void res.write('a\r\n');
    let n = 0;
    const tick = setInterval(() => {
      res.write(`${n}\r\n`);
      if (++n === 10) {
        clearInterval(tick);
        res.end();
      }
    }, 100);
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
  const api = new ApiClient(base, null, 500);
  expect(await collect(api, '/slow')).toBe([...Array(10).keys()].map((n) => `${n}\r\n`).join(''));
});

it('fails an export that stops sending for longer than the timeout', async () => {
  const api = new ApiClient(base, null, 500);
  await expect(collect(api, '/stall')).rejects.toThrow();
});
