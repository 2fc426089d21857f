/**
 * A small fake of the Telegram Bot API for end-to-end tests that run the real grammY bot.
 *
 * ```ts
 * const fake = await startFakeTelegram();
 * const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
 * ```
 *
 * It speaks the same wire format as api.telegram.org (POST `/bot<token>/<method>`, JSON in,
 * `{ ok, result }` or `{ ok: false, error_code, description }` out), holds `getUpdates` open like
 * real long polling, keeps the bot's messages per chat so edits can be checked, and reproduces the
 * errors real Telegram gives for common mistakes (editing a missing or unchanged message, a blocked
 * user, an over-long text, callback data over 64 bytes, broken HTML, unescaped MarkdownV2).
 * Multipart (file upload) bodies are parsed, and `sendDocument` keeps the uploaded file's name and
 * text (see {@link FakeUpload}) in its call's params. It can add a network round trip to every answer
 * (`latencyMs`) and refuse messages to a chat over a flood limit with 429s (`limitChat`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  BotCommand,
  CallbackQuery,
  Chat,
  ChatMember,
  Message,
  MessageEntity,
  Update,
  User,
  UserFromGetMe,
} from 'grammy/types';

/** One API call the bot made. `getUpdates` calls are not recorded (see `pollCount`). */
export interface FakeCall {
  /** Method name as sent, e.g. `sendMessage`. */
  method: string;
  /** Parameters, JSON-decoded. */
  params: any;
  /** `Date.now()` when the call was answered. */
  at: number;
  /** Present when the fake answered with an error. */
  error?: { error_code: number; description: string };
  /** What the fake answered, when the call succeeded (a sent message, say). */
  result?: any;
}

/** An error the fake answers with (see `failNext`). */
export interface FakeApiError {
  error_code: number;
  description: string;
  retry_after?: number;
}

/** A chat as tests describe it. Groups without a title get `Test group`. */
export interface FakeChat {
  id: number;
  type: 'group' | 'supergroup' | 'private';
  title?: string;
}

/** A (human) user as tests describe it. */
export interface FakeUser {
  id: number;
  first_name: string;
  username?: string;
  last_name?: string;
  language_code?: string;
}

export type FakeMemberStatus = 'creator' | 'administrator' | 'member' | 'left' | 'kicked';

export interface FakeTelegramOptions {
  /** Username of the bot, without `@`. Default `TradingPostTestBot`. */
  botUsername?: string;
  /** User id of the bot. Default `7000000001`. */
  botId?: number;
  /**
   * Every answer (getUpdates included) leaves this long after the fake decided it: a network round
   * trip. Calls are recorded (and `waitFor` resolves) when decided, as a member would see a
   * message appear. Default 0.
   */
  latencyMs?: number;
}

/** A flood limit on one chat (see `limitChat`). */
export interface FakeFloodLimit {
  /** Messages the chat takes... */
  messages: number;
  /** ...in any window of this many seconds. */
  perSeconds: number;
}

/** Thrown inside a handler to answer `{ ok: false, ... }`. */
class ApiError extends Error {
  constructor(
    readonly error_code: number,
    readonly description: string,
    readonly retry_after?: number,
  ) {
    super(description);
  }
}

type Params = Record<string, unknown>;
type Handler = (params: Params) => unknown;
type Waiter = { predicate: (call: FakeCall) => boolean; resolve: (call: FakeCall) => void };
type PendingPoll = { res: http.ServerResponse; limit: number; timer: NodeJS.Timeout };

/** Update types Telegram leaves out when `allowed_updates` is empty or was never set. */
const NOT_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const NOT_MODIFIED =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const QUERY_INVALID =
  'Bad Request: query is too old and response timeout expired or query ID is invalid';

const now = (): number => Math.floor(Date.now() / 1000);
const clone = <T>(value: T): T => structuredClone(value);
const asMessage = (value: object): Message => value as Message;

/** The fake server. Create it with {@link startFakeTelegram}. */
export class FakeTelegram {
  /** Base URL for grammY's `client.apiRoot`, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly apiRoot: string;
  /** The only token the fake accepts; any other gets 401 Unauthorized. */
  readonly token: string;
  /** What `getMe` answers; may be passed as grammY's `botInfo` to skip `getMe`. */
  readonly botInfo: UserFromGetMe;
  /** Every API call except `getUpdates`, in the order they were answered. */
  readonly calls: FakeCall[] = [];
  /** Number of `getUpdates` requests received. */
  pollCount = 0;

