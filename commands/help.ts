/** `/help`: what the bot does, every command with its usage, and the market's catalog. */
import { defineCommand, isGroup, type AnyCommand } from './definition.js';
import { personalReply } from './render/replies.js';
import { usage } from './usage.js';

/** Built over the command catalog, which includes this command. */
export function createHelpCommand(commands: () => readonly AnyCommand[]) {
  return defineCommand({
    name: 'help',
    audience: 'everyone',
    options: {},
    async run(ctx) {
      const t = ctx.t.help;
      const everyone: string[] = [];
      const admin: string[] = [];
      for (const command of commands()) {
        if (isGroup(command)) {
          for (const sub of command.subcommands) admin.push(`${usage(sub, command.name)}: ${sub.description}`);
        } else {
          everyone.push(`${usage(command)}: ${command.description}`);
        }
      }
      const items = ctx.core.listItems(ctx.market.id).map((item) => (item.emoji ? `${item.emoji} ${item.name}` : item.name));
      const fields = [{ name: t.items, value: items.length ? items.join(', ') : ctx.t.admin.catalogEmpty }];
      if (await ctx.isAdmin()) fields.push({ name: t.adminTitle, value: admin.join('\n') });
      return { reply: personalReply([t.intro, '', ...everyone].join('\n'), { title: t.title, fields, tone: 'info' }) };
    },
  });
}
