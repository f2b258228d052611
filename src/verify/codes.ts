// Codes inside codes. A reason can quote another: a verdict reason names a signature's result and
// its reason, "no usable key" lists each record's problem, an ARC reason quotes a hop's notes. A
// code's parameters are flat values (report/catalogue.ts), so the inner code is kept under a key
// and its parameters under `key.name` (a list: the codes under `key`, the parameters under
// `key.i.name`). The catalogues read them back with `nested` and `nestedList`.
// No runtime import: the catalogues import this module, and it must not import them back.
import type { Coded, Params } from '../report/catalogue.ts';

export function nest(key: string, inner: Coded | null): Params {
  if (!inner) return { [key]: null };
  const out: Params = { [key]: inner.code };
  for (const [name, value] of Object.entries(inner.params ?? {})) out[`${key}.${name}`] = value;
  return out;
}

export function nestList(key: string, list: Coded[]): Params {
  const out: Params = { [key]: list.map((c) => c.code) };
  for (const [i, c] of list.entries()) Object.assign(out, nest(`${key}.${i}`, c));
  return out;
}

function paramsUnder(params: Params, prefix: string): Params | undefined {
  let out: Params | undefined;
  for (const [name, value] of Object.entries(params)) {
    if (!name.startsWith(prefix)) continue;
    out ??= {};
    out[name.slice(prefix.length)] = value;
  }
  return out;
}

function withParams(code: string, params: Params | undefined): Coded {
  return params ? { code, params } : { code };
}

/** The code kept under `key` by `nest`, with its parameters; null when there is none. */
export function nested(params: Params, key: string): Coded | null {
  const code = params[key];
  return typeof code === 'string' ? withParams(code, paramsUnder(params, `${key}.`)) : null;
}

/** The codes kept under `key` by `nestList`, with their parameters. */
export function nestedList(params: Params, key: string): Coded[] {
  const codes = params[key];
  if (!Array.isArray(codes)) return [];
  return codes.map((code, i) => withParams(String(code), paramsUnder(params, `${key}.${i}.`)));
}
