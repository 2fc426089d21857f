/** What every part of the Telegram adapter shares: the core, the log and the bot's API. */
import type { Api } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { TradeCore } from '../../core/trade-core.js';
import type { Logger } from '../../logger.js';

export interface TelegramServices {
  core: TradeCore;
  log: Logger;
  api: Api;
  /** The bot's own account, known once the bot is initialised. */
  me(): UserFromGetMe;
}

/** A link that opens the bot's private chat and sends `/start payload`. */
export const deepLink = (services: TelegramServices, payload: string) => `https://t.me/${services.me().username}?start=${payload}`;

export const isGroupChat = (chat: { type: string }) => chat.type === 'group' || chat.type === 'supergroup';
