/**
 * Who a Telegram command names. A member can be named by replying to their message, by a text
 * mention (a name linked to an account, for people without a @username), or by @username.
 */
import type { Message, MessageEntity, User } from 'grammy/types';
import type { MemberMention } from '../../../commands/definition.js';

export const displayName = (user: User) => [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username || String(user.id);

export const mentionOf = (user: User): Extract<MemberMention, { kind: 'user' }> => ({
  kind: 'user',
  platformUserId: String(user.id),
  displayName: displayName(user),
  username: user.username ?? null,
});

export interface CommandText {
  /** The command name, lower case, without `/` or `@BotName`. */
  name: string;
  /** Everything after the command, with text mentions replaced by `@@0`, `@@1`, ... (see `mentions`). */
  args: string;
  /** The accounts of the text mentions, in reading order, each with the words it showed (`shown`). */
  mentions: MemberMention[];
  replyTo: MemberMention | undefined;
}

/** Reads the command at the start of a message, or undefined if it does not start with one. */
export function readCommandText(message: Message): CommandText | undefined {
  const text = message.text ?? '';
  const entities: MessageEntity[] = message.entities ?? [];
  const command = entities.find((entity) => entity.type === 'bot_command' && entity.offset === 0);
  if (!command) return undefined;
  const name = text.slice(1, command.length).split('@')[0]?.toLowerCase() ?? '';

  // Replace text mentions from the end so earlier offsets stay valid (offsets count UTF-16 code
  // units, as JavaScript strings do). Each keeps the words it showed: in a note or a reason the
  // placeholder turns back into them.
  const mentions: MemberMention[] = [];
  let args = text;
  const textMentions = entities.filter((entity): entity is MessageEntity.TextMentionMessageEntity => entity.type === 'text_mention');
  for (const entity of [...textMentions].sort((a, b) => b.offset - a.offset)) {
    if (entity.offset < command.length) continue;
    mentions.unshift({ ...mentionOf(entity.user), shown: text.slice(entity.offset, entity.offset + entity.length) });
    args = `${args.slice(0, entity.offset)}@@#${args.slice(entity.offset + entity.length)}`;
  }
  // Number the placeholders in reading order, the order of `mentions`.
  let index = 0;
  args = args.slice(command.length).replace(/@@#/g, () => `@@${index++}`);

  // In a forum topic every message "replies" to the topic's first message: that is not naming anyone.
  const reply = message.reply_to_message;
  const topicStarter = reply !== undefined && (reply.forum_topic_created !== undefined || (message.is_topic_message === true && message.message_thread_id === reply.message_id));
  const replied = topicStarter ? undefined : reply?.from;
  const replyTo = replied && !replied.is_bot ? mentionOf(replied) : undefined;
  return { name, args: args.trim(), mentions, replyTo };
}
