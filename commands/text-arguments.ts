/**
 * Reads a command's options from the text of a message (or a button's stored arguments):
 * positional words first, then `keyword value` pairs. The result is raw values for
 * {@link executeCommand}; nothing is validated here beyond the layout.
 *
 * Members are named as DESIGN says: by @username, by a text mention (which the adapter has
 * replaced by a placeholder, `@@0`, so a name of several words stays one word), or by replying to
 * their message. A positional member option takes the replied-to author when no @name is written;
 * a keyword member option takes it when the keyword stands alone (`/post ... to`), so a reply
 * directs an offer only when the member says so.
 */
import type { CommandDefinition, MemberMention, RawValue } from './definition.js';
import type { ArgumentProblem } from './options.js';
import { splitKeywords } from './parse/command-line.js';

export interface TextContext {
  /** The author of the message the command replied to, if any. */
  replyTo?: MemberMention | undefined;
  /**
   * Members named by text mentions, which the adapter replaced in the text by `@@0`, `@@1`, ...
   * Where a placeholder lands in an option that is not a member, the mention's `shown` words
   * (else the member's name) are put back.
   */
  mentions?: readonly MemberMention[];
}

export type TextProblem =
  | { kind: 'repeated'; option: string }
  | { kind: 'unexpected'; text: string }
  /** An option is present but cannot be read, e.g. a bare `to` that replies to no one. */
  | { kind: 'invalid'; option: string; problem: ArgumentProblem };

export type TextArguments = { ok: true; values: Record<string, RawValue | undefined> } | { ok: false; problem: TextProblem };

const MENTION_PLACEHOLDER = /^@@(\d+)$/;
const MENTION_PLACEHOLDERS = /@@(\d+)/g;

/** The words a mention stands for in plain text. */
const shownText = (mention: MemberMention) => (mention.kind === 'user' ? (mention.shown ?? mention.displayName) : `@${mention.username}`);

export function readTextArguments(definition: CommandDefinition, text: string, context: TextContext = {}): TextArguments {
  const specs = Object.values(definition.options).map((option) => option.spec);
  const keywords = specs.filter((spec) => spec.form === 'keyword');
  const split = splitKeywords(
    text,
    keywords.map((spec) => spec.name),
    { trailing: keywords.filter((spec) => spec.trailing).map((spec) => spec.name) },
  );
  if (split.repeated) return { ok: false, problem: { kind: 'repeated', option: split.repeated } };

  const mentions = context.mentions ?? [];
  /** A member option's word: the member a placeholder stands for, or the word (`@alice`). */
  const toMember = (word: string): RawValue => {
    const placeholder = MENTION_PLACEHOLDER.exec(word);
    return (placeholder && mentions[Number(placeholder[1])]) || word;
  };
  /** Any other option's text, with each placeholder turned back into the words the message showed. */
  const restore = (words: string): string =>
    words.replace(MENTION_PLACEHOLDERS, (whole, index: string) => {
      const mention = mentions[Number(index)];
      return mention ? shownText(mention) : whole;
    });

  const values: Record<string, RawValue | undefined> = {};
  let rest = split.leading;
  const nextWord = () => {
    const match = /^\s*(\S+)/.exec(rest);
    if (!match) return undefined;
    rest = rest.slice(match[0].length);
    return match[1];
  };
  const peekWord = () => /^\s*(\S+)/.exec(rest)?.[1];

  for (const spec of specs) {
    if (spec.form !== 'positional') continue;
    if (spec.kind === 'member') {
      // A member is named by @username, a text mention, or by replying to their message.
      const word = peekWord();
      if (word?.startsWith('@')) values[spec.name] = toMember(nextWord() ?? '');
      else if (context.replyTo) values[spec.name] = context.replyTo;
      else if (spec.required && word !== undefined) values[spec.name] = restore(nextWord() ?? '');
    } else {
      const word = nextWord();
      values[spec.name] = word === undefined ? undefined : restore(word);
    }
  }
  const restSpec = specs.find((spec) => spec.form === 'rest');
  const leftover = rest.trim();
  if (restSpec) {
    if (leftover) values[restSpec.name] = restore(leftover);
  } else if (leftover) {
    return { ok: false, problem: { kind: 'unexpected', text: restore(leftover) } };
  }
  for (const spec of keywords) {
    const value = split.parts[spec.name];
    if (value === undefined) continue;
    if (spec.kind === 'member') {
      if (value !== '') values[spec.name] = toMember(value);
      // A bare member keyword names the author of the message replied to.
      else if (context.replyTo) values[spec.name] = context.replyTo;
      else return { ok: false, problem: { kind: 'invalid', option: spec.name, problem: { problem: 'not_a_member' } } };
    } else if (value !== '') {
      values[spec.name] = restore(value);
    }
  }
  return { ok: true, values };
}
