/**
 * Discord slash commands, generated from the command catalog: nothing here is written by hand, so
 * a new option in `commands/` appears on Discord the next time `npm run deploy-commands` runs.
 * Pure data (checked against discord-api-types), kept apart from the code that runs them so the
 * deploy script registers them without logging in.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { availableOn, isGroup, type AnyCommand, type CommandDefinition, type OptionSpec } from '../../../commands/definition.js';
import { DISCORD_CAPABILITIES } from './command-context.js';
import { slashOrder } from '../../../commands/usage.js';

/** Discord's limits for descriptions and for the number of choices an option may list. */
const MAX_DESCRIPTION = 100;
const MAX_CHOICES = 25;
/** Discord's ceiling for a string option's `max_length`. */
const MAX_STRING_LENGTH = 6000;

/** The permission `/admin` asks for by default: Manage Server (Administrator implies it). */
export const ADMIN_PERMISSIONS = PermissionFlagsBits.ManageGuild.toString();

const brief = (text: string) => (text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text);

/** One catalog option as a typed Discord option. */
export function slashOption(spec: OptionSpec): APIApplicationCommandBasicOption {
  const base = { name: spec.name, description: brief(spec.description), required: spec.required };
  switch (spec.kind) {
    case 'items':
    case 'text': {
      const length = spec.maxLength === undefined ? {} : { max_length: Math.min(spec.maxLength, MAX_STRING_LENGTH) };
      return spec.autocomplete
        ? { ...base, type: ApplicationCommandOptionType.String, ...length, autocomplete: true }
        : { ...base, type: ApplicationCommandOptionType.String, ...length };
    }
    case 'integer':
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        ...(spec.min === undefined ? {} : { min_value: spec.min }),
        ...(spec.max === undefined ? {} : { max_value: spec.max }),
      };
    case 'offer':
    case 'trade':
      return spec.autocomplete
        ? { ...base, type: ApplicationCommandOptionType.Integer, min_value: 1, autocomplete: true }
        : { ...base, type: ApplicationCommandOptionType.Integer, min_value: 1 };
    case 'member':
      return { ...base, type: ApplicationCommandOptionType.User };
    case 'choice':
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: (spec.choices ?? []).slice(0, MAX_CHOICES).map((choice) => ({ name: choice, value: choice })),
      };
  }
}

/** A command's options, required ones first (Discord refuses a required option after an optional one). */
function slashOptions(definition: CommandDefinition): APIApplicationCommandBasicOption[] {
  return slashOrder(definition).map(slashOption);
}

/** Every command is used inside a server (a market) and installed to servers, never to users. */
const guildOnly = {
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
} satisfies Partial<RESTPostAPIChatInputApplicationCommandsJSONBody>;

/**
 * The slash commands for the catalog: one per command, and one per group with a subcommand each
 * (`/admin grant`). Admin commands are hidden from members without Manage Server by default;
 * the permission is still checked again when a command runs, since a server may change who sees it.
 */
export function buildSlashCommands(commands: readonly AnyCommand[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  // Only what Discord has: `/markets` and `/start` belong to platforms with private-chat markets.
  return commands.filter((command) => availableOn(command, DISCORD_CAPABILITIES)).map((command) => {
    const admin = command.audience === 'admin' ? { default_member_permissions: ADMIN_PERMISSIONS } : {};
    const options = isGroup(command)
      ? command.subcommands.map(
          (sub): APIApplicationCommandSubcommandOption => ({
            type: ApplicationCommandOptionType.Subcommand,
            name: sub.name,
            description: brief(sub.description),
            options: slashOptions(sub),
          }),
        )
      : slashOptions(command);
    return {
      type: ApplicationCommandType.ChatInput,
      name: command.name,
      description: brief(command.description),
      options,
      ...admin,
      ...guildOnly,
    } satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
  });
}
