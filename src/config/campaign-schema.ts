/**
 * The campaign file (config/campaigns/*.yaml) as written by ops: ONE source of truth for the
 * TypeScript type of the raw YAML, the ajv validation, and schema/campaign.schema.json that
 * editors use for completion (`# yaml-language-server: $schema=../../schema/campaign.schema.json`).
 * Semantic checks that a schema cannot express live in campaign-checks.ts.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ErrorObject } from 'ajv';
import { CAMPAIGN_STATES, RESULTS, RULE_KEYS } from '../domain/types.ts';
import { MAX_VARS_PER_RECORD, VAR_NAME_PATTERN } from '../domain/vars.ts';
import { DURATION_PATTERN } from './duration.ts';
import { addPatternHint } from './schema-errors.ts';
import { compile, StringEnum } from './schema-kit.ts';
import { NumbersSchema } from './numbers-schema.ts';

export const ID_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
export const REGION_PATTERN = '^[A-Za-z]{2}$';
export const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
addPatternHint(ID_PATTERN, 'is not a valid id (lowercase letters, digits and single dashes, e.g. spring-reminders)');
addPatternHint(REGION_PATTERN, 'is not a region (two letters, ISO 3166, e.g. RU, US)');
addPatternHint(DATE_PATTERN, 'is not a date (yyyy-mm-dd)');
addPatternHint(VAR_NAME_PATTERN, 'is not a variable name (letters, digits and _, at most 64, e.g. amount)');

export const Duration = (description: string, def?: string) =>
  Type.String({ pattern: DURATION_PATTERN, description: `${description} Duration: 30s, 10m, 1h, 1d or 1h30m.`, ...(def ? { default: def } : {}) });

/** Actions written as a bare word. */
export const WORD_ACTIONS = ['done', 'stop_number', 'next_number', 'stop_record', 'pause_campaign'] as const;

const RetryAfter = Type.Object(
  { retry_after: Duration('A new attempt after this long (counted against attempts).') },
  { additionalProperties: false, description: 'Retry later as a new, counted attempt.' },
);
export const ActionSchema = Type.Union([
  StringEnum(WORD_ACTIONS, {
    description: 'done: success. stop_number: no more dials to this number. next_number: go on with the next number of the record. stop_record: close the record. pause_campaign: pause the whole campaign.',
  }),
  RetryAfter,
]);
const RepeatRule = Type.Object(
  {
    repeat: Type.Object(
      {
        times: Type.Integer({ minimum: 0, maximum: 99, description: 'Short re-dials (not counted as attempts).' }),
        every: Duration('Time between the short re-dials.'),
      },
      { additionalProperties: false },
    ),
    then: ActionSchema,
  },
  { additionalProperties: false, description: 'Re-dial a few times shortly, then take an action.' },
);
export const RuleSchema = Type.Union([ActionSchema, RepeatRule]);

const Rules = Type.Partial(
  Type.Object(Object.fromEntries(RULE_KEYS.map((r) => [r, RuleSchema])) as Record<(typeof RULE_KEYS)[number], typeof RuleSchema>),
  {
    additionalProperties: false,
    default: {},
    description: 'What to do per result (and `interrupted`: an answered call we cut at shutdown); keys not listed use the built-in defaults.',
  },
);

const ResultValue = StringEnum(RESULTS, { description: 'The result this cause maps to.' });
const Causes = Type.Object(
  {
    sip: Type.Optional(
      Type.Record(Type.String({ pattern: '^[1-6][0-9][0-9]$' }), ResultValue, {
        additionalProperties: false,
        description: 'Final SIP response code → result.',
      }),
    ),
    q850: Type.Optional(
      Type.Record(Type.String({ pattern: '^([0-9]|[1-9][0-9]|1[01][0-9]|12[0-7])$' }), ResultValue, {
        additionalProperties: false,
        description: 'Q.850 cause code → result.',
      }),
    ),
  },
  { additionalProperties: false, default: {}, description: 'Per-campaign overrides of the cause → result table.' },
);

