/**
 * Limits against abuse, each set per market with `/admin config` (market-settings.ts): a rate of
 * commands per member, a cap on a member's open offers, and a gate that keeps newcomers from
 * posting or accepting. Every refusal carries the time or the step that lifts it.
 */
import { and, count, eq, lte, sql } from 'drizzle-orm';
import { commandTurns, members, offers } from '../db/schema.js';
import type { CoreContext } from './context.js';
import { Refusal } from './errors.js';
import { MARKET_SETTINGS, type MarketSettingsApi } from './market-settings.js';
import type { MemberRef } from './types.js';

const p = sql.placeholder;
const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** No market's window is longer than this, so an older command counts nowhere. */
const LONGEST_WINDOW_MS = MARKET_SETTINGS['rate-seconds'].max * SECOND;

/**
 * The rate limit's answer to one command: let through, or refused until `until` (ms), when the
 * oldest command in the member's window leaves it. `tell` is true for the first refusal of a run
 * only, so a member who keeps going is not answered again and again in the group.
 */
export type CommandTurn = { ok: true } | { ok: false; until: number; tell: boolean };

export function createLimits({ db, clock }: CoreContext, deps: { settings: Pick<MarketSettingsApi, 'marketSettings'> }) {
  const { orm } = db;
  const prune = orm
    .delete(commandTurns)
    .where(and(eq(commandTurns.memberId, p('memberId')), lte(commandTurns.at, p('since'))))
    .prepare();
  // The member's commands in the window, and how many older ones are still kept (see below).
  const window = orm
    .select({
      turns: sql<number>`coalesce(sum(${commandTurns.at} > ${p('since')}), 0)`,
      oldest: sql<number | null>`min(case when ${commandTurns.at} > ${p('since')} then ${commandTurns.at} end)`,
      kept: count(),
    })
    .from(commandTurns)
    .where(eq(commandTurns.memberId, p('memberId')))
    .prepare();
  const record = orm.insert(commandTurns).values({ memberId: p('memberId'), at: p('at') }).prepare();
  const toldUntil = orm.select({ until: members.rateToldUntil }).from(members).where(eq(members.id, p('memberId'))).prepare();
  const setToldUntil = orm.update(members).set({ rateToldUntil: sql`${p('until')}` }).where(eq(members.id, p('memberId'))).prepare();
  const openOffers = orm
    .select({ open: count() })
    .from(offers)
    // Literal 'active', so SQLite can prove the partial index offers_active_owner_idx applies.
    .where(and(eq(offers.ownerId, p('ownerId')), sql`${offers.status} = 'active'`))
    .prepare();

  return {
    /**
     * Counts one command of `memberId` against the market's `rate-commands` per `rate-seconds`, a
     * sliding window kept in the database (so it holds across processes and restarts): at most that
     * many commands in any such stretch of time. A refused command is not counted.
     */
    takeCommandTurn(marketId: number, memberId: number): CommandTurn {
      return db.writeTransaction((): CommandTurn => {
        const { rateCommands, rateSeconds } = deps.settings.marketSettings(marketId);
        const rate = { commands: rateCommands, seconds: rateSeconds };
        const now = clock();
        const since = now - rate.seconds * SECOND;
        const current = window.get({ memberId, since }) ?? { turns: 0, oldest: null, kept: 0 };
        // Commands that left the window count no more; they are deleted once there are as many as
        // the limit (a member keeps at most twice the limit), which spares most commands a write.
        if (current.kept - current.turns >= rate.commands) prune.run({ memberId, since });
        if (current.turns < rate.commands || current.oldest === null) {
          record.run({ memberId, at: now });
          return { ok: true };
        }
        const until = current.oldest + rate.seconds * SECOND;
        // Told already, for this same stretch: stay quiet.
        const told = (toldUntil.get({ memberId })?.until ?? 0) > now;
        if (!told) setToldUntil.run({ memberId, until });
        return { ok: false, until, tell: !told };
      });
    },

    /**
     * Forgets the commands older than any market's window. A member's own are pruned at their next
     * command; this is for members who went quiet (housekeeping). Returns how many went.
     */
    pruneCommandTurns(): number {
      return db.writeTransaction(() => orm.delete(commandTurns).where(lte(commandTurns.at, clock() - LONGEST_WINDOW_MS)).run().changes);
    },

    /**
     * Refuses (by throwing) while `member` is a newcomer under the market's gate: in the market
     * fewer than `newcomer-hours` (since the platform says they joined, else since the bot first
     * saw them), or with an account younger than `account-days` where the platform tells its age.
     * Must run inside the caller's transaction.
     */
    refuseIfNewcomer(member: MemberRef, now: number): void {
      const { newcomerHours, accountDays } = deps.settings.marketSettings(member.marketId);
      if (newcomerHours > 0) {
        const until = (member.joinedAt ?? member.firstSeenAt) + newcomerHours * HOUR;
        if (now < until) throw new Refusal({ code: 'newcomer', gate: 'market', hours: newcomerHours, until });
      }
      if (accountDays > 0 && member.accountCreatedAt !== null) {
        const until = member.accountCreatedAt + accountDays * DAY;
        if (now < until) throw new Refusal({ code: 'newcomer', gate: 'account', days: accountDays, until });
      }
    },

    /** Refuses (by throwing) a new offer from an owner who has the market's `max-open-offers` open already. */
    refuseIfAtOfferCap(owner: MemberRef): void {
      const { maxOpenOffers } = deps.settings.marketSettings(owner.marketId);
      const open = openOffers.get({ ownerId: owner.id })?.open ?? 0;
      if (open >= maxOpenOffers) throw new Refusal({ code: 'open_offer_cap', max: maxOpenOffers });
    },
  };
}

export type Limits = ReturnType<typeof createLimits>;
