/**
 * What the fault harness can do to a dependency that runs as its own process: stop it (connections
 * refused), start it again with the same data, freeze it (SIGSTOP: connections accepted, nothing
 * answers) and thaw it.
 */
export interface FaultyService {
  port: number;
  /** Stops the process; what it stored is kept for `start()`. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data: the app reconnects without a restart. */
  start(): Promise<void>;
  /** SIGSTOP the process tree: connections open or accepted, nothing answers. */
  freeze(): void;
  /** SIGCONT them all: pending work completes. */
  thaw(): void;
  readonly frozen: boolean;
  readonly running: boolean;
  /** Thaws, stops and deletes its files. */
  dispose(): Promise<void>;
}
