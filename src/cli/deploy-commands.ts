/**
 * `npm run deploy-commands [-- --guild ID]`: registers the slash commands generated from the
 * command catalog with Discord, over REST only (no gateway login, so it runs beside a live bot).
 * Without `--guild` they are registered globally; with it, in that one server (instant, for
 * trying changes out). Reads DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_API_URL.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApplicationCommandOptionType, REST, Routes, type RESTPutAPIApplicationCommandsResult } from 'discord.js';
import { commands } from '../../commands/index.js';
import { buildSlashCommands } from '../adapters/discord/slash-commands.js';
import { ConfigError, loadConfig, loadDotEnv } from '../config.js';

export interface DeployOptions {
  token: string;
  applicationId: string;
  /** REST base; Discord's own when absent. */
  apiUrl?: string | undefined;
  /** Register in this guild only; globally when absent. */
  guildId?: string | undefined;
}

/** Replaces the application's commands (global, or one guild's) with the catalog's; returns what Discord stored. */
export async function deployCommands(options: DeployOptions): Promise<RESTPutAPIApplicationCommandsResult> {
  const rest = new REST(options.apiUrl ? { api: options.apiUrl } : {}).setToken(options.token);
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  return (await rest.put(route, { body: buildSlashCommands(commands) })) as RESTPutAPIApplicationCommandsResult;
}

async function main(): Promise<number> {
  let values: { guild?: string | undefined };
  try {
    values = parseArgs({ options: { guild: { type: 'string' } }, strict: true }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}. Usage: npm run deploy-commands [-- --guild SERVER_ID]`);
    return 1;
  }
  if (values.guild !== undefined && !/^\d{17,20}$/.test(values.guild)) {
    console.error(`--guild must be a server id (a number like 123456789012345678), not "${values.guild}".`);
    return 1;
  }
  loadDotEnv();
  let discord;
  try {
    discord = loadConfig().discord;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 1;
  }
  if (!discord) {
    console.error('Configuration error: DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set to register slash commands.');
    return 1;
  }
  const registered = await deployCommands({ ...discord, guildId: values.guild });
  const where = values.guild ? `in server ${values.guild}` : 'globally';
  console.log(`Registered ${registered.length} slash commands ${where} for application ${discord.applicationId}:`);
  for (const command of registered) {
    const subcommands = (command.options ?? []).filter((option) => option.type === ApplicationCommandOptionType.Subcommand).map((option) => option.name);
    console.log(`  /${command.name}${subcommands.length ? ` (${subcommands.join(', ')})` : ''}: ${command.description}`);
  }
  return 0;
}

/** True when this file is the script being run, not a module imported by a test. */
function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error('Could not register the slash commands:', error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
