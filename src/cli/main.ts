/**
 * The `dialerd` CLI router: parse arguments (commander), call the command, return an exit
 * code. Never prints a stack trace for bad input.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerCampaignCommands } from './campaign.ts';
import { registerHistoryCommand } from './history.ts';
import { registerRecordCommands } from './record.ts';
import { runCommand } from './run.ts';
import { schemaCommand } from './schema.ts';
import { simulateCommand } from './simulate.ts';
import { registerTopCommand } from './top.ts';
import { validateCommand } from './validate.ts';

export interface Io {
  /** One message or block: a line break is added when it has none. */
  out: (s: string) => void;
  err: (s: string) => void;
  /** Raw output, as is (chunks of a streamed export); an Io without it gets the whole text by `out` at the end. */
  write?: (s: string) => void;
}

export const processIo: Io = {
  out: (s) => void process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  write: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

/** package.json's version; the same relative path from src/cli/ and dist/cli/. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const program = new Command('dialerd')
    .description('Outbound call-campaign dialer for Asterisk (ARI) and FreeSWITCH (ESL)')
    .version(version())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError();

  program
    .command('run')
    .description('run the daemon')
    .option('-c, --config <file>', 'daemon config', 'config/dialerd.yaml')
    .option('--demo', 'demo mode: accelerated clock, live progress line, exit when every campaign completes')
    .option('--speed <n>', 'clock speed-up factor (demo)', parseFloat)
    .option('--standby', 'wait as the hot standby of the daemon owning the Redis key prefix; take over when it dies')
    .action(async (o: { config: string; demo?: boolean; speed?: number; standby?: boolean }) => {
      code = await runCommand({ config: o.config, demo: Boolean(o.demo), standby: Boolean(o.standby), ...(o.speed ? { speed: o.speed } : {}) }, io);
    });

  program
    .command('validate')
    .description('check campaign files (and daemon configs); print every error as file:line:col')
    .argument('<files...>')
    .option('--contacts', "also read each campaign's contact CSV and report bad rows and numbers (nothing is stored)")
    .action(async (files: string[], o: { contacts?: boolean }) => {
      code = await validateCommand(files, io, undefined, { contacts: Boolean(o.contacts) });
    });

  program
    .command('simulate')
    .description('dry-run a campaign on the simulated PBX with a virtual clock')
    .argument('<campaign>')
    .option('--outcomes <file>', 'scripted outcomes (YAML)')
    .option('--from <iso>', 'virtual start instant (default: now)')
    .option('--until <iso|duration>', 'stop at this instant, or after this long (e.g. 30d)')
    .option('--seed <n>', 'random seed', (v) => parseInt(v, 10), 1)
    .option('--format <f>', 'jsonl | csv | summary', 'jsonl')
    .action(async (file: string, o: { outcomes?: string; from?: string; until?: string; seed: number; format: string }) => {
      code = await simulateCommand(file, o, io);
    });

  program
    .command('schema')
    .description('print the campaign JSON Schema (--daemon: the dialerd.yaml one)')
    .option('--daemon', 'the daemon config schema (schema/dialerd.schema.json)')
    .action((o: { daemon?: boolean }) => {
      io.out(schemaCommand(o.daemon ? 'daemon' : 'campaign'));
    });

  registerCampaignCommands(program, io, (c) => (code = c));
  registerHistoryCommand(program, io, (c) => (code = c));
  registerTopCommand(program, io, (c) => (code = c));
  registerRecordCommands(program, io, (c) => (code = c));

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    io.err(`dialerd: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  return code;
}
