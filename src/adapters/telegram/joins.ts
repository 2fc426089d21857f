/**
 * Members joining a group. Telegram tells a bot when someone joined only by the service message it
 * posts then (privacy mode lets it through), never in a command, so the join time is kept here for
 * the newcomer gate (src/core/limits.ts); a member whose join the bot did not see counts from the
 * bot's first sight of them.
 */
import { Composer, type Context } from 'grammy';
import { displayName } from './mentions.js';
import { isGroupChat, type TelegramServices } from './services.js';

export function joins({ core, log }: TelegramServices): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message:new_chat_members', (ctx) => {
    const people = ctx.message.new_chat_members.filter((user) => !user.is_bot);
    if (!isGroupChat(ctx.chat) || people.length === 0) return;
    const market = core.ensureMarket({ platform: 'telegram', platformMarketId: String(ctx.chat.id), title: ctx.chat.title ?? null });
    const joinedAt = ctx.message.date * 1000;
    for (const user of people) {
      core.ensureMember({ marketId: market.id, platformUserId: String(user.id), displayName: displayName(user), username: user.username ?? null, joinedAt });
    }
    log.debug({ market: market.id, joined: people.map((user) => user.id) }, 'members joined');
  });
  return composer;
}
