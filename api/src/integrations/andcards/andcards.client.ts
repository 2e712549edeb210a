// HTTP client for the Spacebring (andcards) API: Basic auth, cursor paging, a client-side rate
// limiter and the mapping of HTTP failures to UpstreamError codes
// (/work/shared/reference/coworking-apis.md §2.1, §2.2).
import { UpstreamError, UpstreamErrorCode } from '../connector.js';

export interface AndcardsClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetchImpl?: typeof fetch;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Waits between retries (429 backoff, 5xx); injected in tests. The rate limiter uses real time. */
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /** 429 answers retried before giving up with THROTTLED (default 6). */
  throttleRetries?: number;
  /** 5xx / network / unreadable bodies retried before giving up (default 2). */
  transientRetries?: number;
  /** Shared limiter; defaults to one per base URL + client id. */
  limiter?: RateLimiter;
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

/**
 * The API allows 10 requests/s (§2.2). A request holds a slot from its start until one window
 * after its answer arrived: the upstream saw it no later than that, so whatever the network
 * latency, no 1 s window upstream ever holds more than `maxRequests` of ours.
 */
export class RateLimiter {
  /** Per slot: when its answer arrived, or null while in flight. */
  private readonly slots: Array<{ done: number | null }> = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly maxRequests = 9,
    readonly windowMs = 1000,
    private readonly now: () => number = () => performance.now(),
    private readonly wait: (ms: number) => Promise<void> = realSleep,
  ) {}

  /** Resolves when one more request may start (callers are served in order) with its release. */
  acquire(): Promise<() => void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private async take(): Promise<() => void> {
    for (;;) {
      const t = this.now();
      for (let i = this.slots.length - 1; i >= 0; i--) {
        const done = this.slots[i].done;
        if (done !== null && done <= t - this.windowMs) this.slots.splice(i, 1);
      }
      if (this.slots.length < this.maxRequests) {
        const slot: { done: number | null } = { done: null };
        this.slots.push(slot);
        return () => {
          slot.done ??= this.now();
        };
      }
      const ends = this.slots.map((s) => s.done).filter((d): d is number => d !== null);
      // All slots in flight: poll until one answers.
      await this.wait(ends.length ? Math.min(...ends) + this.windowMs - t + 1 : 10);
    }
  }
}

const limiters = new Map<string, RateLimiter>();

/** One limiter per upstream account in this process, shared by syncs, webhooks and connect checks. */
export function sharedLimiter(baseUrl: string, clientId: string): RateLimiter {
  const key = `${baseUrl}|${clientId}`;
  let l = limiters.get(key);
  if (!l) {
    l = new RateLimiter();
    limiters.set(key, l);
  }
  return l;
}

function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

type Attempt =
  | { kind: 'ok'; body: Record<string, unknown> }
  | { kind: 'throttled'; retryAfterSeconds: number | null }
  | { kind: 'transient'; error: UpstreamError }
  | { kind: 'rejected'; status: number; error: UpstreamError }
  | { kind: 'fatal'; error: UpstreamError };

const PAGE_LIMIT = 100;
/** A listing longer than this many pages is taken for a paging loop. */
const MAX_PAGES = 10_000;

