/**
 * The one-line usage of a command, in the syntax of the member's platform: typed words
 * (`/post give ITEMS want ITEMS [hours N]`, Telegram) or a slash command with its option names
 * (`/post give: want: [hours:]`, Discord). Optional parts are in brackets on both.
 */
import { textOrder, type CommandDefinition, type OptionSpec, type PlatformCapabilities } from './definition.js';

const optional = (written: string, spec: OptionSpec) => (spec.required ? written : `[${written}]`);

/** The options a member types: not those only buttons write (a page cursor). */
const typedOptions = (definition: CommandDefinition) => Object.values(definition.options).map((option) => option.spec).filter((spec) => !spec.buttonOnly);

/**
 * The options of a command in the order Discord lists them: required ones first (Discord refuses
 * a required option after an optional one), each group in the order the command declares them.
 */
export function slashOrder(definition: CommandDefinition): OptionSpec[] {
  const specs = typedOptions(definition);
  return [...specs.filter((spec) => spec.required), ...specs.filter((spec) => !spec.required)];
}

export function usage(definition: CommandDefinition, group?: string, syntax: PlatformCapabilities['syntax'] = 'text'): string {
  const name = group ? `/${group} ${definition.name}` : `/${definition.name}`;
  if (syntax === 'slash') return [name, ...slashOrder(definition).map((spec) => optional(`${spec.name}:`, spec))].join(' ');
  const specs = typedOptions(definition);
  const parts = specs
    .sort((a, b) => textOrder(a) - textOrder(b))
    .map((spec) => optional(spec.form === 'keyword' ? `${spec.name} ${spec.placeholder}` : spec.placeholder, spec));
  return [name, ...parts].join(' ');
}
