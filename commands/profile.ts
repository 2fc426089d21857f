/**
 * `/profile [@member]`: the member's reputation (the score and how many distinct partners rated),
 * completed trades, since when they trade here, and the latest reviews others wrote of them.
 */
import { defineCommand } from './definition.js';
import { memberOption } from './options.js';
import { privateReply, refusal, resolveMember } from './render/replies.js';

export default defineCommand({
  name: 'profile',
  audience: 'everyone',
  readOnly: true,
  options: { member: memberOption('member', { required: false }) },
  run(ctx, args) {
    let member = ctx.member;
    if (args.member) {
      const resolved = resolveMember(ctx, args.member);
      if (!resolved.ok) return refusal(resolved.refusal);
      member = resolved.member;
    }
    const profile = ctx.core.getProfile(member.id);
    if (!profile) throw new Error(`profile of member ${member.id} vanished`);
    const t = ctx.t.profile;
    const { reputation } = profile;
    const fields = [
      { name: t.rating, value: t.ratingValue(reputation) },
      { name: t.trades, value: String(profile.tradesCompleted) },
      { name: t.memberSince, value: t.since(profile.memberSince) },
    ];
    if (member.bannedAt !== null) fields.push({ name: t.banned, value: member.banReason ?? '-' });
    if (profile.latestReviews.length === 0) fields.push({ name: t.reviews, value: t.noReviews });
    // One field per review: a comment runs to 500 characters, and Discord allows 1,024 a field.
    for (const review of profile.latestReviews) {
      fields.push({ name: t.review(review.stars, review.author.displayName, review.ratedAt, review.tradeId), value: review.comment ?? t.noComment });
    }
    return { reply: privateReply('', { title: t.title(member.displayName), fields }) };
  },
});
