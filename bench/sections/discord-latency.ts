/**
 * Interaction-to-answer latency through the real Discord adapter: the discord.js client from
 * `createDiscordBot`, logged in to the fake Discord on 127.0.0.1 (`test/fakes/discord-api.ts`),
 * over a fresh core on a database file.
 *
 * One guild market, 50 members. Each round all 50 dispatch an interaction in the same instant:
 * slash commands (`/post`, `/market`, `/accept`, `/inventory`) and presses of Accept and Details on
 * offer cards the bot posted earlier. A command's latency runs from `interact(...)` to the bot's
 * first interaction callback POST, which Discord requires within 3 s. A press whose card changes
 * is answered in two steps (the card update, then the presser's follow-up): the follow-up is
 * reported too, as "until the presser is told".
 */
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { createDiscordBot } from '../../src/adapters/discord/bot.js';
import { startFakeDiscord, type CommandOptionInput, type FakeMessage, type FakeUserInput, type InteractionResponse } from '../../test/fakes/discord-api.js';
import { freshCore } from '../../test/support/core.js';
import { rng } from '../fixtures.js';
import { latency, type Latency } from '../stats.js';
import {
  ANSWER_TIMEOUT_MS,
  MEMBERS,
  ROUNDS,
  countRows,
  offerPicker,
  openOffers,
  over,
  setUpMarket,
  summarise,
  type LatencySummary,
  type Sample,
} from './latency-common.js';

/** Discord drops an interaction without a first response within this. */
export const DISCORD_DEADLINE_MS = 3_000;

export interface DiscordLatencyResult extends LatencySummary {
  /** Discord's limit for the first response ({@link DISCORD_DEADLINE_MS}). */
  deadlineMs: number;
  /** First answers later than that: must be 0. */
  overDeadline: number;
  /** First answers that were a deferral (type 5 or 6) rather than the answer itself. */
  deferred: number;
  /** Presses that updated a card: from `interact` until the presser's follow-up arrived. */
  pressFollowUp: Latency | undefined;
  /**
   * Waits @discordjs/rest imposed on itself during the measured rounds (its `rateLimited` event):
   * `global` are its own 50 requests/s budget, which it spends on follow-ups and edits but not on
   * interaction callbacks.
   */
  restWaits: { global: number; route: number; maxWaitMs: number; routes: string[] };
  trades: number;
  posted: number;
  internalErrors: number;
  auditOk: boolean;
}

const GUILD = { id: '100000000000000077', name: 'Bench market' };
const USERS: FakeUserInput[] = Array.from({ length: MEMBERS }, (_, i) => ({
  id: String(300_000_000_000_001_000n + BigInt(i)),
  username: `member_${i + 1}`,
  global_name: `Member ${i + 1}`,
}));
const KINDS = ['post', 'market', 'accept', 'inventory', 'press-accept', 'press-details'] as const;
type Kind = (typeof KINDS)[number];

const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const int = (name: string, value: number): CommandOptionInput => ({ name, type: 4, value });
/** The presser (or the command's member) has been told: a direct reply, or the follow-up after a card update. */
const finished = (r: InteractionResponse) => r.kind === 'followUp' || (r.kind === 'callback' && r.type === 4);
const INTERNAL_ERROR = 'Something went wrong on my side.';
/**
 * Unmeasured rounds first, everyone posting through `/post`: JIT, statement caches, keep-alive
 * sockets, and enough cards for the measured rounds, which accept (by command or button) about
 * twice as many offers as they post.
 */
const WARMUP_ROUNDS = 4;

