/**
 * What every Discord handler is handed: the parts of the running bot, built once by
 * `createDiscordBot` (bot.ts) and passed down, so each handler is a plain function of them and of
 * its interaction, with nothing hidden in a closure.
 */
import type { Client } from 'discord.js';
import type { TradeCore } from '../../core/trade-core.js';
import type { Logger } from '../../logger.js';
import type { CardEditor } from '../../platform.js';

export interface DiscordContext {
  core: TradeCore;
  log: Logger;
  /** The logged-in discord.js client, for what an interaction does not carry (a server's members, a channel). */
  client: Client;
  /** Milliseconds a command may run before its answer is deferred (see answer.ts). */
  deferAfterMs: number;
  /** Edits remembered cards through their channels (cards.ts), for the card job and after a command. */
  cardEditor: CardEditor;
}
