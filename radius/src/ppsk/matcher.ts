// Unbound per-user-PSK matching (radius.md §0.2, §3.10): given the ANonce and EAPOL-Key message 2/4
// an AP forwards, find which member's PMK produced the frame's MIC.
//
// Tiering is the caller's: it passes the MAC's bound member (if any) as `preferred` and every PMK
// of the SSID as `candidates`. The preferred candidate is free; a full scan is rate-limited per
// station MAC and globally (token buckets) and repeated failed scans put the MAC in a cooldown, so
// a client cycling through wrong passphrases or a flood of random MACs cannot pin the CPU.
//
// Cost: see mic-check.ts. The worker passes the snapshot's PmkTable for the SSID (pmk-table.ts:
// per key its HMAC-SHA1 key states, in one Int32Array): for WPA2-PSK (key descriptor version 2) the
// scan checks four keys per step on WebAssembly SIMD, ≈ 0.4 µs per candidate with no allocation, so
// a 10,000-key full scan takes ~4–5 ms (bench/ppsk.bench.ts); PSK-SHA256 (v3) reads each owner's PMK
// (≈ 3.5 µs per candidate, a Buffer view each). A list of { memberId, pmk } works too (one key at a
// time, ≈ 1.2 µs). Per request one frame parse (one copy of the frame) and a few hundred bytes of
// precomputed blocks. Each candidate's check is constant-time; the scan stops at the first match
// (at the first step of four holding it), which reveals only the position of the matching key in
// the table's order.
import {
  EapolError,
  KeyDescriptorVersion,
  MAC_BYTES,
  NONCE_BYTES,
  parseEapolKeyMsg2,
  type EapolKeyFrame,
} from './eapol.js';
import { MicChecker } from './mic-check.js';
import { STATE_WORDS, PmkTable, hmacSha1KeyStates } from './pmk-table.js';

export interface PmkCandidate {
  memberId: string;
  pmk: Buffer;
}

export interface MatchRequest {
  /** Not used by the crypto (a PMK is already specific to its SSID); kept for the caller's logs. */
  ssid: string;
  /** Authenticator address (BSSID). */
  apMac: Buffer;
  /** Supplicant (station) address. */
  staMac: Buffer;
  anonce: Buffer;
  /** raw msg 2/4 */
  frame: Buffer;
}

/** What a scan reads: any list of candidates, or an SSID's precomputed table. */
export type CandidateSource<T extends { readonly id: string }> = Iterable<PmkCandidate> | PmkTable<T>;

export type MatchResult =
  | { kind: 'MATCH'; memberId: string; scanned: number }
  | { kind: 'NO_MATCH'; scanned: number }
  | { kind: 'RATE_LIMITED'; scope: 'MAC' | 'GLOBAL' }
  | { kind: 'BAD_FRAME'; code: string };

export interface UnboundMatcherOptions {
  /** Full scans per station MAC per minute (refill rate; the bucket holds one minute's worth). Default 10. */
  scansPerMacPerMinute?: number;
  /** Consecutive failed full scans (each within `failureWindowSeconds` of the previous) before a cooldown. Default 10. */
  failuresBeforeCooldown?: number;
  /** How long a MAC gets RATE_LIMITED (scope MAC) for full scans after too many failures. Default 120. */
  cooldownSeconds?: number;
  /** Global full-scan refill rate. Default 200. */
  globalScansPerSecond?: number;
  /** Global bucket size. Default: `globalScansPerSecond` (one second's worth). */
  burst?: number;
  /** A failure older than this no longer counts toward the cooldown. Default 60. */
  failureWindowSeconds?: number;
  /** Per-MAC states kept at most (idle ones are swept first, then the oldest). Default 100,000. */
  maxTrackedMacs?: number;
  /** Clock in milliseconds. Default Date.now. */
  now?: () => number;
}

