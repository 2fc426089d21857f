/**
 * `/admin ...`: the market's administrators keep the catalog, grant and revoke items, remove
 * offers and ban members; every one of those is in the moderation log, which `/admin log` shows
 * (the read-only tools are in commands/admin/). Admin rights are asked of the platform at the
 * moment of each action.
 */
import { MAX_REASON_LENGTH } from '../src/core/close-offer.js';
import { MAX_ITEM_DESCRIPTION, MAX_ITEM_NAME } from '../src/core/catalog.js';
import type { ItemAmount, MemberRef } from '../src/core/types.js';
import type { Result } from '../src/core/errors.js';
import { defineCommand, defineGroup, type CommandContext, type CommandResult, type MemberMention } from './definition.js';
import { MARKET_SETTINGS, SETTING_NAMES, type SettingSpec, type SettingValue } from '../src/core/market-settings.js';
import { choiceOption, itemsOption, memberOption, numberReferenceOption, textOption } from './options.js';
import { offerCard } from './render/offer-card.js';
import { coreRefusal, personalReply, publicReply, refusal, resolveMember } from './render/replies.js';
import adminAudit from './admin/audit.js';
import adminBans from './admin/bans.js';
import adminInventory from './admin/inventory.js';
import adminLog from './admin/log.js';

const nameOption = textOption('name', { maxLength: MAX_ITEM_NAME, form: 'rest', placeholder: 'NAME' });
const emojiOption = textOption('emoji', { required: false, maxLength: 16, placeholder: 'EMOJI' });
const descriptionOption = textOption('description', { required: false, maxLength: MAX_ITEM_DESCRIPTION, trailing: true });
/** Why an admin granted or revoked: kept in the moderation log. */
const whyOption = textOption('reason', { required: false, maxLength: MAX_REASON_LENGTH, trailing: true, placeholder: 'WHY' });

/** Grant and revoke share everything but the core call and the sentence. */
function moveItems(
  ctx: CommandContext,
  who: MemberMention,
  act: (member: MemberRef) => Result<ItemAmount[]>,
  say: (name: string, items: ItemAmount[]) => string,
): CommandResult {
  const resolved = resolveMember(ctx, who);
  if (!resolved.ok) return refusal(resolved.refusal);
  const done = act(resolved.member);
  return done.ok ? { reply: publicReply(say(resolved.member.displayName, done.value)) } : coreRefusal(ctx, done.error);
}

const itemAdd = defineCommand({
  name: 'item-add',
  audience: 'admin',
  options: { name: nameOption, emoji: emojiOption, description: descriptionOption },
  run(ctx, args) {
    const added = ctx.core.addItem(ctx.market.id, ctx.member.id, { name: args.name, emoji: args.emoji ?? null, description: args.description ?? null });
    return added.ok ? { reply: publicReply(ctx.t.admin.itemAdded(added.value.name, added.value.slug)) } : coreRefusal(ctx, added.error);
  },
});

const itemEdit = defineCommand({
  name: 'item-edit',
  audience: 'admin',
  options: {
    item: textOption('item', { maxLength: MAX_ITEM_NAME, form: 'rest', placeholder: 'ITEM', autocomplete: 'item' }),
    name: textOption('name', { required: false, maxLength: MAX_ITEM_NAME, placeholder: 'NAME' }),
    emoji: emojiOption,
    description: descriptionOption,
  },
  run(ctx, args) {
    const changes: { name?: string; emoji?: string; description?: string } = {};
    if (args.name !== undefined) changes.name = args.name;
    if (args.emoji !== undefined) changes.emoji = args.emoji;
    if (args.description !== undefined) changes.description = args.description;
    const edited = ctx.core.editItem(ctx.market.id, ctx.member.id, args.item, changes);
    return edited.ok ? { reply: publicReply(ctx.t.admin.itemEdited(edited.value.name, edited.value.slug)) } : coreRefusal(ctx, edited.error);
  },
});

const itemArchive = defineCommand({
  name: 'item-archive',
  audience: 'admin',
  options: { item: textOption('item', { maxLength: MAX_ITEM_NAME, form: 'rest', placeholder: 'ITEM', autocomplete: 'item' }) },
  run(ctx, args) {
    const archived = ctx.core.archiveItem(ctx.market.id, ctx.member.id, args.item);
    return archived.ok ? { reply: publicReply(ctx.t.admin.itemArchived(archived.value.name, archived.value.slug)) } : coreRefusal(ctx, archived.error);
  },
});

