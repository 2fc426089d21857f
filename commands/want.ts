/**
 * `/want add|remove|list|alerts`: a member's wishlist in this market, and whether they are told
 * when an offer opens that gives what they wish for (see src/core/wishes.ts).
 */
import type { Wish } from '../src/core/wishes.js';
import type { OfferView } from '../src/core/types.js';
import { defineCommand, defineGroup, type CommandContext, type ReplyButton } from './definition.js';
import { itemName, itemList } from './messages/index.js';
import { choiceOption, wishItemsOption } from './options.js';
import { coreRefusal, privateReply } from './render/replies.js';

/** `3 orange, any amount of 🍎 apple`. */
const wishList = (ctx: CommandContext, wishes: readonly Wish[]) =>
  wishes.map(({ item, quantity }) => (quantity === null ? `${itemName(item)} (${ctx.t.wants.anyAmount})` : itemList([{ item, quantity }]))).join(', ');

/** An offer as a line of the answer, and its Details button. */
const offerLine = (ctx: CommandContext, offer: OfferView, holdsAll: boolean) =>
  `#${offer.id} ${offer.owner.displayName}: ${ctx.t.offer.gives.toLowerCase()} ${itemList(offer.give)}, ${ctx.t.offer.wants.toLowerCase()} ${itemList(offer.want)}${holdsAll ? ` (${ctx.t.wants.holdsAll})` : ''}`;
const detailsButton = (offer: OfferView): ReplyButton => ({ label: `#${offer.id}`, style: 'secondary', command: 'offer', args: [String(offer.id)] });

const add = defineCommand({
  name: 'add',
  audience: 'everyone',
  options: { items: wishItemsOption('items', { form: 'rest', autocomplete: 'catalog' }) },
  run(ctx, args) {
    const added = ctx.core.addWishes({ marketId: ctx.market.id, memberId: ctx.member.id, wishes: args.items });
    if (!added.ok) return coreRefusal(ctx, added.error);
    const lines = [ctx.t.wants.added(wishList(ctx, added.value)) + (ctx.core.wishAlertsOn(ctx.member.id) ? '' : ctx.t.wants.alertsOff)];
    // What already matches: the member need not wait for the next offer.
    const matching = ctx.core.wishedOffers(ctx.market.id, ctx.member.id);
    if (matching.length > 0) lines.push('', ctx.t.wants.matching, ...matching.map(({ offer, holdsAll }) => offerLine(ctx, offer, holdsAll)));
    const buttons = matching.slice(0, 5).map(({ offer }) => detailsButton(offer));
    return { reply: privateReply(lines.join('\n'), { tone: 'success', buttons, shows: buttons.length > 0 ? { subject: { kind: 'list', command: 'offer' }, follows: false } : undefined }) };
  },
});

const remove = defineCommand({
  name: 'remove',
  audience: 'everyone',
  options: { items: wishItemsOption('items', { form: 'rest' }) },
  run(ctx, args) {
    const removed = ctx.core.removeWishes({ marketId: ctx.market.id, memberId: ctx.member.id, names: args.items.map((wish) => wish.name) });
    return removed.ok ? { reply: privateReply(ctx.t.wants.removed(wishList(ctx, removed.value)), { tone: 'success' }) } : coreRefusal(ctx, removed.error);
  },
});

const list = defineCommand({
  name: 'list',
  audience: 'everyone',
  readOnly: true,
  options: {},
  run(ctx) {
    const wishes = ctx.core.listWishes(ctx.member.id);
    const state = ctx.t.wants.alertsState(ctx.core.wishAlertsOn(ctx.member.id));
    const text = wishes.length === 0 ? ctx.t.wants.empty : `${wishes.map((wish) => `• ${wishList(ctx, [wish])}`).join('\n')}\n\n${state}`;
    return { reply: privateReply(text, { title: ctx.t.wants.listTitle }) };
  },
});

const alerts = defineCommand({
  name: 'alerts',
  audience: 'everyone',
  options: { state: choiceOption('state', { choices: ['on', 'off'] as const }) },
  run(ctx, args) {
    ctx.core.setWishAlerts(ctx.member.id, args.state === 'on');
    return { reply: privateReply(args.state === 'on' ? ctx.t.wants.alertsNowOn : ctx.t.wants.alertsNowOff, { tone: 'success' }) };
  },
});

export default defineGroup({ name: 'want', audience: 'everyone', subcommands: [add, remove, list, alerts] });
