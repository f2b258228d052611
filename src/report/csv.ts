// CSV as every face writes it (exports, the report's tables, `--csv`, the workbench's download): a text
// cell a spreadsheet would run as a formula (=, +, -, @, a tab or return first: a hostile subject such
// as `=HYPERLINK(…)`) starts with an apostrophe instead, which spreadsheets show as text.
import { type Input, type Options, stringify } from 'csv-stringify/sync';

const FORMULA = /^[=+\-@\t\r]/;

export function inertCell(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

export function toCsv(rows: Input, options: Options = {}): string {
  return stringify(rows, { ...options, cast: { ...options.cast, string: inertCell } });
}
