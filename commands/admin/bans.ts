/** `/admin bans`: the market's banned members, newest ban first, with reason and date; paged. */
import { defineCommand, type CommandDefinition, type CommandResult } from '../definition.js';
import { pageOption } from '../options.js';
import { listReply } from '../render/list-page.js';

const bans: CommandDefinition = defineCommand({
  name: 'bans',
  audience: 'admin',
  readOnly: true,
  pressable: true,
  options: { page: pageOption() },
  run(ctx, args): CommandResult {
    const t = ctx.t.adminTools.bans;
    return listReply(ctx.t, ctx.core.listBans(ctx.market.id, { cursor: args.page }), {
      command: bans,
      group: 'admin',
      title: t.title,
      empty: t.empty,
      line: (member) => t.line(member.displayName, member.bannedAt ?? 0, member.banReason),
      filter: {},
      visibility: 'personal',
    });
  },
});

export default bans;
