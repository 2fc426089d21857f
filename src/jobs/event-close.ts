/**
 * The event close job: closes every math-trade event whose time is up, and finishes every close a
 * crash cut short (an event left `closing`). The due time is stored with the event, so a bot that
 * was down closes it at its first run. Runs on the expiry schedule and at start.
 */
import type { TradeCore } from '../core/trade-core.js';
import type { Logger } from '../logger.js';

export async function closeDueEvents(core: TradeCore, log: Logger): Promise<number> {
  const { closed, failed } = await core.closeDueEvents();
  for (const { event, itemsTraded, membersTrading, loops } of closed) {
    log.info({ market: event.marketId, event: event.id, itemsTraded, membersTrading, loops }, 'math-trade event closed');
  }
  for (const { eventId, error } of failed) log.error({ err: error, event: eventId }, 'math-trade event close failed; it stays closing and is tried again');
  return closed.length;
}
