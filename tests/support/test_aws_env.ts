/**
 * Runs `fn` with test AWS credentials in the process environment (and the
 * instance metadata service and profiles out of the way), then restores what
 * was there: for tests of code that builds its own SDK client from the
 * default credential chain.
 */
export async function withTestAwsEnv<T>(fn: () => Promise<T>): Promise<T> {
  const values: Record<string, string | undefined> = {
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PROFILE: undefined,
  };
  const saved = new Map(
    Object.keys(values).map((name) => [name, Deno.env.get(name)]),
  );
  const apply = (entries: Iterable<[string, string | undefined]>) => {
    for (const [name, value] of entries) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  };
  apply(Object.entries(values));
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}
