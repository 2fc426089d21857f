/** `/accept N`: take an offer; the swap is atomic and only one member can win it. */
import { defineCommand } from './definition.js';
import { numberReferenceOption } from './options.js';
import { offerCard } from './render/offer-card.js';
import { coreRefusal, privateReply, publicReply } from './render/replies.js';
import { settlementButtons } from './render/trade-card.js';

export default defineCommand({
  name: 'accept',
  audience: 'everyone',
  pressable: true,
  options: { offer: numberReferenceOption('offer', { kind: 'offer', autocomplete: 'acceptable-offers' }) },
  run(ctx, args) {
    const accepted = ctx.core.acceptOffer({ marketId: ctx.market.id, offerId: args.offer, takerId: ctx.member.id });
    if (!accepted.ok) return coreRefusal(ctx, accepted.error);
    const { offer, trade, original } = accepted.value;
    const card = { offerId: offer.id, reply: offerCard(ctx.t, ctx.core.clock, offer) };
    // Accepting a counter to one's own open offer closed that offer too: say what became of its items.
    const closedToo = original ? ` ${ctx.t.counter.originalClosed(original.offerId, original.counted, original.returned)}` : '';
    if (trade.status === 'pending') {
      // Confirm settlement: nothing is swapped yet; the taker's answer says what happens next.
      const text = ctx.t.trade.started(offer.id, trade.id, offer.owner.displayName, trade.takerGave, (trade.dueAt ?? 0) - ctx.core.clock());
      // The taker's next step (withdrawing) one press away; the answer is a notice about the trade.
      const buttons = settlementButtons(ctx.t, trade).taker;
      // Private: the taker's own next step (Withdraw) reaches them alone, in a DM on Telegram, and
      // the group's message budget is not spent on it.
      return { reply: privateReply(text + closedToo, { tone: 'success', buttons, shows: { subject: { kind: 'trade', id: trade.id }, follows: false } }), card };
    }
    const done = ctx.t.accepted(offer.id, trade.id, trade.ownerGave, trade.takerGave, offer.owner.displayName);
    return { reply: publicReply(done + closedToo), card };
  },
});