/** Counters for metrics (monotonic, plain numbers). */
export interface UnboundMatcherStats {
  /** Calls to match(). */
  requests: number;
  /** Requests answered BAD_FRAME. */
  badFrames: number;
  /** Matches found on the preferred candidate (no scan). */
  preferredHits: number;
  /** Full scans started. */
  scans: number;
  /** MATCH results (preferred or scan). */
  matches: number;
  /** NO_MATCH results. */
  noMatches: number;
  /** RATE_LIMITED results (MAC + GLOBAL). */
  rateLimited: number;
  rateLimitedMac: number;
  rateLimitedGlobal: number;
  /** Cooldowns started. */
  cooldowns: number;
  /** PMKs checked (preferred included). */
  candidatesTried: number;
}

interface MacState {
  tokens: number;
  refilledAt: number;
  failures: number;
  lastFailureAt: number;
  cooldownUntil: number;
}

const SWEEP_INTERVAL_MS = 60_000;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

function badInput(req: MatchRequest): string | null {
  if (!Buffer.isBuffer(req.apMac) || req.apMac.length !== MAC_BYTES) return 'BAD_AP_MAC';
  if (!Buffer.isBuffer(req.staMac) || req.staMac.length !== MAC_BYTES) return 'BAD_STA_MAC';
  if (!Buffer.isBuffer(req.anonce) || req.anonce.length !== NONCE_BYTES) return 'BAD_ANONCE';
  if (!Buffer.isBuffer(req.frame)) return 'NOT_EAPOL_KEY';
  return null;
}

export class UnboundMatcher {
  readonly stats: UnboundMatcherStats = {
    requests: 0,
    badFrames: 0,
    preferredHits: 0,
    scans: 0,
    matches: 0,
    noMatches: 0,
    rateLimited: 0,
    rateLimitedMac: 0,
    rateLimitedGlobal: 0,
    cooldowns: 0,
    candidatesTried: 0,
  };

  private readonly macCapacity: number;
  private readonly macRatePerMs: number;
  private readonly failuresBeforeCooldown: number;
  private readonly cooldownMs: number;
  private readonly failureWindowMs: number;
  private readonly globalCapacity: number;
  private readonly globalRatePerMs: number;
  private readonly maxTrackedMacs: number;
  private readonly now: () => number;
  private readonly macs = new Map<string, MacState>();
  /** Scratch: the preferred candidate's HMAC key states (zeroed after use). */
  private readonly preferredStates = new Int32Array(STATE_WORDS);
  private globalTokens: number;
  private globalRefilledAt: number;
  private lastSweep: number;

  constructor(opts: UnboundMatcherOptions = {}) {
    const perMinute = positive('scansPerMacPerMinute', opts.scansPerMacPerMinute ?? 10);
    this.macCapacity = perMinute;
    this.macRatePerMs = perMinute / 60_000;
    this.failuresBeforeCooldown = Math.ceil(
      positive('failuresBeforeCooldown', opts.failuresBeforeCooldown ?? 10),
    );
    this.cooldownMs = positive('cooldownSeconds', opts.cooldownSeconds ?? 120) * 1000;
    this.failureWindowMs = positive('failureWindowSeconds', opts.failureWindowSeconds ?? 60) * 1000;
    const perSecond = positive('globalScansPerSecond', opts.globalScansPerSecond ?? 200);
    this.globalRatePerMs = perSecond / 1000;
    this.globalCapacity = positive('burst', opts.burst ?? perSecond);
    this.maxTrackedMacs = Math.ceil(positive('maxTrackedMacs', opts.maxTrackedMacs ?? 100_000));
    this.now = opts.now ?? Date.now;
    const now = this.now();
    this.globalTokens = this.globalCapacity;
    this.globalRefilledAt = now;
    this.lastSweep = now;
  }

  /** Per-MAC rate-limit states currently held (for a gauge). */
  get trackedMacs(): number {
    return this.macs.size;
  }

  /** Forgets a station's rate-limit state and cooldown (e.g. an admin unblocking a device). */
  clearMac(staMac: Buffer): void {
    this.macs.delete(staMac.toString('hex'));
  }

