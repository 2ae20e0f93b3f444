// Node options the processor thread inherits. A worker inherits the parent's execArgv, but the
// ones that describe how the parent got its code (an --eval script, --input-type) make the
// Worker constructor fail, so they are left out.

const WITH_VALUE = new Set(['-e', '--eval', '-p', '--print', '--input-type']);
const FLAG_ONLY = new Set(['-i', '--interactive']);
const PREFIXES = ['--eval=', '--print=', '--input-type='];

export function workerExecArgv(parentExecArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parentExecArgv.length; i++) {
    const arg = parentExecArgv[i] ?? '';
    if (WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (FLAG_ONLY.has(arg) || PREFIXES.some((p) => arg.startsWith(p))) continue;
    out.push(arg);
  }
  return out;
}
