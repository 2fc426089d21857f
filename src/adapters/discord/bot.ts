/**
 * The Discord bot: discord.js interactions in front of the command catalog.
 *
 * A guild is a market (created on first use), and the bot lives on interactions only: slash
 * commands, button presses on offer cards, and autocomplete. It asks for the `Guilds` intent
 * alone (no privileged intents): everything it needs about a member arrives with the interaction.
 * Everything a command says comes from `commands/`; this file only translates interactions and
 * replies. How an interaction is answered within Discord's 3 seconds is explained in answer.ts.
 */
import {
  ApplicationCommandOptionType,
  DiscordAPIError,
  Events,
  MessageFlags,
  RESTJSONErrorCodes,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
} from 'discord.js';
import { executeCommand, executeText, findCommand } from '../../../commands/index.js';
import { isGroup, type CommandDefinition, type CommandResult, type RawValue, type Reply } from '../../../commands/definition.js';
import { messagesFor, type Messages } from '../../../commands/messages/index.js';
import type { TradeCore } from '../../core/trade-core.js';
import type { Logger } from '../../logger.js';
import { planPress, pressedMessage } from '../../../commands/press.js';
import { answer, DEFAULT_DEFER_AFTER_MS } from './answer.js';
import { autocompleteChoices } from './autocomplete.js';
import { createCardEditor, followChange, rememberCard } from './cards.js';
import { createDiscordClient, logClientTrouble, logIn, trackGateway } from './client.js';
import { commandContext } from './command-context.js';
import type { DiscordContext } from './context.js';
import { enterMarket, isServerMember, mentionOf } from './members.js';
import { renderMessage, renderReply } from './render.js';
import { showWaiting } from './waiting.js';

/** Answers Discord no longer takes: the interaction is unknown (expired) or was answered already. */
const GONE_INTERACTION: number[] = [RESTJSONErrorCodes.UnknownInteraction, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged];

export { DEFAULT_DEFER_AFTER_MS } from './answer.js';
export { MAX_RATE_LIMIT_WAIT_MS } from './client.js';
export { DISCORD_CAPABILITIES } from './command-context.js';
export { displayNameOf } from './members.js';

export interface DiscordBotOptions {
  token: string;
  /** The application the slash commands are registered under (checked against the gateway's). */
  applicationId: string;
  /** REST base (`DISCORD_API_URL`), Discord's own when absent. */
  apiUrl?: string | undefined;
  core: TradeCore;
  log: Logger;
  /**
   * Milliseconds a command may run before its answer is deferred; 0 defers every command and
   * button before running it (tests use it to prove the deferred path).
   */
  deferAfterMs?: number;
}

/** A sentence of the adapter's own, only for the member. */
const note = (text: string, tone: Reply['tone'] = 'error'): Reply => ({ text, visibility: 'personal', tone });

/** The member's language, with the admin refusal naming Discord's permission rather than Telegram's "group". */
function messagesOf(locale: string): Messages {
  const t = messagesFor(locale);
  return { ...t, adminOnly: t.discord.adminOnly };
}

/** The catalog command an interaction names, its subcommand's options, and the group it belongs to. */
interface SlashCall {
  definition: CommandDefinition;
  group: { name: string; audience: 'everyone' | 'admin' } | undefined;
  options: readonly CommandInteractionOption[];
}

