/**
 * English: every sentence the bot says. Another language is one more file with the same shape
 * (`satisfies Messages` in `index.ts` keeps them in step).
 */
import type { SettlementStepName, TradeError } from '../../src/core/errors.js';
import type { NotifiedItem, SettledOfferFate } from '../../src/core/outbox.js';
import type { Reputation } from '../../src/core/reputation.js';
import type { SettingUnit } from '../../src/core/market-settings.js';
import type { ItemAmount, TradeCancelReason } from '../../src/core/types.js';
import type { ArgumentProblem } from '../options.js';
import type { ItemsSyntaxError } from '../parse/items.js';
import { enEvents, eventProblem } from './en-events.js';
import { enAdminTools } from './en-admin-tools.js';

type Amounts = ReadonlyArray<ItemAmount | NotifiedItem>;

/** `5 🍎 apple, 2 pear`. */
export function itemList(amounts: Amounts): string {
  if (amounts.length === 0) return 'nothing';
  return amounts
    .map((amount) => {
      const item = 'item' in amount ? amount.item : amount;
      return `${amount.quantity} ${item.emoji ? `${item.emoji} ` : ''}${item.name}`;
    })
    .join(', ');
}

/** `🍎 apple`: an item as lists show it. */
export const itemName = (item: { emoji: string | null; name: string }) => (item.emoji ? `${item.emoji} ${item.name}` : item.name);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `2 d 3 h`, `45 min`: how long until a moment. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ''}`;
}

/** `2026-11-21 18:00 UTC`: a deadline, the same for every member wherever they are. */
const when = (at: number) => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** A reputation as members read it (see src/core/reputation.ts); the prior alone is no score anyone gave. */
const reputationText = (reputation: Reputation) =>
  reputation.partners > 0 ? `${reputation.score.toFixed(1)} / 5 from ${plural(reputation.partners, 'partner')}` : 'not rated yet';

/** The first whole minute at or after `at`: a time shown to the minute is never too early. */
const minuteUp = (at: number) => Math.ceil(at / 60_000) * 60_000;

const stars = (n: number) => '★'.repeat(n) + '☆'.repeat(5 - n);

const itemsSyntax = (option: string, error: ItemsSyntaxError): string => {
  const example = 'like "5 apple, 2 pear"';
  switch (error.code) {
    case 'empty_list':
      return `"${option}" needs at least one item, ${example}.`;
    case 'empty_entry':
      return `"${option}" has an empty entry (two commas in a row, or a comma at the end): list items ${example}.`;
    case 'zero_quantity':
      return `"${error.entry}": the quantity must be at least 1.`;
    case 'negative_quantity':
      return `"${error.entry}": quantities cannot be negative; write a whole number from 1 to 1,000,000.`;
    case 'fractional_quantity':
      return `"${error.entry}": items come in whole numbers; write a whole number from 1 to 1,000,000.`;
    case 'quantity_too_large':
      return `"${error.entry}": at most ${error.max.toLocaleString('en')} of one item at a time.`;
    case 'malformed_quantity':
      return `"${error.entry}": "${error.text}" is not a quantity; write a whole number like 5, then the item.`;
    case 'missing_name':
      return `"${error.entry}": which item? Write the quantity and the item name, ${example} (no thousands separators).`;
    case 'missing_quantity':
      return `"${error.entry}": the "x" needs a number, like "apple x3" or "3x apple".`;
    case 'two_quantities':
      return `"${error.entry}": give the quantity once, either "5 apple" or "apple x5".`;
    case 'invalid_name':
      return `"${error.entry}": item names cannot contain "${error.char}"; use the name from the catalog.`;
  }
};

/** Why someone other than the member a directed offer was made to cannot decline it. */
const notTheTarget = (offerId: number, offer: 'public' | 'own' | 'directed_elsewhere'): string => {
  switch (offer) {
    case 'own':
      return `#${offerId} is your own offer; to withdraw it, use /cancel ${offerId}.`;
    case 'public':
      return `Offer #${offerId} is open to everyone, so there is nothing to decline: if you do not want it, just leave it.`;
    case 'directed_elsewhere':
      return `Offer #${offerId} was made to another member, so only they can decline it. See the open offers with /market.`;
  }
};

/** A cancel reason of the transaction spec, in words. */
export function cancelReason(reason: TradeCancelReason | null): string {
  switch (reason) {
    case 'seller_rejected':
      return 'the owner rejected the taker';
    case 'seller_accept_timeout':
      return 'the owner did not accept the taker in time';
    case 'cancelled_by_buyer':
      return 'the taker withdrew';
    case 'cancelled_by_seller':
      return 'the owner withdrew';
    case 'seller_confirm_timeout':
      return 'the owner did not confirm the handover in time';
    case null:
      return 'cancelled';
  }
}

/** Why a settlement step is not the caller's to take. */
function notYourStep(tradeId: number, waitingFor: 'owner' | 'taker', step: SettlementStepName): string {
  switch (step) {
    case 'accept':
      return `Trade #${tradeId} waits for the owner to accept you; you will get a message when they do (or /withdraw ${tradeId} to leave it).`;
    case 'handover':
      return `Trade #${tradeId} waits for the owner to confirm the handover; confirm receipt once they have (or /withdraw ${tradeId} to leave it).`;
    case 'receipt':
      return `Trade #${tradeId} waits for the taker to confirm receipt${waitingFor === 'taker' ? '; it completes by itself if they do not in time' : ''}.`;
  }
}

/** What became of an offer whose settlement fell through, as its owner is told: "Your offer #12 ...". */
const OFFER_FATE: Record<SettledOfferFate, string> = {
  open: 'is open again',
  expired: 'has expired',
  removed: 'was taken off the market',
  ended: 'has ended, as the offer it countered is closed',
};

/** How an original ended, as a counterer is told: "because offer #12 ...". */
const ORIGINAL_ENDING: Record<string, string> = {
  completed: 'was taken by another member',
  settling: 'was taken by another member',
  cancelled: 'was cancelled by its owner',
  expired: 'expired',
  declined: 'was declined',
  removed: 'was removed by an admin',
  countered: 'was closed when its owner accepted another counter',
};

/** `a, b and 3 more`: the first names of a count, and how many were left out. */
const someOf = (shown: readonly string[], count: number) => (count > shown.length ? `${shown.join(', ')} and ${count - shown.length} more` : shown.join(', '));

