import { type Case, openCase } from '../core/case.ts';

/** Opens an existing case for one command and always closes it. */
export async function withCase<T>(dir: string, work: (kase: Case) => Promise<T>): Promise<T> {
  const kase = openCase(dir, { create: false });
  try {
    return await work(kase);
  } finally {
    await kase.store.close();
  }
}
