import {
  NotifyChannel,
  type ConfigChangedPayload,
  type ConfigChangeEntity,
  type MemberChangeReason,
  type MemberChangedPayload,
} from '@lanyard/schema';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * NOTIFY inside the caller's transaction: Postgres delivers it only if the transaction commits, so a
 * listener (RADIUS cache, subscriptions) never sees a change that was rolled back.
 */
async function notify(em: EntityManager, channel: string, payload: unknown): Promise<void> {
  await em.execute('select pg_notify(?, ?)', [channel, JSON.stringify(payload)]);
}

export function notifyMemberChanged(em: EntityManager, memberId: string, reason: MemberChangeReason) {
  const payload: MemberChangedPayload = { memberId, reason, at: new Date().toISOString() };
  return notify(em, NotifyChannel.memberChanged, payload);
}

export function notifyConfigChanged(
  em: EntityManager,
  entity: ConfigChangeEntity,
  id: string,
  op: ConfigChangedPayload['op'],
) {
  const payload: ConfigChangedPayload = { entity, id, op, at: new Date().toISOString() };
  return notify(em, NotifyChannel.configChanged, payload);
}

/** Publishes a GraphQL subscription event to every API process. */
export function notifyEvent(em: EntityManager, topic: string, payload: unknown) {
  return notify(em, NotifyChannel.events, { topic, payload });
}
