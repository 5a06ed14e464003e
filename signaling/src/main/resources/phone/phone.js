// The browser phone: a WebRTC client of the gateway's signaling protocol (docs/signaling.md,
// "WebRTC (browsers)"). The automated tests read window.phone and use the element ids: keep them.
'use strict';

(() => {
  const query = new URLSearchParams(location.search);
  // first the node that served the page, then the cluster's other nodes as that node lists them
  // (/phone/config, RTC2SIP_SIGNALING_PUBLIC_URLS): a link cannot point the phone (and its token)
  // elsewhere
  const OWN_URL = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/signaling`;
  let urls = [OWN_URL];
  let urlIndex = 0;
  const LOGIN_RETRY_MS = 1000; // a node still taking over a dead node's users answers timeout
  // ?raw=1: the microphone unprocessed, for the tone tests (the processing bends tones)
  const PROCESSING = query.get('raw') !== '1';
  const PING_MS = 25000; // the gateway closes a connection that is idle for 60 s
  const BACKOFF_FIRST_MS = 1000;
  const BACKOFF_MAX_MS = 10000;
  const LOG_SIZE = 200;
  const TICK_MS = 200;
  const SILENCE_DB = -70; // the loudest frequency of the remote audio under this: nothing heard

  const CAUSES = {
    'local-hangup': 'You hung up.',
    'remote-hangup': 'The other party hung up.',
    'rtc-peer-left': 'This browser left the call (its audio connection went away).',
    'rtc-media-failed': 'The audio connection between this browser and the gateway failed.',
    'media-timeout': 'No audio came from the other party for too long.',
    'dialog-lost': 'The telephone system lost the call.',
    'transferred': 'The call was transferred.',
    'transfer-failed': 'The transfer failed and the call ended.',
    'cancelled': 'The call was cancelled before it was answered.',
    'no-answer': 'No answer.',
    'callee-offline': 'The person you called is offline.',
    'busy': 'Busy.',
    'declined': 'The call was declined.',
    'not-found': 'No such number or user.',
    'forbidden': 'You are not allowed to call this number.',
    'redirected': 'The number redirects elsewhere, and redirects are not followed.',
    'incompatible-media': 'No audio format in common with the other party.',
    'rejected': 'The telephone system rejected the call.',
    'server-failure': 'The telephone system failed.',
  };
  const ERRORS = {
    'bad-json': 'The gateway could not read a message of this page',
    'unknown-type': 'The gateway does not know this request',
    'bad-message': 'A request was incomplete',
    'too-long': 'A message was too long for the gateway',
    'not-logged-in': 'Log in first',
    'bad-token': 'Login refused: the token is not valid',
    'rate-limited': 'Too many requests at once',
    'rejected': 'Not possible now',
    'timeout': 'The gateway did not answer in time',
    'unavailable': 'The call did not answer',
    'no-such-call': 'That call is not going on any more',
    'no-rtc-tokens': 'This gateway needs no RTC tokens',
    'bad-sdp': 'The gateway cannot use this browser\'s audio offer',
    'no-webrtc': 'This gateway takes no calls from browsers (WebRTC is off)',
    'unsupported-version': 'The gateway speaks another version of the protocol',
  };
  const STATE_WORDS = {
    idle: 'No call.', calling: 'Calling…', ringing: 'Ringing at the other end…',
    incoming: 'Incoming call.', active: 'In call.', ended: 'Call ended.',
  };
  // the gateway's call states (calls result) as this page's states
  const GATEWAY_STATES = {
    Dialing: 'calling', Cancelling: 'calling', Ringing: 'ringing', Routing: 'incoming',
    Parked: 'incoming', Alerting: 'incoming', Active: 'active', Transferring: 'active',
    Referred: 'active', Held: 'held', Ended: 'ended',
  };

  const phone = window.phone = {
    connected: false, loggedIn: false, uid: null, callId: null, state: 'idle', held: false,
    heldBy: null, endCause: null, sipStatus: null, pcState: null, muted: false, micLevel: 0,
    speakerLevel: 0, heardHz: 0, dtmfReceived: '', lastError: null, log: [], pc: null, ws: null,
  };
  const $ = id => document.getElementById(id);

  /** A failure in words for the user; code: the gateway's error code, if it was one. */
  class PhoneError extends Error {
    constructor(message, code) {
      super(message);
      this.code = code;
    }
  }
  // thrown by a call's flow that another call or the end of its call overtook
  const OVERTAKEN = new PhoneError('overtaken');

  // ------------------------------------------------------------------ connection and login

  let credentials = null; // {uid, token} of the last login, used again after a reconnect
  let replaced = false;   // logged in elsewhere: do not take the session back by reconnecting
  let backoff = BACKOFF_FIRST_MS;
  let reconnectTimer = null;
  let pingTimer = null;
  let nextId = 1;
  const pending = new Map(); // request id -> {resolve, reject}
  let statusText = 'Not connected.';
  let notice = '';

  function connect() {
    clearTimeout(reconnectTimer);
    const old = phone.ws;
    phone.ws = null; // its close is not a lost connection
    if (old) {
      old.close();
      lost(old);
    }
    const url = urls[urlIndex % urls.length];
    const ws = new WebSocket(url);
    phone.ws = ws;
    phone.url = url;
    setStatus(`Connecting to ${url}…`);
    let opened = false;
    ws.onopen = () => {
      opened = true;
      phone.connected = true;
      backoff = BACKOFF_FIRST_MS;
      pingTimer = setInterval(() => request('ping').catch(() => {}), PING_MS);
      login();
    };
    ws.onmessage = e => receive(e.data);
    ws.onclose = () => {
      if (phone.ws !== ws) return;
      // the node that held this connection may have held the call's audio too, and its
      // rtc-moved may come before the next connection is known: offer the audio again after
      // the next login (a leg that still works is replaced, a dead one comes back)
      if (call && established() && call.pc) call.renegotiateWanted = true;
      lost(ws);
      if (replaced) {
        setStatus('Logged in on another page or device: this page is disconnected.'
          + ' Log in to take over again.');
        return;
      }
      // the next node of the list at once; after a whole round, wait longer each time
      urlIndex = (urlIndex + 1) % urls.length;
      const delay = urlIndex === 0 ? backoff : 0;
      if (urlIndex === 0) backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      setStatus(opened ? `Connection to the gateway lost: reconnecting in ${delay / 1000} s…`
        : `Cannot reach the gateway at ${url}: trying again in ${delay / 1000} s…`);
      reconnectTimer = setTimeout(connect, delay);
    };
  }

  function lost(ws) {
    clearInterval(pingTimer);
    ws.onopen = ws.onmessage = ws.onclose = null;
    phone.connected = phone.loggedIn = false;
    const error = new PhoneError('The connection to the gateway was lost.');
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    render();
  }

  async function login() {
    const ws = phone.ws;
    try {
      await request('login', {v: 1, uid: credentials.uid, token: credentials.token});
      phone.loggedIn = true;
      phone.uid = credentials.uid;
      setStatus(`Logged in as ${credentials.uid}.`);
      // after a reconnect: what became of the calls meanwhile (the media went on unless the
      // call moved to another node)
      showCalls((await request('calls')).calls);
    } catch (e) {
      if (phone.connected && !phone.loggedIn) setStatus('Connected, not logged in.');
      showError(e);
      // the cluster is still taking over a dead node's users and calls: ask again
      if (e.code === 'timeout' && phone.ws === ws) setTimeout(() => {
        if (phone.ws === ws && phone.connected) login();
      }, LOGIN_RETRY_MS);
    }
  }

  function request(type, fields = {}) {
    const ws = phone.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new PhoneError('Not connected to the gateway.'));
    }
    const id = String(nextId++);
    const text = JSON.stringify({id, type, ...fields});
    remember('> ' + text);
    ws.send(text);
    return new Promise((resolve, reject) => pending.set(id, {resolve, reject}));
  }

  function receive(text) {
    remember('< ' + text);
    const m = JSON.parse(text);
    const waiting = pending.get(m.id);
    if (waiting && (m.type === 'result' || m.type === 'error' || m.type === 'pong')) {
      pending.delete(m.id);
      if (m.type === 'error') waiting.reject(gatewayError(m));
      else waiting.resolve(m);
    } else if (m.type === 'error') {
      showError(gatewayError(m)); // not about a request of ours: rate-limited, too-long
    } else {
      notified(m);
      render();
    }
  }

  function gatewayError(m) {
    return new PhoneError(`${ERRORS[m.code] || 'The gateway refused'} (${m.reason}).`, m.code);
  }

  // ------------------------------------------------------------------ calls

  // The current call: its media and what only this page knows about it. Replaced by every new
  // call, so a flow that awaited something can tell whether its call is still the current one.
  let call = null;

  function newCall(state, callId) {
    call = {stream: null, pc: null, mic: null, speaker: null, holds: [], renegotiating: false,
      renegotiateWanted: false,
      answering: false, answeredAt: null, endedAt: null, hangupWanted: false, early: [],
      transferTo: null, endWords: ''};
    Object.assign(phone, {callId, state, held: false, heldBy: null, endCause: null,
      sipStatus: null, pcState: null, muted: false, dtmfReceived: '', lastError: null});
    notice = '';
    return call;
  }

  const inCall = () => ['calling', 'ringing', 'incoming', 'active', 'held'].includes(phone.state);
  const established = () => phone.state === 'active' || phone.state === 'held';

  async function placeCall() {
    const to = $('number').value.trim();
    if (!to) return showError(new PhoneError('Enter a number or SIP address to call.'));
    if (!phone.loggedIn) return showError(new PhoneError('Log in first.'));
    if (inCall()) return;
    const c = newCall('calling', null);
    render();
    try {
      const offer = await startMedia(c);
      if (c.hangupWanted) throw OVERTAKEN; // hung up while the microphone was being opened
      const result = await request('call', {to, sdp: offer});
      if (c !== call) throw OVERTAKEN;
      phone.callId = result.callId;
      // notifications that beat the result (a call that fails at once): in order, before others
      c.early.filter(m => m.callId === result.callId).forEach(notified);
      c.early = [];
      if (c.hangupWanted) hangup();
      await useAnswer(c, result.sdp);
    } catch (e) {
      callFailed(c, e);
    }
    render();
  }

  function incomingCall(m) {
    if (inCall()) {
      request('reject', {callId: m.callId, busy: true}).catch(showError);
      notice = `A call from ${m.fromName || m.from} was refused as busy (you are in a call).`;
      return;
    }
    newCall('incoming', m.callId);
    $('incoming-from').textContent = m.fromName ? `${m.fromName} (${m.from})` : m.from;
    startRing();
  }

  async function answerCall() {
    if (phone.state !== 'incoming' || call.answering) return;
    const c = call;
    c.answering = true;
    stopRing();
    render();
    try {
      const offer = await startMedia(c);
      const result = await request('answer', {callId: phone.callId, sdp: offer});
      await useAnswer(c, result.sdp);
    } catch (e) {
      callFailed(c, e);
    }
    render();
  }

  async function useAnswer(c, sdp) {
    if (c !== call || phone.state === 'ended') throw OVERTAKEN;
    await c.pc.setRemoteDescription({type: 'answer', sdp});
  }

  /** A call's flow failed: its media goes, and a call the gateway made is hung up there. */
  function callFailed(c, e) {
    closeMedia(c);
    if (c !== call || phone.state === 'ended') return;
    if (e !== OVERTAKEN) {
      showError(e instanceof PhoneError ? e
        : new PhoneError(`The browser could not set up the call: ${e.message}`));
    }
    if (phone.callId) {
      hangup(); // the gateway ends it and says how ('ended')
    } else {
      phone.state = 'idle';
    }
  }

  async function hangup() {
    const c = call;
    if (!c || !inCall()) return;
    stopRing();
    if (!phone.callId) {
      c.hangupWanted = true; // the call's id comes with its result
      return;
    }
    try {
      await request('hangup', {callId: phone.callId});
    } catch (e) {
      if (c !== call || phone.state === 'ended') return;
      showError(e);
      // the gateway cannot be told (or has no such call): end here; without this browser's
      // media the gateway ends the call anyway (rtc-peer-left)
      ended(null, null, 'The call was ended in this browser only.');
      render();
    }
  }

  function notified(m) {
    if (m.type === 'incoming-call') return incomingCall(m);
    if (m.type === 'rtc-moved') {
      if (call && m.callId === phone.callId && m.browser) renegotiate(call);
      return;
    }
    if (m.type === 'session-replaced') {
      replaced = true;
      return;
    }
    if (m.type === 'offline-call') {
      const until = new Date(m.until).toLocaleTimeString();
      notice = `A call from ${m.from} waits for you until ${until}.`;
      return;
    }
    if (call && phone.callId === null && phone.state === 'calling') return call.early.push(m);
    if (!call || m.callId !== phone.callId) return;
    switch (m.type) {
      case 'ringing':
        if (phone.state === 'calling') phone.state = 'ringing';
        if (m.earlyMedia) notice = 'You hear the other end\'s own ringing or announcement.';
        break;
      case 'answered':
        call.answeredAt = Date.now();
        phone.state = 'active';
        notice = '';
        break;
      case 'held':
        setHolds([...call.holds.filter(by => by !== m.by), m.by]);
        notice = m.by === 'sip' ? 'The other party put the call on hold.'
          : 'You put the call on hold.';
        break;
      case 'resumed':
        setHolds(call.holds.filter(by => by !== m.by));
        notice = m.by === 'sip' ? 'The other party resumed the call.' : 'You resumed the call.';
        break;
      case 'dtmf':
        phone.dtmfReceived += m.digit;
        notice = `The other party pressed: ${phone.dtmfReceived}`;
        break;
      case 'transferred':
        // after our own transfer, 'ended' (cause transferred) follows and ends the call here
        notice = call.transferTo ? `You transferred the call to ${m.to}.`
            : `The other party transferred you: the call goes on with ${m.to}.`;
        break;
      case 'transfer-failed':
        call.transferTo = null;
        notice = `The transfer failed (SIP ${m.status}); the call goes on.`;
        break;
      case 'ended':
        ended(m.cause, m.sipStatus, CAUSES[m.cause] || `The call ended (${m.reason || m.cause}).`);
        break;
    }
  }

  /** Who holds the call now, latest last: 'rtc' (this page) and/or 'sip' (the other party). */
  function setHolds(holds) {
    call.holds = holds;
    phone.held = holds.length > 0;
    phone.heldBy = holds.length ? holds[holds.length - 1] : null;
    if (established()) phone.state = phone.held ? 'held' : 'active';
  }

  function ended(cause, sipStatus, words) {
    stopRing();
    closeMedia(call);
    call.endedAt = Date.now();
    call.endWords = sipStatus && sipStatus !== 200 ? `${words} (SIP ${sipStatus})` : words;
    Object.assign(phone, {state: 'ended', endCause: cause, sipStatus, held: false, heldBy: null});
  }

  /** The calls the gateway has for this user; the current one takes its state from there. */
  function showCalls(calls) {
    $('calls').replaceChildren(...(calls.length ? calls : [null]).map(c => {
      const li = document.createElement('li');
      li.textContent = c === null ? 'No calls going on.'
        : `${c.direction === 'inbound' ? 'From' : 'To'} ${c.peer}: ${c.state}`
          + (c.localHold ? ', held by you' : '') + (c.remoteHold ? ', held by the other party' : '')
          + ` (${c.callId})`;
      return li;
    }));
    if (!call || !phone.callId || !inCall()) return;
    const mine = calls.find(c => c.callId === phone.callId);
    if (!mine || mine.state === 'Ended') {
      ended(null, null, 'The call ended while the connection to the gateway was lost.');
    } else {
      phone.state = GATEWAY_STATES[mine.state] || phone.state;
      if (established() && !call.answeredAt) call.answeredAt = Date.now();
      setHolds([...(mine.remoteHold ? ['sip'] : []), ...(mine.localHold ? ['rtc'] : [])]);
      // the call moved to another node while this page was away (its rtc-moved went to the
      // dead node's connection): the audio connection is gone, offer a new one there
      const pcGone = !call.pc || ['disconnected', 'failed', 'closed']
        .includes(call.pc.connectionState);
      if (established() && mine.browser && (call.renegotiateWanted || pcGone)) {
        renegotiate(call);
      }
    }
    render();
  }

  /**
   * The call now runs on another node (its node died): a new RTCPeerConnection (new ICE
   * credentials and DTLS, so an ICE restart and more) offered there with `reoffer`; the call
   * and the microphone stay. Until logged in again it waits for the login's `calls`.
   */
  async function renegotiate(c) {
    if (c !== call || !established() || c.renegotiating) return;
    if (!phone.loggedIn) {
      c.renegotiateWanted = true;
      return;
    }
    c.renegotiating = true;
    c.renegotiateWanted = false;
    notice = 'The call moved to another gateway node: reconnecting its audio…';
    render();
    try {
      const offer = await offerFrom(c);
      const result = await request('reoffer', {callId: phone.callId, sdp: offer});
      await useAnswer(c, result.sdp);
      notice = 'The call moved to another gateway node; its audio goes on.';
    } catch (e) {
      if (e === OVERTAKEN) {
        // another call or the end of this one came first
      } else if (!phone.loggedIn) {
        c.renegotiateWanted = true; // again after the next login
      } else if (e.code === 'timeout') {
        // the call is still moving to its new node: offer again shortly
        c.renegotiateWanted = true;
        setTimeout(() => { if (c.renegotiateWanted) renegotiate(c); }, LOGIN_RETRY_MS);
      } else {
        callFailed(c, e);
      }
    } finally {
      c.renegotiating = false;
    }
    render();
  }

  // ------------------------------------------------------------------ media

  /** Microphone, RTCPeerConnection and its offer, sent at once: the gateway is ICE-lite. */
  async function startMedia(c) {
    if (!navigator.mediaDevices) {
      throw new PhoneError('The microphone is only available to pages on https://'
        + ' or on localhost.');
    }
    audio(); // while the click still counts as a user gesture
    try {
      c.stream = await navigator.mediaDevices.getUserMedia({audio: {echoCancellation: PROCESSING,
        noiseSuppression: PROCESSING, autoGainControl: PROCESSING}});
    } catch (e) {
      throw new PhoneError(microphoneError(e));
    }
    if (c !== call || phone.state === 'ended') throw OVERTAKEN;
    c.mic = analyse(c.stream);
    return offerFrom(c);
  }

  /** A new RTCPeerConnection for the call's microphone (in place of any before) and its offer. */
  async function offerFrom(c) {
    const old = c.pc;
    const pc = c.pc = phone.pc = new RTCPeerConnection();
    if (old) old.close();
    phone.pcState = pc.connectionState;
    pc.onconnectionstatechange = () => {
      if (c !== call || pc !== c.pc || pc.signalingState === 'closed') return;
      phone.pcState = pc.connectionState;
      if (pc.connectionState === 'failed' && established()) {
        // its node may have died: the call, recovered elsewhere, waits for a new offer
        renegotiate(c);
      } else if (pc.connectionState === 'failed' && inCall()) {
        showError(new PhoneError('The audio connection to the gateway failed: hanging up.'));
        hangup();
      }
      render();
    };
    pc.ontrack = e => {
      if (c !== call || pc !== c.pc) return;
      const remote = e.streams[0] || new MediaStream([e.track]);
      $('remote-audio').srcObject = remote;
      if (c.speaker) c.speaker.source.disconnect(); // the track of a connection before
      c.speaker = analyse(remote);
    };
    c.stream.getAudioTracks().forEach(t => pc.addTrack(t, c.stream));
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    return offer.sdp;
  }

  function microphoneError(e) {
    switch (e.name) {
      case 'NotAllowedError':
        return 'Microphone access was refused: allow it for this page in the browser'
          + ' and try again.';
      case 'NotFoundError':
        return 'No microphone found: connect one and try again.';
      case 'NotReadableError':
        return 'The microphone could not be opened: another program may be using it.';
      default:
        return `The microphone could not be used (${e.name}: ${e.message}).`;
    }
  }

  function closeMedia(c) {
    if (c.pc) c.pc.close();
    if (c.stream) c.stream.getTracks().forEach(t => t.stop());
    for (const meter of [c.mic, c.speaker]) if (meter) meter.source.disconnect();
    c.mic = c.speaker = null;
    if (c === call) {
      if (c.pc) phone.pcState = c.pc.connectionState;
      $('remote-audio').srcObject = null;
    }
  }

  let context = null;

  /** The page's AudioContext, made (or resumed) on a click: browsers keep it silent before. */
  function audio() {
    context = context || new AudioContext();
    if (context.state === 'suspended') context.resume();
    return context;
  }

  function analyse(stream) {
    const source = audio().createMediaStreamSource(stream);
    const analyser = context.createAnalyser();
    analyser.fftSize = 8192; // about 6 Hz a bin at 48 kHz
    analyser.smoothingTimeConstant = 0;
    source.connect(analyser);
    return {source, analyser};
  }

  /** Peak amplitude, 0..1. */
  function level(meter) {
    if (!meter) return 0;
    const samples = new Float32Array(meter.analyser.fftSize);
    meter.analyser.getFloatTimeDomainData(samples);
    return Math.min(1, samples.reduce((peak, s) => Math.max(peak, Math.abs(s)), 0));
  }

  /** The loudest frequency in Hz (between FFT bins by a parabola through the peak), 0 if quiet. */
  function loudestHz(meter) {
    if (!meter) return 0;
    const db = new Float32Array(meter.analyser.frequencyBinCount);
    meter.analyser.getFloatFrequencyData(db);
    let peak = 1;
    for (let i = 2; i < db.length - 1; i++) if (db[i] > db[peak]) peak = i;
    if (!(db[peak] > SILENCE_DB)) return 0;
    const [l, m, r] = [db[peak - 1], db[peak], db[peak + 1]];
    const offset = l - 2 * m + r === 0 ? 0 : 0.5 * (l - r) / (l - 2 * m + r);
    return Math.round((peak + offset) * context.sampleRate / meter.analyser.fftSize);
  }

  let ringTimer = null;

  /** A short ring burst (440 + 480 Hz, one second) every three seconds while a call rings here. */
  function startRing() {
    stopRing();
    const burst = () => {
      const ctx = audio();
      const gain = ctx.createGain();
      const t = ctx.currentTime;
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(0.15, t + 0.05);
      gain.gain.setValueAtTime(0.15, t + 0.95);
      gain.gain.linearRampToValueAtTime(0, t + 1);
      gain.connect(ctx.destination);
      for (const hz of [440, 480]) {
        const tone = ctx.createOscillator();
        tone.frequency.value = hz;
        tone.connect(gain);
        tone.start(t);
        tone.stop(t + 1);
      }
    };
    burst();
    ringTimer = setInterval(burst, 3000);
  }

  function stopRing() {
    clearInterval(ringTimer);
    ringTimer = null;
  }

  // ------------------------------------------------------------------ page

  function setStatus(text) {
    statusText = text;
    render();
  }

  function showError(e) {
    phone.lastError = e instanceof PhoneError ? e.message
      : `Something went wrong: ${e.message || e}`;
    render();
  }

  function remember(line) {
    phone.log.push(line);
    if (phone.log.length > LOG_SIZE) phone.log.shift();
    if ($('log-panel').open) $('log').textContent = phone.log.join('\n');
  }

  function render() {
    $('status').textContent = statusText;
    const holder = call && call.holds.length === 2 ? 'by you and the other party'
      : {rtc: 'by you', sip: 'by the other party'}[phone.heldBy];
    $('call-state').textContent = phone.state === 'held' ? `On hold ${holder}.`
      : STATE_WORDS[phone.state];
    $('end-cause').textContent = phone.state === 'ended' ? call.endWords : '';
    $('notice').textContent = notice;
    $('incoming').hidden = phone.state !== 'incoming';
    $('answer').disabled = Boolean(call && call.answering);
    $('call').disabled = inCall();
    $('hangup').disabled = !inCall();
    $('hold').disabled = !established();
    $('hold').textContent = call && call.holds.includes('rtc') ? 'Resume' : 'Hold';
    $('mute').disabled = !established();
    $('mute').textContent = phone.muted ? 'Unmute' : 'Mute';
    $('transfer').disabled = !established();
    $('error').textContent = phone.lastError || '';
    tick();
  }

  function tick() {
    phone.micLevel = call ? level(call.mic) : 0;
    phone.speakerLevel = call ? level(call.speaker) : 0;
    phone.heardHz = call ? loudestHz(call.speaker) : 0;
    $('mic-level').value = phone.micLevel;
    $('speaker-level').value = phone.speakerLevel;
    if (call && call.answeredAt) {
      const s = Math.floor(((call.endedAt || Date.now()) - call.answeredAt) / 1000);
      $('timer').textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    } else {
      $('timer').textContent = '';
    }
  }

  function act(promise) {
    promise.catch(showError);
  }

  $('dev-token').onclick = async () => {
    const uid = $('uid').value.trim();
    if (!uid) return showError(new PhoneError('Enter a user id first.'));
    try {
      const response = await fetch(`/phone/dev-token?uid=${encodeURIComponent(uid)}`);
      if (!response.ok) {
        const reason = await response.text();
        throw new PhoneError(`No development token (HTTP ${response.status}): ${reason}`);
      }
      $('token').value = (await response.json()).token;
    } catch (e) {
      showError(e instanceof PhoneError ? e : new PhoneError(`No development token: ${e.message}`));
    }
  };
  $('login').onclick = () => {
    const uid = $('uid').value.trim();
    const token = $('token').value.trim();
    if (!uid || !token) {
      return showError(new PhoneError('Enter a user id and a token (or get a development token).'));
    }
    audio(); // a click: from now on the page may ring
    credentials = {uid, token};
    replaced = false;
    phone.lastError = null;
    if (phone.connected && !phone.loggedIn) login();
    else connect();
  };
  $('call').onclick = placeCall;
  $('answer').onclick = answerCall;
  $('reject').onclick = () => {
    stopRing();
    act(request('reject', {callId: phone.callId}));
  };
  $('hangup').onclick = hangup;
  $('hold').onclick = () =>
    act(request(call.holds.includes('rtc') ? 'unhold' : 'hold', {callId: phone.callId}));
  $('mute').onclick = () => {
    phone.muted = !phone.muted;
    call.stream.getAudioTracks().forEach(t => { t.enabled = !phone.muted; });
    render();
  };
  $('transfer').onclick = () => {
    const to = $('transfer-to').value.trim();
    if (!to) return showError(new PhoneError('Enter where to transfer the call.'));
    const c = call;
    c.transferTo = to;
    notice = `Transferring to ${to}…`;
    render();
    request('transfer', {callId: phone.callId, to}).catch(e => {
      c.transferTo = null;
      showError(e);
    });
  };
  $('keypad').onclick = e => {
    const key = e.target.dataset && e.target.dataset.key;
    if (!key) return;
    if (established()) act(request('dtmf', {callId: phone.callId, digits: key}));
    else $('number').value += key;
  };
  $('log-panel').ontoggle = () => { $('log').textContent = phone.log.join('\n'); };

  fetch('/phone/config').then(r => (r.ok ? r.json() : {})).then(config => {
    urls = [OWN_URL, ...(config.signalingUrls || []).filter(u => u !== OWN_URL)];
  }).catch(() => {}); // without the list: only this node

  setInterval(tick, TICK_MS);
  render();
})();
