import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RADIUS_WORKER_NODE_FLAGS, nodeFlagGiven, radiusWorkerExecArgv } from './radius-node-flags.js';

describe('radiusWorkerExecArgv', () => {
  it('adds the worker flags after what the process already runs with', () => {
    assert.deepEqual(radiusWorkerExecArgv(['--enable-source-maps'], ''), [
      '--enable-source-maps',
      ...RADIUS_WORKER_NODE_FLAGS,
    ]);
  });

  it("keeps the operator's value of a flag given on the command line, in either spelling", () => {
    assert.deepEqual(radiusWorkerExecArgv(['--max-semi-space-size=16'], ''), ['--max-semi-space-size=16']);
    assert.deepEqual(radiusWorkerExecArgv(['--max_semi_space_size=2'], ''), ['--max_semi_space_size=2']);
  });

  it("keeps the operator's value of a flag given in NODE_OPTIONS", () => {
    assert.deepEqual(radiusWorkerExecArgv([], '--inspect  --max-semi-space-size=32'), []);
  });
});

describe('nodeFlagGiven', () => {
  it('finds a flag on the command line or in NODE_OPTIONS, in either spelling, with or without a value', () => {
    assert.equal(nodeFlagGiven('--heap-growing-percent', ['--heap_growing_percent=30'], ''), true);
    assert.equal(nodeFlagGiven('--heap-growing-percent', [], '--inspect --heap-growing-percent=30'), true);
    assert.equal(nodeFlagGiven('--heap-growing-percent', ['--heap-growing-percent'], ''), true);
    assert.equal(
      nodeFlagGiven('--heap-growing-percent', ['--enable-source-maps'], '--max-semi-space-size=8'),
      false,
    );
  });
});
