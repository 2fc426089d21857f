/**
 * Outbox delivery: each notification becomes a direct message through the adapter of the
 * recipient's platform.
 *
 * - Each row is claimed (leased) right before it is sent and its outcome is recorded under that
 *   claim (see `core/notifications.ts`), so two processes never send the same row, provided a send
 *   ends within the lease: each platform client's request timeout keeps it well inside. A member
 *   can get a message twice only when the platform took it but the sender could not record that:
 *   the process died between the send and the record, or the request failed after the platform
 *   had it (a timeout, a dropped connection), which is retried.
 * - Transient failures (rate limit, server error, network, timeout) are retried with exponential
 *   backoff, honouring a rate limit's retry-after. After a rate limit the drain leaves that
 *   platform alone, and its other waiting rows wait out the same retry-after, without counting an
 *   attempt (another process sending them would hit the same limit).
 * - A member the platform will not let the bot write to is marked unreachable: their rows wait
 *   until they are reachable again, and a notice for the market's chat is queued with the mark
 *   (one per unreachable period). The notice is an outbox row like the others, retried the same
 *   way; a chat that refuses it (or a platform without one) sets it aside.
 * - A message the platform rejects for good is set aside (`undeliverable`) and never sent again.
 *
 * Nothing is deleted here.
 */
import { messagesFor } from '../../commands/messages/index.js';
import { notificationReply } from '../../commands/render/notification.js';
import type { Reply } from '../../commands/definition.js';
import type { DeliveryOutcome, PlatformDelivery } from '../platform.js';
import type { ClaimedNotification } from '../core/notifications.js';
import { isChatPost, isMarketNotice, type Notification } from '../core/outbox.js';
import type { TradeCore } from '../core/trade-core.js';
import type { Platform } from '../core/types.js';
import type { Logger } from '../logger.js';

const failedToSend = (error: unknown): DeliveryOutcome => ({ ok: false, kind: 'retry', error: String(error) });

/** How long a claim holds a row: far longer than one bounded send, short enough after a crash. */
export const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_BATCH = 10;
const BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 3_600_000;

/** 5 s, 10 s, 20 s, ... up to an hour: the wait before attempt `attempts + 1`. */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
}

/** The words of a notification's direct message, in the catalog's language. */
export function notificationText(notification: Notification, language?: string): string {
  return notificationReply(messagesFor(language), notification, null).text;
}

export interface DeliveryPass {
  sent: number;
  retried: number;
  unreachable: number;
  rejected: number;
}

/**
 * Delivers until nothing due is left (or `stopped()` says to stop), reading the due rows in small
 * batches and claiming each just before sending it. A platform that answers with a rate limit gets
 * nothing more in this drain.
 */
export async function drainOutbox(options: Parameters<typeof deliverOutbox>[0] & { stopped?: () => boolean }): Promise<DeliveryPass> {
  const total: DeliveryPass = { sent: 0, retried: 0, unreachable: 0, rejected: 0 };
  let deliveries = options.deliveries;
  for (;;) {
    const pass = await deliverOutbox({ ...options, deliveries });
    total.sent += pass.sent;
    total.retried += pass.retried;
    total.unreachable += pass.unreachable;
    total.rejected += pass.rejected;
    deliveries = deliveries.filter((delivery) => !pass.rateLimited.includes(delivery.platform));
    if (pass.due < (options.limit ?? DEFAULT_BATCH) || deliveries.length === 0 || options.stopped?.()) return total;
  }
}

/**
 * One pass over up to `limit` due rows of the platforms at hand. `due` is how many rows it found
 * (some may have gone to another process); `rateLimited` the platforms that asked to slow down.
 */
