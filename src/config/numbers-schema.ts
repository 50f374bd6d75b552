/**
 * The campaign's `numbers:` section (part of campaign-schema.ts): which valid numbers it dials
 * (domain/number-policy.ts). Country codes are checked against libphonenumber's list in
 * campaign-checks.ts; unknown type names fail the schema's enum, with a did-you-mean.
 */
import { Type } from '@sinclair/typebox';
import { BLOCKABLE_TYPES, DEFAULT_NUMBER_POLICY, DUPLICATE_POLICIES, type NumberPolicy } from '../domain/number-policy.ts';
import { StringEnum } from './schema-kit.ts';

/** campaign-schema.ts's REGION_PATTERN (its error hint applies); not imported, that file imports this one. */
const REGION = '^[A-Za-z]{2}$';

export const NumbersSchema = Type.Object(
  {
    allow_types: Type.Optional(Type.Array(StringEnum(BLOCKABLE_TYPES), {
      uniqueItems: true,
      default: [],
      description: 'Number types blocked by default that this campaign dials anyway: premium_rate, shared_cost, uan, pager, toll_free_foreign (a toll-free number of another country code than contacts.region).',
    })),
    countries: Type.Optional(Type.Array(Type.String({ pattern: REGION }), {
      minItems: 1,
      description: 'Dial only numbers of these countries (ISO 3166 alpha-2, e.g. [RU, KZ]); others are not dialled (reason country). Absent: any country.',
    })),
    duplicates: Type.Optional(StringEnum(DUPLICATE_POLICIES, {
      default: 'dial_once',
      description: 'A number in several records: dial_once dials it for the first record only (later ones are reported and skipped); dial_each dials it for each.',
    })),
  },
  { additionalProperties: false, default: {}, description: 'Which valid numbers are dialled.' },
);

/** The section as the file gives it (defaults applied) → the policy. */
export function normalizeNumbers(raw: { allow_types?: string[]; countries?: string[]; duplicates?: string } | undefined): NumberPolicy {
  return {
    allowTypes: (raw?.allow_types ?? DEFAULT_NUMBER_POLICY.allowTypes) as NumberPolicy['allowTypes'],
    countries: raw?.countries === undefined ? null : [...new Set(raw.countries.map((c) => c.toUpperCase()))],
    duplicates: (raw?.duplicates ?? DEFAULT_NUMBER_POLICY.duplicates) as NumberPolicy['duplicates'],
  };
}
