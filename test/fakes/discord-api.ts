/**
 * A small fake Discord for end-to-end tests: REST (`/api/v10/...`) and the gateway WebSocket on one
 * loopback `http.Server`. The real discord.js `Client` and `REST` talk to it:
 *
 * ```ts
 * const fake = await startFakeDiscord();
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.api } });
 * await client.login(fake.token);
 * const { interactionId } = await fake.slashCommand({ user, name: 'offer' });
 * await fake.waitForResponse(interactionId);
 * await client.destroy();
 * await fake.close();
 * ```
 *
 * See /work/shared/TESTING-NOTES.md ("discord.js and a fake Discord") for the facts it relies on.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

// ---------------------------------------------------------------------------------------------
// Public types

/** Loose JSON object, as Discord sends and receives them. */
export type Json = Record<string, unknown>;

/** A Discord user as the fake knows it. */
export interface FakeUserInput {
  id: string;
  username: string;
  global_name?: string | null;
}

/** A message object as the fake returns it (the full API shape discord.js needs; extra fields allowed). */
export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: Json;
  content: string;
  embeds: unknown[];
  components: unknown[];
  flags: number;
  type: number;
  timestamp: string;
  edited_timestamp: string | null;
  [key: string]: unknown;
}

/** One REST request the fake received. `path` is decoded and relative to `/api/v10` (no query). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Files of a multipart request (the JSON part is in `body`), with their contents as UTF-8 text. */
  files: Array<{ name: string; filename: string; size: number; text: string }>;
  /** The status the fake answered with (0 while the answer is being produced). */
  status: number;
  at: number;
}

/** Something the bot answered to an interaction, in order of arrival. */
export type InteractionResponse =
  | { kind: 'callback'; type: number; data: Json | null; at: number }
  | { kind: 'edit'; messageId: string; data: Json; message: FakeMessage; at: number }
  | { kind: 'followUp'; data: Json; message: FakeMessage; at: number }
  | { kind: 'delete'; messageId: string; at: number };

/** Who triggers an interaction and where. `guildId` omitted: the first configured guild; `null`: a DM. */
export interface InteractionTarget {
  guildId?: string | null;
  user: FakeUserInput;
  /** Member permissions (guild only). Default {@link PERMISSIONS.member}. */
  permissions?: string;
  /** When the member joined the guild, ISO 8601 (guild only). Default 2024-01-01. */
  joinedAt?: string;
}

/** One command option (APIApplicationCommandInteractionDataOption shape). */
export interface CommandOptionInput {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: CommandOptionInput[];
}

export interface SlashCommandInput extends InteractionTarget {
  name: string;
  options?: CommandOptionInput[];
  /** When set, `options` are wrapped in `{ type: 1, name: subcommand, options }`. */
  subcommand?: string;
  /** Passed through as `data.resolved` (for user/channel/role options). */
  resolved?: Json;
}

export interface AutocompleteInput extends SlashCommandInput {
  options: CommandOptionInput[];
}

export interface ButtonInput extends InteractionTarget {
  customId: string;
  /** A message object previously returned by the fake (e.g. the @original of an earlier interaction). */
  message: FakeMessage;
}

/** An injected failure for the next matching REST requests. */
export interface FailureResponse {
  status: number;
  body?: object;
  headers?: Record<string, string>;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  /** The id of the guild's one text channel ("general"). */
  channelId: string;
}

export interface FakeDiscordOptions {
  applicationId?: string;
  botUsername?: string;
  /** Default: one guild `{ id: '100000000000000001', name: 'Test Guild' }`. */
  guilds?: Array<{ id: string; name: string }>;
}

export interface FakeDiscord {
  /** REST base for `new Client({ rest: { api } })` / `new REST({ api })`. */
  readonly api: string;
  /** The one bot token REST and the gateway accept. */
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: Json & { id: string; username: string };
  readonly guilds: readonly FakeGuild[];
  /** Every REST request, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Every interaction callback, in order. */
  readonly callbacks: ReadonlyArray<{ interactionId: string; type: number; data: Json | null }>;

