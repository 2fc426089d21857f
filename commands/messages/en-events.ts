/** The words of math-trade events (`/event`), in English; part of the catalog in en.ts. */
import type { EventProblem } from '../../src/core/errors.js';
import type { NotifiedItem } from '../../src/core/outbox.js';
import type { ItemAmount } from '../../src/core/types.js';
// A cycle with en.ts, used only at call time: en.ts holds the one way items are listed.
import { itemList } from './en.js';

type Amounts = ReadonlyArray<ItemAmount | NotifiedItem>;

const USAGE = 'Use /event add ITEMS to enter items, /event wants ENTRY LIST to rank what you would take for an entry.';

export const eventProblem = (problem: EventProblem): string => {
  switch (problem.kind) {
    case 'no_event':
      return 'There is no math-trade event open in this market now; an admin opens one with /event open NAME.';
    case 'event_exists':
      return `The event "${problem.name}" is still running here; close it with /event close before opening another.`;
    case 'event_closing':
      return `The event "${problem.name}" is closing: entries and wants can no longer change. Its result comes by direct message.`;
    case 'entry_not_found':
      return `There is no entry #${problem.entryId} in this event; see the entries with /event list.`;
    case 'not_your_entry':
      return `Entry #${problem.entryId} is someone else's; your own entries are listed by /event.`;
    case 'entry_not_open':
      return `Entry #${problem.entryId} is no longer in the event (it is ${problem.status}).`;
    case 'too_many_entries':
      return `You have ${problem.max} entries in this event already, the most one member may have; withdraw one first.`;
    case 'too_many_wants':
      return `An entry may rank at most ${problem.max} wants; shorten the list.`;
    case 'no_wants':
      return 'Name what you would take after the entry number, like "/event wants 3 12, 15; apple".';
    case 'unknown_want':
      return `"${problem.text}" is neither an entry number of this event nor an item of the catalog; see /event list and /catalog.`;
    case 'own_entry_wanted':
      return `Entry #${problem.entryId} is your own: you cannot trade an entry for your own.`;
  }
};

const when = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

export const enEvents = {
  title: (name: string) => `Math-trade event: ${name}`,
  actionMissing: (action: string) => `Say what to ${action}: ${USAGE}`,
  opened: (name: string, closesAt: number | null) =>
    `The math-trade event "${name}" is open${closesAt === null ? '' : ` until ${when(closesAt)}`}. ${USAGE} The bot finds the most trades at the close.`,
  adminOnly: 'Only an admin of this market can open or close an event.',
  openInMarket: "Open the event in the market's group or channel, not here: its result is posted where it was opened.",
  closed: (name: string, items: number, members: number, loops: number) =>
    `The event "${name}" is closed: ${items} entries traded among ${members} members in ${loops} loops. Everyone gets a direct message with their result.`,
  added: (entryId: number, items: Amounts) => `Entry #${entryId}: ${itemList(items)}, held for the event. Now rank what you would take for it: /event wants ${entryId} LIST.`,
  wantsSet: (entryId: number, wants: string) => `For entry #${entryId} you would take, best first: ${wants}.`,
  withdrawn: (entryId: number, items: Amounts) => `Entry #${entryId} is out of the event; ${itemList(items)} went back to your inventory.`,
  badEntryNumber: (text: string) => `"${text}" is not an entry number; write it like "/event wants 3 12, 15".`,
  status: { open: 'open', closing: 'closing', closed: 'closed' } as Record<string, string>,
  overview: (name: string, status: string, closesAt: number | null, open: number) =>
    `"${name}" is ${status}${status === 'open' && closesAt !== null ? ` until ${when(closesAt)}` : ''}, ${open} entries in it.`,
  noEntries: `You have no entries in this event. ${USAGE}`,
  entryLine: (entryId: number, items: Amounts, status: string, wants: string) => `#${entryId} ${itemList(items)} (${status})${wants ? `: would take ${wants}` : ': no wants yet'}`,
  moreWants: (shown: string, left: number) => `${shown} and ${left} more`,
  moreEntries: (left: number) => `… and ${left} more of your entries: /event export gives every entry with all its wants.`,
  result: (name: string, items: number, members: number, loops: number) => `Result: ${items} entries traded among ${members} members in ${loops} loops.`,
  listTitle: (name: string) => `Entries of "${name}"`,
  listEmpty: 'Nobody has entered anything yet.',
  listLine: (entryId: number, owner: string, items: Amounts, status: string) => `#${entryId} ${owner}: ${itemList(items)}${status === 'open' ? '' : ` (${status})`}`,
  exported: (name: string, entries: number) => `The want list of "${name}" (${entries} entries) in TradeMaximizer's format is attached.`,
  limitValues: (min: number, max: number) => `a whole number from ${min} to ${max}, or none`,
  tradeEntry: 'Event entry',
  hoursOnlyOpen: 'Only /event open takes hours (how long the event runs).',
  takesNoDetails: (action: string, text: string) => `/event ${action} takes nothing more; leave out "${text}".`,
  notification: {
    event_entry_traded: (n: { eventName: string; entryId: number; gave: Amounts; gaveTo: string; got: Amounts; gotFrom: string; gotTradeId: number }) =>
      `The event "${n.eventName}" closed: your entry #${n.entryId} (${itemList(n.gave)}) goes to ${n.gaveTo}, and you receive ${itemList(n.got)} from ${n.gotFrom} (trade #${n.gotTradeId}). Rate ${n.gotFrom}:`,
    event_entry_refunded: (n: { eventName: string; entryId: number; returned: Amounts; banned: boolean }) =>
      n.banned
        ? `The event "${n.eventName}" closed; you are banned in this market, so your entry #${n.entryId} did not trade: ${itemList(n.returned)} went back to your inventory.`
        : `The event "${n.eventName}" closed and nothing matched your entry #${n.entryId}: ${itemList(n.returned)} went back to your inventory.`,
  },
  summary: (n: { eventName: string; itemsTraded: number; membersTrading: number; loops: number; entries: number }) =>
    `The math-trade event "${n.eventName}" is closed: ${n.itemsTraded} of ${n.entries} entries traded, ${n.membersTrading} members trading, ${n.loops} loops. Everyone has their result by direct message.`,
};
