/**
 * Button presses: a press runs its payload's command, checked against the message it was made on
 * (commands/press.ts), and answers in its own popup where it can, so a group's message budget is
 * not spent on it.
 */
import { Composer, GrammyError, type Context, type Filter } from 'grammy';
import type { Message } from 'grammy/types';
import type { Messages } from '../../../commands/messages/index.js';
import { messagesFor } from '../../../commands/messages/index.js';
import { planPress, pressedMessage, type PressPlan } from '../../../commands/press.js';
import type { TelegramAnswers } from './answers.js';
import type { TelegramCards } from './cards.js';
import { plainText } from './render.js';
import type { CommandRunner } from './run-command.js';
import type { TelegramScope } from './scope.js';
import { deepLink, isGroupChat, type TelegramServices } from './services.js';

/** What Telegram answers to a callback answer that comes too late, or twice (a press replayed after a restart). */
const STALE_QUERY = /query is too old|query ID is invalid/i;

type PressContext = Filter<Context, 'callback_query:data'>;
type Planned = Extract<PressPlan, { ok: true }>;

/**
 * Answers a button press. A query Telegram no longer takes answers for (too old, or already
 * answered before a restart replayed the press) is nothing the member can be told about.
 */
export async function answerPress(services: TelegramServices, ctx: Context, answer: Parameters<Context['answerCallbackQuery']>[0] = {}): Promise<void> {
  try {
    await ctx.answerCallbackQuery(answer);
  } catch (error) {
    if (!(error instanceof GrammyError && STALE_QUERY.test(error.description))) throw error;
    services.log.debug({ update: ctx.update.update_id, description: error.description }, 'press answered too late; Telegram no longer takes its answer');
  }
}

export function presses(services: TelegramServices, deps: { scope: TelegramScope; runner: CommandRunner; answers: TelegramAnswers; cards: TelegramCards }): Composer<Context> {
  const { core } = services;
  const { scope, runner, answers, cards } = deps;
  const answer = (ctx: Context, reply?: Parameters<Context['answerCallbackQuery']>[0]) => answerPress(services, ctx, reply);
  const alert = (ctx: Context, text: string) => answer(ctx, { text, show_alert: true });

  /**
   * Details from a group open the offer in the private chat, where the answer belongs: a group
   * cannot show one member an answer of their own. The presser becomes a member of the group's
   * market first, so the link opens for them.
   */
  async function openInPrivate(ctx: PressContext, message: Message, { market, call }: Planned, t: Messages): Promise<void> {
    scope.scopeOf(message.chat, ctx.from, t);
    const offerId = Number(call.args[0]);
    if (!core.getOffer(market.id, offerId)) return alert(ctx, t.error({ code: 'offer_not_found', offerId }));
    await answer(ctx, { url: deepLink(services, `offer_${offerId}`) });
  }

  /** Runs the press's command, answers it, and brings the pressed message and the record's cards up to date. */
  async function run(ctx: PressContext, message: Message, plan: Planned, t: Messages): Promise<void> {
    const outcome = await runner.runCommand(ctx, plan.call.command, plan.call.args.join(' '), t, {}, plan.market);
    if (!outcome) return answer(ctx);
    if (!outcome.ok) return alert(ctx, outcome.refusal);
    const { result } = outcome;
    // What the pressed message shows now, if that changes: its own record as it now is (so a stale
    // card fixes itself on the first press), or the page of its list the press asked for.
    const shown = pressedMessage(core, t, plan, result);
    const isPage = shown === result.reply;
    const answersInChat = !isPage && (Boolean(result.reply.buttons?.length) || (!result.card && result.reply.visibility !== 'personal'));
    // Answer the press first: Telegram waits only briefly for it, and a card edit may queue
    // behind the group's flood limit.
    await answer(ctx, answersInChat || isPage ? {} : { text: plainText(result.reply), show_alert: result.reply.tone === 'error' });
    if (shown) await cards.editPressedMessage(message, shown);
    if (answersInChat) await answers.deliver(ctx, result.reply, t, undefined, outcome.market);
    await cards.followChange(result.card, shown && !isPage ? message : undefined);
  }

  const composer = new Composer<Context>();
  composer.on('callback_query:data', async (ctx) => {
    const t = messagesFor(ctx.from.language_code);
    const message = ctx.callbackQuery.message;
    // A press on an inline-mode message comes without its message: no button of ours is there.
    if (!message) return alert(ctx, t.press.unknown);
    const plan = await planPress({
      core,
      t,
      payload: ctx.callbackQuery.data,
      message: { platform: 'telegram', chatId: String(message.chat.id), messageId: String(message.message_id) },
      chatMarket: isGroupChat(message.chat) ? scope.groupMarket(message.chat) : undefined,
      presserId: String(ctx.from.id),
      isMember: (market) => scope.isGroupMember(market, ctx.from.id),
    });
    // A refusal answers in the press's own popup: the group's message budget is not spent on it.
    if (!plan.ok) return alert(ctx, plan.refusal);
    if (isGroupChat(message.chat) && plan.call.command.name === 'offer') return openInPrivate(ctx, message, plan, t);
    await run(ctx, message, plan, t);
  });
  return composer;
}
