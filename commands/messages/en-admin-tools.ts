/**
 * English for the admins' tools (`/admin log`, `audit`, `inventory`, `bans`): kept apart from
 * en.ts so the moderation log's many phrasings stay together. Part of `en` as `adminTools`.
 */
import type { AuditDifference } from '../../src/core/audit.js';
import type { ModerationDetail, ModerationLogEntry } from '../../src/core/moderation-log.js';

/** `2026-11-21 12:00 UTC`: a moment as the log shows it, the same for every reader. */
const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** `5 apple, 2 pear`, from the items a grant or revoke logged. */
function loggedItems(detail: ModerationDetail | null): string {
  const listed = detail?.['items'];
  if (!Array.isArray(listed)) return 'items';
  return listed.map((entry) => (entry && typeof entry === 'object' && !Array.isArray(entry) ? `${entry['quantity']} ${entry['name']}` : '?')).join(', ');
}

/** `name "Aple" → "Apple", emoji none → 🍎`: what an item edit changed. */
function loggedChanges(detail: ModerationDetail | null): string {
  const shown = (value: unknown) => (value === null || value === undefined ? 'none' : `"${String(value)}"`);
  return Object.entries(detail ?? {})
    .map(([field, change]) => (change && typeof change === 'object' && !Array.isArray(change) ? `${field} ${shown(change['from'])} → ${shown(change['to'])}` : field))
    .join(', ');
}

/** What the entry did, after its admin's name: `granted bob 5 apple`. */
function logAction(entry: ModerationLogEntry): string {
  const member = entry.member?.displayName ?? 'someone';
  const item = entry.item ? `"${entry.item.name}"` : 'an item';
  const detail = entry.detail;
  switch (entry.action) {
    case 'grant':
      return `granted ${member} ${loggedItems(detail)}`;
    case 'revoke':
      return `took ${loggedItems(detail)} from ${member}`;
    case 'item_add':
      return `added ${item} to the catalog`;
    case 'item_edit': {
      const changes = loggedChanges(detail);
      return `edited ${item}${changes ? `: ${changes}` : ' (no change)'}`;
    }
    case 'item_archive':
      return `archived ${item}`;
    case 'item_unarchive':
      return `brought ${item} back to the catalog`;
    case 'offer_remove':
      return `removed offer #${entry.offerId} of ${member}`;
    case 'ban': {
      const removed = detail?.['removedOffers'];
      return `banned ${member}${Array.isArray(removed) && removed.length ? ` (removed offers ${removed.map((id) => `#${String(id)}`).join(', ')})` : ''}`;
    }
    case 'unban':
      return `lifted the ban on ${member}`;
    case 'config':
      return `set ${String(detail?.['setting'])} from ${String(detail?.['from'])} to ${String(detail?.['to'])}`;
    case 'review_hide':
      return `hid ${member}'s review${entry.tradeId === null ? '' : ` of trade #${entry.tradeId}`}`;
    case 'event_open':
      return `opened the math-trade event "${String(detail?.['event'])}"${typeof detail?.['hours'] === 'number' ? ` for ${detail['hours']} hours` : ''}`;
    case 'event_close':
      return `closed the math-trade event "${String(detail?.['event'])}"`;
    case 'review_unhide':
      return `brought back ${member}'s review${entry.tradeId === null ? '' : ` of trade #${entry.tradeId}`}`;
  }
}

/** A difference the audit found, as a sentence; names are looked up by the command. */
export interface NamedDifference {
  difference: AuditDifference;
  member?: string | undefined;
  item?: string | undefined;
}

function differenceLine({ difference: d, member, item }: NamedDifference): string {
  const what = item ?? `item ${'itemId' in d ? d.itemId : '?'}`;
  switch (d.kind) {
    case 'inventory':
      return `${member ?? `member ${d.memberId}`} holds ${d.actual} ${what}; the ledger says ${d.expected}.`;
    case 'escrow':
      return `Offer #${d.offerId} holds ${d.actual} ${what} in escrow; the ledger says ${d.expected}.`;
    case 'trade_escrow':
      return `Trade #${d.tradeId} holds ${d.actual} ${what} in escrow; the ledger says ${d.expected}.`;
    case 'total':
      return `${what}: ${d.actual} in inventories and escrow, but grants minus revokes are ${d.expected}.`;
    case 'escrow_on_closed_offer':
      return `Offer #${d.offerId} is closed yet holds ${d.held} ${what}.`;
    case 'escrow_on_ended_trade':
      return `Trade #${d.tradeId} has ended yet holds ${d.held} ${what}.`;
    case 'malformed_ledger_row':
      return `Ledger row ${d.ledgerId} is malformed: ${d.reason}.`;
    case 'entry_escrow':
      return `Event entry #${d.entryId} holds ${d.actual} ${what} in escrow; the ledger says ${d.expected}.`;
    case 'escrow_on_closed_entry':
      return `Event entry #${d.entryId} is closed yet holds ${d.held} ${what}.`;
  }
}

export const enAdminTools = {
  log: {
    title: 'Moderation log',
    titleOf: (member: string) => `Moderation log: ${member}`,
    empty: 'No admin has acted in this market yet.',
    emptyOf: (member: string) => `No admin has acted on ${member} yet.`,
    operator: 'The operator',
    /** `2026-11-21 12:00 UTC · alice granted bob 5 apple — why: ...` */
    line: (entry: ModerationLogEntry) =>
      `${stamp(entry.createdAt)} · ${entry.admin?.displayName ?? 'The operator'} ${logAction(entry)}${entry.reason ? ` — why: ${entry.reason}` : ''}`,
    unknownMember: 'That member is not in this market any more; open the log again with /admin log.',
  },
  audit: {
    title: 'Audit',
    ok: (ledgerRows: number, items: number) =>
      `OK: ${ledgerRows.toLocaleString('en')} ledger rows replayed, and every one of the ${items.toLocaleString('en')} items adds up (grants − revokes = inventories + escrow).`,
    differencesTitle: (count: number) => `Audit: ${count === 1 ? '1 difference' : `${count} differences`}`,
    more: (count: number) => `… and ${count} more.`,
    advice: 'Nothing was repaired. The ledger is the evidence: ask the operator to run `npm run audit` and report it as a bug.',
    line: differenceLine,
  },
  inventory: {
    title: (member: string) => `Inventory of ${member}`,
    nothing: (member: string) => `${member} holds no items and has nothing in escrow.`,
    holdings: 'Holds',
    none: 'nothing outside escrow',
    escrow: 'In escrow in open offers',
    tradeEscrow: 'In escrow in trades being settled',
    entryEscrow: 'In escrow in open math-trade entries',
  },
  bans: {
    title: 'Banned members',
    empty: 'Nobody is banned in this market.',
    line: (member: string, at: number, reason: string | null) => `${member} · since ${stamp(at)}${reason ? ` — why: ${reason}` : ' — no reason given'}`,
  },
};
