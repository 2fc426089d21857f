/**
 * `/counter OFFER give ITEMS want ITEMS [note TEXT]`: answer an offer with other terms. The
 * counter is a new offer made to the original's owner; its items are escrowed like any offer's.
 *
 * `give` and `want` are optional to the parser only so that the Counter button (`counter 12`, all
 * a button can carry: items never travel in one) reaches this command, which then says how to
 * counter, with the number in place. Typed without them, it answers the same.
 */
import { MAX_NOTE_LENGTH } from '../src/core/post-offer.js';
import { defineCommand, type CommandContext } from './definition.js';
import { itemsOption, numberReferenceOption, textOption } from './options.js';
import { offerCard } from './render/offer-card.js';
import { coreRefusal, personalReply } from './render/replies.js';

/** The command with the offer's number in place, as the member's platform writes it. */
const usageFor = (ctx: CommandContext, offerId: number) =>
  ctx.capabilities.syntax === 'slash' ? `/counter offer:${offerId} give: want: [note:]` : `/counter ${offerId} give ITEMS want ITEMS [note TEXT]`;

export default defineCommand({
  name: 'counter',
  audience: 'everyone',
  pressable: true,
  options: {
    offer: numberReferenceOption('offer', { kind: 'offer', autocomplete: 'acceptable-offers' }),
    give: itemsOption('give', { required: false, autocomplete: 'inventory' }),
    want: itemsOption('want', { required: false, autocomplete: 'catalog' }),
    note: textOption('note', { required: false, maxLength: MAX_NOTE_LENGTH, trailing: true }),
  },
  run(ctx, args) {
    if (!args.give || !args.want) return { reply: personalReply(ctx.t.counter.how(args.offer, usageFor(ctx, args.offer)), { tone: 'info' }) };
    const made = ctx.core.counterOffer({ marketId: ctx.market.id, offerId: args.offer, memberId: ctx.member.id, give: args.give, want: args.want, note: args.note });
    if (!made.ok) return coreRefusal(ctx, made.error);
    const { counter: posted, original, returned } = made.value;
    const card = offerCard(ctx.t, ctx.core.clock, posted);
    const reply = { ...card, text: `${ctx.t.counter.posted(posted.id, original.id, original.owner.displayName, returned !== null)}\n${card.text}` };
    // A directed original closed: its cards follow at once.
    return returned === null ? { reply } : { reply, card: { offerId: original.id, reply: offerCard(ctx.t, ctx.core.clock, original) } };
  },
});
