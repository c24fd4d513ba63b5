/**
 * The source monitor's webhook: when SAFECAMPUS_HEALTH_WEBHOOK names a URL, each pipeline run's
 * health check posts its short Chinese message there, as a 企业微信 / 钉钉 group robot takes it:
 * `{"msgtype":"text","text":{"content":"…"}}`. A webhook that fails never fails the run: the
 * outcome is kept with the check (audit.health_checks.notify_status and notify_detail).
 */
import type { NotifyOutcome } from '../transforms/source-health.ts';

export const WEBHOOK_ENV = 'SAFECAMPUS_HEALTH_WEBHOOK';
const TIMEOUT_MS = 10_000;

/** The configured webhook URL, or null; a value that is no http(s) URL stops the worker at start with what to do. */
export function healthWebhookFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env[WEBHOOK_ENV]?.trim();
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${WEBHOOK_ENV}=${value} 不是网址（is no URL: set it to the robot's http(s) webhook address, or unset it to post nothing）`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${WEBHOOK_ENV} must be an http or https URL, got ${url.protocol}`);
  }
  return url.toString();
}

/** Posts the message; the robot's answer (or the error) is the detail. Never throws. */
export async function postHealthMessage(url: string, content: string): Promise<NotifyOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ msgtype: 'text', text: { content } }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const answer = (await response.text()).slice(0, 500);
    if (!response.ok) return { status: 'failed', detail: `HTTP ${response.status}: ${answer}` };
    // 企业微信 and 钉钉 answer 200 with {"errcode": n, "errmsg": "…"}; any other 2xx answer counts as received
    const errcode = errorCodeOf(answer);
    if (errcode !== null && errcode !== 0) return { status: 'failed', detail: answer };
    return { status: 'sent', detail: answer || `HTTP ${response.status}` };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const reason = error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : `${error.message}${cause}`) : String(error);
    return { status: 'failed', detail: reason };
  }
}

function errorCodeOf(answer: string): number | null {
  try {
    const parsed = JSON.parse(answer) as { errcode?: unknown };
    return typeof parsed.errcode === 'number' ? parsed.errcode : null;
  } catch {
    return null;
  }
}
