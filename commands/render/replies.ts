/** Small reply builders every command shares. */
import type { TradeError } from '../../src/core/errors.js';
import type { MemberRef } from '../../src/core/types.js';
import { refused, type CommandContext, type CommandResult, type MemberMention, type Refused, type Reply } from '../definition.js';

export const privateReply = (text: string, extra: Partial<Reply> = {}): Reply => ({ text, visibility: 'private', tone: 'info', ...extra });
export const personalReply = (text: string, extra: Partial<Reply> = {}): Reply => ({ text, visibility: 'personal', tone: 'success', ...extra });
export const publicReply = (text: string, extra: Partial<Reply> = {}): Reply => ({ text, visibility: 'public', tone: 'success', ...extra });

/** A refusal: one sentence, only to the member who asked. */
export const refusal = (text: string): CommandResult => ({ reply: { text, visibility: 'personal', tone: 'error' } });

/** The core's refusal, in the member's language. */
export const coreRefusal = (ctx: CommandContext, error: TradeError): CommandResult => refusal(ctx.t.error(error));

/**
 * The market member a mention names. A platform account becomes a member on first mention; an
 * @username must belong to someone the bot has seen in this market.
 */
export function resolveMember(ctx: CommandContext, mention: MemberMention): { ok: true; member: MemberRef } | Refused {
  if (mention.kind === 'user') {
    return {
      ok: true,
      member: ctx.core.ensureMember({
        marketId: ctx.market.id,
        platformUserId: mention.platformUserId,
        displayName: mention.displayName,
        username: mention.username ?? null,
      }),
    };
  }
  const found = ctx.core.findMemberByUsername(ctx.market.id, mention.username);
  return found ? { ok: true, member: found } : refused(ctx.t.unknownMember(mention.username));
}
