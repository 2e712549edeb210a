/** Request Authenticators are 16 bytes (parsePacket guarantees the header). */
function same(a: Buffer, b: Buffer): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Entry {
  authenticator: Buffer;
  /** null while the request is being processed (accounting waits for the database). */
  reply: Buffer | null;
  expires: number;
}

/**
 * RFC 5080 §2.2.2 duplicate detection: a retransmission (same source address, port, identifier
 * and Request Authenticator) is answered with the cached reply instead of being processed again;
 * the same key with a different authenticator is a new request. Entries live `ttlMs`.
 *
 * Nothing is written for a datagram until it has been authenticated: `lookup` only reads, and the
 * server calls `begin` (in flight) or `store` (reply) once the request's Message-Authenticator or
 * Request Authenticator has verified. A forged or broken datagram reusing a live key can therefore
 * neither replace nor erase the entry of the real request.
 */
export class ReplyCache {
  // address → (port << 8 | identifier) → entry: no key string built per datagram.
  private readonly bySource = new Map<string, Map<number, Entry>>();
  private count = 0;

  constructor(
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 200_000,
  ) {}

  /** undefined: not a retransmission; null: a retransmission still being processed; Buffer: resend it. */
  lookup(
    address: string,
    port: number,
    identifier: number,
    authenticator: Buffer,
    now = Date.now(),
  ): Buffer | null | undefined {
    const e = this.bySource.get(address)?.get(port * 256 + identifier);
    if (e && e.expires > now && same(e.authenticator, authenticator)) return e.reply;
    return undefined;
  }

  /** Marks an authenticated request as in flight (its retransmissions are ignored until `store`). */
  begin(address: string, port: number, identifier: number, authenticator: Buffer, now = Date.now()): void {
    this.put(address, port, identifier, authenticator, null, now);
  }

  /** Records the reply to an authenticated request. */
  store(
    address: string,
    port: number,
    identifier: number,
    authenticator: Buffer,
    reply: Buffer,
    now = Date.now(),
  ): void {
    this.put(address, port, identifier, authenticator, reply, now);
  }

  /** Drops the in-flight mark of a request that ended without a reply (only if it is still this request's). */
  forget(address: string, port: number, identifier: number, authenticator: Buffer): void {
    const byKey = this.bySource.get(address);
    const k = port * 256 + identifier;
    const e = byKey?.get(k);
    if (e && e.reply === null && same(e.authenticator, authenticator)) {
      byKey!.delete(k);
      this.count--;
    }
  }

  private put(
    address: string,
    port: number,
    identifier: number,
    authenticator: Buffer,
    reply: Buffer | null,
    now: number,
  ): void {
    let byKey = this.bySource.get(address);
    if (!byKey) this.bySource.set(address, (byKey = new Map()));
    const k = port * 256 + identifier;
    const e = byKey.get(k);
    if (e) {
      // Same key: reuse the entry (the previous request on this key is over or superseded).
      authenticator.copy(e.authenticator, 0, 0, 16);
      e.reply = reply;
      e.expires = now + this.ttlMs;
      return;
    }
    if (this.count >= this.maxEntries) {
      this.sweep(now);
      if (this.count >= this.maxEntries) return; // full of live entries: skip caching, never fail
    }
    const copy = Buffer.alloc(16);
    authenticator.copy(copy, 0, 0, 16);
    byKey.set(k, { authenticator: copy, reply, expires: now + this.ttlMs });
    this.count++;
  }

  sweep(now = Date.now()): void {
    for (const [address, byKey] of this.bySource) {
      for (const [k, e] of byKey) {
        if (e.expires <= now) {
          byKey.delete(k);
          this.count--;
        }
      }
      if (byKey.size === 0) this.bySource.delete(address);
    }
  }

  get size(): number {
    return this.count;
  }
}
