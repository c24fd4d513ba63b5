/**
 * Whether a process still runs: how the lock files of this project (the run lock, the embedded
 * Temporal server's state, the site build's lock, the browser's unpacking) tell a holder that
 * died from one that works. EPERM means it runs under another user.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
