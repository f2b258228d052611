// dkimpy (Debian's python3-dkim) as the peer verifier of the benchmarks: dkim.verify on given
// messages with the keys answered from memory (dnsfunc), timed in Python, in the same run as ours.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A Python that can `import dkim`, or null. */
export function dkimpyPython(): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import dkim'], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next one
    }
  }
  return null;
}

const SCRIPT = `import json, sys, time, dkim
keys = {k.lower(): v[0].encode() for k, v in json.load(open(sys.argv[2])).items()}
data = open(sys.argv[1], 'rb').read()
msgs, pos = [], 0
while pos < len(data):
    nl = data.index(b'\\n', pos)
    n = int(data[pos:nl]); msgs.append(data[nl + 1:nl + 1 + n]); pos = nl + 1 + n
dns = lambda name, timeout=5: keys.get(name.decode().rstrip('.').lower())
for m in msgs[:20]:
    assert dkim.verify(m, dnsfunc=dns), 'dkimpy could not verify a bench message'
count, start = 0, time.perf_counter()
while time.perf_counter() - start < float(sys.argv[3]):
    for m in msgs:
        if not dkim.verify(m, dnsfunc=dns): raise SystemExit('dkimpy failure')
        count += 1
print(count / (time.perf_counter() - start))
`;

/**
 * Messages verified per second by dkimpy, looping over `messages` for about `seconds`.
 * `keys`: TXT record per DNS name, as in a key file of the corpus ({"sel._domainkey.dom": [txt]}).
 */
export function dkimpyRate(
  python: string,
  messages: Buffer[],
  keys: Record<string, string[]>,
  seconds: number,
): number {
  const dir = mkdtempSync(join(tmpdir(), 'crible-bench-dkimpy-'));
  try {
    writeFileSync(
      join(dir, 'messages.bin'),
      Buffer.concat(messages.flatMap((m) => [Buffer.from(`${m.length}\n`), m])),
    );
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
    writeFileSync(join(dir, 'bench.py'), SCRIPT);
    const out = execFileSync(
      python,
      [join(dir, 'bench.py'), join(dir, 'messages.bin'), join(dir, 'keys.json'), String(seconds)],
      { encoding: 'utf8' },
    );
    return Number(out.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
