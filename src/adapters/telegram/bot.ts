/**
 * The Telegram bot: grammY long polling (concurrent, with grammY's runner) in front of the
 * command catalog.
 *
 * A group is a market (created on first use). In a private chat the bot acts on the member's
 * current market: the group they used last, or the one picked with `/markets`. Everything a
 * command says comes from `commands/`; this file only translates updates and replies.
 */
import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Bot, GrammyError, type Context } from 'grammy';
import type { Chat, Message, User, UserFromGetMe } from 'grammy/types';
import { commands, executeText, findCommand } from '../../../commands/index.js';
import { refused, type AnyCommand, type CommandContext, type CommandResult, type PlatformCapabilities, type Refused, type Reply } from '../../../commands/definition.js';
import { messagesFor, type Messages } from '../../../commands/messages/index.js';
import { planPress, pressedMessage } from '../../../commands/press.js';
import type { TradeCore } from '../../core/trade-core.js';
import type { Market, MemberRef } from '../../core/types.js';
import { refreshCards } from '../../jobs/cards.js';
import type { CardEditor } from '../../platform.js';
import type { Logger } from '../../logger.js';
import { displayName, readCommandText } from './mentions.js';
import { publishCommandMenu } from './menu.js';
import { oncePer } from './once-per.js';
import { messageOptions, plainText, renderHtml } from './render.js';
import { createEditLines } from './edit-lines.js';
import { createUpdateRunner, type UpdateRunner } from './runner.js';

export interface TelegramBotOptions {
  token: string;
  /** Bot API root without a trailing slash; Telegram's own when absent. */
  apiRoot?: string | undefined;
  core: TradeCore;
  log: Logger;
  /** Skips `getMe` at start (tests). */
  botInfo?: UserFromGetMe;
  retry?: Partial<AutoRetryOptions>;
  /** Seconds a `getUpdates` call waits for news (30 in production). */
  pollingTimeoutSeconds?: number;
  /** Most updates handled at once (the runner's 500 by default). */
  concurrency?: number;
}

/** Typed commands, no answers only one member sees in a group, and a private chat acting on a picked market. */
export const TELEGRAM_CAPABILITIES: PlatformCapabilities = { syntax: 'text', ephemeral: false, privateMarkets: true };

const isGroup = (chat: Chat) => chat.type === 'group' || chat.type === 'supergroup';
const ADMIN_STATUSES = new Set(['creator', 'administrator']);
const MEMBER_STATUSES = new Set(['creator', 'administrator', 'member']);
/** What Telegram answers to a callback answer that comes too late, or twice (a press replayed after a restart). */
const STALE_QUERY = /query is too old|query ID is invalid/i;
/** A member the bot cannot write to privately is told so in a group at most this often. */
export const UNREACHABLE_NOTICE_EVERY_MS = 10 * 60_000;

