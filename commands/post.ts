/** `/post give ITEMS want ITEMS [hours N] [to @member] [note TEXT]`: a new offer, its items escrowed. */
import { DEFAULT_OFFER_HOURS, MAX_NOTE_LENGTH, MAX_OFFER_HOURS, MIN_OFFER_HOURS } from '../src/core/post-offer.js';
import { defineCommand } from './definition.js';
import { integerOption, itemsOption, memberOption, textOption } from './options.js';
import { offerCard } from './render/offer-card.js';
import { coreRefusal, resolveMember } from './render/replies.js';

export default defineCommand({
  name: 'post',
  description: 'Offer items in exchange for others',
  audience: 'everyone',
  options: {
    give: itemsOption('give', 'What you give, like "5 apple, 2 pear"', { autocomplete: 'inventory' }),
    want: itemsOption('want', 'What you want in return, like "3 orange"', { autocomplete: 'catalog' }),
    hours: integerOption('hours', `How long the offer stays open (default ${DEFAULT_OFFER_HOURS})`, {
      required: false,
      min: MIN_OFFER_HOURS,
      max: MAX_OFFER_HOURS,
    }),
    to: memberOption('to', 'Offer only to this member', { required: false, form: 'keyword' }),
    note: textOption('note', 'A short note shown on the offer', { required: false, maxLength: MAX_NOTE_LENGTH, trailing: true }),
  },
  run(ctx, args) {
    let targetId: number | undefined;
    if (args.to) {
      const resolved = resolveMember(ctx, args.to);
      if ('refusal' in resolved) return resolved.refusal;
      targetId = resolved.member.id;
    }
    const posted = ctx.core.postOffer({
      marketId: ctx.market.id,
      ownerId: ctx.member.id,
      give: args.give,
      want: args.want,
      hours: args.hours,
      targetId,
      note: args.note,
    });
    if (!posted.ok) return coreRefusal(ctx, posted.error);
    return { reply: offerCard(ctx.t, ctx.core.clock, posted.value) };
  },
});
