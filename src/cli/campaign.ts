/**
 * `dialerd campaign list|status|pause|resume|complete|remove|add` — thin: parse arguments, call
 * the daemon's control API, print. Human-readable by default, `--json` for machines. Exit codes:
 * 0 done, 1 failed (refused, not found, daemon unreachable), 2 usage.
 */
import type { Command } from 'commander';
import { ApiClient, ApiError, ApiUnreachable, DEFAULT_API_URL, seg } from '../api/client.ts';
import type { ContactInput } from '../api/contacts.ts';
import { jsonBatches } from '../api/limits.ts';
import { MAX_CONTACTS_PER_REQUEST, type AddRecordsReply, type RemoveRecordReply } from '../api/routes-campaigns.ts';
import type { CampaignView } from '../api/views.ts';
import { readApiClientConfig } from '../config/api-client-config.ts';
import { currentEnv } from '../config/env.ts';
import { layoutColumns, rawNumbers, rowVars } from '../contacts/columns.ts';
import { readCsvRows } from '../contacts/csv-source.ts';
import { isDialerdError } from '../lib/errors.ts';
import { terminalJson, terminalSafe, terminalText } from '../lib/terminal-safe.ts';
import type { Io } from './main.ts';
import { etaCell, progressLines } from './progress-text.ts';
import { configLines, importingText } from './status-config.ts';
import { table } from './tables.ts';

/** Options every API command takes. */
export interface ApiFlags {
  api?: string;
  config?: string;
  json?: boolean;
}

/** Adds `--api`, `--config` and `--json` to a command. */
export function apiOptions(cmd: Command): Command {
  return cmd
    .option('--api <url>', `control API base URL (default: $DIALERD_API, else --config's api.listen, else ${DEFAULT_API_URL})`)
    .option('--config <file>', "the daemon's dialerd.yaml: its api.listen and the token in the variable api.token_env names")
    .option('--json', 'print the API answer as JSON');
}

/**
 * The client for the flags. URL: --api, $DIALERD_API, --config's api.listen, the default.
 * Token: the variable --config's api.token_env names, else $DIALERD_API_TOKEN (never a flag:
 * command lines are visible to every user of the host).
 */
export async function apiClient(flags: ApiFlags, env: NodeJS.ProcessEnv = currentEnv()): Promise<ApiClient> {
  const file = flags.config === undefined ? null : await readApiClientConfig(flags.config, env);
  return new ApiClient(flags.api ?? env.DIALERD_API ?? file?.url ?? DEFAULT_API_URL, file?.token ?? (env.DIALERD_API_TOKEN || null));
}

