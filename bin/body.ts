/**
 * The request body of `-d`, `--json` and `-F`, read from the command line, files and stdin, with the header
 * fields that go with it. Multipart encoding and JSON serialisation are the library's (`body: FormData`,
 * `json`); this file only gathers the parts. (`--json` text is parsed here, to refuse what is not JSON before
 * anything is sent, and serialised again by the library.)
 */
import { openAsBlob } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RequestBodyInit } from '../lib/index';
import type { CliOptions } from './args';
import { CliError, EXIT, usageError } from './exit-codes';

/** What the command line adds to the request for its body. */
export interface BodyPart {
  body?: RequestBodyInit;
  /** A value for the library's `json` option (it serialises it and sets the Content-Type). */
  json?: unknown;
  /** Set unless the command line sets the field itself. */
  defaultHeaders: Array<[string, string]>;
  /** The method when none is given. */
  defaultMethod: 'GET' | 'POST';
}

/** All of stdin. */
async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The error for a local file that could not be read (exit 26). */
function unreadable(path: string, what: string, error: unknown): CliError {
  return new CliError(EXIT.read, `Could not read ${path} (${what}): ${(error as Error).message}`, 'Check the file name and its permissions.');
}

/** A local file's bytes, or CliError (exit 26) saying which file could not be read and why. */
export async function readLocalFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw unreadable(path, what, error);
  }
}

/** The `-F` fields as a FormData; a file (`name=@path`) is a Blob backed by the file, read only as it is sent. */
async function formOf(fields: CliOptions['form']): Promise<FormData> {
  const form = new FormData();
  for (const { name, value } of fields) {
    if (!value.startsWith('@')) {
      form.append(name, value);
      continue;
    }
    const path = value.slice(1);
    try {
      // stat() first: its error says why (ENOENT, EACCES); openAsBlob's does not.
      if (!(await stat(path)).isFile()) throw new Error('not a file');
      form.append(name, await openAsBlob(path), basename(path));
    } catch (error) {
      throw unreadable(path, '-F', error);
    }
  }
  return form;
}

/** `@file` → the file, `-` → stdin, anything else → its UTF-8 bytes (as curl's --data-binary: sent as is). */
async function dataOf(value: string, what: string): Promise<Uint8Array> {
  if (value === '-') return readStdin();
  if (value.startsWith('@')) return readLocalFile(value.slice(1), what);
  return new TextEncoder().encode(value);
}

/** The bytes of every `-d`, joined with `&` as curl joins them. */
async function joinedData(values: readonly string[]): Promise<Uint8Array> {
  const parts = await Promise.all(values.map((value) => dataOf(value, '-d')));
  const joined = new Uint8Array(parts.reduce((n, part) => n + part.length, 0) + parts.length - 1);
  let at = 0;
  for (const part of parts) {
    if (at > 0) joined[at++] = 0x26; // '&'
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

/** The body the command line gives, if any. */
export async function bodyOf(options: CliOptions): Promise<BodyPart> {
  if (options.data.length > 0) {
    return { body: await joinedData(options.data), defaultHeaders: [['Content-Type', 'application/x-www-form-urlencoded']], defaultMethod: 'POST' };
  }
  if (options.json !== undefined) {
    const text = new TextDecoder().decode(await dataOf(options.json, '--json'));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw usageError(`--json takes JSON text: ${(error as Error).message}.`, `Quote it for the shell: --json '{"name": "value"}'.`);
    }
    return { json, defaultHeaders: [['Accept', 'application/json']], defaultMethod: 'POST' };
  }
  if (options.form.length > 0) return { body: await formOf(options.form), defaultHeaders: [], defaultMethod: 'POST' };
  return { defaultHeaders: [], defaultMethod: 'GET' };
}
