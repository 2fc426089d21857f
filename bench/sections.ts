/**
 * The bench sections. Each runs in its own child process (see `bench/child.ts`), so its timings
 * and its peak RSS are its own. To add one: write `bench/sections/<x>.ts`
 * exporting a function that returns plain JSON data, add an entry here and its rows in
 * `bench/report.ts`.
 */
import type { AcceptResult } from './sections/accept.js';
import type { MarketResult } from './sections/market.js';
import type { TelegramLatencyResult } from './sections/telegram-latency.js';
import type { DiscordLatencyResult } from './sections/discord-latency.js';
import type { MathTradeResult } from './sections/mathtrade.js';
import type { LoopsResult } from './sections/loops.js';
import type { EventsResult } from './sections/events.js';
import type { AdminToolsResult } from './sections/admin-tools.js';
import type { ReputationResult } from './sections/reputation.js';
import type { SearchResult } from './sections/search.js';
import type { LimitsResult } from './sections/limits.js';

export interface SectionResults {
  accept: AcceptResult;
  'expiry-10k': MarketResult;
  'market-100k': MarketResult;
  'telegram-latency': TelegramLatencyResult;
  'discord-latency': DiscordLatencyResult;
  mathtrade: MathTradeResult;
  loops: LoopsResult;
  events: EventsResult;
  'admin-tools': AdminToolsResult;
  reputation: ReputationResult;
  search: SearchResult;
  limits: LimitsResult;
}

export type SectionName = keyof SectionResults;

export interface SectionSpec<N extends SectionName = SectionName> {
  name: N;
  describe: string;
  /** The runner kills the child (and fails the run) after this long. */
  timeoutMs: number;
  run(): Promise<SectionResults[N]>;
}

/** postOffer calls per outer write transaction while building the large markets. */
const BUILD_BATCH = 1000;

export const SECTIONS: { [N in SectionName]: SectionSpec<N> } = {
  accept: {
    name: 'accept',
    describe: 'accept throughput, core vs hand-written better-sqlite3, file database',
    timeoutMs: 120_000,
    run: async () => (await import('./sections/accept.js')).run(),
  },
  'expiry-10k': {
    name: 'expiry-10k',
    describe: 'expiry sweep of 1k due offers among 10k active',
    timeoutMs: 60_000,
    run: async () => (await import('./sections/market.js')).runMarket({ size: 10_000, listing: false, audit: false, perTransaction: BUILD_BATCH }),
  },
  'market-100k': {
    name: 'market-100k',
    describe: '100k active offers (+100k closed for the listing): build, listing, audit, expiry sweep of 1k due, peak RSS',
    // About a minute alone; the machines are shared, so leave room.
    timeoutMs: 300_000,
    run: async () => (await import('./sections/market.js')).runMarket({ size: 100_000, listing: true, audit: true, perTransaction: BUILD_BATCH }),
  },
  'telegram-latency': {
    name: 'telegram-latency',
    describe: 'update->reply latency, real grammY bot vs the fake Bot API (50 ms a call), 50 members of 10 groups at once, then with one group at its flood limit',
    // The limited group's queue drains at one message a second: about half a minute of it.
    timeoutMs: 180_000,
    run: async () => (await import('./sections/telegram-latency.js')).run(),
  },
  'discord-latency': {
    name: 'discord-latency',
    describe: 'interaction->answer latency, real discord.js bot vs the fake Discord, 50 members at once',
    timeoutMs: 90_000,
    run: async () => (await import('./sections/discord-latency.js')).run(),
  },
  mathtrade: {
    name: 'mathtrade',
    describe: 'math-trade solver on the three public want lists, uncapped and max loop 3, each in its own process (time, items, users, largest loop, peak RSS); xmas x1/x4/x16 for growth',
    // About 20 s alone; more on a shared machine.
    timeoutMs: 300_000,
    run: async () => (await import('./sections/mathtrade.js')).run(),
  },
  loops: {
    name: 'loops',
    describe: 'loop matching: the step after a post and the sweep of 100 unchecked offers, 10k and 100k open offers over 500 items',
    // Building the 100k market through the core is most of it; the machines are shared.
    timeoutMs: 600_000,
    run: async () => (await import('./sections/loops.js')).run(),
  },
  events: {
    name: 'events',
    describe: 'math-trade event of 2,000 entries by 200 members: export and close (solve + one transaction), uncapped and event-max-loop 3',
    timeoutMs: 300_000,
    run: async () => (await import('./sections/events.js')).run(),
  },
  'admin-tools': {
    name: 'admin-tools',
    describe: '/admin log pages over 100k moderation-log rows (first, deep, one member), /admin audit of one market beside a bigger one',
    timeoutMs: 300_000,
    run: async () => (await import('./sections/admin-tools.js')).run(),
  },
  reputation: {
    name: 'reputation',
    describe: 'reputation reads on 2,000 members and 100k rated trades: one member, a heavy trader, a page of ten, an offer view, the whole market as a filter',
    timeoutMs: 180_000,
    run: async () => (await import('./sections/reputation.js')).run(),
  },
  search: {
    name: 'search',
    describe: '/search over 100k open offers and 2,000 catalog items: p50/p99 of a two-word query and of each filter',
    // Building 100k offers through the core, the index written by its triggers; the machines are shared.
    timeoutMs: 600_000,
    run: async () => (await import('./sections/search.js')).run(),
  },
  limits: {
    name: 'limits',
    describe: 'the rate limit check per command: /inventory through the dispatcher with and without it, and a flooder refused',
    timeoutMs: 120_000,
    run: async () => (await import('./sections/limits.js')).run(),
  },
};

export const SECTION_NAMES = Object.keys(SECTIONS) as SectionName[];

/** Names accepted on the command line besides the section names themselves. */
export const GROUPS: Record<string, SectionName[]> = {
  all: SECTION_NAMES,
  expiry: ['expiry-10k', 'market-100k'],
  listing: ['market-100k'],
  rss: ['market-100k'],
  latency: ['telegram-latency', 'discord-latency'],
};

export function isSectionName(name: string): name is SectionName {
  return Object.hasOwn(SECTIONS, name);
}

/** Prefix of the one stdout line in which a child hands its {@link ChildReport} to the runner. */
export const RESULT_MARKER = '@@bench-result ';

export interface ChildReport {
  name: SectionName;
  elapsedMs: number;
  /** maxRSS right after startup (node + tsx + the runner's modules), KB. */
  startRssKB: number;
  /** maxRSS at the end of the section: the process's peak, KB. */
  maxRssKB: number;
  data: unknown;
}
