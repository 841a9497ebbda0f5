import { type ConfigSpec, type ConfigVariable, flattenSpec } from './define-config';
import { displayValue, formatterOf } from './display-value';

/**
 * The configuration table of a README, generated from the spec so it cannot drift:
 * `| Variable | Description | Default | Sensitive |`, one row per variable in declaration order.
 */
export function renderConfigTable(spec: ConfigSpec): string {
  const rows = flattenSpec(spec).map(({ variable }) =>
    [
      `\`${variable.name}\``,
      cell(describe(variable)),
      defaultCell(variable),
      variable.sensitive ? 'yes' : '',
    ].join(' | '),
  );
  return [
    '| Variable | Description | Default | Sensitive |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

function defaultCell(variable: ConfigVariable<unknown>): string {
  const { spec } = variable;
  // Defaults are in the source code anyway: shown even for secrets (URL passwords still redacted).
  const shown = (value: unknown): string => {
    const text = displayValue(value, false, formatterOf(spec));
    return text === undefined ? 'unset' : `\`${cell(text)}\``;
  };
  const hasDefault = Object.hasOwn(spec, 'default');
  let text: string;
  if (hasDefault) text = spec.default === undefined ? 'optional' : shown(spec.default);
  else if (spec.devDefault !== undefined)
    text = `**required** in production; ${shown(spec.devDefault)} otherwise`;
  else text = '**required**';
  if (hasDefault && spec.devDefault !== undefined) text += `; ${shown(spec.devDefault)} outside production`;
  if (spec.testDefault !== undefined) text += `; ${shown(spec.testDefault)} in tests`;
  if (spec.requiredWhen !== undefined) text += ' (required when related settings are set)';
  return text;
}

function describe({ spec }: ConfigVariable<unknown>): string {
  const desc = spec.desc ?? '';
  return spec.example === undefined ? desc : `${desc} (e.g. \`${spec.example}\`)`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
