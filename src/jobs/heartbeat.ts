/**
 * The heartbeat every bot process writes, jobs or not, so the container health check can tell a
 * live process with its platform connections up from a stuck or disconnected one.
 */
import { hostname } from 'node:os';
import type { TradeCore } from '../core/trade-core.js';
import type { Logger } from '../logger.js';

export const HEARTBEAT_EVERY_MS = 15_000;

/** `hostname:pid`: unique per process, and the health check finds its own host's rows. */
export const processName = () => `${hostname()}:${process.pid}`;

export function startHeartbeat(options: { core: TradeCore; log: Logger; platformsUp: () => Record<string, boolean> }) {
  const beat = () => {
    try {
      options.core.beat(processName(), options.platformsUp());
    } catch (error) {
      options.log.error({ err: error }, 'could not write the heartbeat');
    }
  };
  beat();
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  return { stop: () => clearInterval(timer) };
}
