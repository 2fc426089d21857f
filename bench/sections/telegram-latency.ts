/**
 * Update-to-reply latency through the real Telegram adapter: the grammY bot from
 * `createTelegramBot` (grammY's runner, as in production: no throttler on its calls, auto-retry
 * for 429s), long polling the fake Bot API on 127.0.0.1 (`test/fakes/telegram-api.ts`), over a
 * fresh core on a database file. Every answer of the fake leaves 50 ms after the fake decided it:
 * a network round trip, getUpdates included.
 *
 * Ten group markets of five members each, 50 members. Each round all 50 send a command in the same
 * instant, each group's five a different one: `/post`, `/market` and `/accept N` in the group,
 * `/offer N` and `/inventory` in their private chat with the bot. A command's latency runs from
 * `pushUpdate` to the moment the fake receives the bot's first `sendMessage` answering it: the
 * reply in the group (it carries `reply_parameters.message_id` of the command) or the message in
 * the member's private chat.
 *
 * Two runs:
 * - open: no flood limit anywhere; a round ends when every answer is in.
 * - one group limited: the fake holds group 1 to Telegram's per-chat limit (one message a second,
 *   429 with retry_after beyond it), and two of its members ask every round (`/market`, answered
 *   in the group), faster than it may be answered, so it stays at its limit with a growing queue.
 *   The other nine groups go on as in the open run; a round ends when their answers are in. Their
 *   latency, next to the open run's, shows what the limited group costs them; the limited group's
 *   own latency shows its queue.
 */
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { startFakeTelegram, type FakeCall, type FakeChat, type FakeTelegram, type FakeUser } from '../../test/fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../../test/support/core.js';
import { rng } from '../fixtures.js';
import { latency, type Latency } from '../stats.js';
import {
  ANSWER_TIMEOUT_MS,
  MEMBERS,
  ROUNDS,
  countRows,
  offerPicker,
  openOffers,
  setUpMarket,
  summarise,
  type BenchMarket,
  type LatencySummary,
  type Sample,
} from './latency-common.js';

export interface TelegramLatencyResult extends LatencySummary {
  /** How the run was set up (one line each), for the report. */
  setup: string[];
  groups: number;
  apiLatencyMs: number;
  /** First answers in the groups (in place) and in the members' private chats. */
  inPlace: number;
  privately: number;
  /** Trades that came out of the measured `/accept`s, offers posted, and "something went wrong" replies. */
  trades: number;
  posted: number;
  internalErrors: number;
  /** getUpdates requests during the open run's measured rounds. */
  polls: number;
  /** Bot API calls (other than getUpdates) per measured command, in the open run. */
  apiCallsPerCommand: number;
  /**
   * The open run by a command's place among the burst's commands to its chat (1: none before it):
   * a chat's updates are handled in order, so the 3rd waits for the 1st and 2nd to be answered.
   */
  byPlaceInChat: Array<Latency & { place: number }>;
  limited: LimitedRun;
  auditOk: boolean;
}

export interface LimitedRun {
  rounds: number;
  /** The limit the fake put on the limited group. */
  messagesPerSecond: number;
  /** The other nine groups' commands, with one group at its limit... */
  others: Latency;
  /** ...and the same groups' commands in the open run, for comparison. */
  othersOpen: Latency;
  /** The limited group's own commands, until their (late) answers. */
  limitedGroup: Latency;
  /** 429s the limited group's messages got (each waited out by auto-retry). */
  refused: number;
  /** From the last command sent to the limited group until its last answer: its queue draining. */
  drainMs: number;
}

const GROUPS = 10;
const PER_GROUP = MEMBERS / GROUPS;
/**
 * The fake's answers leave this long after they are decided: a network round trip.
 * `BENCH_API_LATENCY_MS=0 npm run bench -- telegram-latency` measures on bare loopback instead.
 */
const API_LATENCY_MS = Number(process.env.BENCH_API_LATENCY_MS ?? 50);
const LIMITED_ROUNDS = 10;
/** Members of the limited group who ask every round: enough to keep it over its limit. */
const LIMITED_ASKERS = 2;
/** Telegram's per-chat limit is about one message a second (and 20 a minute in a group). */
const LIMIT = { messages: 1, perSeconds: 1 };
/** The limited group's queue drains at its limit: allow for it. */
const LIMITED_TIMEOUT_MS = 120_000;

const GROUP_CHATS: FakeChat[] = Array.from({ length: GROUPS }, (_, g) => ({ id: -1_001_000_000_050 - g, type: 'supergroup', title: `Bench market ${g + 1}` }));
const USERS: FakeUser[] = Array.from({ length: MEMBERS }, (_, i) => ({ id: 500_001 + i, first_name: `Member${i + 1}`, username: `member_${i + 1}` }));
/** Member i trades in group i mod 10, so each burst reaches every group at once. */
const groupOf = (position: number) => position % GROUPS;
const KINDS = ['post', 'market', 'accept', 'offer', 'inventory'] as const;
type Kind = (typeof KINDS)[number];
/** What members ask in their private chat with the bot rather than in the group. */
const ASKED_PRIVATELY = new Set<Kind>(['offer', 'inventory']);
/** In round `round`, a group's five members each send a different kind. */
const mixed = (round: number) => (position: number) => KINDS[(Math.floor(position / GROUPS) + round) % KINDS.length] as Kind;
const INTERNAL_ERROR = 'Something went wrong on my side.';
/** Unmeasured rounds first, everyone posting: JIT, statement caches, keep-alive sockets, offers to accept. */
const WARMUP_ROUNDS = 1;

