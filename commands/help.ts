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

/** Discord's limit for an embed field's value, in characters. */
const FIELD_LIMIT = 1024;

/**
 * An upper bound of a line's length once Discord escapes its markdown (a backslash before each
 * character that could be markdown), so a field that fits here fits there unclipped.
 */
const escapedLength = (line: string) => line.length + (line.match(/[\\_*~`|>#[\]()-]/g)?.length ?? 0);

/** `lines` as embed fields of at most {@link FIELD_LIMIT} characters each: the first titled `title`, the rest `more`. */
function splitIntoFields(lines: readonly string[], title: string, more: string): Array<{ name: string; value: string }> {
  const fields: Array<{ name: string; value: string }> = [];
  let current: string[] = [];
  let used = 0;
  for (const line of lines) {
    const weight = escapedLength(line) + 1;
    if (current.length && used + weight > FIELD_LIMIT) {
      fields.push({ name: fields.length ? more : title, value: current.join('\n') });
      current = [];
      used = 0;
    }
    current.push(line);
    used += weight;
  }
  if (current.length) fields.push({ name: fields.length ? more : title, value: current.join('\n') });
  return fields;
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
      // Discord takes 1,024 characters a field: the admins' part is split over as many as it needs.
      const fields = (await showsAdminPart(ctx)) ? splitIntoFields(admin, t.adminTitle, t.adminTitleMore) : [];
      return { reply: personalReply([t.intro, '', ...everyone].join('\n'), { title: t.title, fields, tone: 'info' }) };
    },
  });
}