export async function deliverOutbox(options: {
  core: TradeCore;
  deliveries: readonly PlatformDelivery[];
  log: Logger;
  limit?: number;
  leaseMs?: number;
}): Promise<DeliveryPass & { due: number; rateLimited: Platform[] }> {
  const { core, log } = options;
  const byPlatform = new Map(options.deliveries.map((delivery) => [delivery.platform, delivery]));
  const due = core.dueNotifications({ platforms: [...byPlatform.keys()], limit: options.limit ?? DEFAULT_BATCH });
  const pass: DeliveryPass = { sent: 0, retried: 0, unreachable: 0, rejected: 0 };
  const rateLimited = new Set<Platform>();
  for (const candidate of due) {
    const delivery = byPlatform.get(candidate.platform);
    if (!delivery || rateLimited.has(candidate.platform)) continue;
    // Claimed now, not with the batch: the lease only has to cover this one send.
    const row = core.claimNotification(candidate.id, options.leaseMs ?? DEFAULT_LEASE_MS);
    if (!row) continue; // another process took it, or its member became unreachable meanwhile
    const notice = isChatPost(row.notification);
    const reply = directReply(row);
    const outcome = await sendOne(delivery, row, reply).catch(failedToSend);
    const context = { market: row.marketId, member: row.recipientId, notification: row.id, kind: row.notification.kind, attempts: row.attempts };
    let recorded: boolean;
    if (outcome.ok) {
      recorded = core.markDelivered(row);
      // Its buttons act on the market and record it is about. A crash before this leaves them
      // saying they no longer work; the words arrived all the same.
      if (outcome.sent && reply?.shows) core.recordCard(outcome.sent, { marketId: row.marketId, ...reply.shows });
      pass.sent += 1;
      log.info(context, 'notification delivered');
    } else if (outcome.kind === 'rejected' || (notice && outcome.kind === 'unreachable')) {
      // For a notice, "unreachable" means the market's chat refuses the bot: as final as a rejection.
      recorded = core.markRejected(row, outcome.error);
      pass.rejected += 1;
      log.error({ ...context, error: outcome.error }, 'the platform rejected this notification for good');
    } else if (outcome.kind === 'unreachable') {
      recorded = core.markUnreachable(row, outcome.error);
      pass.unreachable += 1;
      log.warn({ ...context, error: outcome.error }, 'member cannot receive direct messages');
    } else {
      const delay = Math.max(outcome.retryAfterMs ?? 0, backoffMs(row.attempts));
      recorded = core.retryLater(row, delay, outcome.error);
      pass.retried += 1;
      log.warn({ ...context, error: outcome.error, retryInMs: delay }, 'notification delivery failed; will retry');
      if (outcome.retryAfterMs !== undefined) {
        // A rate limit: every other row for this platform would run into it too.
        rateLimited.add(row.platform);
        core.holdBack(row.platform, outcome.retryAfterMs, `held back by a rate limit: ${outcome.error}`);
      }
    }
    if (!recorded) log.warn(context, 'the lease ran out before the outcome was recorded: another process may send this notification again');
  }
  return { ...pass, due: due.length, rateLimited: [...rateLimited] };
}

/** The direct message for a row, or nothing for a notice to the market's chat. */
const directReply = (row: ClaimedNotification): Reply | undefined =>
  isChatPost(row.notification) ? undefined : notificationReply(messagesFor(), row.notification, row.marketTitle);

function sendOne(delivery: PlatformDelivery, row: ClaimedNotification, reply: Reply | undefined): Promise<DeliveryOutcome> {
  if (reply) return delivery.sendDirect(row.recipientPlatformUserId, reply);
  const notice = row.notification;
  if (notice.kind === 'event_summary') {
    const summary: Reply = { text: messagesFor().events.summary(notice), visibility: 'public', tone: 'success' };
    return notice.chatId === null ? delivery.sendToMarket(row.marketPlatformId, summary.text) : delivery.sendToChat(notice.chatId, summary);
  }
  if (!isMarketNotice(notice)) throw new Error('a direct message came without its words');
  return delivery.sendToMarket(row.marketPlatformId, messagesFor().unreachable(notice.memberName, delivery.startLink));
}
