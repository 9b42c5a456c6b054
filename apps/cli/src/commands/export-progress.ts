/** A one-line progress bar on stderr (redrawn in place on a terminal, a line every 10% otherwise). */
export function exportProgressBar(stream: NodeJS.WriteStream, total: number, label: string) {
  const started = Date.now();
  let lastDecile = -1;
  return (done: number, bytes: number, final = false) => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(ratio * width);
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} trajectories, ${(bytes / 1e6).toFixed(1)} MB, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s`;
    if (stream.isTTY) {
      stream.write(`\r${line}${final ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(ratio * 10);
    if (decile !== lastDecile || final) {
      lastDecile = decile;
      stream.write(`${line}\n`);
    }
  };
}
