/** `45% (450,000/1,000,000)`: a count against an estimated total, as logs and the CLI print it. */
export function progressText(done: number, total: number): string {
  return `${progressPercent(done, total)}% (${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')})`;
}

/** Whole percent; 99 at most while `done` has not reached `total` (the total is an estimate). */
export function progressPercent(done: number, total: number): number {
  if (total <= 0) return 0;
  return done >= total ? 100 : Math.min(99, Math.floor((done * 100) / total));
}
