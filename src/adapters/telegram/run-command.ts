/**
 * Runs a catalog command for an update's member: the one path by which an update changes
 * anything. Its update was claimed when its turn came (pipeline.ts), so the command runs at most
 * once.
 */
import type { Context } from 'grammy';
import type { Message } from 'grammy/types';
import { executeText } from '../../../commands/index.js';
import type { AnyCommand, CommandResult, Refused } from '../../../commands/definition.js';
import type { Messages } from '../../../commands/messages/index.js';
import type { Market } from '../../core/types.js';
import type { TelegramAnswers } from './answers.js';
import type { TelegramCards } from './cards.js';
import { afterTheTurn } from './pipeline.js';
import type { TelegramScope } from './scope.js';
import { isGroupChat, type TelegramServices } from './services.js';

export type TextExtras = Parameters<typeof executeText>[3];
export type RunOutcome = { ok: true; result: CommandResult; market: Market } | Refused;

export function createCommandRunner({ log }: TelegramServices, scope: TelegramScope, answers: TelegramAnswers, cards: TelegramCards) {
  /**
   * Runs `command` with text `args`. `pressed`: the market a pressed message belongs to, where the
   * press was found to act, membership checked (commands/press.ts).
   */
  async function runCommand(ctx: Context, command: AnyCommand, args: string, t: Messages, extras: TextExtras = {}, pressed?: Market): Promise<RunOutcome | undefined> {
    const { chat, from: user } = ctx;
    if (!chat || !user) return undefined;
    const scoped = scope.scopeOf(chat, user, t, pressed);
    if (!scoped.ok) return scoped;
    const where = { inPrivate: !isGroupChat(chat), vouched: pressed !== undefined, chatId: String(chat.id) };
    const result = await executeText(scope.commandContext(scoped.market, scoped.member, user, t, where), command, args, extras);
    log.info(
      { market: scoped.market.id, member: scoped.member.id, offer: result.card?.offerId, command: command.name, via: ctx.callbackQuery ? 'button' : 'text', tone: result.reply.tone },
      'command handled',
    );
    // A command that moved the member's private chat to another market answers about that one.
    return { ok: true, result, market: result.market ?? scoped.market };
  }

  /**
   * Runs a command typed (or linked) in a message and delivers the answer.
   *
   * The answer goes out in the chat's turn, so a chat's answers arrive in the order it asked. The
   * edits that bring the offer's other cards up to date are no part of the answer: they go out
   * after the turn (in their chats' edit lines), and the chat's next command need not wait for
   * them, one round trip or more per card. Should they fail, the card job edits the cards later.
   */
  async function runAndDeliver(ctx: Context, command: AnyCommand, args: string, t: Messages, extras: TextExtras = {}, answering?: Message): Promise<void> {
    const outcome = await runCommand(ctx, command, args, t, extras);
    if (!outcome) return;
    if (!outcome.ok) return void (await answers.deliver(ctx, { text: outcome.refusal, visibility: 'personal', tone: 'error' }, t, answering));
    // Past the rate limit and told so already: another refusal would only flood the chat.
    if (outcome.result.limited?.quiet) return;
    await answers.deliver(ctx, outcome.result.reply, t, answering, outcome.market);
    const following = cards.followChange(outcome.result.card);
    if (following) afterTheTurn(ctx, following);
  }

  return { runCommand, runAndDeliver };
}

export type CommandRunner = ReturnType<typeof createCommandRunner>;