function readSlashCall(commandName: string, data: readonly CommandInteractionOption[]): SlashCall | undefined {
  const command = findCommand(commandName);
  if (!command) return undefined;
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

export function createDiscordBot(options: DiscordBotOptions) {
  const { core, log } = options;
  const deferAfterMs = options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;
  const client = createDiscordClient(options.apiUrl);
  const cardEditor = createCardEditor(client);
  const bot: DiscordContext = { core, log, client, deferAfterMs, cardEditor };

  async function handleCommand(interaction: ChatInputCommandInteraction, t: Messages, trace: Record<string, unknown>, received: number) {
    if (!interaction.inGuild()) return void (await interaction.reply(renderReply(note(t.discord.guildOnly))));
    const call = readSlashCall(interaction.commandName, interaction.options.data);
    if (!call) return void (await interaction.reply(renderReply(note(t.discord.unknownCommand))));
    const { market, member } = enterMarket(core, interaction);
    Object.assign(trace, { market: market.id, member: member.id });
    const ctx = commandContext(bot, interaction, market, member, t);
    const result = await answer(deferAfterMs, received, () => executeCommand(ctx, call.definition, rawValues(call.options), call.group), {
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

  async function handleButton(interaction: ButtonInteraction, t: Messages, trace: Record<string, unknown>, received: number) {
    // In a server, the server is the market; in a DM, the market the bot recorded with the message.
    const entered = interaction.inGuild() ? enterMarket(core, interaction) : undefined;
    // The custom id is the client's to send: checked strictly, and it never picks the market.
    const plan = await planPress({
      core,
      t,
      payload: interaction.customId,
      message: { platform: 'discord', chatId: interaction.message.channelId, messageId: interaction.message.id },
      chatMarket: entered?.market,
      presserId: interaction.user.id,
      // Asked only for a press in a DM: inside the server, Discord vouches for membership.
      isMember: (market) => isServerMember(client, market, interaction.user.id),
    });
    if (!plan.ok) return void (await interaction.reply(renderReply(note(plan.refusal))));
    const { market } = plan;
    const member = entered?.member ?? core.findMember(market.id, interaction.user.id);
    if (!member) throw new Error('a planned press has no member'); // planPress checked it
    Object.assign(trace, { market: market.id, member: member.id });
    const ctx = commandContext(bot, interaction, market, member, t);
    // A press runs the command as if typed, so the core re-checks everything. The pressed message
    // then shows its own record as it now is (a refused press too: the card shows why) or the page
    // of its list the press asked for, never anything else; what the command says goes to the
    // presser alone. Read once: the answer and the follow-up below show the same thing.
    let shown: { reply: Reply | undefined } | undefined;
    const pressed = (done: CommandResult) => (shown ??= { reply: pressedMessage(core, t, plan, done) }).reply;
    /** The command's answer, for the presser alone, unless the pressed message now shows it (a page). */
    const tell = async (done: CommandResult) => {
      if (pressed(done) !== done.reply) rememberCard(core, done.reply, await interaction.followUp(renderReply(done.reply, true)), market);
    };
    const result = await answer(deferAfterMs, received, () => executeText(ctx, plan.call.command, plan.call.args.join(' ')), {
      async direct(done) {
        const reply = pressed(done);
        if (!reply) {
          const response = await interaction.reply({ ...renderReply(done.reply, true), withResponse: true });
          return rememberCard(core, done.reply, response.resource?.message, market);
        }
        await interaction.update(renderMessage(reply));
        return tell(done);
      },
      defer: () => interaction.deferUpdate(),
      async late(done) {
        const reply = pressed(done);
        if (reply) await interaction.editReply(renderMessage(reply));
        return tell(done);
      },
    });
    const edited = pressed(result);
    await followChange(bot, result.card, edited && edited !== result.reply ? interaction.message : undefined);
    if (member.unreachableSince !== null) await showWaiting(core, interaction, t);
    log.debug({ ...trace, offer: result.card?.offerId, button: interaction.customId, tone: result.reply.tone }, 'button handled');
  }

  async function handleAutocomplete(interaction: AutocompleteInteraction, t: Messages) {
    const focused = interaction.options.getFocused(true);
    const call = readSlashCall(interaction.commandName, interaction.options.data);
    const source = call?.definition.options[focused.name]?.spec.autocomplete;
    if (!source || !interaction.inGuild()) return void (await interaction.respond([]));
    // Read-only: typing must not create markets or members.
    const market = core.findMarket('discord', interaction.guildId);
    const member = market && core.findMember(market.id, interaction.user.id);
    await interaction.respond(autocompleteChoices({ core, t, market, member }, source, String(focused.value)));
  }

  /** Tells the member that something failed, in whatever way the interaction still allows. */
  async function tellFailure(interaction: Interaction, t: Messages) {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
      return;
    }
    if (!interaction.isRepliable()) return;
    const sorry = note(t.internalError);
    if (interaction.isChatInputCommand() && interaction.deferred && !interaction.replied) await interaction.editReply(renderMessage(sorry));
    else if (interaction.deferred || interaction.replied) await interaction.followUp(renderReply(sorry, true));
    else await interaction.reply(renderReply(sorry, true));
  }

  /** The one error boundary: never rejects, so no interaction can become an unhandled rejection. */
  async function handleInteraction(interaction: Interaction): Promise<void> {
    const received = Date.now();
    const t = messagesOf(interaction.locale);
    const trace: Record<string, unknown> = { interaction: interaction.id, guild: interaction.guildId, user: interaction.user.id };
    try {
      if (interaction.isChatInputCommand()) await handleCommand(interaction, t, trace, received);
      else if (interaction.isButton()) await handleButton(interaction, t, trace, received);
      else if (interaction.isAutocomplete()) await handleAutocomplete(interaction, t);
    } catch (error) {
      if (error instanceof DiscordAPIError && GONE_INTERACTION.includes(Number(error.code))) {
        // Answered already (delivered twice) or past its 15 minutes: nothing can be said through it.
        return void log.debug({ ...trace, code: error.code }, 'interaction can no longer be answered');
      }
      const what = interaction.isCommand() || interaction.isAutocomplete() ? { command: interaction.commandName } : interaction.isButton() ? { button: interaction.customId } : {};
      log.error({ err: error, ...trace, ...what }, 'discord interaction failed');
      try {
        await tellFailure(interaction, t);
      } catch (replyError) {
        log.warn({ err: replyError, ...trace }, 'could not tell the member about the failure');
      }
    }
  }

  const inFlight = new Set<Promise<void>>();
  const onInteraction = (interaction: Interaction) => {
    const handling = handleInteraction(interaction);
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  };
  client.on(Events.InteractionCreate, onInteraction);
  const gatewayUp = trackGateway(client);
  logClientTrouble(client, log);

  return {
    client,

    /** Logs in to the gateway; resolves once the client is ready (its guilds known). */
    start: (): Promise<void> => logIn(client, options, log),

    /** Whether the gateway session is up, for the heartbeat. */
    isRunning: () => client.isReady() && gatewayUp(),

    /** Card edits, for the card job. */
    cardEditor,

    /** Stops taking interactions, finishes the ones in hand, then disconnects. */
    async stop(): Promise<void> {
      client.off(Events.InteractionCreate, onInteraction);
      await Promise.allSettled([...inFlight]);
      await client.destroy();
    },

    /**
     * Sends `reply` to a member in a direct message, buttons included (the delivery records the
     * message with its market, so a press there acts on that market); any failure is thrown as
     * discord.js raised it, for the outbox delivery to classify.
     */
    async sendDirectMessage(platformUserId: string, reply: Reply): Promise<{ id: string; channelId: string }> {
      const sent = await client.users.send(platformUserId, renderMessage(reply));
      return { id: sent.id, channelId: sent.channelId };
    },
  };
}

export type DiscordBot = ReturnType<typeof createDiscordBot>;
