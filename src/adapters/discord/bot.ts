/**
 * The Discord bot: discord.js interactions in front of the command catalog.
 *
 * A guild is a market (created on first use), and the bot lives on interactions only: slash
 * commands (commands.ts), button presses on offer cards (buttons.ts), and autocomplete
 * (autocomplete.ts). It asks for the `Guilds` intent alone (no privileged intents): everything it
 * needs about a member arrives with the interaction. Everything a command says comes from
 * `commands/`; this adapter only translates interactions and replies. How an interaction is
 * answered within Discord's 3 seconds is explained in answer.ts.
 *
 * This file only wires the parts together: it builds the client and the {@link DiscordContext}
 * the handlers share, passes every interaction through the one error boundary, and keeps the
 * interactions in hand so that `stop` can let them finish.
 */
import { DiscordAPIError, Events, RESTJSONErrorCodes, type Interaction } from 'discord.js';
import type { Reply } from '../../../commands/definition.js';
import type { Messages } from '../../../commands/messages/index.js';
import type { TradeCore } from '../../core/trade-core.js';
import type { Logger } from '../../logger.js';
import { DEFAULT_DEFER_AFTER_MS } from './answer.js';
import { handleAutocomplete } from './autocomplete.js';
import { handleButton } from './buttons.js';
import { createCardEditor } from './cards.js';
import { createDiscordClient, logClientTrouble, logIn, trackGateway } from './client.js';
import { handleCommand } from './commands.js';
import type { DiscordContext } from './context.js';
import { messagesOf, note } from './own-words.js';
import { renderMessage, renderReply } from './render.js';

export { DEFAULT_DEFER_AFTER_MS } from './answer.js';
export { MAX_RATE_LIMIT_WAIT_MS } from './client.js';
export { DISCORD_CAPABILITIES } from './command-context.js';
export { displayNameOf } from './members.js';

/** Answers Discord no longer takes: the interaction is unknown (expired) or was answered already. */
const GONE_INTERACTION: number[] = [RESTJSONErrorCodes.UnknownInteraction, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged];

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
async function handleInteraction(bot: DiscordContext, interaction: Interaction): Promise<void> {
  const { log } = bot;
  const received = Date.now();
  const t = messagesOf(interaction.locale);
  const trace: Record<string, unknown> = { interaction: interaction.id, guild: interaction.guildId, user: interaction.user.id };
  try {
    if (interaction.isChatInputCommand()) await handleCommand(bot, interaction, t, trace, received);
    else if (interaction.isButton()) await handleButton(bot, interaction, t, trace, received);
    else if (interaction.isAutocomplete()) await handleAutocomplete(bot, interaction, t);
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

export function createDiscordBot(options: DiscordBotOptions) {
  const { core, log } = options;
  const client = createDiscordClient(options.apiUrl);
  const cardEditor = createCardEditor(client);
  const bot: DiscordContext = { core, log, client, deferAfterMs: options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS, cardEditor };

  const inFlight = new Set<Promise<void>>();
  const onInteraction = (interaction: Interaction) => {
    const handling = handleInteraction(bot, interaction);
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

    /**
     * Posts `reply` in a channel of a server (where a command was used); null when the channel
     * takes no messages (not a text channel); failures are thrown as discord.js raised them.
     */
    async sendToChannel(channelId: string, reply: Reply): Promise<{ id: string; channelId: string } | null> {
      const channel = await client.channels.fetch(channelId);
      if (!channel?.isSendable()) return null;
      const sent = await channel.send(renderMessage(reply));
      return { id: sent.id, channelId: sent.channelId };
    },
  };
}

export type DiscordBot = ReturnType<typeof createDiscordBot>;
