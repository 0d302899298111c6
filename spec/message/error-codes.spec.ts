import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';

const errors = join(__dirname, '..', '..', 'lib', 'message', 'errors');

/** The type errors TypeScript reports for `code`, a module that imports lib/message/errors as `e`. */
function typeErrors(code: string): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'io-http-codes-')), 'codes.ts');
  writeFileSync(file, `import * as e from ${JSON.stringify(errors)};\n${code}\n`);
  const program = ts.createProgram([file], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2023.d.ts'], types: [], skipLibCheck: true });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('error codes are typed as the literal union of each class', () => {
  test('the codes a class has are accepted, and a switch over them is checked for exhaustiveness', () => {
    expect(
      typeErrors(`
        const transport: e.TransportError['code'] = 'ERR_CONNECTION_REFUSED';
        const redirect: e.RedirectError['code'] = 'ERR_REDIRECT_INSECURE';
        const timeout: e.TimeoutError['code'] = 'ERR_TIMEOUT';
        const any: e.HttpError['code'] = 'ERR_INVALID_CHUNK';
        function describe(error: e.ProxyError): string {
          switch (error.code) {
            case 'ERR_PROXY_AUTH_REQUIRED': return 'auth';
            case 'ERR_PROXY_CONNECT': return 'refused';
          }
        }
        function narrowed(error: unknown): e.ParseErrorCode | undefined {
          return error instanceof e.ParseError ? error.code : undefined;
        }
        export { transport, redirect, timeout, any, describe, narrowed };`),
    ).toEqual([]);
  });

  test('a code a class does not have is a type error', () => {
    const reported = typeErrors(`
      const a: e.ParseError['code'] = 'ERR_TIMEOUT';
      const b: e.TimeoutError['code'] = 'ERR_ABORTED';
      const c: e.UsageError['code'] = 'ERR_NOT_A_CODE';
      new e.UsageError('m', 'ERR_CONNECTION_RESET');
      new e.TransportError('m', { code: 'ERR_SESSION_CLOSED' });
      export { a, b, c };`);
    expect(reported).toHaveLength(5);
    for (const message of reported) expect(message).toMatch(/is not assignable to (parameter of )?type/);
  });
});
