/**
 * Revocation data is fetched within bounds, against small HTTP servers on
 * 127.0.0.1 that misbehave on purpose: answers larger than the cap (announced
 * or streamed), a server that never answers, redirects (never followed),
 * error statuses, other URL schemes, and a check that is stopped.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchBounded, FetchError } from '../../electron/core/trust/fetch';

let server: http.Server;
let base = '';
let requests = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests++;
    switch (req.url) {
      case '/ok':
        return void res.writeHead(200, { 'Content-Length': 3 }).end('abc');
      case '/announced-large':
        return void res.writeHead(200, { 'Content-Length': 10_000 }).end(Buffer.alloc(10_000));
      case '/streamed-large':
        res.writeHead(200);
        for (let i = 0; i < 20; i++) res.write(Buffer.alloc(1000));
        return void res.end();
      case '/redirect':
        return void res.writeHead(302, { Location: 'https://elsewhere.example/crl' }).end();
      case '/error':
        return void res.writeHead(500, 'Internal Server Error').end();
      case '/silent':
        return; // never answers
      default:
        return void res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const limits = { timeoutMs: 500, maxBytes: 5000 };
const get = (path: string, signal?: AbortSignal) => fetchBounded(`${base}${path}`, { method: 'GET', accept: '*/*' }, limits, signal);

describe('bounded fetch of revocation data', () => {
  it('returns the body of a plain 200 answer', async () => {
    expect((await get('/ok')).toString()).toBe('abc');
  });

  it('refuses an answer larger than the cap, announced or streamed', async () => {
    await expect(get('/announced-large')).rejects.toThrow('the answer is 10000 bytes, more than the 5000 allowed');
    await expect(get('/streamed-large')).rejects.toThrow('the answer is larger than the 5000 bytes allowed');
  });

  it('gives up on a server that never answers, at the deadline', async () => {
    await expect(get('/silent')).rejects.toThrow('no complete answer within 0.5 s');
  });

  it('never follows a redirect, and says where it pointed', async () => {
    const before = requests;
    await expect(get('/redirect')).rejects.toThrow('it redirects to https://elsewhere.example/crl; redirects are not followed');
    expect(requests).toBe(before + 1);
  });

  it('reports an error status', async () => {
    await expect(get('/error')).rejects.toThrow('HTTP 500 Internal Server Error');
  });

  it('fetches http:// only, and nothing with credentials in it', async () => {
    const before = requests;
    for (const url of ['https://127.0.0.1/crl', 'file:///etc/passwd', 'ldap://ca.example/cn=crl']) {
      await expect(fetchBounded(url, { method: 'GET', accept: '*/*' }, limits)).rejects.toThrow(/only http:\/\/ URLs are fetched/);
    }
    await expect(fetchBounded(`http://user:pw@127.0.0.1:1/`, { method: 'GET', accept: '*/*' }, limits)).rejects.toThrow('the URL carries credentials');
    expect(requests).toBe(before);
  });

  it('stops when the check is stopped, and says so for a refused connection', async () => {
    const controller = new AbortController();
    const pending = get('/silent', controller.signal);
    controller.abort();
    await expect(pending).rejects.toThrow('the check was stopped');
    await expect(fetchBounded('http://127.0.0.1:1/', { method: 'GET', accept: '*/*' }, limits)).rejects.toThrow(FetchError);
  });
});
