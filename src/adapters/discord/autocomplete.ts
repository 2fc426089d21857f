/**
 * Suggestions while a member types an option (Discord autocomplete). Read-only: a keystroke never
 * creates a market or a member, and a member the bot has not seen simply gets no suggestions
 * from their own holdings or offers.
 *
 * Item lists complete their last comma-separated entry and keep the earlier ones, so picking a
 * suggestion for `5 apple, 2 pe` fills in `5 apple, 2 pear`.
 */
import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import type { AutocompleteSource } from '../../../commands/definition.js';
import { itemList, type Messages } from '../../../commands/messages/index.js';
import type { TradeCore } from '../../core/trade-core.js';
import type { ItemRef, Market, MemberRef, OfferView } from '../../core/types.js';

/** Discord shows at most 25 suggestions; names and string values are at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;
/** Pages of open offers searched for `market-offers` (10 offers a page). */
const MARKET_PAGES = 3;

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

/** Offers as `#12 5 apple for 3 orange`, filtered by a typed number prefix or by text. */
export function offerChoices(t: Messages, offers: readonly OfferView[], typed: string): Array<ApplicationCommandOptionChoiceData<number>> {
  const query = typed.trim().replace(/^#/, '').toLowerCase();
  return offers
    .map((offer) => ({ offer, name: clip(t.discord.offerChoice(offer.id, itemList(offer.give), itemList(offer.want))) }))
    .filter(({ offer, name }) => !query || String(offer.id).startsWith(query) || name.toLowerCase().includes(query))
    .slice(0, MAX_CHOICES)
    .map(({ offer, name }) => ({ name, value: offer.id }));
}

/** The suggestions for one option, from where its spec says to look. */
export function autocompleteChoices(
  scope: AutocompleteScope,
  source: AutocompleteSource,
  typed: string,
): Array<ApplicationCommandOptionChoiceData<string | number>> {
  const { core, t, market, member } = scope;
  if (!market) return [];
  switch (source) {
    case 'catalog':
      return itemChoices(
        core.listItems(market.id).map((item) => ({ item })),
        typed,
      );
    case 'inventory':
      if (!member) return [];
      return itemChoices(core.getInventory(member.id).holdings, typed, (value, held) => t.discord.youHave(value, held.quantity));
    case 'own-offers': {
      if (!member) return [];
      const now = core.clock();
      return offerChoices(t, core.listMyOffers(member.id, 'active').filter((offer) => offer.expiresAt > now), typed);
    }
    case 'market-offers': {
      const open: OfferView[] = [];
      for (let page = 1; page <= MARKET_PAGES; page += 1) {
        const listed = core.listMarketOffers(market.id, { page });
        if (!listed.ok) break;
        open.push(...listed.value.entries);
        if (!listed.value.hasMore) break;
      }
      // A number typed in full finds its offer even when it is older than the pages searched.
      const number = /^#?(\d{1,15})$/.exec(typed.trim())?.[1];
      const exact = number ? core.getOffer(market.id, Number(number)) : undefined;
      if (exact && exact.status === 'active' && exact.expiresAt > core.clock() && !open.some((offer) => offer.id === exact.id)) open.unshift(exact);
      return offerChoices(t, open, typed);
    }
  }
}
