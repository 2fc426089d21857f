/** The one-line usage of a command, as typed in a message: `/post give ITEMS want ITEMS [hours N]`. */
import type { CommandDefinition, OptionSpec } from './definition.js';

const describeOption = (spec: OptionSpec) => {
  const written = spec.form === 'keyword' ? `${spec.name} ${spec.placeholder}` : spec.placeholder;
  return spec.required ? written : `[${written}]`;
};

export function usage(definition: CommandDefinition, group?: string): string {
  const specs = Object.values(definition.options).map((option) => option.spec);
  const order = (spec: OptionSpec) => (spec.form === 'positional' ? 0 : spec.form === 'rest' ? 1 : 2);
  const parts = specs.sort((a, b) => order(a) - order(b)).map(describeOption);
  return [group ? `/${group} ${definition.name}` : `/${definition.name}`, ...parts].join(' ');
}
