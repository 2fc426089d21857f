/** `/profile [@member]`: reputation: completed trades and the stars others gave. */
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
    const t = ctx.t.profile;
    const fields = [
      { name: t.trades, value: String(profile?.tradesCompleted ?? 0) },
      { name: t.rating, value: profile?.averageRating != null ? t.ratingValue(profile.averageRating, profile.ratingCount) : t.noRatings },
    ];
    if (member.bannedAt !== null) fields.push({ name: t.banned, value: member.banReason ?? '-' });
    return { reply: privateReply('', { title: t.title(member.displayName), fields }) };
  },
});
