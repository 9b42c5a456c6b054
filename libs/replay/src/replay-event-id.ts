import { createHash } from 'node:crypto';

// A fixed namespace for replayed rewards; changing it would change every replay event id.
const REPLAY_NAMESPACE = 'rollout-ledger/replay/RewardAssigned';

/**
 * A UUIDv5-style id (SHA-1 of namespace + name, version and variant bits set) for the reward that
 * `fn@version` gives `rolloutId` on replay. The same rollout and function always get the same id,
 * so replaying twice — or again after a crash — appends nothing the consumers have not deduped.
 */
export function replayEventId(rolloutId: string, rewardFn: string, rewardFnVersion: string): string {
  const name = JSON.stringify([REPLAY_NAMESPACE, rolloutId, rewardFn, rewardFnVersion]);
  const bytes = createHash('sha1').update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
