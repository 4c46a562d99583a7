import { HaValidationError } from '../../lib/core/errors';

/** Expects `create` to throw the library's validation error for the construct at `path`, with a line matching `message`. */
export function expectRejected(create: () => unknown, path: string, message: RegExp): void {
  let error: unknown;
  try {
    create();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(HaValidationError);
  expect((error as Error).message.split('\n')[0]).toBe(`Invalid props for ${path}:`);
  expect((error as Error).message).toMatch(message);
}
