/** An error class, abstract or not: `ConfigError`, `TelegramError`. */
type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * The error `f` throws when it is a `type`, for a spec to look into (its
 * message, its path). Any other error is thrown on, so a spec never mistakes
 * a bug for the rejection it expects; no error at all fails naming `type`.
 */
export function thrown<E>(type: ErrorClass<E>, f: () => unknown): E {
  try {
    f();
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected a ${type.name}`);
}

/** `thrown` for a promise: the `type` it rejects with. */
export async function rejection<E>(type: ErrorClass<E>, p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected a ${type.name}`);
}