  /**
   * Tries `preferred` first (e.g. the MAC's bound member), then every candidate; parses the frame
   * once; KCK derived per candidate (PRF), MIC per candidate. `candidates` may be a function: it is
   * called only when a scan is admitted (the snapshot builds an SSID's table on its first scan, which
   * a bad frame, a bound device's own key or a rate-limited station must not set off).
   */
  match<T extends { readonly id: string }>(
    req: MatchRequest,
    candidates: CandidateSource<T> | (() => CandidateSource<T>),
    preferred?: PmkCandidate | null,
  ): MatchResult {
    const stats = this.stats;
    stats.requests++;
    const inputError = badInput(req);
    if (inputError) return this.badFrame(inputError);
    let frame: EapolKeyFrame;
    try {
      frame = parseEapolKeyMsg2(req.frame);
    } catch (error) {
      if (error instanceof EapolError) return this.badFrame(error.code);
      throw error;
    }
    const checker = new MicChecker(req.apMac, req.staMac, req.anonce, frame);
    const macKey = req.staMac.toString('hex');

    let scanned = 0;
    if (preferred) {
      scanned++;
      stats.candidatesTried++;
      if (checker.check(preferred.pmk)) {
        stats.preferredHits++;
        stats.matches++;
        this.resetFailures(macKey);
        return { kind: 'MATCH', memberId: preferred.memberId, scanned };
      }
    }

    const now = this.now();
    const limited = this.admitScan(macKey, now);
    if (limited) {
      stats.rateLimited++;
      if (limited === 'MAC') stats.rateLimitedMac++;
      else stats.rateLimitedGlobal++;
      return { kind: 'RATE_LIMITED', scope: limited };
    }

    stats.scans++;
    const source = typeof candidates === 'function' ? candidates() : candidates;
    const found =
      source instanceof PmkTable
        ? this.scanTable(checker, source, preferred)
        : this.scanCandidates(checker, source, preferred);
    stats.candidatesTried += found.tried;
    scanned += found.tried;
    if (found.memberId !== null) {
      stats.matches++;
      this.resetFailures(macKey);
      return { kind: 'MATCH', memberId: found.memberId, scanned };
    }
    stats.noMatches++;
    this.recordFailure(macKey, now);
    return { kind: 'NO_MATCH', scanned };
  }

  private scanCandidates(
    checker: MicChecker,
    candidates: Iterable<PmkCandidate>,
    preferred: PmkCandidate | null | undefined,
  ): { memberId: string | null; tried: number } {
    let tried = 0;
    try {
      for (const candidate of candidates) {
        if (
          preferred &&
          (candidate === preferred ||
            (candidate.memberId === preferred.memberId && candidate.pmk.equals(preferred.pmk)))
        ) {
          continue;
        }
        tried++;
        if (checker.check(candidate.pmk)) return { memberId: candidate.memberId, tried };
      }
    } catch (error) {
      this.stats.candidatesTried += tried;
      throw error;
    }
    return { memberId: null, tried };
  }

  /** The tight loop: v1/v2 read each key's HMAC states in place; v3 takes the owner's PMK. */
  private scanTable<T extends { readonly id: string }>(
    checker: MicChecker,
    table: PmkTable<T>,
    preferred: PmkCandidate | null | undefined,
  ): { memberId: string | null; tried: number } {
    const n = table.size;
    // The preferred candidate was tried already: its slot (same member, same key) is skipped.
    let skip = -1;
    if (preferred && preferred.pmk.length === 32) {
      const ps = this.preferredStates;
      hmacSha1KeyStates(preferred.pmk, ps, 0);
      const states = table.states;
      for (let i = 0, off = 0; i < n; i++, off += STATE_WORDS) {
        if (states[off] !== ps[0] || table.owner(i).id !== preferred.memberId) continue;
        let same = true;
        for (let k = 1; k < STATE_WORDS; k++) same &&= states[off + k] === ps[k];
        if (same) {
          skip = i;
          break;
        }
      }
      ps.fill(0);
    }
    let tried = 0;
    if (checker.descriptorVersion === KeyDescriptorVersion.AES_CMAC) {
      for (let i = 0; i < n; i++) {
        if (i === skip) continue;
        const owner = table.owner(i);
        const pmk = table.pmkOf(owner);
        if (!pmk) continue;
        tried++;
        if (checker.check(pmk)) return { memberId: owner.id, tried };
      }
      return { memberId: null, tried };
    }
    try {
      return this.scanStates(checker, table, n, skip);
    } finally {
      checker.wipeX4();
    }
  }

