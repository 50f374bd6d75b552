/**
 * `dialerd run --config FILE [--demo] [--speed N] [--standby]`: the daemon. SIGTERM/SIGINT stop it
 * gracefully (a second signal forces), SIGHUP reloads dialerd.yaml (its reloadable parts) and the campaign files.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_API_URL } from '../api/client.ts';
import { formatConfigError } from '../config/load-campaign.ts';
import { currentEnv } from '../config/env.ts';
import { loadDaemonConfig } from '../config/load-daemon.ts';
import { Daemon } from '../daemon/daemon.ts';
import { realScheduler } from '../lib/clock.ts';
import { VirtualScheduler } from '../lib/virtual-scheduler.ts';
import { createLogger } from '../lib/logger.ts';
import { DemoProgress } from './demo-progress.ts';
import type { Io } from './main.ts';

/** The demo's clock: calls run this many times faster than real time... */
const DEMO_SPEED = 30;
/** ...and a quiet stretch (waiting for a retry) never takes more than this much real time. */
const DEMO_MAX_GAP_MS = 20;

export interface RunFlags {
  config: string;
  demo: boolean;
  speed?: number;
  /** Wait as the hot standby of the daemon owning the prefix (a redis store only). */
  standby?: boolean;
}

export async function runCommand(flags: RunFlags, io: Io): Promise<number> {
  // The demo works with no setup: a random API token when the variable api.token_env names is unset.
  const demoToken = flags.demo ? randomBytes(24).toString('base64url') : undefined;
  const loadConfig = (): ReturnType<typeof loadDaemonConfig> => loadDaemonConfig(flags.config, currentEnv(), demoToken === undefined ? {} : { demoApiToken: demoToken });
  const loaded = await loadConfig();
  if (!loaded.ok) {
    for (const e of loaded.errors) io.err(formatConfigError(e));
    return 1;
  }
  const config = loaded.config;
  if (flags.standby && config.store.type !== 'redis') {
    io.err('--standby needs a redis store (store: { type: redis, ... }): a standby takes over the Redis key prefix of the daemon it stands by');
    return 2;
  }
  const speed = flags.speed ?? DEMO_SPEED;
  const logger = createLogger(flags.demo ? 'error' : config.logLevel);
  const demoClock = flags.demo ? new VirtualScheduler(Date.now()) : null;
  // Signals are handled from the start: one aborts Daemon.create (waiting for Redis), or stops
  // the daemon once it exists (aborting its start() when that is still running).
  const abort = new AbortController();
  let daemon: Daemon | null = null;
  let signals = 0;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const onStop = (sig: string): void => {
    signals++;
    if (signals > 1) {
      logger.warn(`${sig} again: forcing exit`);
      process.exit(130);
    }
    logger.info(`${sig}: stopping (live calls may finish; ${sig} again forces)`);
    abort.abort();
  };
  process.on('SIGTERM', () => onStop('SIGTERM'));
  process.on('SIGINT', () => onStop('SIGINT'));
  process.on('SIGHUP', () => void daemon?.reload());
  try {
    daemon = await Daemon.create({ config, logger, scheduler: demoClock ?? realScheduler, signal: abort.signal, loadConfig, standby: flags.standby === true });
  } catch (err) {
    if (abort.signal.aborted) return 0;
    throw err;
  }
  const running = daemon;
  const stop = (graceMs?: number): void => void running.stop(graceMs).then(() => resolveDone(0));
  if (abort.signal.aborted) stop(); // the signal came after the store answered
  else abort.signal.addEventListener('abort', () => stop(), { once: true });
  const progress = flags.demo ? new DemoProgress(daemon, io, demoClock ?? realScheduler) : null;
  progress?.onAllCompleted(() => stop(0));
  let finished = false;
  const paced = demoClock?.runPaced({ speed, maxGapMs: DEMO_MAX_GAP_MS, stop: () => finished });
  try {
    await daemon.start();
  } catch (err) {
    finished = true; // or the demo's paced clock keeps the process alive forever
    await paced;
    await daemon.stop(0).catch(() => undefined); // and open links (Redis, PBX) would too
    throw err;
  }
  if (loaded.demoTokenFor && daemon.apiUrl && daemon.status === 'running') {
    const api = daemon.apiUrl === DEFAULT_API_URL ? '' : ` --api ${daemon.apiUrl}`;
    io.err(`control API ${daemon.apiUrl}, token generated for this run; in another terminal: ${loaded.demoTokenFor}=${demoToken} ${selfCommand()} campaign list${api}`);
  }
  progress?.start();
  const code = await done;
  finished = true;
  await paced;
  progress?.finish();
  return code;
}

/** The command that started this process, to repeat in a hint: `node src/cli/dialerd.mjs` in a checkout, `node dist/cli/dialerd.js` when built. */
function selfCommand(): string {
  const script = process.argv[1];
  return script ? `node ${path.relative(process.cwd(), script)}` : 'dialerd';
}
