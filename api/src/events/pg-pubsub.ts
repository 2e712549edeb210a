import { NotifyChannel, type EventsPayload, type MemberChangedPayload } from '@lanyard/schema';
import type pg from 'pg';
import type { PubSub } from 'type-graphql';
import type { Logger } from '../common/logger.js';
import type { PgListener } from './pg-listener.js';

export const Topic = {
  syncRunEvents: 'SYNC_RUN_EVENTS',
  memberChanged: 'MEMBER_CHANGED',
} as const;

/**
 * type-graphql PubSub whose transport is Postgres NOTIFY, so a subscriber connected to one API
 * process receives events raised in any other. Each process fans notifications out locally.
 */
export class PgPubSub implements PubSub {
  private readonly subscribers = new Map<string, Set<(payload: unknown) => void>>();

  constructor(
    private readonly pool: pg.Pool,
    listener: PgListener,
    private readonly logger: Logger,
  ) {
    listener.on(NotifyChannel.events, (raw) => {
      const msg = safeParse<EventsPayload>(raw);
      if (msg && typeof msg.topic === 'string') this.deliver(msg.topic, msg.payload);
    });
    listener.on(NotifyChannel.memberChanged, (raw) => {
      const msg = safeParse<MemberChangedPayload>(raw);
      if (msg?.memberId) this.deliver(Topic.memberChanged, msg);
    });
  }

  publish(routingKey: string, ...args: unknown[]): void {
    const payload: EventsPayload = { topic: routingKey, payload: args[0] };
    this.pool
      .query('select pg_notify($1, $2)', [NotifyChannel.events, JSON.stringify(payload)])
      .catch((err: Error) => this.logger.error({ err: err.message, topic: routingKey }, 'publish failed'));
  }

  subscribe(routingKey: string, dynamicId?: unknown): AsyncIterable<unknown> {
    const key = dynamicId === undefined ? routingKey : `${routingKey}:${String(dynamicId)}`;
    return this.iterate(key);
  }

  private deliver(topic: string, payload: unknown): void {
    for (const fn of this.subscribers.get(topic) ?? []) fn(payload);
    // Topics with an id (e.g. one sync run) are also delivered to `<topic>:<id>` subscribers.
    const id =
      (payload as { runId?: unknown; memberId?: unknown } | null)?.runId ??
      (payload as { memberId?: unknown } | null)?.memberId;
    if (typeof id === 'string') for (const fn of this.subscribers.get(`${topic}:${id}`) ?? []) fn(payload);
  }

  private iterate(key: string): AsyncIterableIterator<unknown> {
    const queue: unknown[] = [];
    const waiting: Array<(r: IteratorResult<unknown>) => void> = [];
    let done = false;
    const push = (payload: unknown) => {
      const w = waiting.shift();
      if (w) w({ value: payload, done: false });
      else if (queue.length < 1000) queue.push(payload);
    };
    let set = this.subscribers.get(key);
    if (!set) this.subscribers.set(key, (set = new Set()));
    set.add(push);
    const finish = (): Promise<IteratorResult<unknown>> => {
      if (!done) {
        done = true;
        set!.delete(push);
        if (set!.size === 0) this.subscribers.delete(key);
        for (const w of waiting.splice(0)) w({ value: undefined, done: true });
      }
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () => {
        if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: finish,
      throw: (err?: unknown) => finish().then(() => Promise.reject(err)),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

function safeParse<T>(raw: string): T | null {
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}
