/**
 * Sending answers where they belong: private matters to the private chat, the rest in place; and
 * remembering what each message of a market shows, so a press on it acts there and a live card
 * follows its record.
 */
import { GrammyError, type Context } from 'grammy';
import type { Message } from 'grammy/types';
import type { Reply } from '../../../commands/definition.js';
import type { Messages } from '../../../commands/messages/index.js';
import type { Market } from '../../core/types.js';
import { sendAttachments } from './attachments.js';
import { oncePer } from './once-per.js';
import { messageOptions, renderHtml } from './render.js';
import { deepLink, isGroupChat, type TelegramServices } from './services.js';

/** A member the bot cannot write to privately is told so in a group at most this often. */
export const UNREACHABLE_NOTICE_EVERY_MS = 10 * 60_000;

type SendExtra = Parameters<TelegramServices['api']['sendMessage']>[2];

export function createAnswers(services: TelegramServices) {
  const { core, log, api } = services;
  // Keyed by group and member: being told in one group says nothing to the others.
  const unreachableNoticeDue = oncePer(UNREACHABLE_NOTICE_EVERY_MS, () => core.clock());

  /** Sends `reply` to a chat, and records what a message of `market` shows. */
  async function send(chatId: number, reply: Reply, extra: SendExtra = {}, market?: Market): Promise<Message.TextMessage> {
    const sent = await api.sendMessage(chatId, renderHtml(reply), { ...messageOptions(reply), ...extra });
    await sendAttachments(api, chatId, reply);
    if (reply.shows && market) core.recordCard({ platform: 'telegram', chatId: String(chatId), messageId: String(sent.message_id) }, { marketId: market.id, ...reply.shows });
    return sent;
  }

  /** Posts a card in the market's group; the member has it in the private chat either way. */
  async function showInGroup(market: Market, reply: Reply): Promise<void> {
    try {
      await send(Number(market.platformMarketId), reply, {}, market);
    } catch (error) {
      log.warn({ err: error, market: market.id }, 'could not show the offer card in its group');
    }
  }

  /**
   * Sends a reply where it belongs. A private answer to a command typed in a group leaves no
   * trace in the group: Telegram shows the member the new private message, and a group's budget
   * (about 20 messages a minute) is kept for what the group needs to see. Only a member the bot
   * cannot write to is told, in the group, and at most once per {@link UNREACHABLE_NOTICE_EVERY_MS}
   * (asking again soon after, they still have the last notice in front of them).
   */
  async function deliver(ctx: Context, reply: Reply, t: Messages, answering?: Message, market?: Market): Promise<void> {
    const { chat, from: user } = ctx;
    if (!chat || !user) return;
    const inPlace = answering ? { reply_parameters: { message_id: answering.message_id, allow_sending_without_reply: true } } : {};
    // A live card made in the private chat (a posted offer) is shown in its group too: members look for it there.
    if (!isGroupChat(chat) && market && reply.visibility === 'public' && reply.shows?.follows) await showInGroup(market, { ...reply, market: undefined });
    if (reply.visibility !== 'private' || !isGroupChat(chat)) return void (await send(chat.id, reply, inPlace, market));
    try {
      await send(user.id, reply, {}, market);
    } catch (error) {
      if (!(error instanceof GrammyError && error.error_code === 403)) throw error;
      if (unreachableNoticeDue(`${chat.id}:${user.id}`)) await ctx.reply(t.openPrivateChat(deepLink(services, 'hello')), inPlace);
      else log.info({ chat: chat.id, user: user.id }, 'member still cannot be written to privately; told in the group lately');
    }
  }

  return { deliver };
}

export type TelegramAnswers = ReturnType<typeof createAnswers>;
