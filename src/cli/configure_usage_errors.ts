import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { EXIT_CODES } from "../errors.ts";
import { explainUnknownOption } from "./explain_unknown_option.ts";
import { fatalLine, usageErrorMessage } from "./fatal_line.ts";

/** Options for {@linkcode configureUsageErrors}. */
export interface ConfigureUsageErrorsOptions {
  /**
   * Masks secrets in a line (commander echoes a bad value whole, and a URL
   * setting's value may hold a password). @default {the line as it is}
   */
  readonly redact?: (text: string) => string;
}

/**
 * Makes commander print its usage errors (an unknown flag or command, a bad
 * value) as one fatal line in the format of every other error, the "Did you
 * mean" on the same line; an unknown flag names the command it was given to
 * and the commands it belongs to (see `explainUnknownOption`).
 *
 * @param program The program, its subcommands added.
 */
export function configureUsageErrors(
  program: CommandUnknownOpts,
  options: ConfigureUsageErrorsOptions = {},
): void {
  const { redact = (text: string) => text } = options;
  const catalog = program.commands.map((c) => ({
    name: c.name(),
    options: c.options,
  }));
  for (const command of [program, ...program.commands]) {
    const name = command === program ? undefined : command.name();
    command.configureOutput({
      outputError: (text, write) => {
        const message = usageErrorMessage(
          explainUnknownOption(text, command.name(), catalog),
        );
        write(
          `${
            redact(fatalLine(message, EXIT_CODES.usage, { command: name }))
          }\n`,
        );
      },
    });
  }
}
