/**
 * Reads TradeMaximizer's want-list format into {@link MathTradeEntry} values.
 *
 * A line is one of: blank; `#! OPTION ...` (before any want list); `# comment`; the official-names
 * block (`!BEGIN-OFFICIAL-NAMES`, one name per line, `!END-OFFICIAL-NAMES`); or a want list,
 * `(user) ITEM : WANT1 WANT2 ; WANT3`, where the user and the colon are optional unless the
 * options require them, `%NAME` is a dummy item and `;` lowers the rank of the wants after it.
 * Names are read case-insensitively (upper-cased), as TradeMaximizer does by default.
 */
import { applyOption, DEFAULT_PARSE_OPTIONS, type ParseOptions } from './options.js';
import type { MathTradeEntry, WantListParse } from './want-list.js';

/** A line that cannot be read; caught in {@link parseWantList} and returned as a value. */
class LineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

interface ParserState {
  options: ParseOptions;
  optionWords: string[];
  officialNames: Set<string> | null;
  readingOfficialNames: boolean;
  entries: MathTradeEntry[];
  warnings: string[];
}

/** Parses a whole want-list file; a malformed line gives its number and what was expected there. */
export function parseWantList(text: string): WantListParse {
  const state: ParserState = {
    options: { ...DEFAULT_PARSE_OPTIONS },
    optionWords: [],
    officialNames: null,
    readingOfficialNames: false,
    entries: [],
    warnings: [],
  };
  const lines = text.split(/\r?\n/);
  try {
    lines.forEach((raw, index) => readLine(raw.trim(), index + 1, state));
    const lastLine = lines.at(-1) === '' ? lines.length - 1 : lines.length;
    if (state.readingOfficialNames) throw new LineError(lastLine, 'expected !END-OFFICIAL-NAMES before the end of the file');
  } catch (error) {
    if (error instanceof LineError) return { ok: false, error: { line: error.line, message: error.message } };
    throw error;
  }
  return {
    ok: true,
    wantList: { entries: state.entries, options: state.optionWords, officialNames: state.officialNames, warnings: state.warnings },
  };
}

function readLine(line: string, lineNumber: number, state: ParserState): void {
  if (line.length === 0) return;
  if (line.startsWith('#!')) return readOptions(line, lineNumber, state);
  if (line.startsWith('#')) return;
  const upper = line.toUpperCase();
  if (upper === '!BEGIN-OFFICIAL-NAMES') return beginOfficialNames(lineNumber, state);
  if (upper === '!END-OFFICIAL-NAMES') {
    if (!state.readingOfficialNames) throw new LineError(lineNumber, 'expected !BEGIN-OFFICIAL-NAMES before !END-OFFICIAL-NAMES');
    state.readingOfficialNames = false;
    return;
  }
  if (state.readingOfficialNames) return readOfficialName(upper, lineNumber, state);
  if (line.includes('#')) throw new LineError(lineNumber, 'expected a comment (#) only at the start of a line');
  state.entries.push(readWantLine(upper, lineNumber, state.options));
}

function readOptions(line: string, lineNumber: number, state: ParserState): void {
  if (state.entries.length > 0) throw new LineError(lineNumber, 'expected options (#!) before the first want list');
  if (state.officialNames) throw new LineError(lineNumber, 'expected options (#!) before the official names');
  for (const word of line.slice(2).trim().toUpperCase().split(/\s+/)) {
    if (word.length === 0) continue;
    state.optionWords.push(word);
    const warning = applyOption(word, state.options, lineNumber);
    if (warning) state.warnings.push(warning);
  }
}

function beginOfficialNames(lineNumber: number, state: ParserState): void {
  if (state.officialNames) throw new LineError(lineNumber, 'expected one official-names block only');
  if (state.entries.length > 0) throw new LineError(lineNumber, 'expected the official names before the first want list');
  state.officialNames = new Set();
  state.readingOfficialNames = true;
}

