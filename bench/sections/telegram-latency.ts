/**
 * Update-to-reply latency through the real Telegram adapter: the grammY bot from
 * `createTelegramBot`, long polling the fake Bot API on 127.0.0.1 (`test/fakes/telegram-api.ts`),
 * over a fresh core on a database file.
 *
 * One group market, 50 members. Each round all 50 send a command in the same instant (a mix of
 * `/post`, `/market`, `/accept N`, `/offer N`, `/inventory`); a command's latency runs from
 * `pushUpdate` to the bot's first `sendMessage` answering it: the reply in the group (it carries
 * `reply_parameters.message_id` of the command) or, for a private answer, the message to the
 * member's private chat (sent before the "I sent you the answer in a private chat" reply).
 *
 * The throttler stays in the pipeline but loosened, as in the e2e test: Telegram's real flood
 * limits (about one message per second and twenty per minute in a group) would otherwise be all
 * this measures.
 */
import { performance } from 'node:perf_hooks';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { pino } from 'pino';
import { createTelegramBot } from '../../src/adapters/telegram/bot.js';
import { startFakeTelegram, type FakeCall, type FakeChat, type FakeUser } from '../../test/fakes/telegram-api.js';
import { freshCore } from '../../test/support/core.js';
import { rng } from '../fixtures.js';
import { median } from '../stats.js';
import {
  ANSWER_TIMEOUT_MS,
  MEMBERS,
  ROUNDS,
  countRows,
  offerPicker,
  openOffers,
  setUpMarket,
  summarise,
  type LatencySummary,
  type Sample,
} from './latency-common.js';

export interface TelegramLatencyResult extends LatencySummary {
  /** How the throttler was configured and why, for the report (one line each). */
  throttle: string[];
  /** First answers in the group (in place) and in the member's private chat. */
  inPlace: number;
  privately: number;
  /** Trades that came out of the measured `/accept`s, offers posted, and "something went wrong" replies. */
  trades: number;
  posted: number;
  internalErrors: number;
  /** getUpdates requests during the measured rounds: one per batch the bot took. */
  polls: number;
  /** Bot API calls (other than getUpdates) per measured command. */
  apiCallsPerCommand: number;
  /**
   * Median time one call spends in the throttler alone, as the adapter installs it (same options)
   * around an API that answers at once: its own cost per call, outside any flood limit.
   */
  throttlerMsPerCall: number;
  auditOk: boolean;
}

const GROUP: FakeChat = { id: -1_001_000_000_050, type: 'supergroup', title: 'Bench market' };
const USERS: FakeUser[] = Array.from({ length: MEMBERS }, (_, i) => ({ id: 500_001 + i, first_name: `Member${i + 1}`, username: `member_${i + 1}` }));
const KINDS = ['post', 'market', 'accept', 'offer', 'inventory'] as const;
type Kind = (typeof KINDS)[number];

/** As in `test/adapters/telegram.e2e.test.ts`: the throttler runs, with limits the fake never reaches. */
const LOOSE_THROTTLE = {
  global: { reservoir: 1000, reservoirRefreshAmount: 1000, reservoirRefreshInterval: 1000 },
  group: { maxConcurrent: 10 },
  out: { maxConcurrent: 10 },
};
const INTERNAL_ERROR = 'Something went wrong on my side.';
/**
 * Unmeasured rounds first, everyone posting: JIT, statement caches, keep-alive sockets, and open
 * offers for the first measured `/accept`s (each measured round posts as many as it accepts).
 */
const WARMUP_ROUNDS = 1;

/** See {@link TelegramLatencyResult.throttlerMsPerCall}: 50 sequential calls, half to the group, half to private chats. */
async function throttlerMsPerCall(): Promise<number> {
  const throttle = apiThrottler(LOOSE_THROTTLE);
  const instant = (async () => ({ ok: true, result: true })) as unknown as Parameters<typeof throttle>[0];
  const spent: number[] = [];
  for (let i = 0; i < 50; i += 1) {
    const start = performance.now();
    await throttle(instant, 'sendMessage', { chat_id: i % 2 === 0 ? GROUP.id : (USERS[0] as FakeUser).id, text: 'x' }, undefined);
    spent.push(performance.now() - start);
  }
  return median(spent);
}

