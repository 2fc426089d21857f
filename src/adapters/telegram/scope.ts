/**
 * Which market and member an update acts on, and the command context for them.
 *
 * A group is a market (created on first use). In a private chat the bot acts on the member's
 * current market: the group they used last, or the one picked with `/markets`.
 */
import { GrammyError } from 'grammy';
import type { Chat, User } from 'grammy/types';
import { refused, type CommandContext, type PlatformCapabilities, type Refused } from '../../../commands/definition.js';
import type { Messages } from '../../../commands/messages/index.js';
import type { Market, MemberRef } from '../../core/types.js';
import { displayName } from './mentions.js';
import { isGroupChat, type TelegramServices } from './services.js';

/** Typed commands, no answers only one member sees in a group, and a private chat acting on a picked market. */
export const TELEGRAM_CAPABILITIES: PlatformCapabilities = { syntax: 'text', ephemeral: false, privateMarkets: true };

const ADMIN_STATUSES = new Set(['creator', 'administrator']);
const MEMBER_STATUSES = new Set(['creator', 'administrator', 'member']);

export type Scope = { ok: true; market: Market; member: MemberRef } | Refused;

export function createScope({ core, api, log }: TelegramServices) {
  /** The market of a group chat, created on first use. */
  const groupMarket = (chat: Chat) => core.ensureMarket({ platform: 'telegram', platformMarketId: String(chat.id), title: chat.title ?? null });

  /**
   * The market and member an update acts on, or the sentence to answer when there is none: the
   * group it comes from, or in a private chat `known` (a press on a message recorded for a
   * market) or else the member's current market.
   */
  function scopeOf(chat: Chat, user: User, t: Messages, known?: Market): Scope {
    let market: Market | undefined;
    if (isGroupChat(chat)) {
      market = groupMarket(chat);
      if (core.currentMarket('telegram', String(user.id))?.id !== market.id) core.setCurrentMarket('telegram', String(user.id), market.id);
    } else {
      const current = core.currentMarket('telegram', String(user.id));
      market = known ?? current;
      // Someone who trades nowhere yet learns what the bot is and where to start.
      if (!market) return refused(`${t.help.intro}\n\n${t.useInGroup}`);
      // A card pressed in private acts where it belongs, and so do the commands typed after it.
      if (market.id !== current?.id) core.setCurrentMarket('telegram', String(user.id), market.id);
    }
    const member = core.ensureMember({ marketId: market.id, platformUserId: String(user.id), displayName: displayName(user), username: user.username ?? null });
    return { ok: true, market, member };
  }

  /**
   * Whether Telegram counts `userId` among the members of `market`'s group now. A group the bot
   * was removed from, or cannot see, counts as not theirs.
   */
  async function isGroupMember(market: Market, userId: number): Promise<boolean> {
    if (market.platform !== 'telegram') return false;
    try {
      const member = await api.getChatMember(Number(market.platformMarketId), userId);
      return MEMBER_STATUSES.has(member.status) || (member.status === 'restricted' && member.is_member);
    } catch (error) {
      if (error instanceof GrammyError && error.error_code >= 400 && error.error_code < 500 && error.error_code !== 429) return false;
      throw error;
    }
  }

  /**
   * `inPrivate`: the command came from the private chat, not the market's own group (where
   * Telegram vouches for membership). `vouched`: membership was checked a moment ago (a press
   * from the private chat), so it is not asked again.
   */
  function commandContext(market: Market, member: MemberRef, user: User, t: Messages, where: { inPrivate: boolean; vouched?: boolean; chatId?: string }): CommandContext {
    return {
      core,
      t,
      capabilities: TELEGRAM_CAPABILITIES,
      log,
      market,
      member,
      // Asked at the moment of the action: rights change without the bot being told.
      isAdmin: async () => ADMIN_STATUSES.has((await api.getChatMember(Number(market.platformMarketId), user.id)).status),
      isStillMember: where.inPrivate && !where.vouched ? () => isGroupMember(market, user.id) : undefined,
      inPrivate: where.inPrivate,
      chatId: where.inPrivate ? undefined : where.chatId,
      enterMarket: async (target) => {
        const there = target.platform === 'telegram' ? core.findMember(target.id, String(user.id)) : undefined;
        if (!there || !(await isGroupMember(target, user.id))) return undefined;
        core.setCurrentMarket('telegram', String(user.id), target.id);
        return commandContext(target, there, user, t, { inPrivate: true, vouched: true });
      },
    };
  }

  return { groupMarket, scopeOf, isGroupMember, commandContext };
}

export type TelegramScope = ReturnType<typeof createScope>;