/** The way back from `item-archive`: a command of its own, so its suggestions are the archived items. */
const itemUnarchive = defineCommand({
  name: 'item-unarchive',
  audience: 'admin',
  options: { item: textOption('item', { maxLength: MAX_ITEM_NAME, form: 'rest', placeholder: 'ITEM', autocomplete: 'archived-item' }) },
  run(ctx, args) {
    const restored = ctx.core.unarchiveItem(ctx.market.id, ctx.member.id, args.item);
    return restored.ok ? { reply: publicReply(ctx.t.admin.itemUnarchived(restored.value.name)) } : coreRefusal(ctx, restored.error);
  },
});

const grant = defineCommand({
  name: 'grant',
  audience: 'admin',
  options: { member: memberOption('member'), items: itemsOption('items', { form: 'rest', autocomplete: 'catalog' }), reason: whyOption },
  run: (ctx, args) =>
    moveItems(ctx, args.member, (member) => ctx.core.grantItems(ctx.market.id, ctx.member.id, member.id, args.items, args.reason ?? null), ctx.t.admin.granted),
});

const revoke = defineCommand({
  name: 'revoke',
  audience: 'admin',
  // Members may hold archived items: a revoke is offered those too.
  options: { member: memberOption('member'), items: itemsOption('items', { form: 'rest', autocomplete: 'catalog-with-archived' }), reason: whyOption },
  run: (ctx, args) =>
    moveItems(ctx, args.member, (member) => ctx.core.revokeItems(ctx.market.id, ctx.member.id, member.id, args.items, args.reason ?? null), ctx.t.admin.revoked),
});

const removeOffer = defineCommand({
  name: 'remove-offer',
  audience: 'admin',
  options: {
    offer: numberReferenceOption('offer', { kind: 'offer', autocomplete: 'market-offers' }),
    // Required, as the core requires it (the owner is told why): Discord then asks for it too.
    reason: textOption('reason', { form: 'rest', maxLength: MAX_REASON_LENGTH, placeholder: 'REASON' }),
  },
  run(ctx, args) {
    const removed = ctx.core.removeOffer({ marketId: ctx.market.id, offerId: args.offer, adminId: ctx.member.id, reason: args.reason });
    if (!removed.ok) return coreRefusal(ctx, removed.error);
    const { offer } = removed.value;
    return {
      reply: personalReply(ctx.t.admin.removed(offer.id, offer.owner.displayName)),
      card: { offerId: offer.id, reply: offerCard(ctx.t, ctx.core.clock, offer) },
    };
  },
});

const ban = defineCommand({
  name: 'ban',
  audience: 'admin',
  options: { member: memberOption('member'), reason: textOption('reason', { required: false, form: 'rest', maxLength: MAX_REASON_LENGTH }) },
  run(ctx, args) {
    const resolved = resolveMember(ctx, args.member);
    if (!resolved.ok) return refusal(resolved.refusal);
    const banned = ctx.core.banMember({ marketId: ctx.market.id, adminId: ctx.member.id, memberId: resolved.member.id, reason: args.reason });
    return banned.ok
      ? { reply: publicReply(ctx.t.admin.banned(resolved.member.displayName, banned.value.removed.length)) }
      : coreRefusal(ctx, banned.error);
  },
});

const unban = defineCommand({
  name: 'unban',
  audience: 'admin',
  options: { member: memberOption('member') },
  run(ctx, args) {
    const resolved = resolveMember(ctx, args.member);
    if (!resolved.ok) return refusal(resolved.refusal);
    const lifted = ctx.core.unbanMember({ marketId: ctx.market.id, adminId: ctx.member.id, memberId: resolved.member.id });
    return lifted.ok ? { reply: publicReply(ctx.t.admin.unbanned(resolved.member.displayName)) } : coreRefusal(ctx, lifted.error);
  },
});

/**
 * `/admin review-hide TRADE [@author] [REASON]`: takes an abusive review out of the rated member's
 * reputation and profile. The author is needed only when both sides reviewed the trade.
 */
