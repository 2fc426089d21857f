/**
 * Builders for command options. Each builds the option's shape for the adapters (its words come
 * from the message catalog, see `describeCommands`) and the zod schema that turns a raw value (text typed in Telegram, a typed Discord value) into the
 * handler's value. A failed schema carries an {@link ArgumentProblem} that the message catalog
 * turns into a sentence naming the option.
 */
import { z } from 'zod';
import type { PageCursor } from '../src/core/paging.js';
import type { ItemRequest } from '../src/core/types.js';
import type { AutocompleteSource, CommandOption, MemberMention, OptionKind, OptionSpec, RawValue, TextForm } from './definition.js';
import { parseCountedItems, parseItems, type ItemsSyntaxError, type ParseResult } from './parse/items.js';

export type ArgumentProblem =
  | { problem: 'not_integer' }
  | { problem: 'out_of_range'; min: number; max: number }
  | { problem: 'too_long'; max: number }
  | { problem: 'not_a_choice'; choices: readonly string[] }
  | { problem: 'not_a_member' }
  /** Not a number at all (`twelve`). */
  | { problem: 'not_a_number_reference'; kind: 'offer' | 'trade' }
  /** A number, but offers and trades are numbered from 1 (`0`, `-3`). */
  | { problem: 'number_below_one'; kind: 'offer' | 'trade' }
  | { problem: 'items'; error: ItemsSyntaxError }
  /** A page cursor that is none: typed by hand (`page 2`, the old paging), or a forged button. */
  | { problem: 'not_a_page' };

interface Common<R extends boolean> {
  required?: R;
  form?: TextForm;
}

type Refine = { addIssue(issue: { code: 'custom'; message: string; params: ArgumentProblem }): void };
const refuse = (ctx: Refine, problem: ArgumentProblem) => {
  ctx.addIssue({ code: 'custom', message: problem.problem, params: problem });
  return z.NEVER;
};

const raw = z.union([z.string(), z.number(), z.object({ kind: z.string() }).loose()]) as unknown as z.ZodType<RawValue, RawValue>;

/** The description every builder shares; its words are filled in later from the catalog. */
function specOf(name: string, kind: OptionKind, options: Common<boolean>, defaults: { form: TextForm; placeholder: string }): OptionSpec {
  return { name, kind, description: '', required: options.required ?? true, form: options.form ?? defaults.form, placeholder: defaults.placeholder };
}

function build<T, R extends boolean>(spec: OptionSpec, convert: (value: RawValue, ctx: Refine) => T): CommandOption<T, NoInfer<R>> {
  return { spec, schema: raw.transform((value, ctx) => convert(value, ctx as unknown as Refine)) as z.ZodType<T, RawValue>, required: spec.required as R };
}

/** A whole number, as typed (`12`, `#12`, `-3`) or as Discord sends it; undefined for anything else. */
const wholeNumber = (value: RawValue): number | undefined => {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/^#/, '');
  return /^-?\d{1,15}$/.test(text) ? Number(text) : undefined;
};

/** An ITEMS option read by `parse`: typed as text on every platform, autocompleted on Discord. */
function itemListOption<T, R extends boolean>(name: string, options: Common<R> & { autocomplete?: AutocompleteSource }, parse: (text: string) => ParseResult<T>): CommandOption<T, NoInfer<R>> {
  const spec: OptionSpec = { ...specOf(name, 'items', options, { form: 'keyword', placeholder: 'ITEMS' }), maxLength: 500 };
  if (options.autocomplete) spec.autocomplete = options.autocomplete;
  return build<T, R>(spec, (value, ctx) => {
    const parsed = parse(String(value));
    return parsed.ok ? parsed.value : refuse(ctx, { problem: 'items', error: parsed.error });
  });
}

/** An ITEMS list, `5 apple, pear` (a bare name is one). */
export const itemsOption = <R extends boolean = true>(name: string, options: Common<R> & { autocomplete?: AutocompleteSource } = {}) =>
  itemListOption<ItemRequest[], R>(name, options, parseItems);