const AMD_PARAMS = [
  'initial_silence',
  'greeting',
  'after_greeting_silence',
  'total_analysis_time',
  'min_word_length',
  'between_words_silence',
  'maximum_number_of_words',
  'silence_threshold',
  'maximum_word_length',
] as const;
const Amd = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ default: false, description: 'Run answering-machine detection on answer.' })),
    ...Object.fromEntries(
      AMD_PARAMS.map((p) => [p, Type.Optional(Type.Number({ minimum: 0, description: 'Asterisk AMD() parameter (ms where Asterisk uses ms).' }))]),
    ),
  },
  { additionalProperties: false, default: { enabled: false }, description: 'Answering-machine detection.' },
);

const Window = Type.Object(
  {
    days: Type.String({ description: 'mon-fri, sat, mon,wed,fri, sat-sun, fri-mon (wraps), daily; full names too.' }),
    hours: Type.String({ description: 'HH:MM-HH:MM; 22:00-02:00 runs over midnight; 24:00 allowed as end.' }),
  },
  { additionalProperties: false },
);
const CallingHoursSchema = Type.Object(
  {
    timezone: Type.String({ description: 'IANA zone of the campaign, e.g. Europe/Moscow.' }),
    subscriber_local_time: Type.Optional(Type.Boolean({ default: false, description: "Evaluate windows in each subscriber's own zone(s)." })),
    windows: Type.Array(Window, { minItems: 1, description: 'When calls may be placed.' }),
    holidays: Type.Optional(Type.Array(Type.String({ pattern: DATE_PATTERN }), { default: [], description: 'yyyy-mm-dd dates with no calling.' })),
  },
  { additionalProperties: false, description: 'When dialing is allowed. Absent: any time.' },
);

const Attempts = Type.Object(
  {
    per_record: Type.Optional(Type.Integer({ minimum: 1, maximum: 99, default: 1, description: 'Counted attempts per record (1..99).' })),
    per_number: Type.Optional(Type.Integer({ minimum: 1, maximum: 99, description: 'Counted attempts per number; default per_record.' })),
    short_call: Type.Optional(Duration('Answered calls shorter than this are answered_short.', '0s')),
    technical_errors: Type.Optional(Type.Object(
      {
        first_delay: Type.Optional(Duration('First backoff after an `error`.', '1m')),
        factor: Type.Optional(Type.Number({ minimum: 1, default: 2, description: 'Backoff multiplier.' })),
        max_delay: Type.Optional(Duration('Backoff cap.', '1h')),
        free: Type.Optional(Type.Integer({ minimum: 0, default: 9, description: 'Consecutive technical results on a record not counted as attempts.' })),
      },
      { additionalProperties: false, default: {}, description: 'Backoff for the technical results (`error`, `insufficient_funds`, `trunk_rejected`).' },
    )),
  },
  { additionalProperties: false, default: {}, description: 'Attempt limits.' },
);