export function createTelegramBot(options: TelegramBotOptions) {
  const { core, log } = options;
  const bot = new Bot(options.token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    client: options.apiRoot ? { apiRoot: options.apiRoot } : {},
  });
  // Watches every attempt (installed before the retry plugin, it sits closest to the network).
  // grammY keeps polling and retrying through an outage, so "running" alone says nothing about
  // the connection: the time of the last answered getUpdates does.
  const pollingTimeoutSeconds = options.pollingTimeoutSeconds ?? 30;
  let lastPolledAt = 0;
  let lastOutageWarning = 0;
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (method === 'getUpdates' && result.ok) lastPolledAt = Date.now();
      return result;
    } catch (error) {
      // grammY retries getMe and getUpdates on its own, silently: say so, once a minute at most.
      if ((method === 'getMe' || method === 'getUpdates') && Date.now() - lastOutageWarning > 60_000) {
        lastOutageWarning = Date.now();
        log.warn({ err: error, method, apiRoot: options.apiRoot ?? 'https://api.telegram.org' }, 'cannot reach Telegram; retrying');
      }
      throw error;
    }
  });
  // No throttler here, as grammY's guide on flood limits advises: auto-retry waits out a 429 for
  // the one call that got it. A queue in front of every call made one member's answer (or an admin
  // look-up) wait behind other chats' traffic. Only the outbox, which broadcasts, is paced
  // (delivery.ts).
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, ...options.retry }));
  // Outermost: each chat's message edits go out one at a time, in order (edit-lines.ts).
  bot.api.config.use(createEditLines());

  // What an update still does after its chat's turn (card edits, see runAndDeliver). It stays in
  // hand until that is done too (for the runner, a graceful stop and the inbox); a failure
  // reaches `bot.catch` from here.
  const afterTurn = new WeakMap<Context, Promise<unknown>>();
  bot.use(async (ctx, next) => {
    await next();
    await afterTurn.get(ctx);
  });

  // Updates are handled concurrently (runner.ts); each chat's in the order they came, so two
  // commands in one group, or in one member's private chat, never overtake each other. Different
  // chats run side by side: a group waiting out its flood limit holds back only itself.
  bot.use(sequentialize((ctx: Context) => (ctx.chat ? String(ctx.chat.id) : undefined)));

  // Each update is claimed when its turn comes, before anything runs: every update runs at most
  // once, whatever is handed over again, and the inbox (runner.ts) knows it was started. After a
  // crash, then:
  // - updates taken but not yet claimed (waiting behind an earlier update of their chat, or just
  //   handed over) run at the next start, from the inbox, in order: nothing is lost;
  // - an update claimed and in flight is not run again: a command's effect, if committed, stands
  //   and its notifications go out; if not, nothing happened; either way its member may get no
  //   answer. A chat's updates run one at a time, so that is at most one per chat;
  // - a batch Telegram hands out again (its confirmation died with the process) is recognised by
  //   the inbox and not handed over twice; the claim is the last guard.
  bot.use(async (ctx, next) => {
    if (core.claimUpdate('telegram', String(ctx.update.update_id))) return next();
    log.warn({ update: ctx.update.update_id, chat: ctx.chat?.id, user: ctx.from?.id }, 'update already handled before a restart; skipped');
  });

  const deepLink = (payload: string) => `https://t.me/${bot.botInfo.username}?start=${payload}`;

  /** The market of a group chat, created on first use. */
  const groupMarket = (chat: Chat) => core.ensureMarket({ platform: 'telegram', platformMarketId: String(chat.id), title: chat.title ?? null });

  /**
   * The market and member an update acts on, or the sentence to answer when there is none: the
   * group it comes from, or in a private chat `known` (a press on a message recorded for a
   * market) or else the member's current market.
   */
  function scopeOf(chat: Chat, user: User, t: Messages, known?: Market): { ok: true; market: Market; member: MemberRef } | Refused {
    let market: Market | undefined;
    if (isGroup(chat)) {
      market = groupMarket(chat);
      if (core.currentMarket('telegram', String(user.id))?.id !== market.id) core.setCurrentMarket('telegram', String(user.id), market.id);
    } else {
      const current = core.currentMarket('telegram', String(user.id));
      market = known ?? current;
      if (!market) return refused(t.useInGroup);
      // A card pressed in private acts where it belongs, and so do the commands typed after it.
      if (market.id !== current?.id) core.setCurrentMarket('telegram', String(user.id), market.id);
    }
    const member = core.ensureMember({ marketId: market.id, platformUserId: String(user.id), displayName: displayName(user), username: user.username ?? null });
    return { ok: true, market, member };
  }

  /**
   * Whether Telegram counts `userId` among the members of `market`'s group now. A group the bot
   * was removed from, or cannot see, counts as not theirs.
   */
  async function isGroupMember(market: Market, userId: number): Promise<boolean> {
    if (market.platform !== 'telegram') return false;
    try {
      const member = await bot.api.getChatMember(Number(market.platformMarketId), userId);
      return MEMBER_STATUSES.has(member.status) || (member.status === 'restricted' && member.is_member);
    } catch (error) {
      if (error instanceof GrammyError && error.error_code >= 400 && error.error_code < 500 && error.error_code !== 429) return false;
      throw error;
    }
  }

  /**
   * Answers a button press. A query Telegram no longer takes answers for (too old, or already
   * answered before a restart replayed the press) is nothing the member can be told about.
   */
  async function answerPress(ctx: Context, answer: Parameters<Context['answerCallbackQuery']>[0] = {}): Promise<void> {
    try {
      await ctx.answerCallbackQuery(answer);
    } catch (error) {
      if (!(error instanceof GrammyError && STALE_QUERY.test(error.description))) throw error;
      log.debug({ update: ctx.update.update_id, description: error.description }, 'press answered too late; Telegram no longer takes its answer');
    }
  }

  /** `fromGroup`: the command came from the market's own group, where Telegram vouches for membership. */
  function commandContext(market: Market, member: MemberRef, user: User, t: Messages, fromGroup: boolean): CommandContext {
    return {
      core,
      t,
      capabilities: TELEGRAM_CAPABILITIES,
      log,
      market,
      member,
      // Asked at the moment of the action: rights change without the bot being told.
      isAdmin: async () => ADMIN_STATUSES.has((await bot.api.getChatMember(Number(market.platformMarketId), user.id)).status),
      isStillMember: fromGroup ? undefined : () => isGroupMember(market, user.id),
      inPrivate: !fromGroup,
    };
  }

  // Keyed by group and member: being told in one group says nothing to the others.
  const unreachableNoticeDue = oncePer(UNREACHABLE_NOTICE_EVERY_MS, () => core.clock());

  /**
   * Sends a reply where it belongs: private matters go to the private chat, the rest in place.
   * A private answer to a command typed in a group leaves no trace in the group: Telegram shows
   * the member the new private message, and a group's budget (about 20 messages a minute) is kept
   * for what the group needs to see. Only a member the bot cannot write to is told, in the group,
   * and at most once per {@link UNREACHABLE_NOTICE_EVERY_MS} (asking again soon after, they still
   * have the last notice in front of them).
   */
  async function deliver(ctx: Context, reply: Reply, t: Messages, answering?: Message, market?: Market) {
    const chat = ctx.chat;
    const user = ctx.from;
    if (!chat || !user) return;
    const inPlace = answering ? { reply_parameters: { message_id: answering.message_id, allow_sending_without_reply: true } } : {};
    // A live card made in the private chat (a posted offer) is shown in its group too: members look for it there.
    if (!isGroup(chat) && market && reply.visibility === 'public' && reply.shows?.follows) await showInGroup(market, { ...reply, market: undefined });
    if (reply.visibility === 'private' && isGroup(chat)) {
      try {
        await send(user.id, reply, {}, market);
      } catch (error) {
        if (!(error instanceof GrammyError && error.error_code === 403)) throw error;
        if (unreachableNoticeDue(`${chat.id}:${user.id}`)) await ctx.reply(t.openPrivateChat(deepLink('hello')), inPlace);
        else log.info({ chat: chat.id, user: user.id }, 'member still cannot be written to privately; told in the group lately');
      }
      return;
    }
    await send(chat.id, reply, inPlace, market);
  }

  /**
   * Sends `reply` to a chat. What a message of `market` shows is remembered with it: a press on it
   * then acts there, and a live card follows its record.
   */
  async function send(chatId: number, reply: Reply, extra: Parameters<typeof bot.api.sendMessage>[2] = {}, market?: Market) {
    const sent = await bot.api.sendMessage(chatId, renderHtml(reply), { ...messageOptions(reply), ...extra });
    if (reply.shows && market) core.recordCard({ platform: 'telegram', chatId: String(chatId), messageId: String(sent.message_id) }, { marketId: market.id, ...reply.shows });
    return sent;
  }

  /** Edits a remembered card message; a message that can no longer be edited is `gone`. */
  const cardEditor: CardEditor = {
    platform: 'telegram',
    async editCard(location, reply) {
      try {
        await bot.api.editMessageText(Number(location.chatId), Number(location.messageId), renderHtml(reply), messageOptions(reply));
        return 'shown';
      } catch (error) {
        if (!(error instanceof GrammyError)) throw error;
        if (error.description.includes('message is not modified')) return 'shown';
        // Deleted, too old to edit, or a chat the bot was removed from.
        if (error.error_code === 403 || /message to edit not found|message can't be edited|chat not found/i.test(error.description)) return 'gone';
        throw error;
      }
    },
  };

  /**
   * Brings every remembered card of the offer a command changed up to date (the one the member
   * pressed, `pressed`, was edited by the caller already).
   */
  const followChange = (changed: CommandResult['card'], pressed?: Message) =>
    changed &&
    refreshCards({
      core,
      editor: cardEditor,
      log,
      record: { kind: 'offer', id: changed.offerId },
      editedAlready: pressed && { platform: 'telegram', chatId: String(pressed.chat.id), messageId: String(pressed.message_id) },
    });

  // A group that becomes a supergroup gets a new chat id; its market moves with it.
  bot.on('message:migrate_to_chat_id', (ctx) => {
    const moved = core.moveMarket('telegram', String(ctx.chat.id), String(ctx.message.migrate_to_chat_id));
    log.info({ from: ctx.chat.id, to: ctx.message.migrate_to_chat_id, market: moved?.id }, 'group upgraded to a supergroup; market moved');
  });

  // A channel post, or a message Telegram names no sender for, has no member to act for.
  bot.use(async (ctx, next) => {
    if (ctx.from) return next();
    log.debug({ update: ctx.update.update_id, chat: ctx.chat?.id }, 'update without a sender; ignored');
  });

  bot.command('start', async (ctx) => {
    const t = messagesFor(ctx.from?.language_code);
    // Opening the private chat is what lets the bot write to a member: deliver what was waiting.
    if (ctx.chat?.type === 'private' && ctx.from) core.markReachable('telegram', String(ctx.from.id));
    const offerId = /^offer_(\d+)$/.exec(ctx.match.trim())?.[1];
    if (!offerId || !ctx.from) {
      // Someone who trades nowhere yet learns where to start; the others get the greeting alone.
      const newcomer = !ctx.from || core.marketsOf('telegram', String(ctx.from.id)).length === 0;
      return void (await deliver(ctx, { title: t.help.title, text: newcomer ? `${t.help.intro}\n\n${t.useInGroup}` : t.help.intro, visibility: 'personal', tone: 'info' }, t));
    }
    if (!(await enterOffersMarket(ctx.from, Number(offerId)))) return void (await deliver(ctx, { text: t.telegram.offerElsewhere(Number(offerId)), visibility: 'personal', tone: 'error' }, t));
    const details = findCommand('offer');
    if (details) await runAndDeliver(ctx, details, offerId, t);
  });

  bot.command('markets', async (ctx) => {
    if (!ctx.from) return;
    const t = messagesFor(ctx.from.language_code);
    const user = String(ctx.from.id);
    const mine = core.marketsOf('telegram', user);
    // Which groups someone trades in is their own business: a group gets the list in private.
    const visibility = isGroup(ctx.chat) ? 'private' : 'personal';
    const pick = Number(ctx.match.trim());
    if (!isGroup(ctx.chat) && Number.isInteger(pick) && pick >= 1 && pick <= mine.length) {
      const chosen = mine[pick - 1] as Market;
      core.setCurrentMarket('telegram', user, chosen.id);
      return void (await ctx.reply(t.telegram.switched(chosen.title ?? chosen.platformMarketId)));
    }
    if (mine.length === 0) return void (await deliver(ctx, { text: t.useInGroup, visibility, tone: 'info' }, t));
    const current = core.currentMarket('telegram', user)?.id;
    const lines = mine.map((m, i) => `${i + 1}. ${m.title ?? m.platformMarketId}${m.id === current ? ` ${t.telegram.current}` : ''}`);
    await deliver(ctx, { text: [t.telegram.marketsTitle, ...lines, '', t.telegram.switchHint].join('\n'), visibility, tone: 'info' }, t);
  });

  /**
   * Makes an offer's market the member's current one, if it is a Telegram group they trade in and
   * still belong to: an offer's link then opens where the offer is. Offer numbers are easy to
   * guess (a link's payload is the member's to write), and opening one must not make anyone a
   * member of a market.
   */
  async function enterOffersMarket(user: User, offerId: number): Promise<boolean> {
    const offer = core.findOffer(offerId);
    const market = offer && core.getMarket(offer.marketId);
    const inMarket = market && core.findMember(market.id, String(user.id)) && (await isGroupMember(market, user.id));
    if (!market || !inMarket) return false;
    core.setCurrentMarket('telegram', String(user.id), market.id);
    return true;
  }

  /**
   * Runs a catalog command for the update's member: the one path by which an update changes
   * anything. Its update was claimed when its turn came (see the middleware after
   * `sequentialize`), so the command runs at most once.
   */
  async function runCommand(
    ctx: Context,
    command: AnyCommand,
    args: string,
    t: Messages,
    extras: Parameters<typeof executeText>[3] = {},
    known?: Market,
  ): Promise<{ ok: true; result: CommandResult; market: Market } | Refused | undefined> {
    const chat = ctx.chat;
    const user = ctx.from;
    if (!chat || !user) return undefined;
    const scope = scopeOf(chat, user, t, known);
    if (!scope.ok) return scope;
    const result = await executeText(commandContext(scope.market, scope.member, user, t, isGroup(chat)), command, args, extras);
    log.info(
      { market: scope.market.id, member: scope.member.id, offer: result.card?.offerId, command: command.name, via: ctx.callbackQuery ? 'button' : 'text', tone: result.reply.tone },
      'command handled',
    );
    return { ok: true, result, market: scope.market };
  }

  /**
   * Runs a command typed (or linked) in a message and delivers the answer.
   *
   * The answer goes out in the chat's turn, so a chat's answers arrive in the order it asked. The
   * edits that bring the offer's other cards up to date are no part of the answer: they go out
   * after the turn (in their chats' edit lines), and the chat's next command need not wait for
   * them, one round trip or more per card. Should they fail, the card job edits the cards later.
   */
  async function runAndDeliver(ctx: Context, command: AnyCommand, args: string, t: Messages, extras: Parameters<typeof executeText>[3] = {}, answering?: Message) {
    const outcome = await runCommand(ctx, command, args, t, extras);
    if (!outcome) return;
    if (!outcome.ok) return void (await deliver(ctx, { text: outcome.refusal, visibility: 'personal', tone: 'error' }, t, answering));
    const { result, market } = outcome;
    await deliver(ctx, result.reply, t, answering, market);
    const following = followChange(result.card);
    if (!following) return;
    following.catch(() => undefined); // awaited, and a failure reported, by the middleware above
    afterTurn.set(ctx, following);
  }

  /** Posts a card in the market's group; the member has it in the private chat either way. */
  async function showInGroup(market: Market, reply: Reply) {
    try {
      await send(Number(market.platformMarketId), reply, {}, market);
    } catch (error) {
      // The offer stands either way; the member still gets its card in the private chat.
      log.warn({ err: error, market: market.id }, 'could not show the offer card in its group');
    }
  }

  bot.on('message:text', async (ctx, next) => {
    const text = readCommandText(ctx.message);
    const command = text && findCommand(text.name);
    if (!text || !command) return next();
    // An anonymous admin writes as the group itself: there is no member to act for.
    if (ctx.message.sender_chat) return void (await ctx.reply(messagesFor(ctx.from.language_code).telegram.anonymous));
    // In a group, `/post@OtherBot` is for another bot.
    const addressed = /^\/[^\s@]+@(\S+)/.exec(ctx.message.text)?.[1];
    if (addressed && addressed.toLowerCase() !== bot.botInfo.username.toLowerCase()) return next();
    const t = messagesFor(ctx.from.language_code);
    await runAndDeliver(ctx, command, text.args, t, { replyTo: text.replyTo, mentions: text.mentions }, ctx.message);
  });

  bot.on('callback_query:data', async (ctx) => {
    const t = messagesFor(ctx.from.language_code);
    const message = ctx.callbackQuery.message;
    // A press on an inline-mode message comes without its message: no button of ours is there.
    if (!message) return void (await answerPress(ctx, { text: t.press.unknown, show_alert: true }));
    const plan = await planPress({
      core,
      t,
      payload: ctx.callbackQuery.data,
      message: { platform: 'telegram', chatId: String(message.chat.id), messageId: String(message.message_id) },
      chatMarket: isGroup(message.chat) ? groupMarket(message.chat) : undefined,
      presserId: String(ctx.from.id),
      isMember: (market) => isGroupMember(market, ctx.from.id),
    });
    // A refusal answers in the press's own popup: the group's message budget is not spent on it.
    if (!plan.ok) return void (await answerPress(ctx, { text: plan.refusal, show_alert: true }));
    const { call, market } = plan;

    if (isGroup(message.chat) && call.command.name === 'offer') {
      // Details from a group open the offer in the private chat, where the answer belongs. The
      // presser becomes a member of the group's market first, so the link opens for them.
      scopeOf(message.chat, ctx.from, t);
      const offerId = Number(call.args[0]);
      if (!core.getOffer(market.id, offerId)) return void (await answerPress(ctx, { text: t.error({ code: 'offer_not_found', offerId }), show_alert: true }));
      return void (await answerPress(ctx, { url: deepLink(`offer_${offerId}`) }));
    }

    const outcome = await runCommand(ctx, call.command, call.args.join(' '), t, {}, market);
    if (!outcome) return void (await answerPress(ctx));
    if (!outcome.ok) return void (await answerPress(ctx, { text: outcome.refusal, show_alert: true }));
    const { result } = outcome;
    // What the pressed message shows now, if that changes: its own record as it now is (so a stale
    // card fixes itself on the first press), or the page of its list the press asked for.
    const shown = pressedMessage(core, t, plan, result);
    const isPage = shown === result.reply;
    const answersInChat = !isPage && (Boolean(result.reply.buttons?.length) || (!result.card && result.reply.visibility !== 'personal'));
    // Answer the press first: Telegram waits only briefly for it, and a card edit may queue
    // behind the group's flood limit.
    await answerPress(ctx, answersInChat || isPage ? {} : { text: plainText(result.reply), show_alert: result.reply.tone === 'error' });
    if (shown) await editPressedMessage(message, shown);
    if (answersInChat) await deliver(ctx, result.reply, t, undefined, market);
    await followChange(result.card, shown && !isPage ? message : undefined);
  });

  async function editPressedMessage(message: Message, reply: Reply) {
    try {
      await bot.api.editMessageText(message.chat.id, message.message_id, renderHtml(reply), messageOptions(reply));
    } catch (error) {
      // The command has committed: a card that cannot be edited (deleted, too old) must not turn
      // its answer into an error. An unchanged card is the common harmless case.
      if (!(error instanceof GrammyError && error.description.includes('message is not modified'))) {
        log.warn({ err: error, chat: message.chat.id, message: message.message_id }, 'could not update the pressed message');
      }
    }
  }

  // A command the catalog does not know, in a private chat, gets a pointer to /help.
  bot.on('message:text', async (ctx) => {
    if (ctx.chat.type === 'private' && ctx.message.text.startsWith('/')) await ctx.reply(messagesFor(ctx.from.language_code).telegram.unknownCommand);
  });

  bot.catch(async ({ ctx, error }) => {
    log.error({ err: error, update: ctx.update.update_id, chat: ctx.chat?.id, user: ctx.from?.id }, 'telegram update failed');
    const t = messagesFor(ctx.from?.language_code);
    try {
      if (ctx.callbackQuery) await answerPress(ctx, { text: t.internalError, show_alert: true });
      else if (ctx.chat) await ctx.reply(t.internalError);
    } catch (replyError) {
      log.warn({ err: replyError }, 'could not tell the member about the failure');
    }
  });

  const runner: UpdateRunner = createUpdateRunner(bot, {
    allowedUpdates: ['message', 'callback_query'],
    timeoutSeconds: pollingTimeoutSeconds,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    core,
    log,
  });
  // Aborts a start still waiting for Telegram (getMe is retried until it answers).
  const starting = new AbortController();
  return {
    bot,
    /**
     * Initialises, publishes the command menu and starts long polling; resolves once polling runs,
     * or at once if `stop()` is called meanwhile.
     */
    async start(): Promise<void> {
      // grammY retries network errors here until Telegram answers; say what we are waiting for.
      log.info({ apiRoot: options.apiRoot ?? 'https://api.telegram.org' }, 'connecting to Telegram');
      try {
        await bot.init(starting.signal as Parameters<typeof bot.init>[0]);
      } catch (error) {
        if (starting.signal.aborted) return; // stopped while waiting: nothing to start
        throw error;
      }
      if (starting.signal.aborted) return;
      await publishCommandMenu(bot.api, commands, messagesFor('en'));
      if (starting.signal.aborted) return;
      // Long polling gets nothing while a webhook is set (grammY's own start does the same).
      await bot.api.deleteWebhook();
      if (starting.signal.aborted) return;
      // getMe and deleteWebhook just answered: the connection is up before the first poll returns.
      lastPolledAt = Date.now();
      // Runs what the last run left unfinished first, then polls.
      runner.start().catch((error: unknown) => log.error({ err: error }, 'telegram polling stopped'));
      log.info({ bot: bot.botInfo.username }, 'telegram bot polling');
    },
    /** Stops taking updates; resolves when every update already taken is handled. */
    async stop(): Promise<void> {
      starting.abort();
      await runner.stop();
    },
    /** Resolves once no update is being handled (tests wait on it; a member would not). */
    whenIdle: () => runner.whenIdle(),
    /** Card edits, for the card job. */
    cardEditor,
    /**
     * Whether long polling is running and Telegram answered it lately, for the heartbeat: a
     * getUpdates returns within its timeout, so a longer silence means the connection is down.
     */
    isRunning: () => runner.isRunning() && Date.now() - lastPolledAt < (2 * pollingTimeoutSeconds + 15) * 1000,
  };
}

export type TelegramBot = ReturnType<typeof createTelegramBot>;
