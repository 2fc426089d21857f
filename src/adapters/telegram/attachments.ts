/**
 * A reply's attachments as Telegram documents: Telegram carries a file in a message of its own,
 * so each follows the reply's text into the same chat (grammY uploads an InputFile as multipart).
 */
import { InputFile, type Api } from 'grammy';
import type { Reply } from '../../../commands/definition.js';

export async function sendAttachments(api: Pick<Api, 'sendDocument'>, chatId: number, reply: Reply): Promise<void> {
  for (const attachment of reply.attachments ?? []) {
    await api.sendDocument(chatId, new InputFile(Buffer.from(attachment.text, 'utf8'), attachment.name));
  }
}
