/** The text of `io-http --help` and `--version`. */
import { VERSION } from '../lib/index';
import { EXIT_MEANINGS } from './exit-codes';
import { OPTION_SPECS } from './option-specs';

export function versionText(): string {
  return `io-http ${VERSION} (node ${process.versions.node})\n`;
}

export function helpText(): string {
  const names = OPTION_SPECS.map((spec) => `${spec.short ? `-${spec.short}, ` : '    '}--${spec.long}${spec.value ? ` ${spec.value}` : ''}`);
  const width = Math.max(...names.map((name) => name.length)) + 2;
  const options = OPTION_SPECS.map((spec, i) => `  ${names[i].padEnd(width)}${spec.help}`).join('\n');
  const codes = Object.entries(EXIT_MEANINGS).map(([code, what]) => `  ${code.padStart(3)}  ${what}`).join('\n');
  return `Usage: io-http [METHOD] URL... [options]

Sends an HTTP/1.x request with io-http and writes the response body to stdout, as received (decoded if it
was compressed). Everything else (errors, -v, the progress bar) goes to stderr. METHOD defaults to GET, or
POST with -d, --json or -F. A URL without a scheme is http://.

Options:
${options}

Examples:
  io-http https://example.com/
  io-http -i https://example.com/                      # the response head, then the body
  io-http -v -L http://example.com/old                 # follow redirects, show every head
  io-http POST https://api.example.com/items --json '{"name": "x"}'
  io-http -d @form.txt -H 'Content-Type: text/plain' https://example.com/upload
  io-http -F title=report -F file=@report.pdf https://example.com/upload
  io-http -o big.iso --retry 3 --timeout 600 https://example.com/big.iso
  io-http --sse --jsonl https://example.com/events      # one JSON line per event
  io-http --fail -u alice:secret https://example.com/private || echo "failed: $?"
  io-http --parallel https://example.com/a https://example.com/b
  io-http --cacert ca.pem --tls forge https://localhost:8443/

Exit codes:
${codes}

More: docs/cli.md in the io-http package.
`;
}
