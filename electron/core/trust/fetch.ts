/**
 * Fetching revocation data over HTTP, bounded: only `http:` URLs (OCSP and
 * CRLs are signed, and fetching them over TLS would need the very checks
 * they serve), only the URL the certificate names (a redirect is reported,
 * never followed), one deadline for the whole exchange, and a byte cap
 * enforced while reading (a Content-Length over the cap is refused before
 * the body). All of it is asynchronous I/O: the thread that takes in MQTT
 * messages never waits on it. Every failure is a FetchError whose message
 * says what happened, for the operator.
 */
import http from 'node:http';

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

/** OCSP responses are a few kilobytes; a CRL of a busy public CA can be megabytes. */
export const OCSP_LIMITS: FetchLimits = { timeoutMs: 5000, maxBytes: 64 * 1024 };
export const CRL_LIMITS: FetchLimits = { timeoutMs: 8000, maxBytes: 16 * 1024 * 1024 };

export class FetchError extends Error {}

export interface FetchRequest {
  method: 'GET' | 'POST';
  body?: Buffer;
  contentType?: string;
  accept: string;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

export function fetchBounded(url: string, request: FetchRequest, limits: FetchLimits, signal?: AbortSignal): Promise<Buffer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new FetchError('the URL cannot be read'));
  }
  if (target.protocol !== 'http:') return Promise.reject(new FetchError(`only http:// URLs are fetched, not ${target.protocol}//`));
  if (target.username || target.password) return Promise.reject(new FetchError('the URL carries credentials'));
  if (signal?.aborted) return Promise.reject(new FetchError('the check was stopped'));

  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: FetchError | null, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(body as Buffer);
    };
    const onAbort = () => finish(new FetchError('the check was stopped'));
    const timer = setTimeout(() => finish(new FetchError(`no complete answer within ${limits.timeoutMs / 1000} s`)), limits.timeoutMs);
    const headers: Record<string, string> = { Accept: request.accept, 'User-Agent': 'mqtts-dashboard', Connection: 'close' };
    if (request.body) {
      headers['Content-Type'] = request.contentType ?? 'application/octet-stream';
      headers['Content-Length'] = String(request.body.length);
    }
    const req = http.request(target, { method: request.method, headers, agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        const location = String(res.headers.location ?? '').slice(0, 200);
        return finish(new FetchError(`it redirects${location ? ` to ${location}` : ''}; redirects are not followed`));
      }
      if (status !== 200) return finish(new FetchError(`HTTP ${status}${res.statusMessage ? ` ${res.statusMessage.slice(0, 60)}` : ''}`));
      const announced = Number(res.headers['content-length']);
      if (Number.isFinite(announced) && announced > limits.maxBytes) {
        return finish(new FetchError(`the answer is ${announced} bytes, more than the ${limits.maxBytes} allowed`));
      }
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > limits.maxBytes) return finish(new FetchError(`the answer is larger than the ${limits.maxBytes} bytes allowed`));
        chunks.push(chunk);
      });
      res.on('end', () => finish(null, Buffer.concat(chunks)));
      res.on('error', (error) => finish(new FetchError(describe(error))));
      res.on('close', () => finish(new FetchError('the answer was cut off')));
    });
    req.on('error', (error) => finish(new FetchError(describe(error))));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(request.body);
  });
}