interface Planned {
  user: FakeUser;
  position: number;
  group: number;
  kind: Kind;
  text: string;
  /** Sent in the member's private chat rather than in the group. */
  privately: boolean;
}

interface Answered extends Sample {
  group: number;
  /** 1 + how many commands of the same burst went to the same chat before this one. */
  place: number;
  privately: boolean;
  sentAt: number;
  answeredAt: number;
}

export async function run(): Promise<TelegramLatencyResult> {
  const fake = await startFakeTelegram({ botUsername: 'TradingPostBenchBot', latencyMs: API_LATENCY_MS });
  const store = freshCore();
  // As in production (src/main.ts): only the token, the API root, the core and a logger.
  const telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log: pino({ level: 'silent' }) });
  try {
    const markets: BenchMarket[] = GROUP_CHATS.map((chat, g) => {
      fake.addChat(chat);
      const members = USERS.filter((_, i) => groupOf(i) === g);
      return setUpMarket(
        store.core,
        { platform: 'telegram', platformMarketId: String(chat.id), title: chat.title ?? 'Bench market' },
        members.map((u) => ({ platformUserId: String(u.id), displayName: u.first_name, username: u.username ?? '' })),
      );
    });
    await telegram.start();
    const random = rng(2026);

    /** What everyone sends, decided first so the 50 updates go out back to back. */
    function plan(kindOf: (position: number) => Kind): Planned[] {
      const pickers = markets.map((market) => offerPicker(openOffers(store.db, market.marketId), random));
      return USERS.map((user, position) => {
        const group = groupOf(position);
        const market = markets[group] as BenchMarket;
        const picker = pickers[group] as ReturnType<typeof offerPicker>;
        const kind = kindOf(position);
        const privately = ASKED_PRIVATELY.has(kind);
        const memberId = market.memberIds.get(String(user.id)) as number;
        const toAccept = kind === 'accept' ? picker.toAccept(memberId) : undefined;
        const toView = kind === 'offer' ? picker.toView() : undefined;
        if (toAccept !== undefined) return { user, position, group, kind, privately, text: `/accept ${toAccept}` };
        if (toView !== undefined) return { user, position, group, kind, privately, text: `/offer ${toView}` };
        if (kind === 'inventory') return { user, position, group, kind, privately, text: '/inventory' };
        if (kind === 'post') return { user, position, group, kind, privately, text: '/post give 1 apple want 1 orange' };
        // Also when nothing is left to accept or look at: then in the chat the member picked.
        return { user, position, group, kind: 'market', privately, text: '/market' };
      });
    }

    /** Sends every planned command; each promise resolves with its first answer. */
    function send(planned: readonly Planned[], timeoutMs = ANSWER_TIMEOUT_MS): Array<Promise<Answered>> {
      const before = new Set<FakeCall>(fake.calls);
      const perChat = new Map<number, number>();
      return planned.map(({ user, position, group, kind, text, privately }) => {
        const chat: FakeChat = privately ? { id: user.id, type: 'private' } : (GROUP_CHATS[group] as FakeChat);
        const place = (perChat.get(chat.id) ?? 0) + 1;
        perChat.set(chat.id, place);
        let answeredAt = 0;
        const sentAt = performance.now();
        const messageId = fake.sendText({ chat, from: user, text }).message.message_id;
        const answers = (call: FakeCall): boolean => {
          if (call.method !== 'sendMessage' || call.error || before.has(call)) return false;
          const to = Number(call.params.chat_id);
          const mine = to === user.id || (to === chat.id && Number(call.params.reply_parameters?.message_id) === messageId);
          // The fake calls this synchronously as it receives the request: the moment the answer arrived.
          if (mine && answeredAt === 0) answeredAt = performance.now();
          return mine;
        };
        return fake.waitFor(answers, timeoutMs).then((call) => ({ kind, position, group, place, ms: answeredAt - sentAt, privately: Number(call.params.chat_id) === user.id, sentAt, answeredAt }));
      });
    }

    // Everyone opens the private chat once (so the bot may write to them), then a warm-up round.
    for (const user of USERS) fake.sendText({ chat: { id: user.id, type: 'private' }, from: user, text: '/start' });
    await quiet(fake, telegram);
    for (let round = 0; round < WARMUP_ROUNDS; round += 1) {
      await Promise.all(send(plan(() => 'post')));
      await quiet(fake, telegram);
    }

    // The open run.
    const open: Answered[] = [];
    const walls: number[] = [];
    const tradesBefore = countRows(store.db, 'SELECT count(*) AS n FROM trades');
    const offersBefore = countRows(store.db, 'SELECT count(*) AS n FROM offers');
    const pollsBefore = fake.pollCount;
    const callsBefore = fake.calls.length;
    for (let round = 0; round < ROUNDS; round += 1) {
      const answered = await Promise.all(send(plan(mixed(round))));
      await quiet(fake, telegram);
      open.push(...answered);
      walls.push(Math.max(...answered.map((a) => a.answeredAt)) - Math.min(...answered.map((a) => a.sentAt)));
      process.stderr.write(`  telegram round ${round + 1}: ${answered.length} commands in ${walls.at(-1)?.toFixed(0)} ms, slowest ${Math.max(...answered.map((a) => a.ms)).toFixed(0)} ms\n`);
    }
    const polls = fake.pollCount - pollsBefore;
    const apiCalls = fake.calls.length - callsBefore;
    const trades = countRows(store.db, 'SELECT count(*) AS n FROM trades') - tradesBefore;
    const posted = countRows(store.db, 'SELECT count(*) AS n FROM offers') - offersBefore;

    // One group at its limit: its members keep asking, the others go on as before.
    const LIMITED = 0;
    const limitedChat = GROUP_CHATS[LIMITED] as FakeChat;
    fake.limitChat(limitedChat.id, LIMIT);
    const others: Answered[] = [];
    const limitedPending: Array<Promise<Answered>> = [];
    let lastLimitedSentAt = 0;
    for (let round = 0; round < LIMITED_ROUNDS; round += 1) {
      const inLimited = (i: number) => groupOf(i) === LIMITED;
      const planned = plan((i) => (inLimited(i) ? 'market' : mixed(round)(i))).filter((p) => !inLimited(p.position) || Math.floor(p.position / GROUPS) < LIMITED_ASKERS);
      const answers = send(planned, LIMITED_TIMEOUT_MS);
      lastLimitedSentAt = performance.now();
      limitedPending.push(...answers.filter((_, i) => planned[i]?.group === LIMITED));
      const answered = await Promise.all(answers.filter((_, i) => planned[i]?.group !== LIMITED));
      others.push(...answered);
      process.stderr.write(`  telegram, group 1 limited, round ${round + 1}: slowest of the other groups ${Math.max(...answered.map((a) => a.ms)).toFixed(0)} ms\n`);
    }
    const limitedAnswered = await Promise.all(limitedPending);
    const drainMs = Math.max(...limitedAnswered.map((a) => a.answeredAt)) - lastLimitedSentAt;
    await quiet(fake, telegram, LIMITED_TIMEOUT_MS);
    const refused = fake.sent('sendMessage').filter((call) => call.error?.error_code === 429 && Number(call.params.chat_id) === limitedChat.id).length;
    process.stderr.write(`  telegram, group 1 limited: its queue drained ${(drainMs / 1000).toFixed(1)} s after its last command\n`);

    const privately = open.filter((a) => a.privately).length;
    return {
      ...summarise(open, walls, { measured: ROUNDS, warmup: WARMUP_ROUNDS }),
      setup: [
        `${GROUPS} groups x ${PER_GROUP} members; every Bot API answer of the fake leaves ${API_LATENCY_MS} ms after it is decided (getUpdates too)`,
        'throttling as in production: none on the bot\'s own calls, auto-retry waits out a 429 (the outbox, not in this path, keeps its throttler)',
      ],
      groups: GROUPS,
      apiLatencyMs: API_LATENCY_MS,
      inPlace: open.length - privately,
      privately,
      trades,
      posted,
      internalErrors: fake.sent('sendMessage').filter((c) => String(c.params.text ?? '').startsWith(INTERNAL_ERROR)).length,
      polls,
      apiCallsPerCommand: apiCalls / open.length,
      byPlaceInChat: [...new Set(open.map((a) => a.place))].sort((a, b) => a - b).map((place) => ({ place, ...latency(open.filter((a) => a.place === place).map((a) => a.ms)) })),
      limited: {
        rounds: LIMITED_ROUNDS,
        messagesPerSecond: LIMIT.messages / LIMIT.perSeconds,
        others: latency(others.map((a) => a.ms)),
        othersOpen: latency(open.filter((a) => a.group !== LIMITED).map((a) => a.ms)),
        limitedGroup: latency(limitedAnswered.map((a) => a.ms)),
        refused,
        drainMs,
      },
      auditOk: store.core.audit().ok,
    };
  } finally {
    // The bot's pending getUpdates needs the fake: stop the bot first.
    await telegram.stop();
    await fake.close();
    store.cleanup();
  }
}

/** Until the bot has taken every update pushed and handled them all: the next round starts from a quiet bot. */
async function quiet(fake: FakeTelegram, telegram: TelegramBot, timeoutMs = ANSWER_TIMEOUT_MS): Promise<void> {
  await fake.waitForHandled(undefined, timeoutMs);
  await telegram.whenIdle();
}
