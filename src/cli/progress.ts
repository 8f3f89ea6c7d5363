// The progress bar of long operations (several pages, batches, exports): on stderr, and only when
// stderr is a terminal, so that pipes, files and --json output never receive it.
import { SingleBar } from 'cli-progress';

export interface Progress {
  advance(by: number): void;
  stop(): void;
}

const SILENT: Progress = { advance: () => undefined, stop: () => undefined };

/** A bar from 0 to `total` labelled `label`; silent when stderr is not a terminal or there is little to do. */
export function startProgress(label: string, total: number, options: { minimum?: number } = {}): Progress {
  if (!process.stderr.isTTY || total < (options.minimum ?? 2)) return SILENT;
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {value}/{total}`,
    barCompleteChar: '#',
    barIncompleteChar: '.',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0);
  return {
    advance: (by) => bar.increment(by),
    stop: () => bar.stop(),
  };
}
