/**
 * Whether a process still runs: how a lock's holder on this machine is told live
 * (warehouse/file-lock.ts), whether the embedded Temporal server in `server.json` still runs, and
 * which half-unpacked browser folders were abandoned. EPERM means it runs under another user.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
