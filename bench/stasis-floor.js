// Bench only (bench/load.ts, the "floor" phases): the least an ARI application can do
// with the reference call, to tell what Asterisk's extra CPU under the daemon is made of.
// FLOOR_MODE (the caller enters Stasis(bench-floor,<number>), bench/extensions_bench.conf):
//   continue   one event read, one request: straight back to the plain dialplan's
//              reference case (context bench-reference) — the price of passing a call
//              through Stasis at all, the floor of any design where the daemon decides
//              and the dialplan rings and bridges;
//   call       the reference call driven over ARI with the fewest requests: answer, play
//              the greeting, create and dial the secretariat's leg, a mixing bridge for
//              the two, hang-ups — the floor of today's design;
//   call+      the same with what the daemon adds to a call's requests: the caller's
//              ringing indication (on, then off) and the call's snapshot written at
//              three steps (a channel variable, for restart survival).
// Reads ARI_URL, ARI_USERNAME, ARI_PASSWORD; writes "ready" on stdout once its
// application is registered and its event filter set.
const http = require('node:http');
const WebSocket = require('ws');

const APP = 'bench-floor';
const MODE = process.env.FLOOR_MODE ?? 'continue';
const url = new URL(process.env.ARI_URL ?? 'http://127.0.0.1:8088');
const authorization = `Basic ${Buffer.from(`${process.env.ARI_USERNAME}:${process.env.ARI_PASSWORD}`).toString('base64')}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
let failures = 0;

/** One request; resolves once answered (a failure is counted, never thrown: the bench counts the calls). */
function send(method, resource, body) {
  return new Promise((resolve) => {
    const headers = { authorization, ...(body ? { 'content-type': 'application/json' } : {}) };
    const req = http.request({ host: url.hostname, port: url.port, path: `/ari/${resource}`, method, agent, headers }, (res) => {
      if ((res.statusCode ?? 0) >= 300 && res.statusCode !== 404) failures += 1;
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => {
      failures += 1;
      resolve();
    });
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const enc = encodeURIComponent;
/** caller channel id → its call; a leg's id → the caller's. */
const calls = new Map();
const callerOf = new Map();

const snapshot = (call, step) =>
  MODE === 'call+' ? send('POST', `channels/${enc(call.caller)}/variable?variable=BENCH_CALL&value=${enc(JSON.stringify({ v: 1, step, number: call.number, caller: call.callerNumber, leg: call.leg }))}`) : undefined;

async function onCaller(channel, number) {
  const call = { caller: channel.id, number, callerNumber: channel.caller?.number ?? '', leg: `${channel.id}-leg`, bridge: `${channel.id}-bridge` };
  calls.set(call.caller, call);
  callerOf.set(call.caller, call.caller);
  callerOf.set(call.leg, call.caller);
  if (MODE === 'call+') await send('POST', `channels/${enc(call.caller)}/ring`);
  await send('POST', `channels/${enc(call.caller)}/answer`);
  await snapshot(call, 'greeting');
  await send('POST', `channels/${enc(call.caller)}/play?media=${enc('sound:accueil/bienvenue-dr-martin')}&playbackId=${enc(`${call.caller}-play`)}`);
}

async function ringSecretariat(call) {
  await snapshot(call, 'ringing');
  const name = `[Dr Martin] ${call.callerNumber}`;
  await send('POST', `channels/create?endpoint=${enc('PJSIP/secretariat')}&app=${APP}&appArgs=${enc(`leg,${call.caller}`)}&channelId=${enc(call.leg)}`, {
    variables: { 'CALLERID(num)': call.callerNumber, 'CALLERID(name)': name },
  });
}

async function bridge(call) {
  if (MODE === 'call+') await send('DELETE', `channels/${enc(call.caller)}/ring`);
  await send('POST', `bridges?type=mixing&bridgeId=${enc(call.bridge)}`);
  await send('POST', `bridges/${enc(call.bridge)}/addChannel?channel=${enc(`${call.caller},${call.leg}`)}`);
  await snapshot(call, 'answered');
}

function onGone(channelId) {
  const call = calls.get(callerOf.get(channelId));
  if (!call) return;
  calls.delete(call.caller);
  callerOf.delete(call.caller);
  callerOf.delete(call.leg);
  void send('DELETE', `channels/${enc(channelId === call.caller ? call.leg : call.caller)}`);
  void send('DELETE', `bridges/${enc(call.bridge)}`);
}

function onEvent(event) {
  const channel = event.channel;
  switch (event.type) {
    case 'StasisStart':
      if (MODE === 'continue') {
        void send('POST', `channels/${enc(channel.id)}/continue?context=bench-reference&extension=${enc(event.args?.[0] ?? '')}&priority=1`);
      } else if (event.args?.[0] === 'leg') {
        void send('POST', `channels/${enc(channel.id)}/dial?caller=${enc(event.args[1] ?? '')}&timeout=20`);
      } else void onCaller(channel, event.args?.[0] ?? '');
      return;
    case 'PlaybackFinished': {
      const call = calls.get(String(event.playback?.target_uri ?? '').replace(/^channel:/, ''));
      if (call) void ringSecretariat(call);
      return;
    }
    case 'ChannelStateChange': {
      const call = calls.get(callerOf.get(channel.id));
      if (call && channel.id === call.leg && channel.state === 'Up') void bridge(call);
      return;
    }
    case 'StasisEnd':
      onGone(channel.id);
      return;
    default:
  }
}

const socket = new WebSocket(`ws://${url.host}/ari/events?app=${APP}&subscribeAll=false`, { headers: { authorization } });
socket.on('open', async () => {
  // The events the daemon reads, as its own filter lets through (src/asterisk/connection.ts).
  const allowed = ['StasisStart', 'StasisEnd', 'ChannelDtmfReceived', 'PlaybackFinished', 'Dial', 'ChannelStateChange', 'ChannelHangupRequest', 'ChannelDestroyed', 'ChannelLeftBridge'];
  await send('PUT', `applications/${APP}/eventFilter`, { allowed: allowed.map((type) => ({ type })) });
  process.stdout.write('ready\n');
});
socket.on('message', (data) => onEvent(JSON.parse(String(data))));
socket.on('close', () => process.exit(0));
socket.on('error', (err) => {
  process.stderr.write(`stasis-floor: ${err.message}\n`);
  process.exit(1);
});
process.on('SIGTERM', () => {
  if (failures) process.stderr.write(`stasis-floor (${MODE}): ${failures} request(s) refused\n`);
  process.exit(0);
});
