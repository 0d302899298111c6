/**
 * Parses the command line `io-http [METHOD] URL... [options]` into `CliOptions`, getopt-style: `-H v`, `-Hv`,
 * `--header v`, `--header=v`, clustered flags (`-iL`), `--` ends the options. Only syntax is checked here; files
 * are read when the request is made.
 */
import { closestName } from '../lib/session/closest-name';
import { usageError } from './exit-codes';
import { OPTION_SPECS, type OptionSpec } from './option-specs';

export interface CliOptions {
  method?: string;
  urls: string[];
  headers: Array<[string, string]>;
  /** Each `-d` as given (`@file`, `-`, or the data itself). */
  data: string[];
  json?: string;
  /** Each `-F` as given (`name=value` or `name=@file`). */
  form: Array<{ name: string; value: string }>;
  outputs: string[];
  include: boolean;
  verbose: boolean;
  user?: { user: string; pass: string };
  bearer?: string;
  http10: boolean;
  tls: 'node' | 'forge';
  cacert?: string;
  location: boolean;
  maxRedirs?: number;
  /** Milliseconds. */
  timeout?: number;
  proxy?: string;
  retry?: number;
  compressed: boolean;
  sse: boolean;
  jsonl: boolean;
  fail: boolean;
  parallel: boolean;
  help: boolean;
  version: boolean;
}

const byLong = new Map(OPTION_SPECS.map((spec) => [spec.long, spec]));
const byShort = new Map(OPTION_SPECS.filter((spec) => spec.short).map((spec) => [spec.short!, spec]));

/** A METHOD before the URL: a token in capitals (GET, POST, PROPFIND). */
const METHOD = /^[A-Z][A-Z-]*$/;

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    urls: [], headers: [], data: [], form: [], outputs: [],
    include: false, verbose: false, http10: false, tls: 'node', location: false,
    compressed: true, sse: false, jsonl: false, fail: false, parallel: false, help: false, version: false,
  };
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const valueOf = (spec: OptionSpec, attached: string | undefined): string => {
      if (attached !== undefined) return attached;
      if (i + 1 >= argv.length) throw usageError(`Option --${spec.long} needs a value (${spec.value}).`);
      return argv[++i];
    };
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = byLong.get(name);
      if (!spec) {
        const near = closestName(name, byLong.keys());
        throw usageError(`Unknown option --${name}.`, near ? `Did you mean --${near}? io-http --help lists the options.` : undefined);
      }
      if (!spec.value && eq >= 0) throw usageError(`Option --${name} takes no value.`);
      apply(options, spec, spec.value ? valueOf(spec, eq < 0 ? undefined : arg.slice(eq + 1)) : undefined);
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const spec = byShort.get(arg[j]);
        if (!spec) throw usageError(`Unknown option -${arg[j]}${arg.length > 2 ? ` (in ${arg})` : ''}.`);
        if (spec.value) {
          apply(options, spec, valueOf(spec, j + 1 < arg.length ? arg.slice(j + 1) : undefined));
          break;
        }
        apply(options, spec, undefined);
      }
    } else {
      positionals.push(arg);
    }
  }
  if (positionals.length > 1 && METHOD.test(positionals[0])) options.method = positionals.shift();
  options.urls = positionals;
  check(options);
  return options;
}

/** A whole number of at least `min`. */
function count(spec: OptionSpec, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min) throw usageError(`--${spec.long} takes a whole number${min > 0 ? ` of at least ${min}` : ''}, not '${value}'.`);
  return n;
}

function apply(options: CliOptions, spec: OptionSpec, value: string | undefined): void {
  const v = value!;
  switch (spec.long) {
    case 'header': {
      const colon = v.indexOf(':');
      if (colon <= 0) throw usageError(`-H takes 'Name: value', not '${v}'.`);
      options.headers.push([v.slice(0, colon).trim(), v.slice(colon + 1).trim()]);
      break;
    }
    case 'data':
      options.data.push(v);
      break;
    case 'json':
      options.json = v;
      break;
    case 'form': {
      const eq = v.indexOf('=');
      if (eq <= 0) throw usageError(`-F takes name=value or name=@file, not '${v}'.`);
      options.form.push({ name: v.slice(0, eq), value: v.slice(eq + 1) });
      break;
    }
    case 'output':
      options.outputs.push(v);
      break;
    case 'user': {
      const colon = v.indexOf(':');
      if (colon < 0) throw usageError('-u takes user:password.', 'Give the password after a colon: -u alice:secret.');
      options.user = { user: v.slice(0, colon), pass: v.slice(colon + 1) };
      break;
    }
    case 'bearer':
      options.bearer = v;
      break;
    case 'tls':
      if (v !== 'node' && v !== 'forge') throw usageError(`--tls takes node or forge, not '${v}'.`);
      options.tls = v;
      break;
    case 'cacert':
      options.cacert = v;
      break;
    case 'max-redirs':
      options.maxRedirs = count(spec, v, 0);
      break;
    case 'timeout': {
      const seconds = Number(v);
      if (!(seconds > 0) || !Number.isFinite(seconds)) throw usageError(`--timeout takes a number of seconds above 0, not '${v}'.`);
      options.timeout = Math.ceil(seconds * 1000);
      break;
    }
    case 'proxy':
      options.proxy = v;
      break;
    case 'retry':
      options.retry = count(spec, v, 0);
      break;
    case 'include':
    case 'verbose':
    case 'location':
    case 'sse':
    case 'jsonl':
    case 'fail':
    case 'parallel':
    case 'help':
    case 'version':
      options[spec.long] = true;
      break;
    case 'http1.0':
      options.http10 = true;
      break;
    case 'compressed':
    case 'no-compressed':
      options.compressed = spec.long === 'compressed';
      break;
  }
}

/** Combinations that cannot work, refused before anything is sent. */
function check(options: CliOptions): void {
  if (options.help || options.version) return;
  if (options.urls.length === 0) throw usageError('No URL given.', 'Usage: io-http [METHOD] URL [options]; io-http --help shows examples.');
  const bodies = [options.data.length > 0 && '-d', options.json !== undefined && '--json', options.form.length > 0 && '-F'].filter(Boolean);
  if (bodies.length > 1) throw usageError(`${bodies.join(' and ')} both give a body: use one.`);
  if (options.user && options.bearer) throw usageError('-u and --bearer both give credentials: use one.');
  if (options.jsonl && !options.sse) throw usageError('--jsonl only applies to --sse.');
  if (options.outputs.length > options.urls.length) throw usageError(`${options.outputs.length} -o for ${options.urls.length} URL(s): give one -o per URL.`);
  if (options.parallel && options.urls.length < 2) throw usageError('--parallel needs several URLs.');
  if (options.sse && (options.include || options.outputs.length > 0)) throw usageError('--sse writes events to stdout: it does not take -i or -o.');
}
