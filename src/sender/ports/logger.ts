/**
 * The sender's logger port. Silent by default: a library never writes to the console. Pass your
 * logger (pino, winston and console all fit) to see what the dispatcher does. Fields never hold
 * a secret, a signature or a body (DESIGN.md §5.14).
 */
export interface Logger {
  debug(fields: Readonly<Record<string, unknown>>, message: string): void;
  info(fields: Readonly<Record<string, unknown>>, message: string): void;
  warn(fields: Readonly<Record<string, unknown>>, message: string): void;
  error(fields: Readonly<Record<string, unknown>>, message: string): void;
}
