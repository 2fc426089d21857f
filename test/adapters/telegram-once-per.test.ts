import { describe, expect, it } from 'vitest';
import { oncePer } from '../../src/adapters/telegram/once-per.js';

describe('oncePer', () => {
  it('says yes once per key per period, and again once the period has passed', () => {
    let now = 0;
    const due = oncePer(1000, () => now);
    expect([due('a'), due('a'), due('b')]).toEqual([true, false, true]);
    now = 999;
    expect([due('a'), due('b')]).toEqual([false, false]);
    now = 1000;
    expect([due('a'), due('a'), due('b')]).toEqual([true, false, true]);
  });
});
