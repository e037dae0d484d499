import type { ImportFormat, ImportResult } from '../import-result.js';
import type { ImportProgress } from './collector.js';
import type { ImportSource } from './source.js';

export interface ReadOptions {
  password?: string;
  onProgress?: ImportProgress;
}

/** One format an import reads: its `--format` name, how people call such a file, how to tell it, how to read it. */
export interface FormatReader {
  readonly name: ImportFormat;
  /** "a 2FAS backup": how a refusal names what the file looks like. */
  readonly title: string;
  /** True when the file is of this format (cheap: its shape, not its content). */
  detect(source: ImportSource): boolean;
  read(source: ImportSource, options: ReadOptions): Promise<ImportResult>;
}
