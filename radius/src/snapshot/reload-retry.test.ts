import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from 'pino';
import { ReloadRetry } from './reload-retry.js';

function recordingLogger() {
  const warnings: Array<Record<string, unknown>> = [];
  const logger = { warn: (obj: Record<string, unknown>) => warnings.push(obj) } as unknown as Logger;
  return { logger, warnings };
}

describe('ReloadRetry', () => {
  it('waits 1 s after a failure, doubling up to 30 s, and starts over after a success', async () => {
    const { logger, warnings } = recordingLogger();
    const outcomes = [false, false, false, false, false, false, false, true, false];
    const retry = new ReloadRetry(async () => {
      if (!outcomes.shift()) throw new Error('connection refused');
    }, logger);
    try {
      const results: boolean[] = [];
      // Called directly: each run replaces the retry the previous failure scheduled.
      for (let i = 0; i < 9; i++) results.push(await retry.run());
      assert.deepEqual(results, [false, false, false, false, false, false, false, true, false]);
      assert.deepEqual(
        warnings.map((w) => w.retryInMs),
        [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 1000],
      );
      assert.deepEqual(
        warnings.map((w) => w.failures),
        [1, 2, 3, 4, 5, 6, 7, 1],
      );
      assert.equal(retry.consecutiveFailures, 1);
      assert.equal(retry.retrying, true);
    } finally {
      retry.stop();
    }
    assert.equal(retry.retrying, false);
  });

  it('retries by itself until the reload succeeds, logging each failure once with the message only', async () => {
    const { logger, warnings } = recordingLogger();
    let attempts = 0;
    const retry = new ReloadRetry(
      async () => {
        attempts++;
        if (attempts <= 3)
          throw Object.assign(new Error('password authentication failed'), { password: 'x' });
      },
      logger,
      { initialDelayMs: 5, maxDelayMs: 20 },
    );
    assert.equal(await retry.run(), false);
    for (let waited = 0; retry.retrying && waited < 2000; waited += 5)
      await new Promise((r) => setTimeout(r, 5));
    assert.equal(attempts, 4);
    assert.equal(retry.consecutiveFailures, 0);
    assert.equal(retry.retrying, false);
    assert.equal(warnings.length, 3);
    for (const w of warnings) assert.deepEqual(Object.keys(w).sort(), ['err', 'failures', 'retryInMs']);
  });

  it('schedules nothing once stopped', async () => {
    const { logger } = recordingLogger();
    const retry = new ReloadRetry(() => Promise.reject(new Error('down')), logger);
    retry.stop();
    assert.equal(await retry.run(), false);
    assert.equal(retry.retrying, false);
  });
});
