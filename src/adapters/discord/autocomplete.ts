/**
 * Suggestions while a member types an option (Discord autocomplete). Read-only: a keystroke never
 * creates a market or a member, and a member the bot has not seen simply gets no suggestions
 * from their own holdings or offers.
 *
 * Item lists complete their last comma-separated entry and keep the earlier ones, so picking a
 * suggestion for `5 apple, 2 pe` fills in `5 apple, 2 pear`. Offers and trades are suggested
 * only where the command could succeed: `/accept` leaves out the member's own offers and those
 * meant for someone else, `/decline` lists offers meant for the member, `/rate` their completed
 * trades not yet rated. The core re-checks everything when the command runs. The handler for
 * the autocomplete interaction itself comes last.
 */
import type { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import type { AutocompleteSource } from '../../../commands/definition.js';
import { itemList, type Messages } from '../../../commands/messages/index.js';
import type { PageCursor } from '../../core/paging.js';
import type { TradeCore } from '../../core/trade-core.js';
import type { CatalogItem, ItemRef, Market, MemberRef, OfferView, TradeView } from '../../core/types.js';
import { readSlashCall } from './commands.js';
import type { DiscordContext } from './context.js';

/** Discord shows at most 25 suggestions; names and string values are at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;
/**
 * Pages of open offers searched (10 offers a page, newest first), stopping once enough match: a
 * keystroke's work stays bounded, and an offer older than that is still found by its number.
 */
const MARKET_PAGES = 10;

export interface AutocompleteScope {
  core: TradeCore;
  t: Messages;
  /** Undefined until the guild has used a command. */
  market: Market | undefined;
  /** Undefined until the member has used a command in this market. */
  member: MemberRef | undefined;
}

const clip = (text: string, max = MAX_CHOICE_LENGTH) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The entry being typed: `5 pe`, `5x pe`, `pe x5` or `pe`, read into its quantity and name so far. */
function readEntry(entry: string): { quantity: string | undefined; fragment: string } {
  const text = entry.trim();
  const leading = /^(\d+)(?:\s*x(?=\s|$))?\s*(.*)$/i.exec(text);
  if (leading) return { quantity: leading[1], fragment: leading[2] ?? '' };
  const trailing = /^(.*?)\s*\bx\s*(\d+)$/i.exec(text);
  if (trailing) return { quantity: trailing[2], fragment: trailing[1] ?? '' };
  return { quantity: undefined, fragment: text };
}

/** Items whose name or slug starts with the fragment first, then those that contain it. */
function rank<T extends { item: ItemRef }>(candidates: readonly T[], fragment: string): T[] {
  const wanted = fragment.toLowerCase();
  if (!wanted) return [...candidates];
  const names = (c: T) => [c.item.name.toLowerCase(), c.item.slug.toLowerCase()];
  const starts = candidates.filter((c) => names(c).some((n) => n.startsWith(wanted)));
  const contains = candidates.filter((c) => !starts.includes(c) && names(c).some((n) => n.includes(wanted)));
  return [...starts, ...contains];
}

/**
 * Completes the last entry of an items list with each candidate. `hint` may decorate the shown
 * name (never the value, which is what lands in the option).
 */
export function itemChoices<T extends { item: ItemRef }>(
  candidates: readonly T[],
  typed: string,
  hint: (value: string, candidate: T) => string = (value) => value,
): Array<ApplicationCommandOptionChoiceData<string>> {
  const entries = typed.split(',');
  const last = entries.pop() ?? '';
  const earlier = entries.map((entry) => entry.trim()).filter(Boolean);
  const { quantity, fragment } = readEntry(last);
  const choices: Array<ApplicationCommandOptionChoiceData<string>> = [];
  for (const candidate of rank(candidates, fragment)) {
    const value = [...earlier, quantity ? `${quantity} ${candidate.item.name}` : candidate.item.name].join(', ');
    // A value Discord cannot hold would be cut and then misread: leave it out instead.
    if (value.length > MAX_CHOICE_LENGTH) continue;
    const name = hint(value, candidate);
    choices.push({ name: name.length <= MAX_CHOICE_LENGTH ? name : value, value });
    if (choices.length === MAX_CHOICES) break;
  }
  return choices;
}

/** One catalog item by name: names or slugs that start with the typed text first, then those containing it. */
export function itemNameChoices(items: readonly CatalogItem[], typed: string): Array<ApplicationCommandOptionChoiceData<string>> {
  return rank(
    items.map((item) => ({ item })),
    typed.trim(),
  )
    .filter(({ item }) => item.name.length <= MAX_CHOICE_LENGTH)
    .slice(0, MAX_CHOICES)
    .map(({ item }) => ({ name: item.name, value: item.name }));
}

/**
 * Whether a numbered entry matches what was typed: digits are the start of its number (`1`
 * finds #1 and #12, not an offer of 1 apple or a trade dated 2021); other text is looked for
 * in its name.
 */
function matchesTyped(id: number, name: string, typed: string): boolean {
  const query = typed.trim().replace(/^#/, '').toLowerCase();
  if (!query) return true;
  return /^\d+$/.test(query) ? String(id).startsWith(query) : name.toLowerCase().includes(query);
}

/** The number a member typed in full (`12`, `#12`), if that is what they typed. */
const typedNumber = (typed: string): number | undefined => {
  const digits = /^#?(\d{1,15})$/.exec(typed.trim())?.[1];
  return digits === undefined ? undefined : Number(digits);
};

const offerName = (t: Messages, offer: OfferView) => clip(t.discord.offerChoice(offer.id, itemList(offer.give), itemList(offer.want)));

/** Offers as `#12 5 apple for 3 orange`, filtered by a typed number prefix or by text. */
export function offerChoices(t: Messages, offers: readonly OfferView[], typed: string): Array<ApplicationCommandOptionChoiceData<number>> {
  return offers
    .map((offer) => ({ offer, name: offerName(t, offer) }))
    .filter(({ offer, name }) => matchesTyped(offer.id, name, typed))
    .slice(0, MAX_CHOICES)
    .map(({ offer, name }) => ({ name, value: offer.id }));
}

/**
 * The market's open offers that `keep` accepts and the typed text matches, newest first, walking
 * pages until there are enough. A number typed in full comes first, even when it is older than
 * the pages walked.
 */
function openOffers(scope: AutocompleteScope & { market: Market }, typed: string, keep: (offer: OfferView) => boolean): OfferView[] {
  const { core, t, market } = scope;
  const wanted = (offer: OfferView) => keep(offer) && matchesTyped(offer.id, offerName(t, offer), typed);
  const found: OfferView[] = [];
  const number = typedNumber(typed);
  const exact = number === undefined ? undefined : core.getOffer(market.id, number);
  if (exact && exact.status === 'active' && exact.expiresAt > core.clock() && wanted(exact)) found.push(exact);
  let cursor: PageCursor | null = null;
  for (let page = 1; page <= MARKET_PAGES && found.length < MAX_CHOICES; page += 1) {
    const listed = core.listMarketOffers(market.id, { cursor: cursor ?? undefined });
    if (!listed.ok) break;
    for (const offer of listed.value.entries) if (wanted(offer) && !found.some((f) => f.id === offer.id)) found.push(offer);
    if (!(cursor = listed.value.next)) break;
  }
  return found;
}

/** The trades the member took part in, completed, that they have not rated yet, newest first. */
function unratedTrades(core: TradeCore, market: Market, member: MemberRef, typed: string): TradeView[] {
  const unrated = (trade: TradeView) =>
    trade.status === 'completed' && (trade.owner.id === member.id ? trade.ratingByOwner : trade.ratingByTaker) === null;
  const trades = core.listTrades(member.id, { filter: 'completed', size: MAX_CHOICES }).entries.filter(unrated);
  // A number typed in full finds its trade even when it is older than the history listed.
  const number = typedNumber(typed);
  const exact = number === undefined ? undefined : core.getTrade(market.id, number, member.id);
  if (exact?.ok && unrated(exact.value) && !trades.some((trade) => trade.id === exact.value.id)) trades.unshift(exact.value);
  return trades;
}

/** Trades as their history line, `Trade #7 (2026-11-21) with Alice: you gave 3 orange, got 5 apple`. */
export function tradeChoices(t: Messages, member: MemberRef, trades: readonly TradeView[], typed: string): Array<ApplicationCommandOptionChoiceData<number>> {
  return trades
    .map((trade) => {
      const asOwner = trade.owner.id === member.id;
      const when = new Date(trade.completedAt ?? trade.createdAt).toISOString().slice(0, 10);
      const [gave, got] = asOwner ? [trade.ownerGave, trade.takerGave] : [trade.takerGave, trade.ownerGave];
      const name = clip(t.trades.line(trade.id, when, (asOwner ? trade.taker : trade.owner).displayName, itemList(gave), itemList(got), true));
      return { trade, name };
    })
    .filter(({ trade, name }) => matchesTyped(trade.id, name, typed))
    .slice(0, MAX_CHOICES)
    .map(({ trade, name }) => ({ name, value: trade.id }));
}

/** The suggestions for one option, from where its spec says to look. */
export function autocompleteChoices(
  scope: AutocompleteScope,
  source: AutocompleteSource,
  typed: string,
): Array<ApplicationCommandOptionChoiceData<string | number>> {
  const { core, t, market, member } = scope;
  if (!market) return [];
  const inMarket = { ...scope, market };
  switch (source) {
    case 'catalog':
    case 'catalog-with-archived':
      return itemChoices(
        core.listItems(market.id, source === 'catalog' ? 'current' : 'all').map((item) => ({ item })),
        typed,
      );
    case 'item':
      return itemNameChoices(core.listItems(market.id), typed);
    case 'archived-item':
      return itemNameChoices(core.listItems(market.id, 'archived'), typed);
    case 'inventory': {
      if (!member) return [];
      // Archived items are held but cannot be offered: suggesting them would only lead to a refusal.
      const offerable = new Set(core.listItems(market.id).map((item) => item.id));
      const holdings = core.getInventory(member.id).holdings.filter((held) => offerable.has(held.item.id));
      return itemChoices(holdings, typed, (value, held) => t.discord.youHave(value, held.quantity));
    }
    case 'own-offers': {
      if (!member) return [];
      const now = core.clock();
      return offerChoices(t, core.listMyOffers(member.id, { status: 'active', size: MAX_CHOICES }).entries.filter((offer) => offer.expiresAt > now), typed);
    }
    case 'market-offers':
      return offerChoices(t, openOffers(inMarket, typed, () => true), typed);
    case 'acceptable-offers':
      // What the core would accept: not the member's own, and public or directed at them. A
      // member the bot has not seen yet owns nothing and is the target of nothing.
      return offerChoices(
        t,
        openOffers(inMarket, typed, (offer) => offer.owner.id !== member?.id && (offer.target === null || offer.target.id === member?.id)),
        typed,
      );
    case 'offers-for-me':
      if (!member) return [];
      return offerChoices(t, openOffers(inMarket, typed, (offer) => offer.target?.id === member.id), typed);
    case 'unrated-trades':
      if (!member) return [];
      return tradeChoices(t, member, unratedTrades(core, market, member, typed), typed);
  }
}

/** Answers an autocomplete interaction with the suggestions for its focused option; none outside a server. */
export async function handleAutocomplete(bot: DiscordContext, interaction: AutocompleteInteraction, t: Messages): Promise<void> {
  const { core } = bot;
  const focused = interaction.options.getFocused(true);
  const call = readSlashCall(interaction.commandName, interaction.options.data);
  const source = call?.definition.options[focused.name]?.spec.autocomplete;
  if (!source || !interaction.inGuild()) return void (await interaction.respond([]));
  // Read-only: typing must not create markets or members.
  const market = core.findMarket('discord', interaction.guildId);
  const member = market && core.findMember(market.id, interaction.user.id);
  await interaction.respond(autocompleteChoices({ core, t, market, member }, source, String(focused.value)));
}