/** An ITEMS list where a bare name keeps no quantity (a wish: "any amount"). */
export const wishItemsOption = <R extends boolean = true>(name: string, options: Common<R> & { autocomplete?: AutocompleteSource } = {}) =>
  itemListOption<Array<{ name: string; quantity: number | null }>, R>(name, options, parseCountedItems);

export function integerOption<R extends boolean = true>(
  name: string,
  options: Common<R> & { min: number; max: number; placeholder?: string },
): CommandOption<number, NoInfer<R>> {
  const { min, max } = options;
  const spec: OptionSpec = { ...specOf(name, 'integer', options, { form: 'keyword', placeholder: options.placeholder ?? 'N' }), min, max };
  return build<number, R>(spec, (value, ctx) => {
    const number = wholeNumber(value);
    if (number === undefined) return refuse(ctx, { problem: 'not_integer' });
    if (number < min || number > max) return refuse(ctx, { problem: 'out_of_range', min, max });
    return number;
  });
}

export function textOption<R extends boolean = true>(
  name: string,
  options: Common<R> & {
    maxLength: number;
    trailing?: boolean;
    placeholder?: string;
    autocomplete?: AutocompleteSource;
    buttonForm?: 'item-number' | 'words';
  },
): CommandOption<string, NoInfer<R>> {
  const spec: OptionSpec = {
    ...specOf(name, 'text', options, { form: 'keyword', placeholder: options.placeholder ?? 'TEXT' }),
    maxLength: options.maxLength,
  };
  if (options.trailing) spec.trailing = true;
  if (options.autocomplete) spec.autocomplete = options.autocomplete;
  if (options.buttonForm) spec.buttonForm = options.buttonForm;
  return build<string, R>(spec, (value, ctx) => {
    const text = String(value).trim();
    return text.length > options.maxLength ? refuse(ctx, { problem: 'too_long', max: options.maxLength }) : text;
  });
}

export function choiceOption<const C extends readonly string[], R extends boolean = true>(
  name: string,
  options: Common<R> & { choices: C },
): CommandOption<C[number], NoInfer<R>> {
  const spec: OptionSpec = {
    ...specOf(name, 'choice', options, { form: 'positional', placeholder: options.choices.join('|') }),
    choices: options.choices,
  };
  return build<C[number], R>(spec, (value, ctx) => {
    const text = String(value).trim().toLowerCase();
    return options.choices.includes(text) ? (text as C[number]) : refuse(ctx, { problem: 'not_a_choice', choices: options.choices });
  });
}

/**
 * One or several of `members`, or a group's name, typed as words (`pending cancelled`,
 * `pending, cancelled`) and read as one canonical choice: a group's name when the set is exactly
 * a group, else the members in their list order joined by commas. Its choices are every canonical
 * set, so a menu (Discord) offers each one and a button writes each in one way.
 */
export function choiceSetOption<R extends boolean = true>(
  name: string,
  options: Common<R> & { members: readonly string[]; groups: Readonly<Record<string, readonly string[]>> },
): CommandOption<string, NoInfer<R>> {
  const { members, groups } = options;
  const canonical = (set: ReadonlySet<string>) => {
    const listed = members.filter((member) => set.has(member));
    const group = Object.entries(groups).find(([, of]) => of.length === listed.length && of.every((member) => set.has(member)));
    return group ? group[0] : listed.join(',');
  };
  const subsets = [...Array(2 ** members.length).keys()].slice(1).map((bits) => new Set(members.filter((_, i) => bits & (1 << i))));
  const choices = [...new Set([...Object.keys(groups), ...subsets.sort((a, b) => a.size - b.size).map(canonical)])];
  const spec: OptionSpec = { ...specOf(name, 'choice', { form: 'rest', ...options }, { form: 'rest', placeholder: choices.slice(0, Object.keys(groups).length + members.length).join('|') }), choices };
  return build<string, R>(spec, (value, ctx) => {
    const words = String(value).trim().toLowerCase().split(/[\s,]+/).filter(Boolean);
    const set = new Set<string>();
    for (const word of words) {
      const named = groups[word] ?? (members.includes(word) ? [word] : undefined);
      if (!named) return refuse(ctx, { problem: 'not_a_choice', choices: [...Object.keys(groups), ...members] });
      for (const member of named) set.add(member);
    }
    return set.size ? canonical(set) : refuse(ctx, { problem: 'not_a_choice', choices: [...Object.keys(groups), ...members] });
  });
}

