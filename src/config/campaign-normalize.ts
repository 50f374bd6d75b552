/**
 * A validated campaign document → the frozen CampaignSpec the rest of dialerd reads
 * (durations in seconds, instants in epoch ms, absolute paths, a rule for every result).
 * Only called once schema and semantic checks found nothing, so values are trusted here.
 */
import { resolve } from 'node:path';
import { DEFAULT_STORM_COUNT } from '../domain/guards.ts';
import { DEFAULT_RULES } from '../domain/rules.ts';
import type { CallingHours, CampaignSpec, CauseOverrides, Result, Rule, RuleKey } from '../domain/types.ts';
import { RULE_KEYS } from '../domain/types.ts';
import type { CampaignYaml } from './campaign-schema.ts';
import { parseInstant } from './campaign-checks.ts';
import { parseDuration } from './duration.ts';
import { deepFreeze } from './freeze.ts';
import { normalizeNumbers } from './numbers-schema.ts';
import { parseDays, parseHours } from '../domain/windows.ts';

/** `raw` has had the schema's defaults applied. */
export function normalizeCampaign(raw: CampaignYaml, rules: Partial<Record<RuleKey, Rule>>, source: string, dir: string): CampaignSpec {
  const a = raw.attempts ?? {};
  const te = a.technical_errors ?? {};
  const perRecord = a.per_record ?? 1;
  const callingHours = normalizeHours(raw.calling_hours);
  const zone = callingHours?.timezone ?? null;
  const { enabled, ...amdParams } = raw.amd ?? {};
  const spec: CampaignSpec = {
    id: raw.id,
    name: raw.name ?? raw.id,
    state: raw.state,
    startAt: raw.start_at === undefined ? null : parseInstant(raw.start_at, zone),
    endAt: raw.end_at === undefined ? null : parseInstant(raw.end_at, zone),
    trunk: raw.trunk,
    callerId: raw.caller_id ?? null,
    contacts: { file: resolve(dir, raw.contacts.file), region: raw.contacts.region?.toUpperCase() ?? null },
    variables: raw.variables === undefined ? null : [...new Set(raw.variables.map((n) => n.toLowerCase()))],
    dnc: (raw.dnc ?? []).map((f) => resolve(dir, f)),
    numbers: normalizeNumbers(raw.numbers),
    concurrency: raw.concurrency ?? 1,
    callsPerSecond: raw.calls_per_second ?? 1,
    ringTimeoutSeconds: seconds(raw.ring_timeout, '30s'),
    amd: { enabled: enabled ?? false, params: amdParams as Record<string, number> },
    onAnswer: {
      context: raw.on_answer?.context ?? 'dialerd-answered',
      extension: raw.on_answer?.extension ?? 's',
      priority: raw.on_answer?.priority ?? 1,
    },
    callingHours,
    attempts: {
      perRecord,
      perNumber: a.per_number ?? perRecord,
      shortCallSeconds: seconds(a.short_call, '0s'),
      technicalErrors: {
        firstDelaySeconds: seconds(te.first_delay, '1m'),
        factor: te.factor ?? 2,
        maxDelaySeconds: seconds(te.max_delay, '1h'),
        free: te.free ?? 9,
      },
    },
    rules: Object.fromEntries(RULE_KEYS.map((r) => [r, rules[r] ?? structuredClone(DEFAULT_RULES[r])])) as Record<RuleKey, Rule>,
    causes: normalizeCauses(raw.causes),
    completeWhenDone: raw.complete_when_done ?? false,
    maxConsecutiveErrors: raw.max_consecutive_errors ?? 20,
    limits: {
      maxDialsPerDay: raw.limits?.max_dials_per_day ?? null,
      maxTalkSeconds: raw.limits?.max_talk_minutes === undefined ? null : raw.limits.max_talk_minutes * 60,
      totalDials: raw.limits?.total_dials ?? null,
      totalTalkSeconds: raw.limits?.total_talk_minutes === undefined ? null : raw.limits.total_talk_minutes * 60,
    },
    guards: { sameResultCount: raw.guards?.same_result?.count ?? DEFAULT_STORM_COUNT },
    source,
  };
  return deepFreeze(spec);
}

function normalizeHours(ch: CampaignYaml['calling_hours']): CallingHours | null {
  if (ch === undefined) return null;
  return {
    timezone: ch.timezone,
    subscriberLocalTime: ch.subscriber_local_time ?? false,
    windows: ch.windows.map((w) => ({ days: parseDays(w.days) ?? [], ...(parseHours(w.hours) ?? { startMinute: 0, endMinute: 0 }) })),
    holidays: [...(ch.holidays ?? [])],
  };
}

function normalizeCauses(c: CampaignYaml['causes']): CauseOverrides {
  const table = (t: Record<string, Result> | undefined): Record<number, Result> =>
    Object.fromEntries(Object.entries(t ?? {}).map(([k, v]) => [Number(k), v]));
  return { sip: table(c?.sip), q850: table(c?.q850) };
}

function seconds(v: string | undefined, fallback: string): number {
  return parseDuration(v ?? fallback) ?? 0;
}
