// The events websocket carries the ARI credentials in an Authorization header, never in
// its URL (a query string lands in proxy and access logs).
import { eventsRequest } from '../../../src/asterisk/connection';

test('the URL has no credentials; the header has them (Basic)', () => {
  const r = eventsRequest({ url: 'http://127.0.0.1:8088', username: 'accueil', password: 'p@ss word', app: 'accueil' });
  expect(r.url).toBe('ws://127.0.0.1:8088/ari/events?app=accueil');
  expect(r.headers).toEqual({ authorization: `Basic ${Buffer.from('accueil:p@ss word').toString('base64')}` });
  expect(eventsRequest({ url: 'https://pbx.example.org', username: 'u', password: 'p', app: 'a b' }).url).toBe('wss://pbx.example.org/ari/events?app=a%20b');
});
