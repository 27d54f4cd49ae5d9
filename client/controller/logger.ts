/** Where the controller reports what it does; `consoleLogger` in production, `silentLogger` in tests. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** One line per message on stderr, with a timestamp and level. */
export const consoleLogger: Logger = {
  info: (message) => {
    console.error(`${new Date().toISOString()} INFO ${message}`);
  },
  warn: (message) => {
    console.error(`${new Date().toISOString()} WARN ${message}`);
  },
  error: (message) => {
    console.error(`${new Date().toISOString()} ERROR ${message}`);
  },
};

/** Drops everything. */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
