/** Commands typed in a message: `/post give 5 apple want 3 pear`, in a group or the private chat. */
import { Composer, type Context } from 'grammy';
import { commands, findCommand } from '../../../commands/index.js';
import { availableOn } from '../../../commands/definition.js';
import { messagesFor } from '../../../commands/messages/index.js';
import { readCommandText } from './mentions.js';
import type { CommandRunner } from './run-command.js';
import { TELEGRAM_CAPABILITIES } from './scope.js';
import type { TelegramServices } from './services.js';

/** The catalog's commands this platform has. */
const available = new Set(commands.filter((command) => availableOn(command, TELEGRAM_CAPABILITIES)));

export function typedCommands(services: TelegramServices, runner: CommandRunner): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message:text', async (ctx, next) => {
    const text = readCommandText(ctx.message);
    const command = text && findCommand(text.name);
    if (!text || !command || !available.has(command)) return next();
    // An anonymous admin writes as the group itself: there is no member to act for.
    if (ctx.message.sender_chat) return void (await ctx.reply(messagesFor(ctx.from.language_code).telegram.anonymous));
    // In a group, `/post@OtherBot` is for another bot.
    const addressed = /^\/[^\s@]+@(\S+)/.exec(ctx.message.text)?.[1];
    if (addressed && addressed.toLowerCase() !== services.me().username.toLowerCase()) return next();
    const t = messagesFor(ctx.from.language_code);
    await runner.runAndDeliver(ctx, command, text.args, t, { replyTo: text.replyTo, mentions: text.mentions }, ctx.message);
  });

  // A command the catalog does not know, in a private chat, gets a pointer to /help.
  composer.on('message:text', async (ctx) => {
    if (ctx.chat.type === 'private' && ctx.message.text.startsWith('/')) await ctx.reply(messagesFor(ctx.from.language_code).telegram.unknownCommand);
  });
  return composer;
}