function readOfficialName(line: string, lineNumber: number, state: ParserState): void {
  const name = line.split(/[:\s]/)[0] ?? '';
  if (name.length === 0) throw new LineError(lineNumber, 'expected an official item name at the start of the line, not a colon');
  if (name.startsWith('%')) throw new LineError(lineNumber, 'expected a real item name: dummy items (%) have no official names');
  if (name.includes('#')) throw new LineError(lineNumber, 'expected an item name without #');
  if (state.officialNames?.has(name)) throw new LineError(lineNumber, `expected each official name once; ${name} is already defined`);
  state.officialNames?.add(name);
}

/** `(USER) ITEM : WANT1 WANT2 ; WANT3` (already upper case) into an entry. */
function readWantLine(line: string, lineNumber: number, options: ParseOptions): MathTradeEntry {
  const { owner, rest } = splitOwner(line, lineNumber, options);
  const { item, wantText } = splitItem(rest, lineNumber, options);
  const isDummy = item.startsWith('%');
  if (isDummy && owner === null) throw new LineError(lineNumber, `expected a username before the dummy item ${item}: a dummy belongs to one user`);
  if (isDummy && !options.allowDummies) throw new LineError(lineNumber, `expected the option ALLOW-DUMMIES (#! ALLOW-DUMMIES) before the dummy item ${item}`);
  return { name: item, owner, isDummy, wants: rankGroups(wantText, lineNumber), line: lineNumber };
}

function splitOwner(line: string, lineNumber: number, options: ParseOptions): { owner: string | null; rest: string } {
  if (!line.startsWith('(')) {
    if (options.requireUsernames) throw new LineError(lineNumber, 'expected a username in parentheses at the start of the line (REQUIRE-USERNAMES)');
    if (line.includes('(') || line.includes(')')) throw new LineError(lineNumber, 'expected a username in parentheses only at the start of the line');
    return { owner: null, rest: line };
  }
  const close = line.indexOf(')');
  if (close === -1) throw new LineError(lineNumber, "expected ')' closing the username");
  if (line.indexOf('(', 1) !== -1 || line.indexOf(')', close + 1) !== -1) throw new LineError(lineNumber, 'expected one username in parentheses per line');
  const owner = line.slice(1, close).trim();
  if (owner.length === 0) throw new LineError(lineNumber, 'expected a username between the parentheses');
  const rest = line.slice(close + 1).trim();
  if (rest.length === 0) throw new LineError(lineNumber, 'expected an item after the username');
  return { owner, rest };
}

function splitItem(rest: string, lineNumber: number, options: ParseOptions): { item: string; wantText: string } {
  const colon = rest.indexOf(':');
  const semicolon = rest.indexOf(';');
  if (colon === -1) {
    if (options.requireColons) throw new LineError(lineNumber, "expected a colon after the item's name (REQUIRE-COLONS)");
    const [item = '', ...wants] = rest.replaceAll(';', ' ; ').split(/\s+/);
    if (item.length === 0 || item === ';') throw new LineError(lineNumber, 'expected an item before the first semicolon');
    return { item, wantText: wants.join(' ') };
  }
  if (rest.indexOf(':', colon + 1) !== -1) throw new LineError(lineNumber, 'expected one colon per line');
  if (semicolon !== -1 && semicolon < colon) throw new LineError(lineNumber, 'expected the colon before any semicolon');
  const item = rest.slice(0, colon).trim();
  if (item.length === 0) throw new LineError(lineNumber, 'expected an item name before the colon');
  if (/\s/.test(item)) throw new LineError(lineNumber, `expected exactly one item before the colon, found "${item}"`);
  return { item, wantText: rest.slice(colon + 1) };
}

/** `A B ; C` into `[[A, B], [C]]`; empty groups (a leading or doubled `;`) still lower the rank. */
function rankGroups(wantText: string, lineNumber: number): string[][] {
  const groups: string[][] = [[]];
  for (const word of wantText.replaceAll(';', ' ; ').split(/\s+/)) {
    if (word.length === 0) continue;
    if (word === ';') groups.push([]);
    else if (word.includes('=')) throw new LineError(lineNumber, `expected a plain item name, found "${word}" (explicit priorities are not implemented)`);
    else groups.at(-1)?.push(word);
  }
  return groups;
}
