/**
 * Replies as Discord messages: one embed (title, text, fields; coloured by tone), the buttons in
 * one action row, and ephemerality from the reply's visibility. All text is escaped: a note such
 * as `*fresh*` or a display name with underscores is shown as typed, never as markdown.
 */
import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, Colors, EmbedBuilder, escapeMarkdown, MessageFlags, type MessageMentionOptions } from 'discord.js';
import { buttonPayload, type Reply, type ReplyButton } from '../../../commands/definition.js';

/** Discord's embed limits; longer text is cut with an ellipsis rather than refused. */
const LIMITS = { title: 256, description: 4096, fieldName: 256, fieldValue: 1024, fields: 25, footer: 2048, buttonsPerRow: 5, rows: 5 } as const;

const TONE_COLOURS: Record<Reply['tone'], number> = { info: Colors.Blurple, success: Colors.Green, error: Colors.Red };

const BUTTON_STYLES: Record<ReplyButton['style'], ButtonStyle> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  success: ButtonStyle.Success,
  danger: ButtonStyle.Danger,
};

/** A reply never pings anyone, whatever names or text it carries. */
const NO_MENTIONS: MessageMentionOptions = { parse: [] };

/** Escapes every markdown construct Discord renders in embeds, including headings and lists. */
export const escapeText = (text: string) => escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true });

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** `personal` and `private` replies are for the member alone. */
export const isEphemeral = (reply: Reply) => reply.visibility !== 'public';

export function renderEmbed(reply: Reply): EmbedBuilder {
  const embed = new EmbedBuilder().setColor(TONE_COLOURS[reply.tone]);
  if (reply.title) embed.setTitle(clip(escapeText(reply.title), LIMITS.title));
  if (reply.text) embed.setDescription(clip(escapeText(reply.text), LIMITS.description));
  const fields = (reply.fields ?? []).slice(0, LIMITS.fields).map((field) => ({
    name: clip(escapeText(field.name), LIMITS.fieldName) || '-',
    value: clip(escapeText(field.value), LIMITS.fieldValue) || '-',
  }));
  if (fields.length) embed.addFields(fields);
  if (reply.market) embed.setFooter({ text: clip(reply.market, LIMITS.footer) });
  return embed;
}

export function renderButtons(reply: Reply): Array<ActionRowBuilder<ButtonBuilder>> {
  const buttons = (reply.buttons ?? []).map((button) =>
    new ButtonBuilder().setCustomId(buttonPayload(button)).setLabel(button.label).setStyle(BUTTON_STYLES[button.style]),
  );
  const rows: Array<ActionRowBuilder<ButtonBuilder>> = [];
  for (let i = 0; i < buttons.length && rows.length < LIMITS.rows; i += LIMITS.buttonsPerRow) {
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(i, i + LIMITS.buttonsPerRow)));
  }
  return rows;
}

/**
 * The message body of a reply, without ephemerality: usable for `reply`, `update`, `editReply`,
 * `followUp` and a DM alike. `components` is always set, so an edit removes buttons a card lost.
 */
export function renderMessage(reply: Reply, options: { buttons?: boolean } = {}) {
  const files = (reply.attachments ?? []).map((attachment) => new AttachmentBuilder(Buffer.from(attachment.text, 'utf8'), { name: attachment.name }));
  return {
    embeds: [renderEmbed(reply)],
    components: options.buttons === false ? [] : renderButtons(reply),
    allowedMentions: NO_MENTIONS,
    // Only when there are files: an edit without `files` keeps the message's attachments.
    ...(files.length > 0 ? { files } : {}),
  };
}

/** The message body plus the ephemeral flag its visibility asks for (for `reply` and `followUp`). */
export function renderReply(reply: Reply, ephemeral = isEphemeral(reply)) {
  return { ...renderMessage(reply), ...(ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}) };
}
