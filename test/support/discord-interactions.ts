/**
 * Reading what the fake Discord saw the bot send, as a member sees it: embeds, buttons and
 * interaction answers. For end-to-end tests of the real discord.js client (the older test files
 * keep their own copies of these).
 */
import { PERMISSIONS, type CommandOptionInput, type FakeUserInput, type InteractionResponse, type Json } from '../fakes/discord-api.js';

/** The `resolved` block Discord sends with a command that names members. */
export const resolved = (...users: FakeUserInput[]): Json => ({
  users: Object.fromEntries(users.map((u) => [u.id, { id: u.id, username: u.username, discriminator: '0', global_name: u.global_name ?? null, avatar: null, bot: false, flags: 0, public_flags: 0 }])),
  members: Object.fromEntries(users.map((u) => [u.id, { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: null, avatar: null, flags: 0, pending: false, premium_since: null, permissions: PERMISSIONS.member }])),
});

const unescape = (text: unknown) => String(text ?? '').replace(/\\(.)/g, '$1');
export const embedOf = (data: Json | null | undefined) => ((data?.['embeds'] as Json[] | undefined) ?? [])[0] ?? {};
/** The embed's description, markdown escapes removed. */
export const textOf = (data: Json | null | undefined) => unescape(embedOf(data)['description']);
export const fieldsOf = (data: Json | null | undefined) =>
  Object.fromEntries(((embedOf(data)['fields'] as Array<{ name: string; value: string }> | undefined) ?? []).map((f) => [unescape(f.name), unescape(f.value)]));
export const customIds = (data: Json | null | undefined) =>
  ((data?.['components'] as Array<{ components: Json[] }> | undefined) ?? []).flatMap((row) => row.components).map((b) => String(b['custom_id']));
/** What an interaction answer shows. */
export const bodyOf = (r: InteractionResponse | undefined): Json | null => (!r ? null : r.kind === 'callback' ? r.data : r.kind === 'delete' ? null : (r.message as Json));
/** A press is answered when the presser got a reply, or the follow-up after a card update. */
export const finished = (r: InteractionResponse) => r.kind === 'followUp' || (r.kind === 'callback' && r.type === 4);

/** Slash command options as Discord sends them: a string, an integer, a member. */
export const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
export const int = (name: string, value: number): CommandOptionInput => ({ name, type: 4, value });
export const user = (name: string, who: FakeUserInput): CommandOptionInput => ({ name, type: 6, value: who.id });
