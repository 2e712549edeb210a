import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from './andcards.client.js';

/** A fake clock: waiting advances it. */
function clock() {
  const c = {
    t: 0,
    now: () => c.t,
    wait: (ms: number) => {
      c.t += Math.max(1, ms);
      return new Promise<void>((r) => setImmediate(r));
    },
  };
  return c;
}

describe('andcards rate limiter', () => {
  it('never lets more than 9 requests be answered within one second, whatever the latency', async () => {
    const c = clock();
    const limiter = new RateLimiter(9, 1000, c.now, c.wait);
    const starts: number[] = [];
    const answered: number[] = [];
    for (let i = 0; i < 40; i++) {
      const release = await limiter.acquire();
      starts.push(c.t);
      c.t += i % 7 === 0 ? 120 : 3; // uneven latency
      answered.push(c.t);
      release();
    }
    // Upstream saw request k between starts[k] and answered[k]: the 10th later request starts a full window after.
    for (let k = 9; k < starts.length; k++) assert.ok(starts[k] >= answered[k - 9] + 1000, `request ${k}`);
    assert.ok(c.t < (40 * 1000) / 9 + 2000, 'and it does not wait much longer than needed');
  });

  it('a slot stays taken while its request is in flight', async () => {
    const c = clock();
    const limiter = new RateLimiter(2, 1000, c.now, c.wait);
    const r1 = await limiter.acquire();
    await limiter.acquire();
    let acquiredAt: number | null = null;
    const p = limiter.acquire().then((r) => {
      acquiredAt = c.t;
      return r;
    });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal(acquiredAt, null, 'both slots are in flight');
    const releasedAt = c.t;
    r1();
    await p;
    assert.ok(acquiredAt !== null && acquiredAt >= releasedAt + 1000);
  });
});
