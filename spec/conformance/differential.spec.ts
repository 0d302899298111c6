/**
 * Differential test: io-http against llhttp as Node ships it, over a corpus of our own vectors and near-valid
 * responses from fast-check. Accept/reject, version, status, 1xx, fields, body, trailers and keep-alive must
 * agree, or the case must belong to a documented disagreement (disagreements.ts, docs/conformance.md).
 * io-http runs every input whole, byte by byte and split at every position.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesOf } from '../support/bytes';
import { corpus } from './corpus';
import { disagreements, explain, type Case } from './disagreements';
import { ioHttpVerdict } from './io-http';
import { llhttpVersion, llhttpVerdict } from './llhttp';
import { nearValid } from './near-valid';
import { assertProperty } from './property-runs';
import { differences } from './verdict';

function caseOf(input: string, method: string): Case {
  const io = ioHttpVerdict(bytesOf(input), method);
  const ll = llhttpVerdict(bytesOf(input), method);
  return { input, method, io, ll, diff: differences(io, ll) };
}

const show = (c: Case) => `${c.method} ${JSON.stringify(c.input)}\n  io-http: ${JSON.stringify(c.io)}\n  llhttp:  ${JSON.stringify(c.ll)}`;

describe(`io-http and llhttp ${llhttpVersion} (Node ${process.version}) agree on the corpus`, () => {
  it.each(corpus.filter((v) => !v.disagrees).map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const c = caseOf(v.input, v.method ?? 'GET');
    if (c.diff.length > 0) throw new Error(`they differ in ${c.diff.join(', ')}:\n${show(c)}`);
  });
});

describe('...or differ as documented', () => {
  it.each(corpus.filter((v) => v.disagrees).map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const c = caseOf(v.input, v.method ?? 'GET');
    // A documented disagreement that went away is a change to the docs too.
    if (c.diff.length === 0) throw new Error(`documented as '${v.disagrees}', but they agree now:\n${show(c)}`);
    expect(explain(c)).toContain(v.disagrees);
  });

  it('every class has a corpus vector and a row in docs/conformance.md', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'conformance.md'), 'utf8');
    for (const { id } of disagreements) {
      expect(corpus.some((v) => v.disagrees === id)).toBe(true);
      expect(doc).toContain(`\`${id}\``);
    }
  });
});

describe('near-valid responses', () => {
  it('disagree only in documented ways', () => {
    assertProperty(
      'differential near-valid',
      fc.property(nearValid, ({ input, method }) => {
        const c = caseOf(input, method);
        if (c.diff.length > 0 && explain(c).length === 0) throw new Error(`an undocumented disagreement in ${c.diff.join(', ')}:\n${show(c)}`);
      }),
      300,
    );
  });
});