/** The raw campaign file. */
export const CampaignSchema = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN, description: 'Unique id: lowercase letters, digits, dashes.' }),
    name: Type.Optional(Type.String({ description: 'Human name; default the id.' })),
    state: StringEnum(CAMPAIGN_STATES, { description: 'Desired state.' }),
    start_at: Type.Optional(Type.String({ description: 'ISO 8601 instant, e.g. 2026-12-01T09:00:00+03:00 (no offset: calling_hours.timezone, else UTC).' })),
    end_at: Type.Optional(Type.String({ description: 'ISO 8601 instant after which the campaign completes.' })),
    trunk: Type.String({ minLength: 1, description: 'A trunk defined in the daemon config (dialerd.yaml).' }),
    caller_id: Type.Optional(Type.String({ minLength: 1, description: 'Caller id presented; quote it ("+7495…").' })),
    contacts: Type.Object(
      {
        file: Type.String({ minLength: 1, description: 'CSV contact list, relative to this file.' }),
        region: Type.Optional(Type.String({ pattern: REGION_PATTERN, description: 'Country for numbers written without +country, e.g. RU.' })),
      },
      { additionalProperties: false },
    ),
    variables: Type.Optional(Type.Array(Type.String({ pattern: VAR_NAME_PATTERN }), {
      maxItems: MAX_VARS_PER_RECORD,
      description: 'Contact columns sent to the PBX as channel variables (dialerd_var_<name> / DIALERD_VAR_<NAME>); any case. Absent: every valid column.',
    })),
    dnc: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Do-not-call lists (one number a line), relative to this file.' })),
    numbers: Type.Optional(NumbersSchema),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: 'Live dials at most.' })),
    calls_per_second: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 1, description: 'New dials per second at most.' })),
    ring_timeout: Type.Optional(Duration('Give up ringing after this long.', '30s')),
    amd: Type.Optional(Amd),
    on_answer: Type.Optional(Type.Object(
      {
        context: Type.Optional(Type.String({ minLength: 1, default: 'dialerd-answered' })),
        extension: Type.Optional(Type.String({ minLength: 1, default: 's' })),
        priority: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
      },
      { additionalProperties: false, default: {}, description: 'Where an answered call goes in the dialplan.' },
    )),
    calling_hours: Type.Optional(CallingHoursSchema),
    attempts: Type.Optional(Attempts),
    rules: Type.Optional(Rules),
    causes: Type.Optional(Causes),
    guards: Type.Optional(Type.Object(
      {
        same_result: Type.Optional(Type.Object(
          {
            count: Type.Integer({ minimum: 0, maximum: 1000, default: 10, description: 'Dials in a row, from as many records, with one result of invalid_number / rejected / failed / unreachable that pause the campaign (reason suspect_results) and are undone; 0 or 1: off.' }),
          },
          { additionalProperties: false, description: 'The storm guard: a trunk faking one "no" for everyone.' },
        )),
      },
      { additionalProperties: false, description: 'Automatic pauses that protect the contact list.' },
    )),
    complete_when_done: Type.Optional(Type.Boolean({ default: false, description: 'Complete the campaign once every record is final.' })),
    max_consecutive_errors: Type.Optional(Type.Integer({ minimum: 1, default: 20, description: 'Consecutive `error` results that auto-pause the campaign.' })),
    limits: Type.Optional(Type.Object(
      {
        max_dials_per_day: Type.Optional(Type.Integer({ minimum: 1, description: 'Dials per day (in calling_hours.timezone, else UTC) at most; then the campaign pauses (reason budget) until the next day.' })),
        max_talk_minutes: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Talk minutes per day at most; then the campaign pauses (reason budget) until the next day.' })),
        total_dials: Type.Optional(Type.Integer({ minimum: 1, description: 'Dials over the campaign\'s whole life at most; then it pauses (reason budget) until the limit is raised.' })),
        total_talk_minutes: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Talk minutes over the campaign\'s whole life at most (a minute package); then it pauses (reason budget) until the limit is raised.' })),
      },
      { additionalProperties: false, description: 'Daily budget and lifetime limits of the campaign.' },
    )),
  },
  { additionalProperties: false, title: 'dialerd campaign', description: 'One outbound campaign (dialerd).' },
);

/** The campaign file as YAML gives it, after defaults are applied. */
export type CampaignYaml = Static<typeof CampaignSchema>;

/** The JSON Schema document written to schema/campaign.schema.json. */
export function campaignJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...JSON.parse(JSON.stringify(CampaignSchema)),
  };
}

const validateCampaign = compile(CampaignSchema);

/** Validate (and fill defaults into) `data` in place. */
export function checkCampaignShape(data: unknown): ErrorObject[] {
  return validateCampaign(data) ? [] : [...(validateCampaign.errors ?? [])];
}
