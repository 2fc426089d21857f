/** Small numeric and formatting helpers shared by the bench sections and the runner. */
import { performance } from 'node:perf_hooks';

export const now = (): number => performance.now();

/** Runs `work` and returns how long it took, in milliseconds. */
export function timeMs(work: () => void): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('no samples');
  return [...values].sort((a, b) => a - b);
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const s = sorted(values);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1] as number;
}

export function median(values: readonly number[]): number {
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Latency summary over samples in milliseconds. */
export interface Latency {
  samples: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
}

export function latency(samplesMs: readonly number[]): Latency {
  return { samples: samplesMs.length, medianMs: median(samplesMs), p99Ms: percentile(samplesMs, 99), maxMs: percentile(samplesMs, 100) };
}

/** `12345.6` -> `"12,346"`. */
export const int = (value: number): string => Math.round(value).toLocaleString('en-US');

/** Fixed decimals. */
export const dec = (value: number, digits = 2): string => value.toFixed(digits);

/** Milliseconds with a sensible number of decimals. */
export const ms = (value: number): string => `${value < 1 ? value.toFixed(3) : value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;

export const mb = (kilobytes: number): string => `${Math.round(kilobytes / 1024)} MB`;
