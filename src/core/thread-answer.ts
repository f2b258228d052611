// A worker thread that answers once, `{ result }` or `{ error }`, settled on the thread's exit: none is
// left running (or closing its connection to the case) when the caller goes on, or the process ends.
// Any other message (progress) goes to `onOther`.
import type { Worker } from 'node:worker_threads';

export function answerOf<T>(worker: Worker, what: string, onOther?: (message: never) => void): Promise<T> {
  let answer: { result: T } | { error: string } | null = null;
  return new Promise((done, fail) => {
    worker.on('message', (message: object) => {
      if ('result' in message || 'error' in message) answer = message as typeof answer;
      else onOther?.(message as never);
    });
    worker.once('error', fail);
    worker.once('exit', (code) => {
      if (answer && 'result' in answer) done(answer.result);
      else fail(new Error(answer?.error ?? `${what} stopped (exit code ${code})`));
    });
  });
}
