import dgram from 'node:dgram';
import WebSocket from 'ws';
import { asterisk, ARI, endpointAt } from '/work/wt-fidelity/test/e2e/asterisk/harness.ts';
await asterisk('start');
const auth = 'Basic ' + Buffer.from(`${ARI.username}:${ARI.password}`).toString('base64');
const ws = new WebSocket(`ws://127.0.0.1:18088/ari/events?app=probe&api_key=dialer:dialerpw`);
await new Promise((r) => ws.on('open', r));
const t0 = Date.now();
ws.on('message', (m) => { const e = JSON.parse(String(m)); const ch = e.channel ?? e.peer; if (!ch || !String(ch.id).startsWith('probe')) return;
  console.log(Date.now() - t0, ch.id, e.type, JSON.stringify({ state: ch.state, cause: e.cause, tech: e.tech_cause, txt: e.cause_txt, ds: e.dialstatus, soft: e.soft })); });
const bh = dgram.createSocket('udp4'); await new Promise<void>((r) => bh.bind(15098, '127.0.0.1', () => r()));
bh.on('message', (m) => console.log(Date.now()-t0, 'blackhole got', String(m).split('\r\n')[0]));
for (const [id, port] of [['probe-closed', 15099], ['probe-blackhole', 15098]] as const) {
  const q = new URLSearchParams({ endpoint: endpointAt(port, '1000'), app: 'probe', timeout: '5' });
  const r = await fetch(`${ARI.url}/ari/channels/${id}-${Date.now()}?${q}`, { method: 'POST', headers: { Authorization: auth } });
  console.log('POST', id, r.status, (await r.text()).slice(0, 100));
}
await new Promise((r) => setTimeout(r, 40000));
bh.close(); ws.close();
await asterisk('stop');
