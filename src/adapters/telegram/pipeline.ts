/**
 * What every update goes through before a command sees it: its chat's turn, the exactly-once
 * claim, and the updates that carry no command (a group upgraded, a message without a sender).
 */
import { sequentialize } from '@grammyjs/runner';
import { Composer, type Context } from 'grammy';
import type { TelegramServices } from './services.js';

/** What an update still does after its chat's turn (see {@link afterTheTurn}). */
const afterTurn = new WeakMap<Context, Promise<unknown>>();

/**
 * Leaves `work` (card edits) out of the chat's turn: the chat's next update need not wait for it.
 * The update stays in hand until it is done too (for the runner, a graceful stop and the inbox),
 * and a failure reaches `bot.catch`.
 */
export function afterTheTurn(ctx: Context, work: Promise<unknown>): void {
  work.catch(() => undefined); // awaited, and a failure reported, by the pipeline's first step
  afterTurn.set(ctx, work);
}

export function pipeline({ core, log }: TelegramServices): Composer<Context> {
  const composer = new Composer<Context>();
  composer.use(async (ctx, next) => {
    await next();
    await afterTurn.get(ctx);
  });

  // Updates are handled concurrently (runner.ts); each chat's in the order they came, so two
  // commands in one group, or in one member's private chat, never overtake each other. Different
  // chats run side by side: a group waiting out its flood limit holds back only itself.
  composer.use(sequentialize((ctx: Context) => (ctx.chat ? String(ctx.chat.id) : undefined)));

  // Each update is claimed when its turn comes, before anything runs: every update runs at most
  // once, whatever is handed over again, and the inbox (runner.ts) knows it was started. After a
  // crash, then:
  // - updates taken but not yet claimed (waiting behind an earlier update of their chat, or just
  //   handed over) run at the next start, from the inbox, in order: nothing is lost;
  // - an update claimed and in flight is not run again: a command's effect, if committed, stands
  //   and its notifications go out; if not, nothing happened; either way its member may get no
  //   answer. A chat's updates run one at a time, so that is at most one per chat;
  // - a batch Telegram hands out again (its confirmation died with the process) is recognised by
  //   the inbox and not handed over twice; the claim is the last guard.
  composer.use(async (ctx, next) => {
    if (core.claimUpdate('telegram', String(ctx.update.update_id))) return next();
    log.warn({ update: ctx.update.update_id, chat: ctx.chat?.id, user: ctx.from?.id }, 'update already handled before a restart; skipped');
  });

  // A group that becomes a supergroup gets a new chat id; its market moves with it.
  composer.on('message:migrate_to_chat_id', (ctx) => {
    const moved = core.moveMarket('telegram', String(ctx.chat.id), String(ctx.message.migrate_to_chat_id));
    log.info({ from: ctx.chat.id, to: ctx.message.migrate_to_chat_id, market: moved?.id }, 'group upgraded to a supergroup; market moved');
  });

  // A channel post, or a message Telegram names no sender for, has no member to act for.
  composer.use(async (ctx, next) => {
    if (ctx.from) return next();
    log.debug({ update: ctx.update.update_id, chat: ctx.chat?.id }, 'update without a sender; ignored');
  });

  // A member who writes to the bot privately (pressing Start does) can be written to: deliver
  // what waited for them.
  composer.on('message', async (ctx, next) => {
    if (ctx.chat.type === 'private') core.markReachable('telegram', String(ctx.from.id));
    await next();
  });
  return composer;
}
