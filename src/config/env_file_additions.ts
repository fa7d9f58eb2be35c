/**
 * The `.env` values to put into the environment: those of variables the
 * real environment does not set (set to anything, even empty, it wins), so
 * the precedence is flag > environment > `.env` > default. Pure: `main.ts`
 * applies the result before the flags are parsed.
 *
 * @example
 * ```ts
 * envFileAdditions({ DEFAULT_INTERVAL: "7" }, { DEFAULT_INTERVAL: "5", SQS_QUEUE_NAME: "q" });
 * // { SQS_QUEUE_NAME: "q" }
 * ```
 */
export function envFileAdditions(
  environment: Readonly<Record<string, string>>,
  fileValues: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fileValues).filter(([key]) =>
      !Object.hasOwn(environment, key)
    ),
  );
}
