// Issue 13, search, on Telegram: the real grammY bot long polling a fake Bot API on 127.0.0.1.
// `/search` typed with its keywords answers with the best matches, and its page buttons (which
// carry a saved search: the words and filters do not fit in 64 bytes) edit the list in place
// until every match was shown once; /catalog says which names were meant when nothing matches.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import type { MemberRef } from '../../src/core/types.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { items, unwrap } from '../support/market.js';
import { buttonsOf, telegramGroup } from '../support/telegram-group.js';

const group: FakeChat = { id: -1009013, type: 'supergroup', title: 'Search market' };
const admin: FakeUser = { id: 1300, first_name: 'Ada', username: 'ada_admin' };
const alice: FakeUser = { id: 1301, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 1302, first_name: 'Bobby', username: 'bobby' };

const NEXT = 'Next ▶';
const PREVIOUS = '◀ Previous';

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;

const { say, press, texts, lastCard } = telegramGroup(() => fake, group, () => telegram);
const marketId = () => store.core.findMarket('telegram', String(group.id))!.id;
const member = (user: FakeUser): MemberRef => store.core.findMember(marketId(), String(user.id))!;
const now = (message: Message) => fake.message(group.id, message.message_id)!;
const data = (message: Message, label: string) => buttonsOf(now(message)).find(([text]) => text === label)?.[1];
const lines = (message: Message) => (now(message).text ?? '').split('\n');
const offerNumbers = (shown: string[]) => shown.flatMap((line) => /^#(\d+) /.exec(line)?.[1] ?? []).map(Number);

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore();
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log: pino({ level: 'silent' }), pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(group.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby]) await say(user, '/help');
  await say(admin, '/admin item-add Golden Apple');
  await say(admin, '/admin item-add orange');
  unwrap(store.core.grantItems(marketId(), member(admin).id, member(alice).id, items(['golden-apple', 500])));
  unwrap(store.core.grantItems(marketId(), member(admin).id, member(bobby).id, items(['orange', 500])));
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('Telegram /search', () => {
  it('finds offers by words and filters, and its page buttons edit the list until every match was shown once', async () => {
    const post = (owner: FakeUser, give: string, want: string, hours: number, note: string | null) =>
      unwrap(store.core.postOffer({ marketId: marketId(), ownerId: member(owner).id, give: items([give, 1]), want: items([want, 1]), hours, note })).id;
    const crisp = Array.from({ length: 23 }, (_, i) => post(alice, 'golden-apple', 'orange', 1 + i, 'crisp and sweet'));
    post(alice, 'golden-apple', 'orange', 2, 'soft');
    post(bobby, 'orange', 'golden-apple', 2, 'crisp too');

    const { calls } = await say(bobby, '/search crisp goldn gives golden apple by @alice');
    expect(texts(calls)).toHaveLength(1);
    const list = lastCard();
    expect(lines(list)[0]).toBe('Search: "crisp goldn", gives Golden Apple, by Alice, "goldn" read as Golden Apple');
    expect(buttonsOf(list)).toEqual([[NEXT, expect.stringMatching(/^search saved \d+ page after-\d+$/)]]);

    const pages = [offerNumbers(lines(list))];
    for (let next = data(list, NEXT); next; next = data(list, NEXT)) {
      const pressed = await press(alice, now(list), next);
      expect(pressed.filter((c) => c.method === 'sendMessage')).toEqual([]);
      expect(pressed.filter((c) => c.method === 'editMessageText').map((c) => Number(c.params.message_id))).toEqual([list.message_id]);
      pages.push(offerNumbers(lines(list)));
    }
    expect(pages.map((page) => page.length)).toEqual([10, 10, 3]);
    expect(pages.flat()).toEqual(crisp);

    await press(bobby, now(list), data(list, PREVIOUS)!);
    expect(offerNumbers(lines(list))).toEqual(pages[1]);
  });

  it('answers bad input with one sentence, and /catalog suggests what was meant', async () => {
    expect(texts((await say(bobby, '/search rating 7')).calls)).toEqual([expect.stringMatching(/rating/)]);
    expect(texts((await say(bobby, '/search wants aple')).calls)).toEqual([expect.stringContaining('Golden Apple')]);
    expect(texts((await say(bobby, '/catalog oranje')).calls)).toEqual([expect.stringContaining('Did you mean "orange"?')]);
  });
});
