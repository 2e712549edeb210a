import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateVlan } from './vlan-pool.js';

describe('allocateVlan', () => {
  it('takes the lowest free id', () => assert.equal(allocateVlan(100, 105, [100, 101, 103]), 102));
  it('reuses a freed id', () => assert.equal(allocateVlan(100, 102, [100, 102]), 101));
  it('returns null when the pool is full', () => assert.equal(allocateVlan(10, 11, [10, 11]), null));
  it('ignores ids outside the pool', () => assert.equal(allocateVlan(10, 11, [1, 2, 3]), 10));
});
