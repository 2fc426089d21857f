/**
 * The bot's messages that carry buttons, and what each was sent to show (see `cards` in the
 * schema). A press reads here which market and record its message belongs to; a card that
 * follows its record is marked stale by a database trigger whenever the record changes, on every
 * path (accept, cancel, expiry, an admin's removal, a ban), and the card job and the adapters
 * edit the stale ones and record what they showed.
 *
 * Two processes may edit the same stale card at once: the edit is idempotent (both render the
 * record as it is), so no lease is needed.
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import { cards, offers, trades } from '../db/schema.js';
import type { CoreContext } from './context.js';
import type { Platform } from './types.js';

export interface CardLocation {
  platform: Platform;
  /** Telegram chat id, or Discord channel id. */
  chatId: string;
  messageId: string;
}

/** A record a message can show and follow. */
export interface RecordRef {
  kind: 'offer' | 'trade';
  id: number;
}

/** What a message shows: a record, or a list (named by the command that made it). */
export type CardSubject = RecordRef | { kind: 'list'; command: string };

/** What the bot recorded about one of its messages when it sent it. */
export interface CardRecord {
  marketId: number;
  subject: CardSubject;
  /** Edited whenever its record changes (a live card), or left as sent (a notice, a list). */
  follows: boolean;
}

export interface StaleCard extends CardLocation {
  id: number;
  marketId: number;
  record: RecordRef;
  /** The record's version this card will show once edited. */
  version: number;
}

const LIST_PREFIX = 'list:';
const RECORD_KINDS = new Set<string>(['offer', 'trade']);

const storedKind = (subject: CardSubject) => (subject.kind === 'list' ? `${LIST_PREFIX}${subject.command}` : subject.kind);

function subjectOf(kind: string, id: number | null): CardSubject | undefined {
  if (kind.startsWith(LIST_PREFIX)) return { kind: 'list', command: kind.slice(LIST_PREFIX.length) };
  return RECORD_KINDS.has(kind) && id !== null ? { kind: kind as RecordRef['kind'], id } : undefined;
}

const p = sql.placeholder;

