/** Build CampaignSpecs and records for engine tests without YAML. */
import { DEFAULT_NUMBER_POLICY } from '../../src/domain/number-policy.ts';
import { newRecord } from '../../src/domain/record.ts';
import { DEFAULT_RULES } from '../../src/domain/rules.ts';
import type { CampaignSpec, DialRecord, Result, Rule } from '../../src/domain/types.ts';

export function makeSpec(over: Partial<Omit<CampaignSpec, 'rules'>> & { rules?: Partial<Record<Result, Rule>> } = {}): CampaignSpec {
  const { rules, ...rest } = over;
  return {
    id: 'c1',
    name: 'test',
    state: 'running',
    startAt: null,
    endAt: null,
    trunk: 't1',
    callerId: '+74950000000',
    contacts: { file: '/dev/null', region: 'RU' },
    variables: null,
    dnc: [],
    numbers: DEFAULT_NUMBER_POLICY,
    concurrency: 5,
    callsPerSecond: 1000,
    ringTimeoutSeconds: 30,
    amd: { enabled: false, params: {} },
    onAnswer: { context: 'dialerd-answered', extension: 's', priority: 1 },
    callingHours: null,
    attempts: {
      perRecord: 5,
      perNumber: 3,
      shortCallSeconds: 10,
      technicalErrors: { firstDelaySeconds: 60, factor: 2, maxDelaySeconds: 3600, free: 9 },
    },
    completeWhenDone: true,
    maxConsecutiveErrors: 1000,
    limits: { maxDialsPerDay: null, maxTalkSeconds: null, totalDials: null, totalTalkSeconds: null },
    guards: { sameResultCount: 10 },
    source: '/dev/null',
    ...rest,
    rules: { ...DEFAULT_RULES, ...rules },
    causes: rest.causes ?? { sip: {}, q850: {} },
  };
}

export function makeRecord(campaign: string, id: string, numbers: string[], nextAt: number, vars: Record<string, string> = {}): DialRecord {
  return newRecord({ campaign, id, numbers, nextAt, vars });
}

/** n records with distinct RU mobile numbers. */
export function makeRecords(campaign: string, n: number, at: number, base = 79160000000): DialRecord[] {
  return Array.from({ length: n }, (_, i) => makeRecord(campaign, `r${i}`, [`+${base + i}`], at));
}
