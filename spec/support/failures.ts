/** A failure's error, for tests that check what it was: a promise's rejection, or the UsageError a call throws. */
import { UsageError } from '../../lib/message/errors';

/** An error as a test inspects it: its `code` and any other field. */
export type Rejection = Error & { code?: string; [key: string]: unknown };

/** The error `promise` rejects with. If it resolves instead, the test fails. */
export async function rejection(promise: Promise<unknown>): Promise<Rejection> {
  try {
    await promise;
  } catch (error) {
    return error as Rejection;
  }
  throw new Error('expected a rejection');
}

/** The UsageError `fn` throws, with its `code` checked. If it throws none, the test fails. */
export function usageError(fn: () => unknown, code: string): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe(code);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}
