/**
 * `/admin log [MEMBER]`: the market's moderation log, newest first, a page at a time; with a
 * member, only the actions on them. Its page buttons carry the member by number.
 */
import type { MemberRef } from '../../src/core/types.js';
import { defineCommand, type CommandContext, type CommandDefinition, type CommandResult, type MemberMention } from '../definition.js';
import { memberNumberOption, memberOption, pageOption } from '../options.js';
import { listReply } from '../render/list-page.js';
import { refusal, resolveMember } from '../render/replies.js';

/** The member the log is filtered to: named in the command, or carried by a page button. */
function filteredTo(ctx: CommandContext, mention: MemberMention | undefined, number: number | undefined): { member: MemberRef | undefined } | CommandResult {
  if (mention) {
    const resolved = resolveMember(ctx, mention);
    return resolved.ok ? { member: resolved.member } : refusal(resolved.refusal);
  }
  if (number === undefined) return { member: undefined };
  const member = ctx.core.getMember(number);
  // A button of another market's log, or a forged one, names nobody here.
  return member && member.marketId === ctx.market.id ? { member } : refusal(ctx.t.adminTools.log.unknownMember);
}

const log: CommandDefinition = defineCommand({
  name: 'log',
  audience: 'admin',
  readOnly: true,
  pressable: true,
  options: { member: memberOption('member', { required: false }), 'member-number': memberNumberOption(), page: pageOption() },
  run(ctx, args): CommandResult {
    const t = ctx.t.adminTools.log;
    const filter = filteredTo(ctx, args.member, args['member-number']);
    if ('reply' in filter) return filter;
    const { member } = filter;
    return listReply(ctx.t, ctx.core.listModerationLog(ctx.market.id, { memberId: member?.id, cursor: args.page }), {
      command: log,
      group: 'admin',
      title: member ? t.titleOf(member.displayName) : t.title,
      empty: member ? t.emptyOf(member.displayName) : t.empty,
      line: t.line,
      filter: { 'member-number': member ? String(member.id) : undefined },
      visibility: 'personal',
    });
  },
});

export default log;