  /** v1/v2: the keys' HMAC states in place, four per step when the checker can. */
  private scanStates<T extends { readonly id: string }>(
    checker: MicChecker,
    table: PmkTable<T>,
    n: number,
    skip: number,
  ): { memberId: string | null; tried: number } {
    let tried = 0;
    const states = table.states;
    let i = 0;
    if (checker.lanes4) {
      // Four keys per step; the skipped slot is computed too and its result ignored.
      for (; i + 4 <= n; i += 4) {
        const off = i * STATE_WORDS;
        let mask = checker.checkStates4(
          states,
          off,
          off + STATE_WORDS,
          off + 2 * STATE_WORDS,
          off + 3 * STATE_WORDS,
        );
        if (skip >= i && skip < i + 4) mask &= ~(1 << (skip - i));
        if (mask !== 0) {
          const at = i + (31 - Math.clz32(mask & -mask));
          return {
            memberId: table.owner(at).id,
            tried: tried + at + 1 - i - (skip >= i && skip < at ? 1 : 0),
          };
        }
        tried += skip >= i && skip < i + 4 ? 3 : 4;
      }
    }
    for (let off = i * STATE_WORDS; i < n; i++, off += STATE_WORDS) {
      if (i === skip) continue;
      tried++;
      if (checker.checkStates(states, off)) return { memberId: table.owner(i).id, tried };
    }
    return { memberId: null, tried };
  }

  private badFrame(code: string): MatchResult {
    this.stats.badFrames++;
    return { kind: 'BAD_FRAME', code };
  }

  /** Takes a token from the MAC's and the global bucket, or says which one is empty. */
  private admitScan(macKey: string, now: number): 'MAC' | 'GLOBAL' | null {
    if (now - this.lastSweep >= SWEEP_INTERVAL_MS) this.sweep(now);
    let state = this.macs.get(macKey);
    if (!state) {
      if (this.macs.size >= this.maxTrackedMacs) this.evict(now);
      state = { tokens: this.macCapacity, refilledAt: now, failures: 0, lastFailureAt: 0, cooldownUntil: 0 };
      this.macs.set(macKey, state);
    }
    if (state.cooldownUntil > now) return 'MAC';
    state.tokens = Math.min(
      this.macCapacity,
      state.tokens + Math.max(0, now - state.refilledAt) * this.macRatePerMs,
    );
    state.refilledAt = now;
    if (state.tokens < 1) return 'MAC';
    this.globalTokens = Math.min(
      this.globalCapacity,
      this.globalTokens + Math.max(0, now - this.globalRefilledAt) * this.globalRatePerMs,
    );
    this.globalRefilledAt = now;
    if (this.globalTokens < 1) return 'GLOBAL';
    state.tokens -= 1;
    this.globalTokens -= 1;
    return null;
  }

  private recordFailure(macKey: string, now: number): void {
    const state = this.macs.get(macKey);
    if (!state) return;
    if (now - state.lastFailureAt > this.failureWindowMs) state.failures = 0;
    state.failures++;
    state.lastFailureAt = now;
    if (state.failures >= this.failuresBeforeCooldown) {
      state.failures = 0;
      state.cooldownUntil = now + this.cooldownMs;
      this.stats.cooldowns++;
    }
  }

  private resetFailures(macKey: string): void {
    const state = this.macs.get(macKey);
    if (state) state.failures = 0;
  }

  /** Whether a state carries no information any more (full bucket, no cooldown, no live failures). */
  private idle(state: MacState, now: number): boolean {
    const full = state.tokens + Math.max(0, now - state.refilledAt) * this.macRatePerMs >= this.macCapacity;
    const failing = state.failures > 0 && now - state.lastFailureAt <= this.failureWindowMs;
    return full && state.cooldownUntil <= now && !failing;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, state] of this.macs) if (this.idle(state, now)) this.macs.delete(key);
  }

  /** Makes room for one more state: idle ones go first, then the oldest inserted. */
  private evict(now: number): void {
    this.sweep(now);
    while (this.macs.size >= this.maxTrackedMacs) {
      const oldest = this.macs.keys().next();
      if (oldest.done) break;
      this.macs.delete(oldest.value);
    }
  }
}
