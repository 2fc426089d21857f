/**
 * Runs a command for a member: checks who may use it and counts it against the market's rate
 * limit, turns raw option values into typed arguments (every failure becomes one sentence with
 * the usage), then calls the handler.
 * Both adapters go through here, so a command behaves the same on every platform.
 */
import type { ArgumentProblem } from './options.js';
import type { AnyCommand, CommandContext, CommandDefinition, CommandResult, RawValue } from './definition.js';
import { isGroup } from './definition.js';
import { refusal } from './render/replies.js';
import { readTextArguments, type TextContext } from './text-arguments.js';
import { usage } from './usage.js';

type Group = { name: string; audience: 'everyone' | 'admin' };

/** Runs `definition` with raw `values` (typed Discord options, or text read by {@link readTextArguments}). */
export async function executeCommand(ctx: CommandContext, definition: CommandDefinition, values: Record<string, RawValue | undefined>, group?: Group): Promise<CommandResult> {
  return (await admit(ctx, audienceOf(definition, group))) ?? runAdmitted(ctx, definition, values, group);
}

const audienceOf = (definition: CommandDefinition, group: Group | undefined) => (group?.audience === 'admin' ? 'admin' : definition.audience);

/**
 * The checks before a command is read at all: admin rights for an admin command, and the market's
 * rate limit (src/core/limits.ts), which counts every command, a bad one too, except an admin's
 * own admin commands. Returns the refusal, or undefined when the command may go on.
 */
async function admit(ctx: CommandContext, audience: 'everyone' | 'admin'): Promise<CommandResult | undefined> {
  if (audience === 'admin') {
    if (await ctx.isAdmin()) return undefined;
    return overTheRate(ctx) ?? refusal(ctx.t.adminOnly);
  }
  return overTheRate(ctx);
}

/** Counts the command against the rate limit: past it, the refusal that says when to go on, quiet once said. */
function overTheRate(ctx: CommandContext): CommandResult | undefined {
  const turn = ctx.core.takeCommandTurn(ctx.market.id, ctx.member.id);
  if (turn.ok) return undefined;
  return { ...refusal(ctx.t.rateLimited(turn.until, ctx.core.clock())), limited: { quiet: !turn.tell } };
}

/** Runs a command whose rights and rate were checked ({@link admit}). */
async function runAdmitted(ctx: CommandContext, definition: CommandDefinition, values: Record<string, RawValue | undefined>, group: Group | undefined): Promise<CommandResult> {
  if (!definition.readOnly && ctx.isStillMember && !(await ctx.isStillMember())) return refusal(ctx.t.noLongerMember(ctx.market.title));

  const args: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(definition.options)) {
    const value = values[name];
    if (value === undefined || value === '') {
      if (option.required) return refusal(ctx.t.missingArgument(name, usage(definition, group?.name, ctx.capabilities.syntax)));
      args[name] = undefined;
      continue;
    }
    const parsed = option.schema.safeParse(value);
    if (!parsed.success) {
      const problem = parsed.error.issues[0] && 'params' in parsed.error.issues[0] ? (parsed.error.issues[0].params as ArgumentProblem) : undefined;
      return refusal(problem ? ctx.t.argument(name, problem) : ctx.t.missingArgument(name, usage(definition, group?.name, ctx.capabilities.syntax)));
    }
    args[name] = parsed.data;
  }
  return namingTheMarket(ctx, await definition.run(ctx, args as never));
}

/**
 * A private answer names its market: away from the market's own chat (or in a private reply to
 * it), a member of several groups or servers could not otherwise tell which one it is about.
 */
function namingTheMarket(ctx: CommandContext, result: CommandResult): CommandResult {
  if (result.reply.market !== undefined || !(ctx.inPrivate || result.reply.visibility === 'private')) return result;
  return { ...result, reply: { ...result.reply, market: (result.market ?? ctx.market).title ?? undefined } };
}

/**
 * Finds the command (and subcommand) a text message names and runs it with the rest of the text
 * as its arguments: `/post give 5 apple want 3 pear`, `/admin grant @bob 5 apple`.
 */
export async function executeText(ctx: CommandContext, command: AnyCommand, text: string, context: TextContext = {}): Promise<CommandResult> {
  let definition: CommandDefinition;
  let rest = text;
  let group: Group | undefined;
  if (isGroup(command)) {
    const match = /^\s*(\S+)\s*/.exec(text);
    const found = match && command.subcommands.find((sub) => sub.name === match[1]?.toLowerCase());
    if (!match || !found) {
      return (await admit(ctx, command.audience)) ?? refusal(ctx.t.unknownSubcommand(command.name, command.subcommands.map((sub) => sub.name)));
    }
    definition = found;
    rest = text.slice(match[0].length);
    group = { name: command.name, audience: command.audience };
  } else {
    definition = command;
  }
  const refused = await admit(ctx, audienceOf(definition, group));
  if (refused) return refused;
  const read = readTextArguments(definition, rest, context);
  if (!read.ok) {
    const { problem } = read;
    if (problem.kind === 'invalid') return refusal(ctx.t.argument(problem.option, problem.problem));
    const line = usage(definition, group?.name, ctx.capabilities.syntax);
    return refusal(problem.kind === 'repeated' ? ctx.t.repeatedArgument(problem.option, line) : ctx.t.unexpectedText(problem.text, line));
  }
  return runAdmitted(ctx, definition, read.values, group);
}
