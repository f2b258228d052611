// Reads a key archive file in any supported format, picked by content (then extension):
// JSON map, JSON rows (array or JSON Lines), CSV rows, zone-file TXT records.
import { parseCsv } from './csv.ts';
import { parseJsonMap } from './json-map.ts';
import { parseJsonLines, parseJsonRows } from './json-rows.ts';
import { invalidJson, type ParsedKeyFile } from './types.ts';
import { parseZone } from './zone.ts';

export type { KeyFailure, ParsedKeyFile } from './types.ts';

export type KeyFileFormat = 'json-map' | 'json-rows' | 'csv' | 'zone';

export function detectFormat(path: string, text: string): KeyFileFormat {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      const data: unknown = JSON.parse(t);
      return Array.isArray(data) ? 'json-rows' : 'json-map';
    } catch {
      // JSON Lines parse line by line
      return 'json-rows';
    }
  }
  const firstLine = t.split(/\r?\n/, 1)[0]?.toLowerCase() ?? '';
  if (/\.csv$/i.test(path) || /(^|,)\s*"?domain"?\s*,/.test(firstLine)) return 'csv';
  return 'zone';
}

export function parseKeyFile(path: string, text: string): ParsedKeyFile {
  const format = detectFormat(path, text);
  const source = `${path} (${format})`;
  const body = text.replace(/^\uFEFF/, '');
  switch (format) {
    case 'json-map':
      return parseJsonMap(source, JSON.parse(body) as Record<string, unknown>, path);
    case 'json-rows': {
      let rows: unknown[];
      try {
        rows = JSON.parse(body) as unknown[];
      } catch (err) {
        // JSON Lines when the first line is JSON on its own; else one JSON document that is broken.
        if (isJson(body.trimStart().split(/\r?\n/, 1)[0]!)) return parseJsonLines(source, body, path);
        return { records: [], failures: [], problems: [invalidJson(path, body, err)] };
      }
      return parseJsonRows(source, rows, path);
    }
    case 'csv':
      return parseCsv(source, body, path);
    case 'zone':
      return parseZone(source, body, path);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