export async function run(): Promise<TelegramLatencyResult> {
  const fake = await startFakeTelegram({ botUsername: 'TradingPostBenchBot' });
  const store = freshCore();
  const telegram = createTelegramBot({
    token: fake.token,
    apiRoot: fake.apiRoot,
    core: store.core,
    log: pino({ level: 'silent' }),
    pollingTimeoutSeconds: 1,
  });
  try {
    const market = setUpMarket(
      store.core,
      { platform: 'telegram', platformMarketId: String(GROUP.id), title: GROUP.title ?? 'Bench market' },
      USERS.map((u) => ({ platformUserId: String(u.id), displayName: u.first_name, username: u.username ?? '' })),
    );
    fake.addChat(GROUP);
    await telegram.start();
    const random = rng(2026);

    /**
     * All 50 members send one command at once; resolves when every command has its first answer
     * and the bot has confirmed every update (so the next round starts from a quiet bot).
     */
    async function burst(kindOf: (member: number) => Kind) {
      const picker = offerPicker(openOffers(store.db, market.marketId), random);
      const before = new Set<FakeCall>(fake.calls);
      const pending: Array<Promise<Sample & { privately: boolean; sentAt: number; answeredAt: number }>> = [];
      // What everyone sends is decided first, so the 50 updates go out back to back.
      const plan = USERS.map((user, position) => {
        const kind = kindOf(position);
        const memberId = market.memberIds.get(String(user.id)) as number;
        const toAccept = kind === 'accept' ? picker.toAccept(memberId) : undefined;
        const toView = kind === 'offer' ? picker.toView() : undefined;
        if (toAccept !== undefined) return { user, position, kind, text: `/accept ${toAccept}` };
        if (toView !== undefined) return { user, position, kind, text: `/offer ${toView}` };
        if (kind === 'inventory') return { user, position, kind, text: '/inventory' };
        if (kind === 'post') return { user, position, kind, text: '/post give 1 apple want 1 orange' };
        return { user, position, kind: 'market', text: '/market' }; // also when nothing is left to accept or look at
      });
      for (const { user, position, kind, text } of plan) {
        let answeredAt = 0;
        const sentAt = performance.now();
        const update = fake.sendText({ chat: GROUP, from: user, text });
        const messageId = update.message.message_id;
        const answers = (call: FakeCall): boolean => {
          if (call.method !== 'sendMessage' || call.error || before.has(call)) return false;
          const chat = Number(call.params.chat_id);
          const mine = chat === user.id || (chat === GROUP.id && Number(call.params.reply_parameters?.message_id) === messageId);
          // The fake calls this synchronously as it answers the request: the moment the reply arrived.
          if (mine && answeredAt === 0) answeredAt = performance.now();
          return mine;
        };
        pending.push(
          fake.waitFor(answers, ANSWER_TIMEOUT_MS).then((call) => ({
            kind,
            position,
            ms: answeredAt - sentAt,
            privately: Number(call.params.chat_id) === user.id,
            sentAt,
            answeredAt,
          })),
        );
      }
      const answered = await Promise.all(pending);
      await fake.waitForHandled(undefined, ANSWER_TIMEOUT_MS);
      const privately = answered.filter((a) => a.privately).length;
      return {
        samples: answered.map(({ kind, position, ms }) => ({ kind, position, ms })),
        wallMs: Math.max(...answered.map((a) => a.answeredAt)) - Math.min(...answered.map((a) => a.sentAt)),
        privately,
        inPlace: answered.length - privately,
      };
    }

    // Everyone opens the private chat once (so the bot may write to them), then a warm-up round.
    for (const user of USERS) fake.sendText({ chat: { id: user.id, type: 'private' }, from: user, text: '/start' });
    await fake.waitForHandled(undefined, ANSWER_TIMEOUT_MS);
    for (let round = 0; round < WARMUP_ROUNDS; round += 1) await burst(() => 'post');

    const samples: Sample[] = [];
    const walls: number[] = [];
    const counts = { inPlace: 0, privately: 0 };
    const tradesBefore = countRows(store.db, 'SELECT count(*) AS n FROM trades');
    const offersBefore = countRows(store.db, 'SELECT count(*) AS n FROM offers');
    const pollsBefore = fake.pollCount;
    const callsBefore = fake.calls.length;
    for (let round = 0; round < ROUNDS; round += 1) {
      const result = await burst((i) => KINDS[(i + round) % KINDS.length] as Kind);
      samples.push(...result.samples);
      walls.push(result.wallMs);
      counts.inPlace += result.inPlace;
      counts.privately += result.privately;
      process.stderr.write(
        `  telegram round ${round + 1}: ${result.samples.length} commands in ${result.wallMs.toFixed(0)} ms, slowest ${Math.max(...result.samples.map((s) => s.ms)).toFixed(0)} ms\n`,
      );
    }
    const polls = fake.pollCount - pollsBefore;
    const apiCalls = fake.calls.length - callsBefore;
    const internalErrors = fake.sent('sendMessage').filter((c) => String(c.params.text ?? '').startsWith(INTERNAL_ERROR)).length;

    return {
      ...summarise(samples, walls, { measured: ROUNDS, warmup: WARMUP_ROUNDS }),
      throttle: [
        'throttler loosened as in the e2e test (1000 calls/s overall, 10 at a time per chat): Telegram\'s',
        'real flood limits (about 1 message/s and 20/minute per group, 30/s overall) would dominate otherwise',
      ],
      inPlace: counts.inPlace,
      privately: counts.privately,
      trades: countRows(store.db, 'SELECT count(*) AS n FROM trades') - tradesBefore,
      posted: countRows(store.db, 'SELECT count(*) AS n FROM offers') - offersBefore,
      internalErrors,
      polls,
      apiCallsPerCommand: apiCalls / samples.length,
      throttlerMsPerCall: await throttlerMsPerCall(),
      auditOk: store.core.audit().ok,
    };
  } finally {
    // The bot's last getUpdates needs the fake: stop the bot first.
    await telegram.stop();
    await fake.close();
    store.cleanup();
  }
}
