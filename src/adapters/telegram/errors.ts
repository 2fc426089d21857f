/** The error boundary: a failed update is logged, and its member told in one sentence, never shown a stack. */
import type { BotError, Context } from 'grammy';
import { messagesFor } from '../../../commands/messages/index.js';
import { answerPress } from './presses.js';
import type { TelegramServices } from './services.js';

export function errorBoundary(services: TelegramServices) {
  const { log } = services;
  return async ({ ctx, error }: BotError<Context>): Promise<void> => {
    log.error({ err: error, update: ctx.update.update_id, chat: ctx.chat?.id, user: ctx.from?.id }, 'telegram update failed');
    const t = messagesFor(ctx.from?.language_code);
    try {
      if (ctx.callbackQuery) await answerPress(services, ctx, { text: t.internalError, show_alert: true });
      else if (ctx.chat) await ctx.reply(t.internalError);
    } catch (replyError) {
      log.warn({ err: replyError }, 'could not tell the member about the failure');
    }
  };
}
