/**
 * The message catalog. Commands and adapters take a {@link Messages} and never hold text of their
 * own; a new language is a file like `en.ts` added to {@link catalogs}.
 */
import { en } from './en.js';

export type Messages = typeof en;

const catalogs: Record<string, Messages> = { en };

/** The catalog for a platform's language code (`en`, `en-GB`, ...), English when there is none. */
export function messagesFor(languageCode?: string | null): Messages {
  const language = languageCode?.split(/[-_]/)[0]?.toLowerCase();
  return (language && catalogs[language]) || en;
}

export { itemList, itemName, duration } from './en.js';
