/**
 * HTTP client of the Nexudus admin REST API (coworking-apis.md §1.2–§1.5): bearer tokens from the
 * form-encoded `/api/token` endpoint, refreshed shortly before expiry and once on a 401; the list
 * envelope read page by page and checked; 409/429 throttling, 5xx and network errors retried within
 * a budget. Every failure is an UpstreamError whose message names the endpoint and status, never a
 * token, password or secret.
 */
import type { CredentialStore, StoredCredentials } from '../connector.js';
import { UpstreamError, UpstreamErrorCode } from '../connector.js';

export type Json = Record<string, unknown>;
type NexudusCredentials = Extract<StoredCredentials, { kind: 'NEXUDUS' }>;

export interface RetryPolicy {
  /** Throttled answers (409/429) retried at most this many times per request. */
  maxThrottleRetries: number;
  /** …and at most this much waiting in total per request. */
  maxThrottleWaitMs: number;
  /** 5xx and network errors retried at most this many times per request. */
  maxServerRetries: number;
  /** Base delay of the exponential backoff when the upstream names none. */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxThrottleRetries: 5,
  maxThrottleWaitMs: 60_000,
  maxServerRetries: 2,
  backoffMs: 500,
};

export interface NexudusClientOptions {
  baseUrl: string;
  credentials: CredentialStore;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  retry?: Partial<RetryPolicy>;
  /** Refresh when the access token expires within this window (default 60 s; tokens may live only minutes, §1.2). */
  refreshBeforeMs?: number;
  /** Records per list page (default 1,000; the API documents no maximum, public clients use 500/1,000, §1.3). */
  pageSize?: number;
  /** Pages of one list asked at once once the first has said how many there are (default 4). */
  pageConcurrency?: number;
  /** GET requests started per 100 ms at most (default 10, the documented guideline, §1.5). */
  getsPer100ms?: number;
  now?: () => number;
}

/**
 * At most `limit` starts per `windowMs`, first come first served: parallel reads stay within the
 * upstream's documented rate instead of relying on its throttle answers. Its own monotonic clock
 * (tests inject one), independent of the clock tokens are checked against.
 */
export class Pacer {
  private readonly starts: number[] = [];
  private turn: Promise<void> = Promise.resolve();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: { now: () => number; wait: (ms: number) => Promise<void> } = {
      now: () => performance.now(),
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
  ) {}

