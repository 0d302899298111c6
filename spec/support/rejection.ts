/** A rejected promise's error, for tests that check what a failure was. */

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
