/**
 * The answer to a settlement step (`/confirm`, `/reject`, `/withdraw`): what happened, in the
 * words of the member who did it, and the trade's card for their next step. The other side is
 * told by the core's notification.
 */
import type { Result } from '../../src/core/errors.js';
import type { SettledOfferFate } from '../../src/core/outbox.js';
import type { SettlementOutcome } from '../../src/core/settlement.js';
import type { OfferView } from '../../src/core/types.js';
import type { CommandContext, CommandResult } from '../definition.js';
import { rateButtons } from './notification.js';
import { offerCard } from './offer-card.js';
import { coreRefusal, personalReply } from './replies.js';
import { tradeCard } from './trade-card.js';

/** What became of the offer of a trade that fell through, read from the offer's status after it. */
function fateOf(status: OfferView['status']): SettledOfferFate {
  switch (status) {
    case 'expired':
      return 'expired';
    case 'removed':
      return 'removed';
    case 'declined':
      return 'ended';
    default:
      return 'open';
  }
}

function sentence(ctx: CommandContext, { step, trade, offer }: SettlementOutcome): string {
  const t = ctx.t.trade;
  const fate = fateOf(offer.status);
  const asOwner = trade.owner.id === ctx.member.id;
  const dueIn = (trade.dueAt ?? ctx.core.clock()) - ctx.core.clock();
  switch (step) {
    case 'accepted':
      return t.accepted(trade.id, trade.taker.displayName, dueIn);
    case 'handed_over':
      return t.handedOver(trade.id, trade.taker.displayName, dueIn);
    case 'completed':
      return t.completed(trade.id, trade.ownerGave, trade.takerGave);
    case 'rejected':
      return t.rejected(trade.id, offer.id, fate);
    case 'withdrawn':
      return asOwner ? t.withdrawn(trade.id, [], { offerId: offer.id, fate }) : t.withdrawn(trade.id, trade.takerGave, null);
    case 'started':
    case 'timed_out':
      return t.timedOut(trade.id, offer.id, trade.status, trade.cancelReason, trade.status === 'cancelled' ? fate : null);
  }
}

export function settlementReply(ctx: CommandContext, done: Result<SettlementOutcome>): CommandResult {
  if (!done.ok) return coreRefusal(ctx, done.error);
  const { trade, offer } = done.value;
  const card = tradeCard(ctx.t, ctx.core.clock, trade, ctx.member.id);
  // The taker who confirmed receipt completed it: rating is their next step, as in the completion messages.
  const completedByMe = done.value.step === 'completed' && trade.taker.id === ctx.member.id;
  const buttons = completedByMe ? rateButtons(ctx.t, trade.id) : (card.buttons ?? []);
  // The caller's next step, one press away; the message is a notice about the trade, not its live card.
  const reply = personalReply(sentence(ctx, done.value), buttons.length ? { buttons, shows: { subject: { kind: 'trade', id: trade.id }, follows: false } } : {});
  // The trade ended: the offer completed, opened again or expired, and its cards follow at once.
  const ended = trade.status === 'completed' || trade.status === 'cancelled';
  return ended ? { reply, card: { offerId: offer.id, reply: offerCard(ctx.t, ctx.core.clock, offer) } } : { reply };
}
