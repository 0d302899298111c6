import { UsageError } from '../message/errors';
import { describe } from '../message/request';

/** A value of a `query` record: a string, a number or a boolean (as text); a list repeats the name. */
export type QueryValue = string | number | boolean;

/**
 * The `query` option: a record (a list value repeats the name; an `undefined` value is left out, as in ky) or
 * `URLSearchParams`.
 */
export type QueryInit = URLSearchParams | Record<string, QueryValue | readonly QueryValue[] | undefined>;

/**
 * Merges `query` into the URL's query: its names replace the URL's parameters of the same names, the URL's other
 * parameters are kept byte for byte, in place, and the new ones follow, encoded as URLSearchParams encodes
 * (`application/x-www-form-urlencoded`: a space is `+`). Changes `url`.
 */
export function mergeQuery(url: URL, query: QueryInit): void {
  const added = new URLSearchParams(queryEntries(query));
  const names = new Set(added.keys());
  if (names.size === 0) return;
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !names.has(new URLSearchParams(pair).keys().next().value!));
  url.search = [...kept, added.toString()].join('&');
}

function queryEntries(query: QueryInit): [string, string][] {
  if (query instanceof URLSearchParams) return [...query];
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    throw new UsageError(`Invalid query: ${describe(query)}. Use a record of strings, numbers and booleans, or URLSearchParams`, 'ERR_INVALID_OPTION');
  }
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined) continue;
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
        throw new UsageError(`Invalid query value for ${JSON.stringify(name)}: ${describe(item)}. Use a string, a number or a boolean`, 'ERR_INVALID_OPTION');
      }
      entries.push([name, String(item)]);
    }
  }
  return entries;
}
