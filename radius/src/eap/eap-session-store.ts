/**
 * EAP conversations in progress, keyed by the RADIUS State we hand out (RFC 3579 §2.6.1) and
 * bound to the NAS (and station) that started them. Bounded: at most `maxSessions` live at once
 * (a new conversation beyond that is refused and counted), and a conversation idle for `idleMs`
 * is dropped. The Map is kept in least-recently-used order, so expiry only looks at its head.
 */
import { randomBytes } from 'node:crypto';

export interface StoredSession {
  /** Frees what the conversation holds (its TLS session). */
  close(): void;
}

interface Entry<T> {
  session: T;
  nasId: string;
  station: string | null;
  lastSeen: number;
}

export interface EapSessionStoreOptions {
  maxSessions: number;
  idleMs: number;
  /**
   * First byte of every State: the worker that owns the conversation, so a cluster can route a
   * request to the process holding its TLS session (see server/eap-routing.ts).
   */
  ownerTag: number;
  now?: () => number;
}

export type EapStoreEvent = 'CREATED' | 'FINISHED' | 'EXPIRED' | 'FULL';

export class EapSessionStore<T extends StoredSession> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly now: () => number;
  readonly counts: Record<EapStoreEvent, number> = { CREATED: 0, FINISHED: 0, EXPIRED: 0, FULL: 0 };

  constructor(private readonly opts: EapSessionStoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Stores a new conversation; returns its State, or null when the store is full. */
  create(session: T, nasId: string, station: string | null): Buffer | null {
    this.expire();
    if (this.entries.size >= this.opts.maxSessions) {
      this.counts.FULL++;
      return null;
    }
    const state = randomBytes(16);
    state[0] = this.opts.ownerTag & 0xff;
    this.entries.set(state.toString('hex'), { session, nasId, station, lastSeen: this.now() });
    this.counts.CREATED++;
    return state;
  }

  /**
   * The conversation behind `state` if it is live and was started by this NAS (and station, when
   * both requests name one). Using it counts as activity.
   */
  get(state: Buffer, nasId: string, station: string | null): T | undefined {
    this.expire();
    const key = state.toString('hex');
    const e = this.entries.get(key);
    if (!e || e.nasId !== nasId || (e.station !== null && station !== null && e.station !== station))
      return undefined;
    e.lastSeen = this.now();
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.session;
  }

  /** Ends a conversation (accepted, rejected or abandoned). */
  finish(state: Buffer): void {
    const key = state.toString('hex');
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.counts.FINISHED++;
    e.session.close();
  }

  /** Drops conversations idle for longer than idleMs (also run on every create/get). */
  expire(): void {
    const cutoff = this.now() - this.opts.idleMs;
    for (const [key, e] of this.entries) {
      if (e.lastSeen > cutoff) break;
      this.entries.delete(key);
      this.counts.EXPIRED++;
      e.session.close();
    }
  }

  closeAll(): void {
    for (const e of this.entries.values()) e.session.close();
    this.entries.clear();
  }
}