  /** Resolves when one more start fits in the window (and records it). */
  take(): Promise<void> {
    const mine = this.turn.then(async () => {
      for (;;) {
        const t = this.clock.now();
        while (this.starts.length && this.starts[0]! <= t - this.windowMs) this.starts.shift();
        if (this.starts.length < this.limit) {
          this.starts.push(t);
          return;
        }
        await this.clock.wait(this.starts[0]! + this.windowMs - t);
      }
    });
    this.turn = mine;
    return mine;
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `/api/spaces/coworkers` → `GET /api/spaces/coworkers`: what messages name (never the query). */
function describe(method: string, path: string): string {
  return `Nexudus ${method} ${path}`;
}

function isAbortLike(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** Seconds to wait from `Retry-After` (seconds or HTTP date) or a 429 body "Wait N seconds" (§1.5). */
export function retryAfterMs(header: string | null, body: string, nowMs: number): number | null {
  if (header) {
    const s = Number(header.trim());
    if (Number.isFinite(s) && s >= 0) return s * 1000;
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(0, at - nowMs);
  }
  const m = /wait\s+(\d+(?:\.\d+)?)\s*second/i.exec(body);
  return m ? Number(m[1]) * 1000 : null;
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

interface SendOptions {
  method: string;
  /** Path for messages, without query. */
  path: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Read the body even for errors (token endpoint). */
  fetchImpl: typeof fetch;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  retry: RetryPolicy;
  now: () => number;
}

/**
 * One HTTP exchange with throttle and 5xx/network retries. Returns the final answer for any
 * status other than 409/429/5xx (the caller interprets 2xx/4xx).
 */
async function sendWithRetries(o: SendOptions): Promise<RawResponse> {
  let throttleRetries = 0;
  let throttleWaited = 0;
  let serverRetries = 0;
  const what = describe(o.method, o.path);
  for (;;) {
    if (o.signal?.aborted) throw new UpstreamError(UpstreamErrorCode.UNAVAILABLE, `${what}: aborted`);
    const timeout = AbortSignal.timeout(o.timeoutMs);
    const signal = o.signal ? AbortSignal.any([timeout, o.signal]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await o.fetchImpl(o.url, { method: o.method, headers: o.headers, body: o.body, signal });
    } catch (err) {
      if (timeout.aborted)
        throw new UpstreamError(UpstreamErrorCode.TIMEOUT, `${what}: no answer within ${o.timeoutMs} ms`, {
          url: o.path,
        });
      if (o.signal?.aborted || isAbortLike(err))
        throw new UpstreamError(UpstreamErrorCode.UNAVAILABLE, `${what}: aborted`, { url: o.path });
      if (serverRetries < o.retry.maxServerRetries) {
        await o.sleep(o.retry.backoffMs * 2 ** serverRetries++);
        continue;
      }
      throw new UpstreamError(UpstreamErrorCode.UNAVAILABLE, `${what}: network error`, { url: o.path });
    }
    try {
      text = await res.text();
    } catch {
      if (timeout.aborted)
        throw new UpstreamError(UpstreamErrorCode.TIMEOUT, `${what}: no answer within ${o.timeoutMs} ms`, {
          url: o.path,
          status: res.status,
        });
      if (res.status >= 500 && serverRetries < o.retry.maxServerRetries) {
        await o.sleep(o.retry.backoffMs * 2 ** serverRetries++);
        continue;
      }
      // The connection died mid-body: what arrived is truncated.
      throw new UpstreamError(UpstreamErrorCode.MALFORMED, `${what}: HTTP ${res.status}, truncated body`, {
        url: o.path,
        status: res.status,
      });
    }
    if (res.status === 409 || res.status === 429) {
      const named = retryAfterMs(res.headers.get('retry-after'), text, o.now());
      const wait = named ?? o.retry.backoffMs * 2 ** throttleRetries;
      if (throttleRetries >= o.retry.maxThrottleRetries || throttleWaited + wait > o.retry.maxThrottleWaitMs)
        throw new UpstreamError(
          UpstreamErrorCode.THROTTLED,
          `${what}: HTTP ${res.status}, still throttled after ${throttleRetries} retries`,
          { url: o.path, status: res.status, retryAfterSeconds: Math.ceil(wait / 1000) },
        );
      throttleRetries++;
      throttleWaited += wait;
      await o.sleep(wait);
      continue;
    }
    if (res.status >= 500) {
      if (serverRetries < o.retry.maxServerRetries) {
        await o.sleep(o.retry.backoffMs * 2 ** serverRetries++);
        continue;
      }
      throw new UpstreamError(UpstreamErrorCode.UNAVAILABLE, `${what}: HTTP ${res.status}`, {
        url: o.path,
        status: res.status,
      });
    }
    return { status: res.status, headers: res.headers, text };
  }
}

function parseJson(text: string, what: string, status: number, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UpstreamError(UpstreamErrorCode.MALFORMED, `${what}: HTTP ${status}, body is not JSON`, {
      url: path,
      status,
    });
  }
}

export interface TokenRequestOptions {
  baseUrl: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
}

/**
 * POSTs a grant to `/api/token` (form-encoded only, §1.2). A 400/401 answer (wrong password,
 * missing or wrong TOTP, expired refresh token) becomes `rejectedAs`.
 */
export async function requestToken(
  o: TokenRequestOptions,
  form: Record<string, string>,
  rejectedAs: UpstreamErrorCode,
): Promise<NexudusCredentials> {
  const path = '/api/token';
  const what = describe('POST', path);
  const now = o.now ?? Date.now;
  const res = await sendWithRetries({
    method: 'POST',
    path,
    url: joinUrl(o.baseUrl, path),
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    fetchImpl: o.fetchImpl ?? fetch,
    timeoutMs: o.timeoutMs ?? 30_000,
    sleep: o.sleep ?? defaultSleep,
    retry: { ...DEFAULT_RETRY_POLICY, ...o.retry },
    now,
  });
  if (res.status >= 400 && res.status < 500) {
    let error = '';
    try {
      const body = JSON.parse(res.text) as { error?: unknown };
      if (typeof body.error === 'string' && /^[a-z_]{1,64}$/.test(body.error)) error = `, ${body.error}`;
    } catch {
      // the error code is a courtesy; the status decides
    }
    throw new UpstreamError(rejectedAs, `${what}: HTTP ${res.status}${error}`, {
      url: path,
      status: res.status,
    });
  }
  if (res.status < 200 || res.status > 299)
    throw new UpstreamError(UpstreamErrorCode.UNAVAILABLE, `${what}: HTTP ${res.status}`, {
      url: path,
      status: res.status,
    });
  const body = parseJson(res.text, what, res.status, path) as Json | null;
  const access = body?.access_token;
  const refresh = body?.refresh_token;
  const expiresIn = Number(body?.expires_in);
  if (typeof access !== 'string' || !access || typeof refresh !== 'string' || !refresh || !(expiresIn > 0))
    throw new UpstreamError(
      UpstreamErrorCode.MALFORMED,
      `${what}: HTTP ${res.status}, token answer incomplete`,
      {
        url: path,
        status: res.status,
      },
    );
  return {
    kind: 'NEXUDUS',
    accessToken: access,
    refreshToken: refresh,
    expiresAt: new Date(now() + expiresIn * 1000).toISOString(),
  };
}

export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}

/** Query values as Nexudus reads them; dates as `YYYY-MM-DDTHH:mm` UTC (§1.3). */
export type Query = Record<string, string | number | boolean | undefined>;

export function nexudusMinute(d: Date): string {
  return d.toISOString().slice(0, 16);
}

export class NexudusClient {
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly retry: RetryPolicy;
  private readonly refreshBeforeMs: number;
  readonly pageSize: number;
  private readonly pageConcurrency: number;
  private readonly pacer: Pacer;
  private readonly now: () => number;
  private current: NexudusCredentials | null = null;
  private refreshing: Promise<NexudusCredentials> | null = null;
  /** Requests sent (for logs and tests). */
  requestCount = 0;

  constructor(private readonly o: NexudusClientOptions) {
    this.fetchImpl = o.fetchImpl ?? fetch;
    this.timeoutMs = o.timeoutMs ?? 30_000;
    this.sleep = o.sleep ?? defaultSleep;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...o.retry };
    this.refreshBeforeMs = o.refreshBeforeMs ?? 60_000;
    this.pageSize = o.pageSize ?? 1000;
    this.pageConcurrency = Math.max(1, o.pageConcurrency ?? 4);
    this.pacer = new Pacer(o.getsPer100ms ?? 10, 100);
    this.now = o.now ?? Date.now;
  }

  private async credentials(): Promise<NexudusCredentials> {
    if (!this.current) {
      const loaded = await this.o.credentials.load();
      if (loaded.kind !== 'NEXUDUS')
        throw new UpstreamError(
          UpstreamErrorCode.UNAUTHORIZED,
          'Nexudus: stored credentials are not Nexudus tokens',
        );
      this.current = loaded;
    }
    const expiresAt = Date.parse(this.current.expiresAt);
    if (!(expiresAt - this.now() > this.refreshBeforeMs)) return this.refresh(this.current);
    return this.current;
  }

  /** Single-flight refresh; the new pair is saved before use (the old refresh token is now dead). */
  private refresh(stale: NexudusCredentials): Promise<NexudusCredentials> {
    if (this.current && this.current.accessToken !== stale.accessToken) return Promise.resolve(this.current);
    this.refreshing ??= (async () => {
      try {
        let fromStore = false;
        const fresh = await requestToken(
          {
            baseUrl: this.o.baseUrl,
            fetchImpl: this.fetchImpl,
            timeoutMs: this.timeoutMs,
            sleep: this.sleep,
            retry: this.retry,
            now: this.now,
          },
          { grant_type: 'refresh_token', refresh_token: stale.refreshToken },
          UpstreamErrorCode.UNAUTHORIZED,
        ).catch(async (err: unknown) => {
          if (!(err instanceof UpstreamError) || err.code !== UpstreamErrorCode.UNAUTHORIZED) throw err;
          // Another run may have refreshed meanwhile (which retires our refresh token): use its pair.
          const stored = await this.o.credentials.load();
          if (stored.kind === 'NEXUDUS' && stored.refreshToken !== stale.refreshToken) {
            fromStore = true;
            return stored;
          }
          throw new UpstreamError(
            UpstreamErrorCode.UNAUTHORIZED,
            `${err.message}: token refresh refused, the integration needs reconnecting`,
            err.details,
          );
        });
        if (!fromStore) await this.o.credentials.save(fresh);
        this.current = fresh;
        return fresh;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /**
   * GET one resource; `allow404` turns a 404 into null (unknown id, §1.4). Other 4xx → REJECTED,
   * 401/403 after one refresh → UNAUTHORIZED.
   */
  async get(path: string, query: Query = {}, opts: { signal?: AbortSignal; allow404?: boolean } = {}) {
    const what = describe('GET', path);
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
    const url = joinUrl(this.o.baseUrl, path) + (qs.size ? `?${qs.toString()}` : '');
    let refreshed = false;
    for (;;) {
      const creds = await this.credentials();
      await this.pacer.take();
      this.requestCount++;
      const res = await sendWithRetries({
        method: 'GET',
        path,
        url,
        headers: { authorization: `Bearer ${creds.accessToken}`, accept: 'application/json' },
        signal: opts.signal,
        fetchImpl: this.fetchImpl,
        timeoutMs: this.timeoutMs,
        sleep: this.sleep,
        retry: this.retry,
        now: this.now,
      });
      if (res.status === 401 || res.status === 403) {
        if (!refreshed) {
          refreshed = true;
          await this.refresh(creds);
          continue;
        }
        throw new UpstreamError(
          UpstreamErrorCode.UNAUTHORIZED,
          `${what}: HTTP ${res.status} after a token refresh, the integration needs reconnecting`,
          { url: path, status: res.status },
        );
      }
      if (res.status === 404 && opts.allow404) return null;
      if (res.status < 200 || res.status > 299)
        throw new UpstreamError(UpstreamErrorCode.REJECTED, `${what}: HTTP ${res.status}`, {
          url: path,
          status: res.status,
        });
      return parseJson(res.text, what, res.status, path);
    }
  }

  /** GET-by-id; null when the record does not exist (404). */
  async getById(path: string, id: number, signal?: AbortSignal): Promise<Json | null> {
    const body = await this.get(`${path}/${id}`, {}, { signal, allow404: true });
    if (body === null) return null;
    if (typeof body !== 'object' || Array.isArray(body))
      throw new UpstreamError(UpstreamErrorCode.MALFORMED, `${describe('GET', path)}/{id}: not a record`, {
        url: path,
      });
    return body as Json;
  }

  /** Batch GET `?id=[1,2,3]` (§1.1): a plain array of the records that exist. */
  async getBatch(path: string, ids: number[], signal?: AbortSignal): Promise<Json[]> {
    const body = await this.get(path, { id: `[${ids.join(',')}]` }, { signal });
    if (!Array.isArray(body) || body.some((r) => !r || typeof r !== 'object' || Array.isArray(r)))
      throw new UpstreamError(
        UpstreamErrorCode.MALFORMED,
        `${describe('GET', path)}?id=[…]: not an array of records`,
        {
          url: path,
        },
      );
    return body as Json[];
  }

  /**
   * Every record of a search, page by page (§1.3): the first page says how many there are, the rest
   * are asked `pageConcurrency` at a time. The envelope must add up: the page asked for, full pages
   * before the last, the same page count and total on every page, and as many records as
   * `TotalItems`. Any failure fails the whole list and stops the pages still to ask.
   */
  async list(path: string, query: Query = {}, signal?: AbortSignal): Promise<Json[]> {
    const what = describe('GET', path);
    const bad = (page: number, why: string) =>
      new UpstreamError(UpstreamErrorCode.MALFORMED, `${what} page ${page}: ${why}`, { url: path });
    let totalPages: number | null = null;
    let totalItems: number | null = null;
    const read = async (page: number, pageSignal?: AbortSignal): Promise<Json[]> => {
      const body = (await this.get(
        path,
        { ...query, page, size: this.pageSize },
        { signal: pageSignal },
      )) as Json | null;
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad(page, 'not a list envelope');
      const records = body.Records;
      const pages = body.TotalPages;
      if (!Array.isArray(records)) throw bad(page, 'no Records');
      if (typeof pages !== 'number' || !Number.isInteger(pages) || pages < 0)
        throw bad(page, 'no TotalPages');
      if (body.CurrentPage !== undefined && body.CurrentPage !== page)
        throw bad(page, `CurrentPage is ${String(body.CurrentPage)}`);
      if (totalPages !== null && pages !== totalPages) throw bad(page, 'TotalPages changed while paging');
      totalPages = pages;
      const items = typeof body.TotalItems === 'number' ? body.TotalItems : null;
      if (totalItems !== null && items !== null && items !== totalItems)
        throw bad(page, 'TotalItems changed while paging');
      totalItems ??= items;
      const size =
        typeof body.CurrentPageSize === 'number' && body.CurrentPageSize > 0
          ? body.CurrentPageSize
          : this.pageSize;
      if (records.some((r) => !r || typeof r !== 'object' || Array.isArray(r)))
        throw bad(page, 'a record is not an object');
      if (records.length > size) throw bad(page, `${records.length} records on a page of ${size}`);
      if (page < pages && records.length !== size)
        throw bad(page, `${records.length} records on a page of ${size} before the last`);
      if (page <= pages && records.length === 0) throw bad(page, 'empty page within TotalPages');
      if (page > pages && records.length > 0) throw bad(page, 'records beyond TotalPages');
      return records as Json[];
    };
    const first = await read(1, signal);
    const rest: Json[][] = [];
    if (totalPages! > 1) {
      const failed = new AbortController();
      const linked = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
      const pages = Array.from({ length: totalPages! - 1 }, (_, i) => i + 2);
      let next = 0;
      const worker = async () => {
        while (next < pages.length) {
          const i = next++;
          rest[i] = await read(pages[i]!, linked);
        }
      };
      await Promise.all(
        Array.from({ length: Math.min(this.pageConcurrency, pages.length) }, () =>
          worker().catch((err: unknown) => {
            failed.abort();
            throw err;
          }),
        ),
      );
    }
    const out = first.concat(...rest);
    if (totalItems !== null && out.length !== totalItems)
      throw new UpstreamError(
        UpstreamErrorCode.MALFORMED,
        `${what}: ${out.length} records read, TotalItems says ${totalItems}`,
        { url: path },
      );
    return out;
  }
}