export function createCards({ db }: CoreContext) {
  const { orm } = db;
  const record = orm
    .insert(cards)
    .values({
      platform: sql`${p('platform')}`,
      chatId: sql`${p('chatId')}`,
      messageId: sql`${p('messageId')}`,
      marketId: sql`${p('marketId')}`,
      subjectKind: sql`${p('subjectKind')}`,
      subjectId: sql`${p('subjectId')}`,
      follows: sql`${p('follows')}`,
      // A card rendered as open just before its offer closed is stale from the start.
      version: sql`CASE WHEN ${p('follows')} = 1 AND ((${p('subjectKind')} = 'offer'
        AND (SELECT ${offers.status} FROM ${offers} WHERE ${offers.id} = ${p('subjectId')}) <> 'active') OR (${p('subjectKind')} = 'trade'
        AND (SELECT ${trades.status} FROM ${trades} WHERE ${trades.id} = ${p('subjectId')}) NOT IN ('pending', 'processing'))) THEN 1 ELSE 0 END`,
    })
    .onConflictDoNothing()
    .prepare();
  const at = orm
    .select({ marketId: cards.marketId, kind: cards.subjectKind, id: cards.subjectId, follows: cards.follows })
    .from(cards)
    .where(and(eq(cards.platform, sql`${p('platform')}`), eq(cards.chatId, p('chatId')), eq(cards.messageId, p('messageId'))))
    .prepare();
  const staleColumns = {
    id: cards.id,
    platform: cards.platform,
    chatId: cards.chatId,
    messageId: cards.messageId,
    marketId: cards.marketId,
    kind: cards.subjectKind,
    subjectId: cards.subjectId,
    version: cards.version,
  };
  const stale = ne(cards.version, cards.shownVersion);
  const staleOfPlatform = orm
    .select(staleColumns)
    .from(cards)
    .where(and(eq(cards.platform, sql`${p('platform')}`), stale))
    .orderBy(cards.id)
    .limit(p('limit'))
    .prepare();
  const staleOfRecord = orm
    .select(staleColumns)
    .from(cards)
    .where(and(eq(cards.subjectKind, sql`${p('kind')}`), eq(cards.subjectId, p('subjectId')), eq(cards.platform, sql`${p('platform')}`), stale))
    .prepare();
  const shown = orm
    .update(cards)
    .set({ shownVersion: sql`${p('version')}` })
    .where(and(eq(cards.id, p('id')), eq(cards.version, p('version'))))
    .prepare();
  // A card that shows its record's ending has no buttons left and never changes again. An offer in
  // settlement has not ended: its card must follow it back to open if the settlement falls through.
  const dropEnded = orm
    .delete(cards)
    .where(
      and(
        eq(cards.id, p('id')),
        eq(cards.version, p('version')),
        // Parenthesised whole: `and` does not wrap raw SQL, and a bare OR here would drop other cards.
        sql`((${cards.subjectKind} = 'offer' AND (SELECT ${offers.status} FROM ${offers} WHERE ${offers.id} = ${cards.subjectId}) NOT IN ('active', 'settling'))
          OR (${cards.subjectKind} = 'trade' AND (SELECT ${trades.status} FROM ${trades} WHERE ${trades.id} = ${cards.subjectId}) NOT IN ('pending', 'processing')))`,
      ),
    )
    .prepare();
  const forget = orm.delete(cards).where(eq(cards.id, p('id'))).prepare();

  const staleCard = (row: ReturnType<typeof staleOfPlatform.all>[number]): StaleCard[] => {
    const subject = subjectOf(row.kind, row.subjectId);
    if (!subject || subject.kind === 'list') return [];
    return [{ id: row.id, platform: row.platform, chatId: row.chatId, messageId: row.messageId, marketId: row.marketId, record: subject, version: row.version }];
  };

  return {
    /** Remembers what the message at `location` was sent to show, and in which market. */
    recordCard(location: CardLocation, card: CardRecord): void {
      const subjectId = card.subject.kind === 'list' ? null : card.subject.id;
      db.writeTransaction(() =>
        record.run({ ...location, marketId: card.marketId, subjectKind: storedKind(card.subject), subjectId, follows: card.follows ? 1 : 0 }),
      );
    },

    /**
     * What the message at `location` was sent to show, as the bot recorded it then: the only thing
     * a press on the message may act on or show. Nothing for a message the bot never recorded, or
     * whose card already shows an ending.
     */
    cardAt(location: CardLocation): CardRecord | undefined {
      const row = at.get({ platform: location.platform, chatId: location.chatId, messageId: location.messageId });
      const subject = row && subjectOf(row.kind, row.id);
      return row && subject && { marketId: row.marketId, subject, follows: row.follows };
    },

    /** Cards of `platform` showing an outdated state, oldest first; of one record if `record` is given. */
    staleCards(platform: Platform, options: { record?: RecordRef; limit?: number } = {}): StaleCard[] {
      const rows = options.record
        ? staleOfRecord.all({ kind: options.record.kind, subjectId: options.record.id, platform })
        : staleOfPlatform.all({ platform, limit: options.limit ?? 50 });
      return rows.flatMap(staleCard);
    },

    /**
     * Records that `card` now shows its record at `card.version`. A newer change that came in the
     * meantime keeps the card stale, so it is edited again.
     */
    cardShown(card: StaleCard): void {
      db.writeTransaction(() => {
        if (dropEnded.run({ id: card.id, version: card.version }).changes === 0) shown.run({ id: card.id, version: card.version });
      });
    },

    /** Forgets a card whose message is gone (deleted, or in a chat the bot left). */
    forgetCard(cardId: number): void {
      db.writeTransaction(() => forget.run({ id: cardId }));
    },
  };
}
