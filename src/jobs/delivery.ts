/**
 * Outbox delivery: each notification becomes a direct message through the adapter of the
 * recipient's platform. Transient failures are retried with exponential backoff (a 429's
 * retry-after is honoured); a member the platform will not let the bot write to is marked
 * unreachable (the row undeliverable until they are reachable again) and told once in the
 * market's chat; a message the platform rejects for good is marked undeliverable. Nothing is
 * deleted here.
 */
import { messagesFor } from '../../commands/messages/index.js';
import type { ClaimedNotification } from '../core/notifications.js';
import type { Notification } from '../core/outbox.js';
import type { TradeCore } from '../core/trade-core.js';
import type { Platform } from '../db/schema.js';
import type { Logger } from '../logger.js';

/**
 * How a send went. `retry`: try again later (rate limit, server, network). `unreachable`: the
 * platform refuses direct messages to this member (blocked, never started, DMs closed, account
 * gone). `rejected`: this message can never be sent, though the member can be reached.
 */
export type DeliveryOutcome =
  | { ok: true }
  | { ok: false; kind: 'retry'; retryAfterMs?: number | undefined; error: string }
  | { ok: false; kind: 'unreachable'; error: string }
  | { ok: false; kind: 'rejected'; error: string };

const failedToSend = (error: unknown): DeliveryOutcome => ({ ok: false, kind: 'retry', error: String(error) });

/** What a platform adapter gives the jobs: a way to write to a member and to a market's chat. */
export interface PlatformDelivery {
  platform: Platform;
  sendDirect(platformUserId: string, text: string): Promise<DeliveryOutcome>;
  /** Posts in a market's chat; a platform with no such chat answers `rejected`. */
  sendToMarket(platformMarketId: string, text: string): Promise<DeliveryOutcome>;
  /** Where a member goes to let the bot write to them, if the platform has such a link. */
  startLink?: string | undefined;
}

const BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 3_600_000;

/** 5 s, 10 s, 20 s, ... up to an hour: the wait before attempt `attempts + 1`. */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
}

/** The direct message for a notification, in the catalog's words. */
export function notificationText(notification: Notification, language?: string): string {
  const render = messagesFor(language).notification[notification.kind] as (n: Notification) => string;
  return render(notification);
}

export interface DeliveryPass {
  sent: number;
  retried: number;
  unreachable: number;
  rejected: number;
}

/**
 * Delivers until nothing due is left (or `stopped()` says to stop), one small leased batch at a
 * time: throughput is not capped by the batch, and a crash strands at most one batch for one lease.
 */
export async function drainOutbox(options: Parameters<typeof deliverOutbox>[0] & { stopped?: () => boolean }): Promise<DeliveryPass> {
  const total: DeliveryPass = { sent: 0, retried: 0, unreachable: 0, rejected: 0 };
  for (;;) {
    const pass = await deliverOutbox(options);
    total.sent += pass.sent;
    total.retried += pass.retried;
    total.unreachable += pass.unreachable;
    total.rejected += pass.rejected;
    if (pass.claimed < (options.limit ?? DEFAULT_BATCH) || options.stopped?.()) return total;
  }
}

const DEFAULT_BATCH = 10;

/** One pass: claims what is due for the platforms at hand and tries to send each. */
export async function deliverOutbox(options: {
  core: TradeCore;
  deliveries: readonly PlatformDelivery[];
  log: Logger;
  limit?: number;
  leaseMs?: number;
}): Promise<DeliveryPass & { claimed: number }> {
  const { core, log } = options;
  const byPlatform = new Map(options.deliveries.map((delivery) => [delivery.platform, delivery]));
  const claimed = core.claimNotifications({ platforms: [...byPlatform.keys()], limit: options.limit ?? DEFAULT_BATCH, leaseMs: options.leaseMs ?? 30_000 });
  const pass = { sent: 0, retried: 0, unreachable: 0, rejected: 0, claimed: claimed.length };
  const refusedDirectMessages = new Set<number>();
  for (const row of claimed) {
    const delivery = byPlatform.get(row.platform);
    if (!delivery) continue;
    // Found unreachable earlier in this pass: leave the row waiting, as later passes would.
    if (refusedDirectMessages.has(row.recipientId)) {
      core.retryLater(row.id, 0, 'member cannot receive direct messages');
      continue;
    }
    const outcome = await sendOne(delivery, row).catch(failedToSend);
    const context = { market: row.marketId, member: row.recipientId, notification: row.id, kind: row.notification.kind, attempts: row.attempts };
    if (outcome.ok) {
      core.markDelivered(row.id);
      pass.sent += 1;
      log.info(context, 'notification delivered');
    } else if (outcome.kind === 'rejected') {
      core.markRejected(row.id, outcome.error);
      pass.rejected += 1;
      log.error({ ...context, error: outcome.error }, 'the platform rejected this notification for good');
    } else if (outcome.kind === 'unreachable') {
      pass.unreachable += 1;
      refusedDirectMessages.add(row.recipientId);
      log.warn({ ...context, error: outcome.error }, 'member cannot receive direct messages');
      if (core.markUnreachable(row.id, row.recipientId, outcome.error)) {
        const told = await delivery
          .sendToMarket(row.marketPlatformId, messagesFor().unreachable(row.recipientName, delivery.startLink))
          .catch(failedToSend);
        if (!told.ok) log.warn({ ...context, error: told.error }, 'could not tell the member in the market chat');
      }
    } else {
      const delay = Math.max(outcome.retryAfterMs ?? 0, backoffMs(row.attempts));
      core.retryLater(row.id, delay, outcome.error);
      pass.retried += 1;
      log.warn({ ...context, error: outcome.error, retryInMs: delay }, 'notification delivery failed; will retry');
    }
  }
  return pass;
}

function sendOne(delivery: PlatformDelivery, row: ClaimedNotification): Promise<DeliveryOutcome> {
  return delivery.sendDirect(row.recipientPlatformUserId, notificationText(row.notification));
}
