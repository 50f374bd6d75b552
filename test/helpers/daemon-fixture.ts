/**
 * A throwaway daemon setup on disk for integration tests: dialerd.yaml (sim PBX, one trunk,
 * memory or Redis store), campaign files, contact lists and a sim outcomes file in a tmp dir.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FixtureOptions {
  /** Redis URL, or null for the memory store. */
  redisUrl: string | null;
  /** Key prefix (Redis): distinct per test so tests sharing a server never meet. */
  prefix?: string;
  /** Sim outcomes YAML. Default: every call rings 1 s and talks 2 s. */
  outcomes?: string;
  shutdownGrace?: string;
  maxConcurrency?: number;
  trunkConcurrency?: number;
  callsPerSecond?: number;
  /** Default info. */
  logLevel?: string;
  /** More dialerd.yaml lines, appended as they are (e.g. an `api:` key). */
  extraConfig?: string;
}

export interface Fixture {
  dir: string;
  configFile: string;
  campaignsDir: string;
  /** Write (or overwrite) campaigns/<name>.yaml. */
  writeCampaign(name: string, yaml: string): string;
  /** Write a contacts CSV (relative name in the fixture dir); returns its path. */
  writeContacts(name: string, csv: string): string;
  remove(): void;
}

export const QUICK_OUTCOMES = 'default: { ring: 1s, then: { answer: 2s } }\n';

export function makeFixture(o: FixtureOptions): Fixture {
  const dir = mkdtempSync(path.join(tmpdir(), 'dialerd-daemon-'));
  const campaignsDir = path.join(dir, 'campaigns');
  mkdirSync(campaignsDir);
  writeFileSync(path.join(dir, 'outcomes.yaml'), o.outcomes ?? QUICK_OUTCOMES);
  const store = o.redisUrl ? `{ type: redis, url: "${o.redisUrl}", prefix: "${o.prefix ?? 'dialerd:'}" }` : '{ type: memory }';
  const configFile = path.join(dir, 'dialerd.yaml');
  writeFileSync(
    configFile,
    `log_level: ${o.logLevel ?? 'info'}
max_concurrency: ${o.maxConcurrency ?? 50}
shutdown_grace: ${o.shutdownGrace ?? '30s'}
campaigns_dir: campaigns
store: ${store}
pbxes:
  sim: { type: sim, outcomes: outcomes.yaml, seed: 1 }
trunks:
  t1: { pbx: sim, endpoint: "SIM/{number}", concurrency: ${o.trunkConcurrency ?? 50}, calls_per_second: ${o.callsPerSecond ?? 100} }
${o.extraConfig ?? ''}`,
  );
  return {
    dir,
    configFile,
    campaignsDir,
    writeCampaign(name, yaml) {
      const file = path.join(campaignsDir, `${name}.yaml`);
      writeFileSync(file, yaml);
      return file;
    },
    writeContacts(name, csv) {
      const file = path.join(dir, name);
      writeFileSync(file, csv);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A contacts CSV with `n` records r1..rn, distinct RU mobile numbers from `base`. */
export function contactsCsv(n: number, base = 79160000000): string {
  return `id,phone\n${Array.from({ length: n }, (_, i) => `r${i + 1},+${base + i + 1}`).join('\n')}\n`;
}

/** Rules that end every record after its first dial: answered → done, anything else → stop_record. */
export const ONE_DIAL_RULES = `rules:
  answered: done
  answered_short: done
  machine: stop_record
  silence: stop_record
  busy: stop_record
  no_answer: stop_record
  rejected: stop_record
  unreachable: stop_record
  invalid_number: stop_record
  congestion: stop_record
  failed: stop_record
`;

export interface CampaignOptions {
  id: string;
  contacts: string;
  concurrency?: number;
  callsPerSecond?: number;
  dnc?: string[];
  completeWhenDone?: boolean;
  /** Extra YAML appended as is. */
  extra?: string;
}

/**
 * A campaign that dials every record once: answered → done, anything else → stop_record,
 * technical errors retried after 1 s (so an outage costs seconds, not minutes).
 */
export function campaignYaml(c: CampaignOptions): string {
  return `id: ${c.id}
state: running
trunk: t1
contacts: { file: ../${c.contacts}, region: RU }
${c.dnc ? `dnc: [${c.dnc.map((d) => `../${d}`).join(', ')}]\n` : ''}concurrency: ${c.concurrency ?? 5}
calls_per_second: ${c.callsPerSecond ?? 50}
ring_timeout: 30s
complete_when_done: ${c.completeWhenDone ?? true}
attempts: { short_call: 1s, technical_errors: { first_delay: 1s, factor: 1, max_delay: 1s, free: 9 } }
${ONE_DIAL_RULES}${c.extra ?? ''}`;
}
