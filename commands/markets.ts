/**
 * `/markets [NUMBER]`: the markets a member trades in, and which one their private chat acts on;
 * with a number (in the private chat), switches to that one. Only where a private chat acts on a
 * picked market (capability `privateMarkets`).
 */
import type { Market } from '../src/core/types.js';
import { defineCommand, type CommandContext, type CommandResult } from './definition.js';
import { integerOption } from './options.js';
import { refusal } from './render/replies.js';

const titleOf = (market: Market) => market.title ?? market.platformMarketId;

export default defineCommand({
  name: 'markets',
  audience: 'everyone',
  // Picking a market changes only where the member's own private chat points.
  readOnly: true,
  requires: 'privateMarkets',
  options: { number: integerOption('number', { required: false, min: 1, max: 1000, form: 'positional', placeholder: 'NUMBER' }) },
  async run(ctx, args) {
    const mine = ctx.core.marketsOf(ctx.market.platform, ctx.member.platformUserId);
    // In a group the list goes to the private chat, and a pick is made there.
    if (args.number === undefined || !ctx.inPrivate) return listMarkets(ctx, mine);
    const chosen = mine[args.number - 1];
    if (!chosen) return refusal(ctx.t.markets.noSuch(args.number, mine.length));
    const entered = await ctx.enterMarket?.(chosen);
    if (!entered) return refusal(ctx.t.noLongerMember(chosen.title));
    return { reply: { text: ctx.t.markets.switched(titleOf(chosen)), visibility: 'personal', tone: 'success' }, market: entered.market };
  },
});

/** Which groups someone trades in is their own business: never shown to a group. */
function listMarkets(ctx: CommandContext, mine: readonly Market[]): CommandResult {
  const current = ctx.core.currentMarket(ctx.market.platform, ctx.member.platformUserId)?.id;
  const lines = mine.map((market, i) => `${i + 1}. ${titleOf(market)}${market.id === current ? ` ${ctx.t.markets.current}` : ''}`);
  return { reply: { text: [ctx.t.markets.title, ...lines, '', ctx.t.markets.switchHint].join('\n'), visibility: ctx.inPrivate ? 'personal' : 'private', tone: 'info' } };
}
