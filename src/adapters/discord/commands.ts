/**
 * Slash commands: an interaction read into the catalog command it names (a group's subcommand
 * included) and its typed option values, run in the guild's market, and answered within Discord's
 * 3 seconds (answer.ts): directly with the final reply, or deferred ephemerally and then edited or,
 * for a public result, followed up publicly with the placeholder removed.
 */
import { ApplicationCommandOptionType, MessageFlags, type ChatInputCommandInteraction, type CommandInteractionOption } from 'discord.js';
import { availableOn, isGroup, type CommandDefinition, type RawValue } from '../../../commands/definition.js';
import { executeCommand, findCommand } from '../../../commands/index.js';
import type { Messages } from '../../../commands/messages/index.js';
import { answer } from './answer.js';
import { followChange, rememberCard } from './cards.js';
import { commandContext, DISCORD_CAPABILITIES } from './command-context.js';
import type { DiscordContext } from './context.js';
import { enterMarket, mentionOf } from './members.js';
import { note } from './own-words.js';
import { renderMessage, renderReply } from './render.js';
import { showWaiting } from './waiting.js';

/** The catalog command an interaction names, its subcommand's options, and the group it belongs to. */
export interface SlashCall {
  definition: CommandDefinition;
  group: { name: string; audience: 'everyone' | 'admin' } | undefined;
  options: readonly CommandInteractionOption[];
}

export function readSlashCall(commandName: string, data: readonly CommandInteractionOption[]): SlashCall | undefined {
  const command = findCommand(commandName);
  if (!command || !availableOn(command, DISCORD_CAPABILITIES)) return undefined;
  if (!isGroup(command)) return { definition: command, group: undefined, options: data };
  const sub = data.find((option) => option.type === ApplicationCommandOptionType.Subcommand);
  const definition = sub && command.subcommands.find((candidate) => candidate.name === sub.name);
  return definition && sub ? { definition, group: { name: command.name, audience: command.audience }, options: sub.options ?? [] } : undefined;
}

/** Typed option values as the dispatcher takes them: strings and integers as they are, users as mentions. */
function rawValues(options: readonly CommandInteractionOption[]): Record<string, RawValue | undefined> {
  const values: Record<string, RawValue | undefined> = {};
  for (const option of options) {
    if (option.type === ApplicationCommandOptionType.User) {
      // Without a resolved user the value cannot name anyone; the option's schema says so.
      values[option.name] = option.user ? mentionOf(option.user, option.member) : String(option.value ?? '');
    } else if (typeof option.value === 'string' || typeof option.value === 'number') {
      values[option.name] = option.value;
    }
  }
  return values;
}

export async function handleCommand(bot: DiscordContext, interaction: ChatInputCommandInteraction, t: Messages, trace: Record<string, unknown>, received: number): Promise<void> {
  const { core, log } = bot;
  if (!interaction.inGuild()) return void (await interaction.reply(renderReply(note(t.discord.guildOnly))));
  const call = readSlashCall(interaction.commandName, interaction.options.data);
  if (!call) return void (await interaction.reply(renderReply(note(t.discord.unknownCommand))));
  const { market, member } = enterMarket(core, interaction);
  Object.assign(trace, { market: market.id, member: member.id });
  const ctx = commandContext(bot, interaction, market, member, t);
  const result = await answer(bot.deferAfterMs, received, () => executeCommand(ctx, call.definition, rawValues(call.options), call.group), {
    async direct(done) {
      const response = await interaction.reply({ ...renderReply(done.reply), withResponse: true });
      rememberCard(core, done.reply, response.resource?.message, market);
    },
    defer: () => interaction.deferReply({ flags: MessageFlags.Ephemeral }),
    async late(done) {
      if (done.reply.visibility !== 'public') return interaction.editReply(renderMessage(done.reply));
      // The public answer first: should it fail, the placeholder is still there to tell the member.
      rememberCard(core, done.reply, await interaction.followUp(renderReply(done.reply)), market);
      return interaction.deleteReply();
    },
  });
  await followChange(bot, result.card);
  if (member.unreachableSince !== null) await showWaiting(core, interaction, t);
  log.debug({ ...trace, offer: result.card?.offerId, command: interaction.commandName, tone: result.reply.tone }, 'command handled');
}
