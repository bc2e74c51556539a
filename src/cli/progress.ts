import cliProgress from 'cli-progress';
import type { ProgressFn } from '../context.ts';

/** A progress bar on stderr when it is a terminal; nothing otherwise (logs and pipes stay clean). */
export function terminalProgress(label: string): { progress?: ProgressFn; stop(): void } {
  if (!process.stderr.isTTY) return { stop() {} };
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {stage}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    progress(stage, done, total) {
      if (!started) { bar.start(total, done, { stage }); started = true; }
      bar.update(done, { stage });
    },
    stop() { if (started) bar.stop(); },
  };
}