  private readonly server: http.Server;
  private readonly botUser: User;
  private readonly queue: Update[] = [];
  private lastUpdateId = 0;
  private allowedUpdates: string[] = [];
  private poll: PendingPoll | undefined;
  private flushScheduled = false;
  private readonly waiters: Waiter[] = [];
  private readonly handledWaiters: Array<() => void> = [];
  private readonly chats = new Map<number, Chat>();
  private readonly users = new Map<number, User>();
  private readonly nextMessageId = new Map<number, number>();
  private readonly botMessages = new Map<number, Map<number, Message>>();
  private readonly userMessages = new Map<number, Set<number>>();
  private readonly members = new Map<string, FakeMemberStatus>();
  private readonly blocked = new Set<number>();
  private readonly notStarted = new Set<number>();
  private readonly failures = new Map<string, { times: number; error: FakeApiError }>();
  private readonly commandSets = new Map<string, BotCommand[]>();
  private readonly openQueries = new Set<string>();
  private readonly answers: Params[] = [];
  private readonly custom = new Map<string, Handler>();
  private readonly holds = new Map<string, (params: Params) => Promise<void> | undefined>();
  private readonly floodLimits = new Map<number, FakeFloodLimit & { sentAt: number[] }>();
  private readonly confirmedAtById = new Map<number, number>();
  private readonly latencyMs: number;
  private queryCounter = 0;
  private closed = false;

