/**
 * RFC 5080 §2.2.2 duplicate detection: a retransmission (same source, port, identifier and
 * Request Authenticator) is answered with the cached reply instead of being processed again; the
 * same key with a different authenticator is a new request. Entries live `ttlMs`.
 */
export class ReplyCache {
  private readonly entries = new Map<
    string,
    { authenticator: Buffer; reply: Buffer | null; expires: number }
  >();

  constructor(
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 200_000,
  ) {}

  /** undefined: new request (now marked in flight); null: a duplicate still being processed; Buffer: resend. */
  lookup(key: string, authenticator: Buffer, now = Date.now()): Buffer | null | undefined {
    const e = this.entries.get(key);
    if (e && e.expires > now && e.authenticator.equals(authenticator)) return e.reply;
    if (this.entries.size >= this.maxEntries) this.sweep(now);
    this.entries.set(key, {
      authenticator: Buffer.from(authenticator),
      reply: null,
      expires: now + this.ttlMs,
    });
    return undefined;
  }

  store(key: string, reply: Buffer): void {
    const e = this.entries.get(key);
    if (e) e.reply = reply;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  sweep(now = Date.now()): void {
    for (const [k, e] of this.entries) if (e.expires <= now) this.entries.delete(k);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