/** Why an item cannot be archived yet, who still has it in play, and what to do, in one sentence. */
function itemInUseSentence(error: Extract<TradeError, { code: 'item_in_use' }>): string {
  const why: string[] = [];
  const todo: string[] = [];
  if (error.holders.count) {
    why.push(`${plural(error.holders.count, 'member holds', 'members hold')} it (${someOf(error.holders.names, error.holders.count)})`);
    todo.push('revoke it with /admin revoke');
  }
  if (error.offers.count) {
    why.push(`${plural(error.offers.count, 'open offer names', 'open offers name')} it (${someOf(error.offers.ids.map((id) => `#${id}`), error.offers.count)})`);
    todo.push('remove those offers with /admin remove-offer');
  }
  if (error.trades.count) {
    why.push(`${plural(error.trades.count, 'trade in settlement holds', 'trades in settlement hold')} it (${someOf(error.trades.ids.map((id) => `#${id}`), error.trades.count)})`);
    todo.push('let those trades end');
  }
  if (error.entries.count) {
    why.push(`${plural(error.entries.count, 'event entry holds', 'event entries hold')} it (${someOf(error.entries.ids.map((id) => `#${id}`), error.entries.count)})`);
    todo.push('let the event close or its owners withdraw them');
  }
  const and = (parts: string[]) => (parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? ''));
  return `"${error.item.name}" cannot be archived while ${and(why)}: ${and(todo)}, then archive it again.`;
}

/** The page cursor every list takes: written by its buttons, never shown in usage lines or menus. */
const PAGE_OPTION = 'Where the page starts (written by the page buttons)';

export const en = {
  locale: 'en',

  /** Sentences for the core's refusals. */
  error(error: TradeError): string {
    switch (error.code) {
      case 'items_short':
        return error.shortages
          .map((s) => `You need ${s.missing} more ${s.item.name} (you have ${s.have}).`)
          .join(' ');
      case 'no_items':
        return error.side === 'items'
          ? 'Name at least one item, like "5 apple".'
          : `Say what you ${error.side}, like "${error.side} 5 apple".`;
      case 'invalid_quantity':
        return `${error.quantity} ${error.name} is not possible: write a whole number from 1 to 1,000,000.`;
      case 'unknown_item':
        return error.suggestions.length > 0
          ? `There is no item called "${error.name}" here. Did you mean ${error.suggestions.map((s) => `"${s}"`).join(' or ')}?`
          : `There is no item called "${error.name}" here. See the catalog with /catalog or ask an admin to add it.`;
      case 'item_on_both_sides':
        return `${error.item.name} is on both sides of the offer; give it or want it, not both.`;
      case 'too_many_items':
        return `At most ${error.max} different items fit in one list; split the rest into another offer.`;
      case 'invalid_hours':
        return `Choose hours from ${error.min} to ${error.max}; ${error.hours} is outside that.`;
      case 'text_too_long':
        return `Shorten the ${error.field} to at most ${error.max} characters.`;
      case 'offer_not_found':
        return `There is no offer #${error.offerId} in this market. See the open offers with /market.`;
      case 'offer_not_active':
        if (error.status === 'settling') return `Offer #${error.offerId} is being settled with another member, so it cannot be taken or countered now. See the open offers with /market.`;
        return `Offer #${error.offerId} is no longer available (it is ${error.status}). See the open offers with /market.`;
      case 'offer_expired':
        return `Offer #${error.offerId} has expired; its owner gets the items back. See the open offers with /market.`;
      case 'own_offer':
        return `#${error.offerId} is your own offer; to take it back, use /cancel ${error.offerId}.`;
      case 'not_offer_owner':
        return `Only the member who posted #${error.offerId} can cancel it; see your own offers with /myoffers.`;
      case 'not_the_target':
        return notTheTarget(error.offerId, error.offer);
      case 'reason_required':
        return `Say why you remove offer #${error.offerId}: its owner is told the reason, like "/admin remove-offer ${error.offerId} duplicate listing".`;
      case 'item_name_keyword':
        return `"${error.name}" cannot be an item name: "${error.word}" is a command word, so /post would read it as one. Join the words with dashes instead, like "${error.name.split(/\s+/).join('-')}".`;
      case 'not_open_to_you':
        return `Offer #${error.offerId} is meant for another member. See the open offers with /market.`;
      case 'target_is_self':
        return 'You cannot direct an offer at yourself; leave out "to" to offer it to everyone.';
      case 'banned':
        return `You are banned from trading in this market${error.reason ? ` (${error.reason})` : ''}. Ask an admin if you think this is a mistake.`;
      case 'banned_rater':
        return `You are banned from this market${error.reason ? ` (${error.reason})` : ''}, so you cannot rate trades; ask an admin if you think this is a mistake.`;
      case 'member_banned':
        return `${error.memberName} is banned from trading in this market; offer it to someone else, or leave out "to" to offer it to everyone.`;
      case 'trade_not_found':
        return `There is no trade #${error.tradeId} in this market. See yours with /trades.`;
      case 'not_trade_party':
        return `You were not part of trade #${error.tradeId}. See your own trades with /trades.`;
      case 'trade_not_completed':
        return `Trade #${error.tradeId} is not completed yet (it is ${error.status}); rate it once it is.`;
      case 'already_rated':
        return `You have already rated trade #${error.tradeId}; each side rates once. See your other trades with /trades.`;
      case 'stars_out_of_range':
        return `Give a whole number of stars from 1 to 5; ${error.stars} is not one of them.`;
      case 'invalid_item_name':
        return `"${error.name}" cannot be an item name: start with a letter or an emoji, then use letters, digits, spaces, dashes or apostrophes.`;
      case 'item_exists':
        return error.archived
          ? `There is already an item "${error.slug}", archived; bring it back with /admin item-unarchive ${error.slug}, or pick another name.`
          : `There is already an item "${error.slug}"; pick another name or edit it with /admin item-edit.`;
      case 'item_archived':
        return error.use === 'offer'
          ? `${error.item.name} is archived: it can no longer be offered or asked for. Pick another item from the catalog (see /catalog).`
          : `${error.item.name} is archived, so it cannot be granted; bring it back first with /admin item-unarchive ${error.item.slug}.`;
      case 'item_already_archived':
        return `"${error.name}" is already archived.`;
      case 'item_in_use':
        return itemInUseSentence(error);
      case 'item_not_archived':
        return `"${error.name}" is not archived, so there is nothing to bring back.`;
      case 'item_not_found':
        return error.suggestions.length > 0
          ? `There is no item "${error.name}". Did you mean ${error.suggestions.map((s) => `"${s}"`).join(' or ')}?`
          : `There is no item "${error.name}" in the catalog. See the catalog with /catalog.`;
      case 'not_banned':
        return `${error.memberName} is not banned, so there is nothing to lift.`;
      case 'too_many_wishes':
        return `A wishlist holds at most ${error.max} items; remove some with /want remove ITEMS first.`;
      case 'not_wished':
        return error.wished.length > 0
          ? `"${error.name}" is not on your wishlist, which holds ${error.wished.join(', ')}.`
          : `"${error.name}" is not on your wishlist, which is empty; add items with /want add ITEMS.`;
      case 'invalid_setting_value':
        return `"${error.value}" is not a value for ${error.setting}: use ${error.allowed}.`;
      case 'trade_not_in_settlement':
        return error.status === 'cancelled'
          ? `Trade #${error.tradeId} was cancelled (${cancelReason(error.cancelReason)}); there is nothing left to do. See your trades with /trades.`
          : // `/rate` needs the stars too: the bare `/rate N` this once suggested is refused with "Missing stars".
            `Trade #${error.tradeId} is already complete; there is nothing left to confirm. Rate it with /rate ${error.tradeId} 5.`;
      case 'not_your_step':
        return notYourStep(error.tradeId, error.waitingFor, error.step);
      case 'not_trade_owner':
        return `Only the owner of the offer can reject the taker of trade #${error.tradeId}; to leave it, use /withdraw ${error.tradeId}.`;
      case 'trade_already_accepted':
        return `You have already accepted the taker of trade #${error.tradeId}; to leave it before the handover, use /withdraw ${error.tradeId}.`;
      case 'trade_handed_over':
        return `The handover of trade #${error.tradeId} is confirmed, so it can no longer be withdrawn; it completes when the taker confirms receipt or their time runs out.`;
      case 'cannot_counter':
        return error.offer === 'own'
          ? `#${error.offerId} is your own offer, so you cannot counter it; to change it, cancel it (/cancel ${error.offerId}) and post again.`
          : `Offer #${error.offerId} was made to another member, so only they can counter it. See the open offers with /market.`;
      case 'counter_exists':
        return `You already have counter #${error.counterId} open on offer #${error.offerId}; cancel it first (/cancel ${error.counterId}) to make another.`;
      case 'counter_original_ended':
        return `Counter #${error.offerId} answered offer #${error.originalId}, which has expired, so the counter ends with it and its items go back.`;
      case 'counter_original_in_settlement':
        return `Offer #${error.originalId} is being settled with another member; your counter waits until that ends.`;
      case 'event':
        return eventProblem(error.problem);
      case 'review_not_found':
        return error.authorName
          ? `${error.authorName} wrote no review on trade #${error.tradeId}; check the trade number and the author.`
          : `Trade #${error.tradeId} has no review yet, so there is nothing to hide or bring back.`;
      case 'review_author_needed':
        return `Both sides reviewed trade #${error.tradeId}: say whose review, like "/admin review-${error.action} ${error.tradeId} @member" (${error.authors.join(' or ')}).`;
      case 'review_already_hidden':
        return `The review ${error.authorName ? `by ${error.authorName} ` : ''}on trade #${error.tradeId} is already hidden; /admin review-unhide ${error.tradeId} brings it back.`;
      case 'review_not_hidden':
        return `The review ${error.authorName ? `by ${error.authorName} ` : ''}on trade #${error.tradeId} is not hidden, so there is nothing to bring back.`;
      case 'open_offer_cap':
        return `You have ${plural(error.max, 'open offer')} already, the most this market allows: cancel one (/myoffers lists them) or wait until one is taken or expires, then post again.`;
      case 'newcomer':
        return error.gate === 'market'
          ? `Newcomers wait ${plural(error.hours, 'hour')} here before posting or accepting offers: you may from ${when(minuteUp(error.until))}.`
          : `Accounts must be ${plural(error.days, 'day')} old to post or accept offers here: yours may from ${when(minuteUp(error.until))}.`;
    }
  },

  /**
   * The rate limit (src/core/limits.ts): said once per stretch; further commands in it stay
   * unanswered in the group (a press still gets it in its own popup).
   */
  rateLimited: (until: number, now: number) =>
    `You are sending commands too fast: wait ${plural(Math.max(1, Math.ceil((until - now) / 1000)), 'second')} and go on from ${new Date(until).toISOString().slice(11, 19)} UTC.`,

  /** What each command and option is for: menus, slash commands, /help. Keys: `name` or `group sub`. */
  commands: {
    event: {
      description: 'Math-trade events: enter items, rank wants; the bot finds the most trades at the close',
      options: {
        action: 'show (default), add, wants, withdraw, list, export; admins: open, close',
        details: 'add: ITEMS; wants: ENTRY LIST (best first, ";" lowers the rank); withdraw: ENTRY; open: NAME',
        hours: 'open: close by itself after this many hours',
        page: 'Which page of the list',
      },
    },
    help: {
      description: 'How to trade here',
    },
    start: {
      description: 'What this bot does, or what a link to it opens',
      options: { link: 'What the link opens (Telegram fills it in)' },
    },
    want: {
      description: 'Your wishlist, and alerts when an offer gives what you wish for',
    },
    'want add': {
      description: 'Wish for items (a bare name means any amount)',
      options: { items: 'Items you wish for, like "3 orange, apple"' },
    },
    'want remove': {
      description: 'Take items off your wishlist',
      options: { items: 'Items to take off, like "orange, apple"' },
    },
    'want list': {
      description: 'Your wishlist and whether alerts are on',
    },
    'want alerts': {
      description: 'Turn alerts about wished-for offers on or off',
      options: { state: 'on or off' },
    },
    markets: {
      description: 'Pick the market your private commands act on',
      options: { number: 'The number of the market, from the list' },
    },
    inventory: {
      description: 'Your items, and those held in your open offers',
    },
    catalog: {
      description: 'The items of this market, optionally those matching some words',
      options: {
        text: 'Only items with these words in their name or description',
        page: PAGE_OPTION,
      },
    },
    post: {
      description: 'Offer items in exchange for others',
      options: {
        give: 'What you give, like "5 apple, 2 pear"',
        want: 'What you want in return, like "3 orange"',
        hours: 'How long the offer stays open (default 24)',
        to: 'Offer only to this member',
        note: 'A short note shown on the offer',
      },
    },
    search: {
      description: 'Find open offers by words, items, owner or rating',
      options: {
        text: 'Words in the items, note or owner of the offer',
        gives: 'Only offers that give this item',
        wants: 'Only offers that want this item',
        by: 'Only offers of this member',
        rating: 'Only owners rated at least this (1-5)',
        saved: 'The search to page through (written by the page buttons)',
        page: PAGE_OPTION,
      },
    },
    market: {
      description: 'Browse the open offers, optionally those with one item',
      options: {
        item: 'Only offers that give or want this item',
        page: PAGE_OPTION,
      },
    },
    offer: {
      description: 'Show one offer',
      options: {
        offer: 'The offer number',
      },
    },
    accept: {
      description: 'Accept an offer',
      options: {
        offer: 'The offer number',
      },
    },
    cancel: {
      description: 'Cancel one of your offers',
      options: {
        offer: 'Your offer number',
      },
    },
    repost: {
      description: 'Post an offer of yours that ended again',
      options: {
        offer: 'Your ended offer number',
      },
    },
    counter: {
      description: 'Answer an offer with other terms: a new offer to its owner',
      options: {
        offer: 'The offer you answer',
        give: 'What you give instead, like "5 apple"',
        want: 'What you want instead, like "3 orange"',
        note: 'A short note shown on the counter',
      },
    },
    decline: {
      description: 'Decline an offer made to you',
      options: {
        offer: 'The offer number',
      },
    },
    myoffers: {
      description: 'Your offers, optionally in one state',
      options: {
        status: 'Only offers in this state',
        page: PAGE_OPTION,
      },
    },
    trades: {
      description: 'Your trade history',
      options: {
        filter: 'active, inactive, or one or more states',
        page: PAGE_OPTION,
      },
    },
    trade: {
      description: 'Show one of your trades, with the buttons for your next step',
      options: { trade: 'The trade number' },
    },
    confirm: {
      description: 'Your next step in a trade: accept the taker, confirm the handover, or confirm receipt',
      options: { trade: 'The trade number' },
    },
    reject: {
      description: 'Turn down the taker of your offer while the trade is pending',
      options: { trade: 'The trade number' },
    },
    withdraw: {
      description: 'Leave a trade before the handover is confirmed',
      options: { trade: 'The trade number' },
    },
    rate: {
      description: 'Rate the other side of a trade',
      options: {
        trade: 'The trade number',
        stars: 'From 1 to 5',
        comment: 'A short comment',
      },
    },
    profile: {
      description: 'Reputation of a member (yours by default)',
      options: {
        member: 'Whose profile',
      },
    },
    admin: {
      description: 'Market administration',
    },
    'admin item-add': {
      description: 'Add an item to the catalog',
      options: {
        name: 'The item name',
        emoji: 'An emoji shown before the name',
        description: 'A short description',
      },
    },
    'admin item-edit': {
      description: 'Rename an item or change its emoji or description',
      options: {
        item: 'The item to change',
        name: 'Its new name',
        emoji: 'An emoji shown before the name',
        description: 'A short description',
      },
    },
    'admin item-archive': {
      description: 'Take an item nobody holds or offers out of the catalog; history keeps it',
      options: {
        item: 'The item to archive',
      },
    },
    'admin item-unarchive': {
      description: 'Put an archived item back in the catalog',
      options: {
        item: 'The archived item',
      },
    },
    'admin grant': {
      description: 'Give items to a member',
      options: {
        member: 'Who receives them',
        items: 'What to give, like "5 apple"',
        reason: 'Why, for the moderation log',
      },
    },
    'admin revoke': {
      description: 'Take items from a member',
      options: {
        member: 'Whose items',
        items: 'What to take, like "5 apple"',
        reason: 'Why, for the moderation log',
      },
    },
    'admin remove-offer': {
      description: 'Take an offer off the market (its owner gets the items back)',
      options: {
        offer: 'The offer number',
        reason: 'Why, told to the owner',
      },
    },
    'admin ban': {
      description: 'Stop a member from trading; their open offers are removed',
      options: {
        member: 'Who',
        reason: 'Why',
      },
    },
    'admin unban': {
      description: 'Let a banned member trade again',
      options: {
        member: 'Who',
      },
    },
    'admin review-hide': {
      description: 'Hide a review from reputation and profile',
      options: {
        trade: 'The trade the review is on',
        author: 'Who wrote it (needed when both sides reviewed the trade)',
        reason: 'Why, kept with it',
      },
    },
    'admin review-unhide': {
      description: 'Bring a hidden review back',
      options: {
        trade: 'The trade the review is on',
        author: 'Who wrote it (needed when both reviews on the trade are hidden)',
      },
    },
    'admin config': {
      description: "Show the market's settings, or change one",
      options: {
        setting: 'The setting to change',
        value: 'Its new value',
      },
    },
    'admin log': {
      description: 'What admins did here, newest first, optionally to one member',
      options: {
        member: 'Only the actions on this member',
        'member-number': 'The member the log is filtered to (written by the page buttons)',
        page: PAGE_OPTION,
      },
    },
    'admin audit': {
      description: 'Check that every item adds up with the ledger',
    },
    'admin inventory': {
      description: "A member's items, and what their open offers and trades hold",
      options: {
        member: 'Whose inventory',
      },
    },
    'admin bans': {
      description: 'The banned members, with reason and date',
      options: {
        page: PAGE_OPTION,
      },
    },
  } as Record<string, { description: string; options?: Record<string, string> }>,

  /** Sentences for arguments that do not parse. */
  argument(option: string, problem: ArgumentProblem): string {
    switch (problem.problem) {
      case 'not_integer':
        return `"${option}" must be a whole number.`;
      case 'out_of_range':
        return `"${option}" must be a whole number from ${problem.min} to ${problem.max}.`;
      case 'too_long':
        return `"${option}" can be at most ${problem.max} characters.`;
      case 'not_a_choice':
        return `"${option}" must be one of: ${problem.choices.join(', ')}.`;
      case 'not_a_member':
        return `"${option}" must name a member: reply to their message, mention them, or write their @username.`;
      case 'not_a_number_reference':
        return problem.kind === 'offer' ? `"${option}" must be an offer number, like 12.` : `"${option}" must be a trade number, like 7.`;
      case 'number_below_one':
        return problem.kind === 'offer'
          ? 'Offer numbers start at 1; see the open offers and their numbers with /market.'
          : 'Trade numbers start at 1; see your trades and their numbers with /trades.';
      case 'items':
        return itemsSyntax(option, problem.error);
      case 'not_a_page':
        return 'Use the Previous and Next buttons under a list to see its other pages.';
    }
  },

  missingArgument: (option: string, usage: string) => `Missing "${option}". Usage: ${usage}`,
  repeatedArgument: (option: string, usage: string) => `"${option}" is given twice. Usage: ${usage}`,
  unexpectedText: (text: string, usage: string) => `I did not understand "${text}". Usage: ${usage}`,
  unknownSubcommand: (group: string, names: readonly string[]) => `Use /${group} with one of: ${names.join(', ')}.`,
  unknownMember: (username: string) =>
    `I have not seen @${username} in this market yet: ask them to send a message here first, or reply to one of their messages.`,
  adminOnly: 'Only administrators of this group can do that.',
  noLongerMember: (market: string | null) =>
    `You are no longer a member of ${market ? `"${market}"` : 'that group'}, so you cannot change anything in its market; join the group again to trade there.`,
  internalError: 'Something went wrong on my side. Check /myoffers or /inventory before trying again in a moment.',

  help: {
    title: 'Trading post',
    intro:
      'Post what you give and what you want; your items are held until someone accepts or the offer ends. ' +
      'Items are written like "5 apple, 2 pear"; /catalog lists them.',
    adminTitle: 'For administrators',
    adminTitleMore: 'For administrators (more)',
  },

  offer: {
    title: (id: number) => `Offer #${id}`,
    from: 'From',
    reputation: 'Reputation',
    reputationValue: (reputation: Reputation) => reputationText(reputation),
    gives: 'Gives',
    wants: 'Wants',
    forMember: 'Only for',
    note: 'Note',
    expires: 'Expires',
    expiresIn: (ms: number) => `in ${duration(ms)}`,
    status: {
      active: 'Open',
      settling: 'Being settled',
      completed: 'Traded',
      cancelled: 'Cancelled by its owner',
      expired: 'Expired',
      declined: 'Declined',
      countered: 'Countered',
      removed: 'Removed by an admin',
    } as Record<string, string>,
    acceptedBy: (name: string) => `Accepted by ${name}`,
    trade: 'Trade',
    tradeNumber: (tradeId: number) => `#${tradeId}`,
    removedBecause: (reason: string) => `Removed: ${reason}`,
    /** A counter's card: what it answers, and the negotiation before that. */
    counterTo: 'Counter to',
    thread: (ids: readonly number[]) => ids.map((id) => `#${id}`).join(' → '),
    endedWithOriginal: (originalId: number) => `Ended with offer #${originalId}, which it answered`,
    buttons: { accept: 'Accept', details: 'Details', cancel: 'Cancel', decline: 'Decline', counter: 'Counter' },
  },

  counter: {
    /** The answer to a counter: the card follows. */
    posted: (counterId: number, originalId: number, ownerName: string, returnedToOwner: boolean) =>
      `Counter #${counterId} to offer #${originalId} is made to ${ownerName}, who is told.` +
      (returnedToOwner ? ` Offer #${originalId} is closed: your counter replaces it.` : ` Offer #${originalId} stays open to everyone meanwhile.`),
    /** The Counter button fills in nothing it cannot know: it says how, with the number in place. */
    how: (offerId: number, usage: string) => `To counter #${offerId}, say what you give and want instead: ${usage}`,
    /** Accepting a counter closed the owner's own original. */
    originalClosed: (originalId: number, counted: Amounts, returned: Amounts) =>
      `Your offer #${originalId} is closed: ${itemList(counted)} from it went toward this trade` + (returned.length ? ` and ${itemList(returned)} went back to your inventory.` : '.'),
  },

  accepted: (offerId: number, tradeId: number, received: Amounts, gave: Amounts, ownerName: string) =>
    `Done! Trade #${tradeId} with ${ownerName} (offer #${offerId}): you received ${itemList(received)} and gave ${itemList(gave)}.`,
  cancelled: (offerId: number, returned: Amounts) => `Offer #${offerId} is cancelled; ${itemList(returned)} went back to your inventory.`,
  /** A cancel that found the offer past its expiry: it is closed as expired instead. */
  cancelledExpired: (offerId: number, returned: Amounts) =>
    `Offer #${offerId} had already expired, so there was nothing to cancel; ${itemList(returned)} went back to your inventory.`,
  declined: (offerId: number) => `You declined offer #${offerId}; its owner has their items back.`,

  /** The buttons under every paged list. */
  list: {
    previous: '◀ Previous',
    next: 'Next ▶',
  },

  catalog: {
    title: 'Catalog',
    filtered: (words: string) => `Catalog: "${words}"`,
    empty: 'The catalog is empty: an admin adds items with /admin item-add NAME.',
    noMatch: (words: string) => `No item in the catalog matches "${words}".`,
    didYouMean: (words: string, names: string) => `No item in the catalog matches "${words}". Did you mean ${names}?`,
    line: (name: string, description: string | null) => (description ? `${name} — ${description}` : name),
  },

  search: {
    title: 'Open offers',
    /** The title, with what was searched: `Search: "red apple", gives Apple, by Bob, rated 4+`. */
    searched: (parts: readonly string[]) => `Search: ${parts.join(', ')}`,
    words: (words: string) => `"${words}"`,
    gives: (item: string) => `gives ${item}`,
    wants: (item: string) => `wants ${item}`,
    by: (member: string) => `by ${member}`,
    rating: (min: number) => `rated ${min}+`,
    /** Words found in no offer, searched as the catalog names they may be typos of. */
    corrected: (word: string, names: string) => `"${word}" read as ${names}`,
    empty: 'No open offer matches that search. Try fewer or other words, or /market to browse them all.',
    gone: 'That search has expired. Search again with /search.',
  },

  market: {
    title: 'Open offers',
    filtered: (item: string) => `Offers with ${item}`,
    empty: 'There are no open offers right now. Post one with /post.',
    /** `target`: the one member a directed offer is for. */
    line: (id: number, owner: string, give: string, want: string, target: string | null, reputation?: Reputation) =>
      `#${id} ${owner}${target === null ? '' : ` (for ${target})`}: gives ${give}, wants ${want}` +
      // Only a rated owner's score: "not rated yet" on every line of a new market would drown the offers.
      (reputation && reputation.partners > 0 ? ` · ★ ${reputation.score.toFixed(1)} (${plural(reputation.partners, 'partner')})` : ''),
  },

  inventory: {
    title: 'Your inventory',
    holdings: 'You hold',
    escrow: 'Held in your open offers',
    nothing: 'You hold no items yet. An admin can grant some.',
    allInEscrow: 'nothing outside your open offers (cancel one to take its items back)',
    escrowLine: (offerId: number, items: string) => `#${offerId}: ${items}`,
    tradeEscrow: 'Held for trades',
    tradeEscrowLine: (tradeId: number, items: string) => `held for trade #${tradeId}: ${items}`,
    entryEscrow: 'Held in math-trade entries (until the close, or /event withdraw)',
    entryEscrowLine: (entryId: number, items: string) => `entry #${entryId}: ${items}`,
  },

  myOffers: {
    title: 'Your offers',
    titleIn: (status: string) => `Your offers (${status})`,
    empty: 'You have no offers here. Post one with /post.',
    line: (id: number, status: string, give: string, want: string, tradeId: number | null) =>
      `#${id} ${status}${tradeId === null ? '' : ` (trade #${tradeId})`}: gives ${give}, wants ${want}`,
  },

  trades: {
    title: 'Your trades',
    titleIn: (filter: string) => `Your trades (${filter})`,
    empty: 'You have no trades here yet.',
    line: (id: number, when: string, other: string, gave: string, got: string, rated: boolean) =>
      `Trade #${id} (${when}) with ${other}: you gave ${gave}, got ${got}${rated ? '' : ` (rate it: /rate ${id} 5)`}`,
    /** A trade that went through confirm settlement, or is in it: its state and, if cancelled, why. */
    settlementLine: (id: number, when: string, state: string, other: string, gave: string, got: string) =>
      `Trade #${id} (${when}) ${state} with ${other}: you give ${gave}, get ${got}`,
  },

  /** A trade's card and the answers to its steps (confirm settlement). */
  trade: {
    title: (id: number) => `Trade #${id}`,
    offer: 'Offer',
    owner: 'Owner',
    taker: 'Taker',
    ownerGives: 'Owner gives',
    takerGives: 'Taker gives',
    due: 'Next step due',
    dueIn: (ms: number) => `in ${duration(ms)}`,
    state: (status: string, handedOver: boolean, reason: TradeCancelReason | null): string => {
      switch (status) {
        case 'pending':
          return 'Pending: waiting for the owner to accept the taker';
        case 'processing':
          return handedOver ? 'Handed over: waiting for the taker to confirm receipt' : 'Accepted: waiting for the owner to confirm the handover';
        case 'completed':
          return 'Completed';
        default:
          return `Cancelled: ${cancelReason(reason)}`;
      }
    },
    /** `/trades` shows a state in a word or two. */
    shortState: (status: string, handedOver: boolean, reason: TradeCancelReason | null): string =>
      status === 'cancelled' ? `cancelled (${reason ?? 'cancelled'})` : status === 'processing' && handedOver ? 'processing, handed over' : status,
    buttons: { acceptTaker: 'Accept taker', reject: 'Reject', handover: 'Confirm handover', receipt: 'Confirm receipt', withdraw: 'Withdraw', details: 'Details' },
    /** Answers to the member who took a step. */
    started: (offerId: number, tradeId: number, ownerName: string, held: Amounts, dueMs: number) =>
      `You took offer #${offerId}: trade #${tradeId} is pending until ${ownerName} accepts you (within ${duration(dueMs)}). Your ${itemList(held)} are held until the trade completes or falls through.`,
    accepted: (tradeId: number, takerName: string, dueMs: number) =>
      `You accepted ${takerName} for trade #${tradeId}. Hand the items over, then confirm the handover with /confirm ${tradeId} (within ${duration(dueMs)}).`,
    handedOver: (tradeId: number, takerName: string, dueMs: number) =>
      `You confirmed the handover of trade #${tradeId}; ${takerName} confirms receipt, or it completes by itself in ${duration(dueMs)}.`,
    completed: (tradeId: number, received: Amounts, gave: Amounts) =>
      `Trade #${tradeId} is complete: you received ${itemList(received)} and gave ${itemList(gave)}. Rate it with /rate ${tradeId} 5.`,
    rejected: (tradeId: number, offerId: number, fate: SettledOfferFate) => `You rejected the taker of trade #${tradeId}; offer #${offerId} ${OFFER_FATE[fate]}.`,
    /** The taker hears what came back to them; the owner, what became of their offer. */
    withdrawn: (tradeId: number, returned: Amounts, offer: { offerId: number; fate: SettledOfferFate } | null) =>
      `You withdrew from trade #${tradeId}` +
      (returned.length ? `; ${itemList(returned)} went back to your inventory` : offer ? `; offer #${offer.offerId} ${OFFER_FATE[offer.fate]}` : '') +
      '.',
    /** The step came after its deadline: the timeout happened instead, and both sides are told. */
    timedOut: (tradeId: number, offerId: number, status: string, reason: TradeCancelReason | null, fate: SettledOfferFate | null) =>
      status === 'completed'
        ? `Too late: the time to confirm receipt of trade #${tradeId} had run out, so it completed by itself.`
        : `Too late: trade #${tradeId} was cancelled because ${cancelReason(reason)}. The taker has their items back; offer #${offerId} ${OFFER_FATE[fate ?? 'open']}.`,
  },

  config: {
    title: 'Market settings',
    line: (name: string, value: string, isDefault: boolean) => `${name}: ${value}${isDefault ? ' (default)' : ''}`,
    hint: 'Change one with /admin config SETTING VALUE, like "/admin config settlement confirm".',
    values: (name: string, allowed: string) => `${name} takes ${allowed}.`,
    set: (name: string, value: string) => `${name} is now ${value}. Trades already in settlement keep their deadlines.`,
    hours: (min: number, max: number) => `a whole number of hours from ${min} to ${max}`,
    /** A limit's range (limits.ts), with the word that turns it off where 0 does. */
    amount: (unit: SettingUnit, min: number, max: number, offAtZero: boolean) =>
      `a whole number of ${unit} from ${min} to ${max}${offAtZero ? ' (0 or off: no limit)' : ''}`,
    limitSet: (name: string, value: string) => `${name} is now ${value}.`,
    withUnit: (value: string, unit: SettingUnit) => `${value} ${value === '1' ? unit.replace(/s$/, '') : unit}`,
  },

  rated: (tradeId: number, stars_: number, otherName: string) => `You gave ${otherName} ${stars(stars_)} for trade #${tradeId}. Thank you!`,

  profile: {
    title: (name: string) => `${name}`,
    trades: 'Completed trades',
    rating: 'Reputation',
    /** The score starts at the prior: say so rather than show a number nobody gave. */
    ratingValue: (reputation: Reputation) => reputationText(reputation),
    memberSince: 'In the market since',
    since: (at: number) => new Date(at).toISOString().slice(0, 10),
    reviews: 'Latest reviews',
    noReviews: 'none yet',
    review: (stars_: number, author: string, at: number, tradeId: number) => `${stars(stars_)} from ${author}, ${new Date(at).toISOString().slice(0, 10)} (trade #${tradeId})`,
    noComment: 'no comment',
    banned: 'Banned',
  },

  admin: {
    itemAdded: (name: string, slug: string) => `Added "${name}" to the catalog (written "${slug}" in commands).`,
    itemEdited: (name: string, slug: string) => `"${name}" is updated (written "${slug}" in commands).`,
    itemArchived: (name: string, slug: string) =>
      `"${name}" is archived: it can no longer be offered, wanted or granted. Past trades keep it; /admin item-unarchive ${slug} brings it back.`,
    itemUnarchived: (name: string) => `"${name}" is back in the catalog: members can offer, want and be granted it again.`,
    granted: (member: string, items: Amounts) => `Granted ${itemList(items)} to ${member}.`,
    revoked: (member: string, items: Amounts) => `Took ${itemList(items)} from ${member}.`,
    removed: (offerId: number, owner: string) => `Offer #${offerId} is removed and ${owner} has their items back.`,
    banned: (member: string, removed: number) => `${member} is banned${removed ? `; ${plural(removed, 'open offer')} removed and refunded` : ''}.`,
    unbanned: (member: string) => `${member} may trade again.`,
    reviewHidden: (author: string, subject: string, tradeId: number) =>
      `${author}'s review of ${subject} on trade #${tradeId} is hidden: it no longer counts toward ${subject}'s reputation. /admin review-unhide ${tradeId} brings it back.`,
    reviewUnhidden: (author: string, subject: string, tradeId: number) => `${author}'s review of ${subject} on trade #${tradeId} counts again.`,
  },

  openPrivateChat: (link: string) => `I cannot write to you privately yet: open ${link} and press Start, then ask again.`,
  useInGroup: 'Use me in a group first: there, every command works on that group\'s market.',

  /** A button press that cannot be taken as it came: the payload is untrusted, whatever the client. */
  press: {
    unknown: 'This button no longer works; type the command instead (/help lists them).',
    notThisMessage: 'That button does not belong to this message; use the buttons on the card itself, or type the command.',
    noMarket: 'I cannot tell which group this button belongs to any more; use the command in the group.',
    notMember: 'You are not a member of the group this card belongs to, so you cannot act on it.',
  },

  /** Telegram-only sentences: private-chat markets and buttons. */
  /** `/markets`, where a private chat acts on a market the member picks. */
  markets: {
    title: 'Your markets:',
    current: '(current)',
    switchHint: 'Switch with /markets NUMBER; commands here then act on that market.',
    switched: (title: string) => `Commands here now act on "${title}".`,
    noSuch: (number: number, count: number) => `You trade in ${count === 1 ? 'one market' : `${count} markets`}, so there is no market ${number}: send /markets to see their numbers.`,
  },

  /** `/start`, and the links that open the private chat. */
  start: {
    offerElsewhere: (offerId: number) => `Offer #${offerId} is not in a group you trade in; open it from its group's card.`,
    unknownLink: 'That link does not open anything I know. Send /help to see what I can do.',
  },

  telegram: {
    anonymous: 'You are posting as the group (anonymous admin), so I cannot tell who you are: turn off "Remain anonymous" in your admin rights to trade or administer here.',
    unknownCommand: 'I do not know that command. Send /help to see what I can do.',
  },

  /** Said once in the market's chat when the platform refuses direct messages to a member. */
  unreachable: (name: string, link: string | undefined) =>
    link
      ? `${name}, I cannot send you private messages, so your trade notifications are waiting: open ${link} and press Start to receive them.`
      : `${name}, I cannot send you private messages, so your trade notifications are waiting: allow direct messages from this server's members to receive them.`,

  /** Discord-only sentences: permissions, buttons and autocomplete. */
  discord: {
    adminOnly: 'Only members with the Manage Server permission can do that.',
    guildOnly: 'I work inside a server: use my commands in a channel of the server whose market you mean.',
    unknownCommand: 'I do not know this command any more; Discord may take a moment to show the current list.',
    /** An offer in an autocomplete list: `#12 5 apple for 3 orange`. */
    offerChoice: (id: number, give: string, want: string) => `#${id} ${give} for ${want}`,
    /** An items suggestion with what the member holds: `5 apple, 2 pear (you have 7)`. */
    youHave: (suggestion: string, quantity: number) => `${suggestion} (you have ${quantity})`,
  },

  repost: {
    notYours: (offerId: number) => `Only the member who posted #${offerId} can post it again; see your own offers with /myoffers.`,
    stillOpen: (offerId: number) => `Offer #${offerId} is still open; there is nothing to post again.`,
    traded: (offerId: number) => `Offer #${offerId} was traded; post a new offer with /post.`,
  },

  /** Buttons on direct messages: the next step, one press away. */
  notificationButtons: {
    stars: (n: number) => `${n} ★`,
    repost: 'Post again',
  },

  /** Direct messages for the outbox notifications. */
  notification: {
    offer_accepted: (n: { offerId: number; tradeId: number; takerName: string; received: Amounts; gave: Amounts }) =>
      `${n.takerName} accepted your offer #${n.offerId} (trade #${n.tradeId}): you received ${itemList(n.received)} for ${itemList(n.gave)}. Rate ${n.takerName}:`,
    trade_completed: (n: { offerId: number; tradeId: number; ownerName: string; received: Amounts; gave: Amounts }) =>
      `Trade #${n.tradeId} with ${n.ownerName} (offer #${n.offerId}) is done: you received ${itemList(n.received)} and gave ${itemList(n.gave)}. Rate ${n.ownerName}:`,
    offer_expired: (n: { offerId: number; returned: Amounts }) =>
      `Your offer #${n.offerId} expired. ${itemList(n.returned)} went back to your inventory.`,
    /** Only for notifications queued before cancels stopped being notified. */
    offer_cancelled: (n: { offerId: number; returned: Amounts }) =>
      `You cancelled offer #${n.offerId}. ${itemList(n.returned)} went back to your inventory.`,
    offer_declined: (n: { offerId: number; targetName: string; returned: Amounts }) =>
      `${n.targetName} declined your offer #${n.offerId}. ${itemList(n.returned)} went back to your inventory.`,
    offer_removed: (n: { offerId: number; reason: string; returned: Amounts; banned?: boolean }) =>
      n.banned
        ? `An admin banned you from this market, so your offer #${n.offerId} was taken down. ${itemList(n.returned)} went back to your inventory.`
        : `An admin removed your offer #${n.offerId}${n.reason ? ` (${n.reason})` : ''}. ${itemList(n.returned)} went back to your inventory.`,
    offer_directed: (n: { offerId: number; ownerName: string; give: Amounts; want: Amounts }) =>
      `${n.ownerName} offers you ${itemList(n.give)} for ${itemList(n.want)} (offer #${n.offerId}).`,
    counter_received: (n: { offerId: number; originalId: number; counterName: string; give: Amounts; want: Amounts; returned: Amounts | null }) =>
      `${n.counterName} countered your offer #${n.originalId} with #${n.offerId}: ${n.counterName} gives ${itemList(n.give)} for ${itemList(n.want)}. ` +
      (n.returned
        ? `Offer #${n.originalId} is closed and ${itemList(n.returned)} went back to your inventory.`
        : `Offer #${n.originalId} stays open; accepting #${n.offerId} closes it, and its items count toward what ${n.counterName} wants.`),
    counter_ended: (n: { offerId: number; originalId: number; originalStatus: string; returned: Amounts }) =>
      `Your counter #${n.offerId} ended because offer #${n.originalId} ${ORIGINAL_ENDING[n.originalStatus] ?? 'ended'}. ${itemList(n.returned)} went back to your inventory.`,
    loop_completed: (n: { loopId: number; offerId: number; size: number; gave: Amounts; gaveTo: string; gaveTradeId: number; got: Amounts; gotFrom: string; gotTradeId: number; members: string[] }) =>
      `Your offer #${n.offerId} traded in a loop of ${n.size} offers (loop #${n.loopId}: ${n.members.join(' → ')} → ${n.members[0] ?? ''}), which the bot found and completed for you: ` +
      `you gave ${itemList(n.gave)} to ${n.gaveTo} (trade #${n.gaveTradeId}) and received ${itemList(n.got)} from ${n.gotFrom} (trade #${n.gotTradeId}). Rate ${n.gotFrom}:`,
    trade_rated: (n: { tradeId: number; raterName: string; stars: number; comment: string | null }) =>
      `${n.raterName} rated trade #${n.tradeId} ${stars(n.stars)}${n.comment ? `: "${n.comment}"` : '.'} If you have not rated them yet:`,
    settlement_requested: (n: { tradeId: number; offerId: number; takerName: string; held: Amounts; dueAt: number }) =>
      `${n.takerName} wants your offer #${n.offerId} (trade #${n.tradeId}) and holds ${itemList(n.held)} in escrow for you. Accept them before ${when(n.dueAt)}, or reject:`,
    settlement_accepted: (n: { tradeId: number; offerId: number; ownerName: string; dueAt: number }) =>
      `${n.ownerName} accepted you for trade #${n.tradeId} (offer #${n.offerId}). Meet to hand the items over; ${n.ownerName} confirms the handover before ${when(n.dueAt)}.`,
    settlement_handed_over: (n: { tradeId: number; ownerName: string; received: Amounts; dueAt: number }) =>
      `${n.ownerName} says they handed you ${itemList(n.received)} (trade #${n.tradeId}). Confirm once you have them; the trade completes by itself at ${when(n.dueAt)}.`,
    settlement_completed: (n: { tradeId: number; otherName: string; received: Amounts; gave: Amounts; byTimeout: boolean }) =>
      `Trade #${n.tradeId} with ${n.otherName} is complete${n.byTimeout ? ' (the time to confirm receipt ran out)' : ''}: you received ${itemList(n.received)} and gave ${itemList(n.gave)}. Rate ${n.otherName}:`,
    settlement_cancelled: (n: { tradeId: number; offerId: number; reason: TradeCancelReason; otherName: string; returned: Amounts; offer: SettledOfferFate }) =>
      `Trade #${n.tradeId} with ${n.otherName} is cancelled: ${cancelReason(n.reason)}.` +
      (n.returned.length ? ` ${itemList(n.returned)} went back to your inventory.` : ` Your offer #${n.offerId} ${OFFER_FATE[n.offer]}.`),
    wish_matches: (n: { offers: Array<{ offerId: number; ownerName: string; give: Amounts; want: Amounts; holdsAll: boolean }> }) =>
      [
        n.offers.length === 1 ? 'A new offer gives what you wish for:' : `${n.offers.length} new offers give what you wish for:`,
        ...n.offers.map((o) => `#${o.offerId} ${o.ownerName}: gives ${itemList(o.give)}, wants ${itemList(o.want)}${o.holdsAll ? ' (you hold all it wants)' : ''}`),
        '/want alerts off stops these messages.',
      ].join('\n'),
    ...enEvents.notification,
  },

  /** `/admin log`, `audit`, `inventory`, `bans` (en-admin-tools.ts). */
  adminTools: enAdminTools,

  /** `/want`: wishlists and their alerts. */
  wants: {
    added: (list: string) => `Your wishlist: ${list}. You will hear about new offers that give these.`,
    alertsOff: ' Alerts are off: turn them on with /want alerts on.',
    matching: 'Open offers that already give what you wish for:',
    removed: (list: string) => `Removed from your wishlist: ${list}.`,
    listTitle: 'Your wishlist',
    empty: 'Your wishlist is empty. Add items with /want add ITEMS; a bare name means any amount.',
    anyAmount: 'any amount',
    alertsState: (on: boolean) => (on ? 'Alerts are on.' : 'Alerts are off.'),
    alertsNowOn: 'Alerts are on: new offers that give what you wish for come to you privately, at most one message every few minutes.',
    alertsNowOff: 'Alerts are off: you will not be told about new offers until you turn them on again.',
    holdsAll: 'you hold all it wants',
  },

  /** `/event`: math-trade events. */
  events: enEvents,
};
