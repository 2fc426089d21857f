/**
 * `/help`: what the bot does, every command with its usage as the member's platform writes it
 * (typed on Telegram, slash options on Discord); the catalog is /catalog's.
 */
import { createLogger, type Logger } from '../src/logger.js';
import { availableOn, defineCommand, isGroup, type AnyCommand, type CommandContext, type CommandDefinition } from './definition.js';
import { personalReply } from './render/replies.js';
import { usage } from './usage.js';

/** Used when the adapter gave the command no logger of its own. */
let fallbackLog: Logger | undefined;
function logOf(ctx: CommandContext): Pick<Logger, 'warn'> {
  if (ctx.log) return ctx.log;
  if (!fallbackLog) {
    try {
      fallbackLog = createLogger(process.env['LOG_LEVEL'] || 'info');
    } catch {
      fallbackLog = createLogger('info'); // an unknown level: the configuration check names it at start-up
    }
  }
  return fallbackLog;
}

/**
 * Whether to show the administrators' part. Help must answer even when the platform cannot say
 * (a private chat whose group removed the bot, a platform error): then the member gets the
 * everyone part, and the failure is logged.
 */
async function showsAdminPart(ctx: CommandContext): Promise<boolean> {
  try {
    return await ctx.isAdmin();
  } catch (error) {
    logOf(ctx).warn(
      { err: error, market: ctx.market.id, member: ctx.member.id },
      'admin check failed during /help; showing the help for members',
    );
    return false;
  }
}

/** Built over the command catalog, which includes this command. */
export function createHelpCommand(commands: () => readonly AnyCommand[]) {
  return defineCommand({
    name: 'help',
    audience: 'everyone',
    readOnly: true,
    options: {},
    async run(ctx) {
      const t = ctx.t.help;
      const line = (definition: CommandDefinition, group?: string) => `${usage(definition, group, ctx.capabilities.syntax)} — ${definition.description}`;
      const everyone: string[] = [];
      const admin: string[] = [];
      for (const command of commands()) {
        if (!availableOn(command, ctx.capabilities)) continue;
        if (isGroup(command)) {
          for (const sub of command.subcommands) (command.audience === 'admin' ? admin : everyone).push(line(sub, command.name));
        } else {
          everyone.push(line(command));
        }
      }
      // The catalog has a command of its own, /catalog (paged): listed here it would outgrow a message.
      const fields = (await showsAdminPart(ctx)) ? [{ name: t.adminTitle, value: admin.join('\n') }] : [];
      return { reply: personalReply([t.intro, '', ...everyone].join('\n'), { title: t.title, fields, tone: 'info' }) };
    },
  });
}
