// An in-memory pino destination, so tests can read exactly what a logger would have written.
export interface MemoryDestination {
  write(line: string): void;
  /** every line written so far, raw */
  readonly raw: string;
  /** every line written so far, parsed */
  lines(): Record<string, unknown>[];
}

export function memoryDestination(): MemoryDestination {
  const chunks: string[] = [];
  return {
    write: (line) => {
      chunks.push(line);
    },
    get raw() {
      return chunks.join('');
    },
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
