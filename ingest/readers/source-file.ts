import fs from 'node:fs';

/** A path that cannot be read as a data file (not a regular file, a symlink loop, no permission). */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
}

const NOT_REGULAR: [(s: fs.Stats) => boolean, string][] = [
  [(s) => s.isFIFO(), 'a FIFO (named pipe)'],
  [(s) => s.isSocket(), 'a socket'],
  [(s) => s.isCharacterDevice(), 'a character device'],
  [(s) => s.isBlockDevice(), 'a block device'],
  [(s) => s.isDirectory(), 'a directory'],
];

const OPEN_ERRORS: Record<string, string> = {
  ELOOP: 'a symlink loop (too many levels of symbolic links)',
  ENOENT: 'gone (or a dangling symlink)',
  EACCES: 'not readable (permission denied)',
  EPERM: 'not readable (operation not permitted)',
};

/**
 * Opens a data file and returns its descriptor, or throws UnreadableFileError saying why not.
 * Non-blocking, then checked on the open descriptor: a FIFO named like a data file would otherwise block
 * the read until some writer appears (forever), and checking the path before opening it races with a
 * rename. The flag is harmless for a regular file.
 */
export function openDataFile(filePath: string): number {
  let fd: number;
  try {
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const why = OPEN_ERRORS[code];
    if (why === undefined) throw error;
    throw new UnreadableFileError(`${filePath} is ${why}`);
  }
  const stat = fs.fstatSync(fd);
  if (stat.isFile()) return fd;
  fs.closeSync(fd);
  const what = NOT_REGULAR.find(([test]) => test(stat))?.[1] ?? 'not a regular file';
  throw new UnreadableFileError(`${filePath} is ${what}, not a regular file: skipped`);
}

/** The whole file (FIT files are small), read from an opened descriptor, which is closed. */
export function readWhole(fd: number): Buffer {
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
