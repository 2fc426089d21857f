/**
 * The discord.js client the bot runs on: how it is built (the `Guilds` intent alone, REST limits
 * that keep every request inside the outbox lease, no pings), how it logs in, and whether its
 * gateway session is up, which discord.js itself does not say truthfully.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Logger } from '../../logger.js';

/** The longest rate-limit wait a request sits out; a longer one fails, for its caller to retry. */
export const MAX_RATE_LIMIT_WAIT_MS = 5_000;

/** A client for Discord's REST API at `apiUrl` (Discord's own when absent) and its gateway. */
export function createDiscordClient(apiUrl: string | undefined): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: {
      ...(apiUrl ? { api: apiUrl } : {}),
      // Every request must end well inside the outbox's 30 s lease, or another process could send
      // the same direct message: discord.js would otherwise wait out any rate limit and retry a
      // timeout or 5xx three times. A long limit is thrown (a RateLimitError) and the outbox
      // retries after it; a first DM is two requests, so at worst 2 × (8 s + 5 s).
      rejectOnRateLimit: (limit) => limit.retryAfter > MAX_RATE_LIMIT_WAIT_MS,
      timeout: 8_000,
      retries: 0,
    },
    allowedMentions: { parse: [] },
  });
}

/** Follows the gateway session; the answer is whether it is up now, for the heartbeat. */
export function trackGateway(client: Client): () => boolean {
  // discord.js keeps its "ready" state through a gateway outage; the shard events tell the truth.
  let gatewayUp = false;
  client.on(Events.ShardReady, () => (gatewayUp = true));
  client.on(Events.ShardResume, () => (gatewayUp = true));
  client.on(Events.ShardDisconnect, () => (gatewayUp = false));
  client.on(Events.ShardReconnecting, () => (gatewayUp = false));
  return () => gatewayUp;
}

/** Logs what the client reports about itself. */
export function logClientTrouble(client: Client, log: Logger): void {
  // Without an `error` listener, an error the client emits would end the process.
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord client warning'));
}

/** Logs in to the gateway; resolves once the client is ready (its guilds known). */
export async function logIn(client: Client, account: { token: string; applicationId: string }, log: Logger): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(account.token);
  await ready;
  const applicationId = client.application?.id;
  if (applicationId && applicationId !== account.applicationId) {
    log.warn({ configured: account.applicationId, actual: applicationId }, 'DISCORD_APPLICATION_ID is not the application of DISCORD_TOKEN; slash commands may be registered elsewhere');
  }
  log.info({ bot: client.user?.tag, guilds: client.guilds.cache.size }, 'discord bot ready');
}