const reviewHide = defineCommand({
  name: 'review-hide',
  audience: 'admin',
  options: {
    trade: numberReferenceOption('trade', { kind: 'trade' }),
    author: memberOption('author', { required: false }),
    reason: textOption('reason', { required: false, form: 'rest', maxLength: MAX_REASON_LENGTH, placeholder: 'REASON' }),
  },
  run(ctx, args) {
    const author = args.author ? resolveMember(ctx, args.author) : undefined;
    if (author && !author.ok) return refusal(author.refusal);
    const hidden = ctx.core.hideReview({ marketId: ctx.market.id, adminId: ctx.member.id, tradeId: args.trade, authorId: author?.member.id, reason: args.reason });
    if (!hidden.ok) return coreRefusal(ctx, hidden.error);
    return { reply: personalReply(ctx.t.admin.reviewHidden(hidden.value.author.displayName, hidden.value.subject.displayName, hidden.value.tradeId)) };
  },
});

/** `/admin review-unhide TRADE [@author]`: the way back from `review-hide`. */
const reviewUnhide = defineCommand({
  name: 'review-unhide',
  audience: 'admin',
  options: { trade: numberReferenceOption('trade', { kind: 'trade' }), author: memberOption('author', { required: false }) },
  run(ctx, args) {
    const author = args.author ? resolveMember(ctx, args.author) : undefined;
    if (author && !author.ok) return refusal(author.refusal);
    const shown = ctx.core.unhideReview({ marketId: ctx.market.id, adminId: ctx.member.id, tradeId: args.trade, authorId: author?.member.id });
    if (!shown.ok) return coreRefusal(ctx, shown.error);
    return { reply: personalReply(ctx.t.admin.reviewUnhidden(shown.value.author.displayName, shown.value.subject.displayName, shown.value.tradeId)) };
  },
});

/** What a setting takes, in words: its choices, or its range of hours or another unit. */
function allowedValues(ctx: CommandContext, spec: SettingSpec): string {
  if (spec.kind === 'amount') return ctx.t.config.amount(spec.unit, spec.min, spec.max, spec.offAtZero === true);
  if (spec.kind === 'limit') return ctx.t.events.limitValues(spec.min, spec.max);
  return spec.kind === 'choice' ? spec.choices.join(' or ') : spec.kind === 'switch' ? 'on or off' : ctx.t.config.hours(spec.min, spec.max);
}

/** A setting's value as admins read it: with its unit where it counts something (`30 seconds`). */
const shownValue = (ctx: CommandContext, entry: SettingValue) =>
  entry.spec.kind === 'amount' && entry.value !== 'off' ? ctx.t.config.withUnit(entry.value, entry.spec.unit) : entry.value;

/**
 * `/admin config`: alone, the market's settings; with a setting, what it takes; with a value, sets
 * it. Table-driven by MARKET_SETTINGS, so a new setting needs no change here.
 */
const config = defineCommand({
  name: 'config',
  audience: 'admin',
  options: {
    setting: choiceOption('setting', { required: false, choices: SETTING_NAMES }),
    value: textOption('value', { required: false, form: 'rest', maxLength: 40, placeholder: 'VALUE' }),
  },
  run(ctx, args) {
    const t = ctx.t.config;
    if (args.setting === undefined) {
      const lines = ctx.core.listMarketSettings(ctx.market.id).map((entry) => t.line(entry.name, shownValue(ctx, entry), entry.isDefault));
      return { reply: personalReply([...lines, t.hint].join('\n'), { title: t.title, tone: 'info' }) };
    }
    if (args.value === undefined) return { reply: personalReply(t.values(args.setting, allowedValues(ctx, MARKET_SETTINGS[args.setting])), { tone: 'info' }) };
    const set = ctx.core.setMarketSetting({ marketId: ctx.market.id, adminId: ctx.member.id, name: args.setting, value: args.value });
    if (!set.ok) return coreRefusal(ctx, set.error);
    const said = set.value.spec.kind === 'amount' ? t.limitSet(set.value.name, shownValue(ctx, set.value)) : t.set(set.value.name, set.value.value);
    return { reply: publicReply(said) };
  },
});

export const admin = defineGroup({
  name: 'admin',
  audience: 'admin',
  subcommands: [itemAdd, itemEdit, itemArchive, itemUnarchive, grant, revoke, removeOffer, ban, unban, config, adminLog, adminAudit, adminInventory, adminBans, reviewHide, reviewUnhide],
});
export default admin;