/** Run `fn` against the API; print a one-line error and return the exit code on failure. */
export async function withApi(io: Io, flags: ApiFlags, fn: (api: ApiClient) => Promise<void>): Promise<number> {
  try {
    await fn(await apiClient(flags));
    return 0;
  } catch (err) {
    // Messages may quote ids and text from the daemon: never raw on a terminal.
    const say = (line: string): void => io.err(terminalText(line));
    if (err instanceof ApiError) {
      const hint = err.code === 'DIALERD_ERR_UNAUTHORIZED' ? '; set DIALERD_API_TOKEN or pass --config <dialerd.yaml>' : '';
      say(`dialerd: ${err.message} (${err.code})${hint}`);
      return err.code === 'DIALERD_ERR_USAGE' ? 2 : 1;
    }
    if (err instanceof ApiUnreachable) say(`dialerd: ${err.message}`);
    else if (isDialerdError(err)) say(`dialerd: ${err.message} (${err.code})`);
    else say(`dialerd: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

const counts = (o: Record<string, number | undefined>): string =>
  Object.entries(o)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '-';

const stateText = (c: CampaignView): string =>
  (c.state === 'paused' ? `paused (${c.pauseReason ?? '?'}${c.pauseDetail ? `: ${c.pauseDetail}` : ''})` : c.state) +
  (c.importing ? `, ${importingText(c)}` : '');

function listText(cs: CampaignView[]): string {
  if (cs.length === 0) return 'no campaigns';
  return table(
    ['CAMPAIGN', 'STATE', 'LIVE', 'PENDING', 'WAITING', 'FINAL', 'DIALS', '%FINAL', 'DIALS/MIN', 'ETA'],
    cs.map((c) => [c.id, stateText(c), c.live, c.records.pending ?? 0, c.records.waiting ?? 0, c.progress.final, c.dials, c.progress.percentFinal, c.dialsPerMinute, etaCell(c)]),
  );
}

function statusText(c: CampaignView): string {
  return [
    `campaign  ${c.id}${c.name !== c.id ? ` (${c.name})` : ''}`,
    `state     ${stateText(c)}`,
    `trunk     ${c.trunk}`,
    `live      ${c.live}`,
    `records   ${counts(c.records)}`,
    `results   ${counts(c.results)}`,
    `dials     ${c.dials}`,
    ...progressLines(c),
    ...configLines(c),
  ].join('\n');
}

/** Contacts of a CSV file (same columns as a campaign's contact list), with their line numbers. */
async function readContactFile(file: string, warn: (s: string) => void): Promise<{ contacts: ContactInput[]; lines: number[] }> {
  const contacts: ContactInput[] = [];
  const lines: number[] = [];
  let layout: ReturnType<typeof layoutColumns> | null = null;
  for await (const row of readCsvRows(file, (s) => warn(`${file}:${s.line}: ${s.message}`))) {
    if (layout === null) {
      layout = layoutColumns(row.fields);
      if (layout.phones.length === 0 && layout.phoneList === null) throw new ApiError('DIALERD_ERR_CONTACTS', 400, `${file}: no phone column (phone, phone1…N or phones)`);
      for (const p of layout.problems) warn(`${file}:${row.line}: ${p}`);
      continue;
    }
    const { vars, notes } = rowVars(layout, row.fields);
    for (const n of notes) warn(`${file}:${row.line}: ${n}`);
    const tz = layout.timezone === null ? '' : (row.fields[layout.timezone] ?? '');
    const id = (layout.id === null ? '' : (row.fields[layout.id] ?? '')) || `line-${row.line}`;
    contacts.push({ id, phones: rawNumbers(layout, row.fields), ...(tz ? { timezone: tz } : {}), vars });
    lines.push(row.line);
  }
  if (layout === null) throw new ApiError('DIALERD_ERR_CONTACTS', 400, `${file}: no header row`);
  return { contacts, lines };
}

async function addFile(api: ApiClient, id: string, file: string, io: Io): Promise<AddRecordsReply> {
  const warn = (line: string): void => io.err(terminalText(line));
  const { contacts, lines } = await readContactFile(file, warn);
  const total: AddRecordsReply = { received: 0, added: 0, existing: 0, valid: 0, invalid: 0, duplicateIds: 0, duplicateNumbers: 0, problems: [] };
  for (const [at, batch] of jsonBatches(contacts, MAX_CONTACTS_PER_REQUEST)) {
    const r = await api.json<AddRecordsReply>('POST', `/campaigns/${seg(id)}/records`, batch);
    total.received += r.received;
    total.added += r.added;
    total.existing += r.existing;
    total.valid += r.valid;
    total.invalid += r.invalid;
    total.duplicateIds += r.duplicateIds;
    total.duplicateNumbers += r.duplicateNumbers;
    // Index within the whole file, so `lines` names the CSV line.
    total.problems.push(...r.problems.map((p) => ({ ...p, index: p.index + at })));
  }
  for (const p of total.problems.slice(0, 20)) warn(`${file}:${lines[p.index] ?? '?'}: record "${terminalSafe(p.id)}": ${p.message}`);
  if (total.problems.length > 20) io.err(`… and ${total.problems.length - 20} more problems`);
  return total;
}

/** Registers `campaign …` on the program; `done(code)` receives the exit code. */
export function registerCampaignCommands(program: Command, io: Io, done: (code: number) => void): void {
  const campaign = program.command('campaign').description('control campaigns of a running daemon (its control API)');
  // Ids, names and pause details come from campaign files, contact lists and the PBX.
  const out = (flags: ApiFlags, data: unknown, human: string): void =>
    io.out(flags.json ? terminalJson(JSON.stringify(data, null, 2)) : terminalText(human));

  apiOptions(campaign.command('list').description('every campaign: state, live calls, record counts, percent final, dial rate, ETA')).action(async (f: ApiFlags) => {
    done(await withApi(io, f, async (api) => {
      const r = await api.json<{ campaigns: CampaignView[] }>('GET', '/campaigns');
      out(f, r, listText(r.campaigns));
    }));
  });

  apiOptions(campaign.command('status').argument('<id>').description('one campaign: state, counts per record state and per result, rates, ETA')).action(
    async (id: string, f: ApiFlags) => {
      done(await withApi(io, f, async (api) => {
        const c = await api.json<CampaignView>('GET', `/campaigns/${seg(id)}`);
        out(f, c, statusText(c));
      }));
    },
  );

  const verbs: [verb: 'pause' | 'resume' | 'complete', what: string][] = [
    ['pause', 'pause: live calls finish, no new call starts'],
    ['resume', 'resume (refused while an automatic pause reason holds)'],
    ['complete', 'complete: records not finished yet are cancelled'],
  ];
  for (const [verb, what] of verbs) {
    apiOptions(campaign.command(verb).argument('<id>').description(what)).action(async (id: string, f: ApiFlags) => {
      done(await withApi(io, f, async (api) => {
        const c = await api.json<CampaignView>('POST', `/campaigns/${seg(id)}/${verb}`);
        out(f, c, `campaign ${c.id}: ${stateText(c)}${c.live > 0 ? `, ${c.live} live calls finishing` : ''}`);
      }));
    });
  }

  apiOptions(campaign.command('remove').argument('<id>').argument('<record>').description('remove a record (a live call on it is hung up)')).action(
    async (id: string, record: string, f: ApiFlags) => {
      done(await withApi(io, f, async (api) => {
        const r = await api.json<RemoveRecordReply>('DELETE', `/campaigns/${seg(id)}/records/${seg(record)}`);
        out(f, r, `record ${r.record} of ${r.campaign}: ${r.changed ? 'removed' : 'already removed'}`);
      }));
    },
  );

  apiOptions(campaign.command('add').argument('<id>').argument('<file>').description('add the records of a CSV file (contact-list columns) to a campaign')).action(
    async (id: string, file: string, f: ApiFlags) => {
      done(await withApi(io, f, async (api) => {
        const r = await addFile(api, id, file, io);
        out(f, r, `campaign ${id}: ${r.added} records added (${r.valid} valid, ${r.invalid} invalid), ${r.existing} already present, ${r.duplicateIds} duplicate ids`);
      }));
    },
  );
}
