/**
 * The one-line usage of a command, in the syntax of the member's platform: typed words
 * (`/post give ITEMS want ITEMS [hours N]`, Telegram) or a slash command with its option names
 * (`/post give: want: [hours:]`, Discord). Optional parts are in brackets on both.
 */
import type { CommandDefinition, OptionSpec, PlatformCapabilities } from './definition.js';

const optional = (written: string, spec: OptionSpec) => (spec.required ? written : `[${written}]`);

/** Options in the order a text command reads them: positional words, the rest, then keywords. */
const textOrder = (spec: OptionSpec) => (spec.form === 'positional' ? 0 : spec.form === 'rest' ? 1 : 2);

/**
 * The options of a command in the order Discord lists them: required ones first (Discord refuses
 * a required option after an optional one), each group in the order the command declares them.
 */
export function slashOrder(definition: CommandDefinition): OptionSpec[] {
  const specs = Object.values(definition.options).map((option) => option.spec);
  return [...specs.filter((spec) => spec.required), ...specs.filter((spec) => !spec.required)];
}

export function usage(definition: CommandDefinition, group?: string, syntax: PlatformCapabilities['syntax'] = 'text'): string {
  const name = group ? `/${group} ${definition.name}` : `/${definition.name}`;
  if (syntax === 'slash') return [name, ...slashOrder(definition).map((spec) => optional(`${spec.name}:`, spec))].join(' ');
  const specs = Object.values(definition.options).map((option) => option.spec);
  const parts = specs
    .sort((a, b) => textOrder(a) - textOrder(b))
    .map((spec) => optional(spec.form === 'keyword' ? `${spec.name} ${spec.placeholder}` : spec.placeholder, spec));
  return [name, ...parts].join(' ');
}