  /** Resolves with the first request (past or future) matching `predicate`. */
  waitForRequest(predicate: (req: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Resolves once a gateway client has identified (READY sent). */
  connected(): Promise<void>;

  /** Dispatches a raw `INTERACTION_CREATE` (sent as is) to the connected gateway client. */
  dispatchInteraction(payload: Json): void;
  /** Dispatches an `INTERACTION_CREATE` filled in around `payload` (`type` and `data` at least). */
  interact(payload: Json & { type: number }, target: InteractionTarget): { interactionId: string; token: string };
  slashCommand(input: SlashCommandInput): { interactionId: string; token: string };
  pressButton(input: ButtonInput): { interactionId: string; token: string };
  autocomplete(input: AutocompleteInput): { interactionId: string; token: string };

  /** Everything the bot answered to that interaction, in order. */
  responses(interactionId: string): InteractionResponse[];
  /** Resolves with the first response (past or future) to that interaction matching `predicate`. */
  waitForResponse(
    interactionId: string,
    predicate?: (r: InteractionResponse) => boolean,
    timeoutMs?: number,
  ): Promise<InteractionResponse>;
  /** The current @original message of that interaction, if there is one. */
  original(interactionId: string): FakeMessage | undefined;

  /** Messages sent to the user's DM channel. */
  dms(userId: string): FakeMessage[];
  /** Messages sent to a (guild or DM) channel. */
  channelMessages(channelId: string): FakeMessage[];
  /** From now on this user is not a member of the guild (GET its member answers 404 / 10007); `false` undoes it. */
  leaveGuild(guildId: string, userId: string, left?: boolean): void;
  /** From now on sending to this user's DM channel answers 403 / 50007 (pass `false` to undo). */
  refuseDMs(userId: string, refuse?: boolean): void;

  /** Commands stored by `PUT .../commands`; global without `guildId`. */
  registeredCommands(guildId?: string): Json[];

  /** The next `times` requests matching `match` get `response` instead of being handled. */
  failNext(match: { method: string; pathIncludes: string }, times: number, response: FailureResponse): void;

  /** Terminates gateway clients and the server. Destroy the discord.js client first. */
  close(): Promise<void>;
}

/** Permission strings for `member.permissions`. */
export const PERMISSIONS = (() => {
  const ADMINISTRATOR = 1n << 3n;
  const MANAGE_GUILD = 1n << 5n;
  const member = 1071698660929n & ~ADMINISTRATOR & ~MANAGE_GUILD;
  return {
    member: member.toString(),
    admin: (member | ADMINISTRATOR | MANAGE_GUILD).toString(),
  } as const;
})();

// ---------------------------------------------------------------------------------------------
// Implementation

const DISCORD_EPOCH = 1420070400000n;
const HEARTBEAT_INTERVAL = 45_000;
const MESSAGE_FLAG_EPHEMERAL = 64;
const MESSAGE_FLAG_LOADING = 128;
const INTERACTION_WINDOW_MS = 3_000;

interface InteractionState {
  id: string;
  token: string;
  type: number;
  guildId: string | null;
  channelId: string;
  user: Json;
  commandName: string | null;
  acknowledged: boolean;
  /** When the interaction was dispatched: Discord refuses a first response after 3 s. */
  dispatchedAt: number;
  original: FakeMessage | undefined;
  followUps: Map<string, FakeMessage>;
  responses: InteractionResponse[];
}

interface Waiter<T> {
  predicate: (value: T) => boolean;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Failure {
  method: string;
  pathIncludes: string;
  remaining: number;
  response: FailureResponse;
}

class HttpError {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {}
}

const notFound = (message: string, code: number): HttpError => new HttpError(404, { message, code });

/** Starts a fake Discord on 127.0.0.1 (random port). */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  let counter = 0n;
  const base = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
  const snowflake = (): string => (base + ++counter).toString();

  const applicationId = options.applicationId ?? '900000000000000001';
  const botUser = {
    id: applicationId,
    username: options.botUsername ?? 'Trading Post',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
    verified: true,
    mfa_enabled: false,
    flags: 0,
  };
  const token = `${Buffer.from(applicationId).toString('base64')}.FAKE.${randomBytes(16).toString('hex')}`;
  const ownerId = '900000000000000002';

  const guilds: FakeGuild[] = (options.guilds ?? [{ id: '100000000000000001', name: 'Test Guild' }]).map((g) => ({
    id: g.id,
    name: g.name,
    ownerId,
    channelId: snowflake(),
  }));

  // --- state
  const requests: RecordedRequest[] = [];
  const requestWaiters = new Set<Waiter<RecordedRequest>>();
  const callbacks: Array<{ interactionId: string; type: number; data: Json | null }> = [];
  const interactions = new Map<string, InteractionState>();
  const interactionsByToken = new Map<string, InteractionState>();
  const responseWaiters = new Map<string, Set<Waiter<InteractionResponse>>>();
  const users = new Map<string, Json>([[botUser.id, botUser]]);
  /** `guild:user` pairs of members who left their guild. */
  const departed = new Set<string>();
  const dmChannelByUser = new Map<string, string>();
  const userByDmChannel = new Map<string, string>();
  const refused = new Set<string>();
  const messagesByChannel = new Map<string, FakeMessage[]>();
  const failures: Failure[] = [];
  const commands = new Map<string, Json[]>(); // key: '' (global) or guild id
  const commandIdsByName = new Map<string, string>();

  const now = (): string => new Date().toISOString();

  const rememberUser = (u: FakeUserInput): Json => {
    const full: Json = {
      id: u.id,
      username: u.username,
      discriminator: '0',
      global_name: u.global_name ?? null,
      avatar: null,
      bot: false,
      flags: 0,
      public_flags: 0,
    };
    users.set(u.id, full);
    return full;
  };

  const userObject = (id: string): Json =>
    users.get(id) ?? {
      id,
      username: `user${id}`,
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: false,
      flags: 0,
      public_flags: 0,
    };

  const guildChannelObject = (g: FakeGuild): Json => ({
    id: g.channelId,
    type: 0,
    guild_id: g.id,
    name: 'general',
    position: 0,
    permission_overwrites: [],
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    flags: 0,
  });

  const dmChannelFor = (userId: string): Json => {
    let id = dmChannelByUser.get(userId);
    if (id === undefined) {
      id = snowflake();
      dmChannelByUser.set(userId, id);
      userByDmChannel.set(id, userId);
    }
    return { id, type: 1, last_message_id: null, flags: 0, recipients: [userObject(userId)] };
  };

  const channelObject = (channelId: string): Json | undefined => {
    const g = guilds.find((x) => x.channelId === channelId);
    if (g) return guildChannelObject(g);
    const userId = userByDmChannel.get(channelId);
    return userId === undefined ? undefined : dmChannelFor(userId);
  };

  const guildOf = (guildId: string): FakeGuild => {
    const g = guilds.find((x) => x.id === guildId);
    if (!g) throw new Error(`fake discord: unknown guild ${guildId} (configured: ${guilds.map((x) => x.id).join(', ')})`);
    return g;
  };

  const memberObject = (user: Json, permissions: string, roles: string[] = [], joinedAt = '2024-01-01T00:00:00.000Z'): Json => ({
    user,
    roles,
    permissions,
    joined_at: joinedAt,
    premium_since: null,
    nick: null,
    avatar: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  });

  const guildCreatePayload = (g: FakeGuild): Json => ({
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: g.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      {
        id: g.id,
        name: '@everyone',
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: PERMISSIONS.member,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: g.channelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_members: 500000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    nsfw: false,
    joined_at: '2024-01-01T00:00:00.000Z',
    large: false,
    unavailable: false,
    lazy: true,
    member_count: 2,
    members: [memberObject(botUser, PERMISSIONS.member)],
    channels: [guildChannelObject(g)],
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  });

  const makeMessage = (init: {
    channelId: string;
    guildId?: string | null | undefined;
    data: Json;
    type: number;
    flags?: number;
    interaction?: InteractionState;
  }): FakeMessage => {
    const msg: FakeMessage = {
      id: snowflake(),
      channel_id: init.channelId,
      author: botUser,
      content: typeof init.data['content'] === 'string' ? init.data['content'] : '',
      embeds: Array.isArray(init.data['embeds']) ? init.data['embeds'] : [],
      components: Array.isArray(init.data['components']) ? init.data['components'] : [],
      flags: init.flags ?? (typeof init.data['flags'] === 'number' ? init.data['flags'] : 0),
      type: init.type,
      timestamp: now(),
      edited_timestamp: null,
      tts: init.data['tts'] === true,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      pinned: false,
    };
    if (init.guildId) msg.guild_id = init.guildId;
    if (init.interaction) {
      msg['webhook_id'] = applicationId;
      msg['application_id'] = applicationId;
      msg['interaction_metadata'] = {
        id: init.interaction.id,
        type: init.interaction.type,
        user: init.interaction.user,
        authorizing_integration_owners: { '0': init.interaction.guildId ?? '0' },
        ...(init.interaction.commandName === null ? {} : { name: init.interaction.commandName }),
      };
    }
    return msg;
  };

  /** Applies an edit body to a message (returns a new object; the id stays). */
  const editMessage = (msg: FakeMessage, data: Json): FakeMessage => {
    const next: FakeMessage = { ...msg, edited_timestamp: now() };
    if ('content' in data) next.content = typeof data['content'] === 'string' ? data['content'] : '';
    if ('embeds' in data) next.embeds = Array.isArray(data['embeds']) ? data['embeds'] : [];
    if ('components' in data) next.components = Array.isArray(data['components']) ? data['components'] : [];
    if ('attachments' in data) next['attachments'] = [];
    let flags = msg.flags & ~MESSAGE_FLAG_LOADING;
    if (typeof data['flags'] === 'number') flags = (data['flags'] & ~MESSAGE_FLAG_EPHEMERAL) | (msg.flags & MESSAGE_FLAG_EPHEMERAL);
    next.flags = flags;
    return next;
  };

  const storeChannelMessage = (msg: FakeMessage): void => {
    const list = messagesByChannel.get(msg.channel_id) ?? [];
    const i = list.findIndex((m) => m.id === msg.id);
    if (i >= 0) list[i] = msg;
    else list.push(msg);
    messagesByChannel.set(msg.channel_id, list);
  };

  // --- waiters
  const describeRecent = (): string =>
    requests
      .slice(-15)
      .map((r) => `  ${r.method} ${r.path} -> ${r.status}`)
      .join('\n') || '  (none)';

  const addWaiter = <T>(
    set: Set<Waiter<T>>,
    predicate: (v: T) => boolean,
    timeoutMs: number,
    describe: () => string,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          set.delete(waiter);
          reject(new Error(describe()));
        }, timeoutMs),
      };
      set.add(waiter);
    });

  const notify = <T>(set: Set<Waiter<T>> | undefined, value: T): void => {
    if (!set) return;
    for (const w of set) {
      if (w.predicate(value)) {
        clearTimeout(w.timer);
        set.delete(w);
        w.resolve(value);
      }
    }
  };

  const addResponse = (state: InteractionState, r: InteractionResponse): void => {
    state.responses.push(r);
    notify(responseWaiters.get(state.id), r);
  };

  // --- gateway
  interface Session {
    ws: WebSocket;
    seq: number;
    identified: boolean;
  }
  const sessions = new Set<Session>();
  let resolveConnected!: () => void;
  const connectedPromise = new Promise<void>((resolve) => {
    resolveConnected = resolve;
  });

  const wss = new WebSocketServer({ noServer: true });
  const dispatch = (s: Session, t: string, d: unknown): void => {
    s.seq += 1;
    s.ws.send(JSON.stringify({ op: 0, t, s: s.seq, d }));
  };

  wss.on('connection', (ws) => {
    const session: Session = { ws, seq: 0, identified: false };
    sessions.add(session);
    ws.on('close', () => sessions.delete(session));
    ws.on('error', () => sessions.delete(session));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: HEARTBEAT_INTERVAL }, s: null, t: null }));
    ws.on('message', (raw) => {
      let msg: { op?: number; d?: unknown };
      try {
        msg = JSON.parse(String(raw)) as { op?: number; d?: unknown };
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      switch (msg.op) {
        case 1: // heartbeat
          ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
          break;
        case 2: {
          // identify
          const d = (msg.d ?? {}) as { token?: string };
          if (d.token !== token && d.token !== `Bot ${token}`) {
            ws.close(4004, 'Authentication failed.');
            return;
          }
          session.identified = true;
          dispatch(session, 'READY', {
            v: 10,
            user: botUser,
            user_settings: {},
            private_channels: [],
            presences: [],
            relationships: [],
            guild_join_requests: [],
            guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
            session_id: randomBytes(16).toString('hex'),
            session_type: 'normal',
            resume_gateway_url: `ws://127.0.0.1:${port}`,
            shard: [0, 1],
            application: { id: applicationId, flags: 0 },
          });
          for (const g of guilds) dispatch(session, 'GUILD_CREATE', guildCreatePayload(g));
          resolveConnected();
          break;
        }
        case 6: // resume: not supported, ask for a fresh identify
          ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
          break;
        default: // presence updates, member requests...: ignored
          break;
      }
    });
  });

  const dispatchInteraction = (payload: Json): void => {
    const session = [...sessions].reverse().find((s) => s.identified && s.ws.readyState === WebSocket.OPEN);
    if (!session) throw new Error('fake discord: no identified gateway client to send INTERACTION_CREATE to');
    dispatch(session, 'INTERACTION_CREATE', payload);
  };

  const interact = (
    payload: Json & { type: number },
    target: InteractionTarget,
    extra: { commandName?: string; original?: FakeMessage } = {},
  ): { interactionId: string; token: string } => {
    const guildId = target.guildId === undefined ? (guilds[0]?.id ?? null) : target.guildId;
    const user = rememberUser(target.user);
    const id = snowflake();
    const interactionToken = `aW50ZXJhY3Rpb24.${id}.${randomBytes(24).toString('hex')}`;
    let channel: Json;
    let where: Json;
    if (guildId !== null) {
      const g = guildOf(guildId);
      channel = guildChannelObject(g);
      where = {
        guild_id: g.id,
        guild_locale: 'en-US',
        guild: { id: g.id, locale: 'en-US', features: [] },
        member: memberObject(user, target.permissions ?? PERMISSIONS.member, [], target.joinedAt),
        authorizing_integration_owners: { '0': g.id },
        context: 0,
      };
    } else {
      channel = dmChannelFor(target.user.id);
      where = { user, authorizing_integration_owners: { '0': '0' }, context: 1 };
    }
    const state: InteractionState = {
      id,
      token: interactionToken,
      type: payload.type,
      guildId,
      channelId: String(channel['id']),
      user,
      commandName: extra.commandName ?? null,
      acknowledged: false,
      dispatchedAt: Date.now(),
      original: extra.original,
      followUps: new Map(),
      responses: [],
    };
    interactions.set(id, state);
    interactionsByToken.set(interactionToken, state);
    dispatchInteraction({
      id,
      application_id: applicationId,
      token: interactionToken,
      version: 1,
      locale: 'en-US',
      app_permissions: PERMISSIONS.admin,
      entitlements: [],
      attachment_size_limit: 10 * 1024 * 1024,
      channel,
      channel_id: channel['id'],
      ...where,
      ...payload,
    });
    return { interactionId: id, token: interactionToken };
  };

  const commandId = (name: string): string => {
    let id = commandIdsByName.get(name);
    if (id === undefined) {
      id = snowflake();
      commandIdsByName.set(name, id);
    }
    return id;
  };

  const commandData = (input: SlashCommandInput, guildId: string | null): Json => {
    const options = input.subcommand === undefined
      ? (input.options ?? [])
      : [{ type: 1, name: input.subcommand, options: input.options ?? [] }];
    return {
      id: commandId(input.name),
      name: input.name,
      type: 1,
      options,
      ...(guildId !== null && commands.get(guildId)?.some((c) => c['name'] === input.name) ? { guild_id: guildId } : {}),
      ...(input.resolved === undefined ? {} : { resolved: input.resolved }),
    };
  };

  const resolveGuildId = (t: InteractionTarget): string | null =>
    t.guildId === undefined ? (guilds[0]?.id ?? null) : t.guildId;

  // --- REST
  const readBody = (req: http.IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  const parseBody = (raw: Buffer, contentType: string): { body: unknown; files: RecordedRequest['files'] } => {
    const files: RecordedRequest['files'] = [];
    if (raw.length === 0) return { body: null, files };
    const boundary = /multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
    if (boundary) {
      let body: unknown = null;
      const text = raw.toString('latin1');
      for (const part of text.split(`--${boundary[1] ?? boundary[2] ?? ''}`)) {
        const sep = part.indexOf('\r\n\r\n');
        if (sep < 0) continue;
        const head = part.slice(0, sep);
        const content = part.slice(sep + 4).replace(/\r\n$/, '');
        const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
        const filename = /filename="([^"]*)"/i.exec(head)?.[1];
        if (filename !== undefined) files.push({ name, filename, size: Buffer.byteLength(content, 'latin1'), text: Buffer.from(content, 'latin1').toString('utf8') });
        else if (name === 'payload_json') body = JSON.parse(Buffer.from(content, 'latin1').toString('utf8'));
      }
      return { body, files };
    }
    const text = raw.toString('utf8');
    try {
      return { body: JSON.parse(text), files };
    } catch {
      return { body: text, files };
    }
  };

  const asObject = (body: unknown): Json =>
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Json) : {};

  type Handler = (ctx: {
    params: string[];
    body: unknown;
    query: Record<string, string>;
  }) => { status: number; body?: unknown };

  interface Route {
    method: string;
    pattern: RegExp;
    /** Webhook and interaction routes are authorised by the interaction token, not the bot token. */
    public?: boolean;
    handle: Handler;
  }

  const ok = (body: unknown): { status: number; body: unknown } => ({ status: 200, body });
  const noContent = { status: 204 } as const;

  const interactionByToken = (app: string, tok: string): InteractionState => {
    const state = app === applicationId ? interactionsByToken.get(tok) : undefined;
    if (!state) throw notFound('Unknown Webhook', 10015);
    return state;
  };

  const webhookMessage = (state: InteractionState, messageId: string): FakeMessage => {
    const isOriginal = messageId === '@original' || state.original?.id === messageId;
    const msg = isOriginal ? state.original : state.followUps.get(messageId);
    if (!msg) throw notFound('Unknown Message', 10008);
    return msg;
  };

  const setWebhookMessage = (state: InteractionState, messageId: string, msg: FakeMessage): void => {
    if (messageId === '@original' || state.original?.id === messageId) state.original = msg;
    else state.followUps.set(messageId, msg);
    storeChannelMessage(msg);
  };

  const requireApp = (app: string): void => {
    if (app !== applicationId) throw notFound('Unknown Application', 10002);
  };

  const storeCommands = (key: string, body: unknown, guildId: string | null): Json[] => {
    if (!Array.isArray(body)) throw new HttpError(400, { message: 'Invalid Form Body', code: 50035 });
    const stored = body.map((raw) => {
      const c = asObject(raw);
      const name = String(c['name'] ?? '');
      const previous = commands.get(key)?.find((x) => x['name'] === name);
      const id = previous?.['id'] ?? (typeof c['id'] === 'string' ? c['id'] : snowflake());
      commandIdsByName.set(name, String(id));
      return {
        type: 1,
        description: '',
        options: [],
        default_member_permissions: null,
        nsfw: false,
        contexts: null,
        integration_types: [0],
        ...c,
        id,
        application_id: applicationId,
        version: snowflake(),
        ...(guildId === null ? {} : { guild_id: guildId }),
      } satisfies Json;
    });
    commands.set(key, stored);
    return stored;
  };

  const sendChannelMessage = (channelId: string, body: unknown): FakeMessage => {
    const channel = channelObject(channelId);
    if (!channel) throw notFound('Unknown Channel', 10003);
    const dmUser = userByDmChannel.get(channelId);
    if (dmUser !== undefined && refused.has(dmUser)) {
      throw new HttpError(403, { message: 'Cannot send messages to this user', code: 50007 });
    }
    const guildId = typeof channel['guild_id'] === 'string' ? channel['guild_id'] : null;
    const msg = makeMessage({ channelId, guildId, data: asObject(body), type: 0 });
    storeChannelMessage(msg);
    return msg;
  };

  const channelMessage = (channelId: string, messageId: string): FakeMessage => {
    const msg = messagesByChannel.get(channelId)?.find((m) => m.id === messageId);
    if (!msg) throw notFound('Unknown Message', 10008);
    return msg;
  };

  const S = '([^/]+)';
  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/gateway\/bot$/,
      handle: () =>
        ok({
          url: `ws://127.0.0.1:${port}`,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
        }),
    },
    { method: 'GET', pattern: /^\/gateway$/, public: true, handle: () => ok({ url: `ws://127.0.0.1:${port}` }) },
    { method: 'GET', pattern: /^\/users\/@me$/, handle: () => ok(botUser) },
    {
      method: 'GET',
      pattern: new RegExp(`^/users/${S}$`),
      handle: ({ params: [id = ''] }) => {
        if (!/^\d+$/.test(id)) throw notFound('Unknown User', 10013);
        return ok(userObject(id));
      },
    },
    {
      method: 'GET',
      pattern: /^\/applications\/@me$/,
      handle: () =>
        ok({
          id: applicationId,
          name: botUser.username,
          icon: null,
          description: '',
          summary: '',
          type: null,
          bot_public: true,
          bot_require_code_grant: false,
          verify_key: '0'.repeat(64),
          flags: 0,
          team: null,
          owner: userObject(ownerId),
          bot: botUser,
          approximate_guild_count: guilds.length,
        }),
    },
    {
      method: 'POST',
      pattern: /^\/users\/@me\/channels$/,
      handle: ({ body }) => {
        const recipient = asObject(body)['recipient_id'];
        if (typeof recipient !== 'string') throw new HttpError(400, { message: 'Invalid Form Body', code: 50035 });
        return ok(dmChannelFor(recipient));
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/channels/${S}$`),
      handle: ({ params: [id = ''] }) => {
        const channel = channelObject(id);
        if (!channel) throw notFound('Unknown Channel', 10003);
        return ok(channel);
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/channels/${S}/messages$`),
      handle: ({ params: [channelId = ''], body }) => ok(sendChannelMessage(channelId, body)),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/channels/${S}/messages/${S}$`),
      handle: ({ params: [c = '', m = ''] }) => ok(channelMessage(c, m)),
    },
    {
      method: 'PATCH',
      pattern: new RegExp(`^/channels/${S}/messages/${S}$`),
      handle: ({ params: [c = '', m = ''], body }) => {
        const msg = editMessage(channelMessage(c, m), asObject(body));
        storeChannelMessage(msg);
        return ok(msg);
      },
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/channels/${S}/messages/${S}$`),
      handle: ({ params: [c = '', m = ''] }) => {
        channelMessage(c, m);
        messagesByChannel.set(c, (messagesByChannel.get(c) ?? []).filter((x) => x.id !== m));
        return noContent;
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/interactions/${S}/${S}/callback$`),
      public: true,
      handle: ({ params: [id = '', tok = ''], body, query }) => {
        const state = interactions.get(id);
        if (!state || state.token !== tok) throw notFound('Unknown interaction', 10062);
        if (state.acknowledged) {
          throw new HttpError(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
        }
        // As Discord: an interaction not answered within 3 s is gone.
        if (Date.now() - state.dispatchedAt > INTERACTION_WINDOW_MS) throw notFound('Unknown interaction', 10062);
        state.acknowledged = true;
        const b = asObject(body);
        const type = Number(b['type']);
        const data = b['data'] === undefined || b['data'] === null ? null : asObject(b['data']);
        callbacks.push({ interactionId: id, type, data });
        const isCommand = state.type === 2;
        if (type === 4) {
          state.original = makeMessage({
            channelId: state.channelId,
            guildId: state.guildId,
            data: data ?? {},
            type: isCommand ? 20 : 19,
            interaction: state,
          });
          storeChannelMessage(state.original);
        } else if (type === 5) {
          const ephemeral = Number(data?.['flags'] ?? 0) & MESSAGE_FLAG_EPHEMERAL;
          state.original = makeMessage({
            channelId: state.channelId,
            guildId: state.guildId,
            data: {},
            type: isCommand ? 20 : 19,
            flags: MESSAGE_FLAG_LOADING | ephemeral,
            interaction: state,
          });
        } else if (type === 7 && state.original) {
          state.original = editMessage(state.original, data ?? {});
          storeChannelMessage(state.original);
        }
        addResponse(state, { kind: 'callback', type, data, at: Date.now() });
        if (query['with_response'] !== 'true') return noContent;
        const withMessage = (type === 4 || type === 5 || type === 7) && state.original;
        return ok({
          interaction: {
            id,
            type: state.type,
            activity_instance_id: null,
            response_message_id: withMessage ? state.original?.id : null,
            response_message_loading: type === 5,
            response_message_ephemeral: Boolean((state.original?.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL),
          },
          resource: withMessage ? { type, message: state.original } : { type },
        });
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/webhooks/${S}/${S}$`),
      public: true,
      handle: ({ params: [app = '', tok = ''], body, query }) => {
        const state = interactionByToken(app, tok);
        const data = asObject(body);
        const msg = makeMessage({ channelId: state.channelId, guildId: state.guildId, data, type: 19, interaction: state });
        state.followUps.set(msg.id, msg);
        storeChannelMessage(msg);
        addResponse(state, { kind: 'followUp', data, message: msg, at: Date.now() });
        return query['wait'] === 'true' ? ok(msg) : noContent;
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/webhooks/${S}/${S}/messages/${S}$`),
      public: true,
      handle: ({ params: [app = '', tok = '', mid = ''] }) => ok(webhookMessage(interactionByToken(app, tok), mid)),
    },
    {
      method: 'PATCH',
      pattern: new RegExp(`^/webhooks/${S}/${S}/messages/${S}$`),
      public: true,
      handle: ({ params: [app = '', tok = '', mid = ''], body }) => {
        const state = interactionByToken(app, tok);
        const data = asObject(body);
        const msg = editMessage(webhookMessage(state, mid), data);
        setWebhookMessage(state, mid, msg);
        addResponse(state, { kind: 'edit', messageId: mid, data, message: msg, at: Date.now() });
        return ok(msg);
      },
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/webhooks/${S}/${S}/messages/${S}$`),
      public: true,
      handle: ({ params: [app = '', tok = '', mid = ''] }) => {
        const state = interactionByToken(app, tok);
        const msg = webhookMessage(state, mid);
        if (mid === '@original' || state.original?.id === msg.id) state.original = undefined;
        else state.followUps.delete(mid);
        messagesByChannel.set(msg.channel_id, (messagesByChannel.get(msg.channel_id) ?? []).filter((x) => x.id !== msg.id));
        addResponse(state, { kind: 'delete', messageId: mid, at: Date.now() });
        return noContent;
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/guilds/${S}/members/${S}$`),
      handle: ({ params: [guildId = '', userId = ''] }) => {
        guildOf(guildId);
        const user = users.get(userId);
        if (!user || departed.has(`${guildId}:${userId}`)) throw new HttpError(404, { message: 'Unknown Member', code: 10007 });
        return ok(memberObject(user, PERMISSIONS.member));
      },
    },
    {
      method: 'PUT',
      pattern: new RegExp(`^/applications/${S}/commands$`),
      handle: ({ params: [app = ''], body }) => {
        requireApp(app);
        return ok(storeCommands('', body, null));
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/applications/${S}/commands$`),
      handle: ({ params: [app = ''] }) => {
        requireApp(app);
        return ok(commands.get('') ?? []);
      },
    },
    {
      method: 'PUT',
      pattern: new RegExp(`^/applications/${S}/guilds/${S}/commands$`),
      handle: ({ params: [app = '', guildId = ''], body }) => {
        requireApp(app);
        return ok(storeCommands(guildId, body, guildId));
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/applications/${S}/guilds/${S}/commands$`),
      handle: ({ params: [app = '', guildId = ''] }) => {
        requireApp(app);
        return ok(commands.get(guildId) ?? []);
      },
    },
  ];

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    if (status === 204) {
      // No body: a JSON content type on an empty body would make @discordjs/rest's res.json() throw.
      res.writeHead(204, headers);
      res.end();
      return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body ?? null));
  };

  const handleRest = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const versioned = /^\/api(?:\/v\d+)?(\/.*)$/.exec(url.pathname);
    const rawPath = versioned?.[1] ?? url.pathname;
    const segments = rawPath.split('/').map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
    const path = segments.join('/');
    const raw = await readBody(req);
    const { body, files } = parseBody(raw, req.headers['content-type'] ?? '');
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      files,
      status: 0,
      at: Date.now(),
    };
    requests.push(record);

    const answer = (status: number, b: unknown, headers?: Record<string, string>): void => {
      record.status = status;
      send(res, status, b, headers);
      notify(requestWaiters, record);
    };

    const failure = failures.find(
      (f) => f.remaining > 0 && f.method.toUpperCase() === method && path.includes(f.pathIncludes),
    );
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining === 0) failures.splice(failures.indexOf(failure), 1);
      answer(failure.response.status, failure.response.body ?? { message: 'Injected failure', code: 0 }, failure.response.headers);
      return;
    }

    if (!versioned) {
      answer(404, { message: '404: Not Found', code: 0 });
      return;
    }
    for (const route of routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (!route.public && req.headers.authorization !== `Bot ${token}`) {
        answer(401, { message: '401: Unauthorized', code: 0 });
        return;
      }
      try {
        const result = route.handle({ params: m.slice(1).map((p) => p ?? ''), body, query: record.query });
        answer(result.status, result.body);
      } catch (error) {
        if (error instanceof HttpError) answer(error.status, error.body);
        else answer(500, { message: `fake discord: ${String(error)}`, code: 0 });
      }
      return;
    }
    answer(404, { message: '404: Not Found', code: 0 });
  };

  const server = http.createServer((req, res) => {
    handleRest(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { message: `fake discord: ${String(error)}`, code: 0 });
    });
  });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const getState = (interactionId: string): InteractionState => {
    const state = interactions.get(interactionId);
    if (!state) throw new Error(`fake discord: unknown interaction ${interactionId}`);
    return state;
  };

  let closed = false;

  const fake: FakeDiscord = {
    api: `http://127.0.0.1:${port}/api`,
    token,
    applicationId,
    botUser,
    guilds,
    requests,
    callbacks,

    waitForRequest(predicate, timeoutMs = 5000) {
      const past = requests.find((r) => r.status !== 0 && predicate(r));
      if (past) return Promise.resolve(past);
      return addWaiter(
        requestWaiters,
        predicate,
        timeoutMs,
        () => `fake discord: no matching request within ${timeoutMs} ms. Recent requests:\n${describeRecent()}`,
      );
    },

    connected: () => connectedPromise,

    dispatchInteraction,
    interact: (payload, target) => interact(payload, target),

    slashCommand(input) {
      const guildId = resolveGuildId(input);
      return interact({ type: 2, data: commandData(input, guildId) }, input, { commandName: input.name });
    },

    autocomplete(input) {
      const guildId = resolveGuildId(input);
      const options = input.options.map((o) => ({ ...o }));
      if (!options.some((o) => o.focused)) {
        const last = options[options.length - 1];
        if (last) last.focused = true;
      }
      return interact({ type: 4, data: commandData({ ...input, options }, guildId) }, input, {
        commandName: input.name,
      });
    },

    pressButton(input) {
      const guildId = input.guildId !== undefined ? input.guildId : (input.message.guild_id ?? null);
      return interact(
        { type: 3, message: input.message, data: { custom_id: input.customId, component_type: 2 } },
        { ...input, guildId },
        { original: input.message },
      );
    },

    responses: (interactionId) => [...getState(interactionId).responses],

    waitForResponse(interactionId, predicate = () => true, timeoutMs = 5000) {
      const state = getState(interactionId);
      const past = state.responses.find(predicate);
      if (past) return Promise.resolve(past);
      let set = responseWaiters.get(interactionId);
      if (!set) {
        set = new Set();
        responseWaiters.set(interactionId, set);
      }
      return addWaiter(set, predicate, timeoutMs, () => {
        const got = state.responses.map((r) => (r.kind === 'callback' ? `callback ${r.type}` : r.kind)).join(', ');
        return (
          `fake discord: no matching response to interaction ${interactionId} within ${timeoutMs} ms ` +
          `(got: ${got || 'nothing'}). Recent requests:\n${describeRecent()}`
        );
      });
    },

    original: (interactionId) => getState(interactionId).original,

    dms(userId) {
      const channelId = dmChannelByUser.get(userId);
      return channelId === undefined ? [] : [...(messagesByChannel.get(channelId) ?? [])];
    },

    channelMessages: (channelId) => [...(messagesByChannel.get(channelId) ?? [])],

    leaveGuild(guildId, userId, left = true) {
      if (left) departed.add(`${guildId}:${userId}`);
      else departed.delete(`${guildId}:${userId}`);
    },

    refuseDMs(userId, refuse = true) {
      if (refuse) refused.add(userId);
      else refused.delete(userId);
    },

    registeredCommands: (guildId) => [...(commands.get(guildId ?? '') ?? [])],

    failNext(match, times, response) {
      if (times > 0) failures.push({ method: match.method, pathIncludes: match.pathIncludes, remaining: times, response });
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const w of requestWaiters) {
        clearTimeout(w.timer);
        w.reject(new Error('fake discord closed'));
      }
      requestWaiters.clear();
      for (const set of responseWaiters.values()) {
        for (const w of set) {
          clearTimeout(w.timer);
          w.reject(new Error('fake discord closed'));
        }
      }
      responseWaiters.clear();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
