/**
 * Asterisk AMD() takes its parameters positionally; campaigns name them. This builds the
 * AMD_PARAMS channel variable that dialplan/asterisk/dialerd-amd.conf passes to AMD().
 */

/** AMD()'s arguments in Asterisk's order (all milliseconds except the word count and threshold). */
export const AMD_PARAM_ORDER = [
  'initialSilence',
  'greeting',
  'afterGreetingSilence',
  'totalAnalysisTime',
  'minimumWordLength',
  'betweenWordsSilence',
  'maximumNumberOfWords',
  'silenceThreshold',
  'maximumWordLength',
] as const;

const canon = (k: string): string => k.replace(/[_-]/g, '').toLowerCase();
const INDEX = new Map<string, number>([
  ...AMD_PARAM_ORDER.map((k, i): [string, number] => [canon(k), i]),
  // the campaign file's spelling (src/config/campaign-schema.ts)
  ['minwordlength', 4],
]);

/**
 * `{ initialSilence: 2500, maximum_number_of_words: 5 }` → `"2500,,,,,,5"`. Unknown names are
 * returned in `unknown` (the caller logs them); missing ones stay empty and take amd.conf's value.
 */
export function amdParamString(params: Record<string, number>): { value: string; unknown: string[] } {
  const slots: string[] = [];
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    const i = INDEX.get(canon(k));
    if (i === undefined || !Number.isFinite(v)) unknown.push(k);
    else slots[i] = String(Math.round(v));
  }
  const value = Array.from({ length: slots.length }, (_, i) => slots[i] ?? '').join(',');
  return { value, unknown };
}