export function memberOption<R extends boolean = true>(name: string, options: Common<R> = {}): CommandOption<MemberMention, NoInfer<R>> {
  const spec = specOf(name, 'member', options, { form: 'positional', placeholder: '@member' });
  return build<MemberMention, R>(spec, (value, ctx) => {
    if (typeof value === 'object') return value;
    const text = String(value).trim();
    return /^@\w{3,32}$/.test(text) ? { kind: 'username', username: text.slice(1) } : refuse(ctx, { problem: 'not_a_member' });
  });
}

/** An offer (`12` or `#12`); `kind` decides the placeholder and where autocomplete looks. */
export function numberReferenceOption<R extends boolean = true>(
  name: string,
  options: Common<R> & { kind: 'offer' | 'trade'; autocomplete?: AutocompleteSource },
): CommandOption<number, NoInfer<R>> {
  const spec: OptionSpec = {
    ...specOf(name, options.kind, options, { form: 'positional', placeholder: options.kind === 'offer' ? 'OFFER' : 'TRADE' }),
    min: 1,
  };
  if (options.autocomplete) spec.autocomplete = options.autocomplete;
  return build<number, R>(spec, (value, ctx) => {
    const number = wholeNumber(value);
    // `0` is a number: say what is wrong with it rather than ask for a number.
    if (number === undefined) return refuse(ctx, { problem: 'not_a_number_reference', kind: options.kind });
    return number >= 1 ? number : refuse(ctx, { problem: 'number_below_one', kind: options.kind });
  });
}

/** A page cursor as a button writes it: `after-120` or `before-7` (an entry's number, from 1). */
export const PAGE_CURSOR = /^(after|before)-([1-9][0-9]{0,9})$/;

/** A page cursor as the page buttons write it (see {@link PAGE_CURSOR}). */
export const pageCursorText = (cursor: PageCursor) => ('after' in cursor ? `after-${cursor.after}` : `before-${cursor.before}`);

/**
 * `page after-120`: where a page of a list starts, written only by the list's page buttons (it is
 * left out of usage lines and slash commands). The keyword is the one the old `page N` used, so a
 * member who still types that is told to use the buttons.
 */
/**
 * The member a list is filtered to, by number, as its page buttons carry it (a mention cannot
 * travel in a button). Written only by buttons, like the page cursor.
 */
export function memberNumberOption(): CommandOption<number, false> {
  const option = integerOption<false>('member-number', { required: false, min: 1, max: 9_999_999_999, placeholder: 'N' });
  option.spec.buttonOnly = true;
  return option;
}

export function pageOption(): CommandOption<PageCursor, false> {
  const spec: OptionSpec = { ...specOf('page', 'text', { required: false }, { form: 'keyword', placeholder: 'PAGE' }), buttonForm: 'page', buttonOnly: true };
  return build<PageCursor, false>(spec, (value, ctx) => {
    const match = PAGE_CURSOR.exec(String(value).trim());
    if (!match) return refuse(ctx, { problem: 'not_a_page' });
    const id = Number(match[2]);
    return match[1] === 'after' ? { after: id } : { before: id };
  });
}

/**
 * `saved 42`: a list's filter saved for its page buttons (see src/core/saved-filters.ts), written
 * only by the buttons of a list whose filter does not fit in one (a search).
 */
export function savedFilterOption(): CommandOption<number, false> {
  const option = integerOption<false>('saved', { required: false, min: 1, max: 9_999_999_999, placeholder: 'N' });
  option.spec.buttonOnly = true;
  return option;
}
