/**
 * Reads a command's options from the text of a message (or a button's stored arguments):
 * positional words first, then `keyword value` pairs. The result is raw values for
 * {@link executeCommand}; nothing is validated here beyond the layout.
 */
import type { CommandDefinition, MemberMention, RawValue } from './definition.js';
import { splitKeywords } from './parse/command-line.js';

export interface TextContext {
  /** The author of the message the command replied to, if any. */
  replyTo?: MemberMention | undefined;
  /** Members named by text mentions, which the adapter replaced in the text by `@@0`, `@@1`, ... */
  mentions?: readonly MemberMention[];
}

export type TextArguments =
  | { ok: true; values: Record<string, RawValue | undefined> }
  | { ok: false; problem: { kind: 'repeated'; option: string } | { kind: 'unexpected'; text: string } };

const MENTION_PLACEHOLDER = /^@@(\d+)$/;

export function readTextArguments(definition: CommandDefinition, text: string, context: TextContext = {}): TextArguments {
  const specs = Object.values(definition.options).map((option) => option.spec);
  const keywords = specs.filter((spec) => spec.form === 'keyword');
  const split = splitKeywords(
    text,
    keywords.map((spec) => spec.name),
    { trailing: keywords.filter((spec) => spec.trailing).map((spec) => spec.name) },
  );
  if (split.repeated) return { ok: false, problem: { kind: 'repeated', option: split.repeated } };

  const values: Record<string, RawValue | undefined> = {};
  const toValue = (word: string): RawValue => {
    const placeholder = MENTION_PLACEHOLDER.exec(word);
    const mention = placeholder ? context.mentions?.[Number(placeholder[1])] : undefined;
    return mention ?? word;
  };

  let rest = split.leading;
  const nextWord = () => {
    const match = /^\s*(\S+)/.exec(rest);
    if (!match) return undefined;
    rest = rest.slice(match[0].length);
    return match[1];
  };
  const peekWord = () => /^\s*(\S+)/.exec(rest)?.[1];

  for (const spec of specs) {
    if (spec.form === 'positional') {
      if (spec.kind === 'member') {
        // A member is named by @username, a text mention, or by replying to their message.
        const word = peekWord();
        if (word?.startsWith('@')) values[spec.name] = toValue(nextWord() ?? '');
        else if (context.replyTo) values[spec.name] = context.replyTo;
        else if (spec.required && word !== undefined) values[spec.name] = nextWord();
      } else {
        values[spec.name] = nextWord();
      }
    }
  }
  const restSpec = specs.find((spec) => spec.form === 'rest');
  const leftover = rest.trim();
  if (restSpec) {
    if (leftover) values[restSpec.name] = leftover;
  } else if (leftover) {
    return { ok: false, problem: { kind: 'unexpected', text: leftover } };
  }
  for (const spec of keywords) {
    const value = split.parts[spec.name];
    if (value !== undefined && value !== '') values[spec.name] = spec.kind === 'member' ? toValue(value) : value;
  }
  return { ok: true, values };
}
