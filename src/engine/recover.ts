/**
 * Recovery of claims left behind: records `dialing` in the store with no live dial, because the
 * daemon died between claimDue and putLiveDial, or a claim's reply or a putLiveDial was lost
 * with the store link. Without it such records never dial again and the campaign never
 * completes. Run it from the campaign's pump, which is the only claimer of that campaign, so no
 * claim of ours is in flight.
 */
import type { Store } from '../store/port.ts';

/** `ownLive`: record ids of this campaign's dials the engine holds. Returns how many moved. */
export async function recoverClaims(store: Store, campaign: string, ownLive: Iterable<string>): Promise<number> {
  const live = new Set(ownLive);
  // Dials another run left live (not reconciled yet, e.g. their PBX is down) keep their record.
  for (const l of await store.liveDials()) if (l.campaign === campaign) live.add(l.record);
  return store.recoverDialing(campaign, [...live]);
}
