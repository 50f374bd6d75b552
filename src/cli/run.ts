/**
 * `dialerd run --config FILE [--demo] [--speed N]`: the daemon. SIGTERM/SIGINT stop it
 * gracefully (a second signal forces), SIGHUP reloads campaign files.
 */
import { formatConfigError } from '../config/load-campaign.ts';
import { loadDaemonConfig } from '../config/load-daemon.ts';
import { Daemon } from '../daemon.ts';
import { scaledScheduler } from '../lib/clock.ts';
import { createLogger } from '../lib/logger.ts';
import { DemoProgress } from './demo-progress.ts';
import type { Io } from './main.ts';

export interface RunFlags {
  config: string;
  demo: boolean;
  speed?: number;
}

export async function runCommand(flags: RunFlags, io: Io): Promise<number> {
  const loaded = await loadDaemonConfig(flags.config, process.env);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.err(formatConfigError(e));
    return 1;
  }
  const config = loaded.config;
  const speed = flags.speed ?? (flags.demo ? 300 : 1);
  const logger = createLogger(flags.demo ? 'warn' : config.logLevel);
  const daemon = await Daemon.create({ config, logger, scheduler: scaledScheduler(speed) });
  const progress = flags.demo ? new DemoProgress(daemon, io, speed) : null;

  let signals = 0;
  const done = new Promise<number>((resolve) => {
    const onStop = (sig: string): void => {
      signals++;
      if (signals > 1) {
        logger.warn(`${sig} again: forcing exit`);
        process.exit(130);
      }
      logger.info(`${sig}: stopping (live calls may finish; ${sig} again forces)`);
      void daemon.stop().then(() => resolve(0));
    };
    process.on('SIGTERM', () => onStop('SIGTERM'));
    process.on('SIGINT', () => onStop('SIGINT'));
    process.on('SIGHUP', () => void daemon.reload());
    progress?.onAllCompleted(() => void daemon.stop(0).then(() => resolve(0)));
  });
  await daemon.start();
  progress?.start();
  const code = await done;
  progress?.finish();
  return code;
}
