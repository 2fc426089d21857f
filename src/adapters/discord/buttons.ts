/**
 * Button presses on the bot's messages. A press is checked before anything runs (commands/press.ts:
 * the custom id never picks the market, and acts only on what the pressed message shows), then runs
 * its command as if typed; the pressed message is updated in place and what the command says goes
 * to the presser alone, within Discord's 3 seconds (answer.ts) or after a `deferUpdate`.
 */
import type { ButtonInteraction } from 'discord.js';
import type { CommandResult, Reply } from '../../../commands/definition.js';
import { executeText } from '../../../commands/index.js';
import type { Messages } from '../../../commands/messages/index.js';
import { planPress, pressedMessage, type PressPlan } from '../../../commands/press.js';
import type { TradeCore } from '../../core/trade-core.js';
import type { Market } from '../../core/types.js';
import { answer, type AnswerSteps } from './answer.js';
import { followChange, rememberCard } from './cards.js';
import { commandContext } from './command-context.js';
import type { DiscordContext } from './context.js';
import { enterMarket, isServerMember } from './members.js';
import { note } from './own-words.js';
import { renderMessage, renderReply } from './render.js';
import { showWaiting } from './waiting.js';

/** A press that may run: where, which command, and what the pressed message shows. */
type PlannedPress = Extract<PressPlan, { ok: true }>;

/** What the pressed message shows once the press has run; undefined when it stays as it was. */
type PressedMessage = (done: CommandResult) => Reply | undefined;

export async function handleButton(bot: DiscordContext, interaction: ButtonInteraction, t: Messages, trace: Record<string, unknown>, received: number): Promise<void> {
  const { core, log } = bot;
  // In a server, the server is the market; in a DM, the market the bot recorded with the message.
  const entered = interaction.inGuild() ? enterMarket(core, interaction) : undefined;
  const plan = await checkPress(bot, interaction, t, entered?.market);
  if (!plan.ok) return void (await interaction.reply(renderReply(note(plan.refusal))));
  const { market } = plan;
  const member = entered?.member ?? core.findMember(market.id, interaction.user.id);
  if (!member) throw new Error('a planned press has no member'); // planPress checked it
  Object.assign(trace, { market: market.id, member: member.id });
  // A planned press is vouched for: in a server Discord vouches, in a DM planPress just asked.
  const ctx = commandContext(bot, interaction, market, member, t, true);
  // A press runs the command as if typed, so the core re-checks everything.
  const pressed = pressedMessageOnce(core, t, plan);
  const result = await answer(bot.deferAfterMs, received, () => executeText(ctx, plan.call.command, plan.call.args.join(' ')), pressSteps(core, interaction, market, pressed));
  const edited = pressed(result);
  await followChange(bot, result.card, edited && edited !== result.reply ? interaction.message : undefined);
  if (member.unreachableSince !== null) await showWaiting(core, interaction, t);
  log.debug({ ...trace, offer: result.card?.offerId, button: interaction.customId, tone: result.reply.tone }, 'button handled');
}

/** Whether a press may run, and where: the custom id is the client's to send, so it is checked strictly and never picks the market. */
function checkPress(bot: DiscordContext, interaction: ButtonInteraction, t: Messages, chatMarket: Market | undefined): Promise<PressPlan> {
  return planPress({
    core: bot.core,
    t,
    payload: interaction.customId,
    message: { platform: 'discord', chatId: interaction.message.channelId, messageId: interaction.message.id },
    chatMarket,
    presserId: interaction.user.id,
    // Asked only for a press in a DM: inside the server, Discord vouches for membership.
    isMember: (market) => isServerMember(bot.client, market, interaction.user.id),
  });
}

/**
 * The pressed message shows its own record as it now is (a refused press too: the card shows why)
 * or the page of its list the press asked for, never anything else. Read once: the answer and the
 * follow-up show the same thing.
 */
function pressedMessageOnce(core: TradeCore, t: Messages, plan: PlannedPress): PressedMessage {
  let shown: { reply: Reply | undefined } | undefined;
  return (done) => (shown ??= { reply: pressedMessage(core, t, plan, done) }).reply;
}

/**
 * How a press is answered: the pressed message is updated in place when it shows something new,
 * and what the command says goes to the presser alone; deferred, the update comes as an edit.
 */
function pressSteps(core: TradeCore, interaction: ButtonInteraction, market: Market, pressed: PressedMessage): AnswerSteps {
  /** The command's answer, for the presser alone, unless the pressed message now shows it (a page). */
  const tell = async (done: CommandResult) => {
    if (pressed(done) !== done.reply) rememberCard(core, done.reply, await interaction.followUp(renderReply(done.reply, true)), market);
  };
  return {
    async direct(done) {
      const reply = pressed(done);
      if (!reply) {
        const response = await interaction.reply({ ...renderReply(done.reply, true), withResponse: true });
        return rememberCard(core, done.reply, response.resource?.message, market);
      }
      await interaction.update(renderMessage(reply));
      return tell(done);
    },
    defer: () => interaction.deferUpdate(),
    async late(done) {
      const reply = pressed(done);
      if (reply) await interaction.editReply(renderMessage(reply));
      return tell(done);
    },
  };
}