export async function run(): Promise<DiscordLatencyResult> {
  const fake = await startFakeDiscord({ guilds: [GUILD] });
  const store = freshCore();
  const discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log: pino({ level: 'silent' }) });
  try {
    const market = setUpMarket(
      store.core,
      { platform: 'discord', platformMarketId: GUILD.id, title: GUILD.name },
      USERS.map((u) => ({ platformUserId: u.id, displayName: u.global_name ?? u.username, username: u.username })),
    );
    await discord.start();
    const random = rng(2026);
    /** The card the bot posted for each offer, to press its buttons. */
    const cards = new Map<number, FakeMessage>();
    const interactionIds: string[] = [];

    /**
     * All 50 members interact at once; resolves when every interaction has been fully answered
     * (so the next round starts from a quiet bot).
     */
    async function burst(kindOf: (member: number) => Kind) {
      const picker = offerPicker(
        openOffers(store.db, market.marketId).filter((o) => cards.has(o.id)),
        random,
      );
      // What everyone does is decided first, so the 50 interactions go out back to back.
      const plan = USERS.map((user, position) => {
        const kind = kindOf(position);
        const memberId = market.memberIds.get(user.id) as number;
        const target = kind === 'accept' || kind === 'press-accept' ? picker.toAccept(memberId) : kind === 'press-details' ? picker.toView() : undefined;
        return { user, position, kind: target === undefined && kind !== 'post' && kind !== 'inventory' ? ('market' as const) : kind, target };
      });
      const pending = plan.map(({ user, position, kind, target }) => {
        let firstAt = 0;
        let first: InteractionResponse | undefined;
        const sentAt = performance.now();
        const { interactionId } =
          kind === 'post'
            ? fake.slashCommand({ user, name: 'post', options: [str('give', '1 apple'), str('want', '1 orange')] })
            : kind === 'accept'
              ? fake.slashCommand({ user, name: 'accept', options: [int('offer', target as number)] })
              : kind === 'press-accept' || kind === 'press-details'
                ? fake.pressButton({ user, message: cards.get(target as number) as FakeMessage, customId: `${kind === 'press-accept' ? 'accept' : 'offer'} ${target}` })
                : fake.slashCommand({ user, name: kind });
        interactionIds.push(interactionId);
        // The fake calls these predicates synchronously as it records the request: the moment it arrived.
        const firstAnswer = fake.waitForResponse(
          interactionId,
          (r) => {
            if (r.kind !== 'callback') return false;
            if (firstAt === 0) [firstAt, first] = [performance.now(), r];
            return true;
          },
          ANSWER_TIMEOUT_MS,
        );
        let doneAt = 0;
        const told = fake.waitForResponse(
          interactionId,
          (r) => {
            if (!finished(r)) return false;
            if (doneAt === 0) doneAt = performance.now();
            return true;
          },
          ANSWER_TIMEOUT_MS,
        );
        return Promise.all([firstAnswer, told]).then(() => ({
          kind,
          position,
          interactionId,
          ms: firstAt - sentAt,
          deferred: first?.kind === 'callback' && (first.type === 5 || first.type === 6),
          cardUpdated: first?.kind === 'callback' && first.type === 7,
          followUpMs: doneAt - sentAt,
          sentAt,
          firstAt,
        }));
      });
      const answered = await Promise.all(pending);
      for (const a of answered) {
        if (a.kind !== 'post') continue;
        const card = fake.original(a.interactionId);
        const offerId = /"custom_id":"accept (\d+)"/.exec(JSON.stringify(card?.components ?? []))?.[1];
        if (card && offerId) cards.set(Number(offerId), card);
      }
      return {
        answered,
        samples: answered.map(({ kind, position, ms }): Sample => ({ kind, position, ms })),
        wallMs: Math.max(...answered.map((a) => a.firstAt)) - Math.min(...answered.map((a) => a.sentAt)),
      };
    }

    for (let round = 0; round < WARMUP_ROUNDS; round += 1) await burst(() => 'post');
    interactionIds.length = 0;

    const restWaits = { global: 0, route: 0, maxWaitMs: 0, routes: [] as string[] };
    discord.client.rest.on('rateLimited', (info) => {
      if (info.global) restWaits.global += 1;
      else restWaits.route += 1;
      restWaits.maxWaitMs = Math.max(restWaits.maxWaitMs, info.timeToReset);
      const route = `${info.method.toUpperCase()} ${info.route}`;
      if (!restWaits.routes.includes(route)) restWaits.routes.push(route);
    });
    const samples: Sample[] = [];
    const walls: number[] = [];
    const followUps: number[] = [];
    let deferred = 0;
    const tradesBefore = countRows(store.db, 'SELECT count(*) AS n FROM trades');
    const offersBefore = countRows(store.db, 'SELECT count(*) AS n FROM offers');
    for (let round = 0; round < ROUNDS; round += 1) {
      const result = await burst((i) => KINDS[(i + round) % KINDS.length] as Kind);
      samples.push(...result.samples);
      walls.push(result.wallMs);
      deferred += result.answered.filter((a) => a.deferred).length;
      followUps.push(...result.answered.filter((a) => a.cardUpdated).map((a) => a.followUpMs));
      process.stderr.write(
        `  discord round ${round + 1}: ${result.samples.length} interactions in ${result.wallMs.toFixed(0)} ms, slowest ${Math.max(...result.samples.map((s) => s.ms)).toFixed(0)} ms\n`,
      );
    }
    const internalErrors = interactionIds.filter((id) => JSON.stringify(fake.responses(id)).includes(INTERNAL_ERROR)).length;

    return {
      ...summarise(samples, walls, { measured: ROUNDS, warmup: WARMUP_ROUNDS }),
      deadlineMs: DISCORD_DEADLINE_MS,
      overDeadline: over(samples, DISCORD_DEADLINE_MS),
      deferred,
      pressFollowUp: followUps.length > 0 ? latency(followUps) : undefined,
      restWaits,
      trades: countRows(store.db, 'SELECT count(*) AS n FROM trades') - tradesBefore,
      posted: countRows(store.db, 'SELECT count(*) AS n FROM offers') - offersBefore,
      internalErrors,
      auditOk: store.core.audit().ok,
    };
  } finally {
    // Destroy the client first, then the fake (see TESTING-NOTES: teardown order that exits cleanly).
    await discord.stop();
    await fake.close();
    store.cleanup();
  }
}
