/**
 * Default rule per rule key (each result, and `interrupted`), used for every key a campaign's `rules:` does not list.
 * Modelled on the seeds' redial deck (domain.md §4). Documented in the README.
 */
import type { Rule, RuleKey } from './types.ts';

const H = 3600;
const M = 60;

export const DEFAULT_RULES: Readonly<Record<RuleKey, Rule>> = Object.freeze({
  answered: { repeat: null, then: { kind: 'done' } },
  answered_short: { repeat: null, then: { kind: 'retry_after', seconds: 30 * M } },
  machine: { repeat: null, then: { kind: 'retry_after', seconds: 24 * H } },
  silence: { repeat: { times: 1, everySeconds: 2 * M }, then: { kind: 'stop_number' } },
  busy: { repeat: { times: 3, everySeconds: 10 * M }, then: { kind: 'retry_after', seconds: 1 * H } },
  no_answer: { repeat: null, then: { kind: 'retry_after', seconds: 1 * H } },
  rejected: { repeat: null, then: { kind: 'retry_after', seconds: 3 * H } },
  unreachable: { repeat: null, then: { kind: 'retry_after', seconds: 1 * H } },
  invalid_number: { repeat: null, then: { kind: 'stop_number' } },
  congestion: { repeat: { times: 3, everySeconds: 10 * M }, then: { kind: 'retry_after', seconds: 1 * H } },
  failed: { repeat: { times: 3, everySeconds: 10 * M }, then: { kind: 'stop_number' } },
  // The technical results follow attempts.technical_errors (backoff, free errors); these rows are not used.
  insufficient_funds: { repeat: null, then: { kind: 'retry_after', seconds: 1 * M } },
  trunk_rejected: { repeat: null, then: { kind: 'retry_after', seconds: 1 * M } },
  error: { repeat: null, then: { kind: 'retry_after', seconds: 1 * M } },
  // We aborted the dial ourselves: the record goes back to waiting, nothing is counted.
  cancelled: { repeat: null, then: { kind: 'retry_after', seconds: 0 } },
  // Its outcome could not be recovered (restart, PBX link): it may have rung or been answered, so not at once.
  lost: { repeat: null, then: { kind: 'retry_after', seconds: 1 * H } },
  // Not a result: an answered call we cut (shutdown). A real conversation, never a short call: called again later.
  interrupted: { repeat: null, then: { kind: 'retry_after', seconds: 1 * H } },
});
