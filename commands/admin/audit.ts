/**
 * `/admin audit`: replays this market's ledger against its inventories and escrow (src/core/audit.ts)
 * and answers OK, or the differences by name, in one message.
 */
import type { AuditDifference } from '../../src/core/audit.js';
import { defineCommand, type CommandContext } from '../definition.js';
import { clipLine } from '../render/list-page.js';
import { personalReply } from '../render/replies.js';

/** Differences shown by name; a market with more has a bug worth the operator's full report. */
const SHOWN = 15;

function named(ctx: CommandContext, difference: AuditDifference) {
  const member = 'memberId' in difference ? ctx.core.getMember(difference.memberId)?.displayName : undefined;
  const item = 'itemId' in difference ? ctx.core.getItem(ctx.market.id, difference.itemId)?.name : undefined;
  return { difference, member, item };
}

export default defineCommand({
  name: 'audit',
  audience: 'admin',
  readOnly: true,
  options: {},
  run(ctx) {
    const t = ctx.t.adminTools.audit;
    const report = ctx.core.audit(ctx.market.id);
    if (report.ok) return { reply: personalReply(t.ok(report.ledgerRows, report.totals.length), { title: t.title }) };
    const { differences } = report;
    const lines = differences.slice(0, SHOWN).map((difference) => clipLine(t.line(named(ctx, difference))));
    if (differences.length > SHOWN) lines.push(t.more(differences.length - SHOWN));
    return { reply: personalReply([...lines, '', t.advice].join('\n'), { title: t.differencesTitle(differences.length), tone: 'error' }) };
  },
});
