/** What counts as an answer in rates and answer rates: a person picked up (`answered`, `answered_short`); a machine does not. */
import type { Result } from './types.ts';

export function isAnswer(r: Result): boolean {
  return r === 'answered' || r === 'answered_short';
}
