/**
 * Which valid numbers a campaign dials (the campaign's `numbers:` section). A valid number can
 * still be one nobody wants a campaign to reach by accident: premium-rate, shared-cost and UAN
 * numbers cost the caller money, pagers cannot talk, and a toll-free number of another country is
 * charged or unreachable from here. Those types are blocked unless `allow_types` opens them;
 * `countries` optionally restricts destinations. Pure.
 */
import { callingCodeOf, type ValidNumber } from './numbers.ts';

/** Number types blocked unless the campaign lists them in `numbers.allow_types`. */
export const BLOCKABLE_TYPES = ['premium_rate', 'shared_cost', 'uan', 'pager', 'toll_free_foreign'] as const;
export type BlockableType = (typeof BLOCKABLE_TYPES)[number];

/** `dial_once`: a number in several records is dialled for the first only; `dial_each`: for each. */
export const DUPLICATE_POLICIES = ['dial_once', 'dial_each'] as const;
export type DuplicatePolicy = (typeof DUPLICATE_POLICIES)[number];

export interface NumberPolicy {
  /** Blockable types dialled anyway. */
  allowTypes: readonly BlockableType[];
  /** Destination countries (ISO 3166 alpha-2, upper case); null: any. */
  countries: readonly string[] | null;
  duplicates: DuplicatePolicy;
}

export const DEFAULT_NUMBER_POLICY: NumberPolicy = Object.freeze({ allowTypes: [], countries: null, duplicates: 'dial_once' });

/** Why a valid number is not dialled: its country is not in `countries`, or its type is blocked. */
export interface PolicyRejection {
  reason: 'country' | 'number_type';
  /** The number's country (`US`, `non-geographic`) or its blocked type (`premium_rate`). */
  detail: string;
}

/** Why `n` is not dialled under `policy` in a campaign whose region is `region`; null when it is. */
export function policyRejection(n: ValidNumber, region: string | null, policy: NumberPolicy): PolicyRejection | null {
  if (policy.countries !== null && (n.country === null || !policy.countries.includes(n.country))) {
    return { reason: 'country', detail: n.country ?? 'non-geographic' };
  }
  const type = blockableType(n, region);
  if (type !== null && !policy.allowTypes.includes(type)) return { reason: 'number_type', detail: type };
  return null;
}

/**
 * The blockable type of `n`, if any. A toll-free number is foreign when its calling code is not
 * the region's (so +1 800 is domestic in a US or a CA list alike), and always without a region:
 * nothing says where it is dialled from.
 */
export function blockableType(n: ValidNumber, region: string | null): BlockableType | null {
  if (n.type === 'toll_free') return region !== null && callingCodeOf(region) === n.callingCode ? null : 'toll_free_foreign';
  return (BLOCKABLE_TYPES as readonly (string | null)[]).includes(n.type) ? (n.type as BlockableType) : null;
}