  /** @internal use {@link startFakeTelegram} */
  constructor(server: http.Server, options: FakeTelegramOptions) {
    const { port } = server.address() as AddressInfo;
    const botId = options.botId ?? 7_000_000_001;
    const username = options.botUsername ?? 'TradingPostTestBot';
    this.server = server;
    this.latencyMs = options.latencyMs ?? 0;
    this.apiRoot = `http://127.0.0.1:${port}`;
    this.token = `${botId}:AAFakeTelegramTestToken_0123456789`;
    this.botUser = { id: botId, is_bot: true, first_name: 'Trading Post', username };
    this.botInfo = {
      ...this.botUser,
      is_bot: true,
      username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    server.on('request', (req, res) => void this.onRequest(req, res));
  }

  // ---------------------------------------------------------------- inspecting calls

  /** True while a `getUpdates` request is being held open (the bot is waiting for updates). */
  get polling(): boolean {
    return this.poll !== undefined;
  }

  /** The recorded calls of one method (all calls without an argument). */
  sent(method?: string): FakeCall[] {
    return method === undefined ? [...this.calls] : this.calls.filter((c) => c.method === method);
  }

  /**
   * Resolves with the first recorded call, past or future, that matches. Failed calls are recorded
   * too (with `error`), so add `!c.error` to wait for a successful one. Rejects after `timeoutMs`
   * with the recent calls in the message.
   */
  waitFor(predicate: (call: FakeCall) => boolean, timeoutMs = 5000): Promise<FakeCall> {
    const found = this.calls.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const recent = this.calls.slice(-15).map(describeCall).join('\n  ');
        reject(
          new Error(
            `FakeTelegram.waitFor timed out after ${timeoutMs} ms waiting for ${predicate.toString()}\n` +
              `Recent calls (${this.calls.length} in all):\n  ${recent || '(none)'}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * Resolves once the bot has confirmed (by polling with a higher `offset`) every update pushed so
   * far, or up to `update` when given. grammY's built-in polling (`bot.start()`) confirms an update
   * after its middleware finished, so there this means handled. grammY's runner confirms updates
   * as it takes them, before handling them: there this means taken (the Telegram adapter's
   * `whenIdle()` then says when they are handled).
   */
  waitForHandled(update?: Update, timeoutMs = 5000): Promise<void> {
    const target = update?.update_id ?? this.lastUpdateId;
    const done = (): boolean => this.queue.every((u) => u.update_id > target);
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.handledWaiters.splice(this.handledWaiters.indexOf(check), 1);
        resolve();
      };
      const timer = setTimeout(() => {
        this.handledWaiters.splice(this.handledWaiters.indexOf(check), 1);
        const left = this.queue.filter((u) => u.update_id <= target).map((u) => u.update_id);
        reject(new Error(`FakeTelegram.waitForHandled timed out after ${timeoutMs} ms; unconfirmed updates: ${left.join(', ')}`));
      }, timeoutMs);
      this.handledWaiters.push(check);
    });
  }

  /** When the bot confirmed `update` (`Date.now()`), or undefined while it has not. */
  confirmedAt(update: Update): number | undefined {
    return this.confirmedAtById.get(update.update_id);
  }

  // ---------------------------------------------------------------- pushing updates

  /** Queues an update (its `update_id` is assigned here) and wakes a pending `getUpdates`. */
  pushUpdate(update: Omit<Update, 'update_id'>): Update {
    const full = { update_id: ++this.lastUpdateId, ...clone(update) } as Update;
    this.learn(full);
    this.queue.push(full);
    this.scheduleFlush();
    return full;
  }

  /**
   * Pushes a text message from a user. A leading `/command` gets a `bot_command` entity and each
   * `@username` a `mention` entity, unless `entities` is given. A private message also means the
   * user has started (and not blocked) the bot.
   */
  sendText(input: {
    chat: FakeChat;
    from: FakeUser;
    text: string;
    replyTo?: Message;
    entities?: MessageEntity[];
  }): Update & { message: Message } {
    const from = this.userOf(input.from);
    const chat = this.chatOf(input.chat, from);
    if (chat.type === 'private') {
      this.blocked.delete(from.id);
      this.notStarted.delete(from.id);
    }
    const message: Record<string, unknown> = {
      message_id: this.allocMessageId(chat.id),
      from,
      chat,
      date: now(),
      text: input.text,
    };
    const entities = input.entities ?? autoEntities(input.text);
    if (entities.length > 0) message.entities = entities;
    if (input.replyTo) {
      const { reply_to_message: _nested, ...replied } = clone(input.replyTo);
      message.reply_to_message = replied;
    }
    return this.pushUpdate({ message: asMessage(message) as Message & Update.NonChannel }) as Update & { message: Message };
  }

  /**
   * Pushes a callback query: `from` pressed the inline button with callback data `data` on the
   * bot's `message`. The query carries the message as it is now (after edits). Throws if the
   * message has no such button, unless `stale` (a client showing an outdated keyboard) or `forged`
   * (a modified client sending data of its own). An `expired` query can no longer be answered, as
   * when it is too old or was answered before a restart replayed it.
   */
  pressButton(input: {
    message: Message;
    from: FakeUser;
    data: string;
    stale?: boolean;
    forged?: boolean;
    expired?: boolean;
  }): Update & { callback_query: CallbackQuery } {
    const chatId = input.message.chat.id;
    const current = this.message(chatId, input.message.message_id) ?? clone(input.message);
    const markup = current.reply_markup;
    const datas = markup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : undefined)) ?? [];
    if (!input.stale && !input.forged && !datas.includes(input.data)) {
      throw new Error(
        `pressButton: message ${current.message_id} in chat ${chatId} has no button with callback_data ${JSON.stringify(input.data)}; ` +
          `buttons: ${JSON.stringify(datas)}`,
      );
    }
    const callback_query: CallbackQuery = {
      id: `${Date.now()}${String(++this.queryCounter).padStart(4, '0')}`,
      from: this.userOf(input.from),
      message: current,
      chat_instance: String(Math.abs(chatId) * 31 + 7),
      data: input.data,
    };
    const update = this.pushUpdate({ callback_query }) as Update & { callback_query: CallbackQuery };
    if (input.expired) this.openQueries.delete(callback_query.id);
    return update;
  }

  /** Makes a chat known (so the bot can send to it before any update came from it). */
  addChat(chat: FakeChat): Chat {
    const c = this.chatOf(chat);
    this.chats.set(c.id, c);
    return c;
  }

  // ---------------------------------------------------------------- state the bot produced

  /** The bot's messages in a chat, as they are now (edited, deleted ones gone), oldest first. */
  messages(chatId: number): Message[] {
    const stored = this.botMessages.get(chatId);
    return stored ? [...stored.values()].map(clone) : [];
  }

  /** One of the bot's messages as it is now, or `undefined`. */
  message(chatId: number, messageId: number): Message | undefined {
    const m = this.botMessages.get(chatId)?.get(messageId);
    return m && clone(m);
  }

  /** Commands set with `setMyCommands` for a scope (default scope) and language (default none). */
  commands(scope: object = { type: 'default' }, languageCode = ''): BotCommand[] {
    return clone(this.commandSets.get(commandKey(scope, languageCode)) ?? []);
  }

  /** Parameters of every successful `answerCallbackQuery`, in order. */
  callbackAnswers(): any[] {
    return clone(this.answers);
  }

  // ---------------------------------------------------------------- configuring the world

  /** What `getChatMember(chatId, userId)` answers. Default `member`. */
  setChatMemberStatus(chatId: number, userId: number, status: FakeMemberStatus): void {
    this.members.set(`${chatId}:${userId}`, status);
  }

  /** Private messages to this user fail with 403 `Forbidden: bot was blocked by the user`. */
  blockUser(userId: number): void {
    this.blocked.add(userId);
  }

  /** Private messages to this user fail with 403 `Forbidden: bot can't initiate conversation with a user`. */
  neverStarted(userId: number): void {
    this.notStarted.add(userId);
  }

  /**
   * Puts a flood limit on a chat, as Telegram does (about 1 message a second per chat, 20 a minute
   * per group): a `sendMessage` to it beyond `messages` in the last `perSeconds` seconds answers
   * 429 `Too Many Requests: retry after N`, with `parameters.retry_after` the whole seconds until
   * the oldest counted message leaves the window. Refused calls are recorded with their `error`.
   */
  limitChat(chatId: number, limit: FakeFloodLimit): void {
    this.floodLimits.set(chatId, { ...limit, sentAt: [] });
  }

  /** The next `times` calls to `method` answer with `error` (HTTP status = `error_code`). */
  failNext(method: string, times: number, error: FakeApiError): void {
    this.failures.set(method.toLowerCase(), { times, error });
  }

  /**
   * Holds each call to `method` for which `hold(params)` gives a promise until it settles, then
   * answers it as usual (recording it then): a slow network, or a slow Telegram, for those calls.
   */
  hold(method: string, hold: (params: any) => Promise<void> | undefined): void {
    this.holds.set(method.toLowerCase(), hold);
  }

  /** Answers `method` with `handler(params)` (thrown errors become 400s); overrides built-ins. */
  handle(method: string, handler: (params: any) => unknown): void {
    this.custom.set(method.toLowerCase(), handler);
  }

  /** Answers pending polls, drops kept-alive connections and stops the server. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.poll) this.answerPoll(this.poll, []);
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  // ---------------------------------------------------------------- HTTP plumbing

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let method = '(unknown)';
    let params: Params = {};
    try {
      const url = new URL(req.url ?? '/', this.apiRoot);
      const match = /^\/bot([^/]+)\/([^/]+)$/.exec(url.pathname);
      params = { ...Object.fromEntries([...url.searchParams].map(([k, v]) => [k, looseJson(v)])), ...(await readBody(req)) };
      if (!match) {
        this.answer(res, method, params, new ApiError(404, 'Not Found'));
        return;
      }
      method = decodeURIComponent(match[2] ?? '');
      if (decodeURIComponent(match[1] ?? '') !== this.token) {
        this.answer(res, method, params, new ApiError(401, 'Unauthorized'));
        return;
      }
      const key = method.toLowerCase();
      const held = this.holds.get(key)?.(params);
      if (held) await held;
      const failure = this.failures.get(key);
      if (failure && failure.times > 0) {
        if (--failure.times === 0) this.failures.delete(key);
        const { error_code, description, retry_after } = failure.error;
        this.answer(res, method, params, new ApiError(error_code, description, retry_after));
        return;
      }
      if (key === 'getupdates' && !this.custom.has(key)) {
        this.pollCount++;
        this.getUpdates(params, res);
        return;
      }
      const handler = this.custom.get(key) ?? this.builtins[key];
      if (!handler) {
        this.answer(res, method, params, new ApiError(404, 'Not Found: method not found'));
        return;
      }
      this.answer(res, method, params, undefined, await handler(params));
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(400, `Bad Request: ${String((err as Error)?.message ?? err)}`);
      this.answer(res, method, params, error);
    }
  }

  /** Records the call (not getUpdates), then writes the response. */
  private answer(res: http.ServerResponse, method: string, params: Params, error?: ApiError, result?: unknown): void {
    const call: FakeCall = { method, params, at: Date.now() };
    if (error) call.error = { error_code: error.error_code, description: error.description };
    else call.result = result;
    if (method.toLowerCase() !== 'getupdates') {
      this.calls.push(call);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(call)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(call);
        }
      }
    }
    if (!error) {
      this.write(res, 200, { ok: true, result });
      return;
    }
    const body: Record<string, unknown> = { ok: false, error_code: error.error_code, description: error.description };
    if (error.retry_after !== undefined) body.parameters = { retry_after: error.retry_after };
    this.write(res, error.error_code, body);
  }

  /** Writes an answer, `latencyMs` later when there is a latency. */
  private write(res: http.ServerResponse, status: number, body: unknown): void {
    if (this.latencyMs > 0 && !this.closed) setTimeout(() => writeJson(res, status, body), this.latencyMs);
    else writeJson(res, status, body);
  }

  // ---------------------------------------------------------------- long polling

  private getUpdates(params: Params, res: http.ServerResponse): void {
    const offset = toInt(params.offset) ?? 0;
    const limit = Math.min(100, Math.max(1, toInt(params.limit) ?? 100));
    const timeout = Math.max(0, toInt(params.timeout) ?? 0);
    if (Array.isArray(params.allowed_updates)) this.allowedUpdates = params.allowed_updates.map(String);
    if (offset > 0) {
      const at = Date.now();
      for (const u of this.queue) if (u.update_id < offset) this.confirmedAtById.set(u.update_id, at);
      this.forget((u) => u.update_id < offset);
    }
    if (this.poll) {
      // Real Telegram ends the older request when a second one comes in.
      this.answerPoll(this.poll, undefined);
    }
    const ready = this.deliverable(limit);
    if (ready.length > 0 || timeout === 0 || this.closed) {
      this.write(res, 200, { ok: true, result: ready });
      return;
    }
    const poll: PendingPoll = {
      res,
      limit,
      timer: setTimeout(() => this.answerPoll(poll, []), timeout * 1000),
    };
    this.poll = poll;
    res.on('close', () => {
      // Fires after we answered too; then it is a no-op. Otherwise the client aborted the poll.
      clearTimeout(poll.timer);
      if (this.poll === poll) this.poll = undefined;
    });
  }

  /** Answers a held poll with `updates`, or with 409 Conflict when `updates` is undefined. */
  private answerPoll(poll: PendingPoll, updates: Update[] | undefined): void {
    clearTimeout(poll.timer);
    if (this.poll === poll) this.poll = undefined;
    if (poll.res.writableEnded || poll.res.destroyed) return;
    if (updates) this.write(poll.res, 200, { ok: true, result: updates });
    else
      this.write(poll.res, 409, {
        ok: false,
        error_code: 409,
        description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.poll) return;
      const ready = this.deliverable(this.poll.limit);
      if (ready.length > 0) this.answerPoll(this.poll, ready);
    });
  }

  /** Up to `limit` queued updates of an allowed type; updates of other types are dropped, as Telegram does. */
  private deliverable(limit: number): Update[] {
    const allowed = (u: Update): boolean => {
      const type = Object.keys(u).find((k) => k !== 'update_id') ?? '';
      return this.allowedUpdates.length === 0 ? !NOT_BY_DEFAULT.has(type) : this.allowedUpdates.includes(type);
    };
    this.forget((u) => !allowed(u));
    return this.queue.slice(0, limit).map(clone);
  }

  private forget(drop: (u: Update) => boolean): void {
    const before = this.queue.length;
    for (let i = this.queue.length - 1; i >= 0; i--) if (drop(this.queue[i] as Update)) this.queue.splice(i, 1);
    if (this.queue.length !== before) for (const check of [...this.handledWaiters]) check();
  }

  // ---------------------------------------------------------------- world model helpers

  private userOf(u: FakeUser): User {
    const user: User = { id: u.id, is_bot: false, first_name: u.first_name };
    if (u.last_name !== undefined) user.last_name = u.last_name;
    if (u.username !== undefined) user.username = u.username;
    if (u.language_code !== undefined) user.language_code = u.language_code;
    this.users.set(user.id, user);
    return user;
  }

  private chatOf(c: FakeChat, privatePeer?: User): Chat {
    if (c.type === 'private') {
      const peer = privatePeer ?? this.users.get(c.id);
      const chat: Chat.PrivateChat = { id: c.id, type: 'private', first_name: peer?.first_name ?? `User ${c.id}` };
      if (peer?.last_name !== undefined) chat.last_name = peer.last_name;
      if (peer?.username !== undefined) chat.username = peer.username;
      return chat;
    }
    const known = this.chats.get(c.id);
    const title = c.title ?? (known && 'title' in known ? known.title : undefined) ?? 'Test group';
    return c.type === 'group' ? { id: c.id, type: 'group', title } : { id: c.id, type: 'supergroup', title };
  }

  /** Remembers chats, users, message ids and callback query ids found in a pushed update. */
  private learn(update: Update): void {
    const seen = (m: Message | undefined): void => {
      if (!m) return;
      this.chats.set(m.chat.id, m.chat);
      if (m.from && !m.from.is_bot) this.users.set(m.from.id, m.from);
      const next = this.nextMessageId.get(m.chat.id) ?? 1;
      if (m.message_id >= next) this.nextMessageId.set(m.chat.id, m.message_id + 1);
      if (!m.from?.is_bot || m.from.id !== this.botUser.id) {
        const set = this.userMessages.get(m.chat.id) ?? new Set<number>();
        set.add(m.message_id);
        this.userMessages.set(m.chat.id, set);
      }
    };
    seen(update.message);
    seen(update.edited_message);
    if (update.callback_query) {
      this.openQueries.add(update.callback_query.id);
      this.users.set(update.callback_query.from.id, update.callback_query.from);
    }
    for (const cm of [update.my_chat_member, update.chat_member]) {
      if (cm) {
        this.chats.set(cm.chat.id, cm.chat);
        this.users.set(cm.from.id, cm.from);
      }
    }
  }

  private allocMessageId(chatId: number): number {
    const id = this.nextMessageId.get(chatId) ?? 1;
    this.nextMessageId.set(chatId, id + 1);
    return id;
  }

  private resolveChat(raw: unknown): Chat {
    const id = toInt(raw);
    if (id === undefined) {
      const byName = [...this.chats.values()].find((c) => typeof raw === 'string' && c.username !== undefined && `@${c.username}` === raw);
      if (byName) return byName;
      throw new ApiError(400, 'Bad Request: chat not found');
    }
    const known = this.chats.get(id);
    if (known) return known;
    if (id > 0) return this.chatOf({ id, type: 'private' });
    throw new ApiError(400, 'Bad Request: chat not found');
  }

  /** Throws the 429 Telegram gives a chat over its flood limit; counts the message otherwise. */
  private checkFloodLimit(chatId: number): void {
    const limit = this.floodLimits.get(chatId);
    if (!limit) return;
    const at = Date.now();
    const windowMs = limit.perSeconds * 1000;
    while (limit.sentAt.length > 0 && at - (limit.sentAt[0] as number) >= windowMs) limit.sentAt.shift();
    if (limit.sentAt.length >= limit.messages) {
      const retryAfter = Math.max(1, Math.ceil(((limit.sentAt[0] ?? at) + windowMs - at) / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
    }
    limit.sentAt.push(at);
  }

  private checkCanWrite(chat: Chat): void {
    if (chat.type !== 'private') return;
    if (this.blocked.has(chat.id)) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    if (this.notStarted.has(chat.id)) throw new ApiError(403, "Forbidden: bot can't initiate conversation with a user");
  }

  private userById(id: number): User {
    if (id === this.botUser.id) return this.botUser;
    return this.users.get(id) ?? { id, is_bot: false, first_name: `User ${id}` };
  }

  private memberOf(chatId: number, userId: number): ChatMember {
    const user = this.userById(userId);
    const status = this.members.get(`${chatId}:${userId}`) ?? 'member';
    switch (status) {
      case 'creator':
        return { status, user, is_anonymous: false };
      case 'administrator':
        return {
          status,
          user,
          can_be_edited: false,
          is_anonymous: false,
          can_manage_chat: true,
          can_delete_messages: true,
          can_manage_video_chats: true,
          can_restrict_members: true,
          can_promote_members: false,
          can_change_info: true,
          can_invite_users: true,
          can_post_stories: false,
          can_edit_stories: false,
          can_delete_stories: false,
          can_pin_messages: true,
          can_manage_topics: false,
          can_send_welcome_messages: false,
        };
      case 'kicked':
        return { status, user, until_date: 0 };
      default:
        return { status, user };
    }
  }

  /** The stored bot message addressed by `chat_id` + `message_id`, or a 400 like Telegram's. */
  private editable(params: Params, verb: 'edit' | 'delete'): Message {
    const chatId = toInt(params.chat_id);
    const messageId = toInt(params.message_id);
    const msg = chatId === undefined || messageId === undefined ? undefined : this.botMessages.get(chatId)?.get(messageId);
    if (msg) return msg;
    if (verb === 'edit' && chatId !== undefined && messageId !== undefined && this.userMessages.get(chatId)?.has(messageId)) {
      throw new ApiError(400, "Bad Request: message can't be edited");
    }
    throw new ApiError(400, `Bad Request: message to ${verb} not found`);
  }

  private applyEdit(params: Params, text: string | undefined): Message | true {
    if (params.inline_message_id !== undefined) return true;
    const msg = this.editable(params, 'edit') as Message & { text?: string; reply_markup?: unknown };
    const markup = parseMarkup(params.reply_markup);
    const newText = text === undefined ? msg.text : formatText(text, params.parse_mode);
    if (newText === msg.text && sameJson(markup, msg.reply_markup)) throw new ApiError(400, NOT_MODIFIED);
    if (newText !== undefined) msg.text = newText;
    // Like Telegram: an edit without reply_markup removes the inline keyboard.
    if (markup === undefined) delete msg.reply_markup;
    else msg.reply_markup = markup;
    (msg as { edit_date?: number }).edit_date = now();
    return clone(msg);
  }

  // ---------------------------------------------------------------- built-in methods (lower-case keys)

  private readonly builtins: Record<string, Handler> = {
    getme: () => this.botInfo,
    logout: () => true,
    close: () => true,
    deletewebhook: (p) => {
      if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') this.forget(() => true);
      return true;
    },
    getwebhookinfo: () => ({ url: '', has_custom_certificate: false, pending_update_count: this.queue.length }),
    sendmessage: (p) => {
      const chat = this.resolveChat(p.chat_id);
      this.checkCanWrite(chat);
      this.checkFloodLimit(chat.id);
      const raw = typeof p.text === 'string' ? p.text : p.text === undefined ? '' : String(p.text);
      const text = formatText(raw, p.parse_mode);
      if (text.trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
      if (text.length > 4096) throw new ApiError(400, 'Bad Request: message is too long');
      const markup = parseMarkup(p.reply_markup);
      const message: Record<string, unknown> = {
        message_id: this.allocMessageId(chat.id),
        from: this.botUser,
        chat,
        date: now(),
        text,
      };
      const replyId = toInt((p.reply_parameters as { message_id?: unknown } | undefined)?.message_id ?? p.reply_to_message_id);
      const replied = replyId === undefined ? undefined : this.botMessages.get(chat.id)?.get(replyId);
      if (replied) message.reply_to_message = clone(replied);
      else if (replyId !== undefined) message.reply_to_message = { message_id: replyId, chat, date: now() };
      if (markup !== undefined) message.reply_markup = markup;
      const stored = asMessage(message);
      const perChat = this.botMessages.get(chat.id) ?? new Map<number, Message>();
      perChat.set(stored.message_id, stored);
      this.botMessages.set(chat.id, perChat);
      return clone(stored);
    },
    senddocument: (p) => {
      const chat = this.resolveChat(p.chat_id);
      this.checkCanWrite(chat);
      this.checkFloodLimit(chat.id);
      const file = p.document as FakeUpload | undefined;
      if (typeof file !== 'object' || file === null || typeof file.content !== 'string') throw new ApiError(400, 'Bad Request: there is no document in the request');
      const message = asMessage({
        message_id: this.allocMessageId(chat.id),
        from: this.botUser,
        chat,
        date: now(),
        document: { file_id: `file-${chat.id}-${Date.now()}`, file_unique_id: 'u', file_name: file.filename, file_size: Buffer.byteLength(file.content) },
        ...(typeof p.caption === 'string' ? { caption: p.caption } : {}),
      });
      const perChat = this.botMessages.get(chat.id) ?? new Map<number, Message>();
      perChat.set(message.message_id, message);
      this.botMessages.set(chat.id, perChat);
      return clone(message);
    },
    editmessagetext: (p) => {
      const text = typeof p.text === 'string' ? p.text : '';
      if (formatText(text, p.parse_mode).trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
      if (formatText(text, p.parse_mode).length > 4096) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
      return this.applyEdit(p, text);
    },
    editmessagereplymarkup: (p) => this.applyEdit(p, undefined),
    deletemessage: (p) => {
      const chatId = toInt(p.chat_id) ?? 0;
      const messageId = toInt(p.message_id) ?? 0;
      if (this.userMessages.get(chatId)?.delete(messageId)) return true;
      this.editable(p, 'delete');
      this.botMessages.get(chatId)?.delete(messageId);
      return true;
    },
    sendchataction: (p) => {
      this.checkCanWrite(this.resolveChat(p.chat_id));
      return true;
    },
    getchat: (p) => ({
      ...this.resolveChat(p.chat_id),
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false,
        limited_gifts: false,
        unique_gifts: false,
        premium_subscription: false,
        gifts_from_channels: false,
      },
    }),
    getchatmember: (p) => {
      const chat = this.resolveChat(p.chat_id);
      const userId = toInt(p.user_id);
      if (userId === undefined) throw new ApiError(400, 'Bad Request: user not found');
      return this.memberOf(chat.id, userId);
    },
    getchatadministrators: (p) => {
      const chat = this.resolveChat(p.chat_id);
      const admins: ChatMember[] = [];
      for (const [key, status] of this.members) {
        const [chatId, userId] = key.split(':').map(Number);
        if (chatId === chat.id && userId !== undefined && (status === 'creator' || status === 'administrator')) {
          admins.push(this.memberOf(chat.id, userId));
        }
      }
      return admins;
    },
    setmycommands: (p) => {
      const commands = (Array.isArray(p.commands) ? p.commands : []) as BotCommand[];
      if (commands.length > 100) throw new ApiError(400, 'Bad Request: too many commands');
      for (const c of commands) {
        if (typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw new ApiError(400, 'Bad Request: BOT_COMMAND_INVALID');
        if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
          throw new ApiError(400, 'Bad Request: command description is empty or too long');
        }
      }
      this.commandSets.set(commandKey(p.scope, p.language_code), clone(commands));
      return true;
    },
    getmycommands: (p) => this.commandSets.get(commandKey(p.scope, p.language_code)) ?? [],
    deletemycommands: (p) => {
      this.commandSets.delete(commandKey(p.scope, p.language_code));
      return true;
    },
    answercallbackquery: (p) => {
      const id = String(p.callback_query_id ?? '');
      if (!this.openQueries.delete(id)) throw new ApiError(400, QUERY_INVALID);
      this.answers.push(clone(p));
      return true;
    },
    setchatmenubutton: () => true,
  };
}

/** Starts a fake Bot API server on 127.0.0.1 with a random port. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const server = http.createServer();
  // Longer than grammY's idle keep-alive sockets live, so a reused socket is never closed under it.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return new FakeTelegram(server, options);
}

// ---------------------------------------------------------------- pure helpers

function writeJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

async function readBody(req: http.IncomingMessage): Promise<Params> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const raw = bytes.toString('utf8');
  if (raw.trim() === '') return {};
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('multipart/form-data')) return readMultipart(bytes, req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries([...new URLSearchParams(raw)].map(([k, v]) => [k, looseJson(v)]));
  }
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ApiError(400, 'Bad Request: invalid JSON body');
  return parsed as Params;
}

/** An uploaded file as the fake keeps it: its name and its contents (UTF-8 text). */
export interface FakeUpload {
  filename: string;
  content: string;
}

/**
 * A multipart body (grammY uploads an InputFile this way): each field as {@link looseJson} reads
 * it, each file part as a {@link FakeUpload}. grammY names a file part by a random id and puts
 * `attach://id` in its field, so those are resolved to the file.
 */
function readMultipart(bytes: Buffer, contentType: string): Params {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new ApiError(400, 'Bad Request: multipart body without a boundary');
  const fields: Params = {};
  const files = new Map<string, FakeUpload>();
  for (const part of bytes.toString('latin1').split(`--${boundary[1] ?? boundary[2] ?? ''}`)) {
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const content = Buffer.from(part.slice(sep + 4).replace(/\r\n$/, ''), 'latin1').toString('utf8');
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
    // grammY writes `filename=NAME` without quotes; browsers and most clients quote it.
    const filename = /filename=(?:"([^"]*)"|([^;\r\n]*))/i.exec(head)?.slice(1).find((value) => value !== undefined);
    if (filename !== undefined) files.set(name, { filename, content });
    else fields[name] = looseJson(content);
  }
  for (const [key, value] of Object.entries(fields)) {
    const attached = typeof value === 'string' && value.startsWith('attach://') ? files.get(value.slice('attach://'.length)) : undefined;
    if (attached) fields[key] = attached;
  }
  for (const [name, file] of files) if (!(name in fields)) fields[name] = file;
  return fields;
}

/** Form and query values: JSON objects/arrays/booleans are decoded, everything else stays a string. */
function looseJson(value: string): unknown {
  if (/^\s*[[{]/.test(value) || value === 'true' || value === 'false') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function parseMarkup(value: unknown): any {
  const markup: unknown = typeof value === 'string' ? looseJson(value) : value;
  if (markup === undefined || markup === null) return undefined;
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (Array.isArray(rows)) {
    for (const row of rows) {
      if (!Array.isArray(row)) throw new ApiError(400, "Bad Request: can't parse inline keyboard button: field \"inline_keyboard\" must be an Array of Arrays");
      for (const button of row as Array<Record<string, unknown>>) {
        if (typeof button.text !== 'string' || button.text === '') throw new ApiError(400, 'Bad Request: BUTTON_TEXT_INVALID');
        const data = button.callback_data;
        if (data !== undefined && (typeof data !== 'string' || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > 64)) {
          throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
        }
      }
    }
  }
  return clone(markup);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function commandKey(scope: unknown, languageCode: unknown): string {
  const s = (typeof scope === 'string' ? looseJson(scope) : scope) ?? { type: 'default' };
  const sorted = Object.fromEntries(Object.entries(s as object).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify(sorted)}|${typeof languageCode === 'string' ? languageCode : ''}`;
}

/** `bot_command` for a leading `/command`, `mention` for each `@username`, as Telegram adds them. */
function autoEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  if (command) {
    entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  }
  for (const m of text.matchAll(/(?<![\w@])@[A-Za-z0-9_]{5,32}\b/g)) {
    if (command && m.index < command[0].length) continue;
    entities.push({ type: 'mention', offset: m.index, length: m[0].length });
  }
  return entities;
}

/** The text a user would see, validating markup the way Telegram rejects it. */
function formatText(text: string, parseMode: unknown): string {
  if (parseMode === 'HTML') return stripHtml(text);
  if (parseMode === 'MarkdownV2') return stripMarkdownV2(text);
  return text;
}

const HTML_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji', 'tg-time']);
const HTML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

function stripHtml(html: string): string {
  const bad = (detail: string): ApiError => new ApiError(400, `Bad Request: can't parse entities: ${detail}`);
  const at = (i: number): number => Buffer.byteLength(html.slice(0, i));
  const stack: string[] = [];
  let out = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i] as string;
    if (ch === '<') {
      const tag = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)?(\s[^<>]*)?>/.exec(html.slice(i));
      const name = tag?.[2]?.toLowerCase();
      if (!tag || name === undefined) {
        throw bad(`Unsupported start tag "${/^<\/?([^\s>]*)/.exec(html.slice(i))?.[1] ?? ''}" at byte offset ${at(i)}`);
      }
      if (tag[1] === '/') {
        const open = stack.pop();
        if (open !== name) throw bad(`Unmatched end tag at byte offset ${at(i)}, expected "</${open ?? ''}>", found "</${name}>"`);
      } else {
        if (!HTML_TAGS.has(name)) throw bad(`Unsupported start tag "${name}" at byte offset ${at(i)}`);
        stack.push(name);
      }
      i += tag[0].length;
    } else if (ch === '&') {
      const entity = /^&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/.exec(html.slice(i));
      const name = entity?.[1];
      if (entity && name !== undefined && (name.startsWith('#') || name in HTML_ENTITIES)) {
        out += name.startsWith('#x') ? String.fromCodePoint(parseInt(name.slice(2), 16)) : name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : HTML_ENTITIES[name];
        i += entity[0].length;
      } else {
        out += ch;
        i++;
      }
    } else {
      out += ch;
      i++;
    }
  }
  const open = stack.pop();
  if (open !== undefined) throw bad(`Can't find end tag corresponding to start tag "${open}"`);
  return out;
}

/** Checks the characters MarkdownV2 requires to be escaped (a subset, to avoid false alarms) and strips markup. */
function stripMarkdownV2(text: string): string {
  let out = '';
  let inCode = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\') {
      out += text[i + 1] ?? '';
      i++;
    } else if (ch === '`') {
      inCode = !inCode;
    } else if (inCode) {
      out += ch;
    } else if (ch === ']' && text[i + 1] === '(') {
      const close = text.indexOf(')', i);
      i = close === -1 ? text.length : close;
    } else if ('[*_~'.includes(ch) || (ch === '|' && text[i + 1] === '|') || (ch === '!' && text[i + 1] === '[')) {
      if (ch === '|') i++;
    } else if ('.!-=+#{}|'.includes(ch)) {
      throw new ApiError(400, `Bad Request: can't parse entities: Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    } else {
      out += ch;
    }
  }
  return out;
}

function describeCall(call: FakeCall): string {
  const params = JSON.stringify(call.params);
  const shown = params.length > 200 ? `${params.slice(0, 200)}…` : params;
  return `${call.method} ${shown}${call.error ? ` -> ${call.error.error_code} ${call.error.description}` : ''}`;
}
