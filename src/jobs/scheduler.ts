/**
 * The background jobs of a bot process, on node-cron: expiry sweep, wishlist alerts, loop sweep,
 * outbox delivery, offer card updates and housekeeping. A run never overlaps the previous run of the same job, and `stop()` waits for
 * runs in flight, so shutdown never cuts a job in half.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { TradeCore } from '../core/trade-core.js';
import type { Logger } from '../logger.js';
import type { CardEditor, PlatformDelivery } from '../platform.js';
import { DEFAULT_LEASE_MS, drainOutbox } from './delivery.js';
import { refreshCards } from './cards.js';
import { sweepExpiredOffers } from './expiry.js';
import { sweepSettlementTimeouts } from './settlement-timeouts.js';
import { runHousekeeping } from './housekeeping.js';
import { sendWishAlerts } from './wish-alerts.js';
import { sweepLoops } from './loop-sweep.js';
import { closeDueEvents } from './event-close.js';

export interface JobSchedules {
  /** Cron expressions (node-cron; a sixth leading field is seconds). */
  expiry: string;
  /** Wishlist digests (each member hears at most every few minutes per market; see core/wishes.ts). */
  alerts: string;
  delivery: string;
  housekeeping: string;
  /** The loop sweep across every market (the step after each post finds most loops at once). */
  loops: string;
}

export const DEFAULT_SCHEDULES: JobSchedules = {
  expiry: '* * * * *',
  alerts: '*/30 * * * * *',
  delivery: '*/5 * * * * *',
  housekeeping: '30 4 * * *',
  loops: '*/10 * * * *',
};

export interface JobsOptions {
  core: TradeCore;
  log: Logger;
  deliveries: readonly PlatformDelivery[];
  schedules?: Partial<JobSchedules>;
  /** How long delivered notifications are kept. */
  retentionMs: number;
  /**
   * Due notifications read per delivery pass, and how long the claim on one row holds. Each row
   * is claimed right before its send, so after a crash only the row in hand waits out the lease;
   * the lease must stay well above the platform clients' request timeouts.
   */
  delivery?: { batch: number; leaseMs: number };
  /** Card edits of the platforms at hand: stale offer cards are brought up to date on the delivery schedule. */
  cardEditors?: readonly CardEditor[];
}

/**
 * The jobs; `cards` runs on the delivery schedule (both are "tell the chats what changed"), and
 * `settlement` (confirm settlement's timeouts) on the expiry schedule (both end things by the clock).
 */
type JobName = keyof JobSchedules | 'cards' | 'settlement' | 'events';
const SCHEDULE_OF: Partial<Record<JobName, keyof JobSchedules>> = { cards: 'delivery', settlement: 'expiry', events: 'expiry' };

export function startJobs(options: JobsOptions) {
  const { core, log } = options;
  const schedules = { ...DEFAULT_SCHEDULES, ...options.schedules };
  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;

  const jobs: Record<JobName, () => Promise<unknown>> = {
    expiry: () => sweepExpiredOffers(core, log.child({ job: 'expiry' })),
    alerts: async () => sendWishAlerts(core, log.child({ job: 'alerts' })),
    settlement: () => sweepSettlementTimeouts(core, log.child({ job: 'settlement' })),
    delivery: () =>
      drainOutbox({
        stopped: () => stopping,
        core,
        deliveries: options.deliveries,
        log: log.child({ job: 'delivery' }),
        limit: options.delivery?.batch ?? 10,
        leaseMs: options.delivery?.leaseMs ?? DEFAULT_LEASE_MS,
      }),
    cards: async () => {
      for (const editor of options.cardEditors ?? []) await refreshCards({ core, editor, log: log.child({ job: 'cards' }) });
    },
    housekeeping: async () => runHousekeeping(core, log.child({ job: 'housekeeping' }), options.retentionMs),
    loops: () => sweepLoops(core, log.child({ job: 'loops' })),
    // Math-trade events whose time is up, and closes a crash cut short, end by the clock too.
    events: () => closeDueEvents(core, log.child({ job: 'events' })),
  };

  /** Runs a job now, logging (never throwing) its failure; tracked so stop() can wait for it. */
  const run = (name: JobName) => {
    const running = jobs[name]()
      .catch((error: unknown) => log.error({ err: error, job: name }, 'job failed'))
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
    return running;
  };

  const tasks: ScheduledTask[] = (Object.keys(jobs) as JobName[]).map((name) =>
    cron.schedule(schedules[SCHEDULE_OF[name] ?? (name as keyof JobSchedules)], () => run(name), { name: `trading-post-${name}`, noOverlap: true }),
  );
  // A bot that was stopped catches up at once instead of waiting for the first tick.
  void run('expiry');
  void run('settlement');
  void run('loops');
  void run('events');
  void run('delivery');
  void run('cards');
  log.info({ schedules }, 'jobs scheduled');

  return {
    /** Runs one job now (tests, and the first pass after start). */
    run,
    /** Stops the schedules and waits for the runs in flight. */
    async stop(): Promise<void> {
      stopping = true;
      await Promise.all(tasks.map((task) => task.stop()));
      await Promise.all(tasks.map((task) => task.destroy()));
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type Jobs = ReturnType<typeof startJobs>;
