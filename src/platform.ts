/**
 * A chat platform as the rest of the bot sees it, defined once: each adapter (src/adapters/*)
 * implements {@link PlatformPort}, `main` starts and stops whichever are configured, the jobs
 * deliver and edit cards through it, and commands ask its {@link PlatformCapabilities}. Nothing
 * outside the adapters knows a platform by its name.
 */
import type { PlatformCapabilities, Reply } from '../commands/definition.js';
import type { CardLocation } from './core/cards.js';
import type { Platform } from './core/types.js';

export type { PlatformCapabilities } from '../commands/definition.js';

/**
 * How a send went. `retry`: try again later (server, network, timeout; with `retryAfterMs` when
 * the platform said how long to wait: a rate limit). `unreachable`: the platform refuses direct
 * messages to this member (blocked, never started, DMs closed, account gone). `rejected`: this
 * message can never be sent, though the member can be reached.
 */
export type DeliveryOutcome =
  | { ok: true; /** Where the message landed, when the platform said. */ sent?: CardLocation | undefined }
  | { ok: false; kind: 'retry'; retryAfterMs?: number | undefined; error: string }
  | { ok: false; kind: 'unreachable'; error: string }
  | { ok: false; kind: 'rejected'; error: string };

/**
 * A way to write to a member and to a market's chat, for the outbox. Each send must end (succeed
 * or fail) well within the outbox lease (`DEFAULT_LEASE_MS` in jobs/delivery.ts): a send still
 * running when the lease runs out may be repeated by another process.
 */
export interface PlatformDelivery {
  platform: Platform;
  /** Sends `reply` (text, the market it is about, buttons) to a member in a direct message. */
  sendDirect(platformUserId: string, reply: Reply): Promise<DeliveryOutcome>;
  /** Posts in a market's chat; a platform with no such chat answers `rejected`. */
  sendToMarket(platformMarketId: string, text: string): Promise<DeliveryOutcome>;
  /** Posts `reply` in one chat of a market (a Telegram group, a Discord channel): where a command was used. */
  sendToChat(chatId: string, reply: Reply): Promise<DeliveryOutcome>;
  /** Where a member goes to let the bot write to them, if the platform has such a link. */
  startLink?: string | undefined;
}

/**
 * An edit of a card message. `gone` means the message can never be edited again (deleted, or the
 * bot left the chat); a failure that may pass is thrown.
 */
export interface CardEditor {
  platform: Platform;
  editCard(location: CardLocation, reply: Reply): Promise<'shown' | 'gone'>;
}

/** One chat platform, started and stopped by `main`, used by the jobs once it is up. */
export interface PlatformPort {
  name: Platform;
  capabilities: PlatformCapabilities;
  /** Connects and starts taking updates; resolves once it does (or at once if stopped meanwhile). */
  start(): Promise<void>;
  /** Stops taking updates; resolves when the updates in hand are finished. */
  stop(): Promise<void>;
  /** Whether the connection is up now, for the heartbeat. */
  isRunning(): boolean;
  /** Direct messages and market notices for the outbox; ask once `start()` has resolved. */
  delivery(): PlatformDelivery;
  /** Card edits, for the card job. */
  cardEditor: CardEditor;
}
