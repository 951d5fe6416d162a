import { createInterface } from 'node:readline';

/** The answer that confirms: typed in full, so that a stray Enter or "y" drops nothing. */
export const CONFIRMATION = 'yes';

/**
 * Asks once and resolves true only when the answer is "yes". Anything else, the
 * end of the input or Ctrl-C resolves false.
 */
export function confirm(question: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output });
    let settled = false;
    const done = (answer: boolean) => {
      if (settled) return;
      settled = true;
      rl.close();
      resolve(answer);
    };
    rl.on('SIGINT', () => {
      output.write('\n');
      done(false);
    });
    rl.on('close', () => done(false));
    rl.question(question, (answer) => done(answer.trim().toLowerCase() === CONFIRMATION));
  });
}