export class AndcardsClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly authHeader: string;
  private readonly limiter: RateLimiter;
  private readonly throttleRetries: number;
  private readonly transientRetries: number;
  /** Requests sent (for logs). */
  requestCount = 0;

  constructor(private readonly opts: AndcardsClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = opts.fetchImpl ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.sleep = opts.sleep ?? realSleep;
    this.authHeader =
      'Basic ' + Buffer.from(`${opts.clientId}:${opts.clientSecret}`, 'utf8').toString('base64');
    this.limiter = opts.limiter ?? sharedLimiter(this.baseUrl, opts.clientId);
    this.throttleRetries = opts.throttleRetries ?? 6;
    this.transientRetries = opts.transientRetries ?? 2;
  }

  /**
   * Reads every page of a list endpoint (`limit` 100, `nextPageToken` until absent, same filters
   * on every page, §2.2). A rejected page token restarts the listing once (cursor expired while
   * paging); a second rejection or a repeating token is MALFORMED.
   */
  async listAll(path: string, key: string, query: Query = {}): Promise<unknown[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.listOnce(path, key, query);
      } catch (err) {
        if (err instanceof PageTokenRejected) {
          if (attempt === 0) continue;
          throw new UpstreamError(
            UpstreamErrorCode.MALFORMED,
            `Spacebring GET ${path}: page token rejected twice (status ${err.status})`,
            { status: err.status, url: this.urlOf(path) },
          );
        }
        throw err;
      }
    }
  }

  private async listOnce(path: string, key: string, query: Query): Promise<unknown[]> {
    const out: unknown[] = [];
    const seen = new Set<string>();
    let token: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.get(
        path,
        { ...query, limit: PAGE_LIMIT, nextPageToken: token },
        token !== null,
      );
      const items = body[key];
      if (!Array.isArray(items)) {
        throw this.malformed(path, 200, `has no "${key}" list`);
      }
      out.push(...(items as unknown[]));
      const next = body.nextPageToken;
      if (next === undefined || next === null || next === '') return out;
      if (typeof next !== 'string') throw this.malformed(path, 200, 'has a non-string nextPageToken');
      if (seen.has(next)) throw this.malformed(path, 200, 'repeats a nextPageToken');
      seen.add(next);
      token = next;
    }
    throw this.malformed(path, 200, `has more than ${MAX_PAGES} pages`);
  }

  /** One GET with retries; resolves with the parsed JSON object. */
  async get(path: string, query: Query = {}, pageTokenSent = false): Promise<Record<string, unknown>> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) {
      if (v !== null && v !== undefined && v !== '') url.searchParams.set(k, String(v));
    }
    let throttled = 0;
    let transient = 0;
    for (;;) {
      const r = await this.attempt(path, url);
      if (r.kind === 'ok') return r.body;
      if (r.kind === 'throttled') {
        // The backoff (>= 1 s) also lets the upstream's one-second window drain.
        if (throttled >= this.throttleRetries) {
          throw new UpstreamError(
            UpstreamErrorCode.THROTTLED,
            `Spacebring GET ${path} answered 429 ${throttled + 1} times`,
            { status: 429, url: this.urlOf(path), retryAfterSeconds: r.retryAfterSeconds ?? undefined },
          );
        }
        const wait =
          r.retryAfterSeconds !== null ? r.retryAfterSeconds * 1000 : Math.min(30_000, 1000 * 2 ** throttled);
        throttled++;
        await this.sleep(wait);
        continue;
      }
      if (r.kind === 'transient') {
        if (transient >= this.transientRetries) throw r.error;
        transient++;
        await this.sleep(500 * 2 ** (transient - 1));
        continue;
      }
      if (r.kind === 'rejected' && pageTokenSent && r.status === 400) {
        throw new PageTokenRejected(r.status);
      }
      throw r.error;
    }
  }

  private async attempt(path: string, url: URL): Promise<Attempt> {
    const release = await this.limiter.acquire();
    try {
      return await this.send(path, url, release);
    } finally {
      release();
    }
  }

  private async send(path: string, url: URL, release: () => void): Promise<Attempt> {
    this.opts.signal?.throwIfAborted();
    this.requestCount++;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.opts.signal ? AbortSignal.any([timeout, this.opts.signal]) : timeout;
    const where = { url: this.urlOf(path) };
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, {
        method: 'GET',
        headers: { authorization: this.authHeader, accept: 'application/json' },
        signal,
      });
    } catch (err) {
      return this.networkFailure(path, err, timeout, null);
    }
    release(); // the upstream has seen the request
    try {
      text = await res.text();
    } catch (err) {
      if (timeout.aborted || this.opts.signal?.aborted)
        return this.networkFailure(path, err, timeout, res.status);
      // The body broke off mid-way: a truncated response (retried like a network error).
      return {
        kind: 'transient',
        error: new UpstreamError(
          UpstreamErrorCode.MALFORMED,
          `Spacebring GET ${path} (status ${res.status}): response body truncated`,
          { status: res.status, ...where },
        ),
      };
    }
    const status = res.status;
    if (status === 429) {
      return { kind: 'throttled', retryAfterSeconds: retryAfterSeconds(res.headers.get('retry-after')) };
    }
    if (status === 401 || status === 403) {
      return {
        kind: 'fatal',
        error: new UpstreamError(
          UpstreamErrorCode.UNAUTHORIZED,
          `Spacebring GET ${path} answered ${status}: client id and secret refused${this.upstreamReason(text)}`,
          { status, ...where },
        ),
      };
    }
    if (status >= 500) {
      return {
        kind: 'transient',
        error: new UpstreamError(
          UpstreamErrorCode.UNAVAILABLE,
          `Spacebring GET ${path} answered ${status}${this.upstreamReason(text)}`,
          { status, ...where },
        ),
      };
    }
    if (status < 200 || status >= 300) {
      return {
        kind: 'rejected',
        status,
        error: new UpstreamError(
          UpstreamErrorCode.REJECTED,
          `Spacebring GET ${path} answered ${status}${this.upstreamReason(text)}`,
          { status, ...where },
        ),
      };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return {
        kind: 'transient',
        error: this.malformed(path, status, 'is not valid JSON'),
      };
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return { kind: 'fatal', error: this.malformed(path, status, 'is not a JSON object') };
    }
    return { kind: 'ok', body: body as Record<string, unknown> };
  }

  private networkFailure(
    path: string,
    err: unknown,
    timeout: AbortSignal,
    status: number | null,
  ): { kind: 'transient' | 'fatal'; error: UpstreamError } {
    if (this.opts.signal?.aborted) throw this.opts.signal.reason;
    const where = { url: this.urlOf(path), ...(status !== null ? { status } : {}) };
    if (timeout.aborted) {
      return {
        kind: 'fatal',
        error: new UpstreamError(
          UpstreamErrorCode.TIMEOUT,
          `Spacebring GET ${path} timed out after ${this.timeoutMs} ms`,
          where,
        ),
      };
    }
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : '';
    return {
      kind: 'transient',
      error: new UpstreamError(
        UpstreamErrorCode.UNAVAILABLE,
        this.scrub(`Spacebring GET ${path} failed: network error${reason ? ` (${reason})` : ''}`),
        where,
      ),
    };
  }

  /** The documented 400 body is `{message,type}` (§2.2); anything else is left out. */
  private upstreamReason(text: string): string {
    try {
      const b = JSON.parse(text) as { message?: unknown; type?: unknown };
      const parts = [b?.type, b?.message].filter((x): x is string => typeof x === 'string');
      return parts.length ? this.scrub(`: ${parts.join(': ').slice(0, 200)}`) : '';
    } catch {
      return '';
    }
  }

  malformed(path: string, status: number, what: string): UpstreamError {
    return new UpstreamError(
      UpstreamErrorCode.MALFORMED,
      `Spacebring GET ${path} (status ${status}): response ${what}`,
      { status, url: this.urlOf(path) },
    );
  }

  /** Never let the secret reach a message, whatever the upstream echoes. */
  private scrub(message: string): string {
    const s = this.opts.clientSecret;
    return s ? message.split(s).join('***') : message;
  }

  private urlOf(path: string): string {
    return this.baseUrl + path;
  }
}

/** `Retry-After` as seconds or an HTTP date (§2.2: whether the API sends it is undocumented). */
function retryAfterSeconds(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Math.min(Number(value), 300);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.min(300, Math.max(0, Math.ceil((at - Date.now()) / 1000)));
}

class PageTokenRejected extends Error {
  constructor(readonly status: number) {
    super('page token rejected');
  }
}
